#!/usr/bin/env bash
# Makes a machine ready for csp-harness: npm dependencies, the three browser engines, and Java for the
# Selenium Grid that test/remoteEngines.e2e.test.ts runs.
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
# @nightwatch/selenium-server's install script downloads the jar its tarball already holds, and fails
# offline: package.json's allowScripts turns it off, which npm 11.16 and later read. An older npm gets
# --ignore-scripts (the only other install script, esbuild's, just swaps its JS launcher for the binary).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  $check_only && die "npm dependencies are not installed: run 'bash scripts/setup.sh'."
  say "installing npm dependencies…"
  npm_flags=""
  node -e 'const [a, b] = process.argv[1].split(".").map(Number); process.exit(a > 11 || (a === 11 && b >= 16) ? 0 : 1)' "$(npm --version)" || npm_flags="--ignore-scripts"
  # shellcheck disable=SC2086
  npm install $npm_flags --no-audit --no-fund --loglevel=error >&2 || die "npm install failed (see above). Check that the npm registry is reachable, then run this again."
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
# --- Java (the Selenium Grid of the remote-engine test; the jar ships in @nightwatch/selenium-server) --
if ! command -v java >/dev/null; then
  $check_only && die "java is missing (the Selenium Grid test needs it). Run 'bash scripts/setup.sh' to install it."
  [ "$(id -u)" -eq 0 ] || die "installing Java needs root. Run as root (or with sudo): apt-get update && apt-get install -y default-jre-headless"
  command -v apt-get >/dev/null || die "no apt-get on this machine: install a Java runtime (11 or newer) by hand."
  say "java missing: installing Debian's default-jre-headless…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2 || die "apt-get update failed (see above): is a Debian mirror reachable?"
  apt-get install -y -q default-jre-headless >&2 || die "apt-get install failed (see above)."
  command -v java >/dev/null || die "still no java after installing default-jre-headless."
fi
say "ready (node $(node --version); browsers: chromium, firefox, webkit; $(java -version 2>&1 | head -n 1))"
