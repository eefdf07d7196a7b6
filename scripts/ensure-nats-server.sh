#!/usr/bin/env sh
# Installs nats-server from the distribution when it is missing (tests and the local child need it).
set -eu

command -v nats-server >/dev/null 2>&1 || sh "$(dirname "$0")/apt-install.sh" nats-server
nats-server --version
