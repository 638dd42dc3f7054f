#!/usr/bin/env bash
# pgindex-operator benchmark runner. One command:
#
#   bench/run.sh            full run (2,000,000 rows, 500-resource scale test), writes docs/benchmarks.{md,json}
#                           and docs/benchmark-tps.png
#   bench/run.sh --smoke    short run (200,000 rows, no scale test, < ~3 min), writes to target/bench/
#
# Options: --rows N (table size), --rate R (pgbench -R, default 500), --scale N (resources in the scale test,
# default 500; 0 skips it), --out DIR. The operator runs at its shipped defaults: the image's JVM settings
# (src/main/docker/jvm.options, with a class data sharing archive trained the way the image trains it) and the
# operator's default configuration, with no warm-up build. Environment, to measure something else:
# BENCH_POLL_INTERVAL (operator pgindex.build-poll-interval; default: the operator's own), BENCH_JAVA_OPTS (JVM
# flags added after the image's), BENCH_JVM_DEFAULTS=1 (plain `java -jar`, no jvm.options and no archive: the JVM's
# own defaults), BENCH_JAR (another build's quarkus-run.jar), BENCH_STEADY_SECONDS (steady-state window of the scale
# test, default 300, the operator's default resync interval, so every Ready index is re-checked once in it),
# BENCH_BEFORE (an earlier run's benchmarks.json, shown beside this one in the goals table), PGINDEX_K8S_BIN_DIR
# (control plane binaries; default: hack/build-control-plane.sh, which uses the cache).
#
# It starts everything it uses and stops it on exit (logs are kept in /tmp/pgindex-bench.*, the data directory is not): a throwaway PostgreSQL 15 (run as an unprivileged OS user),
# pgbench, a local control plane on its own ports with its own state directory, and the packaged operator.
# Needs: target/quarkus-app/quarkus-run.jar (mvn -B package -DskipTests), kubectl, pgbench, psql, python3.
# See bench/README.md for what is measured and how to read it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
export PATH="/usr/local/go/bin:$PATH"

ARGS="$*"
SMOKE=0; ROWS=""; RATE=""; SCALE=""; OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) SMOKE=1 ;;
    --rows) ROWS="$2"; shift ;;
    --rate) RATE="$2"; shift ;;
    --scale) SCALE="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if ((SMOKE)); then
  ROWS="${ROWS:-200000}"; RATE="${RATE:-300}"; SCALE=0; OUT="${OUT:-$ROOT/target/bench}"; GAP=4
else
  ROWS="${ROWS:-2000000}"; RATE="${RATE:-500}"; SCALE="${SCALE:-500}"; OUT="${OUT:-$ROOT/docs}"; GAP=10
fi
POLL="${BENCH_POLL_INTERVAL:-}"
STEADY_S="${BENCH_STEADY_SECONDS:-300}"
MODE=$([[ $SMOKE == 1 ]] && echo smoke || echo full)
T0=$(date +%s)

PGBIN=/usr/lib/postgresql/15/bin
JAR="${BENCH_JAR:-$ROOT/target/quarkus-app/quarkus-run.jar}"
for c in kubectl pgbench psql python3 java; do command -v "$c" >/dev/null || { echo "bench: $c not found" >&2; exit 1; }; done
[[ -x "$PGBIN/initdb" ]] || { echo "bench: no PostgreSQL 15 in $PGBIN (apt-get install postgresql-15)" >&2; exit 1; }
[[ -f "$JAR" ]] || { echo "bench: $JAR missing; run: mvn -B package -DskipTests" >&2; exit 1; }

WORK="$(mktemp -d /tmp/pgindex-bench.XXXXXX)"
chmod 755 "$WORK"
mkdir -p "$OUT"
log() { printf '[bench %4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
MARKS="$WORK/marks.tsv"; : >"$MARKS"
mark() { printf '%s\t%s\n' "$1" "${2:-$(now)}" >>"$MARKS"; }   # named moments, for counting API requests per phase

# --- cleanup -------------------------------------------------------------------------------------------------
PGB_PID=""; OP_PID=""; SAMPLER_PID=""; PG_STARTED=0; CP_STARTED=0
cleanup() {
  local rc=$?
  set +e
  [[ -n "$SAMPLER_PID" ]] && kill "$SAMPLER_PID" 2>/dev/null && wait "$SAMPLER_PID" 2>/dev/null
  [[ -n "$PGB_PID" ]] && kill -TERM "$PGB_PID" 2>/dev/null && wait "$PGB_PID" 2>/dev/null
  [[ -n "$OP_PID" ]] && kill "$OP_PID" 2>/dev/null && wait "$OP_PID" 2>/dev/null
  ((PG_STARTED)) && as_pg "$PGBIN/pg_ctl" -D "$WORK/pgdata" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$WORK/pgdata"   # the data directory is large (1-2 GB in full mode); the logs stay
  ((CP_STARTED)) && hack/control-plane.sh stop >/dev/null 2>&1
  log "cleaned up (exit $rc); logs in $WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- PostgreSQL ----------------------------------------------------------------------------------------------
log "initdb + PostgreSQL 15 (shared_buffers=1GB, maintenance_work_mem=256MB)"
bench_start_postgres <<CONF
shared_buffers = 1GB
maintenance_work_mem = 256MB
max_connections = 200
# no WAL-triggered checkpoint in the middle of a build window: the runner checkpoints before each build instead
max_wal_size = 16GB
checkpoint_timeout = 1h
# counts the operator's statements in the steady state of the scale test
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
CONF
PG_VERSION="$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -XAtc 'SELECT version()' postgres)"
export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=app PGDATABASE=bench
psql -XAq -U postgres -d postgres -v ON_ERROR_STOP=1 -c "CREATE EXTENSION pg_stat_statements" \
  -c "CREATE ROLE app LOGIN PASSWORD 'app'" \
  -c "GRANT pg_read_all_stats TO app" -c "CREATE DATABASE bench OWNER app"
log "loading $ROWS rows into bench"
psql -XAq -v ON_ERROR_STOP=1 <<SQL
CREATE TABLE bench (id bigserial PRIMARY KEY, account int NOT NULL, payload text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
INSERT INTO bench (account, payload) SELECT (random()*100000)::int, md5(g::text) || md5((g*7)::text) FROM generate_series(1, $ROWS) g;
VACUUM ANALYZE bench;
SQL
TABLE_SIZE="$(psql -XAtc "SELECT pg_size_pretty(pg_total_relation_size('bench'))")"

# --- control plane ---------------------------------------------------------------------------------------------
bench_start_control_plane
bench_prepare_operator
kubectl create namespace bench >/dev/null
kubectl -n bench create secret generic bench-db --from-literal=host=127.0.0.1 --from-literal=port="$PG_PORT" \
  --from-literal=dbname=bench --from-literal=username=app --from-literal=password=app >/dev/null

# --- operator start-up -------------------------------------------------------------------------------------------
# One JVM start on this shared 2-core machine varies by a few tenths of a second, so the figure is the median of
# STARTS starts (each to every controller started, then stopped); the last start stays up for the rest of the run.
STARTS="${BENCH_STARTS:-5}"
log "starting the operator $STARTS times (build-poll-interval ${POLL:-default}; JVM: ${JVM_DESC:-defaults})"
start_operator() { # log file; sets OP_PID, OP_T0, OP_T1
  : >"$1"
  OP_T0=$(now)
  env "${OP_ENV[@]}" QUARKUS_HTTP_PORT=0 ${POLL:+PGINDEX_BUILD_POLL_INTERVAL=$POLL} \
    java "${JVM_ARGS[@]}" -jar "$JAR" >"$1" 2>&1 &
  OP_PID=$!
  OP_T1=""
  for _ in $(seq 1 3000); do
    # every controller started (one line each; the operator has three: postgresindex, postgresindexset and
    # postgresconstraint)
    if (( $(grep -c "controller started" "$1") >= 3 )); then OP_T1=$(now); break; fi
    kill -0 "$OP_PID" 2>/dev/null || break
    sleep 0.02
  done
  [[ -n "$OP_T1" ]] || { tail -n 40 "$1" >&2; echo "bench: operator did not start" >&2; exit 1; }
}
STARTUP_RUNS=()
for k in $(seq 1 "$STARTS"); do
  if ((k == STARTS)); then start_operator "$WORK/operator.log"; else start_operator "$WORK/operator-start$k.log"; fi
  STARTUP_RUNS+=("$(python3 -c "print(round($OP_T1-$OP_T0,3))")")
  if ((k < STARTS)); then kill -TERM "$OP_PID"; wait "$OP_PID" 2>/dev/null || true; OP_PID=""; sleep 2; fi
done
mark operator_start "$OP_T0"
mark operator_started "$OP_T1"
STARTUP_S=$(python3 -c "import statistics,sys; print(round(statistics.median(map(float, sys.argv[1:])), 3))" \
  "${STARTUP_RUNS[@]}")
sleep 10
mark idle_end
IDLE_RSS_KB=$(awk '/^VmRSS/{print $2}' "/proc/$OP_PID/status")
log "operator started in ${STARTUP_S}s (median of ${STARTUP_RUNS[*]}), idle RSS $((IDLE_RSS_KB / 1024)) MiB"

# --- write availability: one pgbench run, three builds ------------------------------------------------------------
cat >"$WORK/w.sql" <<SQL
\set r random(1, 100)
\set id random(1, $ROWS)
\if :r <= 80
UPDATE bench SET account = account + 1, updated_at = now() WHERE id = :id;
\else
INSERT INTO bench (account, payload) VALUES (:id, md5(:id::text) || md5(random()::text));
\endif
SQL
IDX_SQL="ON bench (payload)"
log "pgbench -R $RATE -c 4 -j 2 (80% UPDATE, 20% INSERT), per-transaction log"
mkdir -p "$WORK/pgbench"
( cd "$WORK/pgbench" && exec pgbench -n -f "$WORK/w.sql" -R "$RATE" -c 4 -j 2 -T 3600 -l --log-prefix=w \
    --failures-detailed bench >"$WORK/pgbench.out" 2>&1 ) &
PGB_PID=$!
quiet_gap() { psql -XAq -U postgres -c CHECKPOINT; sleep "$GAP"; }
quiet_gap
EVENTS="$WORK/events.tsv"
: >"$EVENTS"
kill -0 "$PGB_PID" 2>/dev/null || { cat "$WORK/pgbench.out" >&2; exit 1; }

timed_psql() { # name sql
  local s e
  s=$(now); psql -XAq -v ON_ERROR_STOP=1 -c "$2" >/dev/null; e=$(now)
  printf '%s\t%s\t%s\n' "$1" "$s" "$e" >>"$EVENTS"
  log "$1: $(python3 -c "print(round($e-$s,3))")s"
}
timed_psql plain "CREATE INDEX bench_payload_idx $IDX_SQL"
psql -XAqc "DROP INDEX bench_payload_idx"
quiet_gap
timed_psql cic "CREATE INDEX CONCURRENTLY bench_payload_idx $IDX_SQL"
psql -XAqc "DROP INDEX bench_payload_idx"
quiet_gap
cat >"$WORK/pgindex.yaml" <<YAML
apiVersion: pgindex.dev/v1alpha1
kind: PostgresIndex
metadata:
  name: bench-payload
  namespace: bench
spec:
  connection:
    secretName: bench-db
  table: bench
  name: bench_payload_idx
  reclaimPolicy: Delete
  columns:
    - name: payload
YAML
# apply -> Ready as a user sees it (kubectl apply, then kubectl wait); the first one marks the phases of the audit log
timed_apply() { # name
  local s e
  s=$(now)
  [[ $1 == operator ]] && mark build_apply "$s"
  kubectl apply -f "$WORK/pgindex.yaml" >/dev/null
  kubectl -n bench wait --for=condition=Ready pgindex/bench-payload --timeout=30m >/dev/null
  e=$(now)
  [[ $1 == operator ]] && mark build_ready "$e"
  printf '%s\t%s\t%s\n' "$1" "$s" "$e" >>"$EVENTS"
  log "$1 (apply -> Ready): $(python3 -c "print(round($e-$s,3))")s"
}
timed_apply operator
kubectl -n bench get pgindex bench-payload -o json >"$WORK/operator-status.json"
# More alternating pairs, psql then the operator (the same process, already past its first build): one build of 2M
# rows under the write load varies by up to a second from run to run, more than the operator adds, so the overhead
# goal compares the medians of BENCH_PAIRS pairs (default 5).
for k in $(seq 2 "${BENCH_PAIRS:-5}"); do
  kubectl -n bench delete pgindex bench-payload --timeout=120s >/dev/null  # reclaimPolicy Delete drops the index
  quiet_gap
  timed_psql "cic$k" "CREATE INDEX CONCURRENTLY bench_payload_idx $IDX_SQL"
  psql -XAqc "DROP INDEX bench_payload_idx"
  quiet_gap
  timed_apply "operator$k"
done
sleep "$GAP"
kill -TERM "$PGB_PID" 2>/dev/null; wait "$PGB_PID" 2>/dev/null || true
PGB_PID=""
kubectl -n bench delete pgindex bench-payload --timeout=120s >/dev/null || log "warning: delete of bench-payload failed"

# --- scale -----------------------------------------------------------------------------------------------------
SCALE_JSON="$WORK/scale.json"; echo '{}' >"$SCALE_JSON"
if ((SCALE > 0)); then
  DBS=5; TABLES=$(( SCALE < 50 ? SCALE : 50 )); PER_DB=$(( (TABLES + DBS - 1) / DBS ))
  log "scale: $SCALE PostgresIndex resources over $DBS databases, $TABLES tables (10,000 rows each)"
  kubectl create namespace bench-scale >/dev/null
  for d in $(seq 1 $DBS); do
    psql -XAq -U postgres -d postgres -c "CREATE DATABASE scale$d OWNER app"
    kubectl -n bench-scale create secret generic db$d --from-literal=host=127.0.0.1 --from-literal=port="$PG_PORT" \
      --from-literal=dbname=scale$d --from-literal=username=app --from-literal=password=app >/dev/null
  done
  : >"$WORK/scale.yaml"
  for i in $(seq 0 $((SCALE - 1))); do
    t=$(( i % TABLES )); d=$(( t % DBS + 1 )); c=$(( i / TABLES ))
    cat >>"$WORK/scale.yaml" <<YAML
---
apiVersion: pgindex.dev/v1alpha1
kind: PostgresIndex
metadata: {name: t$t-c$c, namespace: bench-scale}
spec:
  connection: {secretName: db$d}
  table: t$t
  name: t${t}_c${c}_idx
  reclaimPolicy: Delete
  columns: [{name: c$((c % 10))}$( ((c >= 10)) && echo ", {name: id}" )]
YAML
  done
  for t in $(seq 0 $((TABLES - 1))); do
    d=$(( t % DBS + 1 ))
    echo "CREATE TABLE t$t (id int PRIMARY KEY, $(for k in $(seq 0 9); do printf 'c%d int, ' $k; done | sed 's/, $//')); INSERT INTO t$t SELECT g, $(for k in $(seq 0 9); do printf 'g %% %d, ' $((k * 7 + 3)); done | sed 's/, $//') FROM generate_series(1, 10000) g;" \
      >>"$WORK/scale-db$d.sql"
  done
  for d in $(seq 1 $DBS); do psql -XAq -d scale$d -v ON_ERROR_STOP=1 -f "$WORK/scale-db$d.sql"; done
  ( while true; do
      printf '%s %s %s\n' "$(date +%s.%N)" \
        "$(psql -XAt -U postgres -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'pgindex%'")" \
        "$(awk '/^VmRSS/{print $2}' /proc/$OP_PID/status)"
      sleep 0.5
    done >"$WORK/scale-samples.txt" 2>/dev/null ) &
  SAMPLER_PID=$!
  s=$(now)
  mark scale_apply "$s"
  kubectl apply -f "$WORK/scale.yaml" >/dev/null
  # One LIST every half second until every resource's Ready condition is True. (`kubectl wait --all` waits for
  # the resources one after another, a GET and a watch each under kubectl's client-side rate limit: with 500 it
  # returned about 100 s after the operator had made the last one Ready, so it measured kubectl, not the operator.)
  deadline=$(( $(date +%s) + 1800 ))
  while :; do
    ready_now=$(kubectl -n bench-scale get pgindex -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c '^True$' || true)
    ((ready_now >= SCALE)) && break
    (( $(date +%s) < deadline )) || { log "scale: only $ready_now of $SCALE Ready after 30 min"; break; }
    sleep 0.5
  done
  e=$(now)
  mark scale_ready "$e"
  log "scale: all $SCALE Ready in $(python3 -c "print(round($e-$s,1))")s; measuring $STEADY_S s of steady state"
  # steady state: what the operator does to keep $SCALE Ready indexes checked, counted by PostgreSQL itself
  STEADY_SQL="SELECT coalesce(sum(xact_commit), 0), coalesce(sum(sessions), 0) FROM pg_stat_database WHERE datname LIKE 'scale%'"
  psql -XAq -U postgres -d postgres -c "SELECT pg_stat_statements_reset()" >/dev/null
  x0=$(psql -XAt -F ' ' -U postgres -d postgres -c "$STEADY_SQL")
  mark steady_start
  sleep "$STEADY_S"
  mark steady_end
  x1=$(psql -XAt -F ' ' -U postgres -d postgres -c "$STEADY_SQL")
  read -r xact0 sess0 <<<"$x0"; read -r xact1 sess1 <<<"$x1"
  q1=$(psql -XAt -U postgres -d postgres -c "SELECT coalesce(sum(s.calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname LIKE 'scale%'")
  kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""
  PEAK_KB=$(awk '/^VmHWM/{print $2}' "/proc/$OP_PID/status")
  READY_N=$(kubectl -n bench-scale get pgindex -o jsonpath='{range .items[*]}{.status.phase}{"\n"}{end}' | grep -c '^Ready$' || true)
  python3 - "$WORK/scale-samples.txt" >"$SCALE_JSON" <<PY
import json, sys
conns, rss = [], []
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) == 3:
        conns.append(int(p[1])); rss.append(int(p[2]))
print(json.dumps({"resources": $SCALE, "databases": $DBS, "tables": $TABLES, "rows_per_table": 10000,
  "ready": $READY_N, "all_ready_s": round($e - $s, 2), "operator_peak_rss_mib": round($PEAK_KB / 1024, 1),
  "pg_connections_max": max(conns or [0]), "pg_connections_samples": len(conns),
  "steady_seconds": $STEADY_S,
  "steady_statements_per_min_per_index": round($q1 * 60 / $STEADY_S / $SCALE, 2),
  "steady_xact_per_min_per_index": round(($xact1 - $xact0) * 60 / $STEADY_S / $SCALE, 2),
  "steady_sessions_per_min_per_index": round(($sess1 - $sess0) * 60 / $STEADY_S / $SCALE, 2)}))
PY
  kubectl delete namespace bench-scale --wait=false >/dev/null 2>&1 || true
fi

# --- analysis and output ---------------------------------------------------------------------------------------
if ! python3 -c 'import matplotlib' 2>/dev/null; then
  log "installing matplotlib for the plot (pip)"
  python3 -m pip install -q matplotlib >"$WORK/pip.log" 2>&1 || python3 -m pip install -q --user matplotlib >>"$WORK/pip.log" 2>&1 \
    || log "matplotlib could not be installed; no plot (see $WORK/pip.log), everything else is written"
fi
FINAL_RSS_KB=$(awk '/^VmHWM/{print $2}' "/proc/$OP_PID/status")
MACHINE_CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
python3 "$ROOT/bench/analyze.py" --work "$WORK" --out "$OUT" --mode "$MODE" --rows "$ROWS" --rate "$RATE" \
  --table-size "$TABLE_SIZE" --startup "$STARTUP_S" --startup-runs "${STARTUP_RUNS[*]}" --idle-rss-kb "$IDLE_RSS_KB" --peak-rss-kb "$FINAL_RSS_KB" \
  --pg-version "$PG_VERSION" --cpu "$MACHINE_CPU" --nproc "$(nproc)" --free "$(free -g | sed -n 2p)" \
  --poll "${POLL:-default}" --java-opts="$JVM_DESC" --runtime "$(( $(date +%s) - T0 ))" --command "bench/run.sh${ARGS:+ $ARGS}" --before "${BENCH_BEFORE:-}"
log "done in $(( $(date +%s) - T0 ))s; outputs in $OUT"
