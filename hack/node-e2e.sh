#!/usr/bin/env bash
# The node tier in one command: the operator image (hack/build-image.sh) running as a pod on a real node
# (hack/node.sh), installed with the Helm chart, through `mvn -B verify -Pnode` (src/test/.../e2e/*NodeIT.java).
# The tests start and stop the control plane and the node themselves; this script checks the prerequisites first,
# builds what is missing into the cache (kubelet, kube-scheduler, kube-proxy; Helm) and then runs Maven.
#
# Usage: hack/node-e2e.sh [extra Maven arguments]
# Needs: root; Debian packages mmdebstrap podman containerd runc containernetworking-plugins iptables (the script
# says which are missing); Go, Java 17, Maven, kubectl, openssl as for the fast tier.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

die() { echo "node-e2e: ERROR: $*" >&2; exit 1; }

[[ "$(id -u)" == 0 ]] || die "run as root: the node runs containerd, the kubelet and kube-proxy"
missing=()
for cmd in mmdebstrap:mmdebstrap podman:podman containerd:containerd runc:runc iptables:iptables; do
  command -v "${cmd%%:*}" >/dev/null 2>&1 || missing+=("${cmd#*:}")
done
[[ -x /usr/lib/cni/bridge ]] || missing+=(containernetworking-plugins)
((${#missing[@]} == 0)) || die "missing Debian packages: apt-get install -y ${missing[*]}"
for cmd in go java mvn kubectl openssl; do
  command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found (see the README's prerequisites)"
done

t=$SECONDS
bin_dir="$(hack/build-control-plane.sh --with-node | tail -1)"
export PGINDEX_K8S_BIN_DIR="$bin_dir"
PGINDEX_HELM="${PGINDEX_HELM:-$(hack/install-helm.sh | tail -1)}"
export PGINDEX_HELM
echo "node-e2e: binaries in $bin_dir, helm $PGINDEX_HELM ($((SECONDS - t)) s)"

nice -n "${PGINDEX_BUILD_NICE:-10}" mvn -B -ntp verify -Pnode "$@"
echo "node-e2e: passed in $((SECONDS - t)) s; measurements in target/node/measurements.txt"
