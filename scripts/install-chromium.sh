#!/usr/bin/env bash
# Installs Debian's chromium for the placement sample's live-page test (tests/MusicRecipes.Samples.Tests/Browser),
# which drives it headless. Idempotent: does nothing when chromium is already there.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  echo "chromium: $(chromium --version 2>/dev/null || chromium-browser --version)"
  exit 0
fi

echo "== installing chromium (Debian package)"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "chromium is missing and this is not root: apt-get install -y chromium"; exit 2; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y --no-install-recommends chromium
fi
chromium --version
