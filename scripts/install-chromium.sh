#!/usr/bin/env bash
# Installs Debian's chromium for the placement sample's live-page test (tests/MusicRecipes.Samples.Tests/Browser),
# which drives it headless. Idempotent: does nothing when chromium is already there.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  echo "chromium: $(chromium --version 2>/dev/null || chromium-browser --version)"
  exit 0
fi

echo "== installing chromium (Debian package)"
# shellcheck source=debian-package.sh
. "$(dirname "$0")/debian-package.sh"
debian_package chromium
chromium --version
