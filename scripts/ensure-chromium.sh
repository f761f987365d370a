#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (no browser download works on these machines).
# Installs it with apt when it is missing, so `npm install && npm test` works on a fresh machine.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$chromium" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing at $chromium: install Debian's chromium package (apt-get install -y chromium) or set CHROMIUM_PATH" >&2
  exit 1
fi
echo "Installing Debian's chromium for the browser tests…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
