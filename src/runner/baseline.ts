// Baselines and shard merging: both compare or combine report.json files by cell id.
import { summarize, type Report, type ReportCell } from '../reporters/model.ts';

export interface BaselineComparison {
  /** Passed in the baseline, fail or error now. */
  regressions: ReportCell[];
  /** Failed in the baseline, pass now. */
  fixed: ReportCell[];
  /** Not in the baseline at all (new vendors, features, browsers). */
  added: ReportCell[];
}

export function compareToBaseline(baseline: Report, current: Report): BaselineComparison {
  const before = new Map(baseline.cells.map((c) => [c.id, c]));
  const out: BaselineComparison = { regressions: [], fixed: [], added: [] };
  for (const cell of current.cells) {
    const old = before.get(cell.id);
    if (!old) out.added.push(cell);
    else if (old.status === 'pass' && (cell.status === 'fail' || cell.status === 'error')) out.regressions.push(cell);
    else if (old.status === 'fail' && cell.status === 'pass') out.fixed.push(cell);
  }
  return out;
}

export type MergeResult = { ok: true; report: Report } | { ok: false; error: string };

/** Combines the reports of `--shard i/n` jobs into the report of one unsharded run. */
export function mergeReports(reports: readonly { name: string; report: Report }[]): MergeResult {
  if (reports.length === 0) return { ok: false, error: 'no reports to merge' };
  const first = reports[0]!;
  const policies = JSON.stringify(first.report.policies);
  const cells = new Map<string, ReportCell>();
  for (const { name, report } of reports) {
    if (JSON.stringify(report.policies) !== policies) return { ok: false, error: `${name} was run with other policies than ${first.name}: merge only shards of one run` };
    for (const cell of report.cells) {
      if (cells.has(cell.id)) return { ok: false, error: `cell ${cell.id} appears in two reports (${name} and an earlier one): were the same shard's reports given twice?` };
      cells.set(cell.id, cell);
    }
  }
  const merged = [...cells.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const runs = reports.map((r) => r.report.run).filter((r) => r !== undefined);
  const browsers = new Map(runs.flatMap((r) => r.browsers).map((b) => [b.id, b]));
  return {
    ok: true,
    report: {
      schemaVersion: 1,
      policies: first.report.policies,
      ...(first.report.scenarios ? { scenarios: first.report.scenarios } : {}),
      cells: merged,
      summary: summarize(merged),
      run: runs.length > 0
        ? {
            startedAt: runs.map((r) => r.startedAt).sort()[0]!,
            durationMs: Math.max(...runs.map((r) => r.durationMs)),
            browsers: [...browsers.values()],
            shard: null,
          }
        : undefined,
    },
  };
}

/** Cells sorted by id: the order a merged report has, so sharded and unsharded runs compare equal. */
export function canonicalCells(cells: readonly ReportCell[]): ReportCell[] {
  return [...cells].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
