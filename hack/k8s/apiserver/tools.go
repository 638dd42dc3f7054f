//go:build tools

// Package tools only exists so that `go mod tidy` keeps the dependencies of
// the upstream kube-apiserver main package in go.mod/go.sum. Build with:
//
//	go build k8s.io/kubernetes/cmd/kube-apiserver
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
