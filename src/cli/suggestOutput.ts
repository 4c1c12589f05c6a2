// What `suggest` prints: the policy, what was added and by whom, the proof that each addition is
// needed, the weak sources and csp_evaluator's high findings with what forced them, the user's
// sources no cell needed, and whether it was verified. Text for a person, or one JSON object. Pure.
import { forcedWeakSources } from '../policy/suggest.ts';
import type { HighFinding } from '../policy/strict.ts';
import { neededBy, type AttributedAddition, type RemainingCell } from '../runner/fixLoop.ts';
import type { SourceProof, SourceUse } from '../runner/prove.ts';

export interface SuggestStep {
  round: number;
  /** Round 0 of each attempt: the base policy the first run used. */
  policy?: string;
  added?: string[];
  cells: number;
}

export interface SuggestResult {
  policy: string;
  style: 'allowlist' | 'strict';
  /** --style strict that fell back to host allow-lists: the scripts the engines blocked under 'strict-dynamic'. */
  strictBlockers: string[] | null;
  fromUser: boolean;
  cells: number;
  pass: number;
  browsers: readonly string[];
  additions: readonly AttributedAddition[];
  /** Null when the proof was skipped or the policy was not verified. */
  proofs: readonly SourceProof[] | null;
  /** Added sources no cell failed without, taken out again (the smaller policy passed every cell). */
  dropped: readonly SourceProof[];
  /** --from: the user's URL sources and the cells that needed them (null: not checked). */
  uses: { sources: readonly SourceUse[]; ran: number } | null;
  evaluator: readonly HighFinding[];
  steps: readonly SuggestStep[];
  remaining: readonly RemainingCell[];
}

const added = (a: { directive: string; source: string }) => `${a.directive} ${a.source}`;

export function suggestJson(r: SuggestResult): string {
  return JSON.stringify({
    policy: r.policy,
    style: r.style,
    ...(r.strictBlockers ? { strictBlockers: r.strictBlockers } : {}),
    verified: { cells: r.cells, pass: r.pass },
    added: r.additions.map(added),
    forced: forcedWeakSources(r.additions),
    proof: r.proofs?.map((p) => ({ source: added(p), needed: p.failing.length > 0, failingWithout: p.failing, ran: p.ran })) ?? null,
    dropped: r.dropped.map(added),
    unneeded: r.uses ? r.uses.sources.filter((u) => u.cells.length === 0).map(added) : null,
    evaluator: r.evaluator,
    steps: r.steps,
    remaining: r.remaining,
  }, null, 2);
}

function proofLines(r: SuggestResult): string[] {
  if (!r.proofs || r.proofs.length === 0) return [];
  const lines = ['', 'Each added source is needed — without it:'];
  const dropped = new Set(r.dropped.map(added));
  for (const p of r.proofs) {
    const why = p.failing.length > 0 ? `${neededBy(p.failing)} fail${p.failing.length === 1 ? 's' : ''}` : dropped.has(added(p)) ? `no cell failed (${p.ran} ran): taken out, and the policy without it passed every cell` : `no cell failed (${p.ran} ran) — kept: without every such source, a cell failed`;
    lines.push(`  ${added(p)}  ${why}`);
  }
  return lines;
}

function evaluatorLines(r: SuggestResult): string[] {
  if (r.evaluator.length === 0) return ['', 'csp_evaluator: no high-severity finding'];
  return ['', 'csp_evaluator high-severity findings:', ...r.evaluator.map((f) => `  ${f.directive}${f.value ? ` ${f.value}` : ''}: ${f.message} ${f.forcedBy.length > 0 ? `— forced by ${f.forcedBy.join(', ')}` : r.fromUser ? '— from your policy' : '— not forced by a selected vendor'}`)];
}

function usesLines(r: SuggestResult): string[] {
  if (!r.uses || r.uses.sources.length === 0) return [];
  const unneeded = r.uses.sources.filter((u) => u.cells.length === 0);
  const evidence = `a report-only copy without your URL sources, ${r.uses.ran} cells in ${r.browsers.join(', ')}`;
  if (unneeded.length === 0) return ['', `Every URL source of your policy was needed (${evidence}).`];
  return ['', `Not needed by any selected cell in any engine (${evidence}, reported no request that only ${unneeded.length === 1 ? 'it' : 'they'} allowed):`, ...unneeded.map((u) => `  ${added(u)}`)];
}

export function suggestText(r: SuggestResult): string {
  const lines = [`Suggested policy${r.style === 'strict' ? ' (strict: nonce and \'strict-dynamic\')' : ''}:`, `  ${r.policy}`, ''];
  if (r.strictBlockers) lines.unshift("--style strict does not work for every selected feature: under 'strict-dynamic' the engines blocked", ...r.strictBlockers.map((b) => `  ${b}`), 'so this policy uses host allow-lists.', '');
  if (r.additions.length === 0) lines.push(r.remaining.length === 0 ? `Added: nothing (${r.fromUser ? 'your policy' : 'the base policy'} already passes)` : 'Added: nothing');
  else lines.push('Added:', ...r.additions.map((a) => `  ${added(a)}  ← ${neededBy(a.cells)}${a.round > 1 ? ` [round ${a.round}]` : ''}`));
  lines.push(...proofLines(r));
  const forced = forcedWeakSources(r.additions);
  if (forced.length > 0) lines.push('', 'Weak sources, each forced by a selected vendor:', ...forced.map((f) => `  ${f}`));
  lines.push(...evaluatorLines(r), ...usesLines(r));
  const verified = r.remaining.length === 0;
  const browsers = r.browsers.join(', ');
  lines.push('', verified ? `verified: ${r.cells} cell${r.cells === 1 ? ' passes' : 's pass'} in ${browsers}` : `not verified: ${r.pass} of ${r.cells} cells pass in ${browsers}; still failing:`);
  if (!verified) lines.push(...r.remaining.map((c) => `  ${c.id}: ${c.reason}`));
  return lines.join('\n');
}
