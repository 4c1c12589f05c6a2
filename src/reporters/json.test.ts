import { describe, expect, it } from 'vitest';
import { jsonReporter, parseReport, renderJson } from './json.ts';
import { testReport } from './testReport.ts';

describe('renderJson', () => {
  it('writes report.json pretty with two spaces and a trailing newline, and reads back the same', () => {
    const report = testReport();
    const text = renderJson(report);
    expect(text.startsWith('{\n  "schemaVersion": 1,\n  "policies": [')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    const parsed = parseReport(text);
    expect(parsed).toEqual({ ok: true, report });
    expect(jsonReporter().onEnd?.(report)).toEqual([{ path: 'report.json', content: text }]);
  });

  it('keeps the contract fields of every cell', () => {
    const data = JSON.parse(renderJson(testReport())) as { cells: Record<string, unknown>[] };
    for (const cell of data.cells) {
      for (const key of ['vendor', 'feature', 'params', 'browser', 'browserVersion', 'status', 'expected', 'outcome',
        'violations', 'probe', 'oracle', 'unexpectedHosts', 'screenshot', 'durationMs']) {
        expect(cell).toHaveProperty(key);
      }
    }
  });
});

describe('parseReport', () => {
  const minimalCell = { vendor: 'velaro', feature: 'widget', browser: 'webkit', status: 'pass' };

  it('fills what an older or hand-written report leaves out, and recomputes the summary', () => {
    const result = parseReport(JSON.stringify({ schemaVersion: 1, cells: [minimalCell], summary: { pass: 99 } }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.report.cells[0]).toEqual({
      ...minimalCell,
      id: 'velaro/widget//webkit',
      params: {},
      browserVersion: '',
      expected: null,
      outcome: null,
      violations: [],
      probe: null,
      oracle: null,
      unexpectedHosts: [],
      screenshot: null,
      durationMs: 0,
    });
    expect(result.report.policies).toEqual([]);
    expect(result.report.summary).toEqual({ pass: 1, fail: 0, error: 0, skipped: 0, unexpected: 0 });
  });

  it('keeps fields it does not know (the contract may grow)', () => {
    const result = parseReport(JSON.stringify({ schemaVersion: 1, cells: [{ ...minimalCell, future: 1 }], future: true }));
    expect(result.ok && (result.report.cells[0] as unknown as { future: number }).future).toBe(1);
    expect(result.ok && (result.report as unknown as { future: boolean }).future).toBe(true);
  });

  it.each([
    ['not JSON', '{', /^not JSON: /],
    ['not an object', '[]', /^report: expected an object, got \[\]/],
    ['wrong schema version', '{"schemaVersion":2,"cells":[]}', /^schemaVersion: expected 1, got 2/],
    ['cells missing', '{"schemaVersion":1}', /^cells: expected an array, got nothing/],
    ['bad status', JSON.stringify({ schemaVersion: 1, cells: [{ ...minimalCell, status: 'ok' }] }), /^cells\[0\]\.status: expected one of pass \| fail \| error \| skipped, got "ok"/],
    ['bad browser', JSON.stringify({ schemaVersion: 1, cells: [{ ...minimalCell, browser: 'edge' }] }), /^cells\[0\]\.browser: expected one of chromium \| firefox \| webkit/],
    ['bad violation', JSON.stringify({ schemaVersion: 1, cells: [{ ...minimalCell, violations: [{ disposition: 'x' }] }] }), /^cells\[0\]\.violations\[0\]\.disposition/],
    ['bad params', JSON.stringify({ schemaVersion: 1, cells: [{ ...minimalCell, params: { a: 1 } }] }), /^cells\[0\]\.params\.a: expected a string, got 1/],
    ['bad run', JSON.stringify({ schemaVersion: 1, cells: [], run: { browsers: 'all' } }), /^run\.browsers: expected an array/],
    ['null', 'null', /^report: expected an object, got null/],
  ])('rejects %s without throwing', (_name, text, error) => {
    const result = parseReport(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });
});
