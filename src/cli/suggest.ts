// `csp-harness suggest`: a policy under which every selected feature works in every selected engine,
// found by running it. Starts from --from/--from-file (every source kept), `default-src 'self'`, or
// with --style strict a nonce and 'strict-dynamic' (policy/strict.ts); then the fix loop
// (runner/fixLoop.ts) adds what the engines blocked — for blocked inline code or eval, the weak
// keyword, named with the vendor/feature that forces it (policy/suggest.ts). Then the proof that each
// added source is needed and which of the user's sources none needed (runner/prove.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withoutSource, urlSourcesOf } from '../policy/prune.ts';
import { highFindings, STRICT_BASE, strictBlockers, strictNeedFor } from '../policy/strict.ts';
import { isWeakSource, LEAST_PRIVILEGE_BASE, suggestNeedFor } from '../policy/suggest.ts';
import type { ReportCell } from '../reporters/model.ts';
import type { ReportPolicy } from '../shared/vocabulary.ts';
import type { AttributedAddition, FixOutcome } from '../runner/fixLoop.ts';
import type { PlannedCell } from '../runner/plan.ts';
import { proveAdditions, usesOfSources, type SourceProof } from '../runner/prove.ts';
import { runCells, type RunOptions } from '../runner/run.ts';
import { catalogPolicySources, VENDORS } from '../vendors/index.ts';
import { flag, parseCommandArgs, stringOption, type Parsed } from './args.ts';
import { loadCatalog, VENDOR_DIR_HELP } from './catalog.ts';
import { EXIT_FAIL, EXIT_OK, UsageError } from './errors.ts';
import type { Io } from './io.ts';
import { Progress } from './progress.ts';
import { fixRounds, runOptionsOf } from './run.ts';
import { REMOTE_HELP, REMOTE_OPTIONS, remoteSetup, resolveSelection, selectionOptions } from './runOptions.ts';
import { suggestJson, suggestText, type SuggestResult, type SuggestStep } from './suggestOutput.ts';
import { SITE_OPTIONS } from './site.ts';
import { SITE_BASE, suggestSiteCommand } from './suggestSite.ts';

/** A blocked script hides what it would load next: suggest allows more rounds than run --fix. */
export const SUGGEST_MAX_ROUNDS = 10;

export const SUGGEST_HELP = `Usage: csp-harness suggest [options]

Prints a policy under which every selected vendor feature works in Chromium, Firefox and WebKit,
verified by running it: starts from --from (or ${LEAST_PRIVILEGE_BASE}) and adds what the engines
blocked, round by round (at most ${SUGGEST_MAX_ROUNDS}). Blocked inline code or eval gets 'unsafe-inline' /
'unsafe-eval' in its directive, and the output names the vendor/feature that forces it. Then it
proves each added source is needed (without it, a cell fails; one that no cell needs is taken out),
shows csp_evaluator's high-severity findings with what forced each, and, with --from, which of your
URL sources no request needed.

  --from <policy>            start from your policy (header syntax): every source of it is kept
  --from-file <path>         the same, read from a file
  --style <s>                allowlist (default): hosts and schemes; strict: ${STRICT_BASE}
                             plus what other types need — host allow-lists instead where a selected
                             vendor's script does not work with 'strict-dynamic' (named)
  --skip-proof               skip the removal proof and the check of your sources (faster)
  --json                     one JSON object: { "policy", "style", "verified": { "cells", "pass" }, "added",
                             "forced", "proof", "dropped", "unneeded", "evaluator", "steps", "remaining" }
  --vendor <ids>             comma list, default all          (see: csp-harness vendors)
${VENDOR_DIR_HELP}
  --feature <ids>            comma list, default all features of the chosen vendors
  --param <key=value>        vendor parameter, repeatable: embed=self, region=eu-central-1
  --browser <ids>            chromium,firefox,webkit          (default all three)
  --browser-source <s>       auto | system | playwright       (default auto)
  --concurrency <n>          browser sessions at once         (default 3)
  --timeout <ms>             per cell                         (default 15000)
${REMOTE_HELP}
  --config <path>            a config file

Your own site instead of the vendor matrix:
  --site <url>               your running server (http://localhost:3000): its pages are loaded through
                             the harness's proxy under the candidate, every vendor found on them judged
  --page <path>              a page of --site, repeatable (default /)
  --crawl <n>                follow same-origin links breadth first, up to n pages in all (once: every
                             round loads the same pages)
  --origin <url>             the origin the browsers see the site on (default https://www.shop.test)
With --site the start is --from or ${SITE_BASE}; a page whose inline scripts (or styles) all carry
the site's nonce gets 'nonce-{{nonce}}' (your server's nonce, filled in per response), other blocked
inline code 'unsafe-inline', named with the page. --vendor, --feature, --param are refused there.

Exit codes: 0 the suggested policy passes every cell, 1 a cell still fails under it (listed),
2 bad input (or --site, a --connect or --webdriver endpoint, not reachable), 130 interrupted.`;

function styleOf(args: Parsed): 'allowlist' | 'strict' {
  const style = stringOption(args, 'style') ?? 'allowlist';
  if (style !== 'allowlist' && style !== 'strict') throw new UsageError('CSPH_BAD_VALUE', `suggest: --style "${style}" is not one of: allowlist, strict.`);
  return style;
}

/** --from / --from-file become the one candidate policy of the selection; the rest is refused or passed on. */
function candidateArgs(args: Parsed): Parsed {
  const style = styleOf(args);
  const given = ['policy', 'policy-file', ...catalogPolicySources(VENDORS).map((s) => s.flag)].filter((name) => args.values[name] !== undefined);
  if (given.length > 0) throw new UsageError('CSPH_BAD_ARGS', `suggest: --${given[0]} is run's; give suggest your policy with --from or --from-file.`);
  if (args.positionals.length > 0) throw new UsageError('CSPH_BAD_ARGS', `suggest: scenario files are run's; suggest takes --vendor/--feature/--param (got "${args.positionals[0]}").`);
  const delivery = stringOption(args, 'delivery');
  if (delivery !== undefined && delivery !== 'header') throw new UsageError('CSPH_BAD_ARGS', 'suggest: the suggested policy is an enforced header; --delivery is not for suggest.');
  const from = stringOption(args, 'from');
  const fromFile = stringOption(args, 'from-file');
  if (from !== undefined && fromFile !== undefined) throw new UsageError('CSPH_BAD_ARGS', 'suggest: give --from or --from-file, not both.');
  if (style === 'strict' && (from !== undefined || fromFile !== undefined)) throw new UsageError('CSPH_BAD_ARGS', `suggest: --style strict starts from its own base (${STRICT_BASE}); --from keeps your policy's style. Give one of them.`);
  const values = { ...args.values, from: undefined, 'from-file': undefined };
  if (fromFile !== undefined) return { positionals: [], values: { ...values, 'policy-file': [fromFile] } };
  return { positionals: [], values: { ...values, policy: [from ?? (style === 'strict' ? STRICT_BASE : LEAST_PRIVILEGE_BASE)] } };
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

type Run = (cells: PlannedCell[]) => Promise<{ cells: ReportCell[]; interrupted: boolean }>;

/** The planned cells under one policy (suggest's cells carry one enforced header). */
const cellsWith = (planned: readonly PlannedCell[], policy: ReportPolicy): PlannedCell[] => planned.map((c) => ({ ...c, policies: [{ ...policy }], expectation: null }));

/** A base policy run, then the fix rounds: null when interrupted. */
async function synthesize(io: Io, planned: PlannedCell[], run: Run, common: Omit<RunOptions, 'cells'>, needOf: typeof suggestNeedFor, steps: SuggestStep[]): Promise<FixOutcome | null> {
  steps.push({ round: 0, policy: planned[0]!.policies[0]!.value, cells: planned.length });
  const first = await run(planned);
  if (first.interrupted) return null;
  const outcome = await fixRounds(io, planned, first.cells, common, {
    maxRounds: SUGGEST_MAX_ROUNDS,
    needOf,
    onRound: (round, added, rerun) => steps.push({ round, added: added.map((a) => `${a.directive} ${a.source}`), cells: rerun }),
  });
  return outcome.interrupted ? null : outcome;
}

interface Proven {
  policy: string;
  additions: AttributedAddition[];
  proofs: SourceProof[];
  dropped: SourceProof[];
}

/** Removes each added source in turn (one run); those no cell failed without go, if the smaller policy still passes every cell. */
async function prove(io: Io, planned: PlannedCell[], entry: ReportPolicy, additions: AttributedAddition[], run: Run): Promise<Proven | null> {
  if (additions.length === 0) return { policy: entry.value.trim(), additions, proofs: [], dropped: [] };
  io.err(`csp-harness: proving each of the ${additions.length} added sources is needed (the policy without it, on the cells that needed it; a weak source on every cell)`);
  // A weak source is run without on every cell, so every feature that forces it is named — not
  // only the first one blocked (Velaro's styles need the 'unsafe-inline' Provide Support's button added).
  const everyCell = planned.map((c) => c.id);
  const proved = await proveAdditions(cellsWith(planned, entry), additions.map((a) => (isWeakSource(a.source) ? { ...a, cells: everyCell } : a)), run);
  if (proved.interrupted) return null;
  additions = additions.map((a, i) => (isWeakSource(a.source) ? { ...a, cells: [...new Set([...a.cells, ...proved.proofs[i]!.failing])] } : a));
  const unneeded = proved.proofs.filter((p) => p.failing.length === 0);
  const policy = entry.value.trim();
  if (unneeded.length === 0) return { policy, additions, proofs: proved.proofs, dropped: [] };
  const reduced = unneeded.reduce((text, ref) => withoutSource(text, ref), policy);
  io.err(`csp-harness: ${unneeded.map((u) => `${u.directive} ${u.source}`).join(', ')}: no cell failed without; checking every cell without ${unneeded.length === 1 ? 'it' : 'them'}`);
  const check = await run(cellsWith(planned, { ...entry, value: reduced }));
  if (check.interrupted) return null;
  if (!check.cells.every((c) => c.status === 'pass')) return { policy, additions, proofs: proved.proofs, dropped: [] };
  const gone = (a: AttributedAddition) => unneeded.some((u) => u.directive === a.directive && u.source === a.source);
  return { policy: reduced, additions: additions.filter((a) => !gone(a)), proofs: proved.proofs, dropped: unneeded };
}

export async function suggestCommand(argv: string[], io: Io): Promise<number> {
  const args = parseCommandArgs('suggest', argv, {
    ...selectionOptions(catalogPolicySources(VENDORS)),
    from: { type: 'string' },
    'from-file': { type: 'string' },
    style: { type: 'string' },
    json: { type: 'boolean' },
    'skip-proof': { type: 'boolean' },
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
    ...REMOTE_OPTIONS,
    ...SITE_OPTIONS,
  }, true);
  if (flag(args, 'help')) {
    io.out(SUGGEST_HELP);
    return EXIT_OK;
  }
  // --site (or its --page/--crawl): the user's own pages instead of the vendor matrix (suggestSite.ts).
  if (['site', 'page', 'crawl'].some((name) => args.values[name] !== undefined)) return suggestSiteCommand(args, io, { maxRounds: SUGGEST_MAX_ROUNDS });
  const style = styleOf(args);
  const fromUser = args.values.from !== undefined || args.values['from-file'] !== undefined;
  const candidate = candidateArgs(args);
  const catalog = await loadCatalog(args);
  const selection = await withSuggestFlags(() => resolveSelection('suggest', candidate, catalog));
  // Remote engines and the listen address, checked and warned about as run does; every run below uses them.
  const remote = await remoteSetup('suggest', selection.config, io);
  const outDir = mkdtempSync(join(tmpdir(), 'csph-suggest-'));
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const common = { ...runOptionsOf(catalog, selection.config, outDir, abort.signal), ...remote };
    const run: Run = async (cells) => {
      const progress = new Progress(io, cells.length, process.stderr.isTTY === true && !process.env.CI);
      try {
        return await runCells({ ...common, cells, onCell: (cell) => progress.cell(cell) });
      } finally {
        progress.done();
      }
    };
    const steps: SuggestStep[] = [];
    let outcome = await synthesize(io, selection.cells, run, common, style === 'strict' ? strictNeedFor : suggestNeedFor, steps);
    let blockers: string[] | null = null;
    if (outcome && style === 'strict' && outcome.remaining.length > 0 && strictBlockers(outcome.cells).length > 0) {
      blockers = strictBlockers(outcome.cells);
      io.err(`csp-harness: --style strict: the engines blocked ${blockers.length === 1 ? 'a script' : `${blockers.length} scripts`} under 'strict-dynamic'; suggesting host allow-lists instead`);
      outcome = await synthesize(io, cellsWith(selection.cells, { value: LEAST_PRIVILEGE_BASE, delivery: 'header' }), run, common, suggestNeedFor, steps);
    }
    if (!outcome) return 130;
    const set = outcome.sets[0]!;
    const verified = outcome.remaining.length === 0;
    const proven = verified && !flag(args, 'skip-proof') ? await prove(io, selection.cells, set.fixed[0]!, set.additions, run) : { policy: set.fixed[0]!.value.trim(), additions: set.additions, proofs: null, dropped: [] };
    if (!proven) return 130;
    let uses: SuggestResult['uses'] = null;
    if (verified && fromUser && !flag(args, 'skip-proof')) {
      const candidates = urlSourcesOf(set.original[0]!.value);
      io.err(`csp-harness: checking which of your policy's ${candidates.length} URL sources a request needs (a report-only copy without them)`);
      const used = await usesOfSources(cellsWith(selection.cells, { ...set.fixed[0]!, value: proven.policy }), proven.policy, candidates, new URL(common.site.origin), run);
      if (used.interrupted) return 130;
      uses = { sources: used.uses, ran: used.ran };
    }
    const result: SuggestResult = {
      ...proven,
      style: style === 'strict' && blockers === null ? 'strict' : 'allowlist',
      strictBlockers: blockers,
      fromUser,
      cells: outcome.cells.length,
      pass: outcome.cells.filter((c) => c.status === 'pass').length,
      browsers: selection.config.browsers,
      uses,
      evaluator: highFindings(proven.policy, proven.additions),
      steps,
      remaining: outcome.remaining,
    };
    io.out(flag(args, 'json') ? suggestJson(result) : suggestText(result));
    if (!verified) io.err(`csp-harness: suggest could not make every cell pass (${outcome.remaining.length} still fail${outcome.remaining.length === 1 ? 's' : ''}); the policy printed holds what did work.`);
    return verified ? EXIT_OK : EXIT_FAIL;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(outDir, { recursive: true, force: true });
  }
}
