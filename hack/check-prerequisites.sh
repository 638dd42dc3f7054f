#!/usr/bin/env bash
# Runs first in `mvn verify` (the validate phase): everything else the suite needs comes through the build itself
# (PostgreSQL binaries, Helm built from its Go module, the control plane built from the Kubernetes modules), but
# these must be on the machine. One message names all that is missing. Skip with -Dexec.skip=true.
set -uo pipefail
PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
missing=()
if ! command -v go >/dev/null 2>&1; then
  missing+=("Go >= 1.24 (https://go.dev/dl, or Debian's golang-1.24; it builds kube-apiserver, etcd, helm and kstatus)")
else
  v="$(go env GOVERSION 2>/dev/null | sed 's/^go//')"
  major="${v%%.*}"; rest="${v#*.}"; minor="${rest%%.*}"
  if [[ -z "$major" || "$major" -lt 1 || ( "$major" -eq 1 && "${minor:-0}" -lt 24 ) ]]; then
    missing+=("Go >= 1.24 (found go$v)")
  fi
fi
command -v kubectl >/dev/null 2>&1 || missing+=("kubectl (the end-to-end suite drives the API server with it)")
command -v java >/dev/null 2>&1 || missing+=("Java 17")
[[ -x "${PGINDEX_PGBOUNCER:-/usr/sbin/pgbouncer}" ]] \
  || missing+=("PgBouncer (apt-get install pgbouncer; PoolerTest runs it in front of PostgreSQL)")
[[ -x /usr/lib/postgresql/15/bin/pg_basebackup ]] \
  || missing+=("PostgreSQL 15 server binaries (apt-get install postgresql-15; ReplicaLagTest makes a streaming standby)")
if (( ${#missing[@]} )); then
  echo "pgindex-operator: the test suite needs, and this machine lacks:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  echo "Everything else comes through the build. (mvn -Dexec.skip=true skips this check.)" >&2
  exit 1
fi
echo "prerequisites: go $(go env GOVERSION | sed 's/^go//'), $(kubectl version --client 2>/dev/null | sed -n 1p)"
