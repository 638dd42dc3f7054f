#!/usr/bin/env bash
# Builds the kstatus command (hack/k8s/kstatus: the sigs.k8s.io/cli-utils kstatus library, which Flux and other
# GitOps tools use to decide whether an object is Current, InProgress or Failed) into a per-user cache:
#
#   ${PGINDEX_CACHE:-$HOME/.cache/pgindex-operator}/bin/kstatus-<hash of go.mod and main.go>
#
# The e2e suite feeds it objects read from the real API server. Rebuilt only when its sources change (about 30 s
# cold). Prints the binary's path as the last line of stdout.
set -euo pipefail
cd "$(dirname "$0")/k8s/kstatus"
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
CACHE_ROOT="${PGINDEX_CACHE:-$HOME/.cache/pgindex-operator}"
hash="$(cat go.mod go.sum main.go | sha256sum | cut -c1-12)"
BIN="$CACHE_ROOT/bin/kstatus-$hash"
if [[ ! -x "$BIN" ]]; then
  mkdir -p "$CACHE_ROOT/bin"
  echo "build-kstatus: building $BIN" >&2
  "$GO" build -trimpath -o "$BIN.tmp" . && mv "$BIN.tmp" "$BIN"
fi
echo "$BIN"
