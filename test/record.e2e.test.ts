// `csp-harness record` end to end in real Chromium, against the local stand-in for the internet
// (test/helpers/standIn.ts: Acme on four hosts, with a CA of its own): what it writes, what it
// redacts, and how it refuses. Browser launches are few (one per recording): a 2-core machine.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import { REDACTED } from '../src/record/redact.ts';
import { parseHar } from '../src/server/har.ts';
import { deriveFeatures } from '../src/vendorDir/derive.ts';
import type { VendorJson } from '../src/vendorDir/format.ts';
import { ACME_CSS, ACME_EMBED, ACME_FRAME_HTML, ACME_LOADER_JS, ACME_LOGO_PNG, ACME_SECRETS, ACME_URLS, startStandIn, type StandIn } from './helpers/standIn.ts';

const OUT = mkdtempSync(join(tmpdir(), 'csph-record-'));

async function record(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const code = await main(['record', ...args], io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

function readHar(dir: string) {
  const text = readFileSync(join(dir, 'traffic.har'), 'utf8');
  const parsed = parseHar(text);
  if (!parsed.ok) throw new Error(`traffic.har does not parse: ${JSON.stringify(parsed.problems)}`);
  return { text, parsed, raw: JSON.parse(text) as { log: { entries: { request: { url: string; method: string }; _resourceType: string }[] } } };
}

describe('csp-harness record through the stand-in', { timeout: 180_000 }, () => {
  let standIn: StandIn;
  const recorded = join(OUT, 'acme');
  let first: Awaited<ReturnType<typeof record>>;
  const resolve = () => standIn.resolveArgs.flatMap((r) => ['--resolve', r]);

  beforeAll(async () => {
    standIn = await startStandIn();
  });
  afterAll(async () => {
    await standIn?.close();
  });

  it('records the script, style sheet, image, JSON, frame and WebSocket conversation into a HAR that parses', async () => {
    first = await record('--embed', ACME_EMBED, '--id', 'acme', '--out', recorded, ...resolve(), '--upstream-ca', standIn.caPemPath);
    expect(first.code, first.stderr).toBe(0);
    for (const host of standIn.hosts) expect(first.stderr).toContain(`let through ${host} → 127.0.0.1:${standIn.port} (--resolve)`);
    expect(first.stdout).toMatch(/recorded \d+ requests and 1 WebSocket/);

    const { parsed, raw } = readHar(recorded);
    const byUrl = (url: string, method = 'GET') => parsed.entries.find((e) => e.url === url && e.method === method);
    const loader = byUrl(ACME_URLS.loader)!;
    expect(loader.status).toBe(200);
    expect(loader.resourceType).toBe('script');
    // Sent gzip-encoded: recorded decoded, its header kept, as DevTools' HAR holds it.
    expect(loader.headers).toContainEqual(['content-encoding', 'gzip']);
    expect(loader.body.toString('utf8')).toBe(ACME_LOADER_JS);
    expect(byUrl(ACME_URLS.css)!.body.toString('utf8')).toBe(ACME_CSS);
    expect(byUrl(ACME_URLS.css)!.resourceType).toBe('stylesheet');
    const logo = byUrl(ACME_URLS.logo)!;
    expect(logo.resourceType).toBe('image');
    expect(logo.body.equals(ACME_LOGO_PNG)).toBe(true);
    const config = byUrl(ACME_URLS.config)!;
    expect(config.resourceType).toBe('fetch');
    expect(JSON.parse(config.body.toString('utf8'))).toEqual({ greeting: 'Hi from Acme', launcher: true });
    expect(config.headers).toContainEqual(['access-control-allow-origin', 'https://www.shop.test']);
    expect(byUrl(ACME_URLS.config, 'OPTIONS')?.status).toBe(204);
    const frame = byUrl(ACME_URLS.frame)!;
    expect(frame.resourceType).toBe('document');
    expect(frame.body.toString('utf8')).toBe(ACME_FRAME_HTML);
    // Only the vendor's hosts: the page's own origin is the harness's.
    expect(parsed.entries.every((e) => standIn.hosts.includes(new URL(e.url).hostname))).toBe(true);

    expect(parsed.conversations).toHaveLength(1);
    const socket = parsed.conversations[0]!;
    expect(socket.url).toBe(ACME_URLS.socket);
    const sent = socket.messages.filter((m) => m.type === 'send');
    const received = socket.messages.filter((m) => m.type === 'receive');
    expect(sent).toEqual([
      { type: 'send', opcode: 1, data: 'hello' },
      { type: 'send', opcode: 2, data: Buffer.from([1, 2, 3, 4]).toString('base64') },
    ]);
    expect(received).toEqual([
      { type: 'receive', opcode: 1, data: 'welcome' },
      { type: 'receive', opcode: 1, data: 'echo:hello' },
      { type: 'receive', opcode: 2, data: Buffer.from([4, 3, 2, 1]).toString('base64') },
    ]);
    expect(raw.log.entries.find((e) => e.request.url === ACME_URLS.socket)?._resourceType).toBe('websocket');
    expect(standIn.requests).toContain(`WS ${ACME_URLS.socket}`);
  });

  it('writes vendor.json with the embed and one derived feature per kind of traffic', () => {
    const vendor = JSON.parse(readFileSync(join(recorded, 'vendor.json'), 'utf8')) as VendorJson;
    expect(vendor).toMatchObject({ id: 'acme', title: 'acme', embed: ACME_EMBED, traffic: ['traffic.har'] });
    expect(vendor.$schema).toMatch(/vendor\.schema\.json$/);
    expect(Object.keys(vendor.features ?? {})).toEqual(['scripts', 'styles', 'images', 'connections', 'frames', 'websockets']);
    const { parsed } = readHar(recorded);
    const items = [
      ...parsed.entries.filter((e) => e.method !== 'OPTIONS').map((e) => ({ url: e.url, resourceType: e.resourceType ?? null })),
      ...parsed.conversations.map((c) => ({ url: c.url, resourceType: 'websocket' })),
    ];
    expect(vendor.features).toEqual(deriveFeatures(items));
    expect(vendor.features?.frames?.expect).toEqual([{ frame: ACME_URLS.frame }]);
    expect(vendor.features?.websockets?.expect).toEqual([{ websocket: ACME_URLS.socket }]);
  });

  it('redacts Authorization and Set-Cookie (and Cookie) values', () => {
    const { text, parsed } = readHar(recorded);
    expect(text).not.toContain(ACME_SECRETS.cookie.split('=')[1]);
    expect(text).not.toContain(ACME_SECRETS.authorization);
    expect(parsed.entries.find((e) => e.url === ACME_URLS.loader)!.headers).toContainEqual(['set-cookie', REDACTED]);
    const har = JSON.parse(text) as { log: { entries: { request: { url: string; method: string; headers: { name: string; value: string }[] } }[] } };
    const fetchEntry = har.log.entries.find((e) => e.request.url === ACME_URLS.config && e.request.method === 'GET')!;
    expect(fetchEntry.request.headers.find((h) => h.name.toLowerCase() === 'authorization')?.value).toBe(REDACTED);
    for (const entry of har.log.entries) for (const h of entry.request.headers) if (h.name.toLowerCase() === 'cookie') expect(h.value).toBe(REDACTED);
  });

  it('refuses to overwrite a recording without --force, naming the file and the flag', async () => {
    const before = readFileSync(join(recorded, 'traffic.har'), 'utf8');
    const again = await record('--embed', ACME_EMBED, '--id', 'acme', '--out', recorded, ...resolve(), '--upstream-ca', standIn.caPemPath);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/vendor\.json exists already.*--force/);
    expect(again.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(recorded, 'traffic.har'), 'utf8')).toBe(before);
  });

  it('keeps the secrets with --keep-secrets, and overwrites with --force', async () => {
    const dir = join(OUT, 'kept');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'traffic.har'), 'an older recording');
    const kept = await record('--embed', ACME_EMBED, '--id', 'acme-kept', '--title', 'Acme (secrets kept)', '--out', dir, ...resolve(), '--upstream-ca', standIn.caPemPath, '--keep-secrets', '--force', '--wait', '500');
    expect(kept.code, kept.stderr).toBe(0);
    const { text, parsed } = readHar(dir);
    expect(parsed.entries.find((e) => e.url === ACME_URLS.loader)!.headers.find(([n]) => n === 'set-cookie')?.[1]).toMatch(new RegExp(`^${ACME_SECRETS.cookie};`));
    expect(text).toContain(ACME_SECRETS.authorization);
    expect(text).not.toContain(REDACTED);
    expect((JSON.parse(readFileSync(join(dir, 'vendor.json'), 'utf8')) as VendorJson).title).toBe('Acme (secrets kept)');
  });

  it('without --upstream-ca: a TLS error naming the host and the flag, exit 2, nothing written', async () => {
    const dir = join(OUT, 'untrusted');
    const result = await record('--embed', ACME_EMBED, '--id', 'acme', '--out', dir, ...resolve(), '--wait', '0');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/TLS certificate of widget\.acme\.test .*not trusted.*--upstream-ca/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'traffic.har'))).toBe(false);
  });

  it('a host that does not resolve (no --resolve): exit 2 naming the host and suggesting --resolve', async () => {
    const result = await record('--embed', ACME_EMBED, '--id', 'acme', '--out', join(OUT, 'unresolved'), '--upstream-ca', standIn.caPemPath, '--wait', '0');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/widget\.acme\.test does not resolve.*--resolve widget\.acme\.test=<ip>:<port>/);
  });

  it('an embed that contacts nothing: exit 2', async () => {
    const dir = join(OUT, 'nothing');
    const result = await record('--embed', '<p>no vendor here</p>', '--id', 'nothing', '--out', dir, '--wait', '0');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the embed contacted no host but the page's own/);
    expect(existsSync(join(dir, 'vendor.json'))).toBe(false);
  });

  it.each([
    [['--id', 'Acme!'], /--id "Acme!" must be lower-case letters, digits and hyphens/],
    [['--id', 'acme', '--resolve', 'widget.acme.test:127.0.0.1:443'], /--resolve "widget\.acme\.test:127\.0\.0\.1:443": expected host=address:port/],
    [['--id', 'acme', '--wait', 'soon'], /--wait "soon" must be a whole number of milliseconds/],
    [['--id', 'acme', '--browser', 'lynx'], /--browser "lynx" is not one of chromium, firefox, webkit/],
    [['--id', 'acme', '--upstream-ca', '/nonexistent/ca.pem'], /cannot read --upstream-ca \/nonexistent\/ca\.pem/],
  ])('bad input %j: exit 2 before any browser starts', async (args, message) => {
    const result = await record('--embed', ACME_EMBED, '--out', join(OUT, 'bad'), ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
