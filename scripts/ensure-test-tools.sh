#!/usr/bin/env bash
# The tests drive real engines from Debian's packages (no downloads other than apt work here):
# Chromium for the browser tests, R and PSPP to read exports back, xmllint to validate ODM against
# the official XSD, Redis Sentinel for the failover test, docker-compose to parse the compose file.
# Installs whatever is missing with apt, so `npm install && npm test` works on a fresh machine.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
declare -A needed=(
  ["$chromium"]=chromium
  [Rscript]=r-base-core
  [pspp]=pspp
  [xmllint]=libxml2-utils
  [redis-sentinel]=redis-sentinel
  [docker-compose]=docker-compose
)
missing=()
for tool in "${!needed[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${needed[$tool]}")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing test tools; install Debian's packages: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian's ${missing[*]} for the tests…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
