#!/usr/bin/env bash
# Regenerates crds/ (both CRDs, and their copies in deploy/ and helm/) from the Java API types.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test -Dtest=CrdGenerationTest,IndexSetCrdGenerationTest -Dcrds.update=true -Dsurefire.failIfNoSpecifiedTests=false
git status --short crds deploy/01-crd.yaml deploy/01-crd-indexset.yaml helm/*/crds 2>/dev/null || true
