#!/usr/bin/env bash
# Makes a machine ready for csp-harness: npm dependencies and the three browser engines.
# Idempotent: when everything is in place it only checks, in about a second.
#   bash scripts/setup.sh            install what is missing
#   bash scripts/setup.sh --check    only report; exit 2 if something is missing
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'csp-harness setup: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }
check_only=false
[ "${1:-}" = "--check" ] && check_only=true

# --- Node ---------------------------------------------------------------------------------
command -v node >/dev/null || die "Node.js >= 20 is needed and none is on PATH. Install it (Debian: apt-get install nodejs npm) and run this again."
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js >= 20 is needed; this is $(node --version). Install a newer Node and run this again."

# --- npm dependencies (only when package-lock.json changed since the last install) --------
# `npm install`, not `npm ci`: mockttp's optional tls-impersonate cannot install here, so it is
# not in the lock file, and `npm ci` refuses a lock without it. The lock still pins every version.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  $check_only && die "npm dependencies are not installed: run 'bash scripts/setup.sh'."
  say "installing npm dependencies…"
  npm install --no-audit --no-fund --loglevel=error >&2 || die "npm install failed (see above). Check that the npm registry is reachable, then run this again."
fi

# --- Browsers -----------------------------------------------------------------------------
# Playwright's own builds where a user has them; otherwise Debian's chromium, firefox-esr and
# WebKitGTK (MiniBrowser driven by WebKitWebDriver, under Xvfb). See ../shared/design/browsers.md.
pw_dir="${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"
have_pw() { compgen -G "$pw_dir/$1-*" >/dev/null 2>&1; }
minibrowser=""
for m in /usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser /usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser /usr/libexec/webkit2gtk-4.1/MiniBrowser; do
  [ -x "$m" ] && minibrowser="$m" && break
done
missing() {
  local m=()
  { [ -x /usr/bin/chromium ] || have_pw chromium; } || m+=(chromium)
  { [ -x /usr/bin/firefox-esr ] || have_pw firefox; } || m+=(firefox)
  { { [ -x /usr/bin/WebKitWebDriver ] && [ -n "$minibrowser" ] && command -v Xvfb >/dev/null; } || have_pw webkit; } || m+=(webkit)
  echo "${m[@]:-}"
}
need=$(missing)
if [ -n "$need" ]; then
  $check_only && die "browsers missing: $need. Run 'bash scripts/setup.sh' to install them."
  say "browsers missing: $need. Trying Playwright's own builds first…"
  # shellcheck disable=SC2086
  if timeout 300 npx --no-install playwright install $need >/dev/null 2>&1; then
    say "installed Playwright's browsers: $need"
  else
    say "Playwright's browsers cannot be downloaded here; installing Debian's packages instead."
    [ "$(id -u)" -eq 0 ] || die "installing Debian's browsers needs root. Run as root (or with sudo): apt-get update && apt-get install -y chromium firefox-esr webkit2gtk-driver xvfb"
    command -v apt-get >/dev/null || die "no apt-get on this machine: install Chromium, Firefox and WebKitGTK's WebKitWebDriver + MiniBrowser and Xvfb by hand, or Playwright's browsers with 'npx playwright install'."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2 || die "apt-get update failed (see above): is a Debian mirror reachable?"
    apt-get install -y -q chromium firefox-esr webkit2gtk-driver xvfb xauth fonts-dejavu-core >&2 \
      || die "apt-get install failed (see above)."
  fi
  for m in /usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser /usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser /usr/libexec/webkit2gtk-4.1/MiniBrowser; do
    [ -x "$m" ] && minibrowser="$m" && break
  done
  need=$(missing)
  [ -z "$need" ] || die "still missing after installing: $need."
fi
say "ready (node $(node --version); browsers: chromium, firefox, webkit)"
