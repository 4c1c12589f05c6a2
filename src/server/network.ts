// The fixture network: every browser talks to a loopback HTTPS-intercepting proxy that answers for
// the site origin, the vendors' real host names (from fixtures/), WebSockets and reports — and
// refuses, and records, every other host. Nothing leaves loopback.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { getLocal, type CompletedRequest, type Mockttp } from 'mockttp';
import httpServer from 'http-server';
import { parseReportBody, type CspReport } from '../collectors/reports.ts';
import { createRunCa, type RunCa } from './ca.ts';
import { onLoopback } from './loopback.ts';
import { REPORT_HOST, renderPage, SECOND_ORIGIN, SITE_ORIGIN, type PageSpec } from './site.ts';

/** Reports larger than this are refused (413) and recorded, never parsed. */
export const MAX_REPORT_BYTES = 64 * 1024;

export interface HostRoute {
  /** `app-cdn.velaro.com` or a family `*.velaro.com` (subdomains only, as in CSP). */
  pattern: string;
  /** Directory below the fixtures root that serves it. */
  dir: string;
  /** Answer WebSocket upgrades with an echo. */
  websocket?: boolean;
}

export interface StoredReport {
  cellId: string;
  receivedAt: number;
  contentType: string;
  report: CspReport | null;
  /** Why the body was not a report (malformed, too large), else null. */
  error: string | null;
}

export interface UnexpectedHost {
  cellId: string | null;
  host: string;
  url: string;
}

export interface NetworkOptions {
  /** Root of the fixture files (default: the repo's fixtures/). */
  fixturesRoot: string;
  hosts?: HostRoute[];
  /** Extra latency for a host's responses (a slow stub), in ms. */
  delays?: Record<string, number>;
}

export interface Lane {
  /** `http://127.0.0.1:PORT`: point one browser (or context) at it. */
  proxyUrl: string;
  port: number;
  /** The cell this lane is loading now: unexpected hosts are recorded on it. */
  cellId: string | null;
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, OPTIONS',
  'access-control-allow-headers': '*',
};

export class FixtureNetwork {
  readonly pages = new Map<string, PageSpec>();
  readonly reports: StoredReport[] = [];
  readonly unexpectedHosts: UnexpectedHost[] = [];
  /** Every host the proxy was asked for, answered or not: the containment log. */
  readonly hostsSeen = new Set<string>();
  readonly lanes: Lane[] = [];
  private readonly servers: Mockttp[] = [];
  private hosts: HostRoute[];

  private constructor(
    readonly ca: RunCa,
    private readonly staticServer: Server,
    private readonly staticOrigin: string,
    private readonly options: NetworkOptions,
  ) {
    this.hosts = [...(options.hosts ?? [])];
  }

  static async start(options: NetworkOptions): Promise<FixtureNetwork> {
    const ca = await createRunCa();
    try {
      const server = httpServer.createServer({ root: options.fixturesRoot, cache: -1, cors: true, showDir: false, autoIndex: false, gzip: false }).server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      const { port } = server.address() as AddressInfo;
      return new FixtureNetwork(ca, server, `http://127.0.0.1:${port}`, options);
    } catch (error) {
      ca.remove();
      throw error;
    }
  }

  get caCertificatePath(): string {
    return this.ca.certPath;
  }

  addHosts(routes: HostRoute[]): void {
    this.hosts.push(...routes);
  }

  registerPage(spec: PageSpec): string {
    this.pages.set(spec.id, spec);
    return this.pageUrl(spec.id);
  }

  pageUrl(id: string): string {
    return `${SITE_ORIGIN}/cells/${encodeURIComponent(id)}/`;
  }

  reportsFor(cellId: string): StoredReport[] {
    return this.reports.filter((r) => r.cellId === cellId);
  }

  unexpectedHostsFor(cellId: string): string[] {
    return [...new Set(this.unexpectedHosts.filter((u) => u.cellId === cellId).map((u) => u.host))];
  }

  /** A proxy of its own for one browser or context: what it loads is attributed to `lane.cellId`. */
  async openLane(): Promise<Lane> {
    const server = getLocal({ https: { key: this.ca.key, cert: this.ca.cert }, http2: false, recordTraffic: false, maxBodySize: MAX_REPORT_BYTES });
    const lane: Lane = { proxyUrl: '', port: 0, cellId: null };
    await server.forAnyWebSocket().matching((req) => this.route(this.hostOf(req))?.websocket === true).always().thenEcho();
    await server
      .forAnyWebSocket()
      .matching((req) => {
        // mockttp may evaluate every rule's matcher: record only what this rule answers.
        if (this.route(this.hostOf(req))?.websocket === true) return false;
        this.refuse(lane, req);
        return true;
      })
      .always()
      .thenRejectConnection(403, 'Forbidden', {}, 'csp-harness: no fixture answers this host');
    await server.forAnyRequest().always().thenCallback((req) => this.handle(lane, req));
    // Port 0: the OS picks a free one (mockttp would otherwise probe from 8000 up).
    await onLoopback(() => server.start(0));
    lane.port = server.port;
    lane.proxyUrl = `http://127.0.0.1:${server.port}`;
    this.servers.push(server);
    this.lanes.push(lane);
    return lane;
  }

  private hostOf(req: CompletedRequest): string {
    try {
      return new URL(req.url).hostname.toLowerCase();
    } catch {
      return '';
    }
  }

  private route(host: string): HostRoute | undefined {
    return this.hosts.find((r) => r.pattern === host) ?? this.hosts.find((r) => hostMatches(r.pattern, host));
  }

  private refuse(lane: Lane, req: CompletedRequest): void {
    this.unexpectedHosts.push({ cellId: lane.cellId, host: this.hostOf(req), url: req.url });
  }

  private async handle(lane: Lane, req: CompletedRequest) {
    const url = new URL(req.url);
    const host = url.hostname.toLowerCase();
    this.hostsSeen.add(host);
    if (host === REPORT_HOST) return this.receiveReport(req, url);
    if (url.origin === SITE_ORIGIN || url.origin === SECOND_ORIGIN) return this.site(url);
    const route = this.route(host);
    if (!route) {
      this.refuse(lane, req);
      return { statusCode: 502, headers: { 'content-type': 'text/plain' }, body: `csp-harness: no fixture answers ${host}; the request was refused and recorded.` };
    }
    const delay = this.options.delays?.[host];
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    if (req.method === 'OPTIONS') return { statusCode: 204, headers: CORS };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // A vendor API or upload endpoint: accept it, say how much arrived.
      const size = req.body.buffer.length;
      return { statusCode: 200, headers: { ...CORS, 'content-type': 'application/json' }, json: { ok: true, host, path: url.pathname, received: size } };
    }
    return this.fromFixtures(route, url);
  }

  private async fromFixtures(route: HostRoute, url: URL) {
    const target = `${this.staticOrigin}/${route.dir}${url.pathname}`;
    let response: Response;
    let body: Buffer;
    try {
      response = await fetch(target);
      body = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      // Only while the network closes (Ctrl-C): answer the browser, instead of mockttp printing a warning.
      return { statusCode: 503, headers: { 'content-type': 'text/plain' }, body: `csp-harness: the fixture server did not answer (${(error as Error).message}).` };
    }
    const headers: Record<string, string> = { ...CORS, 'cache-control': 'no-store' };
    const type = response.headers.get('content-type');
    if (type) headers['content-type'] = type;
    return { statusCode: response.status, headers, rawBody: body };
  }

  private site(url: URL) {
    const match = /^\/cells\/([^/]+)\/(.*)$/.exec(url.pathname);
    if (url.pathname === '/favicon.ico') return { statusCode: 204, headers: { 'cache-control': 'max-age=3600' } };
    if (!match) return { statusCode: 404, body: 'csp-harness: no such page' };
    const spec = this.pages.get(decodeURIComponent(match[1]!));
    if (!spec) return { statusCode: 404, body: `csp-harness: no cell ${match[1]} is registered` };
    const rest = match[2]!;
    if (rest === '') {
      const page = renderPage(spec);
      return { statusCode: page.status, headers: page.headers, body: page.body };
    }
    const file = spec.files?.[rest];
    if (!file) return { statusCode: 404, body: 'csp-harness: no such file in this cell' };
    return { statusCode: 200, headers: { 'content-type': file.contentType, 'cache-control': 'no-store' }, body: file.body };
  }

  private receiveReport(req: CompletedRequest, url: URL) {
    const cellId = url.searchParams.get('cell') ?? '';
    const contentType = String(req.headers['content-type'] ?? '');
    const length = Number(req.headers['content-length'] ?? req.body.buffer.length);
    const store = (report: CspReport | null, error: string | null) =>
      this.reports.push({ cellId, receivedAt: Date.now(), contentType, report, error });
    if (length > MAX_REPORT_BYTES || req.body.buffer.length > MAX_REPORT_BYTES) {
      store(null, `body of ${length} bytes refused (limit ${MAX_REPORT_BYTES})`);
      return { statusCode: 413, headers: CORS, body: 'csp-harness: report too large' };
    }
    const parsed = parseReportBody(contentType, req.body.buffer.toString('utf8'));
    // Only a report-only policy reports to `d=report` (site.ts): that settles a missing disposition.
    const fromReportOnly = url.searchParams.get('d') === 'report';
    if (parsed.ok) for (const report of parsed.reports) store(fromReportOnly ? { ...report, disposition: 'report' } : report, null);
    else store(null, parsed.error);
    return { statusCode: 204, headers: CORS };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.servers.map((s) => s.stop()));
    await new Promise<void>((resolve) => {
      this.staticServer.close(() => resolve());
      this.staticServer.closeAllConnections?.();
    });
    this.ca.remove();
  }
}
