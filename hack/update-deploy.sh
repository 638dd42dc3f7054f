#!/usr/bin/env bash
# Rewrites deploy/ (the plain manifests for kubectl apply -k) from the Helm chart's default render; DeployDriftTest
# fails whenever the two differ. deploy/00-namespace.yaml is kept; deploy/01-crd.yaml and deploy/01-crd-indexset.yaml come from hack/update-crds.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
helm="$(hack/install-helm.sh | tail -1)"
mvn -B -q test -Dtest=DeployDriftTest -Ddeploy.update=true -Dhelm.binary="$helm" -Dsurefire.failIfNoSpecifiedTests=false
git status --short deploy 2>/dev/null || true
