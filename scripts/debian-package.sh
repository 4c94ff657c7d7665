# Sourced by the scripts that need a Debian package: debian_package PACKAGE... installs the packages with apt-get
# (through sudo when not root), refreshing the package lists only if a first attempt fails. Exits 2 with the command
# to run by hand when it cannot install.
debian_package() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "missing and this is not root: apt-get install -y $*"; exit 2; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1; then
    $sudo apt-get update -qq
    $sudo apt-get install -y --no-install-recommends "$@"
  fi
}
