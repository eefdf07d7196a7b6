#!/usr/bin/env sh
# Installs nats-server from the distribution when it is missing (tests and the local child need it).
set -eu

if ! command -v nats-server >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "nats-server is missing and this user cannot install packages: install it as root (apt-get install nats-server)" >&2
    exit 1
  fi
  $SUDO apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y nats-server
fi

nats-server --version
