// `csp-harness compile`: a vendor's policy format (seed 004's Chargebee configuration) to one header value.
import { compilePolicySource } from '../runner/policySource.ts';
import { catalogPolicySources, VENDORS } from '../vendors/index.ts';
import { flag, parseCommandArgs, stringOption } from './args.ts';
import { EXIT_OK, UsageError } from './errors.ts';
import type { Io } from './io.ts';

const SOURCES = catalogPolicySources(VENDORS);

export const COMPILE_HELP = `Usage: csp-harness compile ${SOURCES.map((s) => `--${s.flag} <path>`).join(' | ')} [--json]

Validates a vendor's own policy format and prints the one Content-Security-Policy header it makes.

${SOURCES.map((s) => `  --${s.flag} <path>`.padEnd(30) + s.description).join('\n')}
  --json                      print { "header": "…", "warnings": [ … ] }

Exit codes: 0 compiled, 2 the file is missing or invalid (the message names the JSON pointer).`;

export function compileCommand(argv: string[], io: Io): number {
  const args = parseCommandArgs('compile', argv, { ...Object.fromEntries(SOURCES.map((s) => [s.flag, { type: 'string' as const }])), json: { type: 'boolean' } });
  if (flag(args, 'help')) {
    io.out(COMPILE_HELP);
    return EXIT_OK;
  }
  const given = SOURCES.flatMap((source) => {
    const path = stringOption(args, source.flag);
    return path ? [{ source, path }] : [];
  });
  if (given.length !== 1) throw new UsageError('CSPH_NO_CONFIG', `compile: give one file with ${SOURCES.map((s) => `--${s.flag} <path>`).join(' or ')}.`);
  const { header, warnings } = compilePolicySource(given[0]!.source, given[0]!.path);
  if (flag(args, 'json')) {
    io.out(JSON.stringify({ header, warnings }, null, 2));
    return EXIT_OK;
  }
  for (const w of warnings) io.err(`csp-harness: warning: ${w}`);
  io.out(header);
  return EXIT_OK;
}
