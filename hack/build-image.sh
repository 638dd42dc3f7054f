#!/usr/bin/env bash
# Builds the operator's container image without a registry or a Docker daemon:
#
#   1. a Java 17 base image made from Debian packages with mmdebstrap (openjdk-17-jre-headless, ca-certificates and
#      what they depend on; no apt, no docs), with a passwd/group entry for UID/GID 185, the chart's runAsUser;
#   2. the operator image on top of it from src/main/docker/Dockerfile.jvm (the same recipe users build elsewhere,
#      with BASE_IMAGE pointed at the base), by podman;
#   3. an OCI archive of it, which `ctr -n k8s.io images import` (hack/node.sh) loads into containerd.
#
# Everything is written outside the repository, into ${PGINDEX_CACHE:-~/.cache/pgindex-operator}/image/:
#   jre17-base.tar                  the base root file system (reused until --rebuild-base)
#   pgindex-operator.oci.tar        the operator image (OCI archive)
#   pgindex-operator.txt            what is in it: image reference, size, layers, Java and Debian package versions
#
# Usage: hack/build-image.sh [--skip-package] [--rebuild-base]
#   --skip-package   use target/quarkus-app as it is (default: `mvn -B package -DskipTests` first)
#   --rebuild-base   build the base again (new Debian security updates)
#
# Environment:
#   PGINDEX_CACHE          cache root (default $HOME/.cache/pgindex-operator)
#   PGINDEX_IMAGE          operator image reference (default localhost/pgindex-operator:dev)
#   PGINDEX_DEBIAN_MIRROR  Debian mirror (default http://deb.debian.org/debian; the security suite comes from
#                          ${mirror}-security)
#   PGINDEX_BUILD_NICE     nice level for the Maven and image builds (default 10)
#
# Needs (Debian 12 packages): mmdebstrap, podman (runs rootful; `apt-get install mmdebstrap podman`).
# Prints the archive path as the last line of stdout.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_ROOT="${PGINDEX_CACHE:-$HOME/.cache/pgindex-operator}"
IMAGE_DIR="$CACHE_ROOT/image"
BASE_TAR="$IMAGE_DIR/jre17-base.tar"
BASE_REF="localhost/pgindex-jre-base:17-bookworm"
IMAGE_REF="${PGINDEX_IMAGE:-localhost/pgindex-operator:dev}"
ARCHIVE="$IMAGE_DIR/pgindex-operator.oci.tar"
MIRROR="${PGINDEX_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
NICE="${PGINDEX_BUILD_NICE:-10}"
APP_UID=185

log() { echo "build-image: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

package=1 rebuild_base=0
for arg in "$@"; do
  case "$arg" in
    --skip-package) package=0 ;;
    --rebuild-base) rebuild_base=1 ;;
    *) die "unknown argument $arg (usage: $0 [--skip-package] [--rebuild-base])" ;;
  esac
done

for tool in mmdebstrap podman; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found: apt-get install -y mmdebstrap podman"
done
[[ "$(id -u)" == 0 ]] || die "run as root (mmdebstrap and rootful podman)"
mkdir -p "$IMAGE_DIR"

# The host's quirks (see docs/image-and-node.md): crun 1.8 refuses hybrid cgroups, so runc with cgroupfs; root
# may not raise RLIMIT_NOFILE above 20000, so the container default is at most that.
export CONTAINERS_CONF="$IMAGE_DIR/containers.conf"
cat >"$CONTAINERS_CONF" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
EOF

start=$SECONDS

# --- 1. the base -------------------------------------------------------------------------------------------------
if ((rebuild_base)) || [[ ! -s "$BASE_TAR" ]]; then
  log "building the Java 17 base from Debian bookworm packages ($MIRROR)"
  t=$SECONDS
  # variant essential: only Essential: yes packages plus the includes and their dependencies (no apt).
  # Documentation and locales are left out, copyright files kept. Man pages are removed afterwards: excluding
  # them breaks the JRE's postinst (update-alternatives links java.1.gz into /usr/share/man/man1).
  # Merged /usr through mmdebstrap's hook (directory symlinks, as debootstrap makes them) rather than the usrmerge
  # package, which would pull in perl (about 25 MiB) for a one-time conversion.
  nice -n "$NICE" mmdebstrap --quiet --variant=essential --format=tar \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --include=openjdk-17-jre-headless,ca-certificates \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook="echo 'default:x:$APP_UID:$APP_UID:pgindex-operator:/home/default:/usr/sbin/nologin' >>\"\$1/etc/passwd\"" \
    --customize-hook="echo 'default:x:$APP_UID:' >>\"\$1/etc/group\"" \
    --customize-hook="chroot \"\$1\" dpkg-query -W -f '\${Package} \${Version}\n' >\"$IMAGE_DIR/jre17-base.packages\"" \
    --customize-hook='rm -rf "$1"/usr/share/man/* "$1"/var/cache/* "$1"/var/lib/apt/lists/* "$1"/var/log/*' \
    bookworm "$BASE_TAR.tmp" \
    "deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" "deb $MIRROR-security bookworm-security main" \
    >"$IMAGE_DIR/mmdebstrap.log" 2>&1 || { tail -n 30 "$IMAGE_DIR/mmdebstrap.log" >&2; die "mmdebstrap failed"; }
  mv -f "$BASE_TAR.tmp" "$BASE_TAR"
  podman rmi -f "$BASE_REF" >/dev/null 2>&1 || true
  log "base built in $((SECONDS - t))s: $(du -m "$BASE_TAR" | cut -f1) MiB"
fi
if ! podman image exists "$BASE_REF"; then
  podman import --quiet --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$BASE_TAR" "$BASE_REF" >/dev/null || die "podman import failed"
fi

# --- 2. the operator image -----------------------------------------------------------------------------------------
cd "$REPO_DIR"
if ((package)); then
  log "mvn -B package -DskipTests"
  nice -n "$NICE" mvn -B -ntp -q package -DskipTests >&2 || die "mvn package failed"
fi
[[ -s target/quarkus-app/quarkus-run.jar ]] || die "target/quarkus-app/quarkus-run.jar missing (run without --skip-package)"

log "podman build -f src/main/docker/Dockerfile.jvm --build-arg BASE_IMAGE=$BASE_REF -t $IMAGE_REF"
# Only the fast-jar is sent as the build context's content that matters; the rest of the repository is ignored.
ignore="$IMAGE_DIR/build.ignore"
printf '%s\n' '*' '!target/quarkus-app' '!src/main/docker/jvm.options' '!src/main/docker/cds-training.sh' >"$ignore"
previous="$(podman image inspect --format '{{.Id}}' "$IMAGE_REF" 2>/dev/null || true)"
nice -n "$NICE" podman build --quiet --ignorefile "$ignore" --build-arg "BASE_IMAGE=$BASE_REF" \
  -f src/main/docker/Dockerfile.jvm -t "$IMAGE_REF" . >/dev/null || die "podman build failed"
# the image this one replaces would stay behind untagged; only ours is removed (never a prune of the whole store)
current="$(podman image inspect --format '{{.Id}}' "$IMAGE_REF")"
if [[ -n "$previous" && "$previous" != "$current" ]]; then podman rmi "$previous" >/dev/null 2>&1 || true; fi

# --- 3. the archive ----------------------------------------------------------------------------------------------
rm -f "$ARCHIVE.tmp"
podman save --quiet --format oci-archive -o "$ARCHIVE.tmp" "$IMAGE_REF" || die "podman save failed"
mv -f "$ARCHIVE.tmp" "$ARCHIVE"

# What is in it, for the record (docs/image-and-node.md quotes these numbers).
{
  echo "image:          $IMAGE_REF"
  echo "id:             $(podman image inspect --format '{{.Id}}' "$IMAGE_REF")"
  echo "size:           $(podman image inspect --format '{{.Size}}' "$IMAGE_REF" | awk '{printf "%.0f MiB", $1/1048576}') unpacked, archive $(du -m "$ARCHIVE" | cut -f1) MiB"
  echo "user:           $(podman image inspect --format '{{.Config.User}}' "$IMAGE_REF")"
  echo "entrypoint:     $(podman image inspect --format '{{.Config.Entrypoint}}' "$IMAGE_REF")"
  echo "java:           $(podman run --rm --user "$APP_UID" --read-only --cap-drop=ALL --entrypoint java "$IMAGE_REF" -version 2>&1 | sed -n 2p)"
  echo "passwd:         $(podman run --rm --user "$APP_UID" --read-only --entrypoint sh "$IMAGE_REF" -c 'id; grep :185: /etc/passwd' | paste -sd' ')"
  echo "layers:"
  podman history --format '  {{.Size}}\t{{.CreatedBy}}' "$IMAGE_REF" | cut -c1-140
  echo "debian packages: $(wc -l <"$IMAGE_DIR/jre17-base.packages" 2>/dev/null || echo '?')"
  sed 's/^/  /' "$IMAGE_DIR/jre17-base.packages" 2>/dev/null || true
} >"$IMAGE_DIR/pgindex-operator.txt" 2>&1
sed -n 1,6p "$IMAGE_DIR/pgindex-operator.txt" | sed 's/^/build-image: /' >&2
log "done in $((SECONDS - start))s; contents listed in $IMAGE_DIR/pgindex-operator.txt"
echo "$ARCHIVE"
