#!/usr/bin/env sh
# Installs Debian packages with apt, as root or through sudo: `sh scripts/apt-install.sh PACKAGE...`.
# Used by the ensure-*.sh scripts when a tool the engine or its tests need is missing.
set -eu

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "$* missing and this user cannot install packages: install as root (apt-get install $*)" >&2
  exit 1
fi
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
