#!/usr/bin/env bash
# Regenerates crds/ (every CRD, and their copies in deploy/ and helm/) from the Java API types.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test -Dtest=CrdGenerationTest,IndexSetCrdGenerationTest,ConstraintCrdGenerationTest -Dcrds.update=true -Dsurefire.failIfNoSpecifiedTests=false
git status --short crds deploy/01-crd*.yaml helm/*/crds 2>/dev/null || true
