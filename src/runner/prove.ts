// After `suggest` has a verified policy: the engines' proof that it is least privilege, both ways.
// - Every source suggest added is needed: the policy without it is run on the cells that asked for
//   it, and at least one of them must fail (one run for all the variants, ids `w<n>/…`).
// - Every source of the user's --from policy that only lets URLs through is needed: the cells run once
//   more under the policy plus a report-only copy without those sources; a source no reported request
//   needed, in any engine, is reported as not needed, with the count of cells and engines that ran.
import { creditSources, refKey, strippedCopy, withoutSource, type SourceRef } from '../policy/prune.ts';
import type { ReportCell } from '../reporters/model.ts';
import type { PlannedCell } from './plan.ts';

type Rerun = (cells: PlannedCell[]) => Promise<{ cells: ReportCell[]; interrupted: boolean }>;

/** Cell id under another first segment: `policy/genesys/icons/chromium` → `w2/genesys/icons/chromium`. */
const renamed = (id: string, prefix: string) => `${prefix}${id.slice(id.indexOf('/'))}`;

export interface SourceProof extends SourceRef {
  /** The cells (their suggest ids) that failed without the source: at least one means it is needed. */
  failing: string[];
  /** How many cells ran without it. */
  ran: number;
}

/** One run: each added source removed in turn, on the cells that needed it. */
export async function proveAdditions(planned: readonly PlannedCell[], additions: readonly (SourceRef & { cells: readonly string[] })[], rerun: Rerun): Promise<{ proofs: SourceProof[]; interrupted: boolean }> {
  const byId = new Map(planned.map((c) => [c.id, c]));
  const variants = additions.map((a, index) => {
    const prefix = `w${index + 1}`;
    const cells = [...new Set(a.cells)].flatMap((id) => {
      const cell = byId.get(id);
      return cell ? [{ ...cell, id: renamed(id, prefix), policies: cell.policies.map((p) => ({ ...p, value: withoutSource(p.value, a) })), expectation: null }] : [];
    });
    return { addition: a, prefix, cells };
  });
  const result = await rerun(variants.flatMap((v) => v.cells));
  const status = new Map(result.cells.map((c) => [c.id, c.status]));
  const proofs = variants.map(({ addition, prefix, cells }) => ({
    directive: addition.directive,
    source: addition.source,
    failing: cells.filter((c) => status.get(c.id) === 'fail').map((c) => `policy${c.id.slice(prefix.length)}`),
    ran: cells.length,
  }));
  return { proofs, interrupted: result.interrupted };
}

export interface SourceUse extends SourceRef {
  /** Cells (suggest ids) whose report-only copy reported a request only this source allowed. */
  cells: string[];
}

/** One run of every cell with a report-only copy of the policy without `candidates`: which of them a request needed. */
export async function usesOfSources(planned: readonly PlannedCell[], policy: string, candidates: readonly SourceRef[], origin: URL, rerun: Rerun): Promise<{ uses: SourceUse[]; ran: number; interrupted: boolean }> {
  if (candidates.length === 0) return { uses: [], ran: 0, interrupted: false };
  const copy = strippedCopy(policy, candidates);
  const cells = planned.map((c) => ({ ...c, id: renamed(c.id, 'ro'), policies: [{ value: policy, delivery: 'header' as const }, { value: copy, delivery: 'report-only' as const }], expectation: null }));
  const result = await rerun(cells);
  const reported = result.cells.flatMap((c) => c.violations.filter((v) => v.disposition === 'report').map((v) => ({ cellId: `policy${c.id.slice('ro'.length)}`, effectiveDirective: v.effectiveDirective, blockedURI: v.blockedURI })));
  const credit = creditSources(policy, candidates, reported, origin);
  return { uses: candidates.map((c) => ({ ...c, cells: credit.get(refKey(c)) ?? [] })), ran: result.cells.length, interrupted: result.interrupted };
}
