import { describe, expect, it } from 'vitest';
import { groupHeading, groupParams, groupRows, groupTally, groupVendors } from './groups.ts';
import type { RowGroup } from './groups.ts';
import { buildMatrix } from './matrix.ts';
import { summarize } from './model.ts';
import type { Report, ReportCell } from './model.ts';
import { scenarioReport, siteReport, testReport } from './testReport.ts';

const groupsOf = (report: Report): RowGroup[] => groupRows(report, buildMatrix(report));
const labels = (group: RowGroup) => group.rows.map((r) => r.label);

describe('groupRows', () => {
  it.each<[string, () => Report, { key: string; title: string; detail: string; policy: string | null; params: string; labels: string[] }[]]>([
    [
      'policy mode, one policy: one group, the policy its text, a vendor’s shared params once',
      testReport,
      [
        {
          key: 'policy:1',
          title: 'Policy (header)',
          detail: '',
          policy: testReport().policies[0]!.value,
          params: 'velaro embed=external',
          labels: ['genesys/icons region=us-east-1', 'genesys/icons region=eu-central-1', 'velaro/widget', 'velaro/realtime', 'velaro/styles', 'velaro/fonts'],
        },
      ],
    ],
    [
      'scenario mode: by scenario, titled from report.scenarios (the id when it is not there), params in the header only',
      scenarioReport,
      [
        { key: 'scenario:genesys-us', title: 'Genesys icons, US region', detail: 'genesys-us · troubleshooting · seed 001_genesys.txt:45', policy: null, params: 'region=us-east-1', labels: ['genesys/icons'] },
        { key: 'scenario:genesys-eu', title: 'genesys-eu', detail: '', policy: null, params: 'region=eu-central-1', labels: ['genesys/icons'] },
        { key: 'scenario:velaro-allowlist', title: 'Velaro behind an allowlist', detail: 'velaro-allowlist · documented', policy: null, params: 'embed=external', labels: ['velaro/widget', 'velaro/realtime', 'velaro/styles', 'velaro/fonts'] },
      ],
    ],
    [
      'a site run: by page, the page’s own row first, then the vendors it loaded',
      siteReport,
      [
        { key: 'page:/', title: '/', detail: 'answered 200, 200, 200; 9 requests to the site server', policy: null, params: '', labels: ['/', 'genesys · messenger'] },
        { key: 'page:/checkout', title: '/checkout', detail: 'answered 200, 200, 200; 12 requests to the site server', policy: null, params: '', labels: ['/checkout'] },
        { key: 'page:/vendor', title: '/vendor', detail: 'answered 200, 200, 200; 11 requests to the site server', policy: null, params: '', labels: ['/vendor', 'genesys · messenger'] },
        { key: 'page:/missing-nonce', title: '/missing-nonce', detail: 'answered 302, 302, 302 → /missing-nonce/; 9 requests to the site server', policy: null, params: '', labels: ['/missing-nonce'] },
      ],
    ],
  ])('%s', (_name, make, expected) => {
    const groups = groupsOf(make());
    expect(
      groups.map((g) => ({ key: g.key, title: g.title, detail: g.detail, policy: g.policy, params: groupParams(g, groupVendors(g).length), labels: labels(g) })),
    ).toEqual(expected);
  });

  it('policy mode, several policies: a group per policy, numbered, with its delivery and text', () => {
    const report = testReport();
    report.policies.push({ value: "img-src 'self' data:", delivery: 'meta' });
    const second = report.cells.filter((c) => c.vendor === 'genesys').map((c) => ({ ...c, id: `${c.id}/p2`, policyIndex: 1 }));
    for (const cell of report.cells) cell.policyIndex = 0;
    report.cells.push(...second);
    const groups = groupsOf(report);
    expect(groups.map((g) => [g.key, g.title, g.policy, g.rows.length])).toEqual([
      ['policy:1', 'Policy 1 (header)', report.policies[0]!.value, 6],
      ['policy:2', 'Policy 2 (meta)', "img-src 'self' data:", 2],
    ]);
    // The policy is the group's: rows do not repeat it.
    expect(labels(groups[1]!)).toEqual(['genesys/icons region=us-east-1', 'genesys/icons region=eu-central-1']);
  });

  it('orders a group’s rows by vendor, then feature, each in first-seen order, whatever order the cells came in', () => {
    const report = testReport();
    const byFeature = (f: string) => report.cells.filter((c) => c.feature === f);
    // velaro/fonts first, then a genesys row, then velaro/widget, then the other genesys row.
    report.cells = [...byFeature('fonts'), ...report.cells.filter((c) => c.params.region === 'eu-central-1'), ...byFeature('widget'), ...report.cells.filter((c) => c.params.region === 'us-east-1')];
    report.summary = summarize(report.cells);
    expect(labels(groupsOf(report)[0]!)).toEqual(['velaro/fonts', 'velaro/widget', 'genesys/icons region=eu-central-1', 'genesys/icons region=us-east-1']);
  });

  it('says a param once in the header when a vendor’s rows share it, on the rows when they do not', () => {
    const report = testReport();
    for (const cell of report.cells) if (cell.vendor === 'velaro') cell.params = { ...cell.params, install: cell.feature === 'fonts' ? 'package' : 'snippet' };
    const [group] = groupsOf(report);
    expect(group!.params).toEqual([{ vendor: 'velaro', params: { embed: 'external' } }]);
    expect(labels(group!).slice(2)).toEqual(['velaro/widget install=snippet', 'velaro/realtime install=snippet', 'velaro/styles install=snippet', 'velaro/fonts install=package']);
    expect(groupHeading(group!)).toMatch(/^Policy \(header\): default-src 'self'; .* · velaro embed=external$/);
  });

  it('puts every matrix row in exactly one group', () => {
    for (const report of [testReport(), scenarioReport(), siteReport()]) {
      const matrix = buildMatrix(report);
      const grouped = groupRows(report, matrix).flatMap((g) => g.rows.map((r) => r.row));
      expect(grouped).toHaveLength(matrix.rows.length);
      expect(new Set(grouped)).toEqual(new Set(matrix.rows));
    }
  });

  it('numbers a row’s policy only when its group’s rows differ in policy', () => {
    const report = scenarioReport();
    const extra: ReportCell[] = report.cells.filter((c) => c.scenario === 'genesys-us').map((c) => ({ ...c, id: `${c.id}/2`, policyIndex: 1 }));
    for (const cell of report.cells) if (cell.scenario === 'genesys-us') cell.policyIndex = 0;
    report.cells.push(...extra);
    const groups = groupsOf(report);
    expect(labels(groups[0]!)).toEqual(['genesys/icons policy 1', 'genesys/icons policy 2']);
    expect(groups[0]!.rows.map((r) => r.policy)).toEqual([1, 2]);
    expect(groups[1]!.rows.map((r) => r.policy)).toEqual([null]);
  });
});

describe('groupTally and groupHeading', () => {
  it.each<[string, () => Report, number, string, string]>([
    ['the whole policy group', testReport, 0, '6 rows: 6 pass, 10 fail, 1 error, 1 skipped, 5 unexpected, 1 row ≠', 'Policy (header): '],
    ['a one-row scenario', scenarioReport, 1, '1 row: 3 fail', 'genesys-eu · region=eu-central-1'],
    ['a page', siteReport, 2, '2 rows: 3 pass, 1 fail, 1 row ≠', '/vendor (answered 200, 200, 200; 11 requests to the site server)'],
  ])('%s', (_name, make, index, tally, heading) => {
    const group = groupsOf(make())[index]!;
    expect(groupTally(group)).toBe(tally);
    expect(groupHeading(group).startsWith(heading)).toBe(true);
  });
});
