// replay: a host answered from its recorded traffic (routes.ts; vendor-format.md, "Replay").
import { RecordedIndex } from './recorded.ts';
import type { ReplayEntry, ReplayRoute } from './routes.ts';

/** A response, in the shape a mockttp callback returns. */
export interface ReplayAnswer {
  statusCode: number;
  statusMessage?: string;
  headers: Record<string, string | string[]>;
  rawBody?: Buffer;
}

export interface ReplayRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Not served as recorded: hop-by-hop headers, and the framing of a body that is served decoded. */
const RECOMPUTED = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length', 'content-encoding']);

/** A recorded exchange as served: its status, its own headers (CSP, CORS, types…) and its decoded body. */
export function replayed(entry: ReplayEntry): ReplayAnswer {
  // A `Connection` header names more hop-by-hop headers.
  const named = entry.headers.filter(([name]) => name.toLowerCase() === 'connection').flatMap(([, value]) => value.toLowerCase().split(',').map((n) => n.trim()));
  const headers: Record<string, string[]> = {};
  for (const [name, value] of entry.headers) {
    const key = name.toLowerCase();
    // `:status` and friends: HTTP/2 pseudo-headers some recordings list.
    if (key.startsWith(':') || RECOMPUTED.has(key) || named.includes(key)) continue;
    (headers[key] ??= []).push(value);
  }
  const bodiless = entry.status < 200 || entry.status === 204 || entry.status === 304;
  if (!bodiless) headers['content-length'] = [String(entry.body.length)];
  return { statusCode: entry.status, statusMessage: entry.statusText || undefined, headers, rawBody: bodiless ? undefined : entry.body };
}

function header(req: ReplayRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * A CORS preflight nobody recorded (Playwright's HAR never holds one; DevTools' may): allowed as the
 * browser asked, so that the recorded response itself — with its own CORS headers — decides.
 */
function allowedPreflight(req: ReplayRequest): ReplayAnswer | null {
  const method = header(req, 'access-control-request-method');
  if (req.method !== 'OPTIONS' || !method) return null;
  const headers: Record<string, string> = {
    'access-control-allow-origin': header(req, 'origin') ?? '*',
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': method,
    vary: 'origin',
  };
  const asked = header(req, 'access-control-request-headers');
  if (asked) headers['access-control-allow-headers'] = asked;
  return { statusCode: 204, headers };
}

/** What a replay host answers for a URL its recording does not hold. */
export function notRecorded(req: ReplayRequest): ReplayAnswer {
  const body = Buffer.from(`csp-harness: the recorded traffic holds no ${req.method} ${req.url}; the request was recorded as unrecorded.`);
  return { statusCode: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'access-control-allow-origin': '*' }, rawBody: body };
}

/** One replay route's recorded traffic, consumed as requests come. */
export class Replay {
  private readonly index: RecordedIndex<ReplayEntry>;

  constructor(route: ReplayRoute) {
    this.index = new RecordedIndex(route.entries.map((entry) => ({ method: entry.method, url: entry.url, answer: entry })));
  }

  /** The recorded answer to a request, or null when the recording does not hold it. */
  answer(req: ReplayRequest): ReplayAnswer | null {
    const entry = this.index.take(req.method, req.url);
    return entry ? replayed(entry) : allowedPreflight(req);
  }
}
