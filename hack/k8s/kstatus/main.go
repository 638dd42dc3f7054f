// kstatus reads Kubernetes objects as JSON (one object, or a List) on stdin and prints, for each, the status that
// the kstatus library computes (sigs.k8s.io/cli-utils/pkg/kstatus/status: the library behind Flux's and
// Argo-adjacent health checks and `kubectl`-style waiters): one line "<kind>/<name> <Status> <message>".
// The e2e suite feeds it objects read from the real API server to prove how GitOps tools will see them.
package main

import (
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func main() {
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	var obj map[string]interface{}
	// apimachinery's json keeps integers as int64, as unstructured objects from the API server carry them
	if err := json.Unmarshal(data, &obj); err != nil {
		fail(err)
	}
	items := []map[string]interface{}{obj}
	if list, ok := obj["items"].([]interface{}); ok {
		items = nil
		for _, it := range list {
			items = append(items, it.(map[string]interface{}))
		}
	}
	for _, it := range items {
		u := &unstructured.Unstructured{Object: it}
		res, err := status.Compute(u)
		if err != nil {
			fail(err)
		}
		fmt.Printf("%s/%s %s %s\n", u.GetKind(), u.GetName(), res.Status, res.Message)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kstatus:", err)
	os.Exit(2)
}
