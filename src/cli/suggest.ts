// `csp-harness suggest`: a policy under which every selected feature works in every selected engine,
// found by running it. Starts from --from/--from-file (every source kept) or `default-src 'self'`,
// then the fix loop (runner/fixLoop.ts) adds what the engines blocked — for blocked inline code or
// eval, the weak keyword, named with the vendor/feature that forces it (policy/suggest.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forcedWeakSources, LEAST_PRIVILEGE_BASE, suggestNeedFor } from '../policy/suggest.ts';
import { runCells } from '../runner/run.ts';
import { neededBy } from '../runner/fixLoop.ts';
import { catalogPolicySources, VENDORS } from '../vendors/index.ts';
import { flag, parseCommandArgs, stringOption, type Parsed } from './args.ts';
import { loadCatalog, VENDOR_DIR_HELP } from './catalog.ts';
import { EXIT_FAIL, EXIT_OK, UsageError } from './errors.ts';
import type { Io } from './io.ts';
import { Progress } from './progress.ts';
import { fixRounds, runOptionsOf } from './run.ts';
import { resolveSelection, selectionOptions } from './runOptions.ts';

/** A blocked script hides what it would load next: suggest allows more rounds than run --fix. */
export const SUGGEST_MAX_ROUNDS = 10;

export const SUGGEST_HELP = `Usage: csp-harness suggest [options]

Prints a policy under which every selected vendor feature works in Chromium, Firefox and WebKit,
verified by running it: starts from --from (or ${LEAST_PRIVILEGE_BASE}) and adds what the engines
blocked, round by round (at most ${SUGGEST_MAX_ROUNDS}). Blocked inline code or eval gets 'unsafe-inline' /
'unsafe-eval' in its directive, and the output names the vendor/feature that forces it.

  --from <policy>            start from your policy (header syntax): every source of it is kept
  --from-file <path>         the same, read from a file
  --style <s>                allowlist (default; strict — nonces and 'strict-dynamic' — is not built yet)
  --json                     one JSON object: { "policy", "verified": { "cells", "pass" }, "added", "steps" }
  --vendor <ids>             comma list, default all          (see: csp-harness vendors)
${VENDOR_DIR_HELP}
  --feature <ids>            comma list, default all features of the chosen vendors
  --param <key=value>        vendor parameter, repeatable: embed=self, region=eu-central-1
  --browser <ids>            chromium,firefox,webkit          (default all three)
  --browser-source <s>       auto | system | playwright       (default auto)
  --concurrency <n>          browser sessions at once         (default 3)
  --timeout <ms>             per cell                         (default 15000)
  --config <path>            a config file

Exit codes: 0 the suggested policy passes every cell, 1 a cell still fails under it (listed),
2 bad input, 130 interrupted.`;

export interface SuggestStep {
  round: number;
  /** Round 0: the base policy the first run used. */
  policy?: string;
  added?: string[];
  cells: number;
}

/** --from / --from-file become the one candidate policy of the selection; the rest is refused or passed on. */
function candidateArgs(args: Parsed): Parsed {
  if (stringOption(args, 'site') !== undefined) throw new UsageError('CSPH_SUGGEST_SITE', 'suggest: --site is not built yet: suggest works on the vendor matrix. Give your vendors with --vendor (and your policy with --from).');
  const style = stringOption(args, 'style') ?? 'allowlist';
  if (style === 'strict') throw new UsageError('CSPH_SUGGEST_STRICT', "suggest: --style strict (nonces and 'strict-dynamic') is not built yet; use --style allowlist (the default).");
  if (style !== 'allowlist') throw new UsageError('CSPH_BAD_VALUE', `suggest: --style "${style}" is not one of: allowlist, strict.`);
  const given = ['policy', 'policy-file', ...catalogPolicySources(VENDORS).map((s) => s.flag)].filter((name) => args.values[name] !== undefined);
  if (given.length > 0) throw new UsageError('CSPH_BAD_ARGS', `suggest: --${given[0]} is run's; give suggest your policy with --from or --from-file.`);
  if (args.positionals.length > 0) throw new UsageError('CSPH_BAD_ARGS', `suggest: scenario files are run's; suggest takes --vendor/--feature/--param (got "${args.positionals[0]}").`);
  const delivery = stringOption(args, 'delivery');
  if (delivery !== undefined && delivery !== 'header') throw new UsageError('CSPH_BAD_ARGS', 'suggest: the suggested policy is an enforced header; --delivery is not for suggest.');
  const from = stringOption(args, 'from');
  const fromFile = stringOption(args, 'from-file');
  if (from !== undefined && fromFile !== undefined) throw new UsageError('CSPH_BAD_ARGS', 'suggest: give --from or --from-file, not both.');
  const values = { ...args.values, from: undefined, 'from-file': undefined };
  if (fromFile !== undefined) return { positionals: [], values: { ...values, 'policy-file': [fromFile] } };
  return { positionals: [], values: { ...values, policy: [from ?? LEAST_PRIVILEGE_BASE] } };
}

/** run's messages name run's flags: for suggest, the ones the user gave. */
async function withSuggestFlags<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new UsageError(error.code, error.message.replace(/^run:/, 'suggest:').replace(/--policy #1/g, '--from').replace(/--policy-file/g, '--from-file'));
  }
}

export async function suggestCommand(argv: string[], io: Io): Promise<number> {
  const args = parseCommandArgs('suggest', argv, {
    ...selectionOptions(catalogPolicySources(VENDORS)),
    from: { type: 'string' },
    'from-file': { type: 'string' },
    style: { type: 'string' },
    json: { type: 'boolean' },
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
    site: { type: 'string' },
  }, true);
  if (flag(args, 'help')) {
    io.out(SUGGEST_HELP);
    return EXIT_OK;
  }
  const candidate = candidateArgs(args);
  const catalog = await loadCatalog(args);
  const selection = await withSuggestFlags(() => resolveSelection('suggest', candidate, catalog));
  const base = selection.policies[0]!.value;
  const outDir = mkdtempSync(join(tmpdir(), 'csph-suggest-'));
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const steps: SuggestStep[] = [{ round: 0, policy: base, cells: selection.cells.length }];
  try {
    const common = runOptionsOf(catalog, selection.config, outDir, abort.signal);
    const progress = new Progress(io, selection.cells.length, process.stderr.isTTY === true && !process.env.CI);
    let first: Awaited<ReturnType<typeof runCells>>;
    try {
      first = await runCells({ ...common, cells: selection.cells, onCell: (cell) => progress.cell(cell) });
    } finally {
      progress.done();
    }
    if (first.interrupted) return 130;
    const outcome = await fixRounds(io, selection.cells, first.cells, common, {
      maxRounds: SUGGEST_MAX_ROUNDS,
      needOf: suggestNeedFor,
      onRound: (round, added, rerun) => steps.push({ round, added: added.map((a) => `${a.directive} ${a.source}`), cells: rerun }),
    });
    if (outcome.interrupted) return 130;
    const set = outcome.sets[0]!;
    const policy = set.fixed[0]!.value.trim();
    const pass = outcome.cells.filter((c) => c.status === 'pass').length;
    const verified = outcome.remaining.length === 0;
    const browsers = selection.config.browsers.join(', ');
    if (flag(args, 'json')) {
      const added = set.additions.map((a) => `${a.directive} ${a.source}`);
      io.out(JSON.stringify({ policy, verified: { cells: outcome.cells.length, pass }, added, forced: forcedWeakSources(set.additions), steps, remaining: outcome.remaining }, null, 2));
    } else {
      const lines = ['Suggested policy:', `  ${policy}`, ''];
      if (set.additions.length === 0) lines.push(`Added: nothing (${args.values.from !== undefined || args.values['from-file'] !== undefined ? 'your policy' : 'the base policy'} already passes)`);
      else lines.push('Added:', ...set.additions.map((a) => `  ${a.directive} ${a.source}  ← ${neededBy(a.cells)}${a.round > 1 ? ` [round ${a.round}]` : ''}`));
      const forced = forcedWeakSources(set.additions);
      if (forced.length > 0) lines.push('', 'Weak sources, each forced by a selected vendor:', ...forced.map((f) => `  ${f}`));
      lines.push('', verified ? `verified: ${outcome.cells.length} cell${outcome.cells.length === 1 ? ' passes' : 's pass'} in ${browsers}` : `not verified: ${pass} of ${outcome.cells.length} cells pass in ${browsers}; still failing:`);
      if (!verified) lines.push(...outcome.remaining.map((c) => `  ${c.id}: ${c.reason}`));
      io.out(lines.join('\n'));
    }
    if (!verified) io.err(`csp-harness: suggest could not make every cell pass (${outcome.remaining.length} still fail${outcome.remaining.length === 1 ? 's' : ''}); the policy printed holds what did work.`);
    return verified ? EXIT_OK : EXIT_FAIL;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(outDir, { recursive: true, force: true });
  }
}
