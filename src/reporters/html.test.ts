import { describe, expect, it } from 'vitest';
import { HTML_CSP, htmlReporter, htmlView, renderHtml, summaryHtml } from './html.ts';
import { summarizeByVendor } from './summary.ts';
import { HTML_SCRIPT, HTML_STYLE } from './htmlClient.ts';
import { cspHash } from './sha256.ts';
import { EVIL_URI, testReport } from './testReport.ts';

function jsonBlock(html: string, id: string): unknown {
  const match = new RegExp(`<script type="application/json" id="${id}">([^]*?)</script>`).exec(html);
  if (!match) throw new Error(`no ${id}`);
  return JSON.parse(match[1] ?? '');
}

describe('renderHtml', () => {
  const report = testReport();
  const html = renderHtml(report);

  it('embeds the report as JSON that reads back exactly', () => {
    expect(jsonBlock(html, 'report-data')).toEqual(report);
  });

  it('references nothing outside itself (the report data aside, which is only text)', () => {
    const markup = html.replace(/<script type="application\/json"[^>]*>[^]*?<\/script>/g, '');
    expect(markup).not.toMatch(/\b(src|href|action|srcset)=/);
    expect(markup).not.toMatch(/url\(|@import|fetch\(|XMLHttpRequest|WebSocket|import\(/);
    expect(markup).not.toMatch(/\b(https?|wss?|ftp):/);
  });

  it('locks itself down with a CSP that admits exactly its own script and style', () => {
    expect(html).toContain(`content="${HTML_CSP.replace(/'/g, '&#39;')}"`);
    expect(HTML_CSP).toContain(`script-src ${cspHash(HTML_SCRIPT)}`);
    expect(HTML_CSP).toContain(`style-src ${cspHash(HTML_STYLE)}`);
    expect(html).toContain(`<script>${HTML_SCRIPT}</script>`);
    expect(html).toContain(`<style>${HTML_STYLE}</style>`);
    expect(HTML_CSP).toMatch(/^default-src 'none'/);
  });

  it.each([
    [1, ' open', '1 policy'],
    [3, ' open', '3 policies'],
    [60, '', '60 policies'],
  ])('with %i policies, the list is folded only when long (the matrix comes first)', (n, open, summary) => {
    const r = testReport();
    r.policies = Array.from({ length: n }, (_, i) => ({ value: `img-src 'self' https://p${i}.example`, delivery: 'header' as const }));
    expect(renderHtml(r)).toContain(`<details id="policies-box"${open}><summary>${summary}</summary>`);
  });

  it('cannot be broken out of by report text', () => {
    const hostile = testReport();
    hostile.cells[0]!.vendor = '</script><script>alert(1)</script><!--';
    hostile.policies[0]!.value = '</script><!--';
    const out = renderHtml(hostile, { title: '<b>t</b>' });
    expect(out.match(/<script/g)).toHaveLength(4);
    expect(out).toContain('<title>&#60;b&#62;t&#60;/b&#62;</title>');
    expect(jsonBlock(out, 'report-data')).toEqual(hostile);
    expect(out).not.toContain(EVIL_URI);
  });

  it('inlines screenshots it is given, only as valid base64, by path', () => {
    const path = report.cells[0]!.screenshot!;
    const out = renderHtml(report, { screenshots: { [path]: 'iVBORw0K\nGgo=', 'other.png': 'AAAA', [report.cells[1]!.screenshot!]: 'not base64!' } });
    expect(jsonBlock(out, 'screenshot-data')).toEqual({ [path]: 'data:image/png;base64,iVBORw0KGgo=' });
    const shots = new Map([[path, 'AAAA']]);
    const reporter = htmlReporter({ screenshots: shots });
    shots.set(report.cells[1]!.screenshot!, 'BBBB');
    const [output] = reporter.onEnd?.(report) ?? [];
    expect(output && 'path' in output && output.path).toBe('report.html');
    expect(Object.keys(jsonBlock(String(output && 'content' in output ? output.content : ''), 'screenshot-data') as object)).toHaveLength(2);
  });
});

describe('htmlView', () => {
  it('indexes cells by row and browser, with symbols, marks and notes', () => {
    const report = testReport();
    const view = htmlView(report);
    expect(view.browsers).toEqual(['chromium', 'firefox', 'webkit']);
    const realtime = view.rows.find((r) => r.label === 'velaro/realtime');
    expect(realtime).toMatchObject({
      vendor: 'velaro',
      symbols: { chromium: '✓', firefox: '✗ connect-src', webkit: '✓' },
      oracle: '✓',
      oracleAllowed: true,
      mark: '≠ ≠spec',
    });
    expect(report.cells[realtime?.cells.firefox ?? -1]?.id).toBe('velaro/realtime/embed=external/firefox');
  });
});

describe('summaryHtml: the summary first', () => {
  it('has one row per vendor × engine whose numbers are the model’s, unexpected first and marked in words', () => {
    const report = testReport();
    const html = summaryHtml(report);
    const rows = [...html.matchAll(/<tr( class="unexpected")?><th scope="row">([^<]+)<\/th><td>([^<]+)<\/td><td>(\d+) of (\d+)/g)];
    const model = summarizeByVendor(report);
    expect(rows.map((r) => [r[2], r[3], Number(r[4]), Number(r[5]), r[1] !== undefined])).toEqual(model.map((s) => [s.vendor, s.browser, s.working, s.features.length, s.unexpected > 0]));
    expect(rows[0]![1]).toBe(' class="unexpected"');
    expect(html).toContain('<strong>⚠ unexpected</strong>');
  });
});

describe('summaryHtml: reproductions', () => {
  it('names the scenario and the seed row an expected failure reproduces', () => {
    const report = testReport();
    const cell = report.cells.find((c) => c.status === 'fail' && c.outcome !== 'unexpected')!;
    cell.scenario = 'genesys-broken-icons';
    cell.expected = 'fail';
    cell.outcome = 'expected';
    report.scenarios = [{ id: 'genesys-broken-icons', title: 'Broken icons', kind: 'troubleshooting', seedRef: '001_x.txt:45', file: 'scenarios/genesys/broken-icons.json' }];
    const html = summaryHtml(report);
    expect(html).toContain(`<b>${cell.feature}</b> reproduces <code>genesys-broken-icons</code> (seed 001_x.txt:45, troubleshooting)`);
  });
});

describe('htmlView: expected failures', () => {
  it('marks a failure its scenario expects as expected, in words', () => {
    const report = testReport();
    const cell = report.cells.find((c) => c.status === 'fail' && c.outcome !== 'unexpected')!;
    cell.expected = 'fail';
    cell.outcome = 'expected';
    const row = htmlView(report).rows.find((r) => Object.values(r.cells).includes(report.cells.indexOf(cell)))!;
    expect(row.symbols[cell.browser]).toMatch(/^✗ .* \(expected\)$/);
    const other = report.cells.find((c) => c.status === 'fail' && c.outcome === 'unexpected')!;
    const otherRow = htmlView(report).rows.find((r) => Object.values(r.cells).includes(report.cells.indexOf(other)))!;
    expect(otherRow.symbols[other.browser]).not.toContain('(expected)');
  });
});
