#!/usr/bin/env bash
# Foreign key added three ways under write load (issue 26), side by side in one run on one table:
#
#   bench/constraints.sh            20,000,000-row child table, 500 writes/s; writes the section "Constraints: ADD
#                                   FOREIGN KEY vs NOT VALID + VALIDATE vs the operator" of docs/benchmarks.md and
#                                   the key "constraints" of docs/benchmarks.json
#   bench/constraints.sh --smoke    200,000 rows, 300 writes/s (about 2 minutes), writes to target/bench-constraints/
#
# Options: --rows N (child table size, default 20,000,000), --customers N (parent table, default 100,000), --rate R
# (pgbench -R, default 500), --out DIR (where benchmarks.{md,json} are updated). Environment: BENCH_PAIRS (how many
# times the hand-run protocol and the operator run, alternating; default 5, smoke 2), and as for bench/run.sh
# BENCH_JAVA_OPTS, BENCH_JVM_DEFAULTS=1, BENCH_JAR, PGINDEX_K8S_BIN_DIR.
#
# Tables: customers(id int primary key, name text) and orders(id bigint primary key, customer_id int not null,
# amount int not null, created_at timestamptz), with the index on orders(customer_id) built beforehand, so what is
# measured is the constraint, not its index. One pgbench run as its own role (`-R rate -c 4 -j 2 -l`: 80%
# `UPDATE orders SET amount = amount + 1 WHERE id = random`, 20% `INSERT INTO orders` with a random existing
# customer) while the same foreign key orders(customer_id) -> customers(id) is added three times, dropped in
# between, with a quiet gap (a CHECKPOINT, then 10 s; smoke 4 s) before each (2 and 3 alternate BENCH_PAIRS times):
#   1. plain:    psql `ALTER TABLE orders ADD CONSTRAINT ... FOREIGN KEY ...` (SHARE ROW EXCLUSIVE for the scan)
#   2. hand:     psql `SET lock_timeout = '2s'; ALTER TABLE ... NOT VALID`, then on a new session
#                `ALTER TABLE ... VALIDATE CONSTRAINT` (the DBA's protocol)
#   3. operator: `kubectl apply` of a PostgresConstraint (foreignKey, no index named: the operator finds it), timed
#                until `kubectl wait --for=condition=Ready` returns
# The operator is the packaged one at its shipped defaults (image JVM settings and class data sharing archive,
# default configuration, the ServiceAccount of deploy/), started once before the load. Every statement of the role
# the operator and psql use is logged with its duration (ALTER ROLE ... SET log_min_duration_statement = 0; pgbench
# writes as another role), which gives each statement's server-side time and the operator's split (count of
# violating rows, NOT VALID + COMMENT transaction, VALIDATE) without touching the operator.
# Needs: target/quarkus-app/quarkus-run.jar (mvn -B package -DskipTests), kubectl, pgbench, psql, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
export PATH="/usr/local/go/bin:$PATH"

ARGS="$*"
SMOKE=0; ROWS=""; CUSTOMERS=100000; RATE=""; OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) SMOKE=1 ;;
    --rows) ROWS="$2"; shift ;;
    --customers) CUSTOMERS="$2"; shift ;;
    --rate) RATE="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if ((SMOKE)); then
  ROWS="${ROWS:-200000}"; RATE="${RATE:-300}"; OUT="${OUT:-$ROOT/target/bench-constraints}"; GAP=4
else
  ROWS="${ROWS:-20000000}"; RATE="${RATE:-500}"; OUT="${OUT:-$ROOT/docs}"; GAP=10
fi
PAIRS="${BENCH_PAIRS:-$([[ $SMOKE == 1 ]] && echo 2 || echo 5)}"
MODE=$([[ $SMOKE == 1 ]] && echo smoke || echo full)
T0=$(date +%s)
PGBIN=/usr/lib/postgresql/15/bin
JAR="${BENCH_JAR:-$ROOT/target/quarkus-app/quarkus-run.jar}"
for c in kubectl pgbench psql python3 java; do command -v "$c" >/dev/null || { echo "bench: $c not found" >&2; exit 1; }; done
[[ -x "$PGBIN/initdb" ]] || { echo "bench: no PostgreSQL 15 in $PGBIN (apt-get install postgresql-15)" >&2; exit 1; }
[[ -f "$JAR" ]] || { echo "bench: $JAR missing; run: mvn -B package -DskipTests" >&2; exit 1; }

WORK="$(mktemp -d /tmp/pgindex-bench-con.XXXXXX)"
chmod 755 "$WORK"
mkdir -p "$OUT"
log() { printf '[bench-con %4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

PGB_PID=""; OP_PID=""; PG_STARTED=0; CP_STARTED=0
cleanup() {
  local rc=$?
  set +e
  [[ -n "$PGB_PID" ]] && kill -TERM "$PGB_PID" 2>/dev/null && wait "$PGB_PID" 2>/dev/null
  [[ -n "$OP_PID" ]] && kill "$OP_PID" 2>/dev/null && wait "$OP_PID" 2>/dev/null
  ((PG_STARTED)) && as_pg "$PGBIN/pg_ctl" -D "$WORK/pgdata" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$WORK/pgdata"   # several GB in full mode; the logs stay
  ((CP_STARTED)) && hack/control-plane.sh stop >/dev/null 2>&1
  log "cleaned up (exit $rc); logs in $WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- PostgreSQL, as bench/run.sh configures it, plus a log of the statements of role app -------------------------
log "initdb + PostgreSQL 15 (shared_buffers=1GB, maintenance_work_mem=256MB)"
bench_start_postgres <<CONF
shared_buffers = 1GB
maintenance_work_mem = 256MB
max_connections = 200
max_wal_size = 16GB
checkpoint_timeout = 1h
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %u %a: '
CONF
PG_VERSION="$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -XAtc 'SELECT version()' postgres)"
export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=app PGDATABASE=bench
psql -XAq -U postgres -d postgres -v ON_ERROR_STOP=1 -c "CREATE ROLE app LOGIN PASSWORD 'app'" \
  -c "CREATE ROLE writer LOGIN PASSWORD 'writer'" -c "CREATE DATABASE bench OWNER app"
LOAD_S0=$(now)
log "loading $CUSTOMERS customers and $ROWS orders (then primary key, index on orders(customer_id), VACUUM ANALYZE)"
psql -XAq -v ON_ERROR_STOP=1 <<SQL
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, $CUSTOMERS) g;
CREATE TABLE orders (id bigint NOT NULL, customer_id int NOT NULL, amount int NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO orders (id, customer_id, amount, created_at)
  SELECT g, 1 + (random() * ($CUSTOMERS - 1))::int, (random() * 1000)::int, now() FROM generate_series(1, $ROWS) g;
SQL
LOAD_S1=$(now)
psql -XAq -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE SEQUENCE orders_id_seq OWNED BY orders.id;
SELECT setval('orders_id_seq', $ROWS);
ALTER TABLE orders ALTER COLUMN id SET DEFAULT nextval('orders_id_seq');
ALTER TABLE orders ADD PRIMARY KEY (id);
CREATE INDEX orders_customer_id ON orders (customer_id);
VACUUM (FREEZE, ANALYZE) customers;
VACUUM (FREEZE, ANALYZE) orders;
GRANT SELECT, INSERT, UPDATE ON orders TO writer;
GRANT USAGE ON SEQUENCE orders_id_seq TO writer;
SQL
LOAD_S2=$(now)
psql -XAq -U postgres -c "ALTER ROLE app IN DATABASE bench SET log_min_duration_statement = 0"
TABLE_SIZE="$(psql -XAtc "SELECT pg_size_pretty(pg_table_size('orders')) || ' table, ' || pg_size_pretty(pg_indexes_size('orders')) || ' indexes'")"
LOAD_DESC="$(python3 -c "print(f'insert {$LOAD_S1-$LOAD_S0:.0f} s, primary key + index + VACUUM {$LOAD_S2-$LOAD_S1:.0f} s')")"
log "loaded: orders $TABLE_SIZE ($LOAD_DESC)"

# --- control plane and operator (once, at its shipped defaults) --------------------------------------------------
bench_start_control_plane
bench_prepare_operator
kubectl create namespace bench >/dev/null
kubectl -n bench create secret generic bench-db --from-literal=host=127.0.0.1 --from-literal=port="$PG_PORT" \
  --from-literal=dbname=bench --from-literal=username=app --from-literal=password=app >/dev/null
log "starting the operator (JVM: ${JVM_DESC:-defaults})"
env "${OP_ENV[@]}" QUARKUS_HTTP_PORT=0 java "${JVM_ARGS[@]}" -jar "$JAR" >"$WORK/operator.log" 2>&1 &
OP_PID=$!
for _ in $(seq 1 3000); do
  grep -q "'postgresconstraint' controller started" "$WORK/operator.log" && break
  kill -0 "$OP_PID" 2>/dev/null || { tail -n 40 "$WORK/operator.log" >&2; echo "bench: operator exited" >&2; exit 1; }
  sleep 0.05
done
grep -q "'postgresconstraint' controller started" "$WORK/operator.log" \
  || { tail -n 40 "$WORK/operator.log" >&2; echo "bench: the postgresconstraint controller did not start" >&2; exit 1; }

# --- one pgbench run, three ways to add the foreign key -----------------------------------------------------------
cat >"$WORK/w.sql" <<SQL
\set r random(1, 100)
\set id random(1, $ROWS)
\set c random(1, $CUSTOMERS)
\if :r <= 80
UPDATE orders SET amount = amount + 1 WHERE id = :id;
\else
INSERT INTO orders (customer_id, amount) VALUES (:c, :r);
\endif
SQL
log "pgbench -R $RATE -c 4 -j 2 as role writer (80% UPDATE, 20% INSERT on orders), per-transaction log"
mkdir -p "$WORK/pgbench"
( cd "$WORK/pgbench" && exec env PGUSER=writer pgbench -n -f "$WORK/w.sql" -R "$RATE" -c 4 -j 2 -T 7200 -l \
    --log-prefix=w --failures-detailed bench >"$WORK/pgbench.out" 2>&1 ) &
PGB_PID=$!
EVENTS="$WORK/events.tsv"; : >"$EVENTS"
LOADS="$WORK/loadavg.tsv"; : >"$LOADS"
FK="FOREIGN KEY (customer_id) REFERENCES customers (id)"
quiet_gap() { psql -XAq -U postgres -c CHECKPOINT; sleep "$GAP"; kill -0 "$PGB_PID" 2>/dev/null || { cat "$WORK/pgbench.out" >&2; exit 1; }; }
event() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$EVENTS"; log "$1: $(python3 -c "print(round($3-$2,3))")s"; }
timed_psql() { # name sql...
  local name=$1 s e; shift
  local a=(); for q in "$@"; do a+=(-c "$q"); done
  s=$(now); psql -XAq -v ON_ERROR_STOP=1 "${a[@]}" >/dev/null; e=$(now)
  event "$name" "$s" "$e"
}
drop_fk() { # a short lock, retried; outside every measured window
  for _ in 1 2 3 4 5; do
    psql -XAq -c "SET lock_timeout = '2s'" -c "ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_customer_fk" \
      2>/dev/null && return 0
    sleep 1
  done
  echo "bench: could not drop orders_customer_fk" >&2; exit 1
}
quiet_gap

# 1. plain ADD FOREIGN KEY
printf 'plain\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$LOADS"
timed_psql plain "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk $FK"
drop_fk
quiet_gap

# 2. by hand, then 3. the operator, in alternating pairs (BENCH_PAIRS): one window's max latency is one sample on a
# shared machine, so the pairs show how much of a difference is noise; the first pair is the issue's side by side
cat >"$WORK/constraint.yaml" <<YAML
apiVersion: pgindex.dev/v1alpha1
kind: PostgresConstraint
metadata:
  name: orders-customer-fk
  namespace: bench
spec:
  connection:
    secretName: bench-db
  table: orders
  name: orders_customer_fk
  foreignKey:
    columns: [customer_id]
    references:
      table: customers
      columns: [id]
YAML
for k in $(seq 1 "$PAIRS"); do
  sfx=$([[ $k == 1 ]] && echo "" || echo "$k")
  # by hand: NOT VALID under a short lock_timeout, then VALIDATE on a new session
  printf 'hand%s\t%s\n' "$sfx" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$LOADS"
  timed_psql "hand${sfx}_not_valid" "SET lock_timeout = '2s'" "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk $FK NOT VALID"
  timed_psql "hand${sfx}_validate" "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk"
  drop_fk
  quiet_gap
  # the operator: apply, then kubectl wait for Ready
  printf 'operator%s\t%s\n' "$sfx" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$LOADS"
  s=$(now)
  kubectl apply -f "$WORK/constraint.yaml" >/dev/null
  kubectl -n bench wait --for=condition=Ready pgconstraint/orders-customer-fk --timeout=60m >/dev/null
  e=$(now)
  event "operator$sfx" "$s" "$e"
  if ((k == 1)); then
    kubectl -n bench get pgconstraint orders-customer-fk -o json >"$WORK/operator-status.json"
    kubectl -n bench get events --field-selector involvedObject.name=orders-customer-fk -o json >"$WORK/operator-events.json"
    psql -XAtc "SELECT conname, convalidated, pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'orders_customer_fk'" \
      >"$WORK/constraint-final.txt"
    log "in PostgreSQL: $(cat "$WORK/constraint-final.txt")"
  fi
  if ((k < PAIRS)); then
    # reclaimPolicy Retain (the default): deleting the resource releases the mark and keeps the constraint
    kubectl -n bench delete pgconstraint orders-customer-fk --timeout=120s >/dev/null
    drop_fk
    quiet_gap
  fi
done
sleep "$GAP"   # the tail of the load after the last window, for the baseline
kill -TERM "$PGB_PID" 2>/dev/null; wait "$PGB_PID" 2>/dev/null || true
PGB_PID=""

# --- analysis ------------------------------------------------------------------------------------------------------
MACHINE_CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
python3 "$ROOT/bench/constraints_analyze.py" --work "$WORK" --out "$OUT" --mode "$MODE" --rows "$ROWS" \
  --customers "$CUSTOMERS" --rate "$RATE" --table-size "$TABLE_SIZE" --load "$LOAD_DESC" --pg-version "$PG_VERSION" \
  --cpu "$MACHINE_CPU" --nproc "$(nproc)" --free "$(free -g | sed -n 2p)" --java-opts="$JVM_DESC" \
  --pairs "$PAIRS" --runtime "$(( $(date +%s) - T0 ))" --command "bench/constraints.sh${ARGS:+ $ARGS}"
log "done in $(( $(date +%s) - T0 ))s; outputs in $OUT"
