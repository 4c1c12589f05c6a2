import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureNetwork, type Lane } from '../src/server/network.ts';
import { siteContext } from '../src/site/context.ts';
import { inlineHash } from '../src/site/placeholders.ts';

const reportUri = siteContext().reportUri;
import { fetchViaProxy, tunnel } from './helpers/proxyClient.ts';
import { listeningSockets } from './helpers/sockets.ts';

const root = mkdtempSync(join(tmpdir(), 'csph-fixtures-'));
mkdirSync(join(root, 'velaro/app-cdn.velaro.com'), { recursive: true });
writeFileSync(join(root, 'velaro/app-cdn.velaro.com/embed.js'), 'window.velaroEmbed = true;\n');
mkdirSync(join(root, 'velaro/any.velaro.com'), { recursive: true });
writeFileSync(join(root, 'velaro/any.velaro.com/logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
// One host served by two vendors' folders, layered.
mkdirSync(join(root, 'one/shared.example'), { recursive: true });
writeFileSync(join(root, 'one/shared.example/a.js'), 'window.a = "one";\n');
mkdirSync(join(root, 'two/shared.example'), { recursive: true });
writeFileSync(join(root, 'two/shared.example/a.js'), 'window.a = "two";\n');
writeFileSync(join(root, 'two/shared.example/b.js'), 'window.b = "two";\n');

let network: FixtureNetwork;
let lane: Lane;
let ca: string;
const get = (url: string, init?: Parameters<typeof fetchViaProxy>[3]) => fetchViaProxy(lane.port, ca, url, init);

beforeAll(async () => {
  network = await FixtureNetwork.start({
    fixturesRoot: root,
    routes: [
      { kind: 'static', host: 'app-cdn.velaro.com', dir: 'velaro/app-cdn.velaro.com' },
      { kind: 'static', host: '*.velaro.com', dir: 'velaro/any.velaro.com' },
      { kind: 'ws-echo', host: '*.velaro.com' },
      { kind: 'static', host: 'shared.example', dir: 'one/shared.example' },
      { kind: 'static', host: 'shared.example', dir: 'two/shared.example' },
      { kind: 'refuse', host: 'blocked.example', reason: 'the test says so' },
    ],
  });
  lane = await network.openLane();
  ca = readFileSync(network.caCertificatePath, 'utf8');
  network.registerPage({
    id: 'nonce-cell',
    policies: [{ value: "script-src 'nonce-{{nonce}}' 'strict-dynamic'; report-to csp-endpoint; report-uri https://user.example/r", delivery: 'header' }],
    body: '<script nonce="{{nonce}}" src="https://app-cdn.velaro.com/embed.js"></script>',
  });
  network.registerPage({ id: 'meta-cell', policies: [{ value: "img-src 'self'; frame-ancestors 'none'", delivery: 'meta' }], body: '<img src="data:,">' });
  network.registerPage({ id: 'ro-cell', policies: [{ value: "img-src 'self'", delivery: 'report-only' }], body: '' });
});

afterAll(async () => {
  await network?.close();
});

describe('the fixture network, through the proxy with real TLS', () => {
  it('keeps the CA key private to this user', () => {
    expect(statSync(network.ca.keyPath).mode & 0o077).toBe(0);
  });

  it('serves a fresh nonce on every response, in the header and the tags alike', async () => {
    const nonces = [];
    for (let i = 0; i < 3; i++) {
      const page = await get(network.pageUrl('nonce-cell'));
      expect(page.status).toBe(200);
      const header = String(page.headers['content-security-policy']);
      const fromHeader = /'nonce-([^']+)'/.exec(header)?.[1];
      const fromTag = /<script nonce="([^"]+)"/.exec(page.body)?.[1];
      expect(fromHeader).toBeDefined();
      expect(fromTag).toBe(fromHeader);
      expect(Buffer.from(fromHeader!, 'base64').length).toBeGreaterThanOrEqual(16);
      nonces.push(fromHeader);
    }
    expect(new Set(nonces).size).toBe(3);
  });

  it("replaces the user's reporting directives by the harness's report-uri", async () => {
    const header = String((await get(network.pageUrl('nonce-cell'))).headers['content-security-policy']);
    expect(header).not.toMatch(/report-to|user\.example/);
    expect(header).toContain(`report-uri ${reportUri('nonce-cell')}`);
  });

  it('delivers a meta policy in <meta>, without header and without meta-ignored reporting', async () => {
    const page = await get(network.pageUrl('meta-cell'));
    expect(page.headers['content-security-policy']).toBeUndefined();
    expect(page.body).toContain(`<meta http-equiv="Content-Security-Policy" content="img-src 'self'; frame-ancestors 'none'">`);
  });

  it('delivers report-only as Content-Security-Policy-Report-Only', async () => {
    const page = await get(network.pageUrl('ro-cell'));
    expect(page.headers['content-security-policy']).toBeUndefined();
    expect(String(page.headers['content-security-policy-report-only'])).toMatch(/^img-src 'self'; report-uri /);
  });

  it('serves a vendor script from fixtures with its content type', async () => {
    const script = await get('https://app-cdn.velaro.com/embed.js?v=3');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    expect(script.body).toBe('window.velaroEmbed = true;\n');
    const family = await get('https://visitor.velaro.com/logo.svg');
    expect(family.headers['content-type']).toMatch(/^image\/svg\+xml/);
  });

  it('computes hashes of inline snippets', () => {
    expect(inlineHash('alert(1)')).toBe("'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='");
  });

  it('echoes WebSocket messages on a wss: vendor host, every time, and records none as refused', async () => {
    const refusedBefore = network.unexpectedHosts.length;
    // Three in a row on one lane: a rule used once must not fall through to the refusal.
    for (const n of [1, 2, 3]) {
      const socket = await tunnel(lane.port, 'realtime.velaro.com', 443, ca);
      const ws = new WebSocket('wss://realtime.velaro.com/signalr', { createConnection: () => socket } as WebSocket.ClientOptions);
      const echoed = await new Promise<string>((resolve, reject) => {
        ws.once('open', () => ws.send(`ping ${n}`));
        ws.once('message', (data) => resolve(String(data)));
        ws.once('error', reject);
      });
      ws.close();
      expect(echoed).toBe(`ping ${n}`);
    }
    expect(network.unexpectedHosts.length).toBe(refusedBefore);
  });

  it('refuses an unknown host and records it on the cell the lane is attributing to', async () => {
    const response = await lane.attribute('cell-unknown', () => get('https://tracker.evil.example/pixel.gif'));
    expect(response.status).toBe(502);
    expect(network.unexpectedHostsFor('cell-unknown')).toEqual(['tracker.evil.example']);
  });

  it('records a refusal outside any cell as the browser\'s own background traffic', async () => {
    await get('https://update.background.example/check');
    expect(network.unexpectedHosts.filter((u) => u.host === 'update.background.example').map((u) => u.cellId)).toEqual([null]);
  });

  it('refuses a host a refuse route names, saying why, and records it', async () => {
    const response = await lane.attribute('cell-refused', () => get('https://blocked.example/x.js'));
    expect(response.status).toBe(502);
    expect(response.body).toContain('the test says so');
    expect(network.unexpectedHostsFor('cell-refused')).toEqual(['blocked.example']);
  });

  it.each([
    ['a.js', 200, 'window.a = "one";'],
    ['b.js', 200, 'window.b = "two";'],
    ['c.js', 404, null],
  ])('layers the folders of two static routes for one host: %s', async (file, status, body) => {
    const response = await get(`https://shared.example/${file}`);
    expect(response.status).toBe(status);
    if (body) expect(response.body.trim()).toBe(body);
  });

  it.each([
    ['enforce', undefined, 'enforce'],
    ['report', undefined, 'report'],
    ['report', 'enforce', 'report'],
  ] as const)('a report sent to the %s endpoint with disposition %s is stored as %s (WebKit sends none)', async (endpoint, stated, want) => {
    const id = `disposition-${endpoint}-${stated ?? 'none'}`;
    const body = JSON.stringify({ type: 'csp-violation', 'csp-report': { 'blocked-uri': 'data', 'effective-directive': 'img-src', ...(stated ? { disposition: stated } : {}) } });
    await get(reportUri(id, endpoint), { method: 'POST', headers: { 'content-type': 'application/csp-report' }, body });
    expect(network.reportsFor(id)[0]?.report?.disposition).toBe(want);
  });

  it.each([
    ['application/csp-report', JSON.stringify({ 'csp-report': { 'document-uri': 'https://www.shop.test/', 'blocked-uri': 'data', 'effective-directive': 'img-src', disposition: 'enforce' } }), 'img-src', 'data'],
    ['application/csp-report', JSON.stringify({ type: 'csp-violation', 'csp-report': { 'blocked-uri': 'inline', 'violated-directive': 'script-src-elem' } }), 'script-src-elem', 'inline'],
    ['application/reports+json', JSON.stringify([{ type: 'csp-violation', age: 1, url: 'https://www.shop.test/', body: { blockedURL: 'wss://x.velaro.com/', effectiveDirective: 'connect-src', disposition: 'report' } }]), 'connect-src', 'wss://x.velaro.com/'],
  ])('stores a %s report under its cell', async (contentType, body, directive, blocked) => {
    const id = `report-${directive}`;
    const response = await get(reportUri(id), { method: 'POST', headers: { 'content-type': contentType }, body });
    expect(response.status).toBe(204);
    const stored = network.reportsFor(id);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.report).toMatchObject({ effectiveDirective: directive, blockedURI: blocked });
  });

  it('records a malformed report body without harm', async () => {
    const response = await get(reportUri('malformed'), { method: 'POST', headers: { 'content-type': 'application/csp-report' }, body: '{"csp-report": ' });
    expect(response.status).toBe(204);
    expect(network.reportsFor('malformed')[0]).toMatchObject({ report: null, error: expect.stringMatching(/not JSON/) });
  });

  it('rejects a 1 MiB report body and keeps serving', async () => {
    const response = await get(reportUri('huge'), { method: 'POST', headers: { 'content-type': 'application/csp-report' }, body: Buffer.alloc(1024 * 1024, 'a') });
    expect(response.status).toBe(413);
    expect(network.reportsFor('huge')[0]).toMatchObject({ report: null, error: expect.stringMatching(/1048576 bytes refused/) });
    expect((await get('https://app-cdn.velaro.com/embed.js')).status).toBe(200);
  });

  it('listens on loopback only', async () => {
    const sockets = await listeningSockets(process.pid);
    expect(sockets.map((s) => s.port)).toContain(lane.port);
    expect(sockets.filter((s) => !s.loopback)).toEqual([]);
  });
});
