// `npm run screenshot:report`: the README's picture of the HTML report, made from a real run — the
// Genesys "broken icons" row and its documented fix (scenarios/genesys/broken-icons.json and
// icons-font-src-fixed.json) in Chromium, Firefox and WebKit — then the report opened in Chromium
// with the failing row's engines side by side. Writes docs/report.png.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright';

const ROOT = join(import.meta.dirname, '..');
const out = mkdtempSync(join(tmpdir(), 'csph-screenshot-'));
const scenarios = ['scenarios/genesys/broken-icons.json', 'scenarios/genesys/icons-font-src-fixed.json'].map((f) => join(ROOT, f));
try {
  execFileSync(process.execPath, [join(ROOT, 'bin', 'csp-harness.js'), 'run', ...scenarios, '--feature', 'icons', '--out', out, '--reporter', 'json,html', '--screenshots', 'all'], { stdio: 'inherit' });
} catch (error) {
  // Exit 1 is a failing cell, which the picture is about; 2 is bad input.
  if ((error as { status?: number }).status !== 1) throw error;
}
const browser = await chromium.launch({ executablePath: process.env.CSPH_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(pathToFileURL(join(out, 'report.html')).href);
  const failing = page.locator('#matrix tbody tr:has(td.s-fail) button.row-label').first();
  await failing.click();
  await page.waitForSelector('#evidence .side-by-side img');
  await page.evaluate(() => Promise.all([...document.images].map((i) => (i.complete ? null : new Promise((r) => (i.onload = r))))));
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  await page.screenshot({ path: join(ROOT, 'docs', 'report.png'), fullPage: false });
  console.log(`docs/report.png written from ${join(out, 'report.html')}`);
} finally {
  await browser.close();
}
