// What answers a host. Vendors declare routes; the fixture network serves them.
//   static     files from a folder below the fixtures root (layered when several vendors serve one host)
//   replay     recorded HTTP traffic (HAR entries, see har.ts): the vendor as it answered when recorded
//   upstream   forwarded, HTTP and WebSocket alike, to a server of the user's (mockttp's passthrough)
//   ws-echo    WebSocket upgrades answered by an echo
//   ws-replay  WebSocket conversations recorded by Chromium (`_webSocketMessages`), played back
//   refuse     refused and recorded, as every host nobody serves is (a route makes it explicit)
// A host pattern is a name (`app-cdn.velaro.com`) or a family (`*.velaro.com`: subdomains only, as in CSP).
// HTTP requests are answered by the first of static, replay, upstream, refuse that covers the host;
// WebSocket upgrades by the first of ws-echo, ws-replay, upstream, refuse (routesFor: exact names
// before families, first declared first). Whatever no route covers is refused and recorded.

export interface StaticRoute {
  kind: 'static';
  host: string;
  /**
   * Folder below the fixtures root, or an absolute folder (a user's vendor folder, `static` in
   * vendor.json). Several static routes for one host are layered: the first folder holding the file answers.
   */
  dir: string;
  /** The URL path `dir` is served at (default `/`): `/v1/analytics-js/` serves `dir/x.js` as `/v1/analytics-js/x.js`. Absolute dirs only. */
  mount?: string;
  /** Exact URL paths answered by absolute files (a published package's file under the vendor's CDN path), before `dir`. */
  files?: Record<string, string>;
}

/** One recorded HTTP exchange, as har.ts reads it from a HAR file. */
export interface ReplayEntry {
  method: string;
  /** Absolute URL as recorded. */
  url: string;
  status: number;
  /** Empty when the recording had none (HTTP/2). */
  statusText: string;
  /** Response headers as recorded, in order; a repeated name (`set-cookie`, two CSPs) repeats. */
  headers: [name: string, value: string][];
  /** The decoded body (a HAR holds bodies after content-encoding is undone). */
  body: Buffer;
  /**
   * What the browser fetched it as, in Chromium's `_resourceType` names (`script`, `stylesheet`,
   * `image`, `font`, `xhr`, `fetch`, `eventsource`, `document`, `media`, …), from the HAR's
   * `_resourceType` or else the request's `Sec-Fetch-Dest`; null when the recording says neither.
   */
  resourceType?: string | null;
}

/**
 * Recorded traffic answers the host: matched by method and full URL, then by method and URL with the
 * query dropped from both sides; repeated requests consume the matching entries in order and the last
 * one repeats. Status, headers and body come back as recorded (hop-by-hop headers, content-length and
 * content-encoding recomputed). A URL never recorded: 404, listed as an unrecorded request. A CORS
 * preflight nobody recorded (Playwright's HAR never holds one) is allowed as the browser asked.
 */
export interface ReplayRoute {
  kind: 'replay';
  host: string;
  entries: ReplayEntry[];
}

/**
 * Every request and WebSocket upgrade to the host is forwarded to `target`, keeping method, path,
 * query, headers and body; the answer comes back as the upstream gave it. A target that does not
 * accept the connection: 502 (`csp-harness: …` naming it).
 */
export interface UpstreamRoute {
  kind: 'upstream';
  host: string;
  /** An http(s) origin, without path: `http://127.0.0.1:3000`. WebSockets go to its ws(s) twin. */
  target: string;
  /** Send the Host header the browser sent (the vendor's name) instead of the target's host. Default false. */
  preserveHost?: boolean;
}

export interface WsEchoRoute {
  kind: 'ws-echo';
  host: string;
}

/** One WebSocket frame as Chromium's HAR records it (`_webSocketMessages`). */
export interface WsMessage {
  /** `send`: the client (browser) sent it; `receive`: the server did. */
  type: 'send' | 'receive';
  /** 1 text, 2 binary (`data` in base64). */
  opcode: 1 | 2;
  data: string;
}

/** One recorded WebSocket: its URL (ws: or wss:) and its frames in order. */
export interface WsConversation {
  url: string;
  messages: WsMessage[];
}

/**
 * Recorded WebSocket conversations answer upgrades to the host, matched by URL as `replay` matches
 * (ws: and wss: alike; full URL, then without the query; in order, the last repeating). On open the
 * server frames recorded before the first client frame are sent; each client frame is then answered
 * by the server frames recorded after the next client frame. An upgrade to a URL never recorded:
 * rejected with 404, listed as an unrecorded request.
 */
export interface WsReplayRoute {
  kind: 'ws-replay';
  host: string;
  conversations: WsConversation[];
}

export interface RefuseRoute {
  kind: 'refuse';
  host: string;
  /** Said in the refusal. */
  reason?: string;
}

export type Route = StaticRoute | ReplayRoute | UpstreamRoute | WsEchoRoute | WsReplayRoute | RefuseRoute;
export type RouteKind = Route['kind'];

/** Whether a host pattern covers a host (exact, or `*.` for subdomains only). */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

/** The routes that answer a host: exact patterns before families, in declaration order. */
export function routesFor<R extends Route>(routes: readonly R[], host: string): R[] {
  return [...routes.filter((r) => r.host === host), ...routes.filter((r) => r.host !== host && hostMatches(r.host, host))];
}

/** Whether a route answers HTTP requests (a refusal counts: it answers with a refusal). */
export function answersHttp(route: Route): boolean {
  return route.kind !== 'ws-echo' && route.kind !== 'ws-replay';
}

/** Whether a route answers WebSocket upgrades (a refusal counts). */
export function answersWebSocket(route: Route): boolean {
  return route.kind !== 'static' && route.kind !== 'replay';
}
