#!/usr/bin/env bash
# The main job (README's first command, after set-up). Until the browser matrix lands
# (decisions/0001-roadmap.md) it exercises the policy model on the seeds' documented cases.
set -uo pipefail
cd "$(dirname "$0")/.."
cli() { node bin/csp-harness.js "$@"; }
status=0
echo "== Chargebee hosted-page configs (seed 004) → headers"
for f in fixtures/chargebee/configs/*.json; do
  printf '%s\n  ' "$f"
  cli compile --chargebee-config "$f" || status=2
done
echo
echo "== Genesys 'broken icons': the us-east-1 header without data: in img-src"
cli explain --policy "default-src 'self'; script-src 'self' https://apps.mypurecloud.com; img-src 'self' https://apps.mypurecloud.com" \
  --type image --url "data:image/svg+xml;base64,PHN2Zy8+" || status=2
echo
echo "== Velaro: shim.js inserted by the nonce-trusted embed under 'strict-dynamic'"
cli explain --policy "script-src 'nonce-r4nd0m' 'strict-dynamic'" --type script --initiator script \
  --url https://app-cdn.velaro.com/shim.js || status=2
echo
echo "== Provide Support: default-src * overridden by a later script-src"
cli lint --policy "default-src *; script-src 'self'; img-src * data:"
echo
[ "$status" -eq 0 ] && echo "main job: done" || echo "main job: a command failed (exit $status)"
exit "$status"
