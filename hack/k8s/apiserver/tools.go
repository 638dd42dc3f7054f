//go:build tools

// Package tools only exists so that `go mod tidy` keeps the dependencies of
// the upstream main packages built by hack/build-control-plane.sh in
// go.mod/go.sum: the control plane (kube-apiserver, kube-controller-manager)
// and, with --with-node, the node (kubelet, kube-scheduler, kube-proxy).
// Build with, for example:
//
//	go build k8s.io/kubernetes/cmd/kube-apiserver
//	go build k8s.io/kubernetes/cmd/kubelet
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
