#!/usr/bin/env bash
# A real, minimal local Kubernetes control plane for tests and demos:
# etcd + kube-apiserver + kube-controller-manager (built from source by
# hack/build-control-plane.sh), bound to 127.0.0.1 only. There is NO scheduler
# and NO kubelet.
#
# kube-controller-manager runs only these controllers (see KCM_CONTROLLERS):
#   namespace-controller               deleting a namespace deletes its content and
#                                      removes the `kubernetes` finalizer, so
#                                      `kubectl delete ns X` completes: ~5.2 s (the
#                                      controller waits a hard-coded 5 s before acting);
#                                      objects with their own finalizers hold it until
#                                      released, then it is gone within ~8.5 s (re-check
#                                      interval while finalizers remain)
#   garbage-collector-controller       ownerReferences cascade (background/foreground
#                                      deletion, orphaning); it re-reads discovery every
#                                      30 s, so owners of a just-created CRD's kind are
#                                      only tracked after 20-45 s
#   serviceaccount-controller          every namespace gets a `default` ServiceAccount
#                                      (within ~0.1 s; the ServiceAccount admission
#                                      plugin is enabled as in real clusters and retries
#                                      the `default` lookup for 1-2 s, so creating a Pod
#                                      right after its namespace works)
#   serviceaccount-token-controller    fills in legacy kubernetes.io/service-account-token
#                                      Secrets that are created explicitly
#   clusterrole-aggregation-controller admin/edit/view (and any ClusterRole with an
#                                      aggregationRule) get the rules of the
#                                      ClusterRoles labelled aggregate-to-*
# It authenticates with a client certificate for `system:kube-controller-manager`
# (bound by the default RBAC bootstrap policy) and, like kubeadm, runs each
# controller with its own ServiceAccount in kube-system
# (--use-service-account-credentials=true: namespace-controller,
# generic-garbage-collector, ... bound to the system:controller:* ClusterRoles).
# No leader election, no serving port (--secure-port=0).
#
# With PGINDEX_NODE_IP set (hack/node.sh prints it; hack/node-e2e.sh and
# `hack/demo.sh --in-cluster` set it) the control plane is ready for a real node
# (hack/node.sh): kube-apiserver also listens on that address and advertises it
# (the `kubernetes` Service's endpoint, which pods reach through kube-proxy),
# talks to the kubelet with a client certificate of its own, and
# kube-controller-manager also runs the controllers a node needs (NODE_CONTROLLERS:
# node lifecycle (removes the not-ready taint a kubelet registers with),
# deployments and replica sets, endpoints and endpoint slices, the
# kube-root-ca.crt ConfigMap that every pod's service-account volume mounts,
# pod garbage collection).
#
# Not running (by design): scheduler/kubelet, so Pods stay Pending; the
# workload controllers (Deployments/ReplicaSets/Jobs/... create nothing),
# endpoints/endpointslice, resourcequota, root-ca-certificate-publisher (no
# kube-root-ca.crt ConfigMap), node, volume and certificate controllers.
# Bound service-account tokens come from the TokenRequest API
# (`kubectl create token`, `sa-kubeconfig`).
# `stop` stops kube-controller-manager first, then kube-apiserver, then etcd.
#
# Usage:
#   hack/control-plane.sh start                 start (building binaries if needed), wait for /readyz
#                                               and for kube-controller-manager to be working
#   hack/control-plane.sh stop                  stop all three processes, delete etcd data
#   hack/control-plane.sh status                exit 0 if ready, 3 if stopped, 1 otherwise
#   hack/control-plane.sh env                   print `export KUBECONFIG=...` (use with eval)
#   hack/control-plane.sh sa-kubeconfig NS SA OUT [DURATION]
#                                               write a kubeconfig authenticating as ServiceAccount NS/SA
#                                               with a bound token (default DURATION 24h)
#   hack/control-plane.sh client-kubeconfig NAME SUBJECT OUT
#                                               write a kubeconfig with a client certificate of our CA
#                                               (made once, $PKI_DIR/NAME.crt), e.g. for the kubelet
#   hack/control-plane.sh delete-ns NS [TIMEOUT] `kubectl delete ns NS` with a timeout (default 60s)
#                                               that prints what is left on failure; if
#                                               kube-controller-manager is not running, falls back
#                                               to a stand-in (delete the content, call /finalize)
#   hack/control-plane.sh stop-apiserver        stop kube-apiserver only (etcd and its data stay)
#   hack/control-plane.sh start-apiserver       start it again with the same flags and wait for /readyz
#   hack/control-plane.sh aggregate-roles       fallback only: no-op while kube-controller-manager
#                                               runs; otherwise fills in aggregated ClusterRoles once
#
# Environment:
#   PGINDEX_CACHE               cache root (default $HOME/.cache/pgindex-operator)
#   PGINDEX_APISERVER_PORT      kube-apiserver secure port (default 6443)
#   PGINDEX_ETCD_CLIENT_PORT    etcd client port (default 23790)
#   PGINDEX_ETCD_PEER_PORT      etcd peer port (default 23800)
#   PGINDEX_K8S_BIN_DIR         use etcd/kube-apiserver/kube-controller-manager from this dir
#                               instead of building
#   PGINDEX_APISERVER_EXTRA_ARGS extra kube-apiserver flags (word-split)
#   PGINDEX_KCM_EXTRA_ARGS      extra kube-controller-manager flags (word-split)
#   KUBECTL                     kubectl binary (default kubectl)
#
# State (PKI, logs, pid files, kubeconfigs) lives in ${PGINDEX_CACHE}/control-plane;
# the admin kubeconfig is ${PGINDEX_CACHE}/control-plane/kubeconfig (user in
# group system:masters, client-certificate auth, certificates embedded).
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_ROOT="${PGINDEX_CACHE:-$HOME/.cache/pgindex-operator}"
STATE_DIR="$CACHE_ROOT/control-plane"
PKI_DIR="$STATE_DIR/pki"
KUBECONFIG_FILE="$STATE_DIR/kubeconfig"
KCM_KUBECONFIG_FILE="$STATE_DIR/kube-controller-manager.kubeconfig"
APISERVER_PORT="${PGINDEX_APISERVER_PORT:-6443}"
ETCD_CLIENT_PORT="${PGINDEX_ETCD_CLIENT_PORT:-23790}"
ETCD_PEER_PORT="${PGINDEX_ETCD_PEER_PORT:-23800}"
KUBECTL="${KUBECTL:-kubectl}"
SA_ISSUER="https://kubernetes.default.svc.cluster.local"
SERVICE_CIDR="10.0.0.0/24"
SERVICE_IP="10.0.0.1"   # first address of SERVICE_CIDR: the `kubernetes` Service
READY_TIMEOUT="${PGINDEX_READY_TIMEOUT:-180}"
KCM_CONTROLLERS="namespace-controller,garbage-collector-controller,serviceaccount-controller,serviceaccount-token-controller,clusterrole-aggregation-controller"
NODE_IP="${PGINDEX_NODE_IP:-}"
NODE_CONTROLLERS="node-lifecycle-controller,deployment-controller,replicaset-controller,endpoints-controller,endpointslice-controller,root-ca-certificate-publisher-controller,pod-garbage-collector-controller"
if [[ -n "$NODE_IP" ]]; then KCM_CONTROLLERS+=",$NODE_CONTROLLERS"; fi

log() { echo "control-plane: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- process helpers -------------------------------------------------------

# pid recorded in $STATE_DIR/$1.pid if that process is alive and is still our
# binary (guards against pid reuse); empty otherwise.
live_pid() {
  local name="$1" pidfile="$STATE_DIR/$1.pid" pid
  [[ -f "$pidfile" ]] || return 0
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  [[ -r "/proc/$pid/cmdline" ]] || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "/$name " || return 0
  echo "$pid"
}

is_zombie() { grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# Right after `setsid BINARY ... &`, the child may not have exec'd yet, so
# live_pid would not recognise it: wait (up to 5s) until it has, or has exited.
wait_exec() {
  local name="$1" pid i
  pid="$(cat "$STATE_DIR/$name.pid")"
  for ((i = 0; i < 50; i++)); do
    [[ -n "$(live_pid "$name")" ]] && return 0
    [[ -d "/proc/$pid" ]] && ! is_zombie "$pid" || return 0
    sleep 0.1
  done
}

stop_process() {
  local name="$1" pid i
  pid="$(live_pid "$name")"
  if [[ -n "$pid" ]]; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      if [[ ! -d "/proc/$pid" ]] || is_zombie "$pid"; then break; fi
      sleep 0.2
    done
    if [[ -d "/proc/$pid" ]] && ! is_zombie "$pid"; then
      log "$name did not exit after 30s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    # The process was re-parented when `start` exited; give init a moment to
    # reap it so that callers checking e.g. `pgrep etcd` see nothing.
    for ((i = 0; i < 50; i++)); do
      [[ -d "/proc/$pid" ]] || break
      sleep 0.2
    done
    [[ -d "/proc/$pid" ]] && ! is_zombie "$pid" && die "$name (pid $pid) is still running"
  fi
  rm -f "$STATE_DIR/$name.pid"
}

admin_kubectl() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

is_ready() {
  [[ -f "$KUBECONFIG_FILE" ]] || return 1
  [[ "$(admin_kubectl get --raw /readyz --request-timeout=5s 2>/dev/null)" == "ok" ]]
}

# --- PKI ---------------------------------------------------------------------

gen_pki() {
  command -v openssl >/dev/null 2>&1 || die "openssl is required to generate certificates"
  mkdir -p "$PKI_DIR"
  chmod 700 "$PKI_DIR"
  local d="$PKI_DIR"
  if [[ -s "$d/ca.crt" && -s "$d/ca.key" && -s "$d/apiserver.crt" && -s "$d/admin.crt" && -s "$d/sa.key" ]]; then
    # Reuse: keeps previously written kubeconfigs valid across restarts. State
    # dirs from before kube-controller-manager was added lack its certificate.
    [[ -s "$d/kube-controller-manager.crt" ]] || gen_client_cert kube-controller-manager "/CN=system:kube-controller-manager"
    gen_node_certs
    return 0
  fi
  log "generating CA, serving/client certificates and service-account key pair in $d"
  (
    set -e
    umask 077
    cd "$d"
    openssl genrsa -out ca.key 2048 2>/dev/null
    openssl req -x509 -new -nodes -key ca.key -sha256 -days 3650 \
      -subj "/CN=pgindex-local-ca" -out ca.crt 2>/dev/null

    # kube-apiserver serving certificate, signed by our CA.
    cat >apiserver.ext <<EOF
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:$SERVICE_IP
EOF
    openssl genrsa -out apiserver.key 2048 2>/dev/null
    openssl req -new -key apiserver.key -subj "/CN=kube-apiserver" -out apiserver.csr 2>/dev/null
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
      -days 3650 -sha256 -extfile apiserver.ext -out apiserver.crt 2>/dev/null

    # ServiceAccount token signing key pair (TokenRequest API / bound tokens;
    # kube-controller-manager signs legacy Secret-based tokens with it).
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    rm -f ./*.csr ./*.ext ca.srl
  ) || die "certificate generation failed"
  # Admin: group system:masters bypasses RBAC.
  gen_client_cert admin "/O=system:masters/CN=pgindex-admin"
  # The default RBAC bootstrap policy binds ClusterRole system:kube-controller-manager
  # (and the kube-system Role extension-apiserver-authentication-reader) to this user.
  gen_client_cert kube-controller-manager "/CN=system:kube-controller-manager"
  gen_node_certs
}

# With a node (PGINDEX_NODE_IP): kube-apiserver's client certificate for the
# kubelet API (logs, exec, port-forward), in system:masters as kubeadm's
# apiserver-kubelet-client; the kubelet accepts any client our CA signed.
gen_node_certs() {
  [[ -n "$NODE_IP" ]] || return 0
  [[ -s "$PKI_DIR/apiserver-kubelet-client.crt" ]] \
    || gen_client_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
}

# gen_client_cert NAME SUBJECT: $PKI_DIR/NAME.{key,crt}, a client certificate
# signed by our CA.
gen_client_cert() {
  local name="$1" subj="$2"
  (
    set -e
    umask 077
    cd "$PKI_DIR"
    printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=clientAuth" >"$name.ext"
    openssl genrsa -out "$name.key" 2048 2>/dev/null
    openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr" 2>/dev/null
    openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
      -days 3650 -sha256 -extfile "$name.ext" -out "$name.crt" 2>/dev/null
    rm -f "$name.csr" "$name.ext" ca.srl
  ) || die "generating the $name client certificate failed"
}

# write_cert_kubeconfig OUT CERT_NAME USER: kubeconfig for the client
# certificate $PKI_DIR/CERT_NAME.{crt,key} (embedded).
write_cert_kubeconfig() {
  local out="$1" cert="$2" user="$3" tmp="$1.tmp"
  rm -f "$tmp"
  (
    umask 077
    "$KUBECTL" --kubeconfig "$tmp" config set-cluster pgindex-local \
      --server "https://127.0.0.1:$APISERVER_PORT" \
      --certificate-authority "$PKI_DIR/ca.crt" --embed-certs=true >/dev/null
    "$KUBECTL" --kubeconfig "$tmp" config set-credentials "$user" \
      --client-certificate "$PKI_DIR/$cert.crt" --client-key "$PKI_DIR/$cert.key" \
      --embed-certs=true >/dev/null
    "$KUBECTL" --kubeconfig "$tmp" config set-context pgindex-local \
      --cluster pgindex-local --user "$user" --namespace default >/dev/null
    "$KUBECTL" --kubeconfig "$tmp" config use-context pgindex-local >/dev/null
  )
  mv -f "$tmp" "$out"
}

write_admin_kubeconfig() { write_cert_kubeconfig "$KUBECONFIG_FILE" admin pgindex-admin; }

# Directory with etcd, kube-apiserver and kube-controller-manager (built if needed).
resolve_bin_dir() {
  local bin_dir name
  if [[ -n "${PGINDEX_K8S_BIN_DIR:-}" ]]; then
    bin_dir="$PGINDEX_K8S_BIN_DIR"
  else
    bin_dir="$("$HACK_DIR/build-control-plane.sh" | tail -n 1)"
  fi
  for name in etcd kube-apiserver kube-controller-manager; do
    [[ -x "$bin_dir/$name" ]] || die "no $name in $bin_dir"
  done
  echo "$bin_dir"
}

# Starts kube-controller-manager against the running kube-apiserver and waits
# until it works: its log reports synced informer caches for the namespace,
# serviceaccount, token and clusterrole-aggregation controllers (the garbage
# collector may still be syncing its monitors; it catches up on objects created
# meanwhile), and the `default` ServiceAccount of namespace `default` exists.
start_controller_manager() {
  local bin_dir="$1" i log="$STATE_DIR/kube-controller-manager.log" synced c
  write_cert_kubeconfig "$KCM_KUBECONFIG_FILE" kube-controller-manager system:kube-controller-manager
  log "starting kube-controller-manager (controllers: $KCM_CONTROLLERS)"
  # --secure-port=0: no HTTPS endpoint, nothing to bind (--bind-address is moot).
  # --use-service-account-credentials=true (as kubeadm does): the
  #   system:kube-controller-manager user only has the bootstrap permissions to
  #   create one ServiceAccount per controller in kube-system (namespace-controller,
  #   generic-garbage-collector, ...) and bound tokens for them; each controller
  #   then runs with its own system:controller:* ClusterRole. With `false` every
  #   controller would run as system:kube-controller-manager, which may not
  #   delete namespace content or update ClusterRoles (Forbidden).
  # shellcheck disable=SC2086  # PGINDEX_KCM_EXTRA_ARGS is intentionally word-split
  setsid "$bin_dir/kube-controller-manager" \
    --kubeconfig "$KCM_KUBECONFIG_FILE" \
    --controllers "$KCM_CONTROLLERS" \
    --use-service-account-credentials=true \
    --leader-elect=false \
    --secure-port 0 \
    --bind-address 127.0.0.1 \
    --service-account-private-key-file "$PKI_DIR/sa.key" \
    --root-ca-file "$PKI_DIR/ca.crt" \
    --profiling=false \
    ${PGINDEX_KCM_EXTRA_ARGS:-} \
    </dev/null >"$STATE_DIR/kube-controller-manager.log" 2>&1 &
  echo $! >"$STATE_DIR/kube-controller-manager.pid"
  wait_exec kube-controller-manager

  for ((i = 0; i < 120; i++)); do
    [[ -n "$(live_pid kube-controller-manager)" ]] || {
      tail -n 30 "$log" >&2
      die "kube-controller-manager exited (log: $log)"
    }
    synced=1
    for c in namespace "service account" tokens ClusterRoleAggregator; do
      grep -qF "\"Caches are synced\" controller=\"$c\"" "$log" || { synced=0; break; }
    done
    if ((synced)) && admin_kubectl get serviceaccount default -n default --request-timeout=5s >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  tail -n 30 "$log" >&2
  stop_process kube-controller-manager
  die "kube-controller-manager not working after 60s (no synced caches in its log or no default ServiceAccount; log: $log)"
}

# Flags that differ with a node: listen on all addresses (127.0.0.1 for us, the
# node address for pods via the `kubernetes` Service), advertise the node address.
node_apiserver_args() {
  [[ -n "$NODE_IP" ]] || return 0
  echo "--bind-address 0.0.0.0 --advertise-address $NODE_IP" \
    "--kubelet-client-certificate $PKI_DIR/apiserver-kubelet-client.crt" \
    "--kubelet-client-key $PKI_DIR/apiserver-kubelet-client.key" \
    "--kubelet-preferred-address-types InternalIP"
}

# Starts kube-apiserver against the running etcd and waits for /readyz. Used by
# start, and by start-apiserver after stop-apiserver (etcd and its data are kept).
start_apiserver() {
  local bin_dir="$1"
  log "starting kube-apiserver on https://127.0.0.1:$APISERVER_PORT"
  # shellcheck disable=SC2086,SC2046  # PGINDEX_APISERVER_EXTRA_ARGS and the node flags are intentionally word-split
  setsid "$bin_dir/kube-apiserver" \
    --bind-address 127.0.0.1 \
    --advertise-address 127.0.0.1 \
    --secure-port "$APISERVER_PORT" \
    --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --cert-dir "$PKI_DIR" \
    --tls-cert-file "$PKI_DIR/apiserver.crt" \
    --tls-private-key-file "$PKI_DIR/apiserver.key" \
    --client-ca-file "$PKI_DIR/ca.crt" \
    --service-account-issuer "$SA_ISSUER" \
    --service-account-key-file "$PKI_DIR/sa.pub" \
    --service-account-signing-key-file "$PKI_DIR/sa.key" \
    --authorization-mode RBAC \
    --allow-privileged=true \
    --profiling=false \
    $(node_apiserver_args) \
    ${PGINDEX_APISERVER_EXTRA_ARGS:-} \
    </dev/null >>"$STATE_DIR/kube-apiserver.log" 2>&1 &
  echo $! >"$STATE_DIR/kube-apiserver.pid"
  wait_exec kube-apiserver

  write_admin_kubeconfig

  local deadline=$((SECONDS + READY_TIMEOUT))
  while :; do
    [[ -n "$(live_pid kube-apiserver)" ]] || { tail -n 30 "$STATE_DIR/kube-apiserver.log" >&2; die "kube-apiserver exited (log: $STATE_DIR/kube-apiserver.log)"; }
    [[ -n "$(live_pid etcd)" ]] || die "etcd exited (log: $STATE_DIR/etcd.log)"
    is_ready && break
    ((SECONDS < deadline)) || die "kube-apiserver not ready after ${READY_TIMEOUT}s (log: $STATE_DIR/kube-apiserver.log)"
    sleep 0.5
  done
}

# --- commands ------------------------------------------------------------------

cmd_start() {
  command -v "$KUBECTL" >/dev/null 2>&1 || die "kubectl not found (set KUBECTL)"
  mkdir -p "$STATE_DIR"

  local bin_dir
  if [[ -n "$(live_pid kube-apiserver)" && -n "$(live_pid etcd)" ]] && is_ready; then
    if [[ -n "$(live_pid kube-controller-manager)" ]]; then
      log "already running"
    else
      # Started by an older version of this script, or kube-controller-manager
      # died: add it without touching etcd/kube-apiserver (keeps their data).
      log "etcd and kube-apiserver are running, kube-controller-manager is not; starting it"
      bin_dir="$(resolve_bin_dir)"
      gen_pki
      start_controller_manager "$bin_dir"
    fi
    echo "$KUBECONFIG_FILE"
    return 0
  fi
  # Half-running or stale state: start from scratch.
  cmd_stop >/dev/null 2>&1 || true

  local port
  for port in "$APISERVER_PORT" "$ETCD_CLIENT_PORT" "$ETCD_PEER_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "127.0.0.1:$port is already in use (see PGINDEX_APISERVER_PORT / PGINDEX_ETCD_CLIENT_PORT / PGINDEX_ETCD_PEER_PORT)"
    fi
  done

  bin_dir="$(resolve_bin_dir)"

  gen_pki

  # If anything below fails (including die/exit), do not leave half a control
  # plane running.
  START_OK=0
  trap 'if [[ "${START_OK:-1}" == 0 ]]; then log "start failed; stopping"; cmd_stop >/dev/null 2>&1 || true; fi' EXIT

  local data_dir
  data_dir="$(mktemp -d "$STATE_DIR/etcd-data.XXXXXX")"
  echo "$data_dir" >"$STATE_DIR/etcd-data-dir"

  # --unsafe-no-fsync: throw-away test data, avoids fsync latency.
  log "starting etcd on 127.0.0.1:$ETCD_CLIENT_PORT (peer $ETCD_PEER_PORT), data in $data_dir"
  setsid "$bin_dir/etcd" \
    --name pgindex-local \
    --data-dir "$data_dir" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "pgindex-local=http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster-state new \
    --unsafe-no-fsync \
    --log-level warn \
    </dev/null >"$STATE_DIR/etcd.log" 2>&1 &
  echo $! >"$STATE_DIR/etcd.pid"
  wait_exec etcd

  local i
  for ((i = 0; i < 150; i++)); do
    [[ -n "$(live_pid etcd)" ]] || { tail -n 30 "$STATE_DIR/etcd.log" >&2; die "etcd exited (log: $STATE_DIR/etcd.log)"; }
    if curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_CLIENT_PORT/health" 2>/dev/null | grep -q '"health":"true"'; then
      break
    fi
    sleep 0.2
  done
  ((i < 150)) || die "etcd not healthy after 30s (log: $STATE_DIR/etcd.log)"

  start_apiserver "$bin_dir"
  start_controller_manager "$bin_dir"
  START_OK=1
  log "ready: kube-apiserver https://127.0.0.1:$APISERVER_PORT (pid $(live_pid kube-apiserver)), etcd (pid $(live_pid etcd)), kube-controller-manager (pid $(live_pid kube-controller-manager)); logs in $STATE_DIR"
  log "kubeconfig: $KUBECONFIG_FILE"
  echo "$KUBECONFIG_FILE"
}

cmd_stop() {
  mkdir -p "$STATE_DIR"
  stop_process kube-controller-manager
  stop_process kube-apiserver
  stop_process etcd
  if [[ -f "$STATE_DIR/etcd-data-dir" ]]; then
    local d
    d="$(cat "$STATE_DIR/etcd-data-dir")"
    # Only ever delete a data dir that we created inside the state dir.
    if [[ "$d" == "$STATE_DIR"/etcd-data.* && -d "$d" ]]; then rm -rf "$d"; fi
    rm -f "$STATE_DIR/etcd-data-dir"
  fi
  rm -f "$KUBECONFIG_FILE" "$KCM_KUBECONFIG_FILE"
  log "stopped"
}

# A kubeconfig for another component (hack/node.sh: the kubelet, kube-proxy,
# kube-scheduler) with a client certificate from our CA, made once per state dir.
cmd_client_kubeconfig() {
  [[ $# -eq 3 ]] || die "usage: $0 client-kubeconfig NAME SUBJECT OUT_FILE"
  local name="$1" subj="$2" out="$3"
  [[ "$name" =~ ^[a-z0-9-]+$ ]] || die "certificate name must be lowercase letters, digits and dashes: $name"
  [[ -s "$PKI_DIR/ca.key" ]] || die "no control plane certificates in $PKI_DIR (hack/control-plane.sh start)"
  [[ -s "$PKI_DIR/$name.crt" ]] || gen_client_cert "$name" "$subj"
  write_cert_kubeconfig "$out" "$name" "$name"
}

# Fault injection for tests: kube-apiserver alone goes away and comes back, the
# way it does during a control-plane upgrade; etcd and its data stay.
cmd_stop_apiserver() {
  [[ -n "$(live_pid etcd)" ]] || die "etcd is not running (hack/control-plane.sh start)"
  stop_process kube-apiserver
}

cmd_start_apiserver() {
  [[ -n "$(live_pid etcd)" ]] || die "etcd is not running (hack/control-plane.sh start)"
  if [[ -n "$(live_pid kube-apiserver)" ]] && is_ready; then
    log "kube-apiserver already running"
    return 0
  fi
  start_apiserver "$(resolve_bin_dir)"
  log "kube-apiserver ready again (pid $(live_pid kube-apiserver))"
}

cmd_status() {
  local api etcd kcm rc
  api="$(live_pid kube-apiserver)"
  etcd="$(live_pid etcd)"
  kcm="$(live_pid kube-controller-manager)"
  if [[ -n "$etcd" ]]; then
    echo "etcd:                    running (pid $etcd, http://127.0.0.1:$ETCD_CLIENT_PORT)"
  else
    echo "etcd:                    not running"
  fi
  if [[ -n "$api" ]]; then
    echo "kube-apiserver:          running (pid $api, https://127.0.0.1:$APISERVER_PORT)"
  else
    echo "kube-apiserver:          not running"
  fi
  if [[ -n "$kcm" ]]; then
    echo "kube-controller-manager: running (pid $kcm, log $STATE_DIR/kube-controller-manager.log)"
  else
    echo "kube-controller-manager: not running"
  fi
  if [[ -n "$api" && -n "$etcd" ]] && is_ready; then
    echo "readyz:                  ok"
    echo "kubeconfig:              $KUBECONFIG_FILE"
    if [[ -n "$kcm" ]]; then rc=0; else rc=1; fi
  elif [[ -z "$api" && -z "$etcd" && -z "$kcm" ]]; then
    rc=3
  else
    echo "readyz:                  not ready"
    rc=1
  fi
  return "$rc"
}

cmd_env() {
  echo "export KUBECONFIG=$KUBECONFIG_FILE"
  echo "export PGINDEX_APISERVER_URL=https://127.0.0.1:$APISERVER_PORT"
}

cmd_sa_kubeconfig() {
  [[ $# -ge 3 ]] || die "usage: $0 sa-kubeconfig NAMESPACE SERVICEACCOUNT OUT_FILE [DURATION]"
  local ns="$1" sa="$2" out="$3" duration="${4:-24h}" token tmp
  is_ready || die "control plane is not running (hack/control-plane.sh start)"
  token="$(admin_kubectl create token "$sa" -n "$ns" --duration "$duration")" \
    || die "could not create a token for serviceaccount $ns/$sa"
  tmp="$out.tmp.$$"
  rm -f "$tmp"
  (
    umask 077
    "$KUBECTL" --kubeconfig "$tmp" config set-cluster pgindex-local \
      --server "https://127.0.0.1:$APISERVER_PORT" \
      --certificate-authority "$PKI_DIR/ca.crt" --embed-certs=true >/dev/null
    "$KUBECTL" --kubeconfig "$tmp" config set-credentials "$ns-$sa" --token "$token" >/dev/null
    "$KUBECTL" --kubeconfig "$tmp" config set-context "$ns-$sa" \
      --cluster pgindex-local --user "$ns-$sa" --namespace "$ns" >/dev/null
    "$KUBECTL" --kubeconfig "$tmp" config use-context "$ns-$sa" >/dev/null
  )
  mv -f "$tmp" "$out"
  log "wrote kubeconfig for system:serviceaccount:$ns:$sa (token valid $duration) to $out"
}

# Fallback only. While kube-controller-manager runs, its clusterrole-aggregation
# controller keeps every ClusterRole with an aggregationRule up to date and this
# is a no-op. Otherwise (kube-controller-manager not running) a minimal
# stand-in: fills in the rules of every ClusterRole that has an aggregationRule
# (the built-in admin/edit/view, and e.g. roles labelled
# rbac.authorization.k8s.io/aggregate-to-edit that a CRD installer adds), once.
# Only matchLabels selectors are supported.
cmd_aggregate_roles() {
  is_ready || die "control plane is not running (hack/control-plane.sh start)"
  if [[ -n "$(live_pid kube-controller-manager)" ]]; then
    log "kube-controller-manager's clusterrole-aggregation controller is running; nothing to do"
    return 0
  fi
  log "kube-controller-manager is not running; aggregating ClusterRoles once (stand-in)"
  local pass role sel rules changed out sel_tpl
  # One "k1=v1,k2=v2," line per selector ($k/$v are go-template variables).
  # shellcheck disable=SC2016
  sel_tpl='{{range .aggregationRule.clusterRoleSelectors}}{{range $k, $v := .matchLabels}}{{$k}}={{$v}},{{end}}{{"\n"}}{{end}}'
  # admin aggregates edit, which aggregates view: iterate to a fixed point.
  for ((pass = 0; pass < 5; pass++)); do
    changed=0
    for role in $(admin_kubectl get clusterroles -o jsonpath='{range .items[?(@.aggregationRule)]}{.metadata.name}{"\n"}{end}' 2>/dev/null); do
      rules=""
      while IFS= read -r sel; do
        sel="${sel%,}"
        if [[ -z "$sel" ]]; then
          log "warning: clusterrole $role has a selector without matchLabels; not aggregated"
          continue
        fi
        rules+="$(admin_kubectl get clusterroles -l "$sel" --field-selector "metadata.name!=$role" \
          -o jsonpath='{range .items[*]}{range .rules[*]}{@}{","}{end}{end}' 2>/dev/null)"
      done < <(admin_kubectl get clusterrole "$role" -o go-template="$sel_tpl" 2>/dev/null)
      out="$(admin_kubectl patch clusterrole "$role" --type=merge -p "{\"rules\":[${rules%,}]}" 2>/dev/null)" \
        || die "could not update clusterrole $role"
      [[ "$out" == *"(no change)"* ]] || changed=1
    done
    ((changed)) || return 0
  done
  log "warning: clusterrole aggregation did not converge"
}

# `kubectl delete namespace NS` with a timeout; on timeout prints the
# namespace's status conditions (which name the remaining resources and
# finalizers). Plain `kubectl delete ns NS` works just as well.
#
# Fallback when kube-controller-manager is not running: a minimal stand-in for
# the namespace controller's `kubernetes` finalizer: delete every namespaced
# object, and only once none is left (objects with their own finalizers wait for
# whoever owns those), remove the finalizer via /finalize.
cmd_delete_ns() {
  [[ $# -ge 1 && $# -le 2 ]] || die "usage: $0 delete-ns NAMESPACE [TIMEOUT]"
  local ns="$1" timeout="${2:-60s}" types left obj
  is_ready || die "control plane is not running (hack/control-plane.sh start)"
  admin_kubectl get namespace "$ns" >/dev/null 2>&1 || die "namespace $ns not found"
  if [[ -n "$(live_pid kube-controller-manager)" ]]; then
    if admin_kubectl delete namespace "$ns" --wait=true --timeout="$timeout" >/dev/null 2>&1 \
      || ! admin_kubectl get namespace "$ns" >/dev/null 2>&1; then
      log "namespace $ns deleted"
      return 0
    fi
    log "namespace $ns still Terminating after $timeout:"
    admin_kubectl get namespace "$ns" \
      -o go-template='{{range .status.conditions}}{{if eq .status "True"}}  {{.type}}: {{.message}}{{"\n"}}{{end}}{{end}}' >&2 || true
    die "namespace $ns left Terminating"
  fi
  log "kube-controller-manager is not running; deleting namespace $ns with the stand-in"
  admin_kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
  types="$(admin_kubectl api-resources --namespaced=true --verbs=list,delete -o name 2>/dev/null | paste -sd, -)"
  admin_kubectl delete "$types" --all -n "$ns" --ignore-not-found --wait=true --timeout="$timeout" \
    >/dev/null 2> >(grep -v -e 'is deprecated' -e 'timed out waiting' -e 'reflector.go' >&2) || true
  left="$(admin_kubectl get "$types" -n "$ns" --ignore-not-found -o name 2>/dev/null || true)"
  if [[ -n "$left" ]]; then
    log "objects still present in $ns after $timeout (pending finalizers?):"
    while IFS= read -r obj; do echo "  $obj" >&2; done <<<"$left"
    die "namespace $ns left Terminating"
  fi
  admin_kubectl get namespace "$ns" -o json \
    | sed -E 's/^( *)"kubernetes",?$/\1/' \
    | admin_kubectl replace --raw "/api/v1/namespaces/$ns/finalize" -f - >/dev/null
  admin_kubectl wait --for=delete "namespace/$ns" --timeout=30s >/dev/null 2>&1 \
    || die "namespace $ns still present"
  log "namespace $ns deleted"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  sa-kubeconfig) shift; cmd_sa_kubeconfig "$@" ;;
  client-kubeconfig) shift; cmd_client_kubeconfig "$@" ;;
  delete-ns) shift; cmd_delete_ns "$@" ;;
  stop-apiserver) cmd_stop_apiserver ;;
  start-apiserver) cmd_start_apiserver ;;
  aggregate-roles) cmd_aggregate_roles ;;
  *)
    echo "usage: $0 start|stop|status|env|sa-kubeconfig NS SA OUT [DURATION]|client-kubeconfig NAME SUBJECT OUT|delete-ns NS [TIMEOUT]|stop-apiserver|start-apiserver|aggregate-roles" >&2
    exit 2
    ;;
esac
