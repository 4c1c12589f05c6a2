#!/usr/bin/env bash
# The action's run step: its inputs (INPUT_* variables) become `csp-harness run` arguments. Prints
# the command it runs, writes `exit-code` and `report` to $GITHUB_OUTPUT, and exits with the run's code.
set -uo pipefail
root="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}"
out="${INPUT_OUT:-csp-report}"
args=(run)
[ -n "${INPUT_POLICY_FILE:-}" ] && args+=(--policy-file "$INPUT_POLICY_FILE")
[ -n "${INPUT_VENDORS:-}" ] && args+=(--vendor "$INPUT_VENDORS")
for dir in $(printf '%s' "${INPUT_VENDOR_DIRS:-}" | tr ',\n' '  '); do args+=(--vendor-dir "$dir"); done
[ -n "${INPUT_SITE:-}" ] && args+=(--site "$INPUT_SITE")
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
args+=(--browser "${INPUT_BROWSERS:-chromium,firefox,webkit}")
# json for the outputs, markdown for the step summary: always written, whatever else was asked.
reporters=$(printf '%s' "${INPUT_REPORTERS:-terminal,json,junit,markdown,html},json,markdown" | tr ',' '\n' | sed '/^$/d' | awk '!seen[$0]++' | paste -sd, -)
args+=(--reporter "$reporters" --out "$out")
echo "csp-harness ${args[*]}"
node "$root/bin/csp-harness.js" "${args[@]}"
code=$?
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "exit-code=$code" >> "$GITHUB_OUTPUT"
  echo "report=$out/report.json" >> "$GITHUB_OUTPUT"
fi
exit "$code"
