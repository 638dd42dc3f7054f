#!/usr/bin/env bash
# Builds the real upstream etcd, kube-apiserver and kube-controller-manager
# binaries from their published Go modules (see hack/k8s/apiserver, which also
# provides kube-controller-manager, and hack/k8s/etcd) into a per-user cache:
#
#   ${PGINDEX_CACHE:-$HOME/.cache/pgindex-operator}/k8s/<KUBE_VERSION>/{etcd,kube-apiserver,kube-controller-manager}
#
# With --with-node it also builds what a node needs (hack/node.sh), from the
# same k8s.io/kubernetes module, version and cache: kubelet, kube-scheduler and
# kube-proxy (≈ 4 min more on 2 cores after the control plane, which shares most
# packages).
#
# Nothing is written into the repository. A cold build takes many minutes on a
# 2-core machine; afterwards the cached binaries are reused as long as each one
# runs `--version` and reports the expected version. Only missing or wrong
# binaries are (re)built, e.g. a cache from before kube-controller-manager was
# added only gets kube-controller-manager.
#
# Environment:
#   PGINDEX_CACHE        cache root (default $HOME/.cache/pgindex-operator)
#   PGINDEX_BUILD_NICE   nice level for the Go build (default 10)
#   GO                   go binary (default: `go` on PATH, else /usr/local/go/bin/go)
#
# Prints the binary directory as the last line of stdout.
set -euo pipefail

KUBE_VERSION=v1.34.4   # keep in sync with hack/k8s/apiserver/go.mod
ETCD_VERSION=v3.6.16   # keep in sync with hack/k8s/etcd/go.mod
BINARIES=(etcd kube-apiserver kube-controller-manager)
case "${1:-}" in
  "") ;;
  --with-node) BINARIES+=(kubelet kube-scheduler kube-proxy) ;;
  *) echo "usage: $0 [--with-node]" >&2; exit 2 ;;
esac

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_ROOT="${PGINDEX_CACHE:-$HOME/.cache/pgindex-operator}"
BIN_DIR="$CACHE_ROOT/k8s/$KUBE_VERSION"

log() { echo "build-control-plane: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# True if binary $2 in directory $1 exists and reports the expected version.
binary_ok() {
  local dir="$1" name="$2" out
  [[ -x "$dir/$name" ]] || return 1
  out="$("$dir/$name" --version 2>/dev/null)" || return 1
  case "$name" in
    etcd) grep -qx "etcd Version: ${ETCD_VERSION#v}" <<<"$out" ;;
    *) [[ "$out" == "Kubernetes $KUBE_VERSION" ]] ;;
  esac
}

# Prints the names of the binaries in $1 that are missing or wrong.
missing_binaries() {
  local name
  for name in "${BINARIES[@]}"; do
    binary_ok "$1" "$name" || echo "$name"
  done
}

reuse_message() { log "reusing cached ${BINARIES[*]} ($KUBE_VERSION, etcd $ETCD_VERSION) in $BIN_DIR"; }

missing="$(missing_binaries "$BIN_DIR")"
if [[ -z "$missing" ]]; then
  reuse_message
  echo "$BIN_DIR"
  exit 0
fi

GO="${GO:-$(command -v go || true)}"
[[ -n "$GO" ]] || GO=/usr/local/go/bin/go
[[ -x "$GO" ]] || die "no Go toolchain found (set GO=/path/to/go); etcd $ETCD_VERSION needs Go >= 1.26"

mkdir -p "$BIN_DIR"

# Serialise concurrent builds into the same cache directory.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$BIN_DIR/.build.lock"
  flock 9
  missing="$(missing_binaries "$BIN_DIR")"   # another process may have built some meanwhile
  if [[ -z "$missing" ]]; then
    reuse_message
    echo "$BIN_DIR"
    exit 0
  fi
fi
mapfile -t to_build <<<"$missing"

log "building ${to_build[*]} from Go modules (a cold build takes many minutes; cached in $BIN_DIR)"

TMP_OUT="$(mktemp -d "$BIN_DIR/.build.XXXXXX")"
trap 'rm -rf "$TMP_OUT"' EXIT

kube_minor="${KUBE_VERSION#v1.}"; kube_minor="${kube_minor%%.*}"
kube_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION"
  kube_ldflags+=" -X $pkg.gitMajor=1"
  kube_ldflags+=" -X $pkg.gitMinor=$kube_minor"
  kube_ldflags+=" -X $pkg.gitTreeState=clean"
done

# Static binaries like upstream releases; go.sum is authoritative (-mod=readonly),
# so no checksum-database lookups are needed.
export CGO_ENABLED=0 GOWORK=off GOFLAGS="-mod=readonly -buildvcs=false"
nice_level="${PGINDEX_BUILD_NICE:-10}"

start=$SECONDS
for name in "${to_build[@]}"; do
  t=$SECONDS
  case "$name" in
    etcd) module_dir="$HACK_DIR/k8s/etcd" pkg=go.etcd.io/etcd/server/v3 ldflags="-s -w" ;;
    *) module_dir="$HACK_DIR/k8s/apiserver" pkg="k8s.io/kubernetes/cmd/$name" ldflags="$kube_ldflags" ;;
  esac
  log "go build $pkg -> $name"
  (cd "$module_dir" &&
    nice -n "$nice_level" "$GO" build -trimpath -ldflags "$ldflags" -o "$TMP_OUT/$name" "$pkg") \
    || die "$name build failed"
  binary_ok "$TMP_OUT" "$name" || die "freshly built $name does not report the expected version"
  # Rename within the same directory: atomic, running processes keep their inode.
  mv -f "$TMP_OUT/$name" "$BIN_DIR/$name"
  log "built $name in $((SECONDS - t))s"
done
((${#to_build[@]} == 1)) || log "built ${to_build[*]} in $((SECONDS - start))s"
log "binaries in $BIN_DIR"
echo "$BIN_DIR"
