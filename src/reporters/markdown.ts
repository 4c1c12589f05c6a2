// GitHub-flavoured markdown for a PR comment or a job summary: summary, matrix, failures.
import { mdCode, mdText } from './escape.ts';
import {
  buildMatrix,
  cellSymbol,
  disagreementNotes,
  isProblem,
  oracleSymbol,
  rowHeading,
  rowLabel,
  rowMark,
  summaryLine,
} from './matrix.ts';
import type { Matrix, MatrixRow } from './matrix.ts';
import type { Report, ReportCell, ReportFinding } from './model.ts';
import { findingBrowsers, findingCounts, findingsByPage, siteLine } from './site.ts';
import { featureLabel, featureNoun, summarizeByVendor, workingLabel } from './summary.ts';
import type { Reporter } from './types.ts';
import { baselineCounts, baselineView } from './views.ts';
import type { BaselineEntry } from './views.ts';

/** Per vendor × engine, what breaks (unexpected first, loud); reproductions counted apart. */
function summaryItems(report: Report): string[] {
  const items: string[] = [];
  const fine: string[] = [];
  for (const s of summarizeByVendor(report)) {
    const broken = s.features.filter((f) => f.class === 'unexpected' || f.class === 'broken' || f.class === 'error');
    const reproductions = s.features.filter((f) => f.class === 'reproduction').length;
    const reproduced = `${reproductions} expected failure${reproductions === 1 ? '' : 's'} reproduced`;
    const repro = reproductions ? `; ${reproduced}` : '';
    if (broken.length === 0) {
      fine.push(`${mdText(s.vendor)} on ${s.browser}${reproductions ? ` (${reproduced})` : ''}`);
      continue;
    }
    const what = broken
      .map((f) => `${f.class === 'unexpected' ? '⚠️ unexpected ' : ''}${mdText(featureLabel(s.vendor, f))} (${f.class === 'error' ? 'error' : f.directives.map((d) => mdCode(d)).join(', ') || 'no violation'}${f.fixes[0] ? `; fix ${mdCode(f.fixes[0])}` : ''})`)
      .join(', ');
    items.push(`- ${s.unexpected ? '⚠️ ' : ''}**${mdText(s.vendor)}** on ${s.browser}: ${workingLabel(s, featureNoun)} work — breaks: ${what}${repro}`);
  }
  if (fine.length) items.push(`- every feature works as expected: ${fine.join(' · ')}`);
  return items;
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Host, directive and browsers, when a finding names them: `` `cdn.x.test` · `img-src` · in chromium ``. */
function findingWhere(finding: ReportFinding): string {
  const parts: string[] = [];
  if (finding.host) parts.push(mdCode(finding.host, true));
  if (finding.directive) parts.push(mdCode(finding.directive, true));
  const browsers = findingBrowsers(finding);
  if (browsers) parts.push(mdText(browsers));
  return parts.join(' · ');
}

/** `run --site`'s findings, one table row each, by page; the severity in words (bold for an error). */
function findingsSection(report: Report): string[] {
  const groups = findingsByPage(report);
  if (groups.length === 0) return [];
  const all = groups.flatMap((g) => g.findings);
  const rows = groups.flatMap((group) =>
    group.findings.map((f) => {
      const where = findingWhere(f);
      return tableRow([
        mdCode(group.page, true),
        f.severity === 'error' ? '❌ **error**' : '⚠️ warning',
        mdCode(f.kind, true),
        `${mdText(f.detail)}${where ? ` (${where})` : ''}`,
      ]);
    }),
  );
  return [`### Findings (${findingCounts(all)})`, '', tableRow(['page', 'severity', 'kind', 'detail']), tableRow(['---', '---', '---', '---']), ...rows, ''];
}

function symbolCell(cell: ReportCell | undefined): string {
  if (!cell) return '';
  const symbol = mdText(cellSymbol(cell));
  return cell.outcome === 'unexpected' ? `**${symbol}** ⚠️` : symbol;
}

function evidence(cell: ReportCell): string[] {
  const lines: string[] = [];
  if (cell.status === 'error' || cell.status === 'skipped') lines.push(`${cell.status}: ${mdCode(cell.error ?? 'no reason recorded')}`);
  if (cell.status === 'pass' && cell.expected === 'fail') {
    const named = cell.expectedViolation ? ` by ${mdCode(cell.expectedViolation.effectiveDirective)}` : '';
    lines.push(`expected to be blocked${named}, but it passed`);
  }
  for (const v of cell.violations) {
    const reportOnly = v.disposition === 'report' ? ' (report-only)' : '';
    lines.push(`${mdCode(v.effectiveDirective)} blocked ${mdCode(v.blockedURI)}${reportOnly} — seen via ${v.signals.join(', ')}`);
  }
  if (cell.probe && !cell.probe.ok) lines.push(`probe: ${mdCode(cell.probe.detail)}`);
  if (cell.oracle) {
    const why = cell.oracle.explanation ? ` — ${mdText(cell.oracle.explanation)}` : '';
    lines.push(`spec: ${mdText(oracleSymbol(cell.oracle))}${why}`);
  }
  const fix = cell.fix ?? cell.oracle?.fix;
  if (fix) lines.push(`fix: ${mdCode(fix)}`);
  if (cell.unexpectedHosts.length > 0) lines.push(`unexpected hosts: ${cell.unexpectedHosts.map((h) => mdCode(h)).join(', ')}`);
  return lines;
}

/** One item per row and distinct evidence, so three engines failing alike read once. */
function failureItems(matrix: Matrix, row: MatrixRow): string[] {
  const groups = new Map<string, { browsers: string[]; unexpected: boolean; lines: string[] }>();
  for (const browser of matrix.browsers) {
    const cell = row.cells[browser];
    if (!cell || !(cell.status === 'fail' || isProblem(cell))) continue;
    const lines = evidence(cell);
    const key = lines.join('\n');
    const group = groups.get(key) ?? { browsers: [], unexpected: false, lines };
    group.browsers.push(browser);
    group.unexpected ||= cell.outcome === 'unexpected';
    groups.set(key, group);
  }
  return [...groups.values()].flatMap((group) => [
    `- **${mdText(rowLabel(row, matrix))}** on ${group.browsers.join(', ')}${group.unexpected ? ' — ⚠️ unexpected' : ''}`,
    ...group.lines.map((line) => `  - ${line}`),
  ]);
}

/** At most this many cells are named per list of the baseline section; the HTML report lists them all. */
export const BASELINE_LIST_MAX = 10;

/** `run --baseline`: what regressed, what was fixed, what is new, by cell id (short: a PR comment). */
function baselineSection(report: Report): string[] {
  const view = baselineView(report);
  if (!view) return [];
  const out = ['### Against the baseline', '', `Compared with ${mdCode(view.path || 'the baseline')}: ${baselineCounts(view)}.`, ''];
  const kinds: [string, BaselineEntry[]][] = [
    ['❌ regressed', view.regressions],
    ['✅ fixed', view.fixed],
    ['🆕 new', view.added],
  ];
  for (const [label, entries] of kinds) {
    for (const entry of entries.slice(0, BASELINE_LIST_MAX)) {
      const where = entry.cell >= 0 ? ` — ${mdText(`${entry.vendor}/${entry.feature}`)} on ${entry.browser}` : '';
      const directives = entry.directives.length > 0 ? `: blocked by ${entry.directives.map((d) => mdCode(d)).join(', ')}` : entry.status === 'error' ? ': error' : '';
      out.push(`- ${label}: ${mdCode(entry.id)}${where}${directives}`);
    }
    if (entries.length > BASELINE_LIST_MAX) out.push(`- ${label}: … and ${entries.length - BASELINE_LIST_MAX} more (report.html lists them all)`);
  }
  if (out.length > 4) out.push('');
  return out;
}

export function renderMarkdown(report: Report): string {
  const matrix = buildMatrix(report);
  const out: string[] = ['## csp-harness', '', `**${mdText(summaryLine(report))}**`, ''];
  if (report.site) out.push(mdText(siteLine(report.site)), '');
  out.push(...summaryItems(report), '');
  out.push(...baselineSection(report));
  for (const [i, policy] of report.policies.entries()) {
    out.push(`Policy ${report.policies.length > 1 ? `${i + 1} ` : ''}(${policy.delivery}): ${mdCode(policy.value)}`, '');
  }

  const header = [rowHeading(matrix), ...matrix.browsers, 'spec', 'differs'];
  out.push(tableRow(header), tableRow(header.map((_, i) => (i === 0 ? '---' : ':---:'))));
  for (const row of matrix.rows) {
    out.push(
      tableRow([
        mdText(rowLabel(row, matrix)),
        ...matrix.browsers.map((browser) => symbolCell(row.cells[browser])),
        mdText(oracleSymbol(row.oracle)),
        rowMark(row),
      ]),
    );
  }
  out.push('', '✓ pass · ✗ blocked by · ! error · – skipped · ⚠️ unexpected · ≠ engines disagree · ≠spec an engine contradicts the spec', '');
  out.push(...findingsSection(report));

  // Expected failures are the point of a failing-by-design scenario; they still belong here with their fix.
  const failures = matrix.rows.flatMap((row) => failureItems(matrix, row));
  if (failures.length > 0) out.push('### Failures', '', ...failures, '');

  const disagreements = matrix.rows.flatMap((row) =>
    disagreementNotes(row, matrix.browsers).map((note) => `- ${mdText(rowLabel(row, matrix))}: ${mdText(note)}`),
  );
  if (disagreements.length > 0) out.push('### Engine disagreements', '', ...disagreements, '');

  const skipped = [...new Set(report.cells.filter((c) => c.status === 'skipped').map((c) => `- ${c.browser}: ${mdCode(c.error ?? 'skipped')}`))];
  if (skipped.length > 0) out.push('### Skipped', '', ...skipped, '');
  return out.join('\n');
}

/** Also the place a CI step summary comes from (`cat report.md >> $GITHUB_STEP_SUMMARY`). */
export function markdownReporter(): Reporter {
  return { id: 'markdown', onEnd: (report) => [{ path: 'report.md', content: renderMarkdown(report) }] };
}
