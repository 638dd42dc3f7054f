#!/usr/bin/env bash
# Builds the real upstream kube-apiserver and etcd binaries from their published
# Go modules (see hack/k8s/apiserver and hack/k8s/etcd) into a per-user cache:
#
#   ${PGINDEX_CACHE:-$HOME/.cache/pgindex-operator}/k8s/<KUBE_VERSION>/{kube-apiserver,etcd}
#
# Nothing is written into the repository. A cold build takes many minutes on a
# 2-core machine; afterwards the cached binaries are reused as long as both run
# `--version` and report the expected versions.
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

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_ROOT="${PGINDEX_CACHE:-$HOME/.cache/pgindex-operator}"
BIN_DIR="$CACHE_ROOT/k8s/$KUBE_VERSION"

log() { echo "build-control-plane: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# True if the binaries in $1 exist and report the expected versions.
binaries_ok() {
  local dir="$1" out
  [[ -x "$dir/kube-apiserver" && -x "$dir/etcd" ]] || return 1
  out="$("$dir/kube-apiserver" --version 2>/dev/null)" || return 1
  [[ "$out" == "Kubernetes $KUBE_VERSION" ]] || return 1
  out="$("$dir/etcd" --version 2>/dev/null)" || return 1
  grep -qx "etcd Version: ${ETCD_VERSION#v}" <<<"$out" || return 1
}

if binaries_ok "$BIN_DIR"; then
  log "reusing cached kube-apiserver $KUBE_VERSION and etcd $ETCD_VERSION in $BIN_DIR"
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
  if binaries_ok "$BIN_DIR"; then   # another process finished the build meanwhile
    log "reusing cached kube-apiserver $KUBE_VERSION and etcd $ETCD_VERSION in $BIN_DIR"
    echo "$BIN_DIR"
    exit 0
  fi
fi

log "building kube-apiserver $KUBE_VERSION and etcd $ETCD_VERSION from Go modules" \
    "(cold build takes many minutes; cached in $BIN_DIR)"

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
log "go build go.etcd.io/etcd/server/v3 -> etcd"
(cd "$HACK_DIR/k8s/etcd" &&
  nice -n "$nice_level" "$GO" build -trimpath -ldflags "-s -w" \
    -o "$TMP_OUT/etcd" go.etcd.io/etcd/server/v3) || die "etcd build failed"

log "go build k8s.io/kubernetes/cmd/kube-apiserver -> kube-apiserver"
(cd "$HACK_DIR/k8s/apiserver" &&
  nice -n "$nice_level" "$GO" build -trimpath -ldflags "$kube_ldflags" \
    -o "$TMP_OUT/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver) || die "kube-apiserver build failed"

binaries_ok "$TMP_OUT" || die "freshly built binaries do not report $KUBE_VERSION / $ETCD_VERSION"
mv -f "$TMP_OUT/etcd" "$BIN_DIR/etcd"
mv -f "$TMP_OUT/kube-apiserver" "$BIN_DIR/kube-apiserver"
log "built in $((SECONDS - start))s: $BIN_DIR"
echo "$BIN_DIR"
