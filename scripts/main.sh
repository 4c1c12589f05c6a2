#!/usr/bin/env bash
# The main job (README's first command, after set-up): the full matrix — every bundled vendor,
# feature, documented policy and troubleshooting row (scenarios/) in Chromium, Firefox and WebKit.
# Exit code: csp-harness run's (0 = every cell as its scenario expects).
set -uo pipefail
cd "$(dirname "$0")/.."
out="${CSP_HARNESS_OUT:-csp-report}"
started=$(date +%s)
node bin/csp-harness.js run scenarios/ --reporter terminal,json,junit,markdown,html --out "$out"
status=$?
echo
echo "main job: $(( $(date +%s) - started )) s wall time (the full matrix, three engines)"
case "$out" in /*) dir="$out" ;; *) dir="$(pwd)/$out" ;; esac
echo "HTML report: $dir/report.html"
exit "$status"
