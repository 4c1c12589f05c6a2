// `csp-harness explain`: would this policy allow this request, and why.
import { DEFAULT_SITE_ORIGIN } from '../site/context.ts';
import { check, isInlineType, isUrlType, REQUEST_TYPES, type CheckRequest } from '../policy/index.ts';
import { suggestFix } from '../policy/advise.ts';
import { oneOf } from '../runner/config.ts';
import { digestsOf } from '../runner/oracle.ts';
import { flag, parseCommandArgs, stringOption } from './args.ts';
import { EXIT_OK, UsageError } from './errors.ts';
import { fillCopiedPlaceholders, POLICY_OPTIONS, policyTexts } from './policyInput.ts';
import type { Io } from './io.ts';

export const EXPLAIN_HELP = `Usage: csp-harness explain --policy <value> --type <type> [--url <url>] [options]

Says whether the candidate policy allows one request, which directive decided, and why —
the spec oracle of CSP Level 3, without a browser.

  --policy <value>        policy in header syntax; repeat for several policies (all must allow)
  --policy-file <path>    a file holding the header value (may span lines)
  --report-only           treat the policies as Content-Security-Policy-Report-Only
  --type <type>           ${REQUEST_TYPES.join(' ')}
  --url <url>             the resource's URL (relative URLs resolve against --origin)
  --origin <url>          the page's origin (default ${DEFAULT_SITE_ORIGIN})
  --initiator <who>       parser (a <script> in the HTML, default) | script (inserted by a script)
  --nonce <n>             the element's nonce attribute
  --content <text>        inline script/style text or attribute value (hashes are computed from it)
  --lenient               run a malformed policy as browsers would, ignoring bad tokens
  --json                  print { allowed, effectiveDirective, decidedBy, explanation, fix, policies }

A policy copied from a scenario or \`csp-harness vendors\` may hold run's placeholders:
'nonce-{{nonce}}' is the response's nonce (the element carries it when --nonce gives it), and
{{inline-hashes}} the hash of the --content text.

Exit codes: 0 answered (allowed or not), 2 bad input.
Example: csp-harness explain --policy "img-src 'self'" --type image --url "data:image/png;base64,AA=="`;

export function explainCommand(argv: string[], io: Io): number {
  const args = parseCommandArgs('explain', argv, {
    ...POLICY_OPTIONS,
    'report-only': { type: 'boolean' },
    type: { type: 'string' },
    url: { type: 'string' },
    origin: { type: 'string' },
    initiator: { type: 'string' },
    nonce: { type: 'string' },
    content: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (flag(args, 'help')) {
    io.out(EXPLAIN_HELP);
    return EXIT_OK;
  }
  const content = stringOption(args, 'content');
  const nonce = stringOption(args, 'nonce');
  const { shown, notes, load } = fillCopiedPlaceholders(policyTexts('explain', args), { nonce, content });
  for (const note of notes) io.err(`csp-harness: note: ${note}`);
  const typeArg = stringOption(args, 'type');
  if (!typeArg) throw new UsageError('CSPH_NO_TYPE', `explain: give the request's --type (one of: ${REQUEST_TYPES.join(', ')}).`);
  const type = oneOf('explain', 'type', typeArg, REQUEST_TYPES);
  const initiatorArg = stringOption(args, 'initiator');
  const initiator = initiatorArg === undefined ? undefined : oneOf('explain', 'initiator', initiatorArg, ['parser', 'script'] as const);
  const url = stringOption(args, 'url');
  if (isUrlType(type) && !url) throw new UsageError('CSPH_NO_URL', `explain: a ${type} request needs --url <url>.`);
  if (isInlineType(type) && content === undefined) {
    io.err(`csp-harness: note: no --content given for ${type}: hashes cannot match, only nonces and 'unsafe-inline'.`);
  }
  const { policies, diagnostics } = load(flag(args, 'report-only') ? 'report' : 'enforce', 'header', flag(args, 'lenient'));
  const request: CheckRequest = {
    type,
    url: isUrlType(type) ? url : undefined,
    origin: stringOption(args, 'origin') ?? DEFAULT_SITE_ORIGIN,
    initiator,
    nonce,
    content,
    digests: content === undefined ? undefined : digestsOf(content),
  };
  const verdict = check(policies, request);
  if ('error' in verdict) throw new UsageError('CSPH_BAD_REQUEST', `explain: ${verdict.error}.`);
  const blocking = verdict.policies.find((v) => v.disposition === 'enforce' && !v.allowed) ?? verdict.policies.find((v) => !v.allowed);
  const fix = blocking ? suggestFix(policies[blocking.index]!, blocking, request) : null;
  if (flag(args, 'json')) {
    io.out(shown(JSON.stringify({ ...verdict, fix, warnings: diagnostics.map((d) => d.diagnostic.message) }, null, 2)));
    return EXIT_OK;
  }
  for (const d of diagnostics) io.err(`csp-harness: ${d.diagnostic.severity}: ${shown(d.diagnostic.message)}`);
  io.out(shown(verdict.explanation));
  if (verdict.reported) io.out('A report-only policy would report it.');
  if (fix) io.out(shown(`Fix: ${fix.advice}\n  → ${fix.result}`));
  return EXIT_OK;
}
