#!/usr/bin/env bash
# Installs Debian's Chromium for test/report/browser.test.ts (playwright-core drives it and never
# downloads a browser of its own). Idempotent: does nothing when /usr/bin/chromium exists.
# Needs root (CI runs as root); sudo is used when present and we are not root.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present) at /usr/bin/chromium"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "chromium: installed $(/usr/bin/chromium --version 2>/dev/null || true)"
