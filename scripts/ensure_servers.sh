#!/usr/bin/env bash
# The scale-out tests (make test-scale) start real PostgreSQL, Redis and nginx on loopback: Debian's
# packages postgresql, redis-server and nginx-light. Installs what is missing when we are root and
# apt is there (their services are not started: the tests run their own on free ports); otherwise
# says what to install.
set -euo pipefail
missing=()
{ command -v postgres >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; } || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } || missing+=(nginx-light)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's ${missing[*]} for the scale-out tests..." >&2
  apt-get update -qq >/dev/null
  # policy-rc.d 101: install without starting the system services (the tests start their own).
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "The scale-out tests need Debian's ${missing[*]}: sudo apt-get install ${missing[*]}" >&2
exit 1
