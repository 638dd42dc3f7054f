//go:build tools

// Package tools only exists so that `go mod tidy` keeps the dependencies of
// the upstream etcd main package in go.mod/go.sum. Build with:
//
//	go build go.etcd.io/etcd/server/v3
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
