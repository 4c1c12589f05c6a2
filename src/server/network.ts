// The fixture network: every browser talks to a loopback HTTPS-intercepting proxy that answers for
// the site origin, the vendors' real host names (from fixtures/ or recorded traffic), WebSockets and
// reports — and refuses, and records, every other host. Nothing leaves loopback but what an `upstream`
// route sends to the server it names. Each route kind is served by its own file: staticFiles.ts,
// replay.ts, wsReplay.ts, upstream.ts; the site of run --site by siteUpstream.ts; reports by
// reportEndpoint.ts.
import { hostOf } from '../shared/urlPattern.ts';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { getLocal, type CompletedRequest, type Mockttp } from 'mockttp';
import httpServer from 'http-server';
import { createRunCa, type RunCa } from './ca.ts';
import { LOOPBACK, onAddress, proxyUrlOf, type ListenAddress } from './loopback.ts';
import { REPORT_HOST, siteContext, type SiteContext } from '../site/context.ts';
import { renderPage, type PageSpec } from './page.ts';
import { Replay, notRecorded } from './replay.ts';
import { answersHttp, answersWebSocket, routesFor, type ReplayRoute, type Route, type StaticRoute, type UpstreamRoute, type WsReplayRoute } from './routes.ts';
import { addUpstreamRules, upstreamTarget } from './upstream.ts';
import { WsReplayer } from './wsReplay.ts';
import { uncached } from './uncached.ts';
import { SiteLink, siteTarget, type SiteExchange, type SiteUpstreamOptions } from './siteUpstream.ts';
import { quietenSocketResets } from './quiet.ts';
import { MAX_REPORT_BYTES, receiveReport, type StoredReport } from './reportEndpoint.ts';
import { CORS, serveStatic } from './staticFiles.ts';

export { MAX_REPORT_BYTES, type StoredReport } from './reportEndpoint.ts';

/** run --site: the largest request body forwarded to the user's server (a form upload). */
export const MAX_SITE_BODY_BYTES = 32 * 1024 * 1024;

export interface UnexpectedHost {
  cellId: string | null;
  host: string;
  url: string;
  /** What the browser fetched it as (`Sec-Fetch-Dest`, or `websocket`), null when it did not say. */
  dest?: string | null;
}

/** A request to a replay host (or a WebSocket to a ws-replay host) for a URL its recording does not hold. */
export interface UnrecordedRequest {
  cellId: string | null;
  method: string;
  url: string;
}

/** What the proxy answered for a cell: an HTTP request a route served, or a WebSocket upgrade it took. */
export interface AnsweredRequest {
  cellId: string | null;
  kind: 'http' | 'websocket';
  method: string;
  url: string;
  status: number;
}

export interface NetworkOptions {
  /** Root of the fixture files (default: the repo's fixtures/). */
  fixturesRoot: string;
  /** The site the pages are served on (default: the default site context). */
  site?: SiteContext;
  /** What answers each host (vendors declare them). */
  routes?: readonly Route[];
  /** Extra latency for a host's responses (a slow stub), in ms. */
  delays?: Record<string, number>;
  /** run --site: the site origin is the user's running server, forwarded (siteUpstream.ts), not fixture pages. */
  siteUpstream?: SiteUpstreamOptions;
  /** Where the lanes' proxies listen and the host their URLs name (`run --listen`; default loopback, loopback.ts). */
  listen?: ListenAddress;
}

/** One browser's (or context's) own proxy. */
export interface Lane {
  /** `http://127.0.0.1:PORT` (or the `--listen` address's advertised host): point one browser (or context) at it. */
  readonly proxyUrl: string;
  readonly port: number;
  /** When this lane last saw a request or an upgrade, ms epoch (0: never): settling counts it as activity. */
  readonly lastActivity: number;
  /**
   * Runs `load` with this lane's traffic attributed to `cellId` (refused hosts are recorded on it);
   * before and after, what the browser asks for is its own background traffic.
   */
  attribute<T>(cellId: string, load: () => Promise<T>): Promise<T>;
}

class ProxyLane implements Lane {
  proxyUrl = '';
  port = 0;
  lastActivity = 0;
  private cellId: string | null = null;

  touch(): void {
    this.lastActivity = Date.now();
  }

  get current(): string | null {
    return this.cellId;
  }

  async attribute<T>(cellId: string, load: () => Promise<T>): Promise<T> {
    this.cellId = cellId;
    try {
      return await load();
    } finally {
      this.cellId = null;
    }
  }
}

/** A cell's list in a by-cell index, made on first use. */
function byCell<T>(index: Map<string, T[]>, cellId: string): T[] {
  let list = index.get(cellId);
  if (!list) index.set(cellId, (list = []));
  return list;
}

export class FixtureNetwork {
  readonly pages = new Map<string, PageSpec>();
  readonly reports: StoredReport[] = [];
  readonly unexpectedHosts: UnexpectedHost[] = [];
  readonly unrecordedRequests: UnrecordedRequest[] = [];
  /** Every request a route answered (static files found, recorded answers, WebSocket upgrades taken): the evidence of `request`, `frame` and `websocket` expectations. */
  readonly answered: AnsweredRequest[] = [];
  /** Every host the proxy was asked for, answered or not: the containment log. */
  readonly hostsSeen = new Set<string>();
  /** The same logs by cell: settling asks for a cell's every 75 ms, and the run's logs grow to thousands of entries. */
  private readonly answeredByCell = new Map<string, AnsweredRequest[]>();
  private readonly reportsByCell = new Map<string, StoredReport[]>();
  /** run --site: the user's server behind the site origin (siteUpstream.ts); null otherwise. */
  private readonly siteLink: SiteLink | null;
  private readonly servers: Mockttp[] = [];
  private readonly routes: readonly Route[];
  /** The routes that may answer an HTTP request, and those that may answer a WebSocket upgrade. */
  private readonly httpRoutes: readonly Route[];
  private readonly wsRoutes: readonly Route[];
  private readonly replays: Map<Route, Replay>;
  private wsReplayer: WsReplayer | null = null;
  readonly site: SiteContext;

  private constructor(
    readonly ca: RunCa,
    private readonly staticServer: Server,
    private readonly staticOrigin: string,
    private readonly options: NetworkOptions,
  ) {
    this.routes = [...(options.routes ?? [])];
    this.httpRoutes = this.routes.filter(answersHttp);
    this.wsRoutes = this.routes.filter(answersWebSocket);
    this.site = options.site ?? siteContext();
    this.siteLink = options.siteUpstream ? new SiteLink(options.siteUpstream, this.site) : null;
    this.replays = new Map(this.routes.filter((r): r is ReplayRoute => r.kind === 'replay').map((r) => [r, new Replay(r)]));
  }

  static async start(options: NetworkOptions): Promise<FixtureNetwork> {
    // A wrong upstream target is the caller's mistake: say so before anything starts.
    for (const route of options.routes ?? []) if (route.kind === 'upstream') upstreamTarget(route);
    if (options.siteUpstream) siteTarget(options.siteUpstream.target);
    quietenSocketResets();
    const ca = await createRunCa();
    try {
      const server = httpServer.createServer({ root: options.fixturesRoot, cache: -1, cors: true, showDir: false, autoIndex: false, gzip: false }).server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      const { port } = server.address() as AddressInfo;
      const network = new FixtureNetwork(ca, server, `http://127.0.0.1:${port}`, options);
      const wsReplays = network.routes.filter((r): r is WsReplayRoute => r.kind === 'ws-replay');
      if (wsReplays.length) network.wsReplayer = await WsReplayer.start(wsReplays, (url) => network.wsReplayRoute(url));
      return network;
    } catch (error) {
      ca.remove();
      throw error;
    }
  }

  /** run --site: every answer of the user's server (siteUpstream.ts), the harness's own fetches included. */
  get siteExchanges(): readonly SiteExchange[] {
    return this.siteLink?.exchanges ?? [];
  }

  get caCertificatePath(): string {
    return this.ca.certPath;
  }

  registerPage(spec: PageSpec): string {
    this.pages.set(spec.id, spec);
    return this.pageUrl(spec.id);
  }

  pageUrl(id: string): string {
    return this.site.pageUrl(id);
  }

  reportsFor(cellId: string): StoredReport[] {
    return [...(this.reportsByCell.get(cellId) ?? [])];
  }

  unexpectedHostsFor(cellId: string): string[] {
    return [...new Set(this.unexpectedHosts.filter((u) => u.cellId === cellId).map((u) => u.host))];
  }

  /** The URLs a cell asked of a replay host that its recording does not hold. */
  unrecordedRequestsFor(cellId: string): string[] {
    return [...new Set(this.unrecordedRequests.filter((u) => u.cellId === cellId).map((u) => u.url))];
  }

  /** What the proxy answered while the cell loaded, in order. */
  answeredFor(cellId: string): AnsweredRequest[] {
    return [...(this.answeredByCell.get(cellId) ?? [])];
  }

  /** A proxy of its own for one browser or context: what it loads is attributed through `lane.attribute`. */
  async openLane(): Promise<Lane> {
    // A body above maxBodySize reaches the handler empty: a report is refused above its own limit in
    // receiveReport, but what a browser sends the user's site (run --site) must arrive whole.
    const maxBodySize = this.options.siteUpstream ? MAX_SITE_BODY_BYTES : MAX_REPORT_BYTES;
    const server = getLocal({ https: { key: this.ca.key, cert: this.ca.cert }, http2: false, recordTraffic: false, maxBodySize });
    const lane = new ProxyLane();
    await server
      .forAnyWebSocket()
      .matching((req) => {
        if (this.wsRoute((hostOf(req.url) ?? ''))?.kind !== 'ws-echo') return false;
        this.answer(lane, 'websocket', 'GET', req.url, 101);
        return true;
      })
      .always()
      .thenEcho();
    const siteUpstream = this.options.siteUpstream;
    if (siteUpstream) {
      // The site's own WebSockets go to its server as they are (HTTP is forwarded by handle(): its answers are rewritten).
      await addUpstreamRules(server, { kind: 'upstream', host: this.site.host, target: siteTarget(siteUpstream.target).origin }, { http: () => false, ws: (url) => (hostOf(url) ?? '') === this.site.host });
    }
    for (const route of this.routes.filter((r): r is UpstreamRoute => r.kind === 'upstream')) {
      await addUpstreamRules(server, route, { http: (url) => this.httpRoute(this.seen(url)) === route, ws: (url) => this.wsRoute((hostOf(url) ?? '')) === route });
    }
    await this.wsReplayer?.addRules(server, {
      unrecorded: (req) => this.unrecorded(lane, req),
      answered: (req) => this.answer(lane, 'websocket', 'GET', req.url, 101),
    });
    await server
      .forAnyWebSocket()
      .matching((req) => {
        // mockttp may evaluate every rule's matcher: record only what this rule answers.
        const route = this.wsRoute((hostOf(req.url) ?? ''));
        if (route && route.kind !== 'refuse') return false;
        this.refuse(lane, req);
        return true;
      })
      .always()
      .thenRejectConnection(403, 'Forbidden', {}, 'csp-harness: no fixture answers this host');
    await server.forAnyRequest().always().thenCallback(async (req) => uncached(await this.handle(lane, req)));
    // Port 0: the OS picks a free one (mockttp would otherwise probe from 8000 up).
    const listen = this.options.listen ?? LOOPBACK;
    await onAddress(listen.host, () => server.start(0));
    lane.port = server.port;
    lane.proxyUrl = proxyUrlOf(listen.advertise, server.port);
    this.servers.push(server);
    return lane;
  }

  /** Adds a URL's host to the hosts seen, and returns it. */
  private seen(url: string): string {
    const host = (hostOf(url) ?? '');
    this.hostsSeen.add(host);
    return host;
  }

  /** The route answering WebSocket upgrades to a host (ws kinds, upstream, or an explicit refusal). */
  private wsRoute(host: string): Route | undefined {
    return routesFor(this.wsRoutes, host)[0];
  }

  private wsReplayRoute(url: string): WsReplayRoute | undefined {
    const route = this.wsRoute((hostOf(url) ?? ''));
    return route?.kind === 'ws-replay' ? route : undefined;
  }

  /** The route answering HTTP requests to a host: exact names before families, first declared first. */
  private httpRoute(host: string): Route | undefined {
    return routesFor(this.httpRoutes, host)[0];
  }

  private refuse(lane: ProxyLane, req: { url: string; headers: Record<string, string | string[] | undefined> }): void {
    lane.touch();
    const dest = req.headers['sec-fetch-dest'];
    const upgrade = String(req.headers.upgrade ?? '').toLowerCase() === 'websocket';
    this.unexpectedHosts.push({ cellId: lane.current, host: (hostOf(req.url) ?? ''), url: req.url, dest: upgrade ? 'websocket' : typeof dest === 'string' ? dest : null });
  }

  private async handle(lane: ProxyLane, req: CompletedRequest) {
    lane.touch();
    const url = new URL(req.url);
    const host = this.seen(req.url);
    if (host === REPORT_HOST)
      return receiveReport(req, url, (stored) => {
        this.reports.push(stored);
        byCell(this.reportsByCell, stored.cellId).push(stored);
      });
    if (this.options.siteUpstream && url.origin === this.site.origin) return this.forwardSite(lane, req, url);
    if (this.site.isSiteOrigin(url.origin)) {
      const page = this.sitePage(url);
      // The page's own files (embed=self, a package install's app.js) are requests a feature may be judged by.
      if (page.statusCode < 400 && url.pathname !== '/favicon.ico') this.answer(lane, 'http', req.method, req.url, page.statusCode);
      return page;
    }
    // Upstream routes never get here: their own rules (upstream.ts) forward them first.
    const route = this.httpRoute(host);
    if (!route || route.kind === 'refuse' || route.kind === 'upstream') {
      this.refuse(lane, req);
      const why = route?.kind === 'refuse' && route.reason ? ` (${route.reason})` : '';
      return { statusCode: 502, headers: { 'content-type': 'text/plain' }, body: `csp-harness: no fixture answers ${host}${why}; the request was refused and recorded.` };
    }
    const delay = this.options.delays?.[host];
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const replay = this.replays.get(route);
    if (replay) {
      const answer = replay.answer(req);
      if (!answer) this.unrecorded(lane, req);
      else this.answer(lane, 'http', req.method, req.url, answer.statusCode);
      return answer ?? notRecorded(req);
    }
    if (req.method === 'OPTIONS') return { statusCode: 204, headers: CORS };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // A vendor API or upload endpoint: accept it, say how much arrived (and log it: a feature may be judged by it).
      const size = req.body.buffer.length;
      this.answer(lane, 'http', req.method, req.url, 200);
      return { statusCode: 200, headers: { ...CORS, 'content-type': 'application/json' }, json: { ok: true, host, path: url.pathname, received: size } };
    }
    // Several vendors may serve one host: their folders are layered, the first holding the file answers.
    const layers = this.routes.filter((r): r is StaticRoute => r.kind === 'static' && r.host === route.host);
    const served = await serveStatic(layers, url, this.staticOrigin);
    if (served.statusCode < 400) this.answer(lane, 'http', req.method, req.url, served.statusCode);
    return served;
  }

  /** run --site: the browser's request to the site origin, answered by the user's server (siteUpstream.ts). */
  private async forwardSite(lane: ProxyLane, req: CompletedRequest, url: URL) {
    const cellId = lane.current;
    const dest = req.headers['sec-fetch-dest'];
    const result = await this.siteLink!.exchange({ cellId, by: 'browser', method: req.method, url: req.url, dest: typeof dest === 'string' ? dest : null }, {
      method: req.method,
      path: url.pathname + url.search,
      headers: req.headers,
      body: req.body.buffer,
    });
    lane.touch();
    if (result.status > 0 && result.status < 400 && url.pathname !== '/favicon.ico') this.answer(lane, 'http', req.method, req.url, result.status);
    return result.response;
  }

  /**
   * The harness's own GET of a page of the user's site (to read its links and nonces before the
   * browsers come): logged like a browser's. Rejects with the reason when the server does not answer.
   */
  async fetchSitePage(path: string): Promise<{ exchange: SiteExchange; body: string }> {
    const url = `${this.site.origin}${path}`;
    const result = await this.siteLink!.exchange(
      { cellId: null, by: 'harness', method: 'GET', url, dest: 'document' },
      { method: 'GET', path, headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8', 'user-agent': 'csp-harness (run --site)' } },
    );
    if (result.exchange.error) throw new Error(result.exchange.error);
    return { exchange: result.exchange, body: result.body };
  }

  private answer(lane: ProxyLane, kind: AnsweredRequest['kind'], method: string, url: string, status: number): void {
    lane.touch();
    const entry: AnsweredRequest = { cellId: lane.current, kind, method, url, status };
    this.answered.push(entry);
    if (entry.cellId !== null) byCell(this.answeredByCell, entry.cellId).push(entry);
  }

  private unrecorded(lane: ProxyLane, req: CompletedRequest): void {
    this.unrecordedRequests.push({ cellId: lane.current, method: req.method, url: req.url });
  }

  private sitePage(url: URL) {
    if (url.pathname === '/favicon.ico') return { statusCode: 204, headers: { 'cache-control': 'max-age=3600' } };
    const at = this.site.cellOfPath(url.pathname);
    if (!at) return { statusCode: 404, body: 'csp-harness: no such page' };
    const spec = this.pages.get(at.cellId);
    if (!spec) return { statusCode: 404, body: `csp-harness: no cell ${at.cellId} is registered` };
    const rest = at.rest;
    if (rest === '') {
      const page = renderPage(spec, this.site);
      return { statusCode: page.status, headers: page.headers, body: page.body };
    }
    const file = spec.files?.[rest];
    if (!file) return { statusCode: 404, body: 'csp-harness: no such file in this cell' };
    return { statusCode: 200, headers: { 'content-type': file.contentType, 'cache-control': 'no-store' }, body: file.body };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.servers.map((s) => s.stop()), this.wsReplayer?.close()]);
    await new Promise<void>((resolve) => {
      this.staticServer.close(() => resolve());
      this.staticServer.closeAllConnections?.();
    });
    this.ca.remove();
  }
}
