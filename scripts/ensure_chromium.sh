#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (no browser download: Playwright only gets executable_path).
# Installs it with apt when missing and we are root; otherwise says what to install.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  command -v chromium >/dev/null && exit 0
fi
echo "The browser tests need Chromium: install Debian's package with 'sudo apt-get install chromium'." >&2
exit 1
