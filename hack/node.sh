#!/usr/bin/env bash
# A real Kubernetes node on this machine, registered to the control plane of hack/control-plane.sh: containerd and
# runc (Debian packages) with the Debian CNI plugins and a CNI configuration of its own, the kubelet, kube-proxy
# (iptables mode) and kube-scheduler, all v1.34.4 built from the Kubernetes Go modules by
# `hack/build-control-plane.sh --with-node` into the same cache as kube-apiserver.
#
# The control plane must have been started with PGINDEX_NODE_IP set to this machine's address (`hack/node.sh ip`
# prints it): then kube-apiserver listens on it, so pods reach it through the `kubernetes` Service, and
# kube-controller-manager runs the node lifecycle, deployment, replica set, endpoint and kube-root-ca.crt
# controllers.
#
#   export PGINDEX_NODE_IP="$(hack/node.sh ip)"
#   hack/control-plane.sh start
#   hack/node.sh start                      # node "pgindex-node" Ready, kube-proxy and kube-scheduler running
#   hack/node.sh load "$(hack/build-image.sh | tail -1)"   # an OCI archive into containerd's k8s.io namespace
#   hack/node.sh stop                       # pods, then kube-scheduler, kube-proxy, kubelet, containerd
#
# Commands: start | stop | status | load ARCHIVE... | ip
#
# Host quirks handled here (docs/image-and-node.md): no CAP_SYS_RESOURCE (containerd restrict_oom_score_adj), cgroup
# v1 in hybrid mode (kubelet and runc with the cgroupfs driver), no registry (the pause image is built from
# hack/node/pause.go and imported; images are only imported, pull policy Never), podman's CNI config in
# /etc/cni/net.d (the node has its own directory).
#
# Environment:
#   PGINDEX_CACHE        control plane state is read from ${PGINDEX_CACHE}/control-plane (default
#                        $HOME/.cache/pgindex-operator)
#   PGINDEX_NODE_DIR     node state: containerd's images and snapshots, kubelet root, certificates, logs
#                        (default $HOME/.cache/pgindex-operator/node; images survive stop/start)
#   PGINDEX_K8S_BIN_DIR  directory with kubelet, kube-scheduler and kube-proxy (default: built if needed)
#   PGINDEX_NODE_IP      this machine's address (default: the source address of the default route)
#   PGINDEX_APISERVER_PORT  as for hack/control-plane.sh (default 6443)
#   KUBECTL              kubectl binary (default kubectl)
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_ROOT="${PGINDEX_CACHE:-$HOME/.cache/pgindex-operator}"
CP_DIR="$CACHE_ROOT/control-plane"
CP_PKI="$CP_DIR/pki"
ADMIN_KUBECONFIG="$CP_DIR/kubeconfig"
NODE_DIR="${PGINDEX_NODE_DIR:-$HOME/.cache/pgindex-operator/node}"
RUN_DIR=/run/pgindex-node
SOCKET="$RUN_DIR/containerd.sock"
APISERVER_PORT="${PGINDEX_APISERVER_PORT:-6443}"
KUBECTL="${KUBECTL:-kubectl}"
NODE_NAME=pgindex-node
POD_CIDR=10.244.0.0/24
CLUSTER_CIDR=10.244.0.0/16
PAUSE_IMAGE=localhost/pgindex-pause:1
CNI_BIN_DIR=/usr/lib/cni
READY_TIMEOUT="${PGINDEX_NODE_READY_TIMEOUT:-120}"

log() { echo "node: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

node_ip() {
  if [[ -n "${PGINDEX_NODE_IP:-}" ]]; then echo "$PGINDEX_NODE_IP"; return; fi
  ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -1 | grep . \
    || ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | head -1
}

admin_kubectl() { "$KUBECTL" --kubeconfig "$ADMIN_KUBECONFIG" "$@"; }
ctr_k8s() { ctr --address "$SOCKET" --namespace k8s.io "$@"; }

# --- processes (same conventions as hack/control-plane.sh: pid files, setsid, logs) ----------------------------

live_pid() {
  local pidfile="$NODE_DIR/$1.pid" pid
  [[ -f "$pidfile" ]] || return 0
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$1 " || return 0
  grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null && return 0
  echo "$pid"
}

# spawn NAME BINARY ARGS...: starts it in its own session, logs to $NODE_DIR/logs/NAME.log
spawn() {
  local name="$1"; shift
  setsid "$@" </dev/null >>"$NODE_DIR/logs/$name.log" 2>&1 &
  echo $! >"$NODE_DIR/$name.pid"
  sleep 0.3
  [[ -n "$(live_pid "$name")" ]] || { tail -n 20 "$NODE_DIR/logs/$name.log" >&2; die "$name exited at once"; }
}

stop_process() {
  local name="$1" pid i
  pid="$(live_pid "$name")"
  if [[ -n "$pid" ]]; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      [[ -n "$(live_pid "$name")" ]] || break
      sleep 0.2
    done
    if [[ -n "$(live_pid "$name")" ]]; then
      log "$name did not exit after 20s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$NODE_DIR/$name.pid"
}

# --- binaries, certificates, kubeconfigs -------------------------------------------------------------------------

resolve_bin_dir() {
  local bin_dir name
  if [[ -n "${PGINDEX_K8S_BIN_DIR:-}" && -x "${PGINDEX_K8S_BIN_DIR}/kubelet" ]]; then
    bin_dir="$PGINDEX_K8S_BIN_DIR"
  else
    bin_dir="$("$HACK_DIR/build-control-plane.sh" --with-node | tail -n 1)"
  fi
  for name in kubelet kube-scheduler kube-proxy; do
    [[ -x "$bin_dir/$name" ]] || die "no $name in $bin_dir (hack/build-control-plane.sh --with-node)"
  done
  echo "$bin_dir"
}

# --- containerd, pause image, CNI --------------------------------------------------------------------------------

write_containerd_config() {
  cat >"$NODE_DIR/containerd.toml" <<EOF
# Written by hack/node.sh. Settings that this machine needs are explained in docs/image-and-node.md.
version = 2
root = "$NODE_DIR/containerd"
state = "$RUN_DIR/containerd"
[grpc]
  address = "$SOCKET"
[debug]
  level = "warn"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # root lacks CAP_SYS_RESOURCE: without this every sandbox fails ("can't get final child's PID from pipe: EOF")
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "/usr/sbin/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN_DIR"
    conf_dir = "$NODE_DIR/cni/net.d"
    max_conf_num = 1
EOF
}

write_cni_config() {
  mkdir -p "$NODE_DIR/cni/net.d"
  cat >"$NODE_DIR/cni/net.d/10-pgindex-node.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "pgindex-node",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "pgidx0",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$RUN_DIR/ipam",
        "ranges": [[{"subnet": "$POD_CIDR"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
}

start_containerd() {
  [[ -n "$(live_pid containerd)" ]] && return 0
  write_containerd_config
  mkdir -p "$RUN_DIR"
  log "starting containerd ($SOCKET)"
  spawn containerd containerd --config "$NODE_DIR/containerd.toml"
  local i
  for ((i = 0; i < 100; i++)); do
    ctr --address "$SOCKET" version >/dev/null 2>&1 && return 0
    [[ -n "$(live_pid containerd)" ]] || break
    sleep 0.2
  done
  tail -n 20 "$NODE_DIR/logs/containerd.log" >&2
  die "containerd not answering on $SOCKET"
}

has_image() { ctr_k8s images ls -q 2>/dev/null | grep -qx "$1"; }

# The sandbox ("pause") image: hack/node/pause.go, static, on scratch.
ensure_pause_image() {
  has_image "$PAUSE_IMAGE" && return 0
  if [[ -s "$NODE_DIR/pause/pause.oci.tar" ]]; then
    cmd_load "$NODE_DIR/pause/pause.oci.tar" && return 0
  fi
  command -v podman >/dev/null 2>&1 || die "podman is needed to build the pause image (apt-get install podman)"
  local go="${GO:-$(command -v go || echo /usr/local/go/bin/go)}" d="$NODE_DIR/pause"
  mkdir -p "$d"
  log "building the pause image $PAUSE_IMAGE from hack/node/pause.go"
  CGO_ENABLED=0 GOWORK=off GOFLAGS=-mod=mod GO111MODULE=off nice -n 10 "$go" build -trimpath -ldflags '-s -w' \
    -o "$d/pause" "$HACK_DIR/node/pause.go" || die "go build pause failed"
  printf '%s\n' 'FROM scratch' 'COPY pause /pause' 'USER 65535:65535' 'ENTRYPOINT ["/pause"]' >"$d/Containerfile"
  podman build --quiet -f "$d/Containerfile" -t "$PAUSE_IMAGE" "$d" >/dev/null || die "podman build pause failed"
  rm -f "$d/pause.oci.tar"
  podman save --quiet --format oci-archive -o "$d/pause.oci.tar" "$PAUSE_IMAGE" || die "podman save pause failed"
  cmd_load "$d/pause.oci.tar"
}

# --- commands ------------------------------------------------------------------------------------------------------

cmd_load() {
  [[ $# -ge 1 ]] || die "usage: $0 load ARCHIVE..."
  [[ -n "$(live_pid containerd)" ]] || die "the node is not running (hack/node.sh start)"
  local a
  for a in "$@"; do
    [[ -s "$a" ]] || die "no archive $a"
    log "importing $a into containerd (namespace k8s.io)"
    ctr_k8s images import --no-unpack=false "$a" >&2 || die "ctr images import $a failed"
  done
  # A re-imported tag leaves the image it replaced behind under its ID (sha256:...), which the CRI plugin made; drop
  # those that no tag points at any more, so that containerd collects their layers.
  local tagged ref digest
  tagged="$(ctr_k8s images ls 2>/dev/null | awk 'NR > 1 && $1 !~ /^sha256:/ {print $3}')"
  while read -r ref digest; do
    grep -qxF "$digest" <<<"$tagged" || ctr_k8s images rm "$ref" >/dev/null 2>&1 || true
  done < <(ctr_k8s images ls 2>/dev/null | awk 'NR > 1 && $1 ~ /^sha256:/ {print $1, $3}')
}

cmd_start() {
  [[ "$(id -u)" == 0 ]] || die "run as root (containerd, kubelet and kube-proxy manage namespaces, cgroups, iptables)"
  local tool
  for tool in containerd ctr runc iptables openssl ip; do
    command -v "$tool" >/dev/null 2>&1 \
      || die "$tool not found: apt-get install -y containerd runc containernetworking-plugins iptables openssl iproute2"
  done
  [[ -x "$CNI_BIN_DIR/bridge" ]] || die "no CNI plugins in $CNI_BIN_DIR: apt-get install -y containernetworking-plugins"
  command -v "$KUBECTL" >/dev/null 2>&1 || die "kubectl not found (set KUBECTL)"
  [[ -s "$ADMIN_KUBECONFIG" && -s "$CP_PKI/ca.key" ]] \
    || die "no control plane in $CP_DIR (PGINDEX_NODE_IP=$(node_ip) hack/control-plane.sh start)"
  admin_kubectl get --raw /readyz --request-timeout=5s >/dev/null 2>&1 || die "the control plane is not ready"
  local ip endpoint
  ip="$(node_ip)"
  endpoint="$(admin_kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes \
    -o jsonpath='{.items[0].endpoints[0].addresses[0]}' 2>/dev/null || true)"
  [[ "$endpoint" == "$ip" ]] || die "the control plane advertises '$endpoint', not $ip: pods could not reach it." \
    "Restart it with: hack/control-plane.sh stop; PGINDEX_NODE_IP=$ip hack/control-plane.sh start"

  if [[ -n "$(live_pid kubelet)" ]]; then
    # one node per machine (fixed kubelet ports, one pod bridge): it may belong to another control plane
    admin_kubectl get node "$NODE_NAME" >/dev/null 2>&1 \
      || die "a node is running for another control plane (kubelet pid $(live_pid kubelet)): hack/node.sh stop first"
    log "already running"
    return 0
  fi
  mkdir -p "$NODE_DIR/logs" "$NODE_DIR/kubelet" "$RUN_DIR"
  local bin_dir t=$SECONDS
  bin_dir="$(resolve_bin_dir)"
  echo "$bin_dir" >"$NODE_DIR/bin-dir"   # for stop (kube-proxy --cleanup)

  # Identities (client certificates of the control plane's CA): the kubelet as system:node:<name> in system:nodes
  # (bound below to the system:node ClusterRole, as the Node authorizer is not configured), kube-proxy and
  # kube-scheduler as the users the bootstrap RBAC policy binds.
  local c subject
  for c in kubelet kube-proxy kube-scheduler; do
    case "$c" in
      kubelet) subject="/O=system:nodes/CN=system:node:$NODE_NAME" ;;
      *) subject="/CN=system:$c" ;;
    esac
    "$HACK_DIR/control-plane.sh" client-kubeconfig "node-$c" "$subject" "$NODE_DIR/$c.kubeconfig" \
      || die "could not write the $c kubeconfig"
  done
  admin_kubectl apply -f - >/dev/null <<EOF || die "could not bind the system:node ClusterRole"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: pgindex-node
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:node"}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:nodes"}
EOF

  write_cni_config
  # containerd's image store is disposable and starts empty on every start: a store kept across runs was seen to
  # end up with a layer its metadata calls unpacked and its snapshotter does not have ("failed to prepare extraction
  # snapshot ... parent snapshot ... does not exist"), which failed every later import. The pause image and the
  # operator image are imported again (a few seconds).
  awk -v root="$NODE_DIR/containerd" '$2 == root || index($2, root "/") == 1 {print $2}' /proc/mounts | sort -r \
    | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  rm -rf "$NODE_DIR/containerd"
  start_containerd
  ensure_pause_image

  cat >"$NODE_DIR/kubelet.yaml" <<EOF
# Written by hack/node.sh.
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix://$SOCKET
# hybrid cgroup v1: the cgroupfs driver, as runc is configured (SystemdCgroup = false); no systemd here
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
address: $ip
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
# kube-apiserver authenticates with a client certificate of our CA (logs, exec, port-forward)
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $CP_PKI/ca.crt}
authorization: {mode: AlwaysAllow}
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
maxPods: 50
serializeImagePulls: false
# a test machine: evict only when really short
evictionHard: {memory.available: "200Mi", nodefs.available: "2%", imagefs.available: "2%", nodefs.inodesFree: "2%"}
imageGCHighThresholdPercent: 95
imageGCLowThresholdPercent: 90
EOF
  log "starting kubelet ($NODE_NAME, $ip)"
  spawn kubelet "$bin_dir/kubelet" --config "$NODE_DIR/kubelet.yaml" --kubeconfig "$NODE_DIR/kubelet.kubeconfig" \
    --root-dir "$NODE_DIR/kubelet" --cert-dir "$NODE_DIR/kubelet/pki" --hostname-override "$NODE_NAME" \
    --node-ip "$ip" --v=1

  log "starting kube-proxy (iptables mode)"
  # conntrack settings 0: leave the host's values alone (they are the kernel's, not ours to change)
  spawn kube-proxy "$bin_dir/kube-proxy" --kubeconfig "$NODE_DIR/kube-proxy.kubeconfig" \
    --hostname-override "$NODE_NAME" --proxy-mode iptables --cluster-cidr "$CLUSTER_CIDR" \
    --conntrack-max-per-core 0 --conntrack-tcp-timeout-established 0 --conntrack-tcp-timeout-close-wait 0 \
    --metrics-bind-address 127.0.0.1:10249 --healthz-bind-address 127.0.0.1:10256 --v=1

  log "starting kube-scheduler"
  # no delegated authentication (kube-apiserver has no front-proxy CA to hand out); /healthz is open anyway
  spawn kube-scheduler "$bin_dir/kube-scheduler" --kubeconfig "$NODE_DIR/kube-scheduler.kubeconfig" \
    --leader-elect=false --bind-address 127.0.0.1 --secure-port 10259 --v=1

  local deadline=$((SECONDS + READY_TIMEOUT))
  until [[ "$(admin_kubectl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]; do
    for c in kubelet kube-proxy kube-scheduler containerd; do
      [[ -n "$(live_pid "$c")" ]] || { tail -n 30 "$NODE_DIR/logs/$c.log" >&2; die "$c exited (log: $NODE_DIR/logs/$c.log)"; }
    done
    ((SECONDS < deadline)) || { tail -n 30 "$NODE_DIR/logs/kubelet.log" >&2; die "node $NODE_NAME not Ready after ${READY_TIMEOUT}s"; }
    sleep 1
  done
  until curl -fsk --max-time 2 https://127.0.0.1:10259/healthz >/dev/null 2>&1 \
    && curl -fs --max-time 2 http://127.0.0.1:10256/healthz >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "kube-scheduler or kube-proxy not healthy (logs in $NODE_DIR/logs)"
    sleep 0.5
  done
  log "node $NODE_NAME Ready in $((SECONDS - t))s (kubelet $(live_pid kubelet), kube-proxy $(live_pid kube-proxy), kube-scheduler $(live_pid kube-scheduler), containerd $(live_pid containerd)); logs in $NODE_DIR/logs"
}

# Removes what the pods left on the host when they could not be stopped through the kubelet: their tasks and
# containers, network namespaces, IP allocations and the bridge plugin's masquerade rules.
hard_cleanup() {
  local id ns chain
  if [[ -n "$(live_pid containerd)" ]]; then
    for id in $(ctr_k8s tasks ls -q 2>/dev/null); do ctr_k8s tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
    sleep 1
    for id in $(ctr_k8s tasks ls -q 2>/dev/null); do ctr_k8s tasks delete -f "$id" >/dev/null 2>&1 || true; done
    for id in $(ctr_k8s containers ls -q 2>/dev/null); do ctr_k8s containers delete "$id" >/dev/null 2>&1 || true; done
  fi
  for ns in /run/netns/cni-*; do
    [[ -e "$ns" ]] || continue
    umount "$ns" 2>/dev/null || true
    rm -f "$ns"
  done
  rm -rf "$RUN_DIR/ipam"
  { iptables -t nat -S POSTROUTING 2>/dev/null | grep -F 'name: \"pgindex-node\"' || true; } | sed 's/^-A /-D /' \
    | while read -r rule; do eval "iptables -t nat $rule" 2>/dev/null || true; done
  ip link delete pgidx0 2>/dev/null || true   # the pod bridge
  local table
  for table in nat filter mangle; do            # the kubelet's canary chains
    iptables -t "$table" -F KUBE-KUBELET-CANARY 2>/dev/null && iptables -t "$table" -X KUBE-KUBELET-CANARY 2>/dev/null || true
  done
  for chain in $(iptables -t nat -S 2>/dev/null | awk '/^-N CNI-/ {print $2}'); do
    if ! iptables -t nat -S 2>/dev/null | grep -q -- "-j $chain\$"; then
      iptables -t nat -F "$chain" 2>/dev/null && iptables -t nat -X "$chain" 2>/dev/null || true
    fi
  done
}

cmd_stop() {
  mkdir -p "$NODE_DIR"
  if [[ -n "$(live_pid kubelet)" ]] && admin_kubectl get node "$NODE_NAME" >/dev/null 2>&1; then
    # Through the kubelet first, so every pod is stopped and its network torn down the normal way.
    admin_kubectl cordon "$NODE_NAME" >/dev/null 2>&1 || true
    admin_kubectl delete pods -A --field-selector "spec.nodeName=$NODE_NAME" --wait=true --timeout=60s \
      >/dev/null 2>&1 || log "some pods did not stop within 60s; removing them by force"
  fi
  stop_process kube-scheduler
  stop_process kube-proxy
  stop_process kubelet
  hard_cleanup
  local bin
  bin="$(cat "$NODE_DIR/bin-dir" 2>/dev/null || true)/kube-proxy"
  if [[ -x "$bin" ]]; then
    "$bin" --cleanup >/dev/null 2>&1 || true   # kube-proxy's iptables chains
  fi
  stop_process containerd
  # containerd-shim processes of this containerd (identified by its socket) outlive it; end them one by one.
  local pid
  for pid in $(grep -l -F -- "-address $SOCKET" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [[ -s "$ADMIN_KUBECONFIG" ]]; then
    admin_kubectl delete node "$NODE_NAME" --ignore-not-found --request-timeout=10s >/dev/null 2>&1 || true
  fi
  # the kubelet bind-mounts its root dir onto itself (and pod volumes below it when pods did not stop through it)
  awk -v root="$NODE_DIR/kubelet" '$2 == root || index($2, root "/") == 1 {print $2}' /proc/mounts | sort -r \
    | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  rm -rf "$RUN_DIR"
  log "stopped"
}

cmd_status() {
  local c rc=0
  for c in containerd kubelet kube-proxy kube-scheduler; do
    if [[ -n "$(live_pid "$c")" ]]; then
      printf '%-15s running (pid %s, log %s)\n' "$c:" "$(live_pid "$c")" "$NODE_DIR/logs/$c.log"
    else
      printf '%-15s not running\n' "$c:"
      rc=3
    fi
  done
  if ((rc == 0)); then
    echo "node:           $(admin_kubectl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || echo '?') (Ready)"
  fi
  return "$rc"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  load) shift; cmd_load "$@" ;;
  ip) node_ip ;;
  *) echo "usage: $0 start|stop|status|load ARCHIVE...|ip" >&2; exit 2 ;;
esac
