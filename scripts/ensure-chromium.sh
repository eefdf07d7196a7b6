#!/usr/bin/env sh
# Installs Debian's chromium when it is missing: the console's browser tests drive it headless
# through playwright-core (which downloads no browser of its own).
set -eu

command -v chromium >/dev/null 2>&1 || sh "$(dirname "$0")/apt-install.sh" chromium fonts-dejavu-core
chromium --version
