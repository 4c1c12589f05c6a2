import { describe, expect, it } from 'vitest';
import { findingsHtml, HTML_CSP, htmlReporter, htmlView, renderHtml, siteHtml, summaryHtml } from './html.ts';
import { summarizeByVendor } from './summary.ts';
import { HTML_SCRIPT, HTML_STYLE } from './htmlClient.ts';
import { cspHash } from './sha256.ts';
import { EVIL_URI, scenarioReport, siteReport, testReport } from './testReport.ts';

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
      // Unexpected is said by a symbol too, not only by the red of its cell.
      symbols: { chromium: '✓', firefox: '✗ connect-src ⚠', webkit: '✓' },
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
    expect(rows.map((r) => [r[2], r[3], Number(r[4]), Number(r[5]), r[1] !== undefined])).toEqual(model.map((s) => [s.vendor, s.browser, s.working, s.features.length - s.skipped, s.unexpected > 0]));
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

describe('renderHtml: a site run', () => {
  const report = siteReport();
  const html = renderHtml(report);

  it('says which server was tested under which origin in the header, escaped', () => {
    expect(html).toContain('<p id="summary">12 cells: 9 pass, 3 fail, 0 error, 0 skipped</p>\n<p id="site-line">site http://127.0.0.1:3000 (seen as https://www.shop.test): 4 pages, 41 requests answered by the site server — the site&#39;s own policies</p>\n');
    expect(jsonBlock(html, 'report-data')).toEqual(report);
  });

  it('puts the findings and the site’s pages after the summary, before the matrix', () => {
    const order = ['<h2>Summary</h2>', '<table id="vendor-summary">', '<h2>Findings', '<table id="findings">', '<h2>Site pages</h2>', '<h2>Matrix</h2>'].map((s) => html.indexOf(s));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('has one findings row per finding, the page once per page, the severity in words', () => {
    const out = findingsHtml(report);
    const rows = [...out.matchAll(/<tr class="finding sev-(\w+)" data-page="([^"]*)" data-kind="([^"]*)">(<th[^>]*><code>([^<]*)<\/code><\/th>)?<td class="severity">([^<]*)<\/td><td><code>[^<]*<\/code><\/td><td>([^<]*)<\/td><td>(.*?)<\/td><\/tr>/g)];
    expect(rows.map((r) => [r[1], r[2], r[3], r[5] ?? '', r[6]])).toEqual([
      ['error', '/', 'static-nonce', '/', '✗ error'],
      ['warning', '/vendor', 'unknown-third-party', '/vendor', '⚠ warning'],
      ['warning', '/vendor', 'report-only-only', '', '⚠ warning'],
      ['error', '/missing-nonce', 'nonce-missing', '/missing-nonce', '✗ error'],
    ]);
    expect(out).toContain('<th scope="row" rowspan="2"><code>/vendor</code></th>');
    expect(rows[1]?.[8]).toBe('host <code>cdn.unknown.test</code> · <code>img-src</code> · in chromium, firefox');
    expect(rows[2]?.[8]).toBe('—');
    expect(rows[3]?.[7]).toBe('an inline &#60;script&#62; has no nonce: add nonce=&#34;{{nonce}}&#34; | the policy blocks it');
    expect(out).toContain('<h2>Findings <span class="muted">(2 errors, 2 warnings)</span></h2>');
  });

  it('lists every page with the site server’s answers and request counts, and flags one never reached', () => {
    const site = { ...report.site!, pages: [...report.site!.pages, { path: '/lost', statuses: [], requests: 0 }] };
    const out = siteHtml(site);
    const rows = [...out.matchAll(/<tr(?: class="never")?><th scope="row"><code>([^<]*)<\/code><\/th><td>([^<]*)<\/td><td>(\d+)/g)].map((r) => [r[1], r[2], Number(r[3])]);
    expect(rows).toEqual([
      ['/', '200, 200, 200', 9],
      ['/checkout', '200, 200, 200', 12],
      ['/vendor', '200, 200, 200', 11],
      ['/missing-nonce', '302, 302, 302 → /missing-nonce/', 9],
      ['/lost', 'never answered', 0],
    ]);
    expect(out).toContain('<tr class="never"><th scope="row"><code>/lost</code></th><td>never answered</td><td>0 <strong>(never reached the site server)</strong></td></tr>');
  });

  it('names matrix rows by page, keeps two pages of one vendor feature apart, and says so in the heading', () => {
    const view = htmlView(report);
    expect(view.rowHeading).toBe('page · vendor · feature');
    const messenger = view.rows.filter((r) => r.vendor === 'genesys');
    expect(messenger.map((r) => [r.label, r.page, r.symbols.firefox])).toEqual([
      ['/ · genesys · messenger', '/', '✓'],
      ['/vendor · genesys · messenger', '/vendor', '✗ img-src'],
    ]);
    expect(htmlView(testReport()).rowHeading).toBe('vendor / feature');
  });

  it('summarises the site’s pages as pages', () => {
    const out = summaryHtml(report);
    expect(out).toContain('<th scope="row">site</th><td>chromium</td><td>3 of 4 pages</td><td><ul><li><b>/missing-nonce</b>: script-src-elem</li></ul>');
    expect(out).toContain('<li><b>messenger on /vendor</b>: img-src</li>');
  });

  it('cannot be broken out of by a page, a finding or the site', () => {
    const hostile = siteReport();
    const evil = '</script><script>alert(1)</script><!--"\'<marquee>';
    hostile.findings![0]!.detail = evil;
    hostile.findings![0]!.page = evil;
    hostile.findings![0]!.host = evil;
    hostile.site!.url = evil;
    hostile.site!.pages[0]!.path = evil;
    hostile.site!.pages[0]!.redirectedTo = evil;
    hostile.cells[0]!.page = evil;
    const out = renderHtml(hostile);
    expect(out.match(/<script/g)).toHaveLength(4);
    expect(out).not.toContain('<marquee>');
    expect(out).not.toContain(evil);
    expect(jsonBlock(out, 'report-data')).toEqual(hostile);
  });

  it('has no findings or site sections without them', () => {
    const plain = renderHtml(testReport());
    expect(plain).not.toMatch(/id="(findings|site-pages|site-line)"/);
    const r = siteReport();
    r.findings = [];
    expect(findingsHtml(r)).toBe('');
  });
});

describe('htmlView: groups', () => {
  it.each<[string, () => ReturnType<typeof testReport>, [string, string, string, number, number][]]>([
    ['policy mode: one group, the policy its text', testReport, [['policy:1', 'Policy (header)', 'velaro embed=external', 0, 6]]],
    [
      'scenario mode: one group per scenario, its params once',
      scenarioReport,
      [
        ['scenario:genesys-us', 'Genesys icons, US region', 'region=us-east-1', 0, 1],
        ['scenario:genesys-eu', 'genesys-eu', 'region=eu-central-1', 1, 1],
        ['scenario:velaro-allowlist', 'Velaro behind an allowlist', 'embed=external', 2, 4],
      ],
    ],
    ['a site run: one group per page', siteReport, [['page:/', '/', '', 0, 2], ['page:/checkout', '/checkout', '', 2, 1], ['page:/vendor', '/vendor', '', 3, 2], ['page:/missing-nonce', '/missing-nonce', '', 5, 1]]],
  ])('%s', (_name, make, expected) => {
    const view = htmlView(make());
    expect(view.groups.map((g) => [g.key, g.title, g.params, g.start, g.count])).toEqual(expected);
    // Rows are in group order, each pointing back at its group; the groups tile the rows.
    view.groups.forEach((group, g) => {
      for (let r = group.start; r < group.start + group.count; r++) expect(view.rows[r]!.group).toBe(g);
    });
    expect(view.groups.reduce((n, g) => n + g.count, 0)).toBe(view.rows.length);
  });

  it('shows a row by its name in the group (no scenario, no shared params) and keeps the whole label for search and headings', () => {
    const view = htmlView(scenarioReport());
    expect(view.rows.map((r) => [r.short, r.label])).toEqual([
      ['genesys/icons', '[genesys-us] genesys/icons region=us-east-1'],
      ['genesys/icons', '[genesys-eu] genesys/icons region=eu-central-1'],
      ['velaro/widget', '[velaro-allowlist] velaro/widget'],
      ['velaro/realtime', '[velaro-allowlist] velaro/realtime'],
      ['velaro/styles', '[velaro-allowlist] velaro/styles'],
      ['velaro/fonts', '[velaro-allowlist] velaro/fonts'],
    ]);
    expect(view.groups[2]!.tally).toBe('4 rows: 6 pass, 4 fail, 1 error, 1 skipped, 5 unexpected, 1 row ≠');
  });
});

describe('htmlView: engines vs spec and the baseline', () => {
  it('lists the disagreeing rows by their view row, with the spec’s reasoning and each engine’s cell', () => {
    const report = scenarioReport();
    const view = htmlView(report);
    expect(view.spec).toHaveLength(1);
    const [entry] = view.spec;
    expect(view.rows[entry!.row]!.short).toBe('velaro/realtime');
    expect(entry!.spec).toEqual({ symbol: '✓', allowed: true, decidedBy: 'connect-src', explanation: 'wss://*.velaro.com matches connect-src', fix: null });
    expect(entry!.engines.map((e) => [e.browser, report.cells[e.cell]!.id, e.agreesWithSpec, e.blocked.map((b) => b.uri)])).toEqual([
      ['chromium', 'velaro/realtime/embed=external/chromium', true, []],
      ['firefox', 'velaro/realtime/embed=external/firefox', false, ['wss://visitor.velaro.com/signalr']],
      ['webkit', 'velaro/realtime/embed=external/webkit', true, []],
    ]);
  });

  it('has a baseline view only when the report was compared to one, and a switch for it', () => {
    expect(htmlView(testReport()).baseline).toBeNull();
    const plain = renderHtml(testReport());
    expect(plain).not.toContain('id="view-baseline"');
    expect(plain).toContain('<button type="button" data-view="spec" aria-controls="view-spec" aria-pressed="false">Engines vs spec (1 row)</button>');
    const report = testReport();
    report.run!.baseline = { path: 'base.json', regressions: [report.cells[10]!.id], fixed: [], added: [] };
    const view = htmlView(report);
    expect(view.baseline?.counts).toBe('1 regressed, 0 fixed, 0 new');
    expect(view.baseline?.regressions.map((e) => [e.id, e.cell, e.directives])).toEqual([[report.cells[10]!.id, 10, ['connect-src']]]);
    const html = renderHtml(report);
    expect(html).toContain('id="view-baseline"');
    expect(html).toContain('>Against the baseline (1 regressed, 0 fixed, 0 new)</button>');
  });

  it('escapes group titles and policy text in the view data like all report text', () => {
    const hostile = scenarioReport();
    hostile.scenarios![0]!.title = '</script><script>alert(1)</script>';
    const out = renderHtml(hostile);
    expect(out.match(/<script/g)).toHaveLength(4);
    expect(jsonBlock(out, 'view-data')).toEqual(JSON.parse(JSON.stringify(htmlView(hostile))));
  });
});

describe('htmlView: peers — the same feature under another scenario or policy', () => {
  it('links rows of one vendor, feature, params and page across groups, and nothing else', () => {
    // The same cells under two scenarios: every row has exactly one peer, in the other group.
    const base = testReport();
    const report = {
      ...base,
      scenarios: [
        { id: 'one', title: 'One', file: 'one.json' },
        { id: 'two', title: 'Two', file: 'two.json' },
      ],
      cells: [...base.cells.map((c) => ({ ...c, id: `one/${c.id}`, scenario: 'one' })), ...base.cells.map((c) => ({ ...c, id: `two/${c.id}`, scenario: 'two' }))],
    };
    const view = htmlView(report);
    const name = (r: (typeof view.rows)[number]) => {
      const cell = report.cells[Object.values(r.cells)[0]!]!;
      return [cell.page ?? '', cell.vendor, cell.feature, JSON.stringify(cell.params)].join(' ');
    };
    for (const [i, row] of view.rows.entries()) {
      const same = view.rows.flatMap((other, j) => (j !== i && name(other) === name(row) ? [j] : []));
      expect(row.peers, row.label).toEqual(same);
      for (const p of row.peers) expect(view.rows[p]!.group).not.toBe(row.group);
    }
    expect(view.rows.every((r) => r.peers.length === 1)).toBe(true);
    expect(htmlView(testReport()).rows.every((r) => r.peers.length === 0)).toBe(true);
  });
});
