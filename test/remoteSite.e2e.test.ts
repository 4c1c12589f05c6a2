// Remote engines beyond the vendor matrix (decisions/0020): `run --site` and `suggest` (and `suggest --site`) with `--connect` to a
// Playwright browser server started here and `--listen 0.0.0.0 --proxy-host 127.0.0.1` give what the local
// engine gives — the same verdicts and findings for the site, the same verified policy from suggest — with
// every proxy of the run bound where --listen says (the site itself is still reached from this machine) and
// the listen warning printed. An endpoint that does not answer is exit 2 for suggest, naming it.
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserServer } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import { browserServerOptions } from '../src/engines/chromium.ts';
import type { Report, ReportCell } from '../src/reporters/model.ts';
import { runBin } from './helpers/cli.ts';

const CLI = join(import.meta.dirname, '..', 'bin', 'csp-harness.js');
const TINY = join(import.meta.dirname, 'fixtures/vendor-dirs/tiny-chat');
const OUT = mkdtempSync(join(tmpdir(), 'csph-remote-site-'));
const WIDE = ['--listen', '0.0.0.0', '--proxy-host', '127.0.0.1'];
const WARNING = /csp-harness: warning: --listen 0\.0\.0\.0: the fixture proxy listens on every interface and is reachable from other machines .*browsers are told to use 127\.0\.0\.1/;

interface FixtureSite {
  url: string;
  close(): Promise<void>;
}
const { startFixtureSite } = (await import(pathToFileURL(join(import.meta.dirname, 'fixtures/site/server.mjs')).href)) as { startFixtureSite: () => Promise<FixtureSite> };

/**
 * The CLI in-process, and the address every proxy it started was bound to: mockttp's bare `listen(port)`,
 * which server/loopback.ts's onAddress turns into `listen({ port, host })` — seen here underneath it.
 */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string; bound: string[] }> {
  const original = net.Server.prototype.listen;
  const bound: string[] = [];
  net.Server.prototype.listen = function (this: net.Server, ...rest: unknown[]) {
    const first = rest[0];
    if (rest.length === 1 && typeof first === 'object' && first !== null && 'host' in first) bound.push(String((first as { host: unknown }).host));
    return (original as (...a: unknown[]) => net.Server).apply(this, rest);
  } as typeof original;
  const io = captureIo();
  try {
    const code = await main(args, io);
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n'), bound };
  } finally {
    net.Server.prototype.listen = original;
  }
}

/** Per cell: its status (with the error code) and its violations. */
function verdicts(cells: readonly ReportCell[]): Record<string, string> {
  return Object.fromEntries(
    cells.map((c) => [c.id, `${c.status}${c.errorCode ? ` ${c.errorCode}` : ''} ${JSON.stringify(c.violations.map((v) => `${v.disposition} ${v.effectiveDirective} ${v.blockedURI}`).sort())}`]),
  );
}

const findings = (report: Report) => (report.findings ?? []).map((f) => `${f.page} ${f.kind} ${f.severity} ${f.host ?? ''} ${f.directive ?? ''} ${(f.browsers ?? []).join(',')}`).sort();
const readReport = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;

let server: BrowserServer;
let site: FixtureSite;
beforeAll(async () => {
  [server, site] = await Promise.all([chromium.launchServer({ ...browserServerOptions(), timeout: 60_000 }), startFixtureSite()]);
}, 120_000);
afterAll(async () => {
  await server?.close().catch(() => undefined);
  await site?.close();
});

describe('run --site through a remote engine and a proxy on every interface', { timeout: 600_000 }, () => {
  it('gives the verdicts and findings of a local run, and warns', async () => {
    const pages = ['/', '/vendor', '/missing-nonce', '/report-only', '/unknown', '/old', '/tiny'].flatMap((p) => ['--page', p]);
    const common = ['run', '--site', site.url, ...pages, '--vendor-dir', TINY, '--browser', 'chromium', '--reporter', 'json', '--timeout', '30000'];
    const local = await cli([...common, '--out', join(OUT, 'site-local')]);
    expect([0, 1], local.err).toContain(local.code);
    const remote = await cli([...common, '--connect', `chromium=${server.wsEndpoint()}`, ...WIDE, '--out', join(OUT, 'site-remote')]);
    expect(remote.code, remote.err).toBe(local.code);

    const a = readReport(join(OUT, 'site-local'));
    const b = readReport(join(OUT, 'site-remote'));
    expect(b.run?.browsers?.[0]).toMatchObject({ id: 'chromium', source: null, remote: { via: 'connect' } });
    expect(a.cells.filter((c) => c.status === 'error' || (c.status === 'skipped' && c.vendor === 'site')).map((c) => `${c.id}: ${c.error}`)).toEqual([]);
    expect(verdicts(b.cells)).toEqual(verdicts(a.cells));
    expect(findings(b)).toEqual(findings(a));
    expect(b.site?.pages.map((p) => p.path)).toEqual(a.site?.pages.map((p) => p.path));
    // Not a vacuous match: pages pass and fail, and failing ones name violations.
    expect(a.summary.pass).toBeGreaterThan(0);
    expect(a.summary.fail).toBeGreaterThan(0);
    expect(a.cells.some((c) => c.violations.length > 0)).toBe(true);

    // Where the proxies were bound: loopback for the local run, every interface with --listen 0.0.0.0.
    expect(local.err).not.toMatch(/warning: --listen/);
    expect(new Set(local.bound)).toEqual(new Set(['127.0.0.1']));
    expect(remote.err).toMatch(WARNING);
    expect(remote.bound.length).toBeGreaterThan(0);
    expect(new Set(remote.bound)).toEqual(new Set(['0.0.0.0']));
  });
});

describe('suggest through a remote engine and a proxy on every interface', { timeout: 900_000 }, () => {
  it('verifies the policy the local engine verifies, its proof and the check of --from included', async () => {
    // --from with a host nothing needs: the report-only copy run (usesOfSources) runs too.
    const from = "default-src 'self'; img-src 'self' https://cdn.example.test";
    const common = ['suggest', '--vendor', 'genesys', '--feature', 'icons,api', '--param', 'embed=self', '--browser', 'chromium', '--from', from, '--timeout', '30000', '--json'];
    const local = await cli(common);
    expect(local.code, local.err).toBe(0);
    const remote = await cli([...common, '--connect', `chromium=${server.wsEndpoint()}`, ...WIDE]);
    expect(remote.code, remote.err).toBe(0);

    const a = JSON.parse(local.out) as { policy: string; verified: { cells: number; pass: number }; added: string[]; proof: unknown[] | null; unneeded: string[] | null; steps: unknown[] };
    const b = JSON.parse(remote.out) as typeof a;
    expect(b.verified).toEqual(a.verified);
    expect(b.verified.pass).toBe(b.verified.cells);
    expect(b.policy).toBe(a.policy);
    expect(b.added).toEqual(a.added);
    expect(a.added.length).toBeGreaterThan(0);
    expect(b.proof).toEqual(a.proof);
    expect(a.proof?.length).toBe(a.added.length);
    expect(b.unneeded).toEqual(a.unneeded);
    expect(a.unneeded).toContain('img-src https://cdn.example.test');
    expect(b.steps).toEqual(a.steps);

    // Every run of suggest (rounds, proof, report-only copy) had its proxies on every interface; one warning.
    expect(new Set(local.bound)).toEqual(new Set(['127.0.0.1']));
    expect(remote.err.match(new RegExp(WARNING.source, 'g'))).toHaveLength(1);
    expect(new Set(remote.bound)).toEqual(new Set(['0.0.0.0']));
    expect(remote.bound.length).toBeGreaterThanOrEqual(3);
  });

  it('--site: the policy the local engine verifies for the pages', async () => {
    const common = ['suggest', '--site', site.url, '--page', '/missing-nonce', '--page', '/vendor', '--browser', 'chromium', '--timeout', '30000', '--json'];
    const local = await cli(common);
    expect(local.code, local.err).toBe(0);
    const remote = await cli([...common, '--connect', `chromium=${server.wsEndpoint()}`, ...WIDE]);
    expect(remote.code, remote.err).toBe(0);
    const a = JSON.parse(local.out) as { policy: string; verified: { cells: number; pass: number }; added: string[]; steps: unknown[] };
    const b = JSON.parse(remote.out) as typeof a;
    expect(b.verified).toEqual(a.verified);
    expect(b.verified.pass).toBe(b.verified.cells);
    expect(b.policy).toBe(a.policy);
    expect(b.added).toEqual(a.added);
    expect(a.added).toEqual(expect.arrayContaining(["script-src 'unsafe-inline'", 'frame-src https://apps.mypurecloud.com']));
    expect(b.steps).toEqual(a.steps);
    expect(remote.err).toMatch(WARNING);
    expect(new Set(local.bound)).toEqual(new Set(['127.0.0.1']));
    expect(new Set(remote.bound)).toEqual(new Set(['0.0.0.0']));
  });

  it('an endpoint that does not answer is exit 2, naming it, before any browser starts', async () => {
    const result = await runBin(CLI, ['suggest', '--vendor', 'genesys', '--feature', 'icons', '--browser', 'chromium', '--connect', 'chromium=ws://127.0.0.1:9/secret'], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^csp-harness: suggest: --connect chromium=ws:\/\/127\.0\.0\.1:9\/…: the Playwright browser server does not answer \(.*ECONNREFUSED.*\); start it first/m);
    expect(result.stderr).not.toContain('secret');
    expect(result.stdout).toBe('');
  });
});
