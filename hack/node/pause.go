//go:build ignore

// The pod sandbox's pause process (what registry.k8s.io/pause does, for a machine without a registry): it holds the
// pod's namespaces, reaps orphaned children when the pod shares its PID namespace, and exits on SIGINT or SIGTERM.
// hack/node.sh builds it statically (go build pause.go) into an image of its own on scratch.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
