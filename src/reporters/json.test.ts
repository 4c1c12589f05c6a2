import { describe, expect, it } from 'vitest';
import { jsonReporter, parseReport, renderJson } from './json.ts';
import { siteReport, testReport } from './testReport.ts';

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

describe('parseReport: a site run (run --site)', () => {
  it('reads back the pages of cells, the site and the findings exactly', () => {
    const report = siteReport();
    const parsed = parseReport(renderJson(report));
    expect(parsed).toEqual({ ok: true, report });
    if (!parsed.ok) return;
    expect(parsed.report.cells.map((c) => c.page)).toEqual(report.cells.map((c) => c.page));
    expect(parsed.report.site?.pages.find((p) => p.path === '/missing-nonce')).toEqual({ path: '/missing-nonce', statuses: [302, 302, 302], requests: 9, redirectedTo: '/missing-nonce/' });
    expect(parsed.report.findings?.[0]).toMatchObject({ host: 'cdn.unknown.test', directive: 'img-src', browsers: ['chromium', 'firefox'] });
  });

  it('leaves them absent in a report without them, and keeps what it does not know inside them', () => {
    const plain = parseReport(renderJson(testReport()));
    expect(plain.ok && ['site' in plain.report, 'findings' in plain.report, 'page' in plain.report.cells[0]!]).toEqual([false, false, false]);
    const report = siteReport();
    const data = JSON.parse(renderJson(report)) as { site: { future?: number; pages: { future?: number }[] }; findings: { future?: number }[] };
    data.site.future = 1;
    data.site.pages[0]!.future = 2;
    data.findings[0]!.future = 3;
    const parsed = parseReport(JSON.stringify(data));
    expect(parsed.ok && [parsed.report.site, parsed.report.site?.pages[0], parsed.report.findings?.[0]].map((x) => (x as { future?: number } | undefined)?.future)).toEqual([1, 2, 3]);
  });

  it('fills what a hand-written site leaves out', () => {
    const parsed = parseReport(JSON.stringify({ schemaVersion: 1, cells: [], site: { url: 'http://localhost:8080', origin: 'https://shop.test', pages: [{ path: '/' }] }, findings: [] }));
    expect(parsed.ok && parsed.report.site).toEqual({ url: 'http://localhost:8080', origin: 'https://shop.test', policy: 'site', requests: 0, pages: [{ path: '/', statuses: [], requests: 0 }] });
    expect(parsed.ok && parsed.report.findings).toEqual([]);
  });

  const base = JSON.parse(renderJson(siteReport())) as Record<string, unknown>;
  const edit = (change: (data: { cells: Record<string, unknown>[]; site: Record<string, unknown> & { pages: Record<string, unknown>[] }; findings: Record<string, unknown>[] }) => void): string => {
    const data = structuredClone(base) as Parameters<typeof change>[0];
    change(data);
    return JSON.stringify(data);
  };

  it.each([
    ['a page that is not a string', edit((d) => { d.cells[2]!.page = 3; }), /^cells\[2\]\.page: expected a string, got 3/],
    ['a site that is not an object', edit((d) => { (d as Record<string, unknown>).site = 'http://x'; }), /^site: expected an object, got "http:\/\/x"/],
    ['a site without its url', edit((d) => { delete d.site.url; }), /^site\.url: expected a string, got nothing/],
    ['an unknown policy choice', edit((d) => { d.site.policy = 'mine'; }), /^site\.policy: expected one of site \| candidate, got "mine"/],
    ['requests that are not a number', edit((d) => { d.site.requests = '41'; }), /^site\.requests: expected a number, got "41"/],
    ['pages that are not a list', edit((d) => { (d.site as Record<string, unknown>).pages = {}; }), /^site\.pages: expected an array, got \{\}/],
    ['a status that is not a number', edit((d) => { d.site.pages[1]!.statuses = [200, 'ok']; }), /^site\.pages\[1\]\.statuses\[1\]: expected a number, got "ok"/],
    ['a page without its path', edit((d) => { delete d.site.pages[0]!.path; }), /^site\.pages\[0\]\.path: expected a string/],
    ['a redirect that is not a string', edit((d) => { d.site.pages[3]!.redirectedTo = null; }), /^site\.pages\[3\]\.redirectedTo: expected a string, got null/],
    ['findings that are not a list', edit((d) => { (d as Record<string, unknown>).findings = {}; }), /^findings: expected an array, got \{\}/],
    ['a finding kind that is not a string', edit((d) => { d.findings[1]!.kind = 7; }), /^findings\[1\]\.kind: expected a string, got 7/],
    ['an unknown severity', edit((d) => { d.findings[0]!.severity = 'info'; }), /^findings\[0\]\.severity: expected one of error \| warning, got "info"/],
    ['a finding without a detail', edit((d) => { delete d.findings[2]!.detail; }), /^findings\[2\]\.detail: expected a string, got nothing/],
    ['a host that is not a string', edit((d) => { d.findings[0]!.host = ['a']; }), /^findings\[0\]\.host: expected a string/],
    ['an unknown browser', edit((d) => { d.findings[0]!.browsers = ['chromium', 'edge']; }), /^findings\[0\]\.browsers\[1\]: expected one of chromium \| firefox \| webkit, got "edge"/],
  ])('rejects %s, naming where', (_name, text, error) => {
    const result = parseReport(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });
});

describe('parseReport: run.baseline (an addition)', () => {
  const baseline = { path: 'base.json', regressions: ['a/b//chromium'], fixed: [], added: ['c/d//webkit'] };
  const withRun = (run: Record<string, unknown>) => JSON.stringify({ schemaVersion: 1, cells: [], run: { startedAt: '', durationMs: 0, browsers: [], shard: null, ...run } });

  it('reads back the comparison exactly, and fills the lists a hand-written one leaves out', () => {
    const report = testReport();
    report.run!.regressions = baseline.regressions;
    report.run!.baseline = baseline;
    expect(parseReport(renderJson(report))).toEqual({ ok: true, report });
    const parsed = parseReport(withRun({ baseline: { path: 'x.json', regressions: ['a'] } }));
    expect(parsed.ok && parsed.report.run?.baseline).toEqual({ path: 'x.json', regressions: ['a'], fixed: [], added: [] });
  });

  it.each([
    ['not an object', { baseline: [] }, /^run\.baseline: expected an object, got \[\]/],
    ['an id that is not a string', { baseline: { ...baseline, fixed: [3] } }, /^run\.baseline\.fixed\[0\]: expected a string, got 3/],
    ['a list that is not a list', { baseline: { ...baseline, added: 'c' } }, /^run\.baseline\.added: expected an array, got "c"/],
  ])('rejects a baseline %s, naming where', (_name, run, error) => {
    const result = parseReport(withRun(run));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });
});
