import { describe, expect, it } from 'vitest';
import { compareToBaseline, mergeReports } from './baseline.ts';
import { summarize, type Report, type ReportCell } from '../reporters/model.ts';

const cell = (id: string, status: ReportCell['status']): ReportCell => ({
  id, vendor: 'genesys', feature: id, params: {}, browser: 'chromium', browserVersion: '156', status, expected: null, outcome: null,
  violations: [], probe: null, oracle: null, unexpectedHosts: [], screenshot: null, durationMs: 1,
});
const report = (cells: ReportCell[], policies = [{ value: "img-src 'self'", delivery: 'header' as const }]): Report => ({ schemaVersion: 1, policies, cells, summary: summarize(cells) });

describe('compareToBaseline', () => {
  it.each([
    ['same', ['pass', 'fail'], ['pass', 'fail'], 0, 0],
    ['pass → fail regresses', ['pass', 'fail'], ['fail', 'fail'], 1, 0],
    ['pass → error regresses', ['pass'], ['error'], 1, 0],
    ['fail → pass is fixed', ['fail'], ['pass'], 0, 1],
    ['pass → skipped is not a regression', ['pass'], ['skipped'], 0, 0],
  ] as const)('%s', (_n, before, after, regressions, fixed) => {
    const b = report(before.map((s, i) => cell(`c${i}`, s)));
    const a = report(after.map((s, i) => cell(`c${i}`, s)));
    const r = compareToBaseline(b, a);
    expect(r.regressions).toHaveLength(regressions);
    expect(r.fixed).toHaveLength(fixed);
  });
  it('cells missing from the baseline are new, not regressions', () => {
    const r = compareToBaseline(report([]), report([cell('x', 'fail')]));
    expect(r.added).toHaveLength(1);
    expect(r.regressions).toHaveLength(0);
  });
});

describe('mergeReports', () => {
  it('two shards merge into the unsharded report', () => {
    const all = [cell('b', 'fail'), cell('a', 'pass'), cell('c', 'error')];
    const merged = mergeReports([{ name: '1', report: report([all[0]!, all[2]!]) }, { name: '2', report: report([all[1]!]) }]);
    expect(merged.ok).toBe(true);
    if (merged.ok) {
      expect(merged.report.cells.map((c) => c.id)).toEqual(['a', 'b', 'c']);
      expect(merged.report.summary).toEqual(summarize(all));
    }
  });
  it.each([
    ['a cell twice', [report([cell('a', 'pass')]), report([cell('a', 'pass')])], /appears in two reports/],
    ['other policies', [report([cell('a', 'pass')]), report([cell('b', 'pass')], [{ value: 'x', delivery: 'header' }])], /other policies/],
    ['nothing', [], /no reports/],
  ])('refuses %s', (_n, reports, message) => {
    const merged = mergeReports(reports.map((r, i) => ({ name: `r${i}`, report: r })));
    expect(merged.ok).toBe(false);
    if (!merged.ok) expect(merged.error).toMatch(message);
  });
});
