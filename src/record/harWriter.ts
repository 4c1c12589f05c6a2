// Recorded traffic → HAR 1.2 in the form Chromium DevTools writes ("Save all as HAR with content"):
// `_resourceType` in Chromium's names, decoded bodies (base64 for binary ones), WebSockets as
// `_resourceType: 'websocket'` entries with `_webSocketMessages`. src/server/har.ts reads it back. Pure.
import { resourceTypeOfContentType, resourceTypeOfDest } from '../server/har.ts';
import { redactHeaders, REDACTED, type HeaderList } from './redact.ts';
import type { RecordedExchange, RecordedWebSocket } from './traffic.ts';

interface HarNameValue {
  name: string;
  value: string;
}

interface HarCookie extends HarNameValue {
  path?: string;
  domain?: string;
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string;
}

export interface HarEntry {
  pageref: string;
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    headers: HarNameValue[];
    queryString: HarNameValue[];
    cookies: HarCookie[];
    headersSize: number;
    bodySize: number;
    postData?: { mimeType: string; text: string; encoding?: 'base64' };
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: HarNameValue[];
    cookies: HarCookie[];
    content: { size: number; mimeType: string; text: string; encoding?: 'base64' };
    redirectURL: string;
    headersSize: number;
    bodySize: number;
    _transferSize?: number;
  };
  cache: Record<string, never>;
  timings: { blocked: number; dns: number; ssl: number; connect: number; send: number; wait: number; receive: number };
  serverIPAddress?: string;
  _resourceType: string;
  _webSocketMessages?: { type: 'send' | 'receive'; time: number; opcode: 1 | 2; data: string }[];
}

export interface Har {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    pages: { startedDateTime: string; id: string; title: string; pageTimings: { onContentLoad: number; onLoad: number } }[];
    entries: HarEntry[];
    comment?: string;
  };
}

export interface HarInput {
  /** The harness's page the embed was loaded on. */
  pageUrl: string;
  pageStartedAt: number;
  exchanges: readonly RecordedExchange[];
  webSockets: readonly RecordedWebSocket[];
  /** Replace credentials (redact.ts); false with `--keep-secrets`. */
  redact: boolean;
  creatorVersion: string;
}

const PAGE_ID = 'page_1';

/** `Sec-Fetch-Dest` → Chromium's `_resourceType` (`empty` is a fetch or an XHR: `fetch`). */
function header(headers: HeaderList, name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

/** What the browser fetched a request as, in Chromium's names: its `Sec-Fetch-Dest`, else its response's type. */
export function resourceTypeOf(requestHeaders: HeaderList, contentType: string | undefined): string {
  return resourceTypeOfDest(header(requestHeaders, 'sec-fetch-dest')) ?? resourceTypeOfContentType(contentType) ?? 'other';
}

const TEXTUAL = /^text\/|json|javascript|ecmascript|xml|svg|css|html|x-www-form-urlencoded/i;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A body as HAR text: UTF-8 when its type is textual and its bytes are valid UTF-8, else base64. */
export function bodyText(body: Buffer, mimeType: string): { text: string; encoding?: 'base64' } {
  if (body.length === 0) return { text: '' };
  if (TEXTUAL.test(mimeType)) {
    try {
      return { text: UTF8.decode(body) };
    } catch {
      // not UTF-8 after all: base64 keeps every byte
    }
  }
  return { text: body.toString('base64'), encoding: 'base64' };
}

function nameValues(headers: HeaderList): HarNameValue[] {
  return headers.map(([name, value]) => ({ name, value }));
}

function requestCookies(headers: HeaderList, redact: boolean): HarCookie[] {
  return headers
    .filter(([n]) => n.toLowerCase() === 'cookie')
    .flatMap(([, value]) => value.split(';'))
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '')
    .map((pair) => {
      const at = pair.indexOf('=');
      const name = at < 0 ? '' : pair.slice(0, at).trim();
      const value = at < 0 ? pair : pair.slice(at + 1).trim();
      return { name, value: redact ? REDACTED : value };
    });
}

/** One `Set-Cookie` value as a HAR cookie (attributes DevTools lists). */
export function parseSetCookie(line: string, redact: boolean): HarCookie {
  const [first = '', ...attributes] = line.split(';');
  const at = first.indexOf('=');
  const cookie: HarCookie = { name: at < 0 ? '' : first.slice(0, at).trim(), value: redact ? REDACTED : (at < 0 ? first : first.slice(at + 1)).trim() };
  for (const attribute of attributes) {
    const eq = attribute.indexOf('=');
    const key = (eq < 0 ? attribute : attribute.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : attribute.slice(eq + 1).trim();
    if (key === 'path') cookie.path = value;
    else if (key === 'domain') cookie.domain = value;
    else if (key === 'expires' && !Number.isNaN(Date.parse(value))) cookie.expires = new Date(value).toISOString();
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'samesite') cookie.sameSite = value;
  }
  return cookie;
}

function queryString(url: string): HarNameValue[] {
  return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
}

function redirectUrl(exchange: RecordedExchange): string {
  const location = exchange.status >= 300 && exchange.status < 400 ? header(exchange.responseHeaders, 'location') : undefined;
  if (!location) return '';
  return URL.canParse(location, exchange.url) ? new URL(location, exchange.url).href : location;
}

const round = (ms: number) => Math.max(0, Math.round(ms * 1000) / 1000);

function httpEntry(exchange: RecordedExchange, redact: boolean): HarEntry {
  const requestHeaders = redact ? redactHeaders(exchange.requestHeaders) : [...exchange.requestHeaders];
  const responseHeaders = redact ? redactHeaders(exchange.responseHeaders) : [...exchange.responseHeaders];
  const contentType = header(exchange.responseHeaders, 'content-type');
  const mimeType = contentType ?? 'x-unknown';
  const requestType = header(exchange.requestHeaders, 'content-type') ?? '';
  const postBody = exchange.requestBody.length > 0 ? bodyText(exchange.requestBody, requestType || 'text/plain') : null;
  return {
    pageref: PAGE_ID,
    startedDateTime: new Date(exchange.startedAt).toISOString(),
    time: round(exchange.waitMs + exchange.receiveMs),
    request: {
      method: exchange.method,
      url: exchange.url,
      httpVersion: exchange.httpVersion,
      headers: nameValues(requestHeaders),
      queryString: queryString(exchange.url),
      cookies: requestCookies(exchange.requestHeaders, redact),
      headersSize: -1,
      bodySize: exchange.requestBody.length,
      ...(postBody ? { postData: { mimeType: requestType, ...postBody } } : {}),
    },
    response: {
      status: exchange.status,
      statusText: exchange.statusText,
      httpVersion: exchange.responseHttpVersion,
      headers: nameValues(responseHeaders),
      cookies: exchange.responseHeaders.filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => parseSetCookie(v, redact)),
      content: { size: exchange.body.length, mimeType, ...bodyText(exchange.body, mimeType) },
      redirectURL: redirectUrl(exchange),
      headersSize: -1,
      bodySize: exchange.transferSize,
      _transferSize: exchange.transferSize,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0, wait: round(exchange.waitMs), receive: round(exchange.receiveMs) },
    ...(exchange.serverAddress ? { serverIPAddress: exchange.serverAddress } : {}),
    _resourceType: resourceTypeOf(exchange.requestHeaders, contentType),
  };
}

function webSocketEntry(socket: RecordedWebSocket, redact: boolean): HarEntry {
  const requestHeaders = redact ? redactHeaders(socket.requestHeaders) : [...socket.requestHeaders];
  const responseHeaders = redact ? redactHeaders(socket.responseHeaders) : [...socket.responseHeaders];
  return {
    pageref: PAGE_ID,
    startedDateTime: new Date(socket.startedAt).toISOString(),
    time: round(socket.connectMs),
    request: {
      method: 'GET',
      url: socket.url,
      httpVersion: 'HTTP/1.1',
      headers: nameValues(requestHeaders),
      queryString: queryString(socket.url),
      cookies: requestCookies(socket.requestHeaders, redact),
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: socket.status,
      statusText: socket.statusText,
      httpVersion: 'HTTP/1.1',
      headers: nameValues(responseHeaders),
      cookies: socket.responseHeaders.filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => parseSetCookie(v, redact)),
      content: { size: 0, mimeType: 'x-unknown', text: '' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 0,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0, wait: round(socket.connectMs), receive: 0 },
    ...(socket.serverAddress ? { serverIPAddress: socket.serverAddress } : {}),
    _resourceType: 'websocket',
    // DevTools' times are seconds since the epoch; binary frames are base64.
    _webSocketMessages: socket.frames.map((frame) => ({
      type: frame.type,
      time: frame.at / 1000,
      opcode: frame.opcode,
      data: frame.opcode === 2 ? frame.data.toString('base64') : frame.data.toString('utf8'),
    })),
  };
}

/** The HAR of a recording: HTTP exchanges and WebSockets, ordered by when they started. */
export function buildHar(input: HarInput): Har {
  const entries = [
    ...input.exchanges.map((e) => ({ at: e.startedAt, entry: httpEntry(e, input.redact) })),
    ...input.webSockets.map((s) => ({ at: s.startedAt, entry: webSocketEntry(s, input.redact) })),
  ]
    .sort((a, b) => a.at - b.at)
    .map((e) => e.entry);
  return {
    log: {
      version: '1.2',
      creator: { name: 'csp-harness', version: input.creatorVersion },
      pages: [{ startedDateTime: new Date(input.pageStartedAt).toISOString(), id: PAGE_ID, title: input.pageUrl, pageTimings: { onContentLoad: -1, onLoad: -1 } }],
      entries,
      ...(input.redact ? { comment: `Recorded by csp-harness record. Authorization, Proxy-Authorization, Cookie and Set-Cookie values are replaced by "${REDACTED}".` } : { comment: 'Recorded by csp-harness record --keep-secrets: credentials are kept.' }),
    },
  };
}

export function renderHar(har: Har): string {
  return `${JSON.stringify(har, null, 2)}\n`;
}
