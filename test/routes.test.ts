// The route kinds that answer from recorded traffic or from the user's own server, through the
// real proxy with real TLS: replay, ws-replay, upstream.
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHar, replayRoutes } from '../src/server/har.ts';
import { FixtureNetwork, type Lane } from '../src/server/network.ts';
import type { Route } from '../src/server/routes.ts';
import { fetchViaProxy, wsViaProxy } from './helpers/proxyClient.ts';
import { listeningSockets } from './helpers/sockets.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

function harRoutes(name: string): Route[] {
  const har = parseHar(readFileSync(join(import.meta.dirname, 'fixtures/har', name), 'utf8'));
  if (!har.ok) throw new Error(JSON.stringify(har.problems));
  return replayRoutes(har);
}

/** What the user's server (the upstream) was sent. */
interface Arrived {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const arrived: Arrived[] = [];
const upstream = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    arrived.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'yes' });
    res.end(JSON.stringify({ got: Buffer.concat(chunks).length }));
  });
});
new WebSocketServer({ server: upstream }).on('connection', (socket, req) => socket.on('message', (data) => socket.send(`upstream ${req.url} got ${String(data)}`)));

let network: FixtureNetwork;
let lane: Lane;
let ca: string;
let upstreamOrigin: string;
let downOrigin: string;
const get = (url: string, init?: Parameters<typeof fetchViaProxy>[3]) => fetchViaProxy(lane.port, ca, url, init);

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  upstreamOrigin = await listen(upstream);
  // A port nothing listens on any more: the upstream that is down.
  const gone = http.createServer();
  downOrigin = await listen(gone);
  await new Promise((resolve) => gone.close(resolve));
  network = await FixtureNetwork.start({
    fixturesRoot: mkdtempSync(join(tmpdir(), 'csph-routes-')),
    routes: [
      ...harRoutes('devtools.har'),
      ...harRoutes('playwright.har'),
      { kind: 'upstream', host: 'app.user.test', target: upstreamOrigin },
      { kind: 'upstream', host: 'keep.user.test', target: upstreamOrigin, preserveHost: true },
      { kind: 'upstream', host: 'down.user.test', target: downOrigin },
    ],
  });
  lane = await network.openLane();
  ca = readFileSync(network.caCertificatePath, 'utf8');
});

afterAll(async () => {
  await network?.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

/** Opens a WebSocket through the proxy, sends each of `sends` once `after` frames have arrived, and collects `total` frames. */
async function converse(url: string, sends: { after: number; data: string | Buffer }[], total: number): Promise<(string | number[])[]> {
  const ws = await wsViaProxy(lane.port, ca, url);
  const got: (string | number[])[] = [];
  try {
    return await new Promise((resolve, reject) => {
      const sendDue = () => sends.filter((s) => s.after === got.length).forEach((s) => ws.send(s.data));
      ws.once('open', sendDue);
      ws.on('message', (data, binary) => {
        got.push(binary ? [...(data as Buffer)] : String(data));
        if (got.length === total) resolve(got);
        else sendDue();
      });
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
      ws.once('error', reject);
      setTimeout(() => reject(new Error(`only ${JSON.stringify(got)} arrived`)), 5000);
    });
  } finally {
    ws.terminate();
  }
}

/** The status an upgrade is refused with, and its text. */
async function refusedUpgrade(url: string): Promise<{ status: number; text: string }> {
  const ws = await wsViaProxy(lane.port, ca, url);
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, text: res.statusMessage ?? '' });
      res.destroy();
    });
    ws.once('open', () => reject(new Error('the upgrade went through')));
    ws.once('error', reject);
  });
}

describe('replay: recorded traffic through the proxy', () => {
  it.each([
    ['an exact URL (DevTools HAR)', 'GET', 'https://widget.acme.test/loader.js', 200, 'window.acme = { loaded: true };\n', 'application/javascript; charset=utf-8'],
    ['the URL with the query dropped from both sides', 'GET', 'https://widget.acme.test/api/config?session=other', 200, '{"theme":"dark"}', 'application/json'],
    ['the URL without any query', 'GET', 'https://widget.acme.test/api/config', 200, '{"theme":"dark"}', 'application/json'],
    ['a recorded POST', 'POST', 'https://widget.acme.test/api/events', 202, '{"accepted":true}', 'application/json'],
    ['an exact URL (Playwright HAR)', 'GET', 'https://app.pwvendor.test/', 200, '<img src="/logo.png">', 'text/html'],
    ['a POST with a query (Playwright HAR)', 'POST', 'https://app.pwvendor.test/api?x=1', 200, '{"ok":true}', 'application/json'],
  ])('answers %s', async (_what, method, url, status, body, type) => {
    const response = await get(url, { method, body: method === 'POST' ? '{}' : undefined });
    expect(response.status).toBe(status);
    expect(response.body.startsWith(body)).toBe(true);
    expect(response.headers['content-type']).toBe(type);
  });

  it('consumes repeated requests in order, the last one repeating', async () => {
    const bodies = [];
    for (let i = 0; i < 4; i++) bodies.push((await get('https://widget.acme.test/api/poll')).body);
    expect(bodies).toEqual(['{"n":1}', '{"n":2}', '{"n":2}', '{"n":2}']);
  });

  it("keeps the vendor's own headers: its CSP, its CORS, its cookies", async () => {
    const frame = await get('https://widget.acme.test/frame/index.html');
    expect(frame.headers['content-security-policy']).toBe("default-src 'self'; frame-ancestors https://www.shop.test");
    expect(frame.headers['access-control-allow-origin']).toBe('https://www.shop.test');
    expect(frame.headers['set-cookie']).toEqual(['acme_sid=1; Secure; SameSite=None', 'acme_seen=1; Secure; SameSite=None']);
  });

  it.each([
    ['DevTools', 'https://widget.acme.test/logo.png'],
    ['Playwright', 'https://app.pwvendor.test/logo.png'],
  ])('serves a base64 body decoded (%s HAR), with its content-length', async (_shape, url) => {
    const image = await get(url);
    expect(image.raw.equals(PNG)).toBe(true);
    expect(image.headers['content-length']).toBe(String(PNG.length));
  });

  it('recomputes content-length and drops content-encoding and hop-by-hop headers', async () => {
    const script = await get('https://widget.acme.test/loader.js');
    expect(script.headers['content-length']).toBe(String(Buffer.byteLength(script.body))); // recorded: 27
    expect(script.headers['content-encoding']).toBeUndefined(); // recorded: br, but the text is decoded
    const page = await get('https://app.pwvendor.test/');
    expect(page.headers['keep-alive']).toBeUndefined(); // recorded by Playwright over HTTP/1.1
    expect(page.headers['transfer-encoding']).toBeUndefined();
    expect(page.headers['content-length']).toBe(String(Buffer.byteLength(page.body)));
  });

  it.each([
    ['recorded (DevTools)', 'https://widget.acme.test/api/events', 'POST', 'https://www.shop.test', '600'],
    ['not recorded (Playwright): allowed as asked', 'https://app.pwvendor.test/api', 'PUT', 'https://www.shop.test', undefined],
  ])('answers a CORS preflight %s', async (_what, url, method, origin, maxAge) => {
    const response = await get(url, { method: 'OPTIONS', headers: { origin: 'https://www.shop.test', 'access-control-request-method': method } });
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(origin);
    expect(response.headers['access-control-allow-methods']).toBe(method);
    expect(response.headers['access-control-max-age']).toBe(maxAge);
  });

  it.each([
    ['a URL never recorded', 'cell-unrecorded', 'https://widget.acme.test/nope.js'],
    ['a request that failed while recording (status 0)', 'cell-failed', 'https://widget.acme.test/blocked.js'],
  ])('answers %s with 404 and lists it on the cell, not as an unexpected host', async (_what, cellId, url) => {
    const response = await lane.attribute(cellId, () => get(url));
    expect(response.status).toBe(404);
    expect(response.body).toMatch(/^csp-harness: the recorded traffic holds no GET /);
    expect(network.unrecordedRequestsFor(cellId)).toEqual([url]);
    expect(network.unrecordedRequests.filter((u) => u.cellId === cellId)).toEqual([{ cellId, method: 'GET', url }]);
    expect(network.unexpectedHostsFor(cellId)).toEqual([]);
  });
});

describe('ws-replay: recorded WebSocket conversations through the proxy', () => {
  it.each([
    ['DevTools, exact URL', 'wss://rt.acme.test/socket?token=abc'],
    ['DevTools, another query', 'wss://rt.acme.test/socket?token=fresh'],
  ])('plays the conversation: %s', async (_what, url) => {
    const frames = await converse(url, [{ after: 1, data: '{"type":"join"}' }, { after: 3, data: 'ping' }], 4);
    expect(frames).toEqual(['{"type":"welcome"}', '{"type":"joined"}', [1, 2, 3], 'pong']);
  });

  it('plays a Playwright recording, binary frames included', async () => {
    const frames = await converse('wss://rt.pwvendor.test/socket', [{ after: 1, data: 'join' }, { after: 2, data: Buffer.from([1, 2]) }], 3);
    expect(frames).toEqual(['hello', 'joined', [9, 9]]);
  });

  it('refuses an upgrade to a URL never recorded with 404 and lists it on the cell', async () => {
    const refused = await lane.attribute('cell-ws-unrecorded', () => refusedUpgrade('wss://rt.acme.test/elsewhere'));
    expect(refused.status).toBe(404);
    expect(refused.text).toMatch(/^csp-harness:/);
    expect(network.unrecordedRequestsFor('cell-ws-unrecorded')).toEqual(['wss://rt.acme.test/elsewhere']);
    expect(network.unexpectedHostsFor('cell-ws-unrecorded')).toEqual([]);
  });
});

describe('upstream: forwarded to a loopback server', () => {
  it('forwards method, path, query, headers and body, and brings the answer back as given', async () => {
    arrived.length = 0;
    const response = await get('https://app.user.test/api/items?q=1&r=two', { method: 'PUT', headers: { 'x-test': 'forwarded', 'content-type': 'text/plain' }, body: 'hello upstream' });
    expect(response.status).toBe(201);
    expect(response.headers['x-upstream']).toBe('yes');
    expect(JSON.parse(response.body)).toEqual({ got: 14 });
    expect(arrived).toHaveLength(1);
    expect(arrived[0]).toMatchObject({ method: 'PUT', url: '/api/items?q=1&r=two', body: Buffer.from('hello upstream') });
    expect(arrived[0]!.headers).toMatchObject({ 'x-test': 'forwarded', host: new URL(upstreamOrigin).host });
  });

  it.each([
    ['the target host, by default', 'app.user.test', () => new URL(upstreamOrigin).host],
    ['the browser\'s, with preserveHost', 'keep.user.test', () => 'keep.user.test'],
  ])('sends as Host header %s', async (_what, host, want) => {
    arrived.length = 0;
    await get(`https://${host}/`);
    expect(arrived[0]?.headers.host).toBe(want());
  });

  it('forwards a body larger than the proxy buffers (1 MiB) whole', async () => {
    arrived.length = 0;
    const body = Buffer.alloc(1024 * 1024, 'b');
    const response = await get('https://app.user.test/upload', { method: 'POST', body });
    expect(JSON.parse(response.body)).toEqual({ got: body.length });
    expect(arrived[0]?.body.equals(body)).toBe(true);
  });

  it('forwards WebSockets to the same server', async () => {
    expect(await converse('wss://app.user.test/live?room=1', [{ after: 0, data: 'hi' }], 1)).toEqual(['upstream /live?room=1 got hi']);
  });

  it('answers 502 naming the target when the upstream is down, for requests and upgrades', async () => {
    const response = await get('https://down.user.test/x');
    expect(response.status).toBe(502);
    expect(response.body).toMatch(/^csp-harness: /);
    expect(response.body).toContain(downOrigin);
    const refused = await refusedUpgrade('wss://down.user.test/live');
    expect(refused.status).toBe(502);
    expect(refused.text).toContain(downOrigin);
  });

  it.each(['ftp://127.0.0.1:21', 'http://127.0.0.1:3000/app', 'localhost:3000'])('refuses to start with a target that is not an http(s) origin: %s', async (target) => {
    await expect(FixtureNetwork.start({ fixturesRoot: tmpdir(), routes: [{ kind: 'upstream', host: 'x.user.test', target }] })).rejects.toThrow(/^csp-harness: the upstream route for x\.user\.test needs an http\(s\) origin/);
  });

  it('records upstream hosts as seen, and none as unexpected', () => {
    expect([...network.hostsSeen]).toEqual(expect.arrayContaining(['app.user.test', 'keep.user.test', 'down.user.test']));
    expect(network.unexpectedHosts.map((u) => u.host)).not.toEqual(expect.arrayContaining(['app.user.test']));
  });
});

it('listens on loopback only, the WebSocket player included', async () => {
  const sockets = await listeningSockets(process.pid);
  expect(sockets.length).toBeGreaterThanOrEqual(4); // the lane, the static server, the player, the upstream
  expect(sockets.filter((s) => !s.loopback)).toEqual([]);
});
