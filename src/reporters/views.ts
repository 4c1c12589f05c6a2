// Two views of the report besides the matrix (issue [13]), pure functions of the model:
// - engines vs spec: every row where the engines disagree with each other, or one disagrees with
//   the CSP3 oracle (the `≠` and `≠spec` marks of matrix.ts), with the spec's reasoning and each
//   engine's verdict and blocked URIs — "compare behaviour across browsers";
// - against the baseline: what regressed, what was fixed and what is new (`report.run.baseline`).
import { blockingDirectives, buildMatrix, cellSymbol, disagreementNotes, oracleSymbol, rowLabel, SYMBOL } from './matrix.ts';
import type { Matrix, MatrixRow } from './matrix.ts';
import type { BrowserId, CellStatus, OracleVerdict, Report, ReportCell } from './model.ts';

export interface Blocked {
  directive: string;
  uri: string;
}

/** The enforced violations of a cell, each directive + blocked URI once, in the order seen. */
export function blockedBy(cell: ReportCell): Blocked[] {
  const seen = new Set<string>();
  const out: Blocked[] = [];
  for (const v of cell.violations) {
    if (v.disposition !== 'enforce') continue;
    const key = `${v.effectiveDirective}\u0000${v.blockedURI}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ directive: v.effectiveDirective, uri: v.blockedURI });
  }
  return out;
}

export interface EngineVerdict {
  browser: BrowserId;
  /** The cell, by id. */
  id: string;
  status: CellStatus;
  /** As the matrix shows it: `✓`, `✗ img-src`. */
  symbol: string;
  /** In words: `loaded`, `blocked`, `error`, `skipped`; `blocked (probe failed)` when nothing was reported. */
  verdict: string;
  blocked: Blocked[];
  /** A failed probe's detail, or the error or skip reason. */
  detail: string | null;
  /** The engine ran (pass/fail) and its result says what the spec says; null when it did not run or the spec has no verdict. */
  agreesWithSpec: boolean | null;
}

export interface EngineSpecRow {
  row: MatrixRow;
  label: string;
  spec: (OracleVerdict & { symbol: string }) | null;
  engines: EngineVerdict[];
  engineDisagreement: boolean;
  /** Engines whose result contradicts the spec. */
  specDisagreement: BrowserId[];
  /** One sentence per disagreement (matrix.ts disagreementNotes). */
  notes: string[];
}

function verdictOf(cell: ReportCell): string {
  if (cell.status === 'pass') return 'loaded';
  if (cell.status === 'error' || cell.status === 'skipped') return cell.status;
  return blockingDirectives(cell).length > 0 ? 'blocked' : 'did not work (no violation reported)';
}

function engineVerdict(cell: ReportCell, oracle: OracleVerdict | null): EngineVerdict {
  const ran = cell.status === 'pass' || cell.status === 'fail';
  const detail = cell.status === 'error' || cell.status === 'skipped' ? (cell.error ?? null) : cell.probe && !cell.probe.ok ? cell.probe.detail : null;
  return {
    browser: cell.browser,
    id: cell.id,
    status: cell.status,
    symbol: cellSymbol(cell),
    verdict: verdictOf(cell),
    blocked: blockedBy(cell),
    detail,
    agreesWithSpec: ran && oracle ? (cell.status === 'pass') === oracle.allowed : null,
  };
}

/**
 * Every row the matrix marks `≠` or `≠spec`, in the matrix's order, with the spec's verdict and
 * reasoning and each engine's verdict. Empty when every engine agrees with the others and the spec.
 */
export function enginesVsSpec(report: Report, matrix: Matrix = buildMatrix(report)): EngineSpecRow[] {
  return matrix.rows
    .filter((row) => row.engineDisagreement || row.specDisagreement.length > 0)
    .map((row) => ({
      row,
      label: rowLabel(row, matrix),
      spec: row.oracle ? { ...row.oracle, symbol: oracleSymbol(row.oracle) } : null,
      engines: matrix.browsers.flatMap((b) => {
        const cell = row.cells[b];
        return cell ? [engineVerdict(cell, row.oracle)] : [];
      }),
      engineDisagreement: row.engineDisagreement,
      specDisagreement: row.specDisagreement,
      notes: disagreementNotes(row, matrix.browsers),
    }));
}

export interface BaselineEntry {
  id: string;
  /** Index into `report.cells`; -1 when the id names no cell of this report. */
  cell: number;
  vendor: string;
  feature: string;
  browser: BrowserId | null;
  params: Record<string, string>;
  status: CellStatus | null;
  /** The directives that block it now (none for a cell that passes). */
  directives: string[];
  /** What it does now, in words: `img-src blocked data`, `passes`, `error: …`. */
  now: string;
}

export interface BaselineView {
  /** The baseline report.json, as the run was given it. */
  path: string;
  regressions: BaselineEntry[];
  fixed: BaselineEntry[];
  added: BaselineEntry[];
}

function nowText(cell: ReportCell): string {
  if (cell.status === 'pass') return `${SYMBOL.pass} passes`;
  if (cell.status === 'error' || cell.status === 'skipped') return `${SYMBOL[cell.status]} ${cell.status}${cell.error ? `: ${cell.error}` : ''}`;
  const blocked = blockedBy(cell);
  if (blocked.length > 0) return `${SYMBOL.fail} ${blocked.map((b) => `${b.directive} blocked ${b.uri}`).join('; ')}`;
  return `${SYMBOL.fail} fails${cell.probe && !cell.probe.ok ? `: ${cell.probe.detail}` : ''}`;
}

/** What `run --baseline` found, cell by cell; null when the report was not compared to a baseline. */
export function baselineView(report: Report): BaselineView | null {
  const baseline = report.run?.baseline;
  if (!baseline) return null;
  const index = new Map(report.cells.map((cell, i) => [cell.id, i]));
  const entry = (id: string): BaselineEntry => {
    const at = index.get(id) ?? -1;
    const cell = report.cells[at];
    if (!cell) return { id, cell: -1, vendor: '', feature: '', browser: null, params: {}, status: null, directives: [], now: 'not in this report' };
    return {
      id,
      cell: at,
      vendor: cell.vendor,
      feature: cell.feature,
      browser: cell.browser,
      params: cell.params,
      status: cell.status,
      directives: blockingDirectives(cell),
      now: nowText(cell),
    };
  };
  return {
    path: baseline.path,
    regressions: baseline.regressions.map(entry),
    fixed: baseline.fixed.map(entry),
    added: baseline.added.map(entry),
  };
}

/** `1 regressed, 2 fixed, 3 new`. */
export function baselineCounts(view: Pick<BaselineView, 'regressions' | 'fixed' | 'added'>): string {
  return `${view.regressions.length} regressed, ${view.fixed.length} fixed, ${view.added.length} new`;
}
