// upstream: a host forwarded, HTTP and WebSocket alike, to a server of the user's (routes.ts), by
// mockttp's own passthrough: method, path, query, headers and body go as the browser sent them, and
// the answer comes back as the upstream gave it.
import net from 'node:net';
import { completionCheckers, matchers, requestSteps, webSocketSteps, type Mockttp, type OngoingRequest } from 'mockttp';
import type { UpstreamRoute } from './routes.ts';

/** The route's target as a URL; throws (a `csp-harness:` message) when it is not an http(s) origin. */
export function upstreamTarget(route: UpstreamRoute): URL {
  const target = URL.canParse(route.target) ? new URL(route.target) : null;
  const origin = target && /^https?:$/.test(target.protocol) && target.pathname === '/' && !target.search && !target.hash && !target.username && !target.password;
  if (!target || !origin) throw new Error(`csp-harness: the upstream route for ${route.host} needs an http(s) origin as its target (http://127.0.0.1:3000), not ${JSON.stringify(route.target)}`);
  return target;
}

/**
 * Matches on the request's URL alone. mockttp's `.matching()` waits for the whole body first, and a
 * body above the proxy's maxBodySize is then forwarded empty: an upload to the user's server would be lost.
 */
class UrlMatcher extends matchers.CallbackMatcher {
  constructor(
    private readonly test: (url: string) => boolean | Promise<boolean>,
    private readonly says: string,
  ) {
    super(() => false);
  }

  override async matches(request: OngoingRequest): Promise<boolean> {
    return this.test(request.url);
  }

  override explain(): string {
    return this.says;
  }
}

/** Whether the target accepts a TCP connection now. */
function accepting(target: URL): Promise<boolean> {
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.hostname.replace(/^\[(.*)\]$/, '$1'), port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(5000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Which URLs the route answers (the network's precedence decides), for requests and for upgrades. */
export interface UpstreamCover {
  http: (url: string) => boolean;
  ws: (url: string) => boolean;
}

/** As every answer of the proxy (uncached.ts): `no-store`, no HSTS or Alt-Svc (a header set to undefined is removed). */
const UNCACHED = { 'cache-control': 'no-store', expires: undefined, age: undefined, pragma: undefined, 'strict-transport-security': undefined, 'alt-svc': undefined };

/**
 * Adds a lane's rules for one upstream route: forward what it covers; but first, when the target
 * does not accept a connection, answer 502 naming it (for an upgrade in the status text too: mockttp
 * may cut a rejection's body short). mockttp alone would answer 502 with its own text and log the
 * error; a target that goes down between the check and the forward still gets that.
 */
export async function addUpstreamRules(server: Mockttp, route: UpstreamRoute, cover: UpstreamCover): Promise<void> {
  const target = upstreamTarget(route);
  const secure = target.protocol === 'https:';
  const replaceHost = { targetHost: target.host, updateHostHeader: !route.preserveHost };
  const down = `csp-harness: the upstream ${target.origin} (serving ${route.host}) did not accept a connection; is it running?`;
  const isDown = (covers: (url: string) => boolean) => new UrlMatcher(async (url) => covers(url) && !(await accepting(target)), `${route.host} while ${target.origin} is down`);
  const isCovered = (covers: (url: string) => boolean) => new UrlMatcher(covers, `${route.host}, forwarded to ${target.origin}`);
  const always = new completionCheckers.Always();
  await server.addRequestRules(
    { matchers: [isDown(cover.http)], steps: [new requestSteps.FixedResponseStep(502, 'Bad Gateway', down, { 'content-type': 'text/plain; charset=utf-8' })], completionChecker: always },
    { matchers: [isCovered(cover.http)], steps: [new requestSteps.PassThroughStep({ transformRequest: { setProtocol: secure ? 'https' : 'http', replaceHost }, transformResponse: { updateHeaders: UNCACHED } })], completionChecker: always },
  );
  await server.addWebSocketRules(
    { matchers: [isDown(cover.ws)], steps: [new webSocketSteps.RejectWebSocketStep(502, down, { 'content-type': 'text/plain; charset=utf-8' }, down)], completionChecker: always },
    { matchers: [isCovered(cover.ws)], steps: [new webSocketSteps.PassThroughWebSocketStep({ transformRequest: { setProtocol: secure ? 'wss' : 'ws', replaceHost } })], completionChecker: always },
  );
}
