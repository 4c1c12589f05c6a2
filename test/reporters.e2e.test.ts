// The HTML report in a real Chromium: it draws the matrix, filters, shows evidence, and fetches nothing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../src/reporters/html.ts';
import { testReport } from '../src/reporters/testReport.ts';

const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let browser: Browser;
let dir: string;
let reportUrl: string;
let png: Buffer;

const report = testReport();
const shot = 'screenshots/genesys-icons-us-east-1-chromium.png';

interface Loaded {
  page: Page;
  requests: string[];
  errors: string[];
}

async function open(url = reportUrl): Promise<Loaded> {
  const context = await browser.newContext();
  const requests: string[] = [];
  const errors: string[] = [];
  // Anything that is not a file: URL is recorded and refused, so a leak fails the test, not the network.
  await context.route('**/*', async (route) => {
    const requested = route.request().url();
    requests.push(requested);
    if (requested.startsWith('file:') || requested.startsWith('data:')) await route.continue();
    else await route.abort();
  });
  const page = await context.newPage();
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url);
  return { page, requests, errors };
}

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: LAUNCH_ARGS });
  const maker = await browser.newPage({ viewport: { width: 24, height: 16 } });
  await maker.setContent('<body style="margin:0;background:#c33"></body>');
  png = await maker.screenshot();
  await maker.close();

  dir = mkdtempSync(join(tmpdir(), 'csph-report-'));
  mkdirSync(dirname(join(dir, shot)), { recursive: true });
  writeFileSync(join(dir, shot), png);
  writeFileSync(join(dir, 'report.html'), renderHtml(report));
  reportUrl = pathToFileURL(join(dir, 'report.html')).href;
});

afterAll(async () => {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
});

const visibleRows = (page: Page) => page.locator('#matrix tbody tr:visible');

describe('the HTML report in Chromium', () => {
  it('draws one row per vendor/feature/params and one cell per browser, with no errors', async () => {
    const { page, errors } = await open();
    await expect.poll(() => page.locator('#matrix tbody tr').count()).toBe(6);
    expect(await page.locator('#matrix thead th[data-browser]').allTextContents()).toEqual(['chromium', 'firefox', 'webkit']);
    expect(await page.locator('#matrix tbody td[data-browser]').count()).toBe(18);
    expect(await page.locator('#matrix tbody td.unexpected').count()).toBe(5);
    expect(await page.locator('#matrix tbody th').first().textContent()).toBe('genesys/icons region=us-east-1');
    expect(await page.locator('#matrix tr.differs').count()).toBe(1);
    expect(await page.locator('#differences .diff').count()).toBe(1);
    expect(await page.locator('#differences').textContent()).toContain('firefox fails (connect-src) where chromium, webkit pass');
    // The report's own CSP admitted its hashed script and style: no violation, no exception.
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the whole matrix across the page while no evidence is open, long scenario labels included', async () => {
    const long = testReport();
    for (const c of long.cells) {
      c.scenario = 'customerio-in-app-without-unsafe-inline-style';
      c.params = { ...c.params, embed: 'external', install: 'snippet', signalr: 'velaro' };
    }
    const file = join(dir, 'long.html');
    writeFileSync(file, renderHtml(long));
    const { page } = await open(pathToFileURL(file).href);
    await page.setViewportSize({ width: 1400, height: 900 });
    expect(await page.locator('#evidence').isHidden()).toBe(true);
    const fit = await page.evaluate(() => {
      const main = document.querySelector('main')!;
      const last = document.querySelector('#matrix thead th:last-child')!.getBoundingClientRect();
      return { overflow: main.scrollWidth - main.clientWidth, right: Math.round(last.right), viewport: window.innerWidth };
    });
    expect(fit.overflow, JSON.stringify(fit)).toBeLessThanOrEqual(0);
    expect(fit.right).toBeLessThanOrEqual(fit.viewport);
    await page.context().close();
  });

  it('filters by browser: only the webkit column remains', async () => {
    const { page } = await open();
    await page.selectOption('#filter-browser', 'webkit');
    expect(await page.locator('#matrix thead th[data-browser]:visible').allTextContents()).toEqual(['webkit']);
    const cells = page.locator('#matrix tbody td[data-browser]:visible');
    expect(await cells.count()).toBe(6);
    for (const browserId of await cells.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-browser')))) {
      expect(browserId).toBe('webkit');
    }
    await page.context().close();
  });

  it('filters by status and vendor', async () => {
    const { page } = await open();
    await page.selectOption('#filter-status', 'fail');
    expect(await visibleRows(page).locator('th').allTextContents()).toEqual([
      'genesys/icons region=us-east-1',
      'genesys/icons region=eu-central-1',
      'velaro/realtime',
      'velaro/styles',
    ]);
    for (const row of await visibleRows(page).all()) expect(await row.locator('td[data-status="fail"]').count()).toBeGreaterThan(0);

    await page.selectOption('#filter-browser', 'webkit');
    expect(await visibleRows(page).count()).toBe(3);
    await page.selectOption('#filter-vendor', 'velaro');
    expect(await visibleRows(page).locator('th').allTextContents()).toEqual(['velaro/styles']);

    await page.selectOption('#filter-browser', '');
    await page.selectOption('#filter-vendor', '');
    await page.selectOption('#filter-status', 'differs');
    expect(await visibleRows(page).locator('th').allTextContents()).toEqual(['velaro/realtime']);
    await page.context().close();
  });

  it('shows a failing cell’s evidence and its screenshot from beside the report', async () => {
    const { page, requests, errors } = await open();
    await page.locator('#matrix tr[data-row="0"] td[data-browser="chromium"] button').click();
    const evidence = page.locator('#evidence');
    await expect.poll(() => evidence.isVisible()).toBe(true);
    expect(await evidence.getAttribute('data-cell-id')).toBe('genesys/icons/region=us-east-1/chromium');
    expect(await evidence.locator('[data-signal="console"] code').allTextContents()).toEqual(['img-src', 'data']);
    expect(await evidence.locator('.probe-detail').textContent()).toBe('3 of 3 icons did not load');
    expect(await evidence.textContent()).toContain("img-src 'self' https://*.mypurecloud.com does not match data:");
    expect(await evidence.locator('.fix').textContent()).toBe("img-src 'self' https://*.mypurecloud.com data:");
    const image = evidence.locator('img');
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(24);
    expect(requests.some((url) => url.endsWith(shot))).toBe(true);
    expect(requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows attacker-ish text as text, and unexpected hosts', async () => {
    const { page, errors } = await open();
    let dialogs = 0;
    page.on('dialog', async (dialog) => {
      dialogs++;
      await dialog.dismiss();
    });
    await page.locator('#matrix tr[data-row="4"] td[data-browser="firefox"] button').click();
    expect(await page.locator('#evidence .blocked-uri').allTextContents()).toContain('https://evil.test/a?b=<script>&c="x"|y');
    expect(await page.locator('#evidence script').count()).toBe(0);
    await page.locator('#matrix tr[data-row="3"] td[data-browser="firefox"] button').click();
    expect(await page.locator('#evidence').textContent()).toContain('tracker.example');
    expect(dialogs).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('inlines screenshots as data: URIs when given their bytes', async () => {
    const path = join(dir, 'inline.html');
    writeFileSync(path, renderHtml(report, { screenshots: new Map([[shot, png.toString('base64')]]) }));
    const { page, requests } = await open(pathToFileURL(path).href);
    await page.locator('#matrix tr[data-row="0"] td[data-browser="chromium"] button').click();
    const image = page.locator('#evidence img');
    expect(await image.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(24);
    expect([...new Set(requests)]).toEqual([pathToFileURL(path).href]);
    await page.context().close();
  });

  it('never turns a screenshot path into a network request', async () => {
    const hostile = testReport();
    const cell = hostile.cells[0];
    if (!cell) throw new Error('test setup: the fixture has cells');
    cell.screenshot = 'https://evil.test/shot.png';
    const path = join(dir, 'hostile.html');
    writeFileSync(path, renderHtml(hostile));
    const { page, requests } = await open(pathToFileURL(path).href);
    await page.locator('#matrix tr[data-row="0"] td[data-browser="chromium"] button').click();
    expect(await page.locator('#evidence').textContent()).toContain('is not a relative path');
    expect(await page.locator('#evidence img').count()).toBe(0);
    expect([...new Set(requests)]).toEqual([pathToFileURL(path).href]);
    await page.context().close();
  });
});

describe('search and the URL hash', () => {
  it('filters rows by search terms, keeps filters, search and the open cell across a reload, and opens a bare #cell-id', { timeout: 60_000 }, async () => {
    const { page, errors } = await open();
    const visibleRows = () => page.$$eval('#matrix tbody tr', (rows) => rows.filter((r) => !(r as HTMLElement).hidden).map((r) => r.querySelector('th')!.textContent));
    const all = await visibleRows();
    await page.fill('#filter-search', 'velaro real');
    expect(await visibleRows()).toEqual(all.filter((label) => /velaro/.test(label!) && /real/.test(label!)));
    await page.selectOption('#filter-browser', 'firefox');
    await page.click('#matrix tbody tr:not([hidden]) td[data-browser="firefox"] button');
    const cellId = await page.getAttribute('#evidence', 'data-cell-id');
    expect(page.url()).toContain('q=velaro%20real');
    expect(page.url()).toContain('browser=firefox');
    await page.reload();
    expect(await page.inputValue('#filter-search')).toBe('velaro real');
    expect(await page.inputValue('#filter-browser')).toBe('firefox');
    expect(await visibleRows()).toEqual(all.filter((label) => /velaro/.test(label!) && /real/.test(label!)));
    expect(await page.getAttribute('#evidence', 'data-cell-id')).toBe(cellId);
    expect(errors).toEqual([]);
    await page.context().close();

    const bare = await open(`${reportUrl}#${encodeURIComponent(report.cells[0]!.id)}`);
    expect(await bare.page.getAttribute('#evidence', 'data-cell-id')).toBe(report.cells[0]!.id);
    await bare.page.context().close();
  });
});

describe('side by side', () => {
  it('shows the three engines of a row next to each other, each screenshot beside its evidence', { timeout: 60_000 }, async () => {
    const colours: Record<string, string> = { chromium: '#c33', firefox: '#3c3', webkit: '#33c' };
    const side = testReport();
    const row = side.cells.filter((c) => c.vendor === 'genesys' && c.params.region === 'us-east-1');
    const maker = await browser.newPage({ viewport: { width: 24, height: 16 } });
    const shots = new Map<string, string>();
    for (const cell of row) {
      await maker.setContent(`<body style="margin:0;background:${colours[cell.browser]}"></body>`);
      cell.screenshot = `screenshots/side-${cell.browser}.png`;
      shots.set(cell.screenshot, (await maker.screenshot()).toString('base64'));
    }
    await maker.close();
    const path = join(dir, 'side.html');
    writeFileSync(path, renderHtml(side, { screenshots: shots }));
    const { page, errors } = await open(pathToFileURL(path).href);
    await page.click('#matrix tbody tr:first-child button.row-label');
    const figures = page.locator('#evidence .side-by-side figure');
    expect(await figures.count()).toBe(3);
    expect(await figures.evaluateAll((fs) => fs.map((f) => f.getAttribute('data-browser')))).toEqual(['chromium', 'firefox', 'webkit']);
    const sources = await page.locator('#evidence .side-by-side img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
    expect(new Set(sources).size).toBe(3);
    for (const src of sources) expect(src).toMatch(/^data:image\/png;base64,/);
    // Each image is beside its own evidence: the blocked directive of that engine's cell.
    const evidence = await figures.evaluateAll((fs) => fs.map((f) => f.querySelector('ul')!.textContent));
    row.forEach((cell, i) => {
      const blocked = cell.violations.filter((v) => v.disposition === 'enforce').map((v) => v.effectiveDirective);
      for (const d of blocked) expect(evidence[i]).toContain(d);
    });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
