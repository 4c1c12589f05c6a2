// run --site: judging one page load (siteRun.ts schedules them): the page cell from the document's
// fate and the enforced violations, and one cell per feature of each vendor the page contacted, all
// from that one load.
import { hostOf } from '../shared/urlPattern.ts';
import { mergeViolations } from '../collectors/merge.ts';
import type { CellObservation, DomCheck, EngineSession } from '../engines/types.ts';
import type { ReportCell } from '../reporters/model.ts';
import type { FixtureNetwork, Lane } from '../server/network.ts';
import { hostMatches } from '../server/routes.ts';
import type { SiteExchange } from '../server/siteUpstream.ts';
import type { BrowserId, ReportViolation } from '../shared/vocabulary.ts';
import type { SiteContext } from '../site/context.ts';
import type { ExpectEntry, Vendor } from '../vendors/types.ts';
import type { ScreenshotChoice } from './config.ts';
import { blankCell, cellReports, saveScreenshot } from './execute.ts';
import { statusOf } from './expect.ts';
import { attribute, isObserved, observedProbe, verdictsOf } from './observe.ts';
import { resolveParams } from './plan.ts';
import type { PageEvidence } from './siteFindings.ts';

export interface PageLoad {
  id: string;
  browser: BrowserId;
  page: string;
}

/** A page cell's id (`site:/checkout/chromium`); a vendor feature's on it adds `/<vendor>/<feature>` before the browser. */
export function sitePageCellId(page: string, browser: BrowserId, vendorFeature?: { vendor: string; feature: string }): string {
  return `site:${page}${vendorFeature ? `/${vendorFeature.vendor}/${vendorFeature.feature}` : ''}/${browser}`;
}

export function pageCell(load: PageLoad, version: string): ReportCell {
  return { ...blankCell({ id: load.id, vendor: 'site', feature: load.page, params: {}, browser: load.browser, browserVersion: version }), page: load.page };
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
export function siteExpectations(vendor: Vendor, feature: string): ExpectEntry[] {
  const entries = vendor.expectations({ feature, params: resolveParams(vendor, {}), nonce: false });
  const absolute = (u: string) => /^[a-z][a-z0-9+.-]*:/i.test(u) && !u.includes('{{');
  return entries.filter((e) => {
    if ('request' in e) return absolute(e.request) && e.initiator !== 'parser';
    if ('frame' in e) return absolute(e.frame);
    if ('websocket' in e) return absolute(e.websocket);
    return 'selector' in e || 'style' in e || 'probe' in e;
  });
}

/** What judging a page needs of the run's options (siteRun.ts SiteRunOptions). */
export interface PageJudging {
  siteUrl: string;
  site: SiteContext;
  features: readonly string[] | null;
  timeoutMs: number;
  outDir: string;
  screenshots?: ScreenshotChoice;
}

export interface PageEnvironment {
  network: FixtureNetwork;
  session: EngineSession;
  lane: Lane;
  options: PageJudging;
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

export async function judgePage(load: PageLoad, env: PageEnvironment): Promise<{ cells: ReportCell[]; evidence: PageEvidence }> {
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


