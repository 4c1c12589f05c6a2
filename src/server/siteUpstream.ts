// run --site: the user's own server behind the site origin. Each request the browser makes to the
// origin is forwarded to the server (--site); its answer comes back with only the policy's delivery
// changed: reporting goes to the harness (report-uri, report-to and Reporting-Endpoints replaced, so
// nothing reaches the site's collector), and a candidate policy, when given, replaces the site's own
// (headers and <meta> tags; its 'nonce-{{nonce}}' takes the nonce the site put on its tags). Every
// answer is logged with what the harness needs to judge the page: status, policies, nonces, tags.
import http from 'node:http';
import https from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { preparePolicy, type ServedPolicy } from './page.ts';
import { policyNonces, readSiteHtml, withoutMetaPolicies, type OwnElement } from './siteHtml.ts';
import { freshNonce } from '../site/placeholders.ts';
import type { SiteContext } from '../site/context.ts';

export interface SiteUpstreamOptions {
  /** The user's running server (`--site`): an http(s) origin. */
  target: string;
  /** Policies that replace the site's own (a candidate), or null: the site's policies as they come. */
  candidate: readonly ServedPolicy[] | null;
  /** How long an answer may take before the forward gives up (504): a cell's timeout. */
  timeoutMs: number;
}

/** The policies a response carried (or was served with): headers, report-only headers, <meta> tags. */
export interface ResponsePolicies {
  enforce: string[];
  reportOnly: string[];
  meta: string[];
}

/** One answer of the user's server, as the harness logged it. */
export interface SiteExchange {
  /** The cell loading when the browser asked (null: the harness's own fetch, or background). */
  cellId: string | null;
  /** Who asked: a browser through the proxy, or the harness itself (fetching a page to read it). */
  by: 'browser' | 'harness';
  method: string;
  /** The URL as the browser saw it (on the site origin). */
  url: string;
  /** 0 when the server did not answer (the reason is in `error`). */
  status: number;
  /** What the browser fetched it as (`Sec-Fetch-Dest`), null when it did not say. */
  dest: string | null;
  html: boolean;
  /** The site's own policies, before anything was changed. */
  policies: ResponsePolicies;
  /** Reporting headers the site sent (`reporting-endpoints`, `report-to`): replaced by the harness's. */
  reportingHeaders: string[];
  /** Nonces of this response: in its policies and on its tags, each once. */
  nonces: string[];
  /** HTML only: the page's scripts and styles, and its links. */
  elements?: OwnElement[];
  links?: string[];
  /** Where a redirect pointed, as the browser was told (an absolute URL to the server itself is rewritten to the origin). */
  location: string | null;
  /** What was served: the site's policies with reporting rerouted, or the candidate. */
  served: ResponsePolicies;
  error?: string;
  at: number;
}

/** The server's answer before the harness changes it. */
export interface RawSiteResponse {
  status: number;
  statusText: string;
  /** In order; a repeated name repeats. */
  headers: [name: string, value: string][];
  /** Decoded (content-encoding undone where it could be). */
  body: Buffer;
  /** Whether the body is still encoded (an encoding this Node cannot undo): it is then passed on untouched. */
  encoded: boolean;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

function decode(body: Buffer, encoding: string): { body: Buffer; encoded: boolean } {
  const e = encoding.trim().toLowerCase();
  try {
    if (e === '' || e === 'identity') return { body, encoded: false };
    if (e === 'gzip' || e === 'x-gzip') return { body: gunzipSync(body), encoded: false };
    if (e === 'deflate') return { body: inflateSync(body), encoded: false };
    if (e === 'br') return { body: brotliDecompressSync(body), encoded: false };
  } catch {
    return { body, encoded: true };
  }
  return { body, encoded: true };
}

/** The server the site runs on, checked: an http(s) origin without path, or a `csp-harness:` message. */
export function siteTarget(target: string): URL {
  const url = URL.canParse(target) ? new URL(target) : null;
  if (!url || !/^https?:$/.test(url.protocol)) throw new TypeError(`--site must be the http(s) URL of your running server (http://localhost:3000), not ${JSON.stringify(target)}`);
  if (url.username || url.password) throw new TypeError('--site must not carry a user name or password');
  return url;
}

export interface SiteRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
}

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true, rejectUnauthorized: false }) };

/** Methods a request may be sent again for: the server cannot have acted on one it reset unread. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Sends one request to the user's server and reads the whole answer. The browser's headers go as
 * sent (Host becomes the server's; X-Forwarded-Host/Proto say what the browser saw). Rejects when
 * the server cannot be reached or does not answer within `timeoutMs`.
 *
 * A kept-alive connection the server closed as it went idle (Node's server does after 5 s) can be
 * reused at that very moment: the request then dies with ECONNRESET before the server read it (seen in
 * CI: one page probe of run --site). An idempotent request on a reused connection is sent once more,
 * on a new one, as browsers do; any other error, or a second reset, is the server's answer.
 */
export async function forwardToSite(target: URL, origin: string, request: SiteRequest, timeoutMs: number): Promise<RawSiteResponse> {
  try {
    return await sendToSite(target, origin, request, timeoutMs);
  } catch (error) {
    if (!(error instanceof StaleSocketError) || !IDEMPOTENT.has(request.method.toUpperCase())) throw error instanceof StaleSocketError ? error.cause : error;
    return sendToSite(target, origin, request, timeoutMs, false);
  }
}

/** A reset on a kept-alive connection reused for this request (`cause`: the socket's error). */
class StaleSocketError extends Error {
  constructor(readonly cause: Error) {
    super(cause.message);
  }
}

function sendToSite(target: URL, origin: string, request: SiteRequest, timeoutMs: number, reuse = true): Promise<RawSiteResponse> {
  const secure = target.protocol === 'https:';
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name.toLowerCase())) continue;
    headers[name] = value;
  }
  const seen = new URL(origin);
  headers['x-forwarded-host'] = seen.host;
  headers['x-forwarded-proto'] = seen.protocol.slice(0, -1);
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      {
        protocol: target.protocol,
        hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: target.port || (secure ? 443 : 80),
        method: request.method,
        path: request.path,
        headers,
        // The retry goes on a connection of its own.
        agent: reuse ? (secure ? agents.https : agents.http) : false,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const raw: [string, string][] = [];
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) raw.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
          const { body, encoded } = decode(Buffer.concat(chunks), String(res.headers['content-encoding'] ?? ''));
          resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: raw, body, encoded });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => reject(req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE') ? new StaleSocketError(error) : error));
    req.end(request.body && request.body.length > 0 ? request.body : undefined);
  });
}

export interface RewriteContext {
  target: URL;
  /** The origin the browser sees. */
  origin: string;
  candidate: readonly ServedPolicy[] | null;
  /** The harness's report endpoint for the cell loading, per disposition. */
  reportUri: (disposition: 'enforce' | 'report') => string;
  /** A fresh nonce (for a candidate on a page without nonced tags). */
  nonce?: () => string;
}

export interface RewrittenResponse {
  statusCode: number;
  statusMessage?: string;
  headers: Record<string, string | string[]>;
  rawBody: Buffer;
}

/** Headers the harness owns on a forwarded answer: never passed on as the site sent them. */
const REPLACED = new Set(['content-security-policy', 'content-security-policy-report-only', 'reporting-endpoints', 'report-to', 'content-length', 'content-encoding', 'strict-transport-security', 'alt-svc']);

/** The answer the browser gets, and what the log keeps of it. Pure. */
export function rewriteSiteResponse(raw: RawSiteResponse, ctx: RewriteContext): { response: RewrittenResponse; exchange: Omit<SiteExchange, 'cellId' | 'by' | 'method' | 'url' | 'dest' | 'at' | 'error'> } {
  const lower = raw.headers.map(([n, v]) => [n.toLowerCase(), v] as const);
  const valuesOf = (name: string) => lower.filter(([n]) => n === name).map(([, v]) => v);
  const contentType = valuesOf('content-type')[0] ?? '';
  const html = /text\/html|application\/xhtml\+xml/i.test(contentType) && !raw.encoded;
  const policies: ResponsePolicies = { enforce: valuesOf('content-security-policy'), reportOnly: valuesOf('content-security-policy-report-only'), meta: [] };
  const reportingHeaders = [...new Set(lower.filter(([n]) => n === 'reporting-endpoints' || n === 'report-to').map(([n]) => n))];
  const headers: Record<string, string | string[]> = {};
  const add = (name: string, value: string) => {
    const had = headers[name];
    headers[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  };
  let location: string | null = null;
  for (const [name, value] of lower) {
    if (REPLACED.has(name) || HOP_BY_HOP.has(name)) continue;
    if (name === 'location') {
      location = toOrigin(value, ctx.target, ctx.origin);
      add(name, location);
      continue;
    }
    add(name, value);
  }
  if (raw.encoded) {
    const encoding = valuesOf('content-encoding')[0];
    if (encoding) headers['content-encoding'] = encoding;
  }
  let body = raw.body;
  const read = html ? readSiteHtml(body.toString('utf8')) : null;
  if (read) policies.meta = read.metaPolicies;
  const nonces = [...new Set([...policyNonces([...policies.enforce, ...policies.reportOnly, ...policies.meta]), ...(read?.nonces ?? [])].filter((n) => n !== ''))];
  const served: ResponsePolicies = { enforce: [], reportOnly: [], meta: [] };
  if (ctx.candidate && html && read) {
    // The candidate replaces the site's policies; its nonce is the one the site put on its tags.
    const nonce = read.nonces.find((n) => n !== '') ?? ctx.nonce?.() ?? freshNonce();
    let text = withoutMetaPolicies(body.toString('utf8'), read.metaRanges);
    const metas: string[] = [];
    for (const policy of ctx.candidate) {
      if (policy.delivery === 'header' || policy.delivery === 'header+meta') served.enforce.push(preparePolicy(policy.value, nonce, ctx.reportUri('enforce')).value);
      if (policy.delivery === 'report-only') served.reportOnly.push(preparePolicy(policy.value, nonce, ctx.reportUri('report')).value);
      if (policy.delivery === 'meta' || policy.delivery === 'header+meta') metas.push(preparePolicy(policy.value, nonce, null).value);
    }
    served.meta = metas;
    if (metas.length > 0) {
      // The head's offset moved by what was removed before it.
      const removedBefore = read.metaRanges.filter(([, end]) => end <= read.headEnd).reduce((n, [s, e]) => n + (e - s), 0);
      const at = Math.max(0, read.headEnd - removedBefore);
      const tags = metas.map((m) => `<meta http-equiv="Content-Security-Policy" content="${m.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;')}">`).join('');
      text = text.slice(0, at) + tags + text.slice(at);
    }
    body = Buffer.from(text, 'utf8');
  } else if (!ctx.candidate) {
    // The site's own policies, each with its reporting sent to the harness (and one added where it had none).
    served.enforce = policies.enforce.map((p) => preparePolicy(p, '', ctx.reportUri('enforce')).value);
    served.reportOnly = policies.reportOnly.map((p) => preparePolicy(p, '', ctx.reportUri('report')).value);
    served.meta = policies.meta;
  }
  if (served.enforce.length > 0) headers['content-security-policy'] = served.enforce;
  if (served.reportOnly.length > 0) headers['content-security-policy-report-only'] = served.reportOnly;
  return {
    response: { statusCode: raw.status, ...(raw.statusText ? { statusMessage: raw.statusText } : {}), headers, rawBody: body },
    exchange: {
      status: raw.status,
      html,
      policies,
      reportingHeaders,
      nonces,
      ...(read ? { elements: read.elements, links: read.links } : {}),
      location,
      served,
    },
  };
}

/** A Location pointing at the server itself (a naive app's absolute URL) points at the origin instead. */
export function toOrigin(location: string, target: URL, origin: string): string {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return location;
  }
  if (url.origin !== target.origin) return location;
  return `${origin}${url.pathname}${url.search}${url.hash}`;
}

/** What a forward gives the proxy: the answer for the browser, the logged exchange, the page's HTML. */
export interface SiteAnswer {
  /** The server's status; 0 when it did not answer. */
  status: number;
  response: { statusCode: number; statusMessage?: string; headers: Record<string, string | string[]>; rawBody?: Buffer; body?: string };
  exchange: SiteExchange;
  /** The HTML as served (rewritten), '' for anything else. */
  body: string;
}

/** The user's server behind the site origin for one run: forwards, rewrites, and logs every exchange. */
export class SiteLink {
  readonly exchanges: SiteExchange[] = [];
  private readonly target: URL;

  constructor(
    private readonly options: SiteUpstreamOptions,
    private readonly site: Pick<SiteContext, 'origin' | 'reportUri'>,
  ) {
    this.target = siteTarget(options.target);
  }

  /** One request to the server, by the browser or the harness; a server that does not answer gives 502 (504 on a timeout). */
  async exchange(who: Pick<SiteExchange, 'cellId' | 'by' | 'method' | 'url' | 'dest'>, request: SiteRequest): Promise<SiteAnswer> {
    const { target, site } = this;
    const reportUri = (d: 'enforce' | 'report') => site.reportUri(who.cellId ?? '', d);
    try {
      const raw = await forwardToSite(target, site.origin, request, this.options.timeoutMs);
      const { response, exchange } = rewriteSiteResponse(raw, { target, origin: site.origin, candidate: this.options.candidate, reportUri });
      const logged: SiteExchange = { ...who, ...exchange, at: Date.now() };
      this.exchanges.push(logged);
      return { status: raw.status, response, exchange: logged, body: exchange.html ? response.rawBody.toString('utf8') : '' };
    } catch (error) {
      const message = `${target.origin} did not answer ${request.method} ${request.path}: ${(error as Error).message}`;
      const empty = { enforce: [], reportOnly: [], meta: [] };
      const logged: SiteExchange = { ...who, status: 0, html: false, policies: empty, reportingHeaders: [], nonces: [], location: null, served: empty, error: message, at: Date.now() };
      this.exchanges.push(logged);
      const timedOut = /no answer within/.test(message);
      return { status: 0, response: { statusCode: timedOut ? 504 : 502, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `csp-harness: ${message}` }, exchange: logged, body: '' };
    }
  }
}
