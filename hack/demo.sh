#!/usr/bin/env bash
# One-command demo: builds (or reuses) a local control plane, starts a throwaway PostgreSQL with a table big enough
# for a build to take a few seconds, installs the CRD, runs the operator, applies deploy/examples and shows
# `kubectl get pgindex` until everything is Ready. Cleans up when it ends (also on Ctrl-C).
#
# If your current kubeconfig points at a reachable cluster, that cluster is used instead of the local control
# plane (the operator still runs on this machine, next to the throwaway database); the demo works in namespace
# pgindex-demo and deletes it at the end. Set PGINDEX_DEMO_LOCAL=1 to always use the local control plane.
#
# hack/demo.sh --in-cluster runs the operator the way users do: its image (hack/build-image.sh) as a pod on a real
# node (hack/node.sh), installed with the Helm chart into pgindex-system under the restricted Pod Security Standard;
# the throwaway PostgreSQL listens on the node's address for the pod. Needs root and the node tier's Debian packages
# (hack/node-e2e.sh lists them); always uses the local control plane.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
export PATH="/usr/local/go/bin:$PATH"
WORK="$(mktemp -d /tmp/pgindex-demo.XXXXXX)"
NS=pgindex-demo
ROWS="${PGINDEX_DEMO_ROWS:-2000000}"
OWN_CLUSTER=0
PG_PID=""
OP_PID=""
IN_CLUSTER=0
case "${1:-}" in
  "") ;;
  --in-cluster) IN_CLUSTER=1 ;;
  *) echo "usage: $0 [--in-cluster]" >&2; exit 2 ;;
esac

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

cleanup() {
  set +e
  say "cleaning up"
  if [[ -n "${KUBECONFIG:-}" && $OWN_CLUSTER -eq 0 ]]; then
    kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1
  fi
  [[ -n "$OP_PID" ]] && kill "$OP_PID" 2>/dev/null && wait "$OP_PID" 2>/dev/null
  [[ -n "$PG_PID" ]] && { exec 3>&-; wait "$PG_PID" 2>/dev/null; }
  [[ $IN_CLUSTER -eq 1 ]] && hack/node.sh stop >/dev/null 2>&1
  [[ $OWN_CLUSTER -eq 1 ]] && hack/control-plane.sh stop >/dev/null 2>&1
  echo "logs kept in $WORK"
}
trap cleanup EXIT

say "building the operator (mvn package)"
mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" >/dev/null

if ((IN_CLUSTER)); then
  [[ "$(id -u)" == 0 ]] || { echo "--in-cluster needs root (containerd, kubelet, kube-proxy)" >&2; exit 1; }
  say "building the operator image (hack/build-image.sh; the Debian base is cached after the first time)"
  ARCHIVE="$(hack/build-image.sh --skip-package | tail -1)"
  HELM="$(hack/install-helm.sh | tail -1)"
  NODE_IP="$(hack/node.sh ip)"
  export PGINDEX_NODE_IP="$NODE_IP"
  say "starting a local control plane and a node (kubelet, kube-proxy, kube-scheduler, containerd) on $NODE_IP"
  hack/control-plane.sh stop >/dev/null 2>&1 || true
  OWN_CLUSTER=1
  hack/control-plane.sh start
  export KUBECONFIG="${PGINDEX_CACHE:-$HOME/.cache/pgindex-operator}/control-plane/kubeconfig"
  hack/node.sh start
  hack/node.sh load "$ARCHIVE"
elif [[ "${PGINDEX_DEMO_LOCAL:-0}" != 1 ]] && kubectl version --request-timeout=5s >/dev/null 2>&1; then
  say "using the cluster of your current kubeconfig ($(kubectl config current-context 2>/dev/null || echo '?'))"
else
  say "starting a local control plane (kube-apiserver, etcd, kube-controller-manager; the first build takes minutes)"
  hack/control-plane.sh start
  export KUBECONFIG="${PGINDEX_CACHE:-$HOME/.cache/pgindex-operator}/control-plane/kubeconfig"
  OWN_CLUSTER=1
fi

say "starting a throwaway PostgreSQL with $ROWS rows in shop.users"
exec 3> >(java -cp "$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$WORK/classpath.txt")" \
  dev.pgindex.operator.demo.DemoPostgres "$WORK/pg.port" "$ROWS" ${NODE_IP:-} >"$WORK/postgres.log" 2>&1)
PG_PID=$!
for _ in $(seq 1 300); do [[ -s "$WORK/pg.port" ]] && break; sleep 1; done
[[ -s "$WORK/pg.port" ]] || { cat "$WORK/postgres.log"; exit 1; }
PG_PORT="$(cat "$WORK/pg.port")"
echo "PostgreSQL on 127.0.0.1:$PG_PORT"

if ((IN_CLUSTER)); then
  PG_HOST="$NODE_IP"
  say "helm install pgindex-operator (chart defaults but the image) into pgindex-system, restricted Pod Security"
  kubectl create namespace pgindex-system --dry-run=client -o yaml | kubectl apply -f -
  kubectl label namespace pgindex-system --overwrite pod-security.kubernetes.io/enforce=restricted
  "$HELM" install pgindex-operator helm/pgindex-operator --namespace pgindex-system \
    --set image.repository=localhost/pgindex-operator --set image.tag=dev --set image.pullPolicy=Never \
    --set config.buildPollInterval=1s
  kubectl -n pgindex-system rollout status deployment/pgindex-operator --timeout=180s
  kubectl -n pgindex-system get pods -o wide
else
  PG_HOST=127.0.0.1
  say "installing the CRD"
  kubectl apply -f crds/
  kubectl wait --for=condition=Established crd/postgresindexes.pgindex.dev --timeout=60s
  kubectl wait --for=condition=Established crd/postgresconstraints.pgindex.dev --timeout=60s

  say "starting the operator"
  KUBECONFIG="${KUBECONFIG:-$HOME/.kube/config}" QUARKUS_HTTP_PORT=0 PGINDEX_BUILD_POLL_INTERVAL=1s \
    java -jar target/quarkus-app/quarkus-run.jar >"$WORK/operator.log" 2>&1 &
  OP_PID=$!
  for _ in $(seq 1 60); do grep -q "controller started" "$WORK/operator.log" && break; sleep 1; done
  grep -q "controller started" "$WORK/operator.log" || { cat "$WORK/operator.log"; exit 1; }
fi

say "applying the examples"
kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$NS" create secret generic shop-db-app --from-literal=host="$PG_HOST" --from-literal=port="$PG_PORT" \
  --from-literal=dbname=shop --from-literal=username=app --from-literal=password=app \
  --from-literal=uri="postgresql://app:app@$PG_HOST:$PG_PORT/shop" --dry-run=client -o yaml | kubectl apply -f -
for f in deploy/examples/*.yaml; do
  grep -q '^kind: Secret' "$f" || kubectl -n "$NS" apply -f "$f"
done

say "kubectl get pgindex (until every index is Ready)"
for _ in $(seq 1 300); do
  kubectl -n "$NS" get pgindex
  if [[ "$(kubectl -n "$NS" get pgindex -o jsonpath='{.items[*].status.phase}')" =~ ^(Ready ?)+$ ]]; then break; fi
  sleep 2
  echo
done
kubectl -n "$NS" wait --for=condition=Ready pgindex --all --timeout=60s

say "kubectl get pgconstraint (the foreign key waits for its index, counts, adds NOT VALID, validates)"
kubectl -n "$NS" wait --for=condition=Ready pgconstraint --all --timeout=120s
kubectl -n "$NS" get pgconstraint

say "kubectl describe pgindex users-email"
kubectl -n "$NS" describe pgindex users-email
