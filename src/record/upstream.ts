// The recorder's own upstream connections (decisions/0007): node's http/https/tls, so that `--resolve`
// sends a host to another address while the Host header and the TLS server name stay the host's, and
// the certificate is checked against that name and trust.ts's authorities. (mockttp's passthrough
// can change the address only together with the name its certificate is checked against.)
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { acceptedEncodings, decodeBody } from './decode.ts';
import { formatTarget, type ResolveTarget } from './resolve.ts';
import type { HeaderList } from './redact.ts';
import type { RecordedExchange } from './traffic.ts';

/** Where a host's connections go, and why there. */
export interface Destination {
  host: string;
  address: string;
  port: number;
  secure: boolean;
  via: 'resolve' | 'dns';
}

export type FailureKind = 'dns' | 'tls' | 'refused' | 'other';

/** An upstream that could not be reached: which URL, what happened. */
export interface UpstreamFailure {
  kind: FailureKind;
  host: string;
  url: string;
  destination: string;
  /** Node's code and message: `ENOTFOUND`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate`. */
  detail: string;
}

/** Headers that belong to one connection (RFC 9110 §7.6.1), or to the proxy: never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

const UPSTREAM_TIMEOUT_MS = 30_000;

/** DNS, TLS, refused or other, from node's error code. */
export function failureKind(error: unknown): FailureKind {
  const e = error as NodeJS.ErrnoException & { library?: string; reason?: string };
  const code = e?.code ?? '';
  if (['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA'].includes(code)) return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|SIGNATURE|ALTNAME|HOSTNAME/i.test(code) || e?.library === 'SSL routines') return 'tls';
  return 'other';
}

function detailOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e?.code && !e.message?.includes(e.code) ? `${e.code}: ${e.message}` : (e?.message ?? String(error));
}

/** `[name, value, name, value]` → pairs. */
export function pairs(raw: readonly string[]): [string, string][] {
  const list: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) list.push([raw[i]!, raw[i + 1]!]);
  return list;
}

/** The browser's request headers as sent upstream: hop-by-hop ones dropped, Accept-Encoding limited to what decode.ts undoes. */
export function forwardedHeaders(headers: HeaderList, drop: readonly string[] = []): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    if (HOP_BY_HOP.has(key) || key === 'content-length' || drop.includes(key)) continue;
    const v = key === 'accept-encoding' ? acceptedEncodings(value) : value;
    if (key === 'accept-encoding' && v === '') continue;
    const had = out[key];
    if (had === undefined) out[key] = v;
    else if (key === 'cookie') out[key] = `${String(had)}; ${v}`;
    else out[key] = [...(Array.isArray(had) ? had : [had]), v];
  }
  return out;
}

/** The upstream's response headers as given to the browser (mockttp recomputes content-length). */
export function returnedHeaders(headers: HeaderList): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    if (HOP_BY_HOP.has(key) || key === 'content-length') continue;
    const had = out[key];
    out[key] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  return out;
}

export interface ForwardRequest {
  method: string;
  url: string;
  httpVersion: string;
  headers: HeaderList;
  body: Buffer;
}

export type ForwardResult =
  | { ok: true; exchange: RecordedExchange; rawBody: Buffer; headers: Record<string, string | string[]>; warning: string | null }
  | { ok: false; failure: UpstreamFailure };

export class Upstream {
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  constructor(
    private readonly resolve: ReadonlyMap<string, ResolveTarget>,
    private readonly secureContext: tls.SecureContext,
  ) {}

  destination(url: URL): Destination {
    const secure = url.protocol === 'https:' || url.protocol === 'wss:';
    const host = url.hostname.toLowerCase();
    const target = this.resolve.get(host);
    if (target) return { host, address: target.address, port: target.port, secure, via: 'resolve' };
    return { host, address: host.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || (secure ? 443 : 80)), secure, via: 'dns' };
  }

  /** `127.0.0.1:8443 (--resolve)`, `93.184.216.34:443 (DNS)`. */
  static describe(destination: Destination, remoteAddress?: string): string {
    if (destination.via === 'resolve') return `${formatTarget(destination)} (--resolve)`;
    return `${remoteAddress ? formatTarget({ address: remoteAddress, port: destination.port }) : formatTarget(destination)} (DNS)`;
  }

  private failure(error: unknown, url: string, destination: Destination): UpstreamFailure {
    return { kind: failureKind(error), host: destination.host, url, destination: Upstream.describe(destination), detail: detailOf(error) };
  }

  /** Sends one request upstream as the browser sent it and reads the whole answer. */
  forward(request: ForwardRequest): Promise<ForwardResult> {
    const url = new URL(request.url);
    const destination = this.destination(url);
    const headers = forwardedHeaders(request.headers);
    if (request.body.length > 0 || !['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(request.method)) headers['content-length'] = String(request.body.length);
    const startedAt = Date.now();
    const started = performance.now();
    return new Promise((resolve) => {
      const options: https.RequestOptions = {
        method: request.method,
        host: destination.address,
        port: destination.port,
        path: `${url.pathname}${url.search}`,
        headers,
        timeout: UPSTREAM_TIMEOUT_MS,
      };
      // `secureContext` reaches tls.connect through the agent (node's types leave it out of RequestOptions).
      const secure: https.RequestOptions & Pick<tls.ConnectionOptions, 'secureContext'> = { ...options, servername: destination.host, secureContext: this.secureContext, agent: this.agents.https };
      const upstream = destination.secure ? https.request(secure) : http.request({ ...options, agent: this.agents.http });
      upstream.once('timeout', () => upstream.destroy(Object.assign(new Error(`no answer within ${UPSTREAM_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' })));
      upstream.once('error', (error) => resolve({ ok: false, failure: this.failure(error, request.url, destination) }));
      upstream.once('response', (response) => {
        const headersAt = performance.now();
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', (error) => resolve({ ok: false, failure: this.failure(error, request.url, destination) }));
        response.once('end', () => {
          const rawBody = Buffer.concat(chunks);
          const responseHeaders = pairs(response.rawHeaders);
          const decoded = decodeBody(rawBody, response.headers['content-encoding']);
          const exchange: RecordedExchange = {
            startedAt,
            method: request.method,
            url: request.url,
            httpVersion: `HTTP/${request.httpVersion}`,
            requestHeaders: request.headers,
            requestBody: request.body,
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            responseHttpVersion: `HTTP/${response.httpVersion}`,
            responseHeaders,
            body: decoded.body,
            transferSize: rawBody.length,
            waitMs: headersAt - started,
            receiveMs: performance.now() - headersAt,
            serverAddress: response.socket?.remoteAddress,
          };
          const warning = decoded.error ? `${request.url}: ${decoded.error}; recorded as it came` : null;
          resolve({ ok: true, exchange, rawBody, headers: returnedHeaders(responseHeaders), warning });
        });
      });
      upstream.end(request.body);
    });
  }

  /** A connection to a WebSocket's upstream (the `ws` client's `createConnection`). */
  connect(url: URL): net.Socket {
    const destination = this.destination(url);
    if (!destination.secure) return net.connect({ host: destination.address, port: destination.port });
    return tls.connect({ host: destination.address, port: destination.port, servername: destination.host, secureContext: this.secureContext, ALPNProtocols: ['http/1.1'] });
  }

  failureOf(error: unknown, url: string): UpstreamFailure {
    return this.failure(error, url, this.destination(new URL(url)));
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
