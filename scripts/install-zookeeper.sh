#!/usr/bin/env bash
# Installs the ZooKeeper server from Debian's `zookeeper` package (3.8.x jars under /usr/share/java) for the
# MusicRecipes test kit (src/MusicRecipes.Testing/ZooKeeperTestEnsemble.cs), and prints the classpath it found.
# Idempotent: does nothing but print when the jars are already there; runs `apt-get update` only when the
# package is not known to apt yet.
set -euo pipefail

JAVA_DIR=/usr/share/java

have_server_jar() {
  compgen -G "$JAVA_DIR/zookeeper.jar" >/dev/null || compgen -G "$JAVA_DIR/zookeeper-[0-9]*.jar" >/dev/null
}

if ! have_server_jar; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  if ! apt-cache show zookeeper >/dev/null 2>&1; then
    $SUDO apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq zookeeper >/dev/null
fi

if ! have_server_jar; then
  echo "install-zookeeper: no ZooKeeper server jar in $JAVA_DIR after installing the package" >&2
  exit 1
fi

if ! command -v java >/dev/null 2>&1; then
  echo "install-zookeeper: java is not on PATH (the zookeeper package depends on default-jre)" >&2
  exit 1
fi

# The same search as ZooKeeperClasspath.Find: the version-free link if present, else the highest versioned jar.
pick() {
  local name="$1"
  if [ -f "$JAVA_DIR/$name.jar" ]; then echo "$JAVA_DIR/$name.jar"; return; fi
  compgen -G "$JAVA_DIR/$name-[0-9]*.jar" | sort -V | tail -n 1 || true
}

classpath="$(pick zookeeper)"
for lib in zookeeper-jute slf4j-api slf4j-log4j12 log4j-1.2 netty-buffer netty-codec netty-common netty-handler \
           netty-resolver netty-transport netty-transport-native-epoll netty-transport-native-unix-common \
           metrics-core snappy-java commons-cli commons-io jline audience-annotations; do
  jar="$(pick "$lib")"
  if [ -n "$jar" ]; then classpath="$classpath:$jar"; fi
done

version="$(dpkg-query -W -f='${Version}' zookeeper 2>/dev/null || echo unknown)"
echo "zookeeper package: $version"
echo "classpath: $classpath"
