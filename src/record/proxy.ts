// The recording proxy: loopback, HTTPS-intercepting (mockttp, the run's own CA), like the fixture
// network — but while the page loads, every host other than the site's is let through to the real
// network (Upstream: --resolve, checked TLS) and the exchange recorded. Before and after the load,
// what the browser asks for is its own background traffic: refused and listed, never forwarded.
import { hostOf } from '../shared/urlPattern.ts';
import { getLocal, type CompletedRequest, type Mockttp } from 'mockttp';
import { createRunCa, type RunCa } from '../server/ca.ts';
import { onLoopback } from '../server/loopback.ts';
import { renderPage, type PageSpec } from '../server/page.ts';
import { REPORT_HOST, type SiteContext } from '../site/context.ts';
import type { RecordedExchange, RecordedWebSocket } from './traffic.ts';
import { Upstream, type UpstreamFailure } from './upstream.ts';
import { WS_PREFIX, WsForwarder } from './wsForwarder.ts';

/** Request bodies up to this size are recorded and forwarded whole (mockttp empties larger ones). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface RecordingLog {
  /** A host was let through for the first time: where it went. */
  letThrough(host: string, where: string): void;
  warn(message: string): void;
}

export class RecordingProxy {
  readonly exchanges: RecordedExchange[] = [];
  readonly webSockets: RecordedWebSocket[] = [];
  readonly failures: UpstreamFailure[] = [];
  /** Hosts the browser asked for outside the page's load: refused. */
  readonly background = new Set<string>();
  private readonly announced = new Set<string>();
  private recording = false;
  proxyUrl = '';

  private constructor(
    private readonly server: Mockttp,
    private readonly ca: RunCa,
    private readonly forwarder: WsForwarder,
    private readonly upstream: Upstream,
    private readonly site: SiteContext,
    private readonly page: PageSpec,
    private readonly log: RecordingLog,
  ) {}

  static async start(options: { site: SiteContext; page: PageSpec; upstream: Upstream; log: RecordingLog }): Promise<RecordingProxy> {
    const ca = await createRunCa();
    let forwarder: WsForwarder | null = null;
    try {
      const server = getLocal({ https: { key: ca.key, cert: ca.cert }, http2: false, recordTraffic: false, maxBodySize: MAX_BODY_BYTES });
      let proxy: RecordingProxy | null = null;
      forwarder = await WsForwarder.start(options.upstream, {
        opened: (socket, remote) => proxy?.openedWebSocket(socket, remote),
        failed: (failure) => proxy?.failures.push(failure),
        rejected: (url, status) => options.log.warn(`${url} answered ${status} instead of accepting the WebSocket; not recorded.`),
      });
      proxy = new RecordingProxy(server, ca, forwarder, options.upstream, options.site, options.page, options.log);
      await proxy.addRules();
      await onLoopback(() => server.start(0));
      proxy.proxyUrl = `http://127.0.0.1:${server.port}`;
      return proxy;
    } catch (error) {
      await forwarder?.close();
      ca.remove();
      throw error;
    }
  }

  get pageUrl(): string {
    return this.site.pageUrl(this.page.id);
  }

  /** Runs the page's load with third-party traffic let through and recorded; outside it, refused. */
  async during<T>(load: () => Promise<T>): Promise<T> {
    this.recording = true;
    try {
      return await load();
    } finally {
      this.recording = false;
    }
  }

  /** Whether a request is the page's own (answered here) or a third party's. */
  private isHarness(url: string): boolean {
    const host = (hostOf(url) ?? '');
    return host === REPORT_HOST || (URL.canParse(url) && this.site.isSiteOrigin(new URL(url).origin.replace(/^ws/, 'http')));
  }

  private async addRules(): Promise<void> {
    const toForwarder = (scheme: 'ws' | 'wss') => ({
      transformRequest: {
        setProtocol: 'ws' as const,
        replaceHost: { targetHost: this.forwarder.host, updateHostHeader: false },
        matchReplacePath: [[/^/, `${WS_PREFIX}${scheme}`] as [RegExp, string]],
      },
    });
    const letThrough = (scheme: 'ws' | 'wss') => (req: CompletedRequest) => this.recording && req.url.startsWith(`${scheme}:`) && !this.isHarness(req.url);
    await this.server.forAnyWebSocket().matching(letThrough('wss')).always().thenPassThrough(toForwarder('wss'));
    await this.server.forAnyWebSocket().matching(letThrough('ws')).always().thenPassThrough(toForwarder('ws'));
    await this.server
      .forAnyWebSocket()
      .matching((req) => {
        // mockttp may evaluate every rule's matcher: note only what this rule answers.
        if (letThrough('wss')(req) || letThrough('ws')(req)) return false;
        if (!this.recording) this.background.add((hostOf(req.url) ?? ''));
        return true;
      })
      .always()
      .thenRejectConnection(403, 'Forbidden', {}, 'csp-harness record: outside the page load');
    await this.server.forAnyRequest().always().thenCallback((req) => this.handle(req));
  }

  private openedWebSocket(socket: RecordedWebSocket, remote: string | undefined): void {
    this.webSockets.push(socket);
    this.announce(new URL(socket.url), remote);
  }

  private announce(url: URL, remote: string | undefined): void {
    const host = url.hostname.toLowerCase();
    if (this.announced.has(host)) return;
    this.announced.add(host);
    this.log.letThrough(host, Upstream.describe(this.upstream.destination(url), remote));
  }

  private async handle(req: CompletedRequest) {
    const url = new URL(req.url);
    const host = url.hostname.toLowerCase();
    if (host === REPORT_HOST) return { statusCode: 204 };
    if (this.site.isSiteOrigin(url.origin)) return this.sitePage(url);
    if (!this.recording) {
      this.background.add(host);
      return { statusCode: 502, headers: { 'content-type': 'text/plain' }, body: `csp-harness record: ${host} was asked for outside the page load (browser background traffic): refused.` };
    }
    const result = await this.upstream.forward({ method: req.method, url: req.url, httpVersion: req.httpVersion, headers: req.rawHeaders, body: req.body.buffer });
    if (!result.ok) {
      this.failures.push(result.failure);
      return { statusCode: 502, headers: { 'content-type': 'text/plain' }, body: `csp-harness record: ${result.failure.url} (${result.failure.destination}) failed: ${result.failure.detail}` };
    }
    this.exchanges.push(result.exchange);
    this.announce(url, result.exchange.serverAddress);
    if (result.warning) this.log.warn(result.warning);
    return { statusCode: result.exchange.status, statusMessage: result.exchange.statusText || undefined, headers: result.headers, rawBody: result.rawBody };
  }

  private sitePage(url: URL) {
    if (url.pathname === '/favicon.ico') return { statusCode: 204, headers: { 'cache-control': 'max-age=3600' } };
    const at = this.site.cellOfPath(url.pathname);
    if (!at || at.cellId !== this.page.id || at.rest !== '') return { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: 'csp-harness record: no such page' };
    const page = renderPage(this.page, this.site);
    return { statusCode: page.status, headers: page.headers, body: page.body };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.server.stop(), this.forwarder.close()]);
    this.upstream.close();
    this.ca.remove();
  }
}
