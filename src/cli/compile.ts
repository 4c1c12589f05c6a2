// `csp-harness compile`: a Chargebee hosted-page CSP config (seed 004) to one header value.
import { compileChargebeeConfig, type ConfigProblem } from '../policy/index.ts';
import { flag, parseCommandArgs, stringOption } from './args.ts';
import { EXIT_OK, UsageError } from './errors.ts';
import type { Io } from './io.ts';
import { readUserFile } from './policyInput.ts';

export const COMPILE_HELP = `Usage: csp-harness compile --chargebee-config <path> [--json]

Validates a Chargebee hosted-page CSP configuration (JSON, seed 004's schema and its
5000-character minified limit) and prints the one Content-Security-Policy header it makes.

  --chargebee-config <path>   the JSON configuration
  --json                      print { "header": "…", "warnings": [ … ] }

Exit codes: 0 compiled, 2 the file is missing or invalid (the message names the JSON pointer).`;

export function describeProblem(path: string, p: ConfigProblem): string {
  const at = p.line !== undefined ? `:${p.line}${p.column !== undefined ? `:${p.column}` : ''}` : '';
  const pointer = p.pointer === '' ? '' : ` at ${p.pointer}`;
  return `${path}${at}${pointer}: ${p.message}`;
}

/** Reads and compiles a config file, or throws a UsageError naming every problem. */
export function loadChargebeeConfig(path: string): { header: string; warnings: string[] } {
  const result = compileChargebeeConfig(readUserFile(path, 'chargebee-config'));
  const warnings = result.warnings.map((w) => describeProblem(path, w));
  if (!result.ok) {
    const lines = result.errors.map((e) => describeProblem(path, e));
    throw new UsageError('CSPH_BAD_CONFIG', `the Chargebee config is invalid (${lines.length} problem${lines.length > 1 ? 's' : ''}):\n  ${lines.join('\n  ')}`);
  }
  return { header: result.header, warnings };
}

export function compileCommand(argv: string[], io: Io): number {
  const args = parseCommandArgs('compile', argv, { 'chargebee-config': { type: 'string' }, json: { type: 'boolean' } });
  if (flag(args, 'help')) {
    io.out(COMPILE_HELP);
    return EXIT_OK;
  }
  const path = stringOption(args, 'chargebee-config');
  if (!path) throw new UsageError('CSPH_NO_CONFIG', `compile: give the configuration with --chargebee-config <path>.`);
  const { header, warnings } = loadChargebeeConfig(path);
  if (flag(args, 'json')) {
    io.out(JSON.stringify({ header, warnings }, null, 2));
    return EXIT_OK;
  }
  for (const w of warnings) io.err(`csp-harness: warning: ${w}`);
  io.out(header);
  return EXIT_OK;
}
