// The matrix for a terminal: aligned columns, optional ANSI colour, notes on what went wrong.
import {
  buildMatrix,
  cellSymbol,
  disagreementNotes,
  formatParams,
  isProblem,
  oracleSymbol,
  rowHeading,
  rowMark,
  rowName,
  summaryLine,
} from './matrix.ts';
import type { MatrixRow } from './matrix.ts';
import { groupHeading, groupRows } from './groups.ts';
import type { GroupedRow } from './groups.ts';
import type { Report, ReportCell } from './model.ts';
import { findingBrowsers, findingCounts, findingsByPage, siteLine } from './site.ts';
import type { Reporter } from './types.ts';

export interface TerminalOptions {
  /** ANSI colour; the CLI decides (TTY, NO_COLOR, FORCE_COLOR). */
  color?: boolean;
  /**
   * Draw the matrix in groups (groups.ts: a header line per scenario, page or policy, its rows
   * indented, params once per group). Default: when the run has at most GROUPED_UP_TO cells.
   */
  grouped?: boolean;
}

/** Up to this many cells the terminal matrix is drawn in groups; a longer run's is one flat table. */
export const GROUPED_UP_TO = 60;

const ANSI = {
  green: '\x1b[32m',
  red: '\x1b[31m',
  yellow: '\x1b[33m',
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  unexpected: '\x1b[1;97;41m',
  reset: '\x1b[0m',
} as const;

interface Text {
  plain: string;
  style?: keyof typeof ANSI;
}

const STATUS_STYLE = { pass: 'green', fail: 'red', error: 'yellow', skipped: 'dim' } as const;

const LEGEND = '✓ pass  ✗ blocked by  ! error  – skipped  * unexpected  ≠ engines disagree  ≠spec an engine contradicts the spec';

function width(text: string): number {
  return [...text].length;
}

function cellText(cell: ReportCell | undefined): Text {
  if (!cell) return { plain: '' };
  const symbol = cellSymbol(cell);
  if (cell.outcome === 'unexpected') return { plain: `${symbol} *`, style: 'unexpected' };
  return { plain: symbol, style: STATUS_STYLE[cell.status] };
}

function oneLine(text: string): string {
  // Control characters in report text must not move the cursor or recolour the terminal.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

export function renderTerminal(report: Report, options: TerminalOptions = {}): string {
  const color = options.color ?? false;
  const paint = (style: Text['style'], text: string): string =>
    color && style && text ? `${ANSI[style]}${text}${ANSI.reset}` : text;
  const matrix = buildMatrix(report);

  // A short run reads best in groups (by scenario, page or policy; params once per group); a long
  // run's matrix stays one flat table, a line per row.
  const grouped = options.grouped ?? report.cells.length <= GROUPED_UP_TO;
  const groups = grouped ? groupRows(report, matrix) : null;
  const showParams = groups ? groups.some((g) => g.rows.some((r) => Object.keys(r.params).length > 0)) : matrix.showParams;
  const showPolicy = groups ? groups.some((g) => g.rows.some((r) => r.policy !== null)) : matrix.showPolicy;

  const header: string[] = [];
  if (matrix.showScenario && !groups) header.push('scenario');
  // A site run's rows are named by page (`/checkout`, `/vendor · genesys · messenger`): one column.
  if (matrix.showPage) header.push(rowHeading(matrix));
  else header.push('vendor', 'feature');
  if (showParams) header.push('params');
  if (showPolicy) header.push('policy');
  header.push(...matrix.browsers, 'spec', '');

  let previousVendor = '';
  const rowTexts = (row: MatrixRow, inGroup: GroupedRow | null, groupKey: string): Text[] => {
    const label: string[] = [];
    if (matrix.showScenario && !groups) label.push(row.scenario ?? '');
    // A repeated vendor name is noise in a long matrix; a new scenario (or group) restarts it.
    const vendorKey = `${groupKey}\u0000${row.vendor}`;
    if (matrix.showPage) label.push(inGroup ? inGroup.name : rowName(row));
    else label.push(vendorKey === previousVendor ? '' : row.vendor, row.feature);
    previousVendor = vendorKey;
    if (showParams) label.push(formatParams(inGroup ? inGroup.params : row.shownParams));
    if (showPolicy) {
      const policy = inGroup ? inGroup.policy : row.policyIndex === null ? null : row.policyIndex + 1;
      label.push(policy === null ? '' : String(policy));
    }
    const oracle = oracleSymbol(row.oracle);
    return [
      ...label.map((plain) => ({ plain: oneLine(plain) })),
      ...matrix.browsers.map((browser) => cellText(row.cells[browser])),
      { plain: oneLine(oracle), style: row.oracle ? (row.oracle.allowed ? 'green' : 'red') : undefined },
      { plain: rowMark(row), style: 'bold' },
    ];
  };
  const entries: ({ group: string } | { row: Text[] })[] = groups
    ? groups.flatMap((group) => [{ group: oneLine(groupHeading(group)) }, ...group.rows.map((r) => ({ row: rowTexts(r.row, r, group.key) }))])
    : matrix.rows.map((row) => ({ row: rowTexts(row, null, row.scenario ?? '') }));
  const body = entries.flatMap((e) => ('row' in e ? [e.row] : []));

  const indent = groups ? '  ' : '';
  const widths = header.map((title, i) => Math.max(width(title), ...body.map((row) => width(row[i]?.plain ?? ''))));
  const line = (texts: Text[]): string => {
    let last = texts.length - 1;
    while (last > 0 && texts[last]?.plain === '') last--;
    return texts
      .slice(0, last + 1)
      .map((text, i) => paint(text.style, i === last ? text.plain : text.plain + ' '.repeat((widths[i] ?? 0) - width(text.plain))))
      .join('  ');
  };
  const out: string[] = [];
  out.push(indent + line(header.map((plain) => ({ plain, style: 'bold' }))));
  out.push(indent + widths.map((w) => '─'.repeat(w)).join('  '));
  for (const entry of entries) out.push('row' in entry ? indent + line(entry.row) : paint('bold', entry.group));
  out.push('');
  out.push(paint('dim', LEGEND));
  out.push(...findingsBlock(report, paint));

  // A failing cell's note carries its fix, printed on a line of its own below it.
  const notes: { text: string; fix?: string }[] = [];
  for (const row of matrix.rows) {
    for (const note of disagreementNotes(row, matrix.browsers)) notes.push({ text: `≠ ${rowName(row)}: ${note}` });
  }
  for (const cell of report.cells) {
    if (!isProblem(cell)) continue;
    // `*` marks an outcome against its scenario's expectation; without one a failing cell is just ✗.
    const mark = cell.outcome === 'unexpected' ? '*' : cell.status === 'error' ? '!' : '✗';
    const fix = cell.status === 'fail' ? (cell.fix ?? cell.oracle?.fix ?? undefined) : undefined;
    notes.push({ text: `${mark} ${cell.id}: ${problemText(cell)}`, fix });
  }
  // A recording that is out of date shows itself: each URL it holds no answer for, once per vendor.
  for (const cell of report.cells) {
    for (const url of cell.unrecordedRequests ?? []) notes.push({ text: `? ${cell.vendor}: its recorded traffic holds no answer for ${url} (answered 404): record the vendor again` });
  }
  // One line per browser and reason: the set below drops the repeats.
  for (const cell of report.cells) if (cell.status === 'skipped' && cell.error) notes.push({ text: `– ${cell.browser}: ${cell.error}` });
  for (const browser of report.run?.browsers ?? []) {
    if (browser.status === 'missing') notes.push({ text: `– ${browser.id} is missing${browser.install ? `: run ${browser.install}` : ''}` });
  }
  // Report text is made one line here, in one place; only the fix line starts a line of its own.
  const rendered = notes.map((n) => `${oneLine(n.text)}${n.fix ? `\n    fix: ${oneLine(n.fix)}` : ''}`);
  if (rendered.length > 0) out.push('', ...new Set(rendered));

  if (report.site) out.push('', oneLine(siteLine(report.site)));
  out.push('', paint(report.summary.unexpected > 0 ? 'red' : 'green', summaryLine(report)));
  return out.join('\n') + '\n';
}

const SEVERITY_STYLE = { error: 'red', warning: 'yellow' } as const;

/**
 * `run --site`'s findings, by page, in aligned columns: page (once per page), severity in words
 * (the colour only repeats it), kind, what was seen. Nothing when the report has no findings.
 */
function findingsBlock(report: Report, paint: (style: Text['style'], text: string) => string): string[] {
  const groups = findingsByPage(report);
  if (groups.length === 0) return [];
  const all = groups.flatMap((g) => g.findings);
  const pageWidth = Math.max(...groups.map((g) => width(oneLine(g.page))));
  const severityWidth = width('warning');
  const kindWidth = Math.max(...all.map((f) => width(f.kind)));
  const pad = (text: string, to: number): string => text + ' '.repeat(Math.max(0, to - width(text)));
  const lines = ['', paint('bold', `Findings (${findingCounts(all)})`)];
  for (const group of groups) {
    for (const [i, finding] of group.findings.entries()) {
      const browsers = findingBrowsers(finding);
      const detail = oneLine(finding.detail) + (browsers ? ` (${browsers})` : '');
      const page = pad(i === 0 ? oneLine(group.page) : '', pageWidth);
      const severity = paint(SEVERITY_STYLE[finding.severity], pad(finding.severity, severityWidth));
      lines.push(`  ${page}  ${severity}  ${pad(oneLine(finding.kind), kindWidth)}  ${detail}`);
    }
  }
  return lines;
}

function problemText(cell: ReportCell): string {
  if (cell.status === 'error' || cell.status === 'skipped') return `${cell.status}: ${cell.error ?? 'no reason recorded'}`;
  if (cell.status === 'pass') {
    const named = cell.expectedViolation ? ` (${cell.expectedViolation.effectiveDirective})` : '';
    return `passed, but was expected to fail${named}`;
  }
  const enforced = cell.violations.filter((v) => v.disposition === 'enforce');
  const what = enforced.map((v) => `${v.effectiveDirective} blocked ${v.blockedURI}`).join('; ');
  const probe = cell.probe && !cell.probe.ok ? cell.probe.detail : '';
  return [what || 'failed', probe].filter(Boolean).join(' — ');
}

export function terminalReporter(options: TerminalOptions = {}): Reporter {
  return {
    id: 'terminal',
    onEnd: (report) => [{ stdout: renderTerminal(report, options) }],
  };
}
