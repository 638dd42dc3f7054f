#!/usr/bin/env bash
# Installs the helm CLI used by the chart tests (HelmChartTest, DeployDriftTest, HelmIT) into a per-user cache:
#
#   ${PGINDEX_CACHE:-$HOME/.cache/pgindex-operator}/bin/helm
#
# Helm is built from its published Go module (the machines reach package registries only, so no release tarball
# download). Idempotent: a cached binary that reports the pinned version is reused (< 1 s). A cold build takes
# about 3 minutes on 2 cores. Prints the binary's path as the last line of stdout.
#
# Environment:
#   PGINDEX_CACHE        cache root (default $HOME/.cache/pgindex-operator)
#   GO                   go binary (default: `go` on PATH, else /usr/local/go/bin/go)
set -euo pipefail

HELM_VERSION=v3.19.5   # keep in sync with the README and docs/gitops.md

CACHE_ROOT="${PGINDEX_CACHE:-$HOME/.cache/pgindex-operator}"
BIN_DIR="$CACHE_ROOT/bin"
HELM="$BIN_DIR/helm"

log() { echo "install-helm: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

helm_ok() {
  [[ -x "$1" ]] && [[ "$("$1" version --template '{{.Version}}' 2>/dev/null)" == "$HELM_VERSION" ]]
}

if helm_ok "$HELM"; then
  log "reusing $HELM ($HELM_VERSION)"
  echo "$HELM"
  exit 0
fi

GO="${GO:-$(command -v go || true)}"
[[ -n "$GO" ]] || GO=/usr/local/go/bin/go
[[ -x "$GO" ]] || die "no Go toolchain found (set GO=/path/to/go); helm $HELM_VERSION needs Go >= 1.24"

mkdir -p "$BIN_DIR"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$BIN_DIR/.helm.lock"
  flock 9
  if helm_ok "$HELM"; then
    log "reusing $HELM ($HELM_VERSION)"
    echo "$HELM"
    exit 0
  fi
fi

TMP_BIN="$(mktemp -d "$BIN_DIR/.helm.XXXXXX")"
trap 'rm -rf "$TMP_BIN"' EXIT
log "building helm $HELM_VERSION from the helm.sh/helm/v3 Go module (cold: a few minutes)"
start=$SECONDS
# go install verifies helm's own module against the checksum database and its dependencies against helm's go.sum.
# The same flags as upstream's release build: static, trimmed, version stamped.
CGO_ENABLED=0 GOWORK=off GOFLAGS="-buildvcs=false" GOBIN="$TMP_BIN" nice -n "${PGINDEX_BUILD_NICE:-10}" \
  "$GO" install -trimpath \
  -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
  "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" || die "go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION failed"
helm_ok "$TMP_BIN/helm" || die "freshly built helm does not report $HELM_VERSION"
mv -f "$TMP_BIN/helm" "$HELM"
log "built $HELM in $((SECONDS - start))s"
echo "$HELM"
