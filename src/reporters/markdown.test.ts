import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';
import { EVIL_URI, testReport } from './testReport.ts';

/** Splits a GFM table row on unescaped pipes (what GitHub does before inline parsing). */
function cells(line: string): string[] {
  expect(line.startsWith('|') && line.endsWith('|')).toBe(true);
  return line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());
}

function table(markdown: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
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
