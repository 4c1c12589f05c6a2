// The proxy in front of a user's running site (run --site), with Node's own clients through it and a
// real server behind: bodies arrive whole, compressed pages are read and rewritten, WebSockets go
// through, a hanging server is a 504 naming it, and every answer is logged.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import WebSocket, { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureNetwork, type Lane } from '../src/server/network.ts';
import { fetchViaProxy, tunnel } from './helpers/proxyClient.ts';

let site: Server;
let siteUrl: string;
let network: FixtureNetwork;
let lane: Lane;
let ca: string;
const received: { path: string; bytes: number; host: string | undefined; forwardedHost: string | undefined }[] = [];

beforeAll(async () => {
  site = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', bytes: Buffer.concat(chunks).length, host: req.headers.host, forwardedHost: req.headers['x-forwarded-host'] as string | undefined });
      if (req.url === '/upload') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes: Buffer.concat(chunks).length }));
      if (req.url === '/gz') {
        const body = gzipSync('<!doctype html><html><head><title>gz</title></head><body><script nonce="abc">1</script></body></html>');
        return void res
          .writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'content-security-policy': "script-src 'nonce-abc'; report-uri /r", 'reporting-endpoints': 'x="/r"' })
          .end(body);
      }
      if (req.url === '/hang') return; // never answers
      res.writeHead(404).end();
    });
  });
  const wss = new WebSocketServer({ server: site, path: '/live' });
  wss.on('connection', (ws) => ws.on('message', (m) => ws.send(`site says: ${String(m)}`)));
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  network = await FixtureNetwork.start({ fixturesRoot: '/nonexistent', siteUpstream: { target: siteUrl, candidate: null, timeoutMs: 1500 } });
  lane = await network.openLane();
  ca = network.ca.cert;
});

afterAll(async () => {
  await network?.close();
  site?.closeAllConnections();
  await new Promise((resolve) => site?.close(resolve));
});

describe('the proxy in front of a running site', () => {
  it('forwards a 200 KiB upload whole (above the 64 KiB report limit), with the site as Host and the origin as X-Forwarded-Host', async () => {
    const body = Buffer.alloc(200 * 1024, 7);
    const res = await fetchViaProxy(lane.port, ca, 'https://www.shop.test/upload', { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
    expect(JSON.parse(res.body)).toEqual({ bytes: body.length });
    expect(received.find((r) => r.path === '/upload')).toEqual({ path: '/upload', bytes: body.length, host: new URL(siteUrl).host, forwardedHost: 'www.shop.test' });
  });

  it("reads a gzip page, reroutes its reporting, and logs its policy and nonce", async () => {
    const res = await fetchViaProxy(lane.port, ca, 'https://www.shop.test/gz');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['reporting-endpoints']).toBeUndefined();
    expect(res.headers['content-security-policy']).toBe("script-src 'nonce-abc'; report-uri https://reports.csp-harness.test/csp?cell=");
    expect(res.body).toContain('<script nonce="abc">1</script>');
    const logged = network.siteExchanges.find((e) => e.url === 'https://www.shop.test/gz')!;
    expect(logged).toMatchObject({ cellId: null, by: 'browser', status: 200, html: true, nonces: ['abc'], reportingHeaders: ['reporting-endpoints'], policies: { enforce: ["script-src 'nonce-abc'; report-uri /r"], reportOnly: [], meta: [] } });
  });

  it("passes the site's own WebSockets through to it", async () => {
    const socket = await tunnel(lane.port, 'www.shop.test', 443, ca);
    const ws = new WebSocket('wss://www.shop.test/live', { createConnection: () => socket, ca });
    const reply = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send('hello'));
      ws.once('message', (m) => resolve(String(m)));
      ws.once('error', reject);
    });
    ws.close();
    expect(reply).toBe('site says: hello');
  });

  it('answers 504 naming the site when it does not answer in time, and logs why', async () => {
    const res = await fetchViaProxy(lane.port, ca, 'https://www.shop.test/hang');
    expect(res.status).toBe(504);
    expect(res.body).toBe(`csp-harness: ${siteUrl} did not answer GET /hang: no answer within 1500 ms`);
    expect(network.siteExchanges.find((e) => e.url === 'https://www.shop.test/hang')).toMatchObject({ status: 0, error: `${siteUrl} did not answer GET /hang: no answer within 1500 ms` });
  });
});
