#!/bin/sh
# Records the classes the operator loads when it starts into a class data sharing archive, with the JVM and the
# settings it will run with (an archive made by another JVM build is ignored). There is no API server to reach, so
# the start fails once it has loaded nearly all it loads in a cluster: that is the training.
# Used by Dockerfile.jvm (the image) and bench/run.sh (the benchmark, at the image's settings).
#
# usage: cds-training.sh JVM_OPTIONS_FILE QUARKUS_APP_DIR ARCHIVE
set -u
opts="$1"; app="$2"; archive="$3"
log="$(mktemp)"
env -u KUBECONFIG java @"$opts" -XX:ArchiveClassesAtExit="$archive" -Dquarkus.http.port=0 \
  -Dquarkus.kubernetes-client.api-server-url=https://127.0.0.1:1 \
  -Dquarkus.kubernetes-client.request-retry-backoff-limit=0 \
  -jar "$app/quarkus-run.jar" >"$log" 2>&1
if [ ! -s "$archive" ]; then
  echo "cds-training.sh: no archive written; the training start said:" >&2
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
