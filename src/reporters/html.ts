// One self-contained HTML file: the report JSON inlined, rendered by an inline script, nothing fetched.
import { escapeHtml, jsonForScript } from './escape.ts';
import { buildMatrix, cellSymbol, disagreementNotes, oracleSymbol, rowHeading, rowLabel, rowMark, summaryLine } from './matrix.ts';
import type { BrowserId, Report, ReportSite } from './model.ts';
import { HTML_SCRIPT, HTML_STYLE } from './htmlClient.ts';
import { cspHash } from './sha256.ts';
import { findingBrowsers, findingCounts, findingsByPage, pageAnswers, siteLine } from './site.ts';
import { featureLabel, featureNoun, summarizeByVendor, workingLabel } from './summary.ts';
import type { Reporter } from './types.ts';

export interface HtmlOptions {
  /**
   * Screenshots to inline as data: URIs, by the cell's `screenshot` path → base64 bytes. Read at
   * `onEnd`, so the caller may fill a Map during the run. Paths not in it stay relative links.
   */
  screenshots?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  title?: string;
}

/** What the script draws, computed here so the logic is typed and unit-tested. */
export interface HtmlView {
  summary: string;
  browsers: BrowserId[];
  /** The first column's heading: `vendor / feature`, or `page · vendor · feature` in a site run. */
  rowHeading: string;
  rows: {
    key: string;
    label: string;
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
  }[];
}

export function htmlView(report: Report): HtmlView {
  const matrix = buildMatrix(report);
  const indexOf = new Map(report.cells.map((cell, i) => [cell, i]));
  return {
    summary: summaryLine(report),
    browsers: matrix.browsers,
    rowHeading: rowHeading(matrix),
    rows: matrix.rows.map((row) => {
      const cells: Partial<Record<BrowserId, number>> = {};
      const symbols: Partial<Record<BrowserId, string>> = {};
      for (const browser of matrix.browsers) {
        const cell = row.cells[browser];
        if (!cell) continue;
        cells[browser] = indexOf.get(cell) ?? -1;
        // A failure its scenario expects reproduces a documented case: said in words, not only in grey.
        symbols[browser] = cellSymbol(cell) + (cell.status === 'fail' && cell.outcome === 'expected' ? ' (expected)' : '');
      }
      return {
        key: row.key.replace(/\u0000/g, '/'),
        label: rowLabel(row, matrix),
        vendor: row.vendor,
        page: row.page,
        cells,
        symbols,
        oracle: oracleSymbol(row.oracle),
        oracleAllowed: row.oracle ? row.oracle.allowed : null,
        mark: rowMark(row),
        notes: disagreementNotes(row, matrix.browsers),
      };
    }),
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
<h2>Matrix</h2>
<table id="matrix"><thead></thead><tbody></tbody></table>
<p class="muted">✓ pass · ✗ blocked by · ! error · – skipped · red: unexpected · ≠ engines disagree · ≠spec an engine contradicts the spec. Click a cell for its evidence.</p>
<h2>Cross-browser differences</h2>
<div id="differences"></div>
</main>
<aside id="evidence" hidden></aside>
</div>
<script type="application/json" id="report-data">${jsonForScript(report)}</script>
<script type="application/json" id="view-data">${jsonForScript(htmlView(report))}</script>
<script type="application/json" id="screenshot-data">${jsonForScript(dataUris(report, options.screenshots))}</script>
<script>${HTML_SCRIPT}</script>
</body>
</html>
`;
}

export function htmlReporter(options: HtmlOptions = {}): Reporter {
  return { id: 'html', onEnd: (report) => [{ path: 'report.html', content: renderHtml(report, options) }] };
}
