// `csp-harness lint`: static findings (Google's csp_evaluator plus our own).
import { lintPolicy, type LintFinding } from '../policy/index.ts';
import { flag, parseCommandArgs } from './args.ts';
import { EXIT_FAIL, EXIT_OK } from './errors.ts';
import { fillCopiedPlaceholders, POLICY_OPTIONS, policyTexts } from './policyInput.ts';
import type { Io } from './io.ts';

export const LINT_HELP = `Usage: csp-harness lint --policy <value> [--json]

Static findings on a policy: Google's csp_evaluator, plus csp-harness's own checks where it is
silent (malformed nonces and hashes, 'unsafe-inline' made void, directives that override
default-src, '*' and data:, …).

  --policy <value>        policy in header syntax (repeatable)
  --policy-file <path>    a file holding the header value
  --lenient               lint a malformed policy anyway (its syntax errors become findings)
  --json                  print { "findings": [ { severity, directive, message, … } ] }

Exit codes: 0 no error finding, 1 at least one error finding, 2 bad input (a malformed policy
without --lenient).`;

const MARK: Record<LintFinding['severity'], string> = { error: '✗ error  ', warning: '! warning', info: '· info   ' };

export function lintCommand(argv: string[], io: Io): number {
  const args = parseCommandArgs('lint', argv, {
    ...POLICY_OPTIONS,
    json: { type: 'boolean' },
  });
  if (flag(args, 'help')) {
    io.out(LINT_HELP);
    return EXIT_OK;
  }
  // A copied policy's 'nonce-{{nonce}}' is a per-response nonce: linted as one.
  const { texts, shown, load } = fillCopiedPlaceholders(policyTexts('lint', args));
  load('enforce', 'header', flag(args, 'lenient'));
  const findings = texts.flatMap((t) => lintPolicy(t.value)).map((f) => ({ ...f, message: shown(f.message) }));
  const failed = findings.some((f) => f.severity === 'error');
  if (flag(args, 'json')) {
    io.out(shown(JSON.stringify({ findings }, null, 2)));
  } else if (findings.length === 0) {
    io.out('No findings.');
  } else {
    for (const f of findings) io.out(`${MARK[f.severity]} ${f.directive ? `${f.directive}: ` : ''}${f.message}`);
    const count = (s: LintFinding['severity']) => findings.filter((f) => f.severity === s).length;
    io.out(`\n${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info`);
  }
  return failed ? EXIT_FAIL : EXIT_OK;
}
