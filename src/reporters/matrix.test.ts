import { describe, expect, it } from 'vitest';
import { buildMatrix, cellSymbol, disagreementNotes, oracleSymbol, rowLabel, rowMark, summaryLine } from './matrix.ts';
import type { ReportCell } from './model.ts';
import { testReport } from './testReport.ts';

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
