// One self-contained HTML file: the report JSON inlined, rendered by an inline script, nothing fetched.
import { escapeHtml, jsonForScript } from './escape.ts';
import { groupParams, groupRows, groupTally, groupVendors } from './groups.ts';
import type { GroupKind } from './groups.ts';
import { buildMatrix, cellSymbol, disagreementNotes, oracleSymbol, rowHeading, rowLabel, rowMark, summaryLine } from './matrix.ts';
import type { MatrixRow } from './matrix.ts';
import type { BrowserId, Report, ReportCell, ReportSite } from './model.ts';
import { HTML_SCRIPT, HTML_STYLE } from './htmlClient.ts';
import { cspHash } from './sha256.ts';
import { findingBrowsers, findingCounts, findingsByPage, pageAnswers, siteLine } from './site.ts';
import { featureLabel, featureNoun, summarizeByVendor, workingLabel } from './summary.ts';
import type { Reporter } from './types.ts';
import { baselineCounts, baselineView, enginesVsSpec } from './views.ts';
import type { BaselineView, EngineVerdict } from './views.ts';

export interface HtmlOptions {
  /**
   * Screenshots to inline as data: URIs, by the cell's `screenshot` path → base64 bytes. Read at
   * `onEnd`, so the caller may fill a Map during the run. Paths not in it stay relative links.
   */
  screenshots?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  title?: string;
}

/** A cell's verdict as the views show it: the matrix's symbol and each engine's words. */
export interface HtmlEngineVerdict extends Omit<EngineVerdict, 'id'> {
  /** Index into `report.cells`. */
  cell: number;
}

/** What the script draws, computed here so the logic is typed and unit-tested. */
export interface HtmlView {
  summary: string;
  browsers: BrowserId[];
  /** The first column's heading: `vendor / feature`, or `page · vendor · feature` in a site run. */
  rowHeading: string;
  /** In group order: a group's rows are `rows[start]` … `rows[start + count - 1]`. */
  rows: {
    key: string;
    /** The row's whole name (scenario, page, params and policy included): headings, search. */
    label: string;
    /** Its name inside its group (groups.ts): what the matrix row shows. */
    short: string;
    /** Index into `groups`. */
    group: number;
    vendor: string;
    /** `run --site`: the page of the user's site the row's cells loaded. */
    page: string | null;
    /** Index into `report.cells`, by browser. */
    cells: Partial<Record<BrowserId, number>>;
    symbols: Partial<Record<BrowserId, string>>;
    oracle: string;
    oracleAllowed: boolean | null;
    mark: string;
    notes: string[];
    /**
     * The other rows of the same feature (vendor, feature, params and page) under another scenario or
     * policy, by index into `rows`: where it passed, the row view shows that screenshot too.
     */
    peers: number[];
  }[];
  /** By scenario, page or policy (groups.ts); the key is what the URL hash keeps collapsed. */
  groups: {
    key: string;
    kind: GroupKind;
    title: string;
    detail: string;
    policy: string | null;
    /** The params said once for the group. */
    params: string;
    /** `6 rows: 4 ✓ 2 ✗ …`. */
    tally: string;
    start: number;
    count: number;
  }[];
  /** Engines vs spec (views.ts): one entry per row where they disagree; `row` indexes `rows`. */
  spec: {
    row: number;
    spec: { symbol: string; allowed: boolean; decidedBy: string | null; explanation: string | null; fix: string | null } | null;
    engines: HtmlEngineVerdict[];
    notes: string[];
  }[];
  /** Against the baseline (views.ts), when the run was compared to one. */
  baseline: (BaselineView & { counts: string }) | null;
}

/** A cell's symbol in the HTML matrix: an expected failure and an unexpected outcome said in more than colour. */
export function htmlSymbol(cell: ReportCell): string {
  const expected = cell.status === 'fail' && cell.outcome === 'expected' ? ' (expected)' : '';
  return cellSymbol(cell) + expected + (cell.outcome === 'unexpected' ? ' ⚠' : '');
}

/** One feature as a reader thinks of it: the same vendor, feature, params and page, whatever the scenario or policy. */
function featureKey(row: MatrixRow): string {
  const params = Object.keys(row.params).sort().map((k) => `${k}=${row.params[k]}`).join(',');
  return [row.page ?? '', row.vendor, row.feature, params].join('\u0000');
}

export function htmlView(report: Report): HtmlView {
  const matrix = buildMatrix(report);
  const indexOf = new Map(report.cells.map((cell, i) => [cell, i]));
  const groups = groupRows(report, matrix);
  const rows: HtmlView['rows'] = [];
  const rowIndex = new Map<MatrixRow, number>();
  const featureRows = new Map<string, number[]>();
  const viewGroups: HtmlView['groups'] = groups.map((group, g) => {
    const start = rows.length;
    for (const { row, label } of group.rows) {
      const cells: Partial<Record<BrowserId, number>> = {};
      const symbols: Partial<Record<BrowserId, string>> = {};
      for (const browser of matrix.browsers) {
        const cell = row.cells[browser];
        if (!cell) continue;
        cells[browser] = indexOf.get(cell) ?? -1;
        symbols[browser] = htmlSymbol(cell);
      }
      rowIndex.set(row, rows.length);
      rows.push({
        key: row.key.replace(/\u0000/g, '/'),
        label: rowLabel(row, matrix),
        short: label,
        group: g,
        vendor: row.vendor,
        page: row.page,
        cells,
        symbols,
        oracle: oracleSymbol(row.oracle),
        oracleAllowed: row.oracle ? row.oracle.allowed : null,
        mark: rowMark(row),
        notes: disagreementNotes(row, matrix.browsers),
        peers: [],
      });
      featureRows.set(featureKey(row), [...(featureRows.get(featureKey(row)) ?? []), rows.length - 1]);
    }
    return {
      key: group.key,
      kind: group.kind,
      title: group.title,
      detail: group.detail,
      policy: group.policy,
      params: groupParams(group, groupVendors(group).length),
      tally: groupTally(group),
      start,
      count: rows.length - start,
    };
  });
  for (const same of featureRows.values()) for (const r of same) rows[r]!.peers = same.filter((x) => x !== r);
  const spec: HtmlView['spec'] = enginesVsSpec(report, matrix).map((entry) => ({
    row: rowIndex.get(entry.row) ?? -1,
    spec: entry.spec
      ? { symbol: entry.spec.symbol, allowed: entry.spec.allowed, decidedBy: entry.spec.decidedBy, explanation: entry.spec.explanation ?? null, fix: entry.spec.fix ?? null }
      : null,
    engines: entry.engines.map(({ id: _id, ...verdict }) => {
      const cell = entry.row.cells[verdict.browser]!;
      // As the matrix shows it: an unexpected outcome said by a symbol too.
      return { ...verdict, symbol: htmlSymbol(cell), cell: indexOf.get(cell) ?? -1 };
    }),
    notes: entry.notes,
  }));
  const baseline = baselineView(report);
  return {
    summary: summaryLine(report),
    browsers: matrix.browsers,
    rowHeading: rowHeading(matrix),
    rows,
    groups: viewGroups,
    spec,
    baseline: baseline ? { ...baseline, counts: baselineCounts(baseline) } : null,
  };
}

/**
 * The summary a reviewer reads first: per vendor × engine, features working, what breaks and its fix,
 * and the expected failures as reproductions. Static HTML (it reads without the script); a marker in
 * words beside every colour.
 */
export function summaryHtml(report: Report): string {
  const rows = summarizeByVendor(report).map((s) => {
    const broken = s.features.filter((f) => f.class === 'unexpected' || f.class === 'broken' || f.class === 'error');
    const reproductions = s.features.filter((f) => f.class === 'reproduction');
    const breaks = broken
      .map((f) => {
        const why = f.class === 'error' ? 'error' : f.directives.length ? f.directives.join(', ') : 'no violation (the feature did not work)';
        const fix = f.fixes.length ? ` — fix: <code>${escapeHtml(f.fixes[0]!)}</code>` : '';
        const mark = f.class === 'unexpected' ? '<strong>⚠ unexpected</strong> ' : '';
        return `<li>${mark}<b>${escapeHtml(featureLabel(s.vendor, f))}</b>: ${escapeHtml(why)}${fix}</li>`;
      })
      .join('');
    const seedOf = new Map((report.scenarios ?? []).map((sc) => [sc.id, sc]));
    const named = (id: string) => {
      const sc = seedOf.get(id);
      return `<code>${escapeHtml(id)}</code>${sc?.seedRef ? ` (seed ${escapeHtml(sc.seedRef)}${sc.kind ? `, ${escapeHtml(sc.kind)}` : ''})` : ''}`;
    };
    const reproduced = reproductions.map((f) => `<li><b>${escapeHtml(featureLabel(s.vendor, f))}</b> reproduces ${f.reproduces.map(named).join(', ')}: ${escapeHtml(f.directives.join(', ') || 'fails as expected')}</li>`).join('');
    const cls = s.unexpected > 0 ? ' class="unexpected"' : '';
    return `<tr${cls}><th scope="row">${escapeHtml(s.vendor)}</th><td>${escapeHtml(s.browser)}</td><td>${workingLabel(s, featureNoun)}${s.unexpected ? ` <strong>· ${s.unexpected} unexpected</strong>` : ''}</td><td>${breaks ? `<ul>${breaks}</ul>` : '—'}</td><td>${reproduced ? `<ul>${reproduced}</ul>` : '—'}</td></tr>`;
  });
  return `<table id="vendor-summary"><thead><tr><th scope="col">vendor</th><th scope="col">engine</th><th scope="col">features working</th><th scope="col">what breaks, and the smallest fix</th><th scope="col">expected failures (reproductions)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * `run --site`'s findings, by page: one table row each, the severity in words beside its colour, and
 * the host, directive and browsers when the finding names them. '' when the report has none.
 */
export function findingsHtml(report: Report): string {
  const groups = findingsByPage(report);
  if (groups.length === 0) return '';
  const rows = groups.flatMap((group) =>
    group.findings.map((f, i) => {
      const where: string[] = [];
      if (f.host) where.push(`host <code>${escapeHtml(f.host)}</code>`);
      if (f.directive) where.push(`<code>${escapeHtml(f.directive)}</code>`);
      const browsers = findingBrowsers(f);
      if (browsers) where.push(escapeHtml(browsers));
      const severity = f.severity === 'error' ? '✗ error' : '⚠ warning';
      const page = i === 0 ? `<th scope="row" rowspan="${group.findings.length}"><code>${escapeHtml(group.page)}</code></th>` : '';
      return `<tr class="finding sev-${f.severity === 'error' ? 'error' : 'warning'}" data-page="${escapeHtml(group.page)}" data-kind="${escapeHtml(f.kind)}">${page}<td class="severity">${severity}</td><td><code>${escapeHtml(f.kind)}</code></td><td>${escapeHtml(f.detail)}</td><td>${where.length ? where.join(' · ') : '—'}</td></tr>`;
    }),
  );
  const counts = escapeHtml(findingCounts(groups.flatMap((g) => g.findings)));
  return `<h2>Findings <span class="muted">(${counts})</span></h2>
<table id="findings"><thead><tr><th scope="col">page</th><th scope="col">severity</th><th scope="col">kind</th><th scope="col">what was seen, and what to do</th><th scope="col">host · directive · browsers</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** `run --site`: every page with what the site server answered (the server and origin are in the header). */
export function siteHtml(site: ReportSite): string {
  const rows = site.pages.map((page) => {
    const never = page.requests === 0 ? ' class="never"' : '';
    return `<tr${never}><th scope="row"><code>${escapeHtml(page.path)}</code></th><td>${escapeHtml(pageAnswers(page))}</td><td>${page.requests}${page.requests === 0 ? ' <strong>(never reached the site server)</strong>' : ''}</td></tr>`;
  });
  return `<h2>Site pages</h2>
<table id="site-pages"><thead><tr><th scope="col">page</th><th scope="col">document answered (status, in order)</th><th scope="col">requests answered</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The view switches: the matrix, engines vs spec, and against the baseline when the run was compared to one. */
export function viewsNav(view: Pick<HtmlView, 'spec' | 'baseline'>): string {
  const differs = view.spec.length;
  const baseline = view.baseline;
  const views: [string, string][] = [
    ['matrix', 'Matrix'],
    ['spec', `Engines vs spec (${differs} row${differs === 1 ? '' : 's'})`],
  ];
  if (baseline) views.push(['baseline', `Against the baseline (${baseline.counts})`]);
  const buttons = views.map(([id, label], i) => `<button type="button" data-view="${id}" aria-controls="view-${id}" aria-pressed="${i === 0 ? 'true' : 'false'}">${escapeHtml(label)}</button>`);
  return `<nav id="views" aria-label="Views">${buttons.join(' ')}</nav>`;
}

const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif' };

function dataUris(report: Report, screenshots: HtmlOptions['screenshots']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!screenshots) return out;
  const lookup = (path: string): string | undefined =>
    screenshots instanceof Map ? (screenshots as ReadonlyMap<string, string>).get(path) : (screenshots as Record<string, string>)[path];
  for (const cell of report.cells) {
    if (!cell.screenshot) continue;
    const encoded = lookup(cell.screenshot)?.replace(/\s+/g, '');
    if (!encoded || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) continue;
    const extension = /\.([a-z]+)$/i.exec(cell.screenshot)?.[1]?.toLowerCase() ?? 'png';
    out[cell.screenshot] = `data:${IMAGE_TYPES[extension] ?? 'image/png'};base64,${encoded}`;
  }
  return out;
}

/** The report's own policy: its inline style and script by hash, images only from beside it or inlined. */
export const HTML_CSP = [
  "default-src 'none'",
  `script-src ${cspHash(HTML_SCRIPT)}`,
  `style-src ${cspHash(HTML_STYLE)}`,
  "img-src 'self' data: file:",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const title = options.title ?? 'csp-harness report';
  const view = htmlView(report);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(HTML_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${HTML_STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p id="summary">${escapeHtml(summaryLine(report))}</p>
${report.site ? `<p id="site-line">${escapeHtml(siteLine(report.site))}</p>\n` : ''}<p id="run" class="muted"></p>
<details id="policies-box"${report.policies.length <= 3 ? ' open' : ''}><summary>${report.policies.length === 1 ? '1 policy' : `${report.policies.length} policies`}</summary><div id="policies"></div></details>
<noscript><p>This report draws itself with JavaScript; report.json holds the same data.</p></noscript>
</header>
<nav id="filters">
<label>Vendor <select id="filter-vendor"></select></label>
<label>Browser <select id="filter-browser"></select></label>
<label>Status <select id="filter-status"></select></label>
<label>Search <input id="filter-search" type="search" placeholder="vendor, feature, parameter, scenario, cell id" size="32"></label>
<span id="shown" class="muted"></span>
</nav>
<div id="layout">
<main>
<h2>Summary</h2>
${[summaryHtml(report), findingsHtml(report), report.site ? siteHtml(report.site) : ''].filter(Boolean).join('\n')}
${viewsNav(view)}
<section id="view-matrix" class="view" aria-label="Matrix">
<h2>Matrix</h2>
<p id="group-tools"><button type="button" id="collapse-all">Collapse every group</button> <button type="button" id="expand-all">Expand every group</button></p>
<table id="matrix" role="grid" aria-label="Matrix: rows by group, one column per engine"><thead></thead></table>
<p class="muted">✓ pass · ✗ blocked by · ! error · – skipped · ⚠ unexpected (red) · (expected) a failure its scenario expects (grey) · ≠ engines disagree · ≠spec an engine contradicts the spec. Click a cell, or move with the arrow keys and press Enter, for its evidence; Escape closes it.</p>
</section>
<section id="view-spec" class="view" aria-labelledby="spec-heading" hidden>
<h2 id="spec-heading">Engines vs spec</h2>
<p class="muted">Every row where the engines disagree with each other, or an engine with the CSP3 model of the policy: the spec’s verdict and reasoning, and each engine’s verdict and what it blocked.</p>
<div id="differences"></div>
</section>
${view.baseline ? `<section id="view-baseline" class="view" aria-labelledby="baseline-heading" hidden>
<h2 id="baseline-heading">Against the baseline</h2>
<div id="baseline"></div>
</section>
` : ''}</main>
<aside id="evidence" aria-label="Evidence" hidden></aside>
</div>
<script type="application/json" id="report-data">${jsonForScript(report)}</script>
<script type="application/json" id="view-data">${jsonForScript(view)}</script>
<script type="application/json" id="screenshot-data">${jsonForScript(dataUris(report, options.screenshots))}</script>
<script>${HTML_SCRIPT}</script>
</body>
</html>
`;
}

export function htmlReporter(options: HtmlOptions = {}): Reporter {
  return { id: 'html', onEnd: (report) => [{ path: 'report.html', content: renderHtml(report, options) }] };
}
