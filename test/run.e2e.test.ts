// `csp-harness run` end to end, in the three real engines: the Genesys matrix of the issue, its five
// reports, the exit codes, baselines, and shards that merge into the unsharded run.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReport, runBin } from './helpers/cli.ts';
import { GENESYS_US_EAST_1_HEADER } from '../src/vendors/genesys/index.ts';
import type { Report } from '../src/reporters/model.ts';
import { darkPixels, decodePng, differingPixels } from './helpers/png.ts';

const cli = (...args: string[]) => runBin(CLI, args);
const CLI = join(import.meta.dirname, '..', 'bin', 'csp-harness.js');
const OUT = mkdtempSync(join(tmpdir(), 'csph-run-'));

/** The seed's header plus the font-src its icon font needs: every icons cell passes. */
const ICONS_OK = `${GENESYS_US_EAST_1_HEADER}; font-src 'self' data:`;
/** The same without data: in img-src: the "broken icons" report. */
const NO_DATA_IN_IMG = ICONS_OK.replace(/(img-src[^;]*?)\s+data:/, '$1');

describe('csp-harness run --vendor genesys with the seed us-east-1 header', { timeout: 900_000 }, () => {
  const out = join(OUT, 'genesys');
  let result: Awaited<ReturnType<typeof cli>>;

  it('prints the matrix of every Genesys feature in the three engines and writes all five reports', async () => {
    result = await cli('run', '--vendor', 'genesys', '--policy', GENESYS_US_EAST_1_HEADER, '--reporter', 'terminal,json,junit,markdown,html', '--out', out);
    const report = readReport(out);
    const features = new Set(report.cells.map((c) => c.feature));
    expect([...features].sort()).toEqual(['api', 'authenticated', 'icons', 'messenger', 'styles', 'websocket']);
    expect(new Set(report.cells.map((c) => c.browser))).toEqual(new Set(['chromium', 'firefox', 'webkit']));
    expect(report.cells.every((c) => c.status !== 'skipped' && c.status !== 'error'), JSON.stringify(report.cells.filter((c) => c.status === 'error' || c.status === 'skipped').map((c) => [c.id, c.error]))).toBe(true);
    for (const f of ['report.json', 'junit.xml', 'report.md', 'report.html']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(result.stdout).toMatch(/genesys/);
    expect(result.stdout).toMatch(/chromium\s+firefox\s+webkit/);
  });

  it('exits 1 when a cell fails, and 0 when none does', async () => {
    const report = readReport(out);
    const anyFailed = report.cells.some((c) => c.status === 'fail');
    expect(result.code).toBe(anyFailed ? 1 : 0);
    // The icons cell: the seed's header has no font-src, so the data: icon font falls to default-src 'self'.
    const icons = report.cells.filter((c) => c.feature === 'icons');
    expect(icons.length).toBe(3);
    for (const c of icons) {
      if (c.status === 'fail') expect(c.violations.some((v) => v.effectiveDirective === 'font-src' || v.effectiveDirective === 'img-src') || c.probe?.ok === false).toBe(true);
    }
  });

  it('a baseline run against itself exits 0; without data: in img-src it exits 1 and names the regressed cells', async () => {
    const baseline = join(OUT, 'baseline.json');
    const args = ['run', '--vendor', 'genesys', '--feature', 'icons,api', '--param', 'embed=self', '--reporter', 'json'];
    const written = await cli(...args, '--policy', ICONS_OK, '--out', join(OUT, 'b0'), '--baseline', baseline, '--update-baseline', '--screenshots', 'all');
    expect(existsSync(baseline), written.stderr).toBe(true);
    const base = JSON.parse(readFileSync(baseline, 'utf8')) as Report;
    const icons = base.cells.filter((c) => c.feature === 'icons');
    expect(icons.map((c) => c.status), JSON.stringify(icons)).toEqual(['pass', 'pass', 'pass']);
    const same = await cli(...args, '--policy', ICONS_OK, '--out', join(OUT, 'b1'), '--baseline', baseline);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toMatch(/no regressions/);
    const regressed = await cli(...args, '--policy', NO_DATA_IN_IMG, '--out', join(OUT, 'b2'), '--baseline', baseline);
    expect(regressed.code, regressed.stderr).toBe(1);
    for (const c of icons) expect(regressed.stderr).toContain(c.id);
    expect(regressed.stderr).toMatch(/img-src blocked data/);
    // The "broken icons" cells carry a screenshot of the page as the browser drew it, and the icons
    // are visibly missing from it: the strip where the passing run (--screenshots all) drew them differs.
    const passing = new Map(base.cells.filter((c) => c.feature === 'icons').map((c) => [c.browser, c]));
    for (const c of readReport(join(OUT, 'b2')).cells.filter((x) => x.feature === 'icons')) {
      expect(c.screenshot, c.id).toMatch(/^screenshots\/.+\.png$/);
      const broken = decodePng(readFileSync(join(OUT, 'b2', c.screenshot!)));
      const ok = passing.get(c.browser);
      expect(ok?.screenshot, `${c.browser}: the passing icons cell has a screenshot with --screenshots all`).toMatch(/^screenshots\/.+\.png$/);
      const drawn = decodePng(readFileSync(join(OUT, 'b0', ok!.screenshot!)));
      const strip: [number, number, number, number] = [0, 0, 260, 40];
      expect(darkPixels(drawn, strip), `${c.browser}: icons drawn in the passing screenshot`).toBeGreaterThan(50);
      expect(differingPixels(drawn, broken, strip), `${c.browser}: the broken-icons screenshot differs where the icons were`).toBeGreaterThan(100);
    }
  });

  it("a failing cell's screenshot adds no violation of its own (Playwright inserts a <style> in Firefox)", async () => {
    // No 'unsafe-inline' for styles and no data: for images: the icons fail, and the screenshot is taken.
    const strict = "default-src 'self'; script-src 'self' https://apps.mypurecloud.com; img-src 'self' https://apps.mypurecloud.com";
    const out = join(OUT, 'strict-style');
    const run = await cli('run', '--vendor', 'genesys', '--feature', 'icons', '--param', 'embed=self', '--browser', 'firefox,chromium', '--policy', strict, '--reporter', 'json', '--out', out);
    expect(run.code, run.stderr).toBe(1);
    for (const c of readReport(out).cells) {
      expect(c.screenshot, c.id).not.toBeNull();
      const directives = new Set(c.violations.map((v) => v.effectiveDirective));
      expect([...directives].sort(), `${c.id}: ${JSON.stringify(c.violations)}`).toEqual(['font-src', 'img-src']);
    }
  });

  it('--delivery meta enforces the policy from <meta>: no reports (CSP3 ignores report-uri there), so WebKit fails by its probe alone', async () => {
    const out = join(OUT, 'meta');
    const run = await cli('run', '--vendor', 'genesys', '--feature', 'icons', '--param', 'embed=self', '--delivery', 'meta', '--policy', NO_DATA_IN_IMG, '--reporter', 'json', '--out', out);
    expect(run.code, run.stderr).toBe(1);
    const cells = new Map(readReport(out).cells.map((c) => [c.browser, c]));
    for (const b of ['chromium', 'firefox', 'webkit'] as const) {
      const c = cells.get(b)!;
      expect(c.status, c.id).toBe('fail');
      expect(c.probe?.ok, c.id).toBe(false);
      expect(c.violations.filter((v) => v.signals.includes('report')), `${c.id}: no report from a <meta> policy`).toEqual([]);
    }
    for (const b of ['chromium', 'firefox'] as const) expect(cells.get(b)!.violations.map((v) => v.effectiveDirective), b).toContain('img-src');
    expect(cells.get('webkit')!.violations, 'WebKit: its listener comes after load, and no report').toEqual([]);
  });

  it('two shards merge into the same matrix as the unsharded run', async () => {
    const args = ['run', '--vendor', 'genesys', '--feature', 'icons,api,styles', '--browser', 'chromium,webkit', '--policy', GENESYS_US_EAST_1_HEADER, '--reporter', 'json'];
    const whole = await cli(...args, '--out', join(OUT, 'whole'));
    const s1 = await cli(...args, '--shard', '1/2', '--out', join(OUT, 's1'));
    const s2 = await cli(...args, '--shard', '2/2', '--out', join(OUT, 's2'));
    expect([whole.code, s1.code, s2.code].every((c) => c === 0 || c === 1), [whole, s1, s2].map((r) => `${r.code}: ${r.stderr.slice(-400)}`).join('\n')).toBe(true);
    const merged = await cli('merge', join(OUT, 's1', 'report.json'), join(OUT, 's2', 'report.json'), '--reporter', 'json', '--out', join(OUT, 'merged'));
    expect(merged.code).toBe(whole.code);
    const a = readReport(join(OUT, 'whole'));
    const b = readReport(join(OUT, 'merged'));
    const shape = (r: Report) => r.cells.map((c) => [c.id, c.status, c.violations.map((v) => `${v.effectiveDirective} ${v.blockedURI}`).sort().join('|')]);
    expect(shape(b)).toEqual(shape(a));
    expect(b.summary).toEqual(a.summary);
    expect(readReport(join(OUT, 's1')).cells.length).toBeLessThan(a.cells.length);
  });
});
