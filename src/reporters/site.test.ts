import { describe, expect, it } from 'vitest';
import type { ReportFinding, ReportSite } from './model.ts';
import { findingBrowsers, findingCounts, findingsByPage, pageAnswers, siteLine } from './site.ts';
import { siteReport } from './testReport.ts';

const site: ReportSite = {
  url: 'http://127.0.0.1:3000',
  origin: 'https://www.shop.test',
  policy: 'site',
  requests: 41,
  pages: Array.from({ length: 9 }, (_, i) => ({ path: `/p${i}`, statuses: [200], requests: 4 })),
};

describe('siteLine', () => {
  it.each<[string, Partial<ReportSite>, string]>([
    ['the site’s own policies', {}, "site http://127.0.0.1:3000 (seen as https://www.shop.test): 9 pages, 41 requests answered by the site server — the site's own policies"],
    ['a candidate in their place', { policy: 'candidate' }, "site http://127.0.0.1:3000 (seen as https://www.shop.test): 9 pages, 41 requests answered by the site server — a candidate policy in place of the site's own"],
    ['one page, one request', { pages: [{ path: '/', statuses: [200], requests: 1 }], requests: 1 }, "site http://127.0.0.1:3000 (seen as https://www.shop.test): 1 page, 1 request answered by the site server — the site's own policies"],
    ['a server never hit says 0', { pages: [], requests: 0 }, "site http://127.0.0.1:3000 (seen as https://www.shop.test): 0 pages, 0 requests answered by the site server — the site's own policies"],
  ])('%s', (_name, change, line) => {
    expect(siteLine({ ...site, ...change })).toBe(line);
  });
});

describe('pageAnswers', () => {
  it.each([
    [{ path: '/', statuses: [200, 304], requests: 3 }, '200, 304'],
    [{ path: '/old', statuses: [301], requests: 1, redirectedTo: 'https://elsewhere.test/' }, '301 → https://elsewhere.test/'],
    [{ path: '/gone', statuses: [], requests: 0 }, 'never answered'],
  ])('%j → %s', (page, text) => {
    expect(pageAnswers(page)).toBe(text);
  });
});

describe('findingsByPage', () => {
  const finding = (page: string, severity: ReportFinding['severity'], detail: string): ReportFinding => ({ page, kind: 'no-policy', severity, detail });

  it('groups by page in the site’s page order, errors first, the report’s order otherwise', () => {
    const groups = findingsByPage(siteReport());
    expect(groups.map((g) => [g.page, g.findings.map((f) => `${f.severity} ${f.kind}`)])).toEqual([
      ['/', ['error static-nonce']],
      ['/vendor', ['warning unknown-third-party', 'warning report-only-only']],
      ['/missing-nonce', ['error nonce-missing']],
    ]);
  });

  it.each<[string, Parameters<typeof findingsByPage>[0], [string, string[]][]]>([
    ['no findings field', { site }, []],
    ['an empty list', { findings: [] }, []],
    ['no site: pages in first-seen order', { findings: [finding('/b', 'warning', 'w1'), finding('/a', 'error', 'e1'), finding('/b', 'error', 'e2'), finding('/b', 'warning', 'w2')] }, [['/b', ['e2', 'w1', 'w2']], ['/a', ['e1']]]],
    ['a page the site does not list comes after its pages', { site, findings: [finding('/elsewhere', 'error', 'x'), finding('/p3', 'warning', 'y')] }, [['/p3', ['y']], ['/elsewhere', ['x']]]],
  ])('%s', (_name, report, expected) => {
    expect(findingsByPage(report).map((g) => [g.page, g.findings.map((f) => f.detail)])).toEqual(expected);
  });

  it('counts and browsers read as words', () => {
    const a = finding('/', 'error', 'x');
    const b: ReportFinding = { ...finding('/', 'warning', 'y'), browsers: ['chromium', 'webkit'] };
    expect(findingCounts([a, b])).toBe('1 error, 1 warning');
    expect(findingCounts([a, a, { ...b, browsers: [] }])).toBe('2 errors, 1 warning');
    expect(findingBrowsers({ ...b, browsers: ['chromium', 'webkit'] })).toBe('in chromium, webkit');
    expect(findingBrowsers(a)).toBe('');
  });
});
