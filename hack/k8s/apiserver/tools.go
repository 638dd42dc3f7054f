//go:build tools

// Package tools only exists so that `go mod tidy` keeps the dependencies of
// the upstream kube-apiserver and kube-controller-manager main packages in
// go.mod/go.sum. Build with:
//
//	go build k8s.io/kubernetes/cmd/kube-apiserver
//	go build k8s.io/kubernetes/cmd/kube-controller-manager
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
