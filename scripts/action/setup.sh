#!/usr/bin/env bash
# The action's set-up step: scripts/setup.sh (npm dependencies, then Playwright's browsers, else
# Debian's), as root where the runner has sudo — installing Debian's browsers needs it.
set -euo pipefail
root="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}"
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
  sudo -E bash "$root/scripts/setup.sh"
else
  bash "$root/scripts/setup.sh"
fi
