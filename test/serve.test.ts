// `csp-harness serve --json`: one line of the contract, and the pages load through the proxy it names.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { externalAddress } from '../src/server/loopback.ts';
import { fetchViaProxy } from './helpers/proxyClient.ts';

const CLI = join(import.meta.dirname, '..', 'bin', 'csp-harness.js');
const POLICY = "default-src 'self'; script-src 'self' https://apps.mypurecloud.com; img-src 'self' https://apps.mypurecloud.com";

/** `csp-harness serve … --json` as a child: its process, its exit, and the one line it prints. */
function serve(args: string[]) {
  const child = spawn('node', [CLI, 'serve', ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const printed = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`serve exited ${code} before printing`)));
  }).then((line) => JSON.parse(line) as { proxy: string; caCertificate: string; pages: string[] });
  printed.catch(() => undefined);
  return { child, exited, printed };
}

describe('csp-harness serve --json', () => {
  it('prints { proxy, caCertificate, pages }, serves the pages with the policy and the vendor stubs, and stops on Ctrl-C', { timeout: 30_000 }, async () => {
    const { child, exited, printed: printing } = serve(['--vendor', 'genesys', '--feature', 'icons,messenger', '--param', 'embed=external', '--policy', POLICY]);
    try {
      const printed = await printing;
      expect(Object.keys(printed).sort()).toEqual(['caCertificate', 'pages', 'proxy']);
      expect(printed.proxy).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(existsSync(printed.caCertificate)).toBe(true);
      expect(printed.pages).toHaveLength(2);
      for (const page of printed.pages) expect(page).toMatch(/^https:\/\/www\.shop\.test\/cells\//);

      const port = Number(new URL(printed.proxy).port);
      const ca = readFileSync(printed.caCertificate, 'utf8');
      const page = await fetchViaProxy(port, ca, printed.pages[0]!);
      expect(page.status).toBe(200);
      expect(String(page.headers['content-security-policy'])).toContain("img-src 'self' https://apps.mypurecloud.com");
      expect(String(page.headers['content-security-policy'])).toMatch(/report-uri https:\/\/reports\.csp-harness\.test\/csp\?cell=/);
      const src = /<script src="(https:\/\/apps\.mypurecloud\.com\/[^"]+)"/.exec(page.body)?.[1];
      expect(src, page.body).toBeDefined();
      const script = await fetchViaProxy(port, ca, src!);
      expect(script.status).toBe(200);
      expect(String(script.headers['content-type'])).toMatch(/javascript/);
      const refused = await fetchViaProxy(port, ca, 'https://tracker.example.org/pixel.gif');
      expect(refused.status).toBe(502);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });
});

describe('csp-harness serve --listen', () => {
  it("binds the proxy where --listen says, names --proxy-host in its URL, warns; a config file's connect is noted, not used", { timeout: 30_000 }, async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'csph-serve-')), 'csp-harness.config.json');
    writeFileSync(config, JSON.stringify({ connect: { chromium: 'ws://127.0.0.1:9/x' } }));
    const { child, exited, printed: printing } = serve(['--vendor', 'genesys', '--feature', 'icons', '--param', 'embed=external', '--policy', POLICY, '--listen', '0.0.0.0', '--proxy-host', '127.0.0.1', '--config', config]);
    const err: string[] = [];
    child.stderr.on('data', (d: Buffer) => err.push(d.toString()));
    try {
      const printed = await printing;
      expect(printed.proxy).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const port = Number(new URL(printed.proxy).port);
      const page = await fetchViaProxy(port, readFileSync(printed.caCertificate, 'utf8'), printed.pages[0]!);
      expect(page.status).toBe(200);
      // Bound to every interface: reached through this machine's other address too (loopback only by default: test/remoteEngines.e2e).
      const external = externalAddress();
      if (external) {
        const reached = await new Promise<boolean>((resolve) => {
          const socket = tcpConnect({ host: external, port }, () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
        });
        expect(reached, `${external}:${port}`).toBe(true);
      }
      const stderr = err.join('');
      expect(stderr).toMatch(/csp-harness: warning: --listen 0\.0\.0\.0: the fixture proxy listens on every interface and is reachable from other machines .*browsers are told to use 127\.0\.0\.1/);
      expect(stderr).toContain(`csp-harness: note: serve: "connect" (chromium) in ${config} is for run and suggest and not used here: serve drives no browser`);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });
});

describe('csp-harness serve --vendor-dir', () => {
  it("serves a vendor folder's pages and replays its recording, a URL it never recorded answered 404", { timeout: 30_000 }, async () => {
    const tiny = join(import.meta.dirname, 'fixtures', 'vendor-dirs', 'tiny-chat');
    const { child, exited, printed: printing } = serve(['--vendor-dir', tiny, '--vendor', 'tiny-chat', '--feature', 'logo', '--policy', "img-src 'self'"]);
    try {
      const printed = await printing;
      expect(printed.pages).toHaveLength(1);
      const port = Number(new URL(printed.proxy).port);
      const ca = readFileSync(printed.caCertificate, 'utf8');
      const page = await fetchViaProxy(port, ca, printed.pages[0]!);
      expect(page.body).toContain('<script src="https://widget.tiny.test/loader.js" async></script>');
      const loader = await fetchViaProxy(port, ca, 'https://widget.tiny.test/loader.js');
      expect(loader.status).toBe(200);
      expect(loader.body).toContain('tiny-launcher');
      // Matched without the query the recording had (a session id).
      const config = await fetchViaProxy(port, ca, 'https://api.tiny.test/v1/config?session=other');
      expect([config.status, config.body]).toEqual([200, '{"theme":"dark"}']);
      expect((await fetchViaProxy(port, ca, 'https://widget.tiny.test/never-recorded.js')).status).toBe(404);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });
});

describe('csp-harness serve --site', () => {
  it("serves the user's running site through the proxy: its own policy with reporting rerouted, its nonces as they come", { timeout: 30_000 }, async () => {
    const { startFixtureSite } = (await import(pathToFileURL(join(import.meta.dirname, 'fixtures/site/server.mjs')).href)) as {
      startFixtureSite: () => Promise<{ url: string; hits: Map<string, number>; close(): Promise<void> }>;
    };
    const site = await startFixtureSite();
    const { child, exited, printed: printing } = serve(['--site', site.url, '--page', '/vendor', '--page', '/old']);
    try {
      const printed = await printing;
      expect(printed.pages).toEqual(['https://www.shop.test/vendor', 'https://www.shop.test/old']);
      const port = Number(new URL(printed.proxy).port);
      const ca = readFileSync(printed.caCertificate, 'utf8');
      const page = await fetchViaProxy(port, ca, printed.pages[0]!);
      expect(page.status).toBe(200);
      const csp = String(page.headers['content-security-policy']);
      // The site's policy, its report-uri /csp-reports replaced by the harness's.
      expect(csp).toMatch(/^default-src 'self'; script-src 'nonce-[^']+' 'strict-dynamic'; frame-src 'self';/);
      expect(csp).not.toContain('/csp-reports');
      expect(csp).toContain('report-uri https://reports.csp-harness.test/csp?cell=');
      // The nonce on the page's tag is the one in the header: the site's own.
      const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
      expect(page.body).toContain(`<script src="https://apps.mypurecloud.com/genesys-bootstrap/genesys.min.js" nonce="${nonce}"></script>`);
      // The naive absolute redirect to the server itself points at the origin the browser sees.
      const old = await fetchViaProxy(port, ca, printed.pages[1]!);
      expect([old.status, old.headers.location]).toEqual([301, 'https://www.shop.test/']);
      // Twice /vendor: the harness's own look at the page, then this request.
      expect(site.hits.get('/vendor')).toBe(2);
    } finally {
      child.kill('SIGINT');
      await site.close();
    }
    expect(await exited).toBe(0);
  });

  it('a site that is not running is exit 2, naming it', { timeout: 30_000 }, async () => {
    const { child, exited } = serve(['--site', 'http://127.0.0.1:9']);
    const err: string[] = [];
    child.stderr.on('data', (d: Buffer) => err.push(d.toString()));
    expect(await exited).toBe(2);
    expect(err.join('')).toMatch(/the site http:\/\/127\.0\.0\.1:9 cannot be reached \(.*ECONNREFUSED/);
  });
});
