#!/usr/bin/env bash
# The action's summary step: the Markdown matrix (report.md) into the job's step summary.
set -euo pipefail
out="${INPUT_OUT:-csp-report}"
summary="${GITHUB_STEP_SUMMARY:-/dev/stdout}"
if [ -f "$out/report.md" ]; then
  cat "$out/report.md" >> "$summary"
else
  echo "csp-harness wrote no report.md in $out: see the run step's log." >> "$summary"
fi
