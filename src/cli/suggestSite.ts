// `csp-harness suggest --site <url>`: a policy for the user's own pages, verified by loading them
// through the harness's proxy in every engine (runner/siteRun.ts) round by round (runner/siteSuggest.ts)
// from --from/--from-file (every source kept) or SITE_BASE. Printed as the vendor matrix's suggest
// prints (suggestOutput.ts), with what each page's inline code asked for. Decisions: 0015-suggest-site.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { highFindings } from '../policy/strict.ts';
import type { ResolvedConfig } from '../runner/config.ts';
import type { RunOptions } from '../runner/run.ts';
import { runSite, SiteUnreachableError } from '../runner/siteRun.ts';
import { judged, pageInlineOf, suggestForSite, UNSAFE_INLINE, type SiteRound, type SiteSuggestOutcome } from '../runner/siteSuggest.ts';
import { NONCE_SOURCE } from '../shared/placeholders.ts';
import { catalogPolicySources, VENDORS } from '../vendors/index.ts';
import type { Vendor } from '../vendors/types.ts';
import { flag, stringOption, type Parsed } from './args.ts';
import { loadCatalog } from './catalog.ts';
import { EXIT_FAIL, EXIT_OK, UsageError } from './errors.ts';
import type { Io } from './io.ts';
import { Progress } from './progress.ts';
import { FIXTURES_ROOT, remoteSetup, resolveSiteSelection } from './runOptions.ts';
import { refuseWithSite, siteArgs, type SiteArgs } from './site.ts';
import { suggestJson, suggestText, type SuggestResult } from './suggestOutput.ts';

/**
 * Without --from: every fetch type to the site's own origin, and base-uri (which nothing falls back
 * to) too. Inline code is not allowed up front: a page's blocked inline code gets the site's nonce
 * where all of it carries one, else 'unsafe-inline' named with the page (0015).
 */
export const SITE_BASE = "default-src 'self'; base-uri 'self'";

/** --from / --from-file as the one candidate for resolveSiteSelection; what makes no sense with --site is refused (exit 2). */
export function siteCandidateArgs(args: Parsed): Parsed {
  const style = stringOption(args, 'style') ?? 'allowlist';
  if (style === 'strict') throw new UsageError('CSPH_SUGGEST_STRICT', "suggest: --style strict is not built for --site yet; drop --style (host allow-lists, with the site's own nonce where its pages carry one).");
  if (style !== 'allowlist') throw new UsageError('CSPH_BAD_VALUE', `suggest: --style "${style}" is not one of: allowlist, strict.`);
  refuseWithSite('suggest', args);
  const vendorFlag = ['vendor', 'feature', 'param'].find((name) => args.values[name] !== undefined);
  if (vendorFlag) throw new UsageError('CSPH_BAD_SITE', `suggest: --${vendorFlag} chooses fixture pages of the vendor matrix; with --site your pages decide which vendors are embedded, and each one found on them is judged. Drop --${vendorFlag} (or drop --site to suggest for the vendor matrix).`);
  const given = ['policy', 'policy-file', ...catalogPolicySources(VENDORS).map((s) => s.flag)].find((name) => args.values[name] !== undefined);
  if (given) throw new UsageError('CSPH_BAD_ARGS', `suggest: --${given} is run's; give suggest your policy with --from or --from-file.`);
  const delivery = stringOption(args, 'delivery');
  if (delivery !== undefined && delivery !== 'header') throw new UsageError('CSPH_BAD_ARGS', 'suggest: the suggested policy is an enforced header; --delivery is not for suggest.');
  const from = stringOption(args, 'from');
  const fromFile = stringOption(args, 'from-file');
  if (from !== undefined && fromFile !== undefined) throw new UsageError('CSPH_BAD_ARGS', 'suggest: give --from or --from-file, not both.');
  const values = { ...args.values, from: undefined, 'from-file': undefined, policy: undefined, 'policy-file': undefined };
  if (fromFile !== undefined) return { positionals: [], values: { ...values, 'policy-file': [fromFile] } };
  return { positionals: [], values: { ...values, policy: [from ?? SITE_BASE] } };
}

/** run's messages name run's flags: for suggest, the ones the user gave. */
async function withSuggestFlags<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SiteUnreachableError) throw new UsageError(error.code, error.message.replace(/^run --site:/, 'suggest --site:'));
    if (!(error instanceof UsageError)) throw error;
    throw new UsageError(error.code, error.message.replace(/^run:/, 'suggest:').replace(/--policy #1/g, '--from').replace(/--policy-file/g, '--from-file'));
  }
}

interface RoundContext {
  io: Io;
  site: SiteArgs;
  config: ResolvedConfig;
  catalog: Vendor[];
  outDir: string;
  signal: AbortSignal;
  /** The engines (remote ones in place of local) and the proxy's listen address: remoteSetup's. */
  remote: Pick<RunOptions, 'engines' | 'listen'>;
}

/** One round: the pages (null: the given ones and the crawl) in every engine under `policy`, with a progress line per page load. */
async function loadRound(ctx: RoundContext, policy: string, pages: readonly string[] | null): Promise<SiteRound> {
  const { io, site, config } = ctx;
  const state: { progress: Progress | null } = { progress: null };
  try {
    const result = await runSite({
      siteUrl: site.siteUrl,
      site: config.site,
      pages: pages ?? site.pages,
      crawl: pages ? 0 : site.crawl,
      candidate: [{ value: policy, delivery: 'header' }],
      catalog: ctx.catalog,
      vendors: config.vendors,
      features: config.features,
      browsers: config.browsers,
      engines: ctx.remote.engines,
      listen: ctx.remote.listen,
      browserSource: config.browserSource,
      fixturesRoot: FIXTURES_ROOT,
      concurrency: config.concurrency,
      timeoutMs: config.timeoutMs,
      outDir: ctx.outDir,
      signal: ctx.signal,
      onBegin: (total, browsers, found) => {
        state.progress = new Progress(io, total, process.stderr.isTTY === true && !process.env.CI);
        if (pages) return;
        io.err(`csp-harness: ${site.siteUrl} seen as ${config.site.origin}: ${found.length} page${found.length === 1 ? '' : 's'} (${found.join(', ')}) × ${config.browsers.length} browser${config.browsers.length === 1 ? '' : 's'}`);
        for (const b of browsers) if (b.status === 'missing') io.err(`csp-harness: ${b.id} is not installed: its cells are skipped. Install it with: ${b.install ?? '?'}`);
      },
      onPage: (cells) => {
        if (cells[0]) state.progress?.cell(cells[0]);
      },
    });
    return { cells: result.cells, pages: result.site.pages.map((p) => p.path), inline: pageInlineOf(result.exchanges, config.site.origin), interrupted: result.interrupted };
  } finally {
    state.progress?.done();
  }
}

/** What each page's inline code asked for: the site's nonce where all of it carries one, else 'unsafe-inline' and the lines without. Pure. */
export function inlineNotes(outcome: Pick<SiteSuggestOutcome, 'additions' | 'inline' | 'cells'>): string[] {
  const pageOf = new Map(outcome.cells.map((c) => [c.id, c.page]));
  const notes: string[] = [];
  for (const a of outcome.additions) {
    const nonce = a.source === NONCE_SOURCE;
    if (!nonce && a.source !== UNSAFE_INLINE) continue;
    const kind = a.directive.startsWith('style') ? 'style' : 'script';
    for (const page of [...new Set(a.cells.flatMap((id) => pageOf.get(id) ?? []))]) {
      const inline = outcome.inline.get(page)?.[kind];
      if (nonce) notes.push(`${page}: every inline <${kind}> carries the site's nonce: ${a.directive} ${NONCE_SOURCE} (your server fills in its fresh nonce)`);
      else if (a.directive.endsWith('-attr')) notes.push(`${page}: an inline ${kind === 'style' ? 'style' : 'event handler'} attribute needs ${a.directive} ${UNSAFE_INLINE}; ${a.directive.startsWith('script') ? 'an addEventListener call in a nonced script' : 'a class in a stylesheet'} would not`);
      else if (inline && inline.unnonced.length > 0) notes.push(`${page}: the inline <${kind}> at line${inline.unnonced.length === 1 ? '' : 's'} ${inline.unnonced.join(', ')} ${inline.unnonced.length === 1 ? 'has' : 'have'} no nonce, so ${a.directive} needs ${UNSAFE_INLINE}; with the site's nonce on ${inline.unnonced.length === 1 ? 'it' : 'them'}, ${NONCE_SOURCE} would do`);
      else notes.push(`${page}: inline <${kind}> code that is not in the page's HTML (a script added it) needs ${a.directive} ${UNSAFE_INLINE}`);
    }
  }
  return [...new Set(notes)];
}

/** The vendor matrix's output, worded for pages, with the inline notes before the verdict. */
function siteText(result: SuggestResult, notes: readonly string[]): string {
  const lines = suggestText(result)
    .replace(/^Added: nothing \(.*\)$/m, (line) => (result.remaining.length > 0 ? 'Added: nothing' : line))
    .replace('Weak sources, each forced by a selected vendor:', 'Weak sources, each forced by a page of your site:')
    .replace(/not forced by a selected vendor/g, 'not forced by a page')
    .split('\n');
  if (notes.length === 0) return lines.join('\n');
  const verdict = lines.findIndex((l) => /^(not )?verified:/.test(l));
  lines.splice(verdict < 0 ? lines.length : verdict, 0, "Your pages' inline code:", ...notes.map((n) => `  ${n}`), '');
  return lines.join('\n');
}

function deliver(io: Io, args: Parsed, config: ResolvedConfig, site: SiteArgs, outcome: SiteSuggestOutcome): number {
  const cells = outcome.cells.filter(judged);
  const policy = outcome.policy.trim();
  // "needed by" names the cells judged in the end: not the vendor features a blocked loader failed that its stand-in then did not exercise.
  const judgedIds = new Set(cells.map((c) => c.id));
  const additions = outcome.additions.map((a) => ({ ...a, cells: a.cells.some((id) => judgedIds.has(id)) ? a.cells.filter((id) => judgedIds.has(id)) : a.cells }));
  const result: SuggestResult = {
    policy,
    style: 'allowlist',
    strictBlockers: null,
    fromUser: args.values.from !== undefined || args.values['from-file'] !== undefined,
    cells: cells.length,
    pass: cells.filter((c) => c.status === 'pass').length,
    browsers: config.browsers,
    additions,
    proofs: null,
    dropped: [],
    uses: null,
    evaluator: highFindings(policy, additions),
    steps: outcome.steps,
    remaining: outcome.remaining,
  };
  const notes = inlineNotes({ ...outcome, additions });
  if (flag(args, 'json')) io.out(JSON.stringify({ ...(JSON.parse(suggestJson(result)) as object), site: { url: site.siteUrl, origin: config.site.origin, pages: outcome.pages }, inline: notes }, null, 2));
  else io.out(siteText(result, notes));
  const verified = outcome.remaining.length === 0 && cells.length > 0;
  if (!verified) io.err(`csp-harness: suggest --site could not make every cell pass (${outcome.remaining.length} still fail${outcome.remaining.length === 1 ? 's' : ''}); the policy printed holds what did work.`);
  return verified ? EXIT_OK : EXIT_FAIL;
}

/** suggest with --site (suggest.ts dispatches here): exit 0 verified, 1 a cell still fails, 2 bad input or the site unreachable, 130 interrupted. */
export async function suggestSiteCommand(args: Parsed, io: Io, context: { maxRounds: number }): Promise<number> {
  const site = siteArgs('suggest', args);
  if (!site) throw new UsageError('CSPH_BAD_SITE', 'suggest: --page and --crawl go with --site <url> (your running server).');
  const candidate = siteCandidateArgs(args);
  const catalog = await loadCatalog(args);
  const { config, candidates } = await withSuggestFlags(() => resolveSiteSelection('suggest', candidate, catalog));
  const base = candidates![0]!.value;
  const remote = await remoteSetup('suggest', config, io);
  const outDir = mkdtempSync(join(tmpdir(), 'csph-suggest-site-'));
  const abort = new AbortController();
  const onSignal = () => {
    if (!abort.signal.aborted) io.err('\ncsp-harness: interrupted: finishing the pages in flight and closing the browsers.');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const ctx: RoundContext = { io, site, config, catalog, outDir, signal: abort.signal, remote };
    const outcome = await withSuggestFlags(() =>
      suggestForSite({
        base,
        maxRounds: context.maxRounds,
        load: (policy, pages) => loadRound(ctx, policy, pages),
        onRound: (round, added, removed, pages) =>
          io.err(`csp-harness: suggest round ${round}: added ${added.join(', ') || 'nothing'}${removed.length > 0 ? `; took out ${removed.join(', ')} ('unsafe-inline' is ignored beside it)` : ''}; loading ${pages} page${pages === 1 ? '' : 's'} again`),
      }),
    );
    if (outcome.interrupted) return 130;
    return deliver(io, args, config, site, outcome);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(outDir, { recursive: true, force: true });
  }
}
