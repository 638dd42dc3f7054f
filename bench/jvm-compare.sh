#!/usr/bin/env bash
# Start-up and idle memory of the packaged operator under several JVM set-ups, side by side: the JVM's defaults,
# the image's settings (src/main/docker/jvm.options) without and with the class data sharing archive, and the same
# settings on a Java 25 JDK with its ahead-of-time cache (JEP 483/515) instead, when one is installed.
#
#   bench/jvm-compare.sh [runs]     (default 3 runs each; needs target/quarkus-app, kubectl, the control plane)
#
# Each run: launch the JVM, time until every controller logged "controller started" (polled every 10 ms), read the CPU time
# the process used by then and its RSS 10 s later. The control plane is started on free ports for the duration.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
RUNS="${1:-3}"
JAVA25="${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
APP="$ROOT/target/quarkus-app"
[[ -f "$APP/quarkus-run.jar" ]] || { echo "run mvn -B package -DskipTests first" >&2; exit 1; }
WORK="$(mktemp -d /tmp/pgindex-jvm.XXXXXX)"
JAR="$APP/quarkus-run.jar"
log() { echo "jvm-compare: $*" >&2; }
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
export PATH="/usr/local/go/bin:$PATH"
trap 'hack/control-plane.sh stop >/dev/null 2>&1 || true' EXIT
bench_start_control_plane
bench_prepare_operator   # the ServiceAccount's kubeconfig and the shipped JVM_ARGS (jvm.options + trained archive)
export KUBECONFIG="$WORK/operator.kubeconfig"

measure() { # label java args...
  local label="$1" java="$2"; shift 2
  local starts=() cpus=() rsss=()
  for _ in $(seq 1 "$RUNS"); do
    : >"$WORK/op.log"
    local t0 t1 pid
    t0=$(date +%s.%N)
    QUARKUS_HTTP_PORT=0 "$java" "$@" -jar "$APP/quarkus-run.jar" >"$WORK/op.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 3000); do (( $(grep -c "controller started" "$WORK/op.log") >= 3 )) && break; sleep 0.01; done
    t1=$(date +%s.%N)
    cpus+=("$(awk '{print ($14+$15)/100}' /proc/$pid/stat)")
    starts+=("$(python3 -c "print(round($t1-$t0,2))")")
    sleep 10
    rsss+=("$(awk '/^VmRSS/{printf "%.1f", $2/1024}' /proc/$pid/status)")
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
  printf '| %s | %s | %s | %s |\n' "$label" "${starts[*]}" "${cpus[*]}" "${rsss[*]}"
}

echo "| JVM set-up | start to every controller started (s) | CPU time by then (s) | idle RSS after 10 s (MiB) |"
echo "|---|---|---|---|"
measure "Java 17, JVM defaults" java
measure "Java 17, jvm.options, no archive" java "@src/main/docker/jvm.options"
measure "Java 17, jvm.options + class data sharing (shipped)" java "${JVM_ARGS[@]}"
if [[ -x "$JAVA25" ]]; then
  # the same settings; the cache is recorded by a training start as the archive above is
  ( env -u KUBECONFIG "$JAVA25" @src/main/docker/jvm.options -XX:AOTCacheOutput="$WORK/app25.aot" \
      -Dquarkus.http.port=0 -Dquarkus.kubernetes-client.api-server-url=https://127.0.0.1:1 \
      -Dquarkus.kubernetes-client.request-retry-backoff-limit=0 -jar "$APP/quarkus-run.jar" >"$WORK/aot.log" 2>&1 || true )
  measure "Java 25, jvm.options + AOT cache" "$JAVA25" "@src/main/docker/jvm.options" "-XX:AOTCache=$WORK/app25.aot"
fi
echo "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); work directory $WORK)"
