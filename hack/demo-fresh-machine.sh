#!/usr/bin/env bash
# Proves that hack/demo.sh needs nothing that only the tests need (issue 24): on a fresh clone of this checkout,
# in a private mount namespace where PgBouncer and Debian's PostgreSQL are hidden (as on a machine that never
# installed them), the demo builds the operator, brings every example to Ready and cleans up. .ci/run runs it.
#
# Needs root (unshare -m) and what the demo itself needs: Java 17, Maven, Go and kubectl. The local control plane is
# built once into ~/.cache/pgindex-operator, as for the demo. PGINDEX_DEMO_ROWS sets the demo table's size here
# (default 200000, a smaller table than the demo's own two million, for CI).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ "$(id -u)" == 0 ]] || { echo "$0 needs root (it hides packages in a private mount namespace)" >&2; exit 1; }
WORK="$(mktemp -d /tmp/pgindex-fresh.XXXXXX)"
trap 'rm -rf "$WORK/clone"' EXIT
git clone -q "$(pwd)" "$WORK/clone"
: >"$WORK/absent"            # an empty, non-executable file hides a binary
mkdir -p "$WORK/empty"       # an empty directory hides a tree

unshare -m bash -euo pipefail -c '
  mount --make-rprivate /
  for f in /usr/sbin/pgbouncer; do [[ -e "$f" ]] && mount --bind "$1/absent" "$f"; done
  [[ -d /usr/lib/postgresql ]] && mount --bind "$1/empty" /usr/lib/postgresql
  if [[ -x /usr/sbin/pgbouncer || -x /usr/lib/postgresql/15/bin/pg_basebackup ]]; then
    echo "could not hide PgBouncer and PostgreSQL 15" >&2; exit 1
  fi
  echo "==> in a mount namespace without PgBouncer and Debian PostgreSQL: $1/clone/hack/demo.sh"
  cd "$1/clone"
  PGINDEX_DEMO_LOCAL=1 PGINDEX_DEMO_ROWS="${PGINDEX_DEMO_ROWS:-200000}" hack/demo.sh
' fresh "$WORK" 2>&1 | tee "$WORK/demo.log"

for example in orders-open-by-customer users-email users-lower-email; do
  grep -q "postgresindex.pgindex.dev/$example condition met" "$WORK/demo.log" \
    || { echo "FAILED: $example did not become Ready (log: $WORK/demo.log)" >&2; exit 1; }
done
if grep -q "the test suite needs" "$WORK/demo.log"; then
  echo "FAILED: the demo asked for what only the tests need (log: $WORK/demo.log)" >&2; exit 1
fi
echo "demo on a machine without PgBouncer and PostgreSQL 15: every example Ready (log: $WORK/demo.log)"
