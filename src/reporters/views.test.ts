import { describe, expect, it } from 'vitest';
import { summarize } from './model.ts';
import type { Report } from './model.ts';
import { testReport } from './testReport.ts';
import { baselineCounts, baselineView, blockedBy, enginesVsSpec } from './views.ts';

function only(report: Report, feature: string): Report {
  report.cells = report.cells.filter((c) => c.feature === feature);
  report.summary = summarize(report.cells);
  return report;
}

describe('enginesVsSpec', () => {
  it.each<[string, () => Report, { label: string; engineDisagreement: boolean; specDisagreement: string[]; agrees: (boolean | null)[] }[]]>([
    [
      'engines disagree with each other (and one with the spec)',
      () => only(testReport(), 'realtime'),
      [{ label: 'velaro/realtime', engineDisagreement: true, specDisagreement: ['firefox'], agrees: [true, false, true] }],
    ],
    [
      'every engine agrees with the others, but not with the spec',
      () => {
        const r = only(testReport(), 'widget');
        for (const cell of r.cells) cell.oracle = { allowed: false, decidedBy: 'script-src', explanation: "https://widget.velaro.com is not in script-src" };
        return r;
      },
      [{ label: 'velaro/widget', engineDisagreement: false, specDisagreement: ['chromium', 'firefox', 'webkit'], agrees: [false, false, false] }],
    ],
    ['all agree, with each other and the spec: no row', () => only(testReport(), 'widget'), []],
    ['all blocked, as the spec says: no row', () => only(testReport(), 'styles'), []],
    // An error and a skip are not verdicts: nothing was observed to disagree.
    ['an error and a skip beside a pass: no row', () => only(testReport(), 'fonts'), []],
  ])('%s', (_name, make, expected) => {
    const rows = enginesVsSpec(make());
    expect(rows.map((r) => ({ label: r.label, engineDisagreement: r.engineDisagreement, specDisagreement: r.specDisagreement, agrees: r.engines.map((e) => e.agreesWithSpec) }))).toEqual(expected);
  });

  it('gives the spec’s reasoning and each engine’s verdict, blocked URI and probe', () => {
    const [row] = enginesVsSpec(testReport());
    expect(row?.spec).toEqual({ allowed: true, decidedBy: 'connect-src', explanation: 'wss://*.velaro.com matches connect-src', symbol: '✓' });
    expect(row?.engines.map((e) => [e.browser, e.symbol, e.verdict, e.blocked, e.detail])).toEqual([
      ['chromium', '✓', 'loaded', [], null],
      ['firefox', '✗ connect-src', 'blocked', [{ directive: 'connect-src', uri: 'wss://visitor.velaro.com/signalr' }], 'WebSocket closed before open (code 1006)'],
      ['webkit', '✓', 'loaded', [], null],
    ]);
    expect(row?.notes).toEqual(['firefox fails (connect-src) where chromium, webkit pass', 'firefox disagrees with the spec, which allows it']);
  });

  it('judges nothing against a missing spec verdict, but still lists engines that disagree', () => {
    const r = only(testReport(), 'realtime');
    for (const cell of r.cells) cell.oracle = null;
    const rows = enginesVsSpec(r);
    expect(rows.map((x) => [x.spec, x.specDisagreement, x.engines.map((e) => e.agreesWithSpec)])).toEqual([[null, [], [null, null, null]]]);
  });
});

describe('blockedBy', () => {
  it('lists enforced violations only, each directive and URI once', () => {
    const cell = testReport().cells.find((c) => c.feature === 'styles')!;
    cell.violations.push({ ...cell.violations[0]! });
    expect(blockedBy(cell)).toEqual([{ directive: 'style-src-attr', uri: 'inline' }]);
  });
});

describe('baselineView', () => {
  const withBaseline = (): Report => {
    const r = testReport();
    r.run!.baseline = {
      path: 'baseline/report.json',
      regressions: ['velaro/realtime/embed=external/firefox', 'velaro/fonts/embed=external/firefox'],
      fixed: ['velaro/widget/embed=external/chromium'],
      added: ['genesys/icons/region=eu-central-1/webkit', 'gone/cell/id'],
    };
    r.run!.regressions = r.run!.baseline.regressions;
    return r;
  };

  it('is null without a baseline comparison', () => {
    expect(baselineView(testReport())).toBeNull();
  });

  it.each<[string, 'regressions' | 'fixed' | 'added', [string, number, string, string | null, string[], string][]]>([
    [
      'regressed: what blocks it now, or its error',
      'regressions',
      [
        ['velaro/realtime/embed=external/firefox', 10, 'velaro/realtime', 'firefox', ['connect-src'], '✗ connect-src blocked wss://visitor.velaro.com/signalr'],
        ['velaro/fonts/embed=external/firefox', 16, 'velaro/fonts', 'firefox', [], '! error: navigation failed: net::ERR_TIMED_OUT after 30000 ms'],
      ],
    ],
    ['fixed: it passes', 'fixed', [['velaro/widget/embed=external/chromium', 6, 'velaro/widget', 'chromium', [], '✓ passes']]],
    [
      'new: listed; an id this report does not hold is said to be missing',
      'added',
      [
        ['genesys/icons/region=eu-central-1/webkit', 5, 'genesys/icons', 'webkit', ['img-src'], '✗ img-src blocked data'],
        ['gone/cell/id', -1, '/', null, [], 'not in this report'],
      ],
    ],
  ])('%s', (_name, kind, expected) => {
    const view = baselineView(withBaseline())!;
    expect(view.path).toBe('baseline/report.json');
    expect(view[kind].map((e) => [e.id, e.cell, `${e.vendor}/${e.feature}`, e.browser, e.directives, e.now])).toEqual(expected);
    expect(baselineCounts(view)).toBe('2 regressed, 1 fixed, 2 new');
  });
});
