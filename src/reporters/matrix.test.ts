import { describe, expect, it } from 'vitest';
import { buildMatrix, cellPage, cellSymbol, disagreementNotes, oracleSymbol, rowHeading, rowLabel, rowMark, rowName, summaryLine } from './matrix.ts';
import type { ReportCell } from './model.ts';
import { siteReport, testReport } from './testReport.ts';

const report = testReport();
const matrix = buildMatrix(report);
const row = (label: string) => {
  const found = matrix.rows.find((r) => rowLabel(r, matrix) === label);
  if (!found) throw new Error(`no row ${label}`);
  return found;
};

describe('buildMatrix', () => {
  it('has one row per vendor/feature/params in first-seen order, params only where they vary', () => {
    expect(matrix.browsers).toEqual(['chromium', 'firefox', 'webkit']);
    expect(matrix.rows.map((r) => rowLabel(r, matrix))).toEqual([
      'genesys/icons region=us-east-1',
      'genesys/icons region=eu-central-1',
      'velaro/widget',
      'velaro/realtime',
      'velaro/styles',
      'velaro/fonts',
    ]);
    expect(matrix).toMatchObject({ showParams: true, showScenario: false, showPolicy: false });
  });

  it.each([
    ['genesys/icons region=us-east-1', '', []],
    ['velaro/widget', '', []],
    ['velaro/realtime', '≠ ≠spec', ['firefox fails (connect-src) where chromium, webkit pass', 'firefox disagrees with the spec, which allows it']],
    // An error and a skip are not disagreements: nothing was observed.
    ['velaro/fonts', '', []],
  ])('%s → mark %j', (label, mark, notes) => {
    expect(rowMark(row(label))).toBe(mark);
    expect(disagreementNotes(row(label), matrix.browsers)).toEqual(notes);
  });

  it('flags a row where all engines agree with each other but not with the spec', () => {
    const r = testReport();
    for (const cell of r.cells) if (cell.feature === 'widget') cell.oracle = { allowed: false, decidedBy: 'script-src' };
    const m = buildMatrix(r);
    const widget = m.rows.find((x) => x.feature === 'widget');
    expect(widget && rowMark(widget)).toBe('≠spec');
    expect(widget && disagreementNotes(widget, m.browsers)).toEqual([
      'chromium, firefox, webkit disagree with the spec, which blocks it (script-src)',
    ]);
  });

  it('separates scenarios and policies into their own rows', () => {
    const r = testReport();
    const extra = r.cells.filter((c) => c.feature === 'widget').map((c) => ({ ...c, scenario: 'strict-dynamic', policyIndex: 1 }));
    r.cells.push(...extra);
    const m = buildMatrix(r);
    expect(m).toMatchObject({ showScenario: true, showPolicy: true });
    expect(m.rows.map((x) => rowLabel(x, m)).at(-1)).toBe('[strict-dynamic] velaro/widget policy 2');
  });
});

describe('symbols', () => {
  const base = report.cells[0] as ReportCell;
  it.each<[string, Partial<ReportCell>, string]>([
    ['pass', { status: 'pass', violations: [] }, '✓'],
    ['fail with directives', {}, '✗ img-src'],
    ['several directives, in one order whatever order the engine saw them', { violations: [{ ...base.violations[0]!, effectiveDirective: 'img-src' }, { ...base.violations[0]!, effectiveDirective: 'font-src' }, { ...base.violations[0]!, effectiveDirective: 'img-src' }] }, '✗ font-src,img-src'],
    ['fail by probe only', { violations: [] }, '✗ probe'],
    ['report-only violations do not block', { violations: [{ ...base.violations[0]!, disposition: 'report' }] }, '✗ probe'],
    ['error', { status: 'error' }, '!'],
    ['skipped', { status: 'skipped' }, '–'],
  ])('%s', (_name, change, symbol) => {
    expect(cellSymbol({ ...base, ...change })).toBe(symbol);
  });

  it('oracle', () => {
    expect(oracleSymbol(null)).toBe('');
    expect(oracleSymbol({ allowed: true, decidedBy: null })).toBe('✓');
    expect(oracleSymbol({ allowed: false, decidedBy: 'img-src' })).toBe('✗ img-src');
  });

  it('summary line', () => {
    expect(summaryLine(report)).toBe('18 cells: 6 pass, 10 fail, 1 error, 1 skipped — 5 unexpected');
  });
});

describe('buildMatrix: a site run (rows by page)', () => {
  const site = siteReport();
  const m = buildMatrix(site);

  it('keeps two pages that load the same vendor feature as two rows, named by page', () => {
    expect(m.showPage).toBe(true);
    expect(m.rows.map((r) => rowLabel(r, m))).toEqual([
      '/',
      '/ · genesys · messenger',
      '/checkout',
      '/vendor · genesys · messenger',
      '/vendor',
      '/missing-nonce',
    ]);
    const messenger = m.rows.filter((r) => r.vendor === 'genesys' && r.feature === 'messenger');
    expect(messenger.map((r) => [r.page, r.cells.firefox?.id])).toEqual([
      ['/', 'site///genesys/messenger/firefox'],
      ['/vendor', 'site//vendor/genesys/messenger/firefox'],
    ]);
    // Only the /vendor row holds the failing firefox cell: merged rows would have shown it on both.
    expect(messenger.map((r) => rowMark(r))).toEqual(['', '≠']);
    expect(new Set(m.rows.map((r) => r.key)).size).toBe(m.rows.length);
  });

  it('leaves the keys of rows without a page as they were, and a page key apart from them', () => {
    const plain = buildMatrix(testReport());
    expect(plain.showPage).toBe(false);
    expect(plain.rows.find((r) => r.feature === 'widget')?.key).toBe('\u0000velaro\u0000widget\u0000embed=external\u0000');
    expect(m.rows.find((r) => r.page === '/vendor' && r.vendor === 'genesys')?.key).toBe('\u0000/vendor\u0000genesys\u0000messenger\u0000\u0000');
  });

  it.each<[string, { page?: string; vendor: string; feature: string }, string | null, string]>([
    ['a vendor cell outside a site run', { vendor: 'genesys', feature: 'icons' }, null, 'genesys/icons'],
    ['a page of the site', { page: '/checkout', vendor: 'site', feature: '/checkout' }, '/checkout', '/checkout'],
    ['a vendor feature a page contacted', { page: '/vendor', vendor: 'genesys', feature: 'messenger' }, '/vendor', '/vendor · genesys · messenger'],
    ['a site cell without a page (hand-written): its feature is the page', { vendor: 'site', feature: '/cart?step=2' }, '/cart?step=2', '/cart?step=2'],
  ])('%s', (_name, cell, page, name) => {
    expect(cellPage(cell)).toBe(page);
    expect(rowName({ page, vendor: cell.vendor, feature: cell.feature })).toBe(name);
  });

  it('heads the first column by what names the rows', () => {
    expect(rowHeading(m)).toBe('page · vendor · feature');
    expect(rowHeading(buildMatrix(testReport()))).toBe('vendor / feature');
  });

  it('shows varying params of a vendor feature after its page, and the policy and scenario as elsewhere', () => {
    const r = siteReport();
    for (const c of r.cells) if (c.vendor === 'genesys') c.params = { region: c.page === '/' ? 'us-east-1' : 'eu-central-1' };
    r.cells.push(...r.cells.filter((c) => c.page === '/checkout').map((c) => ({ ...c, id: `${c.id}/2`, policyIndex: 1 })));
    const mm = buildMatrix(r);
    expect(mm.rows.map((x) => rowLabel(x, mm))).toContain('/vendor · genesys · messenger region=eu-central-1');
    expect(mm.rows.map((x) => rowLabel(x, mm))).toContain('/checkout policy 2');
  });
});
