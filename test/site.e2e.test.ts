// run --site against a real running site server (test/fixtures/site/server.mjs, plain node:http), in
// Chromium, Firefox and WebKit: its own headers, meta tags and nonces; every finding kind produced
// where the site has the problem and nowhere else; reports rerouted (nothing reaches the site's
// collector); a 500, a hang and redirects; a candidate that replaces the site's policy and takes its
// nonce; and a site that is not running, exit 2 before any browser starts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import type { Report, ReportCell } from '../src/reporters/model.ts';

interface FixtureSite {
  url: string;
  hits: Map<string, number>;
  requests: { method: string; path: string; headers: Record<string, unknown> }[];
  siteReports: unknown[];
  close(): Promise<void>;
}
const { startFixtureSite } = (await import(pathToFileURL(join(import.meta.dirname, 'fixtures/site/server.mjs')).href)) as { startFixtureSite: (o?: { port?: number }) => Promise<FixtureSite> };

const TINY = join(import.meta.dirname, 'fixtures/vendor-dirs/tiny-chat');
const BROWSERS = ['chromium', 'firefox', 'webkit'] as const;

async function cli(args: string[]) {
  const io = captureIo();
  const code = await main(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

/** `page` → browser → status (with the error code), and the same for vendor cells under `page vendor/feature`. */
function verdicts(cells: readonly ReportCell[]): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const c of cells) {
    const key = c.vendor === 'site' ? c.page! : `${c.page} ${c.vendor}/${c.feature}`;
    (out[key] ??= {})[c.browser] = `${c.status}${c.errorCode ? ` ${c.errorCode}` : ''}`;
  }
  return out;
}

const all = (status: string) => Object.fromEntries(BROWSERS.map((b) => [b, status]));

describe('run --site: the site as it is, in three engines', () => {
  let site: FixtureSite;
  let report: Report;
  let code: number;
  let err: string;
  beforeAll(async () => {
    site = await startFixtureSite();
    const out = mkdtempSync(join(tmpdir(), 'csph-site-'));
    const pages = ['/', '/tiny', '/error', '/hang', '/redirect', '/old'].flatMap((p) => ['--page', p]);
    ({ code, err } = await cli(['run', '--site', site.url, ...pages, '--crawl', '30', '--vendor-dir', TINY, '--out', out, '--reporter', 'json']));
    report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
  }, 600_000);
  afterAll(async () => {
    await site?.close();
  });

  it('crawls the linked pages breadth first, and judges every page in every engine', () => {
    expect(report.site?.pages.map((p) => p.path)).toEqual([
      '/', '/tiny', '/error', '/hang', '/redirect', '/old',
      '/static-nonce', '/missing-nonce', '/vendor', '/unknown', '/meta-only', '/report-only', '/no-policy', '/reporting-endpoints',
    ]);
    const v = verdicts(report.cells);
    expect(v).toEqual({
      '/': all('pass'),
      '/old': all('pass'),
      '/static-nonce': all('pass'),
      '/unknown': all('pass'),
      '/meta-only': all('pass'),
      '/report-only': all('pass'),
      '/no-policy': all('pass'),
      '/missing-nonce': all('fail'),
      '/reporting-endpoints': all('fail'),
      '/redirect': all('fail'),
      '/error': all('error CSPH_SITE_STATUS'),
      '/hang': all('error CSPH_SITE_TIMEOUT'),
      // A bundled vendor the page embeds: its Messenger frame is blocked by frame-src 'self'; its stand-in does one feature per page.
      '/vendor': all('fail'),
      '/vendor genesys/messenger': all('fail'),
      ...Object.fromEntries(['api', 'authenticated', 'icons', 'styles', 'websocket'].map((f) => [`/vendor genesys/${f}`, all('skipped')])),
      // A vendor folder's vendor: only its logo is blocked.
      '/tiny': all('fail'),
      ...Object.fromEntries(['config', 'launcher', 'realtime', 'window'].map((f) => [`/tiny tiny-chat/${f}`, all('pass')])),
      '/tiny tiny-chat/logo': all('fail'),
    });
    expect(code).toBe(1);
    expect(err).toContain(`${site.url} seen as https://www.shop.test: 14 pages`);
  });

  it('names what broke: directives, blocked URLs, the site status, the redirect', () => {
    const cell = (id: string) => report.cells.find((c) => c.id === id)!;
    for (const b of BROWSERS) {
      expect(cell(`site:/vendor/genesys/messenger/${b}`).violations.every((x) => x.effectiveDirective === 'frame-src' && x.blockedURI.startsWith('https://apps.mypurecloud.com'))).toBe(true);
      expect(cell(`site:/vendor/genesys/messenger/${b}`).violations.length).toBeGreaterThan(0);
      expect(cell(`site:/tiny/tiny-chat/logo/${b}`).violations.map((x) => `${x.effectiveDirective} ${x.blockedURI}`)).toEqual(['img-src https://cdn.tiny.test/logo.png']);
      expect(cell(`site:/error/${b}`).error).toContain('answered 500 for /error');
      expect(cell(`site:/hang/${b}`).error).toContain('/hang never finished loading within 15000 ms');
      expect(cell(`site:/redirect/${b}`).probe?.detail).toContain('redirected to https://elsewhere.test/landing');
      // /old's absolute Location to the server itself was rewritten to the origin the browser sees.
      expect(cell(`site:/old/${b}`).probe?.detail).toContain('301 https://www.shop.test/old → 200 https://www.shop.test/');
      expect(cell(`site:/missing-nonce/${b}`).violations.filter((x) => x.disposition === 'enforce').map((x) => x.blockedURI).sort()).toEqual(['https://www.shop.test/app.js', 'inline']);
      // The report-only page's inline script is reported, not blocked.
      expect(cell(`site:/report-only/${b}`).violations.map((x) => x.disposition)).toContain('report');
      expect(cell(`site:/report-only/${b}`).violations.every((x) => x.disposition === 'report')).toBe(true);
    }
  });

  it('produces every finding kind where the site has the problem, and none elsewhere', () => {
    const found = (report.findings ?? []).map((f) => `${f.page} ${f.kind} ${f.severity}${f.host ? ` ${f.host}` : ''}${f.directive ? ` ${f.directive}` : ''}${f.browsers ? ` [${f.browsers.join(',')}]` : ''}`);
    expect(found.sort()).toEqual(
      [
        '/static-nonce static-nonce error',
        '/missing-nonce nonce-missing error script-src [chromium,firefox,webkit]',
        '/missing-nonce nonce-missing error script-src [chromium,firefox,webkit]',
        '/unknown unknown-third-party warning pixel.unknown-tracker.test img-src [chromium,firefox,webkit]',
        '/meta-only meta-only-reporting warning',
        '/report-only report-only-only warning',
        '/no-policy no-policy warning',
        '/redirect cross-origin-redirect warning elsewhere.test',
      ].sort(),
    );
    const missing = report.findings!.filter((f) => f.kind === 'nonce-missing').map((f) => f.detail);
    expect(missing.some((d) => d.startsWith('the inline <script>'))).toBe(true);
    expect(missing.some((d) => d.startsWith('<script src="/app.js">'))).toBe(true);
  });

  it('really hits the site server, and keeps every report from its collector', () => {
    const served = [...site.hits.entries()].filter(([path]) => path !== '/csp-reports').reduce((n, [, count]) => n + count, 0);
    expect(report.site?.requests).toBe(served);
    expect(report.site?.requests).toBeGreaterThan(14 * 4);
    // Each page: the harness's own fetch, then one navigation per engine.
    expect(report.site?.pages.find((p) => p.path === '/static-nonce')?.statuses).toEqual([200, 200, 200, 200]);
    expect(report.site?.pages.find((p) => p.path === '/error')?.statuses).toEqual([500, 500, 500, 500]);
    expect(report.site?.pages.find((p) => p.path === '/hang')?.statuses).toEqual([]);
    // report-uri /csp-reports, report-to with Reporting-Endpoints, and a <meta> report-uri: nothing reached the site.
    expect(site.siteReports).toEqual([]);
    expect(site.hits.get('/csp-reports') ?? 0).toBe(0);
    // The report-to page's violation came back to the harness as a report in Chromium (Firefox and WebKit report through report-uri only).
    const rerouted = report.cells.find((c) => c.id === 'site:/reporting-endpoints/chromium')!;
    expect(rerouted.violations.find((x) => x.effectiveDirective === 'img-src')?.signals).toContain('report');
    // Nothing but the redirect's target and the unknown pixel was refused.
    const refused = new Set(report.cells.flatMap((c) => c.unexpectedHosts));
    expect([...refused].sort()).toEqual(['elsewhere.test', 'pixel.unknown-tracker.test']);
  });
});

describe('run --site with a candidate policy', () => {
  it("replaces the site's policy, takes the nonce the site put on its tags, and fixes the vendor", { timeout: 300_000 }, async () => {
    const site = await startFixtureSite();
    try {
      const out = mkdtempSync(join(tmpdir(), 'csph-site-candidate-'));
      const policy = "script-src 'nonce-{{nonce}}' 'strict-dynamic'; frame-src https://apps.mypurecloud.com; style-src 'self' 'unsafe-inline'; img-src 'self' data:; report-uri https://collector.example/csp";
      const { code } = await cli(['run', '--site', site.url, '--page', '/vendor', '--page', '/static-nonce', '--policy', policy, '--feature', 'messenger', '--out', out, '--reporter', 'json']);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
      expect(report.site?.policy).toBe('candidate');
      expect(verdicts(report.cells)).toEqual({ '/vendor': all('pass'), '/vendor genesys/messenger': all('pass'), '/static-nonce': all('pass') });
      // The candidate's nonce is the site's: a static one still shows.
      expect(report.findings?.map((f) => `${f.page} ${f.kind}`)).toEqual(['/static-nonce static-nonce']);
      expect(code).toBe(1);
      expect(site.siteReports).toEqual([]);
    } finally {
      await site.close();
    }
  });
});
