# Shared steps of the benchmark runners (bench/run.sh, bench/indexset.sh); sourced, not run. The caller sets
# ROOT (the repository), WORK (its work directory), PGBIN, JAR, and defines log; the functions set the variables
# named in their comments, which the caller's cleanup uses (PG_STARTED, CP_STARTED, as_pg).

now() { date +%s.%N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# A throwaway PostgreSQL 15 in $WORK/pgdata on a free port, run as an unprivileged OS user when we are root (it
# refuses root). Extra postgresql.conf lines come on stdin. Sets PG_PORT, PG_STARTED and as_pg.
bench_start_postgres() {
  PGUSER_OS=""
  if [[ $(id -u) == 0 ]]; then
    PGUSER_OS=pgbench-runner
    id "$PGUSER_OS" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PGUSER_OS"
    as_pg() { runuser -u "$PGUSER_OS" -- "$@"; }
  else
    as_pg() { "$@"; }
  fi
  PG_PORT="$(free_port)"
  mkdir -p "$WORK/pgdata" "$WORK/sock" "$WORK/pglog"
  [[ -n "$PGUSER_OS" ]] && chown "$PGUSER_OS" "$WORK/pgdata" "$WORK/sock" "$WORK/pglog"
  as_pg "$PGBIN/initdb" -D "$WORK/pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1
  {
    printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\n" "$PG_PORT" "$WORK/sock"
    cat
  } >>"$WORK/pgdata/postgresql.conf"
  as_pg "$PGBIN/pg_ctl" -D "$WORK/pgdata" -l "$WORK/pglog/postgres.log" -w start >/dev/null
  PG_STARTED=1
}

# The local control plane on free ports with its state in $WORK/cache, an audit log at metadata level in
# $WORK/audit.log (it counts the operator's API requests), and the CRDs of crds/. Sets CP_STARTED and KUBECONFIG
# (the admin's, for kubectl).
bench_start_control_plane() {
  if [[ -z "${PGINDEX_K8S_BIN_DIR:-}" ]]; then
    PGINDEX_K8S_BIN_DIR="$(hack/build-control-plane.sh | tail -n 1)"
  fi
  export PGINDEX_K8S_BIN_DIR
  cat >"$WORK/audit-policy.yaml" <<'YAML'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
YAML
  export PGINDEX_APISERVER_EXTRA_ARGS="--audit-policy-file=$WORK/audit-policy.yaml --audit-log-path=$WORK/audit.log --audit-log-maxsize=0"
  export PGINDEX_CACHE="$WORK/cache" PGINDEX_APISERVER_PORT="$(free_port)" PGINDEX_ETCD_CLIENT_PORT="$(free_port)" \
    PGINDEX_ETCD_PEER_PORT="$(free_port)"
  log "starting the control plane (apiserver :$PGINDEX_APISERVER_PORT, state in $PGINDEX_CACHE)"
  CP_STARTED=1
  hack/control-plane.sh start >"$WORK/control-plane.log" 2>&1 || { cat "$WORK/control-plane.log" >&2; exit 1; }
  export KUBECONFIG="$PGINDEX_CACHE/control-plane/kubeconfig"
  kubectl apply -f crds/ >/dev/null
  kubectl wait --for=condition=Established crd --all --timeout=60s >/dev/null
}

# How the operator runs, as in a cluster at its shipped defaults:
# - as the ServiceAccount of deploy/, configured the way a pod is: the API server from KUBERNETES_SERVICE_HOST and
#   KUBERNETES_SERVICE_PORT, the ServiceAccount's bearer token and the cluster CA in files, no kubeconfig (a pod never
#   parses one; the kubeconfig's YAML parser and model cost about 18 MB of allocation at start). An admin kubeconfig
#   would also authenticate with a client certificate, whose key the client wraps in a password-protected key store
#   at start: a few hundred milliseconds of PBKDF2 that a pod never pays. Sets OP_ENV (an array, for env);
#   $WORK/operator.kubeconfig holds the same identity for tools that want a kubeconfig;
# - with the image's JVM settings and a class data sharing archive trained as the image build trains it (none of
#   it with BENCH_JVM_DEFAULTS=1), then BENCH_JAVA_OPTS. Sets JVM_ARGS (an array) and JVM_DESC (for the report).
bench_prepare_operator() {
  kubectl apply -f deploy/00-namespace.yaml -f deploy/02-serviceaccount.yaml -f deploy/03-clusterrole.yaml \
    -f deploy/04-clusterrolebinding.yaml >/dev/null
  hack/control-plane.sh sa-kubeconfig pgindex-system pgindex-operator "$WORK/operator.kubeconfig" >/dev/null
  local sa="$WORK/serviceaccount" server
  mkdir -p "$sa"
  kubectl --kubeconfig "$WORK/operator.kubeconfig" config view --raw -o jsonpath='{.users[0].user.token}' \
    >"$sa/token"
  kubectl --kubeconfig "$WORK/operator.kubeconfig" config view --raw \
    -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d >"$sa/ca.crt"
  server="$(kubectl --kubeconfig "$WORK/operator.kubeconfig" config view -o jsonpath='{.clusters[0].cluster.server}')"
  server="${server#https://}"
  OP_ENV=(-u KUBECONFIG "KUBERNETES_SERVICE_HOST=${server%:*}" "KUBERNETES_SERVICE_PORT=${server##*:}"
    KUBERNETES_AUTH_TRYKUBECONFIG=false "KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN=$sa/token"
    "KUBERNETES_CERTS_CA_FILE=$sa/ca.crt" KUBERNETES_NAMESPACE=pgindex-system)
  JVM_ARGS=()
  if [[ "${BENCH_JVM_DEFAULTS:-0}" != 1 ]]; then
    log "training the class data sharing archive (src/main/docker/cds-training.sh)"
    sh "$ROOT/src/main/docker/cds-training.sh" "$ROOT/src/main/docker/jvm.options" "$(dirname "$JAR")" \
      "$WORK/app-cds.jsa"
    JVM_ARGS=("@$ROOT/src/main/docker/jvm.options" "-XX:SharedArchiveFile=$WORK/app-cds.jsa")
  fi
  # shellcheck disable=SC2206  # BENCH_JAVA_OPTS is intentionally word-split
  JVM_ARGS+=(${BENCH_JAVA_OPTS:-})
  JVM_DESC="${JVM_ARGS[*]}"; JVM_DESC="${JVM_DESC//$WORK/\$WORK}"; JVM_DESC="${JVM_DESC//$ROOT\//}"
}
