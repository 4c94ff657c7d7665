#!/usr/bin/env bash
# Builds, on this machine, the images of the container test kit (src/MusicRecipes.Testing.Containers):
#
#   musicrecipes/test-base:bookworm     Debian bookworm (debootstrap, minbase) with Java 17, Debian's zookeeper
#                                       package, iptables, iproute2 and procps
#   musicrecipes/test-zookeeper:3.8     the base with a launcher (scripts/test-images/zookeeper)
#   musicrecipes/test-cassandra:2.1.0   the base with Cassandra 2.1.0 from scripts/install-cassandra.sh
#                                       (scripts/test-images/cassandra)
#
# Nothing is pulled: our machines reach no image registry, only Debian, npm and NuGet. The base is made with
# debootstrap from the Debian mirror apt uses here and `docker import`ed; the two others are `docker build`s FROM it.
# Idempotent: each image carries a label with the hash of what it was built from (this script, its package list,
# the files under scripts/test-images), and is rebuilt only when that hash changed or the image is missing.
#
# Usage: scripts/build-test-images.sh            (needs a running Docker daemon and root for debootstrap)
#   MUSIC_DEBIAN_MIRROR overrides the mirror (default: the first Debian URI of apt's sources).
set -euo pipefail
cd "$(dirname "$0")/.."

base_image="musicrecipes/test-base:bookworm"
zookeeper_image="musicrecipes/test-zookeeper:3.8"
cassandra_image="musicrecipes/test-cassandra:2.1.0"
label="org.musicrecipes.recipe"
packages="openjdk-17-jre-headless,zookeeper,iptables,iproute2,procps"

command -v docker >/dev/null || { echo "build-test-images: docker is not installed" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "build-test-images: the Docker daemon does not answer (docker info failed)" >&2; exit 1; }

cleanup=()
trap 'rm -rf "${cleanup[@]}"' EXIT

hash_of() { sha256sum | cut -c1-16; }
recipe_of() { docker image inspect --format "{{ index .Config.Labels \"$label\" }}" "$1" 2>/dev/null || true; }

base_recipe="$( (echo "$packages"; sed -n '/^build_base()/,/^}/p' "$0") | hash_of)"
zookeeper_recipe="$( (echo "$base_recipe"; cat scripts/test-images/zookeeper/*) | hash_of)"
cassandra_recipe="$( (echo "$base_recipe"; cat scripts/test-images/cassandra/*; echo apache-cassandra-2.1.0) | hash_of)"

mirror() {
  if [[ -n "${MUSIC_DEBIAN_MIRROR:-}" ]]; then echo "$MUSIC_DEBIAN_MIRROR"; return; fi
  local uri
  uri="$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
    | grep -v security | head -n 1 | sed -E 's/^URIs:[[:space:]]*//; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//' | awk '{print $1}')"
  echo "${uri:-http://deb.debian.org/debian}"
}

build_base() {
  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  local rootfs
  rootfs="$(mktemp -d /var/tmp/musicrecipes-rootfs.XXXXXX)"
  cleanup+=("$rootfs")
  echo "build-test-images: debootstrap bookworm from $(mirror) (about a minute)"
  debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" "$(mirror)" >/tmp/musicrecipes-debootstrap.log 2>&1 \
    || { tail -n 30 /tmp/musicrecipes-debootstrap.log >&2; exit 1; }
  # The image needs no package cache, documentation or locales: ~200 MB less to import.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
  tar -C "$rootfs" -c . | docker import \
    --change "LABEL $label=$base_recipe" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - "$base_image" >/dev/null
}

build_layer() {
  local image="$1" recipe="$2" context="$3"
  # The output goes to a log shown only on failure (the legacy builder also warns that it is deprecated).
  docker build --quiet --build-arg "BASE=$base_image" --label "$label=$recipe" -t "$image" "$context" >/tmp/musicrecipes-docker-build.log 2>&1 \
    || { cat /tmp/musicrecipes-docker-build.log >&2; exit 1; }
}

if [[ "$(recipe_of "$base_image")" == "$base_recipe" ]]; then
  echo "build-test-images: $base_image is up to date"
else
  build_base
  echo "build-test-images: built $base_image"
fi

if [[ "$(recipe_of "$zookeeper_image")" == "$zookeeper_recipe" ]]; then
  echo "build-test-images: $zookeeper_image is up to date"
else
  build_layer "$zookeeper_image" "$zookeeper_recipe" scripts/test-images/zookeeper
  echo "build-test-images: built $zookeeper_image"
fi

if [[ "$(recipe_of "$cassandra_image")" == "$cassandra_recipe" ]]; then
  echo "build-test-images: $cassandra_image is up to date"
else
  bash scripts/install-cassandra.sh >/dev/null
  home="${MUSIC_CASSANDRA_HOME:-}"
  for candidate in "$home" "${MUSIC_CASSANDRA_ROOT:-/nonexistent}/apache-cassandra-2.1.0" \
                   /opt/musicrecipes/cassandra/apache-cassandra-2.1.0 "$HOME/.cache/musicrecipes/cassandra/apache-cassandra-2.1.0"; do
    if [[ -n "$candidate" && -f "$candidate/lib/apache-cassandra-2.1.0.jar" ]]; then home="$candidate"; break; fi
  done
  [[ -f "$home/lib/apache-cassandra-2.1.0.jar" ]] || { echo "build-test-images: Cassandra 2.1.0 not found after install" >&2; exit 1; }
  context="$(mktemp -d /var/tmp/musicrecipes-cassandra-image.XXXXXX)"
  cleanup+=("$context")
  cp scripts/test-images/cassandra/* "$context/"
  # Only what the node runs: the jars and the default configuration (the kit writes its own cassandra.yaml).
  mkdir -p "$context/apache-cassandra"
  cp -r "$home/lib" "$home/conf" "$context/apache-cassandra/"
  build_layer "$cassandra_image" "$cassandra_recipe" "$context"
  echo "build-test-images: built $cassandra_image"
fi
