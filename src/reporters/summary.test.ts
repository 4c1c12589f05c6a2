import { describe, expect, it } from 'vitest';
import type { BrowserId, Report, ReportCell } from './model.ts';
import { summarize } from './model.ts';
import { classOf, featureLabel, featureNoun, summarizeByVendor, workingLabel, type VendorEngineSummary } from './summary.ts';
import { siteReport } from './testReport.ts';

function cell(vendor: string, feature: string, browser: BrowserId, how: Partial<ReportCell> & { directive?: string }): ReportCell {
  const { directive, ...rest } = how;
  return {
    id: `${how.scenario ?? 'policy'}/${vendor}/${feature}/${browser}`,
    vendor,
    feature,
    params: {},
    browser,
    browserVersion: '1',
    status: 'pass',
    expected: null,
    outcome: null,
    violations: directive ? [{ disposition: 'enforce', effectiveDirective: directive, blockedURI: 'https://x.test/a', kind: 'url', signals: [] } as unknown as ReportCell['violations'][number]] : [],
    probe: null,
    oracle: null,
    unexpectedHosts: [],
    screenshot: null,
    durationMs: 1,
    ...rest,
  } as ReportCell;
}

const report = (cells: ReportCell[]): Report => ({ schemaVersion: 1, policies: [], cells, summary: summarize(cells) });

describe('classOf', () => {
  it.each<[string, Partial<ReportCell>, string]>([
    ['a pass', { status: 'pass' }, 'works'],
    ['a pass as expected', { status: 'pass', expected: 'pass', outcome: 'expected' }, 'works'],
    ['a failure without a scenario', { status: 'fail' }, 'broken'],
    ['a failure its scenario expects', { status: 'fail', expected: 'fail', outcome: 'expected' }, 'reproduction'],
    ['a failure its scenario did not expect', { status: 'fail', expected: 'pass', outcome: 'unexpected' }, 'unexpected'],
    ['a pass its scenario expected to fail', { status: 'pass', expected: 'fail', outcome: 'unexpected' }, 'unexpected'],
    ['an error', { status: 'error' }, 'error'],
    ['a skipped cell', { status: 'skipped' }, 'skipped'],
  ])('%s → %s', (_, how, cls) => {
    expect(classOf(cell('v', 'f', 'chromium', how))).toBe(cls);
  });
});

describe('summarizeByVendor', () => {
  const cells = [
    cell('genesys', 'icons', 'chromium', { status: 'fail', directive: 'img-src', fix: "img-src 'self' data:" }),
    cell('genesys', 'icons', 'firefox', { status: 'pass' }),
    cell('genesys', 'messenger', 'chromium', { status: 'pass' }),
    cell('genesys', 'messenger', 'firefox', { status: 'pass' }),
    cell('velaro', 'widget', 'chromium', { status: 'fail', expected: 'fail', outcome: 'expected', scenario: 'velaro-static-nonce', directive: 'script-src-elem' }),
    cell('velaro', 'widget', 'firefox', { status: 'fail', expected: 'pass', outcome: 'unexpected', scenario: 'velaro-us', directive: 'connect-src', fix: 'connect-src wss://*.velaro.com' }),
  ];
  const summary = summarizeByVendor(report(cells));

  it('puts unexpected first and loud, then broken, then the rest in report order', () => {
    expect(summary.map((s) => `${s.vendor}/${s.browser}:${s.unexpected}`)).toEqual(['velaro/firefox:1', 'genesys/chromium:0', 'genesys/firefox:0', 'velaro/chromium:0']);
  });

  it('counts working features and names what broke the others, with the smallest fix', () => {
    const gc = summary.find((s) => s.vendor === 'genesys' && s.browser === 'chromium')!;
    expect(gc.working).toBe(1);
    expect(gc.features.map((f) => [f.feature, f.class, f.directives, f.fixes])).toEqual([
      ['icons', 'broken', ['img-src'], ["img-src 'self' data:"]],
      ['messenger', 'works', [], []],
    ]);
  });

  it('marks an expected failure as a reproduction of its scenario, and counts it as working as documented', () => {
    const vc = summary.find((s) => s.vendor === 'velaro' && s.browser === 'chromium')!;
    expect(vc.features).toEqual([{ feature: 'widget', class: 'reproduction', directives: ['script-src-elem'], fixes: [], reproduces: ['velaro-static-nonce'], cells: ['velaro-static-nonce/velaro/widget/chromium'] }]);
    expect(vc.working).toBe(1);
  });

  it('the numbers add up to the model: every cell of the report is in exactly one vendor × engine', () => {
    const counted = summary.reduce((n, s) => n + s.features.length, 0);
    expect(counted).toBe(new Set(cells.map((c) => `${c.vendor}/${c.feature}/${c.browser}`)).size);
    expect(summary.reduce((n, s) => n + s.unexpected, 0)).toBe(report(cells).summary.unexpected);
  });
});

describe('summarizeByVendor: a site run', () => {
  const summary = summarizeByVendor(siteReport());

  it('summarises the pages as the vendor site, one feature per page, named by its path', () => {
    const site = summary.find((s) => s.vendor === 'site' && s.browser === 'chromium')!;
    expect(site.features.map((f) => [featureLabel(site.vendor, f), f.page, f.class])).toEqual([
      ['/missing-nonce', '/missing-nonce', 'broken'],
      ['/', '/', 'works'],
      ['/checkout', '/checkout', 'works'],
      ['/vendor', '/vendor', 'works'],
    ]);
    expect(site.features[0]).toMatchObject({ directives: ['script-src-elem'], cells: ['site//missing-nonce/chromium'] });
    expect(`${site.working} of ${site.features.length} ${featureNoun(site.vendor, site.features.length)}`).toBe('3 of 4 pages');
  });

  it('keeps one vendor feature loaded by two pages apart, each named by its page', () => {
    const genesys = summary.find((s) => s.vendor === 'genesys' && s.browser === 'firefox')!;
    expect(genesys.features.map((f) => [featureLabel(genesys.vendor, f), f.class, f.cells])).toEqual([
      ['messenger on /vendor', 'broken', ['site//vendor/genesys/messenger/firefox']],
      ['messenger on /', 'works', ['site///genesys/messenger/firefox']],
    ]);
    expect(featureNoun('genesys', 1)).toBe('feature');
  });

  it('every cell is counted once', () => {
    const cells = siteReport().cells;
    expect(summary.reduce((n, s) => n + s.features.length, 0)).toBe(new Set(cells.map((c) => `${c.page}/${c.vendor}/${c.feature}/${c.browser}`)).size);
    expect(cells.map(classOf)).toEqual(cells.map((c) => (c.status === 'fail' ? 'broken' : 'works')));
  });
});

describe('workingLabel: skipped features are neither working nor broken', () => {
  const summary = (working: number, classes: string[]) =>
    ({ vendor: 'genesys', browser: 'chromium', working, skipped: classes.filter((c) => c === 'skipped').length, unexpected: 0, features: classes.map((c) => ({ feature: c, class: c })) }) as unknown as VendorEngineSummary;
  const noun = (_vendor: string, n: number) => (n === 1 ? 'feature' : 'features');
  it.each([
    ['all judged', summary(2, ['works', 'works', 'broken']), '2 of 3 features'],
    ['a stand-in that did one feature on a page', summary(0, ['broken', 'skipped', 'skipped', 'skipped']), '0 of 1 feature, 3 skipped'],
    ['nothing ran', summary(0, ['skipped']), '0 of 0 features, 1 skipped'],
  ])('%s', (_name, s, label) => {
    expect(workingLabel(s, noun)).toBe(label);
  });
});
