#!/usr/bin/env bash
# Runs just before the tests (the process-test-classes phase), and only when tests run: `mvn package -DskipTests`,
# the demo and the benchmark's build need nothing the tests need. Everything else the suite needs comes through the
# build itself (PostgreSQL binaries, Helm built from its Go module, the control plane built from the Kubernetes
# modules); these must be on the machine. As root on Debian, the missing Debian packages are installed here (as
# .ci/run does; PGINDEX_NO_APT=1 refuses that). What is still missing is named in one message and written to
# target/prerequisites-missing.txt, which the enforcer rule after this step turns into a failure without a stack
# trace. Skip with -Dexec.skip=true.
#
# Arguments, as Maven sees them: the build directory, then ${skipTests}, ${maven.test.skip} and ${skipE2e} (an
# unset property arrives as its own unexpanded name, which is not "true").
set -uo pipefail
PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
build_dir="${1:-target}"
skip_tests="${2:-}" skip_all="${3:-}" skip_e2e="${4:-}"
marker="$build_dir/prerequisites-missing.txt"
rm -f "$marker"
if [[ "$skip_tests" == true || "$skip_all" == true ]]; then
  exit 0
fi
PGBOUNCER="${PGINDEX_PGBOUNCER:-/usr/sbin/pgbouncer}"

missing=() packages=()
check() {
  missing=() packages=()
  if [[ "$skip_e2e" != true ]]; then
    if ! command -v go >/dev/null 2>&1; then
      missing+=("Go >= 1.24 (https://go.dev/dl, or Debian's golang-1.24; it builds kube-apiserver, etcd, helm and kstatus)")
    else
      local v major rest minor
      v="$(go env GOVERSION 2>/dev/null | sed 's/^go//')"
      major="${v%%.*}"; rest="${v#*.}"; minor="${rest%%.*}"
      if [[ -z "$major" || "$major" -lt 1 || ( "$major" -eq 1 && "${minor:-0}" -lt 24 ) ]]; then
        missing+=("Go >= 1.24 (found go$v)")
      fi
    fi
    command -v kubectl >/dev/null 2>&1 || missing+=("kubectl (the end-to-end suite drives the API server with it)")
  fi
  if [[ ! -x "$PGBOUNCER" ]]; then
    missing+=("PgBouncer (apt-get install pgbouncer; PoolerTest runs it in front of PostgreSQL)")
    packages+=(pgbouncer)
  fi
  if [[ ! -x /usr/lib/postgresql/15/bin/pg_basebackup ]]; then
    missing+=("PostgreSQL 15 server binaries (apt-get install postgresql-15; ReplicaLagTest makes a streaming standby)")
    packages+=(postgresql-15)
  fi
}

check
if (( ${#packages[@]} )) && [[ "$(id -u)" == 0 && "${PGINDEX_NO_APT:-0}" != 1 ]] && command -v apt-get >/dev/null 2>&1 \
    && [[ "$PGBOUNCER" == /usr/sbin/pgbouncer ]]; then
  echo "prerequisites: installing the Debian packages the tests run: ${packages[*]} (PGINDEX_NO_APT=1 refuses this)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"; } >"$build_dir/apt.log" 2>&1 \
    || echo "prerequisites: apt-get failed (its output: $build_dir/apt.log)" >&2
  check
fi
if (( ${#missing[@]} )); then
  {
    echo "pgindex-operator: the test suite needs, and this machine lacks:"
    for m in "${missing[@]}"; do echo "  - $m"; done
    (( ${#packages[@]} )) && echo "As root on Debian, mvn installs the Debian packages itself."
    [[ "$skip_e2e" != true ]] && echo "Without Go and kubectl, mvn -B verify -DskipE2e runs the unit and PostgreSQL tests."
    echo "The build itself needs none of these: mvn -B package -DskipTests (and hack/demo.sh) work without them."
  } | tee "$marker" >&2
  exit 0
fi
if [[ "$skip_e2e" == true ]]; then
  echo "prerequisites: PgBouncer and PostgreSQL 15 found (end-to-end tests skipped: Go and kubectl not needed)"
else
  echo "prerequisites: go $(go env GOVERSION | sed 's/^go//'), $(kubectl version --client 2>/dev/null | sed -n 1p)"
fi
