#!/usr/bin/env bash
# PostgresIndexSet at scale: one set over DBS databases x SCHEMAS schemas (default 10 x 100 = 1,000 targets, a
# small orders table of 200 rows in each schema), from kubectl apply to the set's Ready condition.
#
#   bench/indexset.sh                       10 databases x 100 schemas, writes target/bench-indexset/indexset.{json,md}
#   bench/indexset.sh --dbs 2 --schemas 10  a quick run
#
# Measures: time from apply to Ready=True (all targets Ready), the operator's peak RSS (VmHWM), the most PostgreSQL
# connections the operator held at once (pg_stat_activity, application_name pgindex*, sampled every 0.5 s), and
# the operator's API requests from apply to Ready (the API server's audit log, fabric8 user agent) per target.
# The rollout settings are the set's: canary 1, maxInFlight (BENCH_MAX_IN_FLIGHT, default 10, one per database
# with the default builds-per-database of 1). The closing note of the markdown compares with the 500-resource run
# of bench/run.sh (docs/benchmarks.json) when that file exists.
# The operator runs at its shipped defaults, as bench/run.sh runs it: the image's JVM settings
# (src/main/docker/jvm.options) with a class data sharing archive trained as the image trains it, the default
# configuration, and the ServiceAccount of deploy/ with a bearer token.
# Environment: BENCH_JAVA_OPTS (JVM flags added after the image's), BENCH_JVM_DEFAULTS=1 (the JVM's own defaults, no
# archive), PGINDEX_K8S_BIN_DIR (control plane binaries),
# BENCH_RESYNC (operator pgindex.resync-interval, default: the operator's), BENCH_POLL_INTERVAL (build poll,
# default: the operator's).
# Needs: target/quarkus-app/quarkus-run.jar (mvn -B package -DskipTests), kubectl, psql, python3, PostgreSQL 15.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
export PATH="/usr/local/go/bin:$PATH"
DBS=10; SCHEMAS=100; OUT="$ROOT/target/bench-indexset"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dbs) DBS="$2"; shift ;;
    --schemas) SCHEMAS="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
TARGETS=$((DBS * SCHEMAS))
MAX_IN_FLIGHT="${BENCH_MAX_IN_FLIGHT:-10}"
T0=$(date +%s)
PGBIN=/usr/lib/postgresql/15/bin
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
for c in kubectl psql python3 java; do command -v "$c" >/dev/null || { echo "bench: $c not found" >&2; exit 1; }; done
[[ -x "$PGBIN/initdb" ]] || { echo "bench: no PostgreSQL 15 in $PGBIN" >&2; exit 1; }
[[ -f "$JAR" ]] || { echo "bench: $JAR missing; run: mvn -B package -DskipTests" >&2; exit 1; }
WORK="$(mktemp -d /tmp/pgindex-bench-set.XXXXXX)"
chmod 755 "$WORK"
mkdir -p "$OUT"
log() { printf '[bench-set %4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

OP_PID=""; SAMPLER_PID=""; PG_STARTED=0; CP_STARTED=0
cleanup() {
  local rc=$?
  set +e
  [[ -n "$SAMPLER_PID" ]] && kill "$SAMPLER_PID" 2>/dev/null && wait "$SAMPLER_PID" 2>/dev/null
  [[ -n "$OP_PID" ]] && kill "$OP_PID" 2>/dev/null && wait "$OP_PID" 2>/dev/null
  ((PG_STARTED)) && as_pg "$PGBIN/pg_ctl" -D "$WORK/pgdata" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$WORK/pgdata"
  ((CP_STARTED)) && hack/control-plane.sh stop >/dev/null 2>&1
  log "cleaned up (exit $rc); logs in $WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- PostgreSQL 15, run as an unprivileged OS user -------------------------------------------------------------
bench_start_postgres <<CONF
shared_buffers = 256MB
max_connections = 200
fsync = off
CONF
export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres
psql -XAq -d postgres -v ON_ERROR_STOP=1 -c "CREATE ROLE app LOGIN PASSWORD 'app'"
log "creating $DBS databases x $SCHEMAS schemas (orders, 200 rows each)"
for d in $(seq 1 "$DBS"); do
  psql -XAq -d postgres -c "CREATE DATABASE customer$d OWNER app"
  psql -XAq -d "customer$d" -U app -v ON_ERROR_STOP=1 <<SQL
DO \$\$
BEGIN
  FOR i IN 1..$SCHEMAS LOOP
    EXECUTE format('CREATE SCHEMA tenant_%s', i);
    EXECUTE format('CREATE TABLE tenant_%s.orders (id int PRIMARY KEY, email text, customer_id int)', i);
    EXECUTE format('INSERT INTO tenant_%s.orders SELECT g, ''c'' || g || ''@example.com'', g %% 10 FROM generate_series(1, 200) g', i);
  END LOOP;
END
\$\$;
SQL
done

# --- control plane with an audit log ---------------------------------------------------------------------------
bench_start_control_plane
kubectl create namespace bench-set >/dev/null
SECRETS=""
for d in $(seq 1 "$DBS"); do
  kubectl -n bench-set create secret generic customer$d-app --from-literal=host=127.0.0.1 --from-literal=port="$PG_PORT" \
    --from-literal=dbname=customer$d --from-literal=username=app --from-literal=password=app >/dev/null
  SECRETS+="customer$d-app, "
done

# --- operator --------------------------------------------------------------------------------------------------
: >"$WORK/operator.log"
bench_prepare_operator
env "${OP_ENV[@]}" QUARKUS_HTTP_PORT=0 ${BENCH_POLL_INTERVAL:+PGINDEX_BUILD_POLL_INTERVAL=$BENCH_POLL_INTERVAL} \
  ${BENCH_RESYNC:+PGINDEX_RESYNC_INTERVAL=$BENCH_RESYNC} java "${JVM_ARGS[@]}" -jar "$JAR" >"$WORK/operator.log" 2>&1 &
OP_PID=$!
for _ in $(seq 1 1200); do
  grep -q "'postgresindexset' controller started" "$WORK/operator.log" && break
  kill -0 "$OP_PID" 2>/dev/null || { tail -n 40 "$WORK/operator.log" >&2; exit 1; }
  sleep 0.05
done
sleep 5
IDLE_RSS_KB=$(awk '/^VmRSS/{print $2}' "/proc/$OP_PID/status")

( while true; do
    printf '%s %s %s\n' "$(date +%s.%N)" \
      "$(psql -XAt -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'pgindex%'")" \
      "$(awk '/^VmRSS/{print $2}' /proc/$OP_PID/status)"
    sleep 0.5
  done >"$WORK/samples.txt" 2>/dev/null ) &
SAMPLER_PID=$!
log "applying one PostgresIndexSet over $TARGETS targets (canary 1, maxInFlight $MAX_IN_FLIGHT)"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
s=$(now)
kubectl apply -f - >/dev/null <<YAML
apiVersion: pgindex.dev/v1alpha1
kind: PostgresIndexSet
metadata: {name: orders-email, namespace: bench-set}
spec:
  template:
    table: orders
    name: orders_email_idx
    columns: [{name: email}]
  databases:
    secretNames: [${SECRETS%, }]
  schemas:
    pattern: ^tenant_
  rollout: {canary: 1, maxInFlight: $MAX_IN_FLIGHT, failureBudget: 1}
YAML
kubectl -n bench-set wait --for=condition=Ready pgidxset/orders-email --timeout=60m >/dev/null
e=$(now)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""
PEAK_KB=$(awk '/^VmHWM/{print $2}' "/proc/$OP_PID/status")
STATUS=$(kubectl -n bench-set get pgidxset orders-email -o jsonpath='{.status.targets} {.status.ready} {.status.stalled}')
INDEXES=0
for d in $(seq 1 "$DBS"); do
  INDEXES=$(( INDEXES + $(psql -XAt -d "customer$d" -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_email_idx'") ))
done
log "all Ready in $(python3 -c "print(round($e-$s,1))")s (targets ready stalled: $STATUS; $INDEXES indexes in PostgreSQL)"
sleep 2 # the audit log is written asynchronously
PYTHONPATH="$ROOT/bench" python3 - "$WORK" "$s" "$e" "$TARGETS" "$DBS" "$SCHEMAS" "$PEAK_KB" "$IDLE_RSS_KB" "$STATUS" "$INDEXES" \
  "$MAX_IN_FLIGHT" "$ROOT/docs/benchmarks.json" "$OUT" "$(nproc)" "$LOAD_BEFORE" "$LOAD_AFTER" <<'PY'
import json, os, sys
from auditlog import by_verb_resource, operator_requests
work, s, e, targets, dbs, schemas, peak, idle, status, indexes, mif, base, out, nproc, load0, load1 = sys.argv[1:]
s, e, targets = float(s), float(e), int(targets)
conns, rss = [], []
for line in open(os.path.join(work, "samples.txt")):
    p = line.split()
    if len(p) == 3:
        conns.append(int(p[1])); rss.append(int(p[2]))
by = by_verb_resource([r for r in operator_requests(os.path.join(work, "audit.log")) if s <= r[0] < e])
total = sum(by.values())
t, r, st = (status.split() + ["?", "?", "?"])[:3]
result = {"targets": targets, "databases": int(dbs), "schemas_per_database": int(schemas), "rows_per_table": 200,
          "max_in_flight": int(mif), "nproc": int(nproc), "loadavg_before": load0, "loadavg_after": load1,
          "set_status_targets_ready_stalled": [t, r, st], "indexes_in_postgres": int(indexes),
          "all_ready_s": round(e - s, 1), "operator_idle_rss_mib": round(int(idle) / 1024, 1),
          "operator_peak_rss_mib": round(int(peak) / 1024, 1), "pg_connections_max": max(conns or [0]),
          "api_requests_apply_to_ready": total, "api_requests_per_target": round(total / targets, 2),
          "api_requests_by_verb_resource": by}
json.dump(result, open(os.path.join(out, "indexset.json"), "w"), indent=2)
md = ["# PostgresIndexSet at scale (bench/indexset.sh)", "",
      f"- {targets} targets ({dbs} databases x {schemas} schemas, 200 rows each), canary 1, maxInFlight {mif}",
      f"- machine: {nproc} cores, load average {load0} before the apply and {load1} at Ready (a shared machine)",
      f"- apply to Ready: {result['all_ready_s']} s; set status targets/ready/stalled {t}/{r}/{st}; "
      f"{indexes} indexes found in PostgreSQL",
      f"- operator RSS: idle {result['operator_idle_rss_mib']} MiB, peak {result['operator_peak_rss_mib']} MiB",
      f"- PostgreSQL connections held by the operator: at most {result['pg_connections_max']}",
      f"- API requests apply to Ready: {total} ({result['api_requests_per_target']} per target); "
      + ", ".join(f"{k}: {v}" for k, v in list(result['api_requests_by_verb_resource'].items())[:8])]
if os.path.exists(base):
    b = json.load(open(base))
    sc = b.get("scale") or {}
    if sc:
        per = sc.get("api_requests_per_resource_to_ready")
        md += ["", "Compared with the 500-resource run of bench/run.sh (docs/benchmarks.json): "
               f"{sc.get('resources')} PostgresIndex resources Ready in {sc.get('all_ready_s')} s, peak RSS "
               f"{sc.get('operator_peak_rss_mib')} MiB, at most {sc.get('pg_connections_max')} connections"
               + (f", {per} API requests per resource" if per is not None else "") + "."]
open(os.path.join(out, "indexset.md"), "w").write("\n".join(md) + "\n")
print("\n".join(md))
PY
