// Reads HAR 1.2 text (the vendor's recorded traffic) into what the proxy replays. Pure: never throws,
// never touches the disk. Accepts what Chrome DevTools writes ("Save all as HAR with content": binary
// bodies in base64 with `content.encoding: 'base64'`, `_webSocketMessages` on websocket entries) and
// what Playwright's `recordHar` writes with content embedded (the same shapes; `content: 'attach'`
// puts bodies in side files, `_file`, which a lone HAR cannot hold: a problem).
// Playwright (1.64) exports no HAR types, so the few fields read here are checked by hand from
// `unknown` below rather than typed.
import { hostMatches, type ReplayEntry, type ReplayRoute, type Route, type WsConversation, type WsMessage, type WsReplayRoute } from './routes.ts';

export interface HarProblem {
  /** JSON pointer (RFC 6901) into the HAR: `/log/entries/3/response/status`; `` for the whole text. */
  pointer: string;
  message: string;
}

export type HarResult =
  | {
      ok: true;
      /** HTTP exchanges, in recorded order. */
      entries: ReplayEntry[];
      /** WebSockets (`ws:`/`wss:` entries, or `_resourceType: 'websocket'`), in recorded order. */
      conversations: WsConversation[];
      /** Entries left out because they never got an answer (status 0 or -1: failed, blocked or aborted while recording). */
      unanswered: number;
    }
  | { ok: false; problems: HarProblem[] };

/** No more problems than this are listed: a wrong file says so in its first few. */
export const MAX_HAR_PROBLEMS = 50;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pointer(...parts: (string | number)[]): string {
  return parts.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** Reads one entry's fields, collecting what is wrong with them under the entry's pointer. */
class EntryReader {
  constructor(
    private readonly at: (string | number)[],
    private readonly problems: HarProblem[],
  ) {}

  problem(path: (string | number)[], message: string): void {
    this.problems.push({ pointer: pointer(...this.at, ...path), message });
  }

  object(parent: Json, path: (string | number)[]): Json | undefined {
    const value = path.length ? parent[path[path.length - 1]!] : parent;
    if (isObject(value)) return value;
    this.problem(path, value === undefined ? 'missing (an object is required)' : 'not an object');
    return undefined;
  }

  string(parent: Json, path: (string | number)[]): string | undefined {
    const value = parent[path[path.length - 1]!];
    if (typeof value === 'string') return value;
    this.problem(path, value === undefined ? 'missing (a string is required)' : 'not a string');
    return undefined;
  }

  headers(response: Json): [string, string][] {
    const list = response.headers;
    if (!Array.isArray(list)) {
      this.problem(['response', 'headers'], 'not an array of {name, value}');
      return [];
    }
    const headers: [string, string][] = [];
    list.forEach((header: unknown, i) => {
      if (isObject(header) && typeof header.name === 'string' && typeof header.value === 'string') headers.push([header.name, header.value]);
      else this.problem(['response', 'headers', i], 'not a {name, value} pair of strings');
    });
    return headers;
  }

  body(response: Json): Buffer {
    const content = response.content;
    if (content === undefined) return Buffer.alloc(0);
    if (!isObject(content)) {
      this.problem(['response', 'content'], 'not an object');
      return Buffer.alloc(0);
    }
    const { text, encoding } = content;
    if (text === undefined) {
      if (typeof content._file === 'string') this.problem(['response', 'content', '_file'], 'the body is in a file beside the HAR (Playwright\'s `content: "attach"`); record with `content: "embed"`');
      return Buffer.alloc(0);
    }
    if (typeof text !== 'string') {
      this.problem(['response', 'content', 'text'], 'not a string');
      return Buffer.alloc(0);
    }
    if (encoding === undefined) return Buffer.from(text, 'utf8');
    if (encoding !== 'base64') {
      this.problem(['response', 'content', 'encoding'], `unsupported encoding ${JSON.stringify(encoding)} (only "base64")`);
      return Buffer.alloc(0);
    }
    if (!BASE64.test(text)) this.problem(['response', 'content', 'text'], 'not base64, as `encoding: "base64"` says');
    return Buffer.from(text, 'base64');
  }

  messages(entry: Json): WsMessage[] {
    const list = entry._webSocketMessages;
    if (list === undefined) return [];
    if (!Array.isArray(list)) {
      this.problem(['_webSocketMessages'], 'not an array');
      return [];
    }
    const messages: WsMessage[] = [];
    list.forEach((message: unknown, i) => {
      const ok = isObject(message) && (message.type === 'send' || message.type === 'receive') && typeof message.opcode === 'number' && typeof message.data === 'string';
      if (!ok) return this.problem(['_webSocketMessages', i], 'not a {type: "send"|"receive", opcode, data} message');
      // Only data frames are replayed; control frames (close, ping, pong) are the connection's own.
      if (message.opcode === 1 || message.opcode === 2) messages.push({ type: message.type as WsMessage['type'], opcode: message.opcode, data: message.data as string });
    });
    return messages;
  }
}

/** `Sec-Fetch-Dest` values in Chromium's `_resourceType` names (`empty` is a fetch or XHR). */
const DEST_TYPES: Record<string, string> = {
  script: 'script', worker: 'script', sharedworker: 'script', serviceworker: 'script', audioworklet: 'script', paintworklet: 'script',
  style: 'stylesheet', image: 'image', font: 'font', empty: 'fetch', document: 'document', iframe: 'document', frame: 'document',
  audio: 'media', video: 'media', track: 'texttrack', manifest: 'manifest', object: 'other', embed: 'other', report: 'ping', websocket: 'websocket',
};

/** A request's `Sec-Fetch-Dest` in Chromium's `_resourceType` names; null when absent or unknown. */
export function resourceTypeOfDest(dest: string | undefined): string | null {
  return dest ? (DEST_TYPES[dest.trim().toLowerCase()] ?? null) : null;
}

/** What a response's content type says it was fetched as, in Chromium's names; null when it says nothing clear. */
export function resourceTypeOfContentType(contentType: string | null | undefined): string | null {
  const type = (contentType ?? '').toLowerCase();
  if (/javascript|ecmascript/.test(type)) return 'script';
  if (type.includes('text/css')) return 'stylesheet';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('font/') || type.includes('font-woff')) return 'font';
  if (type.startsWith('audio/') || type.startsWith('video/')) return 'media';
  if (type.includes('text/html')) return 'document';
  if (type.includes('json')) return 'fetch';
  return null;
}

/** What the browser fetched an entry as: `_resourceType`, else the request's `Sec-Fetch-Dest`. */
function resourceTypeOf(entry: Json, request: Json): string | null {
  if (typeof entry._resourceType === 'string' && entry._resourceType) return entry._resourceType.toLowerCase();
  const headers = Array.isArray(request.headers) ? request.headers : [];
  for (const h of headers) {
    if (isObject(h) && typeof h.name === 'string' && h.name.toLowerCase() === 'sec-fetch-dest' && typeof h.value === 'string') return resourceTypeOfDest(h.value);
  }
  return null;
}

function isWebSocket(entry: Json, url: string): boolean {
  return /^wss?:/i.test(url) || entry._resourceType === 'websocket' || entry._webSocketMessages !== undefined;
}

/** Reads HAR text. Never throws: what is wrong is named by JSON pointer. */
export function parseHar(text: string): HarResult {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [{ pointer: '', message: `not JSON: ${(error as Error).message}` }] };
  }
  if (!isObject(root)) return { ok: false, problems: [{ pointer: '', message: 'not a HAR: the top level is not an object' }] };
  if (!isObject(root.log)) return { ok: false, problems: [{ pointer: '/log', message: 'not a HAR: no `log` object' }] };
  const list = root.log.entries;
  if (!Array.isArray(list)) return { ok: false, problems: [{ pointer: '/log/entries', message: 'not an array of entries' }] };

  const problems: HarProblem[] = [];
  const entries: ReplayEntry[] = [];
  const conversations: WsConversation[] = [];
  let unanswered = 0;
  list.forEach((value: unknown, i) => {
    const read = new EntryReader(['log', 'entries', i], problems);
    if (!isObject(value)) return read.problem([], 'not an object');
    const request = read.object(value, ['request']);
    const response = read.object(value, ['response']);
    const method = request && read.string(request, ['request', 'method']);
    const url = request && read.string(request, ['request', 'url']);
    const urlOk = url !== undefined && URL.canParse(url);
    if (url !== undefined && !urlOk) read.problem(['request', 'url'], `not an absolute URL: ${JSON.stringify(url)}`);
    const status = response?.status;
    const statusOk = typeof status === 'number' && Number.isInteger(status) && status <= 999;
    if (response && !statusOk) read.problem(['response', 'status'], 'not an HTTP status');
    if (!response || method === undefined || url === undefined || !urlOk || typeof status !== 'number' || !statusOk) return;
    if (status < 100) {
      unanswered++;
      return;
    }
    if (isWebSocket(value, url)) conversations.push({ url, messages: read.messages(value) });
    else {
      const statusText = typeof response.statusText === 'string' ? response.statusText : '';
      entries.push({ method: method.toUpperCase(), url, status, statusText, headers: read.headers(response), body: read.body(response), resourceType: resourceTypeOf(value, request ?? {}) });
    }
  });
  if (problems.length) return { ok: false, problems: problems.slice(0, MAX_HAR_PROBLEMS) };
  return { ok: true, entries, conversations, unanswered };
}

/** Items by the host of their URL, in order, keeping those `wanted`. */
function byHost<T extends { url: string }>(items: readonly T[], wanted: (host: string) => boolean): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const host = new URL(item.url).hostname.toLowerCase();
    const group = groups.get(host);
    if (group) group.push(item);
    else if (wanted(host)) groups.set(host, [item]);
  }
  return [...groups];
}

/**
 * The routes replaying a HAR's traffic: one `replay` route per host its HTTP entries name and one
 * `ws-replay` route per host its WebSockets name, limited to `hosts` (patterns) when given.
 */
export function replayRoutes(har: { entries: readonly ReplayEntry[]; conversations: readonly WsConversation[] }, hosts?: readonly string[]): Route[] {
  const wanted = (host: string) => !hosts || hosts.some((pattern) => hostMatches(pattern, host));
  return [
    ...byHost(har.entries, wanted).map(([host, entries]): ReplayRoute => ({ kind: 'replay', host, entries })),
    ...byHost(har.conversations, wanted).map(([host, conversations]): WsReplayRoute => ({ kind: 'ws-replay', host, conversations })),
  ];
}
