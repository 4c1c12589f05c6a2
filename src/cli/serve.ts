// `csp-harness serve`: the fixture network for a person's own browser, until Ctrl-C.
import type { RemoteEndpoint } from '../engines/remote.ts';
import type { ResolvedConfig } from '../runner/config.ts';
import { isLoopback, listenWarning, type ListenAddress } from '../server/loopback.ts';
import { FixtureNetwork } from '../server/network.ts';
import { buildCellPage } from '../runner/cellPage.ts';
import { catalogPolicySources, catalogRoutes, VENDORS } from '../vendors/index.ts';
import { loadCatalog } from './catalog.ts';
import { flag, parseCommandArgs } from './args.ts';
import { EXIT_OK } from './errors.ts';
import { FIXTURES_ROOT, LISTEN_HELP, REMOTE_OPTIONS, resolveSelection, resolveSiteSelection, selectionOptions } from './runOptions.ts';
import type { Io } from './io.ts';
import { refuseWithSite, SITE_HELP, SITE_OPTIONS, siteArgs, type SiteArgs } from './site.ts';
import { UsageError } from './errors.ts';
import type { Vendor } from '../vendors/types.ts';
import type { Parsed } from './args.ts';

export const SERVE_HELP = `Usage: csp-harness serve [SCENARIO_FILE_OR_DIR ...] [selection options as for run] [--json]

Starts the fixture proxy (on loopback unless --listen says otherwise) with one page per vendor
feature under the candidate policy, and keeps it up until Ctrl-C, so you can open a case — e.g.
Genesys "broken icons" — in a browser of your own and look at its DevTools.

  --policy, --policy-file, --delivery, --lenient, --vendor, --vendor-dir, --feature, --param,
  --origin, --config, and each vendor's policy format   as for 'csp-harness run'
  --json     print one line: { "proxy": "http://127.0.0.1:PORT", "caCertificate": "<PEM path>", "pages": [ … ] }
${LISTEN_HELP}
${SITE_HELP.replace('test your own running server', 'serve your own running server').replace(/\n\s+--crawl[^\n]*/, '')}

Point the browser at the proxy and trust the CA certificate (it is made for this run and deleted
at exit), e.g.: chromium --proxy-server=http://127.0.0.1:PORT --ignore-certificate-errors <page>
A browser on another machine: --listen 0.0.0.0 (a warning says who can reach the proxy then), and
the proxy printed names this machine. --connect and --webdriver are run's and suggest's: serve
drives no browser. Nothing but --site goes out to the network: a host no fixture answers is refused
and printed.`;

/** Flags that drive a browser: serve has none to drive. */
const BROWSER_FLAGS = ['connect', 'webdriver'] as const;

/**
 * serve drives no browser: --connect / --webdriver given as flags are refused (exit 2, the message);
 * from the config file (shared with run and suggest) they are left out with a note. Pure.
 */
export function serveRemotes(given: readonly string[], remotes: readonly Pick<RemoteEndpoint, 'browser' | 'via'>[], configPath: string | null): { refuse: string } | { note: string } | null {
  const flag = BROWSER_FLAGS.find((name) => given.includes(name));
  if (flag) {
    return { refuse: `serve: --${flag} drives a browser for run and suggest; serve drives none, it waits for a browser of your own. Drop --${flag}, and point that browser at the proxy serve prints (add --listen 0.0.0.0 when it runs on another machine).` };
  }
  if (remotes.length === 0) return null;
  const keys = BROWSER_FLAGS.filter((via) => remotes.some((r) => r.via === via)).map((via) => `"${via}" (${remotes.filter((r) => r.via === via).map((r) => r.browser).join(', ')})`);
  return { note: `note: serve: ${keys.join(' and ')} in ${configPath ?? 'the config file'} ${keys.length === 1 ? 'is' : 'are'} for run and suggest and not used here: serve drives no browser, you bring your own.` };
}

/** The remote-engine keys refused or noted, the listen warning printed: where the proxy listens. */
function serveListen(config: ResolvedConfig, io: Io): ListenAddress {
  const remotes = serveRemotes([], config.remotes, config.configPath);
  if (remotes && 'note' in remotes) io.err(`csp-harness: ${remotes.note}`);
  const warning = listenWarning(config.listen);
  if (warning) io.err(`csp-harness: ${warning}`);
  return config.listen;
}

/** --connect / --webdriver as flags: exit 2 before anything is resolved. */
function refuseBrowserFlags(args: Parsed): void {
  const remotes = serveRemotes(BROWSER_FLAGS.filter((name) => args.values[name] !== undefined), [], null);
  if (remotes && 'refuse' in remotes) throw new UsageError('CSPH_SERVE_REMOTE', remotes.refuse);
}

export async function serveCommand(argv: string[], io: Io): Promise<number> {
  const args = parseCommandArgs('serve', argv, { ...selectionOptions(catalogPolicySources(VENDORS)), ...REMOTE_OPTIONS, ...SITE_OPTIONS, json: { type: 'boolean' } }, true);
  if (flag(args, 'help')) {
    io.out(SERVE_HELP);
    return EXIT_OK;
  }
  refuseBrowserFlags(args);
  const catalog = await loadCatalog(args);
  const ownSite = siteArgs('serve', args);
  if (ownSite) return serveSite(args, io, catalog, ownSite);
  const selection = await resolveSelection('serve', args, catalog);
  // One page per cell without its browser: the person brings the browser.
  const seen = new Set<string>();
  const cells = selection.cells.filter((c) => {
    const key = c.id.slice(0, c.id.lastIndexOf('/'));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const site = selection.config.site;
  const listen = serveListen(selection.config, io);
  const network = await FixtureNetwork.start({ fixturesRoot: FIXTURES_ROOT, site, routes: catalogRoutes(catalog), listen });
  const pages: string[] = [];
  try {
    const lane = await network.openLane();
    for (const cell of cells) {
      const id = cell.id.slice(0, cell.id.lastIndexOf('/'));
      pages.push(network.registerPage(buildCellPage({ ...cell, id }, site).spec));
    }
    if (flag(args, 'json')) {
      io.out(JSON.stringify({ proxy: lane.proxyUrl, caCertificate: network.caCertificatePath, pages }));
    } else {
      io.out(`csp-harness: serving ${pages.length} page${pages.length === 1 ? '' : 's'} through the proxy ${lane.proxyUrl}`);
      io.out(`CA certificate (this run only): ${network.caCertificatePath}${caWhere(listen)}`);
      io.out(`Try: chromium --proxy-server=${lane.proxyUrl} --ignore-certificate-errors ${pages[0] ?? ''}`);
      for (const p of pages) io.out(`  ${p}`);
      io.out('Ctrl-C to stop.');
    }
    await untilStopped(network, io);
  } finally {
    await network.close();
  }
  return EXIT_OK;
}

/** Where the CA certificate is, for a browser on another machine. */
const caWhere = (listen: ListenAddress) => (isLoopback(listen.host) ? '' : " (on this machine: copy it to the browser's, or ignore certificate errors as below)");

/** Until Ctrl-C: prints each refused host once, and (for a site) each CSP report as it arrives. */
async function untilStopped(network: FixtureNetwork, io: Io, reports = false): Promise<void> {
  const reported = new Set<string>();
  let seenReports = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (const u of network.unexpectedHosts) {
        if (reported.has(u.host)) continue;
        reported.add(u.host);
        io.err(`csp-harness: refused ${u.url} (no fixture answers ${u.host})`);
      }
      for (; reports && seenReports < network.reports.length; seenReports++) {
        const r = network.reports[seenReports]!.report;
        if (r) io.err(`csp-harness: ${r.disposition === 'report' ? 'reported (report-only)' : 'blocked'} on ${r.documentURI}: ${r.effectiveDirective} ${r.blockedURI}`);
      }
    }, 500);
    const stop = () => {
      clearInterval(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** serve --site: the user's running server behind the site origin, as run --site loads it, for a person's own browser. */
async function serveSite(args: Parsed, io: Io, catalog: Vendor[], site: SiteArgs): Promise<number> {
  refuseWithSite('serve', args);
  const { config, candidates } = await resolveSiteSelection('serve', args, catalog);
  const listen = serveListen(config, io);
  const network = await FixtureNetwork.start({
    fixturesRoot: FIXTURES_ROOT,
    site: config.site,
    routes: catalogRoutes(catalog),
    siteUpstream: { target: site.siteUrl, candidate: candidates, timeoutMs: config.timeoutMs },
    listen,
  });
  try {
    try {
      await network.fetchSitePage(site.pages[0]!);
    } catch (error) {
      if (/no answer within/.test((error as Error).message)) throw error;
      throw new UsageError('CSPH_SITE_UNREACHABLE', `serve --site: the site ${site.siteUrl} cannot be reached (${(error as Error).message}). Start your server first, check the URL and port, and run again.`);
    }
    const lane = await network.openLane();
    const pages = site.pages.map((p) => `${config.site.origin}${p}`);
    if (flag(args, 'json')) {
      io.out(JSON.stringify({ proxy: lane.proxyUrl, caCertificate: network.caCertificatePath, pages }));
    } else {
      io.out(`csp-harness: serving ${site.siteUrl} as ${config.site.origin} through the proxy ${lane.proxyUrl}${candidates ? ', under the candidate policy' : ", under the site's own policies"} (reports come here, not to the site)`);
      io.out(`CA certificate (this run only): ${network.caCertificatePath}${caWhere(listen)}`);
      io.out(`Try: chromium --proxy-server=${lane.proxyUrl} --ignore-certificate-errors ${pages[0]}`);
      io.out('Ctrl-C to stop.');
    }
    await untilStopped(network, io, true);
  } finally {
    await network.close();
  }
  return EXIT_OK;
}
