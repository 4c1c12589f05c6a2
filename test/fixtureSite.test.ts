// The fixture site (test/fixtures/site/server.mjs), the stand-in for the user's own site in `run --site`:
// each route answers as its README row says, nonces are fresh where they should be, and close() ends hanging requests.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface FixtureSite {
  url: string;
  hits: Map<string, number>;
  requests: Array<{ method: string; path: string; headers: Record<string, string | string[] | undefined> }>;
  siteReports: Array<{ path: string; contentType: string; body: string }>;
  close(): Promise<void>;
}
interface FixtureSiteModule {
  STATIC_NONCE: string;
  startFixtureSite(options?: { port?: number; host?: string }): Promise<FixtureSite>;
}

// The server is plain JavaScript (tsconfig has no allowJs): imported through a URL and typed here.
const SERVER = join(import.meta.dirname, 'fixtures', 'site', 'server.mjs');
const { startFixtureSite, STATIC_NONCE } = (await import(pathToFileURL(SERVER).href)) as FixtureSiteModule;

const HTML = 'text/html; charset=utf-8';
const NONCE = /'nonce-([A-Za-z0-9+/]{22}==)'/;

interface Row {
  path: string;
  status: number;
  contentType?: string;
  /** The enforced policy header: a pattern it matches, or null when there must be none. */
  csp: RegExp | null;
  /** The report-only policy header, likewise. */
  reportOnly?: RegExp | null;
  /** Where the policy's nonce comes from. */
  nonce?: 'fresh' | 'static';
  body?: string[];
  location?: string | ((site: FixtureSite) => string);
  headers?: Record<string, string>;
}

const ROWS: Row[] = [
  {
    path: '/',
    status: 200,
    contentType: HTML,
    csp: /^default-src 'self'; script-src 'nonce-(\S+)' 'strict-dynamic'; style-src 'self' 'nonce-\1'; img-src 'self' data:; report-uri \/csp-reports$/,
    nonce: 'fresh',
    body: ["document.documentElement.dataset.ran = 'yes';", '<style nonce="'],
  },
  {
    path: '/static-nonce',
    status: 200,
    contentType: HTML,
    csp: /^default-src 'self'; script-src 'nonce-c3RhdGljLW5vbmNlLTEyMw==' 'strict-dynamic'; style-src 'self' 'nonce-c3RhdGljLW5vbmNlLTEyMw=='; img-src 'self' data:; report-uri \/csp-reports$/,
    nonce: 'static',
    body: ['<script nonce="c3RhdGljLW5vbmNlLTEyMw==">'],
  },
  {
    path: '/missing-nonce',
    status: 200,
    contentType: HTML,
    csp: /^script-src 'nonce-\S+'; report-uri \/csp-reports$/,
    nonce: 'fresh',
    body: ['>window.good = 1;</script>', '<script>window.forgot = 1;</script>', '<script src="/app.js"></script>'],
  },
  { path: '/app.js', status: 200, contentType: 'text/javascript; charset=utf-8', csp: null, body: ['window.app = 1;'] },
  {
    path: '/vendor',
    status: 200,
    contentType: HTML,
    csp: /^default-src 'self'; script-src 'nonce-\S+' 'strict-dynamic'; frame-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; report-uri \/csp-reports$/,
    nonce: 'fresh',
    body: ['<script src="https://apps.mypurecloud.com/genesys-bootstrap/genesys.min.js" nonce="'],
  },
  {
    path: '/unknown',
    status: 200,
    contentType: HTML,
    csp: /^default-src 'self'; img-src 'self' https:; script-src 'nonce-\S+'; report-uri \/csp-reports$/,
    nonce: 'fresh',
    body: ['<img src="https://pixel.unknown-tracker.test/p.gif" alt="tracker" width="1" height="1">'],
  },
  {
    path: '/meta-only',
    status: 200,
    contentType: HTML,
    csp: null,
    reportOnly: null,
    body: [`<meta http-equiv="Content-Security-Policy" content="default-src 'self'; img-src 'self' data:; report-uri /csp-reports">`],
  },
  {
    path: '/report-only',
    status: 200,
    contentType: HTML,
    csp: null,
    reportOnly: /^default-src 'self'; report-uri \/csp-reports$/,
    body: ['<script>window.ro = 1;</script>'],
  },
  { path: '/no-policy', status: 200, contentType: HTML, csp: null, reportOnly: null, body: ['<p>'] },
  {
    path: '/reporting-endpoints',
    status: 200,
    contentType: HTML,
    csp: /^default-src 'self'; script-src 'nonce-\S+'; img-src 'self'; report-to site-csp$/,
    nonce: 'fresh',
    headers: { 'reporting-endpoints': 'site-csp="/csp-reports"' },
    body: ['<img src="data:image/png;base64,iVBORw0KGgo', 'alt="blocked data image">'],
  },
  { path: '/error', status: 500, contentType: HTML, csp: null, body: ['Internal Server Error (fixture)'] },
  { path: '/redirect', status: 302, csp: null, location: 'https://elsewhere.test/landing' },
  { path: '/old', status: 301, csp: null, location: (site) => `${site.url}/` },
  { path: '/favicon.ico', status: 404, contentType: 'text/plain; charset=utf-8', csp: null },
  { path: '/no-such-page', status: 404, contentType: 'text/plain; charset=utf-8', csp: null },
];

let site: FixtureSite;
const get = (path: string, init: RequestInit = {}) => fetch(`${site.url}${path}`, { redirect: 'manual', ...init });
const nonceOf = (res: Response) => NONCE.exec(res.headers.get('content-security-policy') ?? '')?.[1];

beforeAll(async () => {
  site = await startFixtureSite();
});

afterAll(async () => {
  await site?.close();
});

describe('the fixture site, route by route', () => {
  it('listens on a free port of 127.0.0.1', () => {
    expect(site.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(site.url).port)).toBeGreaterThan(0);
  });

  it.each(ROWS)('$path answers $status', async (row) => {
    const res = await get(row.path);
    const body = await res.text();
    expect(res.status).toBe(row.status);
    expect(res.headers.get('cache-control')).toBe('no-store');
    if (row.contentType) expect(res.headers.get('content-type')).toBe(row.contentType);
    const csp = res.headers.get('content-security-policy');
    if (row.csp) expect(csp).toMatch(row.csp);
    else expect(csp).toBeNull();
    if (row.reportOnly !== undefined) {
      const reportOnly = res.headers.get('content-security-policy-report-only');
      if (row.reportOnly) expect(reportOnly).toMatch(row.reportOnly);
      else expect(reportOnly).toBeNull();
    } else {
      expect(res.headers.get('content-security-policy-report-only')).toBeNull();
    }
    for (const [name, value] of Object.entries(row.headers ?? {})) expect(res.headers.get(name)).toBe(value);
    if (!row.headers?.['reporting-endpoints']) expect(res.headers.get('reporting-endpoints')).toBeNull();
    for (const text of row.body ?? []) expect(body).toContain(text);
    const location = typeof row.location === 'function' ? row.location(site) : row.location;
    expect(res.headers.get('location')).toBe(location ?? null);

    if (row.contentType === HTML) {
      expect(body).toMatch(/^<!doctype html><html lang="en"><head><meta charset="utf-8"><title>[^<]+<\/title>.*<\/head><body>.*<\/body><\/html>$/s);
      expect(body).toMatch(/This page demonstrates [^.]+\./);
    }
    if (row.nonce) {
      // Every nonce attribute on the page (there may be none: /unknown, /reporting-endpoints) is the policy's nonce.
      const nonce = nonceOf(res);
      expect(nonce).toBeDefined();
      const attributes = [...body.matchAll(/ nonce="([^"]*)"/g)].map((m) => m[1]);
      for (const attribute of attributes) expect(attribute).toBe(nonce);
    }
  });

  it.each(ROWS.filter((row) => row.nonce === 'fresh'))('$path has a fresh nonce on every response', async ({ path }) => {
    const [a, b] = [await get(path), await get(path)];
    expect(nonceOf(a)).toBeDefined();
    expect(Buffer.from(nonceOf(a)!, 'base64')).toHaveLength(16);
    expect(nonceOf(a)).not.toBe(nonceOf(b));
    expect(nonceOf(a)).not.toBe(STATIC_NONCE);
  });

  it('/static-nonce sends STATIC_NONCE every time', async () => {
    expect(STATIC_NONCE).toBe('c3RhdGljLW5vbmNlLTEyMw==');
    const [a, b] = [await get('/static-nonce'), await get('/static-nonce')];
    expect([nonceOf(a), nonceOf(b)]).toEqual([STATIC_NONCE, STATIC_NONCE]);
  });

  it('/ links to every page in order, then one other-origin link and one mailto: link', async () => {
    const body = await (await get('/')).text();
    const hrefs = [...body.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs.slice(0, 8)).toEqual(['/static-nonce', '/missing-nonce', '/vendor', '/unknown', '/meta-only', '/report-only', '/no-policy', '/reporting-endpoints']);
    expect(hrefs[8]).toBe('https://elsewhere.test/');
    expect(hrefs[9]).toMatch(/^mailto:/);
    expect(hrefs).toHaveLength(10);
  });

  it('/static-nonce has no links', async () => {
    expect(await (await get('/static-nonce')).text()).not.toContain('<a ');
  });

  it("/old's Location is absolute, built from the Host header the request had", async () => {
    const port = Number(new URL(site.url).port);
    const location = await new Promise<string | undefined>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/old', headers: { host: 'www.shop.test:8443' } }, (res) => {
        res.resume();
        resolve(res.headers.location);
      }).on('error', reject).end();
    });
    expect(location).toBe('http://www.shop.test:8443/');
  });

  it('answers only GET and HEAD on pages: other methods, and GET on the collector, are 404', async () => {
    const head = await get('/vendor', { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    expect(head.headers.get('content-security-policy')).toMatch(NONCE);
    expect((await get('/', { method: 'POST', body: 'x' })).status).toBe(404);
    expect((await get('/csp-reports')).status).toBe(404);
  });

  it('POST /csp-reports is stored in siteReports and answered 204', async () => {
    const report = JSON.stringify({ 'csp-report': { 'document-uri': `${site.url}/vendor`, 'violated-directive': 'frame-src' } });
    const before = site.siteReports.length;
    const res = await get('/csp-reports?from=test', { method: 'POST', headers: { 'content-type': 'application/csp-report' }, body: report });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(site.siteReports.slice(before)).toEqual([{ path: '/csp-reports?from=test', contentType: 'application/csp-report', body: report }]);
  });

  it('counts answered requests by path and query in hits, and records every request', async () => {
    const before = site.hits.get('/unknown?page=2') ?? 0;
    await (await get('/unknown?page=2')).text();
    await (await get('/unknown?page=2')).text();
    expect(site.hits.get('/unknown?page=2')).toBe(before + 2);
    const last = site.requests.at(-1);
    expect(last).toMatchObject({ method: 'GET', path: '/unknown?page=2' });
    expect(last?.headers.host).toBe(new URL(site.url).host);
  });
});

describe('/hang and close()', () => {
  it('/hang does not answer within 300 ms, is recorded but not counted, and close() still resolves at once', async () => {
    const own = await startFixtureSite();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 300);
    const aborted = fetch(`${own.url}/hang`, { signal: controller.signal }).then(
      () => 'answered',
      (err: unknown) => (err instanceof Error ? err.name : String(err)),
    );
    expect(await aborted).toBe('AbortError');
    clearTimeout(timer);

    // One more hanging request, left open: close() must end it.
    const pending = fetch(`${own.url}/hang?again=1`).then(
      () => 'answered',
      () => 'ended',
    );
    await expect.poll(() => own.requests.length).toBe(2);
    expect(own.requests.map((r) => r.path)).toEqual(['/hang', '/hang?again=1']);
    expect(own.hits.size).toBe(0);
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBe('ended');
    await own.close(); // twice is fine
  });
});

describe('node test/fixtures/site/server.mjs', () => {
  it('--port 0 prints one line with the URL, serves, and exits 0 on SIGINT', { timeout: 10_000 }, async () => {
    const child = spawn(process.execPath, [SERVER, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited ${code} before printing`)));
      });
      const m = /^fixture site listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(Number(m![2])).toBeGreaterThan(0);
      const res = await fetch(`${m![1]}/no-policy`);
      expect(res.status).toBe(200);
      await res.text();
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it.each([[['--port', 'abc']], [['--port']], [['--port', '70000']], [['--bogus']]])('%j is refused: a message on stderr, exit 2', { timeout: 10_000 }, async (args) => {
    const child = spawn(process.execPath, [SERVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^fixture site: /);
  });
});
