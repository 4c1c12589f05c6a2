import { describe, expect, it } from 'vitest';
import type { ReportCell } from './model.ts';
import { summarize } from './model.ts';
import { renderTerminal } from './terminal.ts';
import { scenarioReport, siteReport, testReport } from './testReport.ts';

const ANSI = /\x1b\[[0-9;]*m/g;

describe('renderTerminal', () => {
  const plain = renderTerminal(testReport());
  // A long run's matrix (more than GROUPED_UP_TO cells) is one flat table; asked for here on a short one.
  const flat = renderTerminal(testReport(), { grouped: false });

  it('draws the matrix without colour by default', () => {
    expect(plain).not.toMatch(ANSI);
    expect(flat).not.toMatch(ANSI);
    const lines = flat.split('\n');
    expect(lines[0]).toMatch(/^vendor\s+feature\s+params\s+chromium\s+firefox\s+webkit\s+spec$/);
    expect(lines[2]).toMatch(/^genesys\s+icons\s+region=us-east-1\s+✗ img-src\s+✗ img-src\s+✗ img-src\s+✗ img-src$/);
    expect(lines).toContainEqual(expect.stringMatching(/^\s+realtime\s+✓\s+✗ connect-src \*\s+✓\s+✓\s+≠ ≠spec$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\s+fonts\s+✓\s+! \*\s+–\s+✓$/));
    expect(plain).toContain('– webkit: webkit is not installed: run `npx playwright install webkit`');
    expect(plain).toContain('* velaro/fonts/embed=external/firefox: error: navigation failed');
    expect(plain.trimEnd().split('\n').at(-1)).toBe('18 cells: 6 pass, 10 fail, 1 error, 1 skipped — 5 unexpected');
  });

  it('aligns columns: every browser column starts at the same offset on every row', () => {
    const lines = flat.split('\n');
    const header = lines[0] ?? '';
    const column = [...header].join('').indexOf('firefox');
    for (const line of lines.slice(2, 8)) expect([...line].slice(column - 2, column).join('')).toBe('  ');
  });

  it('colours only when asked, and the text under the colour is the same', () => {
    const coloured = renderTerminal(testReport(), { color: true });
    expect(coloured).toMatch(ANSI);
    expect(coloured.replace(ANSI, '')).toBe(plain);
  });

  it.each<[string, (c: ReportCell) => void, RegExp, boolean]>([
    ['a failing --policy cell (no expectation): ✗, with its fix on the next line', (c) => Object.assign(c, { expected: null, outcome: null }), /^✗ \S+: img-src blocked data.*\n {4}fix: img-src 'self' data:$/m, false],
    ['an unexpected scenario cell: *, with its fix', (c) => Object.assign(c, { expected: 'pass', outcome: 'unexpected' }), /^\* \S+: img-src blocked data.*\n {4}fix: img-src 'self' data:$/m, true],
  ])('%s', (_name, change, note, countsUnexpected) => {
    const report = testReport();
    report.cells = report.cells.filter((c) => c.feature === 'icons' && c.status === 'fail').slice(0, 1);
    const cell = report.cells[0]!;
    change(cell);
    cell.fix = "img-src 'self' data:";
    report.summary = summarize(report.cells);
    const out = renderTerminal(report);
    expect(out).toMatch(note);
    // "unexpected" is only counted where a scenario set an expectation.
    expect(out.trimEnd().split('\n').at(-1)).toBe(`1 cells: 0 pass, 1 fail, 0 error, 0 skipped${countsUnexpected ? ' — 1 unexpected' : ''}`);
  });

  it('keeps control characters in report text from reaching the terminal', () => {
    const report = testReport();
    const cell = report.cells.find((c) => c.status === 'error') as ReportCell;
    cell.error = 'boom\x1b[2J\x07\r\nnext';
    const failing = report.cells.find((c) => c.status === 'fail' && c.outcome === 'unexpected') as ReportCell;
    failing.fix = "img-src 'self'\r\n\x1b[31m data:";
    const out = renderTerminal(report);
    expect(out).toContain("    fix: img-src 'self' [31m data:");
    expect(out).not.toContain('\x1b');
    expect(out).toContain('error: boom [2J next');
  });

  it('stays readable at 60 rows: one line per row, no line wider than the header', () => {
    const report = testReport();
    const template = report.cells.slice(6, 9);
    report.cells = [];
    for (let i = 0; i < 60; i++) {
      for (const cell of template) report.cells.push({ ...cell, feature: `feature-${i}`, id: `${cell.id}-${i}` });
    }
    report.summary = summarize(report.cells);
    const lines = renderTerminal(report).split('\n');
    const width = [...(lines[1] ?? '')].length;
    expect(lines.filter((l) => l.includes('feature-'))).toHaveLength(60);
    for (const line of lines.slice(0, 62)) expect([...line].length).toBeLessThanOrEqual(width);
  });

  it('names each URL a recording holds no answer for, once per vendor', () => {
    const report = testReport();
    const url = 'https://widget.acme.test/new-chunk.js';
    report.cells = report.cells.map((c, i) => (i < 2 ? { ...c, unrecordedRequests: [url] } : c));
    const out = renderTerminal(report);
    const lines = out.split('\n').filter((l) => l.includes(url));
    expect(lines).toHaveLength(new Set(report.cells.slice(0, 2).map((c) => c.vendor)).size);
    expect(lines[0]).toMatch(/^\? \S+: its recorded traffic holds no answer for https:\/\/widget\.acme\.test\/new-chunk\.js \(answered 404\): record the vendor again$/);
  });
});

describe('renderTerminal: a site run', () => {
  const out = renderTerminal(siteReport());
  const lines = out.split('\n');

  it('names rows by page, one column, and keeps two pages of one vendor feature apart', () => {
    const out = renderTerminal(siteReport(), { grouped: false });
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^page · vendor · feature\s+chromium\s+firefox\s+spec$/);
    expect(lines).toContainEqual(expect.stringMatching(/^\/checkout\s+✓\s+✓$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\/ · genesys · messenger\s+✓\s+✓$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\/vendor · genesys · messenger\s+✓\s+✗ img-src\s+≠$/));
    expect(out).toContain('≠ /vendor · genesys · messenger: firefox fails (img-src) where chromium passes');
  });

  it.each([
    ['the heading, with the counts', /^Findings \(2 errors, 2 warnings\)$/],
    ['an error, its page first', /^ {2}\/missing-nonce {2}error {4}nonce-missing {8}an inline <script> has no nonce: add nonce="\{\{nonce\}\}" \| the policy blocks it \(in chromium\)$/],
    ['a warning, with the browsers that saw it', /^ {2}\/vendor {9}warning {2}unknown-third-party {2}cdn\.unknown\.test is contacted by no known vendor: img-src allows it; check that it should be \(in chromium, firefox\)$/],
    ['a second finding on one page: the page once', /^ {18}warning {2}report-only-only {5}only a report-only policy is sent: nothing is enforced$/],
    ['the site line', /^site http:\/\/127\.0\.0\.1:3000 \(seen as https:\/\/www\.shop\.test\): 4 pages, 41 requests answered by the site server — the site's own policies$/],
  ])('prints %s', (_name, line) => {
    expect(lines).toContainEqual(expect.stringMatching(line));
  });

  it('puts the findings after the matrix, the site line just before the summary, which stays last', () => {
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    // The row is indented under its page's group line.
    expect(at(/^\s*\/missing-nonce\s+✗/)).toBeGreaterThan(0);
    expect(at(/^\s*\/missing-nonce\s+✗/)).toBeLessThan(at(/^Findings/));
    expect(lines.at(-2)).toBe('12 cells: 9 pass, 3 fail, 0 error, 0 skipped');
    expect(lines.at(-4)).toMatch(/^site http:/);
  });

  it('says the severity in words, in colour or not, and colours nothing else differently', () => {
    const coloured = renderTerminal(siteReport(), { color: true });
    expect(coloured).toContain('\x1b[31merror  \x1b[0m');
    expect(coloured).toContain('\x1b[33mwarning\x1b[0m');
    expect(coloured.replace(ANSI, '')).toBe(out);
  });

  it.each<[string, (r: ReturnType<typeof siteReport>) => void]>([
    ['no findings field', (r) => { delete r.findings; }],
    ['an empty findings list', (r) => { r.findings = []; }],
  ])('prints no findings block with %s', (_name, change) => {
    const r = siteReport();
    change(r);
    expect(renderTerminal(r)).not.toContain('Findings');
  });

  it('prints neither block for a report without a site', () => {
    expect(renderTerminal(testReport())).not.toMatch(/Findings|^site /m);
  });

  it('keeps control characters in findings and the site from reaching the terminal', () => {
    const r = siteReport();
    r.findings![0]!.detail = 'evil\x1b[2J\r\nline';
    r.findings![0]!.page = '/a\x1b[31m';
    r.site!.origin = 'https://x.test\x07\n';
    const text = renderTerminal(r);
    expect(text).not.toMatch(/[\x07\x1b\r]/);
    expect(text).toContain('evil [2J line');
  });
});

describe('renderTerminal: grouped (a run of at most GROUPED_UP_TO cells)', () => {
  it.each<[string, () => ReturnType<typeof testReport>, RegExp[]]>([
    [
      'policy mode: the policy once, as the group’s line; rows indented under it; a vendor’s shared params in the line, not on its rows',
      testReport,
      [
        /^ {2}vendor\s+feature\s+params\s+chromium\s+firefox\s+webkit\s+spec$/,
        /^Policy \(header\): default-src 'self'; .*style-src 'self' · velaro embed=external$/,
        /^ {2}genesys\s+icons\s+region=us-east-1\s+✗ img-src/,
        /^ {11}icons\s+region=eu-central-1\s+✗ img-src/,
        /^ {2}velaro\s+widget\s+✓\s+✓\s+✓\s+✓$/,
        /^ {11}realtime\s+✓\s+✗ connect-src \*\s+✓\s+✓\s+≠ ≠spec$/,
      ],
    ],
    [
      'scenario mode: a line per scenario with its title, id and seed, and its params once; no params or scenario column left',
      scenarioReport,
      [
        /^ {2}vendor\s+feature\s+chromium\s+firefox\s+webkit\s+spec$/,
        /^Genesys icons, US region \(genesys-us · troubleshooting · seed 001_genesys\.txt:45\) · region=us-east-1$/,
        /^genesys-eu · region=eu-central-1$/,
        /^Velaro behind an allowlist \(velaro-allowlist · documented\) · embed=external$/,
        /^ {2}genesys\s+icons\s+✗ img-src\s+✗ img-src\s+✗ img-src\s+✗ img-src$/,
        /^ {2}velaro\s+widget\s+✓/,
      ],
    ],
    [
      'a site run: a line per page with what the site server answered; the page’s own row first',
      siteReport,
      [
        /^\/vendor \(answered 200, 200, 200; 11 requests to the site server\)$/,
        /^ {2}\/vendor\s+✓\s+✓$/,
        /^ {2}genesys · messenger\s+✓\s+✗ img-src\s+≠$/,
      ],
    ],
  ])('%s', (_name, make, expected) => {
    const lines = renderTerminal(make()).split('\n');
    for (const line of expected) expect(lines).toContainEqual(expect.stringMatching(line));
  });

  it('says the group once: a scenario’s line comes before its rows, each scenario once', () => {
    const lines = renderTerminal(scenarioReport()).split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/^Genesys icons/)).toBeLessThan(at(/^ {2}genesys/));
    expect(at(/^Velaro behind/)).toBeLessThan(at(/^ {2}velaro\s+widget/));
    expect(lines.filter((l) => l.startsWith('Velaro behind'))).toHaveLength(1);
    // The scenario is the group's: no row repeats it, and no row repeats embed=external.
    expect(lines.filter((l) => l.startsWith('  ') && /velaro-allowlist|embed=external/.test(l) && !l.startsWith('  fix'))).toEqual([]);
  });

  it.each([
    [60, true],
    [61, false],
  ])('%i cells: grouped %s', (count, grouped) => {
    const report = testReport();
    const template = report.cells[6]!;
    report.cells = Array.from({ length: count }, (_, i) => ({ ...template, feature: `feature-${i}`, id: `${template.id}-${i}` }));
    report.summary = summarize(report.cells);
    const lines = renderTerminal(report).split('\n');
    expect(lines.some((l) => l.startsWith('Policy (header): '))).toBe(grouped);
    expect(lines[0]!.startsWith('  vendor')).toBe(grouped);
  });

  it('keeps control characters in a group’s title from reaching the terminal', () => {
    const report = scenarioReport();
    report.scenarios![0]!.title = 'evil\x1b[2J\r\ntitle';
    const out = renderTerminal(report);
    expect(out).not.toMatch(/[\x1b\r]/);
    expect(out).toContain('evil [2J title (genesys-us');
  });

  it('colours the group line bold only; the text under the colour is the same', () => {
    const plain = renderTerminal(scenarioReport());
    const coloured = renderTerminal(scenarioReport(), { color: true });
    expect(coloured).toContain('\x1b[1mGenesys icons, US region');
    expect(coloured.replace(ANSI, '')).toBe(plain);
  });
});
