// `csp-harness serve --json`: one line of the contract, and the pages load through the proxy it names.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
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
