import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';
import { EVIL_URI, siteReport, testReport } from './testReport.ts';

/** Splits a GFM table row on unescaped pipes (what GitHub does before inline parsing). */
function cells(line: string): string[] {
  expect(line.startsWith('|') && line.endsWith('|')).toBe(true);
  return line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());
}

/** The first table, or the first after the line `after`. */
function table(markdown: string, after?: string): string[][] {
  const lines = markdown.split('\n');
  const from = after === undefined ? -1 : lines.indexOf(after);
  if (after !== undefined) expect(from).toBeGreaterThanOrEqual(0);
  const start = lines.findIndex((l, i) => l.startsWith('|') && i > from);
  const rows: string[] = [];
  for (let i = start; i < lines.length && lines[i]?.startsWith('|'); i++) rows.push(lines[i] ?? '');
  return rows.map(cells);
}

describe('renderMarkdown', () => {
  const md = renderMarkdown(testReport());

  it('is a valid GFM table: header, separator of the same width, every row the same width', () => {
    const [header, separator, ...rows] = table(md);
    expect(header).toEqual(['vendor / feature', 'chromium', 'firefox', 'webkit', 'spec', 'differs']);
    expect(separator).toHaveLength(header?.length ?? 0);
    for (const cell of separator ?? []) expect(cell).toMatch(/^:?-{3,}:?$/);
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(row).toHaveLength(header?.length ?? 0);
    expect(rows[3]).toEqual(['velaro/realtime', '✓', '**✗ connect-src** ⚠️', '✓', '✓', '≠ ≠spec']);
  });

  it('keeps the table valid when labels carry pipes and markup', () => {
    const report = testReport();
    for (const cell of report.cells) cell.params = { ...cell.params, q: 'a|b<img src=x>' };
    report.cells[0]!.params = { q: 'other|value' };
    const [header, separator, ...rows] = table(renderMarkdown(report));
    for (const row of [separator, ...rows]) expect(row).toHaveLength(header?.length ?? 0);
    // Outside code spans, markup is backslash-escaped so GitHub shows it as text.
    for (const row of rows) expect(row[0]).not.toMatch(/(?<!\\)</);
  });

  it('starts with the summary and lists failures with violations, blocked URI, fix and disagreements', () => {
    expect(md).toContain('**18 cells: 6 pass, 10 fail, 1 error, 1 skipped — 5 unexpected**');
    const failures = md.slice(md.indexOf('### Failures'));
    expect(failures).toContain('- **genesys/icons region=us-east-1** on chromium, firefox, webkit\n  - `img-src` blocked `data`');
    expect(failures).toContain("  - fix: `img-src 'self' https://*.mypurecloud.com data:`");
    expect(failures).toContain('- **velaro/realtime** on firefox — ⚠️ unexpected');
    expect(failures).toContain('  - unexpected hosts: `tracker.example`');
    expect(failures).toContain(`\`${EVIL_URI}\` (report-only)`);
    expect(md).toContain('### Engine disagreements\n\n- velaro/realtime: firefox fails \\(connect-src\\) where chromium, webkit pass');
    expect(md).toContain('- webkit: `` webkit is not installed: run `npx playwright install webkit` ``');
  });
});

describe('renderMarkdown: the summary by vendor and engine', () => {
  const md = renderMarkdown(testReport());
  it('comes before the matrix, unexpected first and marked in words, with the directive and the fix', () => {
    const summary = md.slice(0, md.indexOf('| vendor / feature'));
    const items = summary.split('\n').filter((l) => l.startsWith('- '));
    expect(items[0]).toMatch(/^- ⚠️ \*\*velaro\*\* on chromium: 3 of 4 features work — breaks: ⚠️ unexpected styles \(`style-src-attr`; fix `style-src 'self' 'unsafe-inline'`\)$/);
    expect(items.at(-1)).toBe('- every feature works as expected: genesys on chromium (1 expected failure reproduced) · genesys on firefox (1 expected failure reproduced) · genesys on webkit (1 expected failure reproduced)');
  });
});

describe('renderMarkdown: a site run', () => {
  const md = renderMarkdown(siteReport());

  it('says which server was tested, under which origin, right under the summary', () => {
    expect(md).toContain("**12 cells: 9 pass, 3 fail, 0 error, 0 skipped**\n\nsite http://127.0.0.1:3000 \\(seen as https://www.shop.test\\): 4 pages, 41 requests answered by the site server — the site's own policies\n");
  });

  it('names matrix rows by page, two pages of one vendor feature two rows', () => {
    const [header, , ...rows] = table(md);
    expect(header?.[0]).toBe('page · vendor · feature');
    expect(rows.map((r) => r[0])).toEqual(['/', '/ · genesys · messenger', '/checkout', '/vendor · genesys · messenger', '/vendor', '/missing-nonce']);
    expect(rows[3]).toEqual(['/vendor · genesys · messenger', '✓', '✗ img-src', '', '≠']);
    expect(md).toContain('- **/vendor · genesys · messenger** on firefox\n  - `img-src` blocked `https://api.mypurecloud.com/x.png`');
  });

  it('lists the findings in a valid table after the matrix: page, severity in words, kind, detail', () => {
    expect(md.indexOf('### Findings (2 errors, 2 warnings)')).toBeGreaterThan(md.indexOf('| /missing-nonce |'));
    const [header, separator, ...rows] = table(md, '### Findings (2 errors, 2 warnings)');
    expect(header).toEqual(['page', 'severity', 'kind', 'detail']);
    for (const row of [separator, ...rows]) expect(row).toHaveLength(4);
    expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual([
      ['`/`', '❌ **error**', '`static-nonce`'],
      ['`/vendor`', '⚠️ warning', '`unknown-third-party`'],
      ['`/vendor`', '⚠️ warning', '`report-only-only`'],
      ['`/missing-nonce`', '❌ **error**', '`nonce-missing`'],
    ]);
    // The detail's pipe and markup are escaped: the row stays four cells and shows them as text.
    expect(rows[3]?.[3]).toBe('an inline \\<script\\> has no nonce: add nonce="{{nonce}}" \\| the policy blocks it (in chromium)');
    expect(rows[1]?.[3]).toMatch(/ \(`cdn\.unknown\.test` · `img-src` · in chromium, firefox\)$/);
  });

  it('summarises the site’s pages as pages, and a vendor feature by the page that loaded it', () => {
    const items = md.slice(0, md.indexOf('| page')).split('\n').filter((l) => l.startsWith('- '));
    expect(items).toEqual([
      '- **site** on chromium: 3 of 4 pages work — breaks: /missing-nonce (`script-src-elem`)',
      '- **site** on firefox: 3 of 4 pages work — breaks: /missing-nonce (`script-src-elem`)',
      '- **genesys** on firefox: 1 of 2 features work — breaks: messenger on /vendor (`img-src`)',
      '- every feature works as expected: genesys on chromium',
    ]);
  });

  it('has no findings or site lines for a report without them', () => {
    expect(renderMarkdown(testReport())).not.toMatch(/### Findings|^site /m);
    const r = siteReport();
    r.findings = [];
    expect(renderMarkdown(r)).not.toContain('### Findings');
  });
});

describe('renderMarkdown: against the baseline', () => {
  const compared = () => {
    const report = testReport();
    const ids = report.cells.map((c) => c.id);
    report.run!.baseline = { path: 'ci/baseline.json', regressions: [ids[10]!, ids[16]!], fixed: [ids[6]!], added: ids.slice(0, 12) };
    report.run!.regressions = report.run!.baseline.regressions;
    return report;
  };

  it('lists what regressed, was fixed and is new, by cell id, with what blocks it, after the summary and before the matrix', () => {
    const md = renderMarkdown(compared());
    const section = md.slice(md.indexOf('### Against the baseline'), md.indexOf('| vendor / feature'));
    expect(md.indexOf('### Against the baseline')).toBeGreaterThan(md.indexOf('**18 cells'));
    expect(section.split('\n').filter((l) => l.startsWith('- '))).toEqual([
      '- ❌ regressed: `velaro/realtime/embed=external/firefox` — velaro/realtime on firefox: blocked by `connect-src`',
      '- ❌ regressed: `velaro/fonts/embed=external/firefox` — velaro/fonts on firefox: error',
      '- ✅ fixed: `velaro/widget/embed=external/chromium` — velaro/widget on chromium',
      ...compared().cells.slice(0, 10).map((c) => `- 🆕 new: \`${c.id}\` — ${c.vendor}/${c.feature} on ${c.browser}${c.status === 'fail' ? `: blocked by \`${c.violations.filter((v) => v.disposition === 'enforce')[0]!.effectiveDirective}\`` : ''}`),
      '- 🆕 new: … and 2 more (report.html lists them all)',
    ]);
    expect(section).toContain('Compared with `ci/baseline.json`: 2 regressed, 1 fixed, 12 new.');
  });

  it('has no such section without a baseline comparison', () => {
    expect(renderMarkdown(testReport())).not.toContain('Against the baseline');
  });
});
