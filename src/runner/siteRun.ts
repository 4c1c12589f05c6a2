// run --site: the user's own running server behind the site origin (server/siteUpstream.ts). The
// harness first fetches each page itself (is the server up? which links, which nonces?), crawls when
// asked, then loads every page in every browser: one page cell per page × browser, plus one cell per
// feature of each vendor the page contacted, all judged from that one load. Findings about the site
// (siteFindings.ts) come from the server's logged answers and the cells' evidence.
import pLimit from 'p-limit';
import { parseCspMessage } from '../collectors/messages.ts';
import type { BrowserSource, DomCheck, Engine } from '../engines/types.ts';
import type { ReportBrowser, ReportCell, ReportFinding, ReportSite, ReportSitePage } from '../reporters/model.ts';
import type { ListenAddress } from '../server/loopback.ts';
import { FixtureNetwork } from '../server/network.ts';
import { hostMatches } from '../server/routes.ts';
import type { SiteExchange } from '../server/siteUpstream.ts';
import { samePageLinks } from '../server/siteHtml.ts';
import { HarnessError, type BrowserId, type ReportPolicy } from '../shared/vocabulary.ts';
import type { SiteContext } from '../site/context.ts';
import { catalogRoutes } from '../vendors/index.ts';
import type { Vendor } from '../vendors/types.ts';
import type { ScreenshotChoice } from './config.ts';
import { detectBrowsers } from './run.ts';
import { domChecksOf } from './observe.ts';
import { schedule, type Outcomes } from './scheduler.ts';
import { documentExchanges, siteFindings, type PageEvidence } from './siteFindings.ts';
import { judgePage, pageCell, siteExpectations, sitePageCellId, type PageLoad } from './siteJudge.ts';

export { sitePageCellId } from './siteJudge.ts';

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
  /** Where the fixture proxy listens (`--listen`): loopback unless remote browsers need it elsewhere. The site is still forwarded to from here. */
  listen?: ListenAddress;
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
  /** Every answer of the site, as logged (the harness's own fetches carry each page's HTML reading): for suggest --site. */
  exchanges: readonly SiteExchange[];
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

export async function runSite(options: SiteRunOptions): Promise<SiteRunResult> {
  const { site } = options;
  const network = await FixtureNetwork.start({
    fixturesRoot: options.fixturesRoot,
    site,
    routes: catalogRoutes(options.catalog),
    siteUpstream: { target: options.siteUrl, candidate: options.candidate, timeoutMs: options.timeoutMs },
    listen: options.listen,
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
  return { cells: results, browsers, backgroundHosts: background, interrupted: scheduled.interrupted, site: siteOf(network.siteExchanges, pages, options, evidence), findings, exchanges: network.siteExchanges };
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
