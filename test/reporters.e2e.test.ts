// The HTML report in a real Chromium: it draws the matrix, filters, shows evidence, and fetches nothing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../src/reporters/html.ts';
import { scenarioReport, testReport } from '../src/reporters/testReport.ts';

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

const visibleRows = (page: Page) => page.locator('#matrix tbody tr[data-row]:visible');

describe('the HTML report in Chromium', () => {
  it('draws one row per vendor/feature/params and one cell per browser, with no errors', async () => {
    const { page, errors } = await open();
    // Rows are grouped (a header tbody per group): the rows are the tr[data-row].
    await expect.poll(() => page.locator('#matrix tbody tr[data-row]').count()).toBe(6);
    expect(await page.locator('#matrix thead th[data-browser]').allTextContents()).toEqual(['chromium', 'firefox', 'webkit']);
    expect(await page.locator('#matrix tbody td[data-browser]').count()).toBe(18);
    expect(await page.locator('#matrix tbody td.unexpected').count()).toBe(5);
    expect(await page.locator('#matrix tbody tr[data-row] th').first().textContent()).toBe('genesys/icons region=us-east-1');
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
    const visibleRows = () => page.$$eval('#matrix tbody tr[data-row]', (rows) => rows.filter((r) => !(r as HTMLElement).hidden).map((r) => r.querySelector('th')!.textContent));
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

/** The rows a reader sees: not filtered out, and not in a collapsed or emptied group. */
const shownRows = (page: Page) =>
  page.$$eval('#matrix tbody tr[data-row]', (rows) => rows.filter((r) => (r as HTMLElement).offsetParent !== null).map((r) => r.querySelector('th')!.textContent));

describe('groups', () => {
  it('groups rows by scenario, params once in the header; collapsed groups and the search survive a reload; old hashes still work', { timeout: 60_000 }, async () => {
    const file = join(dir, 'scenarios.html');
    writeFileSync(file, renderHtml(scenarioReport()));
    const url = pathToFileURL(file).href;
    const { page, errors } = await open(url);
    const heads = page.locator('#matrix tbody.group-head');
    expect(await heads.count()).toBe(3);
    expect(await page.locator('#matrix .group-toggle').allTextContents()).toEqual(['▾Genesys icons, US region', '▾genesys-eu', '▾Velaro behind an allowlist']);
    expect(await heads.first().locator('.params').textContent()).toBe('region=us-east-1');
    expect(await heads.first().locator('.detail').textContent()).toBe('genesys-us · troubleshooting · seed 001_genesys.txt:45');
    // Params once: in the group's header, on no row.
    expect((await shownRows(page)).filter((label) => /region=|embed=|genesys-us/.test(label!))).toEqual([]);
    expect(await shownRows(page)).toEqual(['genesys/icons', 'genesys/icons', 'velaro/widget', 'velaro/realtime', 'velaro/styles', 'velaro/fonts']);

    const toggle = page.locator('#matrix .group-toggle[data-group="scenario:genesys-us"]');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await page.fill('#filter-search', 'icons');
    // genesys-us collapsed (its header stays, its row hidden), genesys-eu open, velaro's group has no match: hidden.
    expect(await shownRows(page)).toEqual(['genesys/icons']);
    expect(await heads.evaluateAll((hs) => hs.map((h) => (h as HTMLElement).hidden))).toEqual([false, false, true]);
    expect(page.url()).toContain('collapsed=scenario%3Agenesys-us');

    await page.reload();
    expect(await page.inputValue('#filter-search')).toBe('icons');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await shownRows(page)).toEqual(['genesys/icons']);
    expect(await heads.evaluateAll((hs) => hs.map((h) => (h as HTMLElement).hidden))).toEqual([false, false, true]);
    await toggle.click();
    expect(await shownRows(page)).toEqual(['genesys/icons', 'genesys/icons']);
    expect(page.url()).not.toContain('collapsed=');
    // Searching a scenario's title finds its rows.
    await page.fill('#filter-search', 'allowlist');
    expect(await shownRows(page)).toEqual(['velaro/widget', 'velaro/realtime', 'velaro/styles', 'velaro/fonts']);
    await page.click('#collapse-all');
    expect(await shownRows(page)).toEqual([]);
    expect(await page.locator('#matrix .group-toggle[aria-expanded="false"]').count()).toBe(3);
    expect(errors).toEqual([]);
    await page.context().close();

    // A hash from before groups (filters only) still opens as it did.
    const old = await open(`${url}#status=fail&q=velaro`);
    expect(await old.page.inputValue('#filter-status')).toBe('fail');
    expect(await shownRows(old.page)).toEqual(['velaro/realtime', 'velaro/styles']);
    await old.page.context().close();
  });
});

describe('keyboard', () => {
  it('is one tab stop; arrows move between cells, Enter opens the evidence, Escape closes it and gives the focus back', { timeout: 60_000 }, async () => {
    const { page, errors } = await open();
    const focused = () => page.evaluate(() => {
      const node = document.activeElement as HTMLElement;
      return { cell: node.getAttribute('data-cell'), row: node.closest('tr')?.getAttribute('data-row') ?? null, text: node.textContent };
    });
    // One tab stop for the grid: the first cell; every other matrix button is out of the tab order.
    expect(await page.locator('#matrix tbody tr[data-row] button[tabindex="0"]').count()).toBe(1);
    expect(await page.locator('#matrix tbody tr[data-row="0"] td[data-browser="chromium"] button').getAttribute('tabindex')).toBe('0');
    // Group headers and view switches are in it.
    expect(await page.locator('#matrix .group-toggle').getAttribute('tabindex')).toBeNull();
    await page.focus('#views button[data-view="matrix"]');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement!.className)).toBe('group-toggle');
    await page.keyboard.press('Tab');
    expect(await focused()).toMatchObject({ row: '0', cell: '0' });

    await page.keyboard.press('ArrowRight');
    expect(await focused()).toMatchObject({ row: '0', cell: '1' });
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toMatchObject({ row: '1', cell: '4' });
    expect(await page.locator('#matrix tbody button[tabindex="0"]').count()).toBe(1);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toMatchObject({ row: '1', cell: null, text: 'genesys/icons region=eu-central-1' });
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    const evidence = page.locator('#evidence');
    await expect.poll(() => evidence.isVisible()).toBe(true);
    expect(await evidence.getAttribute('data-cell-id')).toBe(report.cells[4]!.id);
    expect(page.url()).toContain(`cell=${encodeURIComponent(report.cells[4]!.id)}`);
    await page.keyboard.press('Escape');
    expect(await evidence.isHidden()).toBe(true);
    expect(page.url()).not.toContain('cell=');
    expect(await focused()).toMatchObject({ row: '1', cell: '4' });
    // The focus is drawn: an outline on the focused cell.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
    await page.keyboard.press('End');
    expect(await focused()).toMatchObject({ row: '1', cell: '5' });
    await page.keyboard.press('Control+End');
    expect(await focused()).toMatchObject({ row: '5', cell: '17' });

    // A filter that hides the focused cell's row moves the tab stop to a row still shown.
    await page.selectOption('#filter-vendor', 'genesys');
    const stop = page.locator('#matrix tbody button[tabindex="0"]');
    expect(await stop.count()).toBe(1);
    expect(await stop.evaluate((b) => b.closest('tr')!.getAttribute('data-vendor'))).toBe('genesys');
    // Only row 0's chromium screenshot is on disk: the cell opened here links one that is not.
    expect(errors.filter((e) => !e.includes('ERR_FILE_NOT_FOUND'))).toEqual([]);
    await page.context().close();
  });
});

describe('views', () => {
  it('engines vs spec lists the disagreeing row with the spec’s reasoning and each engine’s verdict and blocked URI', { timeout: 60_000 }, async () => {
    const { page, errors } = await open();
    expect(await page.locator('#view-spec').isHidden()).toBe(true);
    await page.click('#views button[data-view="spec"]');
    expect(await page.locator('#view-spec').isVisible()).toBe(true);
    expect(await page.locator('#view-matrix').isHidden()).toBe(true);
    expect(await page.getAttribute('#views button[data-view="spec"]', 'aria-pressed')).toBe('true');
    const items = page.locator('#differences .diff:visible');
    expect(await items.locator('h3').allTextContents()).toEqual(['velaro/realtime']);
    const text = (await items.first().textContent()) ?? '';
    expect(text).toContain('✓ allowed');
    expect(text).toContain('wss://*.velaro.com matches connect-src');
    expect(await items.first().locator('li[data-browser="firefox"] .blocked-uri').textContent()).toBe('wss://visitor.velaro.com/signalr');
    expect(await items.first().locator('li[data-browser="firefox"]').textContent()).toBe(
      'firefox ✗ connect-src ⚠ blocked (WebSocket closed before open (code 1006)): connect-src blocked wss://visitor.velaro.com/signalr — ≠spec disagrees with the spec',
    );
    expect(await items.first().locator('li[data-browser="chromium"]').textContent()).toBe('chromium ✓ loaded — ✓ agrees with the spec');
    // The filters apply here too.
    await page.selectOption('#filter-vendor', 'genesys');
    expect(await items.count()).toBe(0);
    expect(await page.locator('#no-differences').isVisible()).toBe(true);
    await page.selectOption('#filter-vendor', '');
    // The view survives a reload.
    expect(page.url()).toContain('view=spec');
    await page.reload();
    expect(await page.locator('#view-spec').isVisible()).toBe(true);
    await items.first().locator('li[data-browser="firefox"] button').click();
    expect(await page.getAttribute('#evidence', 'data-cell-id')).toBe('velaro/realtime/embed=external/firefox');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('against the baseline lists a regression with its directive, and what was fixed and is new', { timeout: 60_000 }, async () => {
    const compared = testReport();
    const ids = compared.cells.map((c) => c.id);
    compared.run!.baseline = { path: 'ci/baseline.json', regressions: [ids[10]!], fixed: [ids[6]!], added: [] };
    compared.run!.regressions = [ids[10]!];
    const file = join(dir, 'baseline.html');
    writeFileSync(file, renderHtml(compared));
    const { page, errors } = await open(pathToFileURL(file).href);
    expect(await page.locator('#view-baseline').isHidden()).toBe(true);
    await page.click('#views button[data-view="baseline"]');
    const regressed = page.locator('#baseline-regressions li');
    expect(await regressed.count()).toBe(1);
    expect(await regressed.getAttribute('data-cell-id')).toBe('velaro/realtime/embed=external/firefox');
    expect(await regressed.textContent()).toBe('velaro/realtime/embed=external/firefox — velaro/realtime embed=external on firefox: ✗ connect-src blocked wss://visitor.velaro.com/signalr');
    expect(await page.locator('#baseline-fixed li').textContent()).toContain('✓ passes');
    expect(await page.locator('#baseline-added').textContent()).toBe('none');
    expect(await page.locator('#baseline').textContent()).toContain('ci/baseline.json');
    await regressed.locator('button').click();
    expect(await page.getAttribute('#evidence', 'data-cell-id')).toBe('velaro/realtime/embed=external/firefox');
    expect(errors).toEqual([]);
    await page.context().close();

    // A report without a baseline has no such view, and a hash naming it falls back to the matrix.
    const plain = await open(`${reportUrl}#view=baseline`);
    expect(await plain.page.locator('#views button[data-view="baseline"]').count()).toBe(0);
    expect(await plain.page.locator('#view-matrix').isVisible()).toBe(true);
    await plain.page.context().close();
  });
});
