#!/bin/sh
# Records the classes the operator loads when it starts into a class data sharing archive, with the JVM and the
# settings it will run with (an archive made by another JVM build is ignored).
#
# The training is a real start, twice: the operator runs against a stand-in API server (TrainingApiServer, in the
# operator's own jar, JDK classes only) over TLS with a throw-away self-signed key, lists and watches as in a
# cluster, runs its warm-up, and is then stopped. The first start writes the names of the classes it loaded from the
# jars; the second links them (the JVM archives only linked classes, and a start leaves many loaded but unlinked,
# the Kubernetes model among them) and writes the archive as it exits. So the TLS handshake, the HTTP client, the
# informers, the Kubernetes model and the JDBC driver load from the archive at start, not from the jars.
# Used by Dockerfile.jvm (the image) and bench/lib.sh (the benchmark, at the image's settings).
#
# usage: cds-training.sh JVM_OPTIONS_FILE QUARKUS_APP_DIR ARCHIVE
set -u
opts="$1"; app="$2"; archive="$3"
dir="$(mktemp -d)"
java_bin="$(command -v java)"
keytool_bin="$(dirname "$(readlink -f "$java_bin")")/keytool"
api="" op=""
fail() {
  echo "cds-training.sh: $1; the training start said:" >&2
  cat "$dir/operator.log" "$dir/api.log" >&2 2>/dev/null
  [ -n "$op" ] && kill "$op" 2>/dev/null
  [ -n "$api" ] && kill "$api" 2>/dev/null
  rm -rf "$dir"
  exit 1
}
"$keytool_bin" -genkeypair -alias training -keyalg RSA -keysize 2048 -validity 1 -dname CN=localhost \
  -ext SAN=ip:127.0.0.1 -storetype PKCS12 -keystore "$dir/api.p12" -storepass training >/dev/null 2>&1 \
  || fail "keytool could not make the training key"
java -Xshare:off -cp "$(ls "$app"/app/*.jar | head -n 1)" dev.pgindex.operator.startup.TrainingApiServer \
  "$dir/api.p12" training >"$dir/api.port" 2>"$dir/api.log" &
api=$!
i=0
while [ ! -s "$dir/api.port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
port="$(head -n 1 "$dir/api.port")"
[ -n "$port" ] || fail "the stand-in API server did not start"

# configured as a pod is (the API server from KUBERNETES_SERVICE_HOST and _PORT, a ServiceAccount token file and the
# cluster CA file, no kubeconfig), so that the TLS trust of a CA file is what gets trained
"$keytool_bin" -exportcert -rfc -alias training -keystore "$dir/api.p12" -storepass training -file "$dir/ca.crt" \
  >/dev/null 2>&1 || fail "keytool could not export the training certificate"
printf training >"$dir/token"

# one start: all three controllers started, then the warm-up (it begins 2 s after start), then stop
start() {
  env -u KUBECONFIG KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT="$port" \
    KUBERNETES_AUTH_TRYKUBECONFIG=false KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN="$dir/token" \
    KUBERNETES_CERTS_CA_FILE="$dir/ca.crt" KUBERNETES_NAMESPACE=training java @"$opts" "$@" -Dquarkus.http.port=0 \
    -jar "$app/quarkus-run.jar" >"$dir/operator.log" 2>&1 &
  op=$!
  i=0
  while [ "$(grep -c "controller started" "$dir/operator.log")" -lt 3 ] && [ $i -lt 1200 ]; do
    kill -0 "$op" 2>/dev/null || fail "the operator stopped during the training start"
    sleep 0.1; i=$((i + 1))
  done
  [ $i -lt 1200 ] || fail "the controllers did not start within 120 s"
  sleep 8
  kill -TERM "$op"
  wait "$op"
  op=""
}
start -Xlog:class+load=info:file="$dir/loaded.log"
grep -E 'source: (file|jar):' "$dir/loaded.log" | awk '{print $2}' | grep -v '/' >"$dir/classes.txt"
[ -s "$dir/classes.txt" ] || fail "the first start loaded no class from a jar"
start -XX:ArchiveClassesAtExit="$archive" -Dcds-training.class-list="$dir/classes.txt"
kill "$api" 2>/dev/null
wait "$api" 2>/dev/null
[ -s "$archive" ] || fail "no archive written"
rm -rf "$dir"
