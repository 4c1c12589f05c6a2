// `csp-harness run`: the matrix. Plan, run in the engines, write the reports, exit 0/1/2.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ENGINES } from '../engines/index.ts';
import { REPORTER_IDS, createReporters } from '../reporters/index.ts';
import { parseReport, renderJson } from '../reporters/json.ts';
import { multiplex } from '../reporters/types.ts';
import { summarize, type Report, type ReportCell } from '../reporters/model.ts';
import { compareToBaseline } from '../runner/baseline.ts';
import { failsRun } from '../runner/expect.ts';
import { runCells, type RunOptions } from '../runner/run.ts';
import { fixedPolicyFile, fixedReportPolicies, formatFixOutcome, runFixLoop, type FixLoopOptions, type FixOutcome } from '../runner/fixLoop.ts';
import { catalogPolicySources, VENDORS } from '../vendors/index.ts';
import { loadCatalog, VENDOR_DIR_HELP } from './catalog.ts';
import { flag, parseCommandArgs } from './args.ts';
import { EXIT_FAIL, EXIT_OK, UsageError } from './errors.ts';
import { Progress } from './progress.ts';
import { FIXTURES_ROOT, REMOTE_HELP, REMOTE_OPTIONS, remoteSetup, resolveSelection, selectionOptions, sourceHelp } from './runOptions.ts';
import type { Io } from './io.ts';
import { DEFAULT_SITE_ORIGIN } from '../site/context.ts';
import type { ResolvedConfig } from '../runner/config.ts';
import type { PlannedCell } from '../runner/plan.ts';
import { runSite, SiteUnreachableError } from '../runner/siteRun.ts';
import type { Vendor } from '../vendors/types.ts';
import type { Parsed } from './args.ts';
import { refuseWithSite, SITE_HELP, SITE_OPTIONS, siteArgs, type SiteArgs } from './site.ts';
import { resolveSiteSelection, type SiteSelection } from './runOptions.ts';

export const RUN_HELP = `Usage: csp-harness run [SCENARIO_FILE_OR_DIR ...] [options]

Loads every vendor feature under the candidate policy in Chromium, Firefox and WebKit and prints
the matrix: vendor × feature × browser, each failing cell naming the directive that blocked what.

  --policy <value>           candidate policy, header syntax; repeat to compare several candidates
  --policy-file <path>       a file holding the header value
${sourceHelp(catalogPolicySources(VENDORS))}
  --delivery <how>           header | meta | report-only | header+meta      (default header)
  --lenient                  run a malformed policy as browsers would, dropping bad tokens
  --vendor <ids>             comma list, default all          (see: csp-harness vendors)
${VENDOR_DIR_HELP}
  --feature <ids>            comma list, default all features of the chosen vendors
  --param <key=value>        vendor parameter, repeatable: region=eu-central-1, install=package
  --browser <ids>            chromium,firefox,webkit          (default all three)
  --browser-source <s>       auto | system | playwright       (default auto: Playwright's if installed)
  --reporter <ids>           ${REPORTER_IDS.join(',')} (default terminal,json,html)
  --out <dir>                where reports go                 (default ./csp-report)
  --baseline <report.json>   fail only on cells that regressed against it
  --update-baseline          write this run's report.json to the --baseline path
  --concurrency <n>          browser sessions at once         (default 3)
  --timeout <ms>             per cell                         (default 15000)
  --shard <i/n>              run the i-th of n deterministic slices (merge with: csp-harness merge)
  --screenshots <which>      failing | all: which cells keep a screenshot  (default failing)
  --origin <url>             the site's origin the pages are served on (default ${DEFAULT_SITE_ORIGIN})
${REMOTE_HELP}
  --config <path>            a config file (default: csp-harness.config.{ts,mjs,js,json} if present)
  --fix                      after the run, add what the engines blocked to the policy and run the failing
                             cells again until all pass or nothing changes; writes <out>/fixed-policy.txt
${SITE_HELP}

Without a policy option it runs the scenario files given (default: scenarios/), each carrying
its own policies and expected outcomes.
Exit codes: 0 every cell passed or was as expected, 1 a cell failed or was unexpected (with
--baseline: a cell regressed; with --fix: a cell fails under the fixed policy), 2 bad input or
set-up problem, 130 interrupted.`;


export async function runCommand(argv: string[], io: Io): Promise<number> {
  const args = parseCommandArgs(
    'run',
    argv,
    {
      ...selectionOptions(catalogPolicySources(VENDORS)),
      reporter: { type: 'string', multiple: true },
      out: { type: 'string' },
      baseline: { type: 'string' },
      'update-baseline': { type: 'boolean' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      shard: { type: 'string' },
      screenshots: { type: 'string' },
      fix: { type: 'boolean' },
      ...REMOTE_OPTIONS,
      ...SITE_OPTIONS,
    },
    true,
  );
  if (flag(args, 'help')) {
    io.out(RUN_HELP);
    return EXIT_OK;
  }
  const catalog = await loadCatalog(args);
  const site = siteArgs('run', args);
  const fix = flag(args, 'fix');
  if (site) {
    if (fix) throw new UsageError('CSPH_FIX_SITE', "run: --fix works on the vendor matrix, not on --site yet. Give your site's policy with --policy and --vendor, then run --fix.");
    refuseWithSite('run', args);
    const chosen = await resolveSiteSelection('run', args, catalog);
    return runSiteCommand(args, io, catalog, site, chosen, await remoteSetup('run', chosen.config, io));
  }
  const selection = await resolveSelection('run', args, catalog);
  const { config } = selection;
  if (fix) refuseWithFix(config);
  const remote = await remoteSetup('run', config, io);
  const output = prepareOutput(args, config);
  const { reporters, progress, abort, release } = startRun(io, config, selection.cells.length);
  const started = Date.now();
  const shard = config.shard;
  let result: Awaited<ReturnType<typeof runCells>>;
  let fixed: FixOutcome | null = null;
  try {
    const common = { ...runOptionsOf(catalog, config, output.outDir, abort.signal), ...remote };
    result = await runCells({
      ...common,
      cells: selection.cells,
      onBegin: (total, browsers) => {
        for (const b of browsers) if (b.status === 'missing') io.err(`csp-harness: ${b.id} is not installed: its cells are skipped. Install it with: ${b.install ?? '?'}`);
        reporters.onBegin({ total, browsers: config.browsers, shard });
      },
      onCell: (cell) => {
        reporters.onCell(cell);
        progress.cell(cell);
      },
    });
    if (fix && !result.interrupted) fixed = await fixRounds(io, selection.cells, result.cells, common);
  } finally {
    release();
    progress.done();
  }
  const cells: ReportCell[] = fixed?.cells ?? result.cells;
  const report: Report = {
    schemaVersion: 1,
    policies: fixed ? fixedReportPolicies(selection.policies, fixed.sets) : selection.policies,
    ...(selection.scenarios.length
      ? { scenarios: selection.scenarios.map((s) => ({ id: s.id, title: s.title, ...(s.kind ? { kind: s.kind } : {}), ...(s.seedRef ? { seedRef: s.seedRef } : {}), file: s.file })) }
      : {}),
    cells,
    summary: summarize(cells),
    run: {
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      browsers: result.browsers,
      shard,
    },
  };
  const code = deliver(io, config, output, reporters, report, { ...result, interrupted: result.interrupted || (fixed?.interrupted ?? false) });
  return fixed && code !== 130 ? deliverFix(io, output.outDir, fixed) : code;
}

/** --fix answers "which policy works everywhere": a baseline or a shard asks something else. */
function refuseWithFix(config: ResolvedConfig): void {
  if (config.baseline) throw new UsageError('CSPH_FIX_BASELINE', 'run: --fix and --baseline do not go together: --fix makes every cell pass, a baseline allows the cells that failed before. Drop one.');
  if (config.shard && config.shard.total > 1) throw new UsageError('CSPH_FIX_SHARD', "run: --fix needs the whole matrix: a shard's fixed policy would miss what the other shards need. Drop --shard.");
}

/** What every runCells of a selection shares (the cells aside). */
export function runOptionsOf(catalog: Vendor[], config: ResolvedConfig, outDir: string, signal: AbortSignal): Omit<RunOptions, 'cells'> {
  return {
    catalog,
    engines: ENGINES,
    browserSource: config.browserSource,
    fixturesRoot: FIXTURES_ROOT,
    site: config.site,
    concurrency: config.concurrency,
    timeoutMs: config.timeoutMs,
    outDir,
    screenshots: config.screenshots,
    signal,
  };
}

/** The fix rounds (runner/fixLoop.ts): each re-run with a progress line per cell. `suggest` passes more rounds and its needs. */
export function fixRounds(io: Io, planned: readonly PlannedCell[], first: readonly ReportCell[], common: Omit<RunOptions, 'cells'>, extra: Pick<FixLoopOptions, 'maxRounds' | 'needOf' | 'onRound'> = {}): Promise<FixOutcome> {
  return runFixLoop({
    planned,
    first,
    maxRounds: extra.maxRounds,
    needOf: extra.needOf,
    onRound: (round, added, rerun) => {
      io.err(`csp-harness: fix round ${round}: added ${added.map((a) => `${a.directive} ${a.source}`).join(', ')}; running ${rerun} cell${rerun === 1 ? '' : 's'} again`);
      extra.onRound?.(round, added, rerun);
    },
    rerun: async (cells) => {
      const progress = new Progress(io, cells.length, process.stderr.isTTY === true && !process.env.CI);
      try {
        return await runCells({ ...common, cells, onCell: (cell) => progress.cell(cell) });
      } finally {
        progress.done();
      }
    },
  });
}

/** Prints the fixed policy, its diff and who needed what; writes fixed-policy.txt; exit 0 only when every cell passes. */
function deliverFix(io: Io, outDir: string, fixed: FixOutcome): number {
  io.out(`\n${formatFixOutcome(fixed)}`);
  const path = join(outDir, 'fixed-policy.txt');
  writeFileSync(path, fixedPolicyFile(fixed.sets));
  const many = fixed.sets.length > 1 ? ` (${fixed.sets.length} policies, each under a # line naming its scenario or --policy)` : '';
  if (fixed.remaining.length === 0) {
    io.err(`csp-harness: fixed policy in ${path}${many}: every cell passes under it${fixed.rounds > 0 ? ` (${fixed.rounds} fix round${fixed.rounds === 1 ? '' : 's'})` : ''}.`);
    return EXIT_OK;
  }
  io.err(`csp-harness: --fix could not make every cell pass; ${fixed.remaining.length} cell${fixed.remaining.length === 1 ? '' : 's'} still fail${fixed.remaining.length === 1 ? 's' : ''}:\n  ${fixed.remaining.map((c) => `${c.id}: ${c.reason}`).join('\n  ')}\ncsp-harness: the policy with the fixes that worked is in ${path}${many}; change what is listed above by hand.`);
  return EXIT_FAIL;
}

interface Output {
  outDir: string;
  baselinePath: string | null;
  updateBaseline: boolean;
  baseline: Report | null;
}

/** --out, --baseline and --update-baseline checked (exit 2) before anything runs. */
function prepareOutput(args: Parsed, config: ResolvedConfig): Output {
  const outDir = config.out;
  const baselinePath = config.baseline ? resolve(config.baseline) : null;
  const updateBaseline = flag(args, 'update-baseline');
  if (updateBaseline && !baselinePath) throw new UsageError('CSPH_NO_BASELINE', 'run: --update-baseline needs --baseline <path> to write to.');
  let baseline: Report | null = null;
  if (baselinePath && !updateBaseline) {
    let text: string;
    try {
      text = readFileSync(baselinePath, 'utf8');
    } catch {
      throw new UsageError('CSPH_NO_BASELINE', `run: cannot read --baseline ${config.baseline}. Write one first with --baseline ${config.baseline} --update-baseline.`);
    }
    const parsed = parseReport(text);
    if (!parsed.ok) throw new UsageError('CSPH_BAD_BASELINE', `run: --baseline ${config.baseline} is not a report.json: ${parsed.error}`);
    baseline = parsed.report;
  }
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw new UsageError('CSPH_BAD_OUT', `run: cannot create --out ${outDir}: ${(error as Error).message}`);
  }
  return { outDir, baselinePath, updateBaseline, baseline };
}

/** Reporters, progress, and Ctrl-C handling for one run; `release` takes the signal handlers off. */
function startRun(io: Io, config: ResolvedConfig, total: number, abort = new AbortController()) {
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const reporters = multiplex(createReporters(config.reporters, { color }), (f) => io.err(`csp-harness: reporter ${f.reporter} failed in ${f.hook}: ${(f.error as Error)?.message ?? String(f.error)}`));
  const progress = new Progress(io, total, process.stderr.isTTY === true && !process.env.CI);
  const onSigint = () => {
    if (abort.signal.aborted) return;
    io.err('\ncsp-harness: interrupted: finishing the cells in flight, closing the browsers, writing what was done (Ctrl-C again does not hurry it).');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const release = () => {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  };
  return { reporters, progress, abort, release };
}

/** Writes the reports, the baseline, and says how the run ended: the exit code. */
function deliver(io: Io, config: ResolvedConfig, output: Output, reporters: ReturnType<typeof startRun>['reporters'], report: Report, result: { backgroundHosts: string[]; interrupted: boolean }): number {
  const { outDir, baselinePath, updateBaseline, baseline } = output;
  const reporterIds = config.reporters;
  const cells = report.cells;
  const comparison = baseline ? compareToBaseline(baseline, report) : null;
  if (comparison && report.run) {
    const ids = (list: readonly ReportCell[]) => list.map((c) => c.id);
    report.run.regressions = ids(comparison.regressions);
    // The whole comparison, for the reports' baseline views (the HTML report's, markdown's list).
    report.run.baseline = { path: config.baseline ?? baselinePath ?? '', regressions: ids(comparison.regressions), fixed: ids(comparison.fixed), added: ids(comparison.added) };
  }
  for (const output of reporters.onEnd(report)) {
    if ('stdout' in output) io.out(output.stdout);
    else {
      const path = join(outDir, output.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, output.content);
    }
  }
  if (updateBaseline && baselinePath) {
    mkdirSync(dirname(baselinePath), { recursive: true });
    writeFileSync(baselinePath, renderJson(report));
    io.err(`csp-harness: baseline written to ${baselinePath}`);
  }
  if (result.backgroundHosts.length > 0) io.err(`csp-harness: refused browser background requests (not a cell's): ${result.backgroundHosts.join(', ')}`);
  const written = reporterIds.filter((r) => r !== 'terminal');
  if (written.length > 0) io.err(`csp-harness: reports in ${outDir}${reporterIds.includes('html') ? ` — open ${join(outDir, 'report.html')}` : ''}`);
  if (result.interrupted) return 130;
  if (comparison) {
    if (comparison.regressions.length === 0) {
      io.err(`csp-harness: no regressions against ${config.baseline} (${comparison.fixed.length} fixed, ${comparison.added.length} new cells).`);
      return EXIT_OK;
    }
    io.err(`csp-harness: ${comparison.regressions.length} cell(s) regressed against ${config.baseline}:\n  ${comparison.regressions.map((c) => `${c.id}: ${c.violations.filter((v) => v.disposition === 'enforce').map((v) => `${v.effectiveDirective} blocked ${v.blockedURI}`).join(', ') || c.probe?.detail || c.error || c.status}`).join('\n  ')}`);
    return EXIT_FAIL;
  }
  if (failsRun(cells)) return EXIT_FAIL;
  // run --site: a finding of severity error (a static nonce, a tag without its nonce) fails the run too.
  return (report.findings ?? []).some((f) => f.severity === 'error') ? EXIT_FAIL : EXIT_OK;
}

/** run --site: the user's running server's pages in every browser (runner/siteRun.ts). */
async function runSiteCommand(args: Parsed, io: Io, catalog: Vendor[], site: SiteArgs, chosen: SiteSelection, remote: Pick<RunOptions, 'engines' | 'listen'>): Promise<number> {
  const { config, candidates } = chosen;
  const output = prepareOutput(args, config);
  const started = Date.now();
  const state: { run: ReturnType<typeof startRun> | null } = { run: null };
  const abort = new AbortController();
  let result: Awaited<ReturnType<typeof runSite>>;
  try {
    result = await runSite({
      siteUrl: site.siteUrl,
      site: config.site,
      pages: site.pages,
      crawl: site.crawl,
      candidate: candidates,
      catalog,
      vendors: config.vendors,
      features: config.features,
      browsers: config.browsers,
      engines: remote.engines,
      listen: remote.listen,
      browserSource: config.browserSource,
      fixturesRoot: FIXTURES_ROOT,
      concurrency: config.concurrency,
      timeoutMs: config.timeoutMs,
      outDir: output.outDir,
      screenshots: config.screenshots,
      signal: abort.signal,
      onBegin: (total, browsers, pages) => {
        const run = startRun(io, config, total, abort);
        state.run = run;
        io.err(`csp-harness: ${site.siteUrl} seen as ${config.site.origin}: ${pages.length} page${pages.length === 1 ? '' : 's'} (${pages.join(', ')}) × ${config.browsers.length} browser${config.browsers.length === 1 ? '' : 's'}${candidates ? ', under the candidate policy' : ", under the site's own policies"}`);
        for (const b of browsers) if (b.status === 'missing') io.err(`csp-harness: ${b.id} is not installed: its cells are skipped. Install it with: ${b.install ?? '?'}`);
        run.reporters.onBegin({ total, browsers: config.browsers, shard: null });
      },
      onPage: (cells) => {
        for (const cell of cells) state.run?.reporters.onCell(cell);
        if (cells[0]) state.run?.progress.cell(cells[0]);
      },
    });
  } catch (error) {
    if (error instanceof SiteUnreachableError) throw new UsageError(error.code, error.message);
    throw error;
  } finally {
    state.run?.release();
    state.run?.progress.done();
  }
  const reporters = state.run?.reporters ?? startRun(io, config, 0).reporters;
  const report: Report = {
    schemaVersion: 1,
    policies: candidates ?? [],
    cells: result.cells,
    summary: summarize(result.cells),
    site: result.site,
    findings: result.findings,
    run: { startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, browsers: result.browsers, shard: null },
  };
  return deliver(io, config, output, reporters, report, result);
}
