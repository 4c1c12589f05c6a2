// The HTML report of a real run, opened in a real Chromium: Genesys' "broken icons" row (seed 002's
// troubleshooting row, a failure its scenario expects) and the documented fix, in Chromium, Firefox
// and WebKit. The summary's numbers are the model's; the expected failure is marked as one; the row
// view shows each engine's screenshot beside the one where the icons loaded, and their pixels differ.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import type { Report } from '../src/reporters/model.ts';
import { summarizeByVendor, workingLabel, featureNoun } from '../src/reporters/summary.ts';
import { decodePng } from './helpers/png.ts';

const ROOT = join(import.meta.dirname, '..');
const SCENARIOS = ['scenarios/genesys/broken-icons.json', 'scenarios/genesys/icons-font-src-fixed.json'].map((f) => join(ROOT, f));

let out: string;
let report: Report;
let browser: Browser;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'csph-report-run-'));
  const io = captureIo();
  const code = await main(['run', ...SCENARIOS, '--feature', 'icons', '--screenshots', 'all', '--reporter', 'json,html', '--out', out], io);
  // Every cell as its scenario expects: the broken icons fail, as the seed says, and the fix passes.
  expect(code, io.stderr.join('\n')).toBe(0);
  report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

/** Pixels that differ between two screenshots of one engine (same size: the engine's viewport). */
function differingPixels(a: Buffer, b: Buffer): number {
  const x = decodePng(a);
  const y = decodePng(b);
  expect([x.width, x.height]).toEqual([y.width, y.height]);
  let n = 0;
  for (let i = 0; i < x.rgba.length; i += 4) if (x.rgba.readUInt32BE(i) !== y.rgba.readUInt32BE(i)) n++;
  return n;
}

describe('the HTML report of a real run, in Chromium', () => {
  it("the summary's numbers are the model's, and the broken icons are marked as the failure their scenario expects", { timeout: 60_000 }, async () => {
    expect(report.cells.map((c) => `${c.scenario} ${c.browser} ${c.status} ${c.outcome}`).sort()).toEqual(
      ['chromium', 'firefox', 'webkit'].flatMap((b) => [`genesys-broken-icons ${b} fail expected`, `genesys-icons-font-src-fixed ${b} pass expected`]).sort(),
    );
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    const shown = await page.$$eval('#vendor-summary tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('th, td')].slice(0, 3).map((c) => c.textContent!.trim())));
    const model = summarizeByVendor(report).map((s) => [s.vendor, s.browser, workingLabel(s, featureNoun)]);
    expect(shown.map((r) => [r[0], r[1], r[2]!.replace(/\s*·.*$/, '')])).toEqual(model);
    // A reproduction, said in words: in the summary's last column, and on each failing cell.
    const reproductions = await page.$$eval('#vendor-summary tbody tr', (rows) => rows.map((r) => r.lastElementChild!.textContent!));
    for (const text of reproductions) expect(text).toContain('genesys-broken-icons');
    const failing = await page.$$eval('#matrix tr[data-row] td.cell.s-fail', (cells) => cells.map((c) => c.textContent!.trim()));
    expect(failing, failing.join(' | ')).toHaveLength(3);
    for (const text of failing) expect(text).toMatch(/^✗ \S*img-src\S* \(expected\)$/);
    expect(await page.$$eval('#matrix tr[data-row] td.cell.s-fail', (cells) => cells.every((c) => c.classList.contains('reproduction')))).toBe(true);
    await page.close();
  });

  it('the row view shows each engine’s screenshot beside the one where the icons loaded, and they differ', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    await page.locator('#matrix tbody tr:has(td.s-fail) button.row-label').first().click();
    const figures = page.locator('#evidence .side-by-side figure');
    expect(await figures.count()).toBe(3);
    for (const b of ['chromium', 'firefox', 'webkit']) {
      const figure = page.locator(`#evidence .side-by-side figure[data-browser="${b}"]`);
      const images = await figure.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).getAttribute('src')!));
      expect(images, b).toHaveLength(2);
      expect(await figure.locator('p.passed-peer').textContent()).toContain('genesys-icons-font-src-fixed');
      const broken = report.cells.find((c) => c.browser === b && c.scenario === 'genesys-broken-icons')!;
      const fixed = report.cells.find((c) => c.browser === b && c.scenario === 'genesys-icons-font-src-fixed')!;
      expect(images.map(decodeURIComponent)).toEqual([broken.screenshot, fixed.screenshot]);
      // The icons are missing in one and drawn in the other: the two pictures are not the same.
      const diff = differingPixels(readFileSync(join(out, broken.screenshot!)), readFileSync(join(out, fixed.screenshot!)));
      expect(diff, `${b}: pixels differing between the broken and the fixed icons`).toBeGreaterThan(100);
    }
    await page.close();
  });
});
