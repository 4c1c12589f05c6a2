// The vendor × feature × browser grid every human-facing reporter draws, and its verdict symbols.
import { BROWSERS } from './model.ts';
import type { BrowserId, OracleVerdict, Report, ReportCell } from './model.ts';

export interface MatrixRow {
  key: string;
  scenario: string | null;
  /** `run --site`: the page of the user's site the row's cells loaded; null outside a site run. */
  page: string | null;
  vendor: string;
  feature: string;
  params: Record<string, string>;
  /** The params worth showing: only keys whose value varies within the vendor. */
  shownParams: Record<string, string>;
  policyIndex: number | null;
  cells: Partial<Record<BrowserId, ReportCell>>;
  /** The spec oracle's verdict (the same for every engine; the first one found). */
  oracle: OracleVerdict | null;
  /** Engines that ran (pass/fail) did not all reach the same status. */
  engineDisagreement: boolean;
  /** Engines whose pass/fail contradicts the oracle. */
  specDisagreement: BrowserId[];
  unexpected: boolean;
}

export interface Matrix {
  browsers: BrowserId[];
  rows: MatrixRow[];
  showScenario: boolean;
  showParams: boolean;
  showPolicy: boolean;
  /** Some rows are pages of the user's site (`run --site`): they are named by page. */
  showPage: boolean;
}

/** `run --site`: the vendor of the cells that load a page of the user's site itself (feature = the path). */
export const SITE_VENDOR = 'site';

/** The page of the user's site a cell loaded; a `site` cell without one (hand-written) is its feature. */
export function cellPage(cell: Pick<ReportCell, 'page' | 'vendor' | 'feature'>): string | null {
  return cell.page ?? (cell.vendor === SITE_VENDOR ? cell.feature : null);
}

function paramsKey(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((key) => `${key}=${params[key] ?? ''}`)
    .join(',');
}

export function formatParams(params: Record<string, string>): string {
  return paramsKey(params).replace(/,/g, ' ');
}

function varyingKeysByVendor(cells: readonly ReportCell[]): Map<string, Set<string>> {
  const values = new Map<string, Map<string, Set<string>>>();
  for (const cell of cells) {
    let byKey = values.get(cell.vendor);
    if (!byKey) values.set(cell.vendor, (byKey = new Map()));
    for (const [key, value] of Object.entries(cell.params)) {
      let seen = byKey.get(key);
      if (!seen) byKey.set(key, (seen = new Set()));
      seen.add(value);
    }
  }
  const varying = new Map<string, Set<string>>();
  for (const [vendor, byKey] of values) {
    varying.set(vendor, new Set([...byKey].filter(([, seen]) => seen.size > 1).map(([key]) => key)));
  }
  return varying;
}

export function buildMatrix(report: Report): Matrix {
  const present = new Set<BrowserId>(report.cells.map((cell) => cell.browser));
  for (const browser of report.run?.browsers ?? []) present.add(browser.id);
  const browsers = BROWSERS.filter((browser) => present.has(browser));
  const varying = varyingKeysByVendor(report.cells);
  const policyIndexes = new Set(report.cells.map((cell) => cell.policyIndex ?? 0));

  const rows = new Map<string, MatrixRow>();
  for (const cell of report.cells) {
    const scenario = cell.scenario ?? null;
    const policyIndex = cell.policyIndex ?? null;
    const page = cellPage(cell);
    // Keyed by page too: two pages of a site that both load genesys/messenger are two rows. A key
    // without a page has one segment fewer, so it cannot equal one with.
    const key = [scenario ?? '', ...(page === null ? [] : [page]), cell.vendor, cell.feature, paramsKey(cell.params), policyIndex ?? ''].join('\u0000');
    let row = rows.get(key);
    if (!row) {
      const shown = varying.get(cell.vendor) ?? new Set<string>();
      row = {
        key,
        scenario,
        page,
        vendor: cell.vendor,
        feature: cell.feature,
        params: cell.params,
        shownParams: Object.fromEntries(Object.entries(cell.params).filter(([k]) => shown.has(k))),
        policyIndex,
        cells: {},
        oracle: null,
        engineDisagreement: false,
        specDisagreement: [],
        unexpected: false,
      };
      rows.set(key, row);
    }
    // Two cells for one slot would be a runner bug; keep the first so output stays stable.
    row.cells[cell.browser] ??= cell;
    row.oracle ??= cell.oracle;
  }

  for (const row of rows.values()) {
    const ran = browsers.flatMap((browser) => {
      const cell = row.cells[browser];
      return cell && (cell.status === 'pass' || cell.status === 'fail') ? [cell] : [];
    });
    row.engineDisagreement = new Set(ran.map((cell) => cell.status)).size > 1;
    const oracle = row.oracle;
    if (oracle) {
      row.specDisagreement = ran.filter((cell) => (cell.status === 'pass') !== oracle.allowed).map((cell) => cell.browser);
    }
    row.unexpected = Object.values(row.cells).some((cell) => cell.outcome === 'unexpected');
  }

  const list = [...rows.values()];
  return {
    browsers,
    rows: list,
    showScenario: list.some((row) => row.scenario !== null),
    showParams: list.some((row) => Object.keys(row.shownParams).length > 0),
    showPolicy: policyIndexes.size > 1,
    showPage: list.some((row) => row.page !== null),
  };
}

export const SYMBOL = { pass: '✓', fail: '✗', error: '!', skipped: '–' } as const;

/** The directives that blocked the cell (enforced violations), in first-seen order. */
export function blockingDirectives(cell: ReportCell): string[] {
  const enforced = cell.violations.filter((v) => v.disposition === 'enforce').map((v) => v.effectiveDirective);
  // Sorted: engines report the same violations in different orders; the matrix must not show that.
  return [...new Set(enforced)].sort();
}

/** `✓`, `✗ img-src`, `!`, `–`. */
export function cellSymbol(cell: ReportCell | undefined): string {
  if (!cell) return '';
  if (cell.status !== 'fail') return SYMBOL[cell.status];
  const directives = blockingDirectives(cell);
  if (directives.length > 0) return `${SYMBOL.fail} ${directives.join(',')}`;
  return cell.probe && !cell.probe.ok ? `${SYMBOL.fail} probe` : SYMBOL.fail;
}

export function oracleSymbol(oracle: OracleVerdict | null): string {
  if (!oracle) return '';
  if (oracle.allowed) return SYMBOL.pass;
  return oracle.decidedBy ? `${SYMBOL.fail} ${oracle.decidedBy}` : SYMBOL.fail;
}

/** `≠` engines disagree with each other; `≠spec` an engine contradicts the policy model. */
export function rowMark(row: MatrixRow): string {
  const marks: string[] = [];
  if (row.engineDisagreement) marks.push('≠');
  if (row.specDisagreement.length > 0) marks.push('≠spec');
  return marks.join(' ');
}

/** One sentence per disagreement, e.g. `firefox fails (connect-src) where chromium, webkit pass`. */
export function disagreementNotes(row: MatrixRow, browsers: readonly BrowserId[]): string[] {
  const notes: string[] = [];
  if (row.engineDisagreement) {
    const by = (status: 'pass' | 'fail'): BrowserId[] => browsers.filter((b) => row.cells[b]?.status === status);
    const failing = by('fail');
    const directives = [...new Set(failing.flatMap((b) => blockingDirectives(row.cells[b] as ReportCell)))];
    const why = directives.length > 0 ? ` (${directives.join(', ')})` : '';
    notes.push(`${failing.join(', ')} ${failing.length === 1 ? 'fails' : 'fail'}${why} where ${by('pass').join(', ')} ${by('pass').length === 1 ? 'passes' : 'pass'}`);
  }
  if (row.specDisagreement.length > 0 && row.oracle) {
    const spec = row.oracle.allowed ? 'allows it' : `blocks it (${row.oracle.decidedBy ?? 'no directive'})`;
    const engines = row.specDisagreement;
    notes.push(`${engines.join(', ')} ${engines.length === 1 ? 'disagrees' : 'disagree'} with the spec, which ${spec}`);
  }
  return notes;
}

/** The matrix's first column heading: what a row's name is made of. */
export function rowHeading(matrix: Pick<Matrix, 'showPage'>): string {
  return matrix.showPage ? 'page · vendor · feature' : 'vendor / feature';
}

/**
 * What a row is called, without params, policy or scenario: `vendor/feature`; in a site run the page
 * itself is `/checkout`, and a vendor feature a page contacted is `/vendor · genesys · messenger`.
 */
export function rowName(row: Pick<MatrixRow, 'page' | 'vendor' | 'feature'>): string {
  if (row.page === null) return `${row.vendor}/${row.feature}`;
  return row.vendor === SITE_VENDOR ? row.page : `${row.page} · ${row.vendor} · ${row.feature}`;
}

export function rowLabel(row: MatrixRow, matrix: Pick<Matrix, 'showPolicy'>): string {
  const parts = [rowName(row)];
  const params = formatParams(row.shownParams);
  if (params) parts.push(params);
  if (matrix.showPolicy && row.policyIndex !== null) parts.push(`policy ${row.policyIndex + 1}`);
  if (row.scenario) parts.unshift(`[${row.scenario}]`);
  return parts.join(' ');
}

export function summaryLine(report: Report): string {
  const s = report.summary;
  const total = s.pass + s.fail + s.error + s.skipped;
  let line = `${total} cells: ${s.pass} pass, ${s.fail} fail, ${s.error} error, ${s.skipped} skipped`;
  // "unexpected" means against a scenario's expectation: a run of --policy candidates has none.
  if (report.cells.some((c) => c.expected !== null)) line += ` — ${s.unexpected} unexpected`;
  const regressions = report.run?.regressions;
  if (regressions) line += `, ${regressions.length} regressed against the baseline`;
  return line;
}

/** Cells that fail the run: unexpected outcomes, or failing/erroring cells with no expectation. */
export function isProblem(cell: ReportCell): boolean {
  if (cell.outcome === 'unexpected') return true;
  return cell.outcome === null && (cell.status === 'fail' || cell.status === 'error');
}
