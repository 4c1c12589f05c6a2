// run --site: the user's own running server behind the site origin (server/siteUpstream.ts). The
// harness first fetches each page itself (is the server up? which links, which nonces?), crawls when
// asked, then loads every page in every browser: one page cell per page × browser, plus one cell per
// feature of each vendor the page contacted, all judged from that one load. Findings about the site
// (siteFindings.ts) come from the server's logged answers and the cells' evidence.
import { hostOf } from '../shared/urlPattern.ts';
import pLimit from 'p-limit';
import { parseCspMessage } from '../collectors/messages.ts';
import { mergeViolations } from '../collectors/merge.ts';
import type { BrowserSource, CellObservation, DomCheck, Engine, EngineSession } from '../engines/types.ts';
import type { ReportBrowser, ReportCell, ReportFinding, ReportSite, ReportSitePage } from '../reporters/model.ts';
import { FixtureNetwork, type Lane } from '../server/network.ts';
import { hostMatches } from '../server/routes.ts';
import type { SiteExchange } from '../server/siteUpstream.ts';
import { samePageLinks } from '../server/siteHtml.ts';
import { HarnessError, type BrowserId, type ReportPolicy, type ReportViolation } from '../shared/vocabulary.ts';
import type { SiteContext } from '../site/context.ts';
import { catalogRoutes } from '../vendors/index.ts';
import type { ExpectEntry, Vendor } from '../vendors/types.ts';
import type { ScreenshotChoice } from './config.ts';
import { cellReports, saveScreenshot } from './execute.ts';
import { statusOf } from './expect.ts';
import { detectBrowsers } from './run.ts';
import { attribute, domChecksOf, isObserved, observedProbe, verdictsOf } from './observe.ts';
import { resolveParams } from './plan.ts';
import { schedule, type Outcomes } from './scheduler.ts';
import { documentExchanges, siteFindings, type PageEvidence } from './siteFindings.ts';

/** The user's server could not be reached at all: exit 2 before any browser starts. */
export class SiteUnreachableError extends HarnessError {
  constructor(message: string) {
    super('CSPH_SITE_UNREACHABLE', message);
  }
}

export interface SiteRunOptions {
  /** The user's running server (`--site`). */
  siteUrl: string;
  /** The origin the browsers see (`--origin`). */
  site: SiteContext;
  /** The pages to start from (`--page`, default `/`): paths with their query. */
  pages: readonly string[];
  /** `--crawl n`: follow same-origin links breadth first up to n pages in all (0: only `pages`). */
  crawl: number;
  /** A candidate that replaces the site's policies, or null: the site's own. */
  candidate: readonly ReportPolicy[] | null;
  catalog: readonly Vendor[];
  /** `--vendor` / `--feature`: which vendors' feature cells to make (null: all). */
  vendors: readonly string[] | null;
  features: readonly string[] | null;
  browsers: readonly BrowserId[];
  engines: Readonly<Record<BrowserId, Engine>>;
  browserSource: BrowserSource;
  fixturesRoot: string;
  concurrency: number;
  timeoutMs: number;
  outDir: string;
  screenshots?: ScreenshotChoice;
  onBegin?: (total: number, browsers: ReportBrowser[], pages: readonly string[]) => void;
  /** Called once per page load with its cells (the page cell first). */
  onPage?: (cells: ReportCell[]) => void;
  signal?: AbortSignal;
}

export interface SiteRunResult {
  cells: ReportCell[];
  browsers: ReportBrowser[];
  backgroundHosts: string[];
  interrupted: boolean;
  site: ReportSite;
  findings: ReportFinding[];
}

interface PageLoad {
  id: string;
  browser: BrowserId;
  page: string;
}

/** A page cell's id (`site:/checkout/chromium`); a vendor feature's on it adds `/<vendor>/<feature>` before the browser. */
export function sitePageCellId(page: string, browser: BrowserId, vendorFeature?: { vendor: string; feature: string }): string {
  return `site:${page}${vendorFeature ? `/${vendorFeature.vendor}/${vendorFeature.feature}` : ''}/${browser}`;
}

function pageCell(load: PageLoad, version: string): ReportCell {
  return {
    id: load.id,
    vendor: 'site',
    feature: load.page,
    params: {},
    page: load.page,
    browser: load.browser,
    browserVersion: version,
    status: 'skipped',
    expected: null,
    outcome: null,
    violations: [],
    probe: null,
    oracle: null,
    unexpectedHosts: [],
    screenshot: null,
    durationMs: 0,
    error: null,
    fix: null,
  };
}

const PAGE_OUTCOMES: Outcomes<PageLoad, ReportCell[]> = {
  errored: (load, version, code, message) => [{ ...pageCell(load, version), status: 'error', error: message, errorCode: code }],
  interrupted: (load) => [{ ...pageCell(load, ''), error: 'interrupted before this page loaded' }],
  // The site's own failures (a 5xx, no answer) are the site's: a second try would only repeat them.
  isError: (cells) => cells[0]?.status === 'error' && cells[0].errorCode !== 'CSPH_SITE_STATUS' && cells[0].errorCode !== 'CSPH_SITE_TIMEOUT',
  retried: (cells) => cells.map((c) => ({ ...c, attempts: 2 })),
};

/** Whether an error says the server could not be reached at all (not: it answered slowly or badly). */
function unreachable(message: string): boolean {
  return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|certificate|SSL|TLS|EPROTO/i.test(message);
}

/** The smallest change a site cell's first blocking violation asks for. */
function fixOf(violations: readonly ReportViolation[]): string | null {
  const v = violations.find((x) => x.disposition === 'enforce');
  if (!v) return null;
  const directive = v.effectiveDirective.replace(/-(elem|attr)$/, '');
  if (v.kind === 'inline') return `put the response's nonce on the ${directive.startsWith('style') ? 'style' : 'script'}, or allow its hash in ${directive}`;
  if (v.kind === 'eval') return `remove the string evaluation, or allow 'unsafe-eval' in ${directive}`;
  let source = v.blockedURI;
  try {
    const url = new URL(v.blockedURI);
    source = /^(data|blob):$/.test(url.protocol) ? url.protocol : url.origin;
  } catch {
    if (/^(data|blob)$/.test(v.blockedURI)) source = `${v.blockedURI}:`;
  }
  return `allow ${source} in ${directive}`;
}

/** The features a vendor declares on the user's page: its own URL expectations, DOM checks and probe (nothing of a fixture page's). */
function siteExpectations(vendor: Vendor, feature: string): ExpectEntry[] {
  const entries = vendor.expectations({ feature, params: resolveParams(vendor, {}), nonce: false });
  const absolute = (u: string) => /^[a-z][a-z0-9+.-]*:/i.test(u) && !u.includes('{{');
  return entries.filter((e) => {
    if ('request' in e) return absolute(e.request) && e.initiator !== 'parser';
    if ('frame' in e) return absolute(e.frame);
    if ('websocket' in e) return absolute(e.websocket);
    return 'selector' in e || 'style' in e || 'probe' in e;
  });
}

export async function runSite(options: SiteRunOptions): Promise<SiteRunResult> {
  const { site } = options;
  const network = await FixtureNetwork.start({
    fixturesRoot: options.fixturesRoot,
    site,
    routes: catalogRoutes(options.catalog),
    siteUpstream: { target: options.siteUrl, candidate: options.candidate, timeoutMs: options.timeoutMs },
  });
  try {
    const pages = await discoverPages(network, options);
    return await loadPages(network, pages, options);
  } finally {
    await network.close();
  }
}

/**
 * The harness's own fetch of every page (reachability, links, a second look at its nonces), breadth
 * first from the given pages while --crawl allows. The first failing to connect is exit 2.
 */
async function discoverPages(network: FixtureNetwork, options: SiteRunOptions): Promise<string[]> {
  const limit = Math.max(options.crawl, options.pages.length);
  const pages: string[] = [];
  const queued = new Set<string>();
  let frontier = [...options.pages];
  for (const p of frontier) queued.add(p);
  const fetchOne = pLimit(4);
  const origins = [options.site.origin, new URL(options.siteUrl).origin];
  let first = true;
  while (frontier.length > 0 && pages.length < limit) {
    const batch = frontier.slice(0, limit - pages.length);
    frontier = [];
    const fetched = await Promise.all(batch.map((page) => fetchOne(() => network.fetchSitePage(page).then((r) => ({ page, r, error: null as string | null }), (e: Error) => ({ page, r: null, error: e.message })))));
    for (const { page, r, error } of fetched) {
      if (error !== null && first && unreachable(error)) {
        throw new SiteUnreachableError(
          `run --site: the site ${options.siteUrl} cannot be reached (${error}). Start your server first (for example: npm run dev), check the URL and port, and run again.`,
        );
      }
      first = false;
      // A crawled link that is not a page (an image, a download) is not one of the site's pages.
      if (r && !r.exchange.html && !options.pages.includes(page)) continue;
      pages.push(page);
      if (r && options.crawl > 0 && r.exchange.links) {
        for (const next of samePageLinks(r.exchange.links, `${options.site.origin}${page}`, origins)) {
          if (queued.has(next)) continue;
          queued.add(next);
          frontier.push(next);
        }
      }
    }
  }
  return pages;
}

async function loadPages(network: FixtureNetwork, pages: readonly string[], options: SiteRunOptions): Promise<SiteRunResult> {
  const { availability, browsers } = await detectBrowsers(options.browsers, options.engines, options.browserSource);
  const loads: PageLoad[] = pages.flatMap((page) => options.browsers.map((browser) => ({ id: sitePageCellId(page, browser), browser, page })));
  options.onBegin?.(loads.length, browsers, pages);
  const vendors = options.catalog.filter((v) => options.vendors === null || options.vendors.includes(v.id));
  // Every DOM check any vendor feature declares is read on every page: which vendors a page has is known only after it loaded.
  const checkSlots: { vendor: string; feature: string; checks: DomCheck[]; offset: number }[] = [];
  const allChecks: DomCheck[] = [];
  for (const vendor of vendors) {
    for (const f of vendor.features) {
      const checks = domChecksOf(siteExpectations(vendor, f.id));
      if (checks.length === 0) continue;
      checkSlots.push({ vendor: vendor.id, feature: f.id, checks, offset: allChecks.length });
      allChecks.push(...checks);
    }
  }
  const results: ReportCell[] = [];
  const evidence: PageEvidence[] = [];
  const finish = (cells: ReportCell[]) => {
    results.push(...cells);
    options.onPage?.(cells);
  };
  const queues = new Map<BrowserId, PageLoad[]>();
  for (const load of loads) {
    const a = availability.get(load.browser)!;
    if (!a.available) finish([{ ...pageCell(load, ''), error: `${load.browser} is not installed: ${a.install ?? 'install it'}` }]);
    else queues.set(load.browser, [...(queues.get(load.browser) ?? []), load]);
  }
  const scheduled = await schedule<PageLoad, ReportCell[]>({
    queues,
    engines: options.engines,
    launchOptions: { source: options.browserSource, isCspMessage: (text) => parseCspMessage(text) !== null },
    concurrency: options.concurrency,
    openLane: () => network.openLane(),
    execute: async (load, session, lane) => {
      const judged = await judgePage(load, { network, session, lane, options, vendors, allChecks, checkSlots });
      evidence.push(judged.evidence);
      return judged.cells;
    },
    onResult: finish,
    signal: options.signal,
    outcomes: PAGE_OUTCOMES,
  });
  for (const b of browsers) b.version = scheduled.versions.get(b.id) ?? null;
  results.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const vendorHost = (host: string) => catalogRoutes(options.catalog).some((r) => hostMatches(r.host, host));
  const findings = siteFindings({ origin: options.site.origin, exchanges: network.siteExchanges, pages, evidence, vendorHost });
  const background = [...new Set(network.unexpectedHosts.filter((u) => u.cellId === null).map((u) => u.host))];
  return { cells: results, browsers, backgroundHosts: background, interrupted: scheduled.interrupted, site: siteOf(network.siteExchanges, pages, options, evidence), findings };
}

function siteOf(exchanges: readonly SiteExchange[], pages: readonly string[], options: SiteRunOptions, evidence: readonly PageEvidence[]): ReportSite {
  const answered = exchanges.filter((e) => e.status > 0);
  const byPage: ReportSitePage[] = pages.map((path) => {
    const ids = new Set(options.browsers.map((b) => sitePageCellId(path, b)));
    const docs = documentExchanges(answered, options.site.origin, path);
    const redirectedTo = evidence.find((e) => e.page === path && e.redirectedTo)?.redirectedTo;
    return {
      path,
      statuses: docs.map((d) => d.status),
      requests: answered.filter((e) => (e.cellId !== null && ids.has(e.cellId)) || (e.by === 'harness' && docs.includes(e))).length,
      ...(redirectedTo ? { redirectedTo } : {}),
    };
  });
  return { url: options.siteUrl, origin: options.site.origin, policy: options.candidate ? 'candidate' : 'site', requests: answered.length, pages: byPage };
}

interface PageEnvironment {
  network: FixtureNetwork;
  session: EngineSession;
  lane: Lane;
  options: SiteRunOptions;
  vendors: readonly Vendor[];
  allChecks: readonly DomCheck[];
  checkSlots: readonly { vendor: string; feature: string; checks: DomCheck[]; offset: number }[];
}

/** Where the page's document ended up: its last answer on the site, or the other origin it redirected to. */
function documentChain(exchanges: readonly SiteExchange[], origin: string, page: string): { final: SiteExchange | null; redirectedTo: string | null; chain: string[] } {
  let url = `${origin}${page}`;
  const chain: string[] = [];
  let final: SiteExchange | null = null;
  for (let hops = 0; hops < 20; hops++) {
    const answer = exchanges.find((e) => e.url === url && e.method === 'GET' && !chain.includes(`${e.status} ${e.url}`));
    if (!answer) break;
    final = answer;
    chain.push(`${answer.status} ${answer.url}`);
    if (answer.status < 300 || answer.status >= 400 || !answer.location) break;
    const next = new URL(answer.location, url);
    if (next.origin !== origin) return { final, redirectedTo: next.href, chain };
    url = next.href;
  }
  return { final, redirectedTo: null, chain };
}

async function judgePage(load: PageLoad, env: PageEnvironment): Promise<{ cells: ReportCell[]; evidence: PageEvidence }> {
  const { network, session, lane, options } = env;
  const url = `${options.site.origin}${load.page}`;
  const startedAt = Date.now();
  const observation: CellObservation = await lane.attribute(load.id, () =>
    session.loadCell({
      cellId: load.id,
      url,
      timeoutMs: options.timeoutMs,
      ...(env.allChecks.length ? { checks: env.allChecks } : {}),
      activity: () => lane.lastActivity,
      wantScreenshot: (obs) => obs.error === null && (options.screenshots === 'all' || obs.signals.length > 0),
    }),
  );
  const reports = cellReports(network, load.id, startedAt, observation.harnessActedAt);
  const violations = mergeViolations(observation.signals, reports, { siteOrigins: [options.site.origin] });
  const exchanges = network.siteExchanges.filter((e) => e.cellId === load.id && e.by === 'browser');
  const { final, redirectedTo, chain } = documentChain(exchanges, options.site.origin, load.page);
  const refusedAll = network.unexpectedHosts.filter((u) => u.cellId === load.id);
  const answered = network.answeredFor(load.id);

  const screenshot = observation.screenshot ? saveScreenshot(options.outDir, load.id, observation.screenshot) : null;

  // The page cell: the document answered 2xx (after redirects) and nothing was blocked.
  let error: string | null = observation.error?.message ?? null;
  let errorCode: string | undefined = observation.error?.code;
  let probe: { ok: boolean; detail: string };
  const via = chain.length > 1 ? ` (${chain.join(' → ')})` : '';
  if (redirectedTo) {
    const refused = refusedAll.some((u) => u.url === redirectedTo || u.host === hostOf(redirectedTo));
    probe = { ok: false, detail: `${load.page} redirected to ${redirectedTo}, another origin${refused ? ', which no fixture answers: the harness refused it' : ''}${via}` };
  } else if (final && final.status >= 200 && final.status < 300) {
    probe = { ok: true, detail: `the site answered ${final.status} for ${load.page}${via}` };
  } else if (final && final.status > 0) {
    probe = { ok: false, detail: `the site answered ${final.status} for ${final.url.slice(options.site.origin.length)}${via}` };
    if (final.status >= 500 && !error) {
      error = `csp-harness: the site ${options.siteUrl} answered ${final.status} for ${final.url.slice(options.site.origin.length)}: a server error, so the page could not be judged.`;
      errorCode = 'CSPH_SITE_STATUS';
    }
  } else {
    const failed = network.siteExchanges.find((e) => e.cellId === load.id && e.url === url && e.error);
    probe = { ok: false, detail: failed?.error ?? `the site never answered ${load.page}` };
    if (errorCode === 'CSPH_CELL_TIMEOUT') {
      error = `csp-harness: ${load.page} never finished loading within ${options.timeoutMs} ms (the cell timeout): the site ${options.siteUrl} ${failed ? `gave no answer (${failed.error})` : 'had not answered it'}. A page that needs longer: --timeout <ms>.`;
      errorCode = 'CSPH_SITE_TIMEOUT';
    }
  }
  const status = statusOf(probe.ok, violations, error);
  const enforced = violations.filter((v) => v.disposition === 'enforce');
  const page: ReportCell = {
    ...pageCell(load, session.version),
    status,
    violations,
    probe,
    unexpectedHosts: [...new Set(refusedAll.map((u) => u.host))],
    screenshot,
    durationMs: observation.durationMs,
    error,
    ...(errorCode ? { errorCode } : {}),
    fix: status === 'fail' ? fixOf(enforced) : null,
  };
  const cells: ReportCell[] = [page];

  // One cell per feature of every vendor the page contacted (or tried to: a blocked URL on its host counts).
  if (status !== 'error') {
    const hosts = new Set<string>([...answered.map((a) => hostOf(a.url)), ...refusedAll.map((u) => u.host), ...violations.map((v) => hostOf(v.blockedURI))].filter((h): h is string => h !== null));
    for (const vendor of env.vendors) {
      const mineHost = (h: string) => vendor.routes.some((r) => hostMatches(r.host, h));
      if (![...hosts].some(mineHost)) continue;
      const features = vendor.features.filter((f) => options.features === null || options.features.includes(f.id));
      const anyProbe = features.some((f) => observation.probes.some((p) => p.feature === f.id));
      for (const f of features) {
        const expectations = siteExpectations(vendor, f.id);
        const observed = isObserved(expectations);
        let cellProbe: { ok: boolean; detail: string } | null;
        let skipped: string | null = null;
        if (observed) {
          const slot = env.checkSlots.find((s) => s.vendor === vendor.id && s.feature === f.id);
          const checks = slot && observation.checks ? observation.checks.slice(slot.offset, slot.offset + slot.checks.length) : undefined;
          cellProbe = observedProbe(verdictsOf(expectations, { answered, frames: observation.frames, ...(checks ? { checks } : {}) }));
        } else {
          const rec = observation.probes.find((p) => p.feature === f.id);
          if (rec) cellProbe = { ok: rec.state === 'ok', detail: rec.state === 'pending' ? `still pending after settling: ${rec.detail}` : rec.detail };
          else if (!anyProbe) cellProbe = { ok: false, detail: "no probe result: the vendor's script never ran on this page" };
          else {
            cellProbe = null;
            skipped = `not exercised on ${load.page}: ${vendor.title}'s stand-in does one feature per page, and here it did ${observation.probes.filter((p) => features.some((x) => x.id === p.feature)).map((p) => p.feature).join(', ')}`;
          }
        }
        const own = observed
          ? attribute(violations, expectations, !(cellProbe?.ok ?? true))
          : { mine: violations.filter((v) => { const h = hostOf(v.blockedURI); return h !== null && mineHost(h); }), other: [] as ReportViolation[] };
        const other = observed ? own.other : violations.filter((v) => !own.mine.includes(v));
        const vendorStatus = skipped ? 'skipped' : statusOf(cellProbe!.ok, own.mine, null);
        cells.push({
          ...pageCell(load, session.version),
          id: sitePageCellId(load.page, load.browser, { vendor: vendor.id, feature: f.id }),
          vendor: vendor.id,
          feature: f.id,
          params: resolveParams(vendor, {}),
          status: vendorStatus,
          violations: own.mine,
          ...(other.length > 0 ? { otherViolations: other } : {}),
          probe: cellProbe,
          unexpectedHosts: [],
          screenshot,
          durationMs: observation.durationMs,
          error: skipped,
          fix: vendorStatus === 'fail' ? fixOf(own.mine) : null,
        });
      }
    }
  }
  const evidence: PageEvidence = {
    page: load.page,
    browser: load.browser,
    violations,
    refused: refusedAll.map((u) => ({ host: u.host, url: u.url, dest: u.dest ?? null })),
    redirectedTo,
  };
  return { cells, evidence };
}


