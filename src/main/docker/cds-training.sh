#!/bin/sh
# Records the classes the operator loads when it starts into a class data sharing archive, with the JVM and the
# settings it will run with (an archive made by another JVM build is ignored).
#
# The training is a real start: the operator runs against a stand-in API server (TrainingApiServer, in the operator's
# own jar, JDK classes only) over TLS with a throw-away self-signed key, lists and watches as in a cluster, runs its
# warm-up, and is then stopped; the archive is written as the JVM exits. So the TLS handshake, the HTTP client, the
# informers and the JDBC driver load from the archive at start, not from the jars.
# Used by Dockerfile.jvm (the image) and bench/lib.sh (the benchmark, at the image's settings).
#
# usage: cds-training.sh JVM_OPTIONS_FILE QUARKUS_APP_DIR ARCHIVE
set -u
opts="$1"; app="$2"; archive="$3"
dir="$(mktemp -d)"
java_bin="$(command -v java)"
keytool_bin="$(dirname "$(readlink -f "$java_bin")")/keytool"
fail() {
  echo "cds-training.sh: $1; the training start said:" >&2
  cat "$dir/operator.log" "$dir/api.log" >&2 2>/dev/null
  kill "$api" "$op" 2>/dev/null
  rm -rf "$dir"
  exit 1
}
api="" op=""
"$keytool_bin" -genkeypair -alias training -keyalg RSA -keysize 2048 -validity 1 -dname CN=localhost \
  -ext SAN=ip:127.0.0.1 -storetype PKCS12 -keystore "$dir/api.p12" -storepass training >/dev/null 2>&1 \
  || fail "keytool could not make the training key"
java -Xshare:off -cp "$(ls "$app"/app/*.jar | head -n 1)" dev.pgindex.operator.ship.TrainingApiServer \
  "$dir/api.p12" training >"$dir/api.port" 2>"$dir/api.log" &
api=$!
i=0
while [ ! -s "$dir/api.port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
port="$(head -n 1 "$dir/api.port")"
[ -n "$port" ] || fail "the stand-in API server did not start"

env -u KUBECONFIG java @"$opts" -XX:ArchiveClassesAtExit="$archive" -Dquarkus.http.port=0 \
  -Dquarkus.kubernetes-client.api-server-url="https://127.0.0.1:$port" \
  -Dquarkus.kubernetes-client.trust-certs=true -Dquarkus.kubernetes-client.token=training \
  -Dquarkus.kubernetes-client.namespace=training \
  -jar "$app/quarkus-run.jar" >"$dir/operator.log" 2>&1 &
op=$!
# both controllers started, then the warm-up (it begins 2 s after start), then stop
i=0
while [ "$(grep -c "controller started" "$dir/operator.log")" -lt 2 ] && [ $i -lt 1200 ]; do
  kill -0 "$op" 2>/dev/null || fail "the operator stopped during the training start"
  sleep 0.1; i=$((i + 1))
done
[ $i -lt 1200 ] || fail "the controllers did not start within 120 s"
sleep 6
kill -TERM "$op"
wait "$op"
kill "$api" 2>/dev/null
wait "$api" 2>/dev/null
[ -s "$archive" ] || fail "no archive written"
rm -rf "$dir"
