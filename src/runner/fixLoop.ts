// `run --fix`: after the run, each failing cell's blocked sources are written into the policy it ran
// with, the cells that failed run again under the new policy, until every cell passes or a round
// changes nothing. The evidence is the engines' own blocked URIs (not the spec's opinion), so a fix
// names what works in every engine: `https://api.mypurecloud.com` beside `wss://…`, `data:` beside `*`.
import { applyNeeds, diffPolicies, formatDiff, needFor, type Need } from '../policy/fixPolicy.ts';
import type { ReportCell } from '../reporters/model.ts';
import type { ReportPolicy } from '../shared/vocabulary.ts';
import type { PlannedCell } from './plan.ts';

export const MAX_FIX_ROUNDS = 5;

/** A source the loop added, and the cells whose engines blocked it. */
export interface AttributedAddition {
  /** Index of the policy (header or meta) in the set. */
  entry: number;
  /** Index of the policy within that entry's comma-separated list. */
  policy: number;
  directive: string;
  source: string;
  created: boolean;
  round: number;
  cells: string[];
}

/** One distinct policy set the cells ran with (key: its text and delivery), before and after. */
export interface FixedPolicySet {
  /** Where it came from: `--policy #1`, or the scenarios that carry it. */
  label: string;
  original: ReportPolicy[];
  fixed: ReportPolicy[];
  additions: AttributedAddition[];
}

export interface RemainingCell {
  id: string;
  status: ReportCell['status'];
  reason: string;
}

export interface FixOutcome {
  /** Every cell's last result, sorted by id: the report's cells. */
  cells: ReportCell[];
  sets: FixedPolicySet[];
  /** Re-run rounds done (0: every cell passed, or nothing could be fixed). */
  rounds: number;
  remaining: RemainingCell[];
  interrupted: boolean;
}

export interface FixLoopOptions {
  planned: readonly PlannedCell[];
  /** The first run's cells. */
  first: readonly ReportCell[];
  /** Runs cells again (their policies replaced, their expectations dropped). */
  rerun: (cells: PlannedCell[], round: number) => Promise<{ cells: ReportCell[]; interrupted: boolean }>;
  maxRounds?: number;
  /** Before each re-run: what this round added and how many cells run again. */
  onRound?: (round: number, added: readonly AttributedAddition[], rerun: number) => void;
  /** What a violation needs (default needFor: URL sources only; `suggest` also answers inline and eval). */
  needOf?: NeedOf;
}

type NeedOf = (violation: { effectiveDirective: string; blockedURI: string }) => Need | null;

interface SetState extends FixedPolicySet {
  /** need → the additions it made, so later cells needing the same are credited too. */
  byNeed: Map<string, AttributedAddition[]>;
}

const keyOf = (policies: readonly ReportPolicy[]) => JSON.stringify(policies.map((p) => [p.value, p.delivery]));
const needKey = (need: Need) => `${need.effectiveDirective} ${need.source}`;
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function labelOf(cells: readonly PlannedCell[]): string {
  const scenarios = [...new Set(cells.flatMap((c) => (c.scenario ? [c.scenario.id] : [])))];
  if (scenarios.length > 0) return `scenario ${scenarios.join(', ')}`;
  const index = cells[0]?.policyIndex ?? 0;
  return `policy #${index + 1}`;
}

/** Adds one cell's needs to its set; true when the policy text changed. */
function applyCell(set: SetState, cell: ReportCell, round: number, needOf: NeedOf): boolean {
  let changed = false;
  for (const violation of cell.violations) {
    if (violation.disposition !== 'enforce') continue;
    const need = needOf(violation);
    if (!need) continue;
    const credited = set.byNeed.get(needKey(need));
    if (credited) {
      for (const a of credited) if (!a.cells.includes(cell.id)) a.cells.push(cell.id);
    }
    set.fixed.forEach((entry, index) => {
      // A report-only policy blocks nothing: it keeps what it had.
      if (entry.delivery === 'report-only') return;
      const result = applyNeeds(entry.value, [need]);
      if (result.added.length === 0) return;
      set.fixed[index] = { ...entry, value: result.text };
      const made = result.added.map((a) => ({ entry: index, policy: a.policy, directive: a.directive, source: a.source, created: a.created, round, cells: [cell.id] }));
      set.additions.push(...made);
      set.byNeed.set(needKey(need), [...(set.byNeed.get(needKey(need)) ?? []), ...made]);
      changed = true;
    });
  }
  return changed;
}

/** Whether a need of the cell's violations would still add a source to its set. */
function wouldChange(set: SetState | undefined, cell: ReportCell, needOf: NeedOf): boolean {
  return cell.violations.some((v) => {
    const need = v.disposition === 'enforce' ? needOf(v) : null;
    return need !== null && (set?.fixed.some((e) => e.delivery !== 'report-only' && applyNeeds(e.value, [need]).added.length > 0) ?? false);
  });
}

/** Why a cell still does not pass, for a person: what blocked it and why no source fixes that. */
function reasonOf(cell: ReportCell, set: SetState | undefined, cappedAt: number | null, needOf: NeedOf): string {
  const expected = cell.expected === 'fail' ? ' (its scenario expects this failure)' : '';
  if (cell.status === 'error') return `error${cell.errorCode ? ` ${cell.errorCode}` : ''}: ${cell.error ?? 'unknown'}; no policy change addresses that${expected}`;
  if (cell.status === 'skipped') return `skipped: ${cell.error ?? 'not run'}`;
  const enforced = cell.violations.filter((v) => v.disposition === 'enforce');
  if (enforced.length === 0) return `failed without a CSP violation (${cell.probe?.detail ?? 'no probe result'}): no source to add${expected}`;
  const noSource = [...new Set(enforced.filter((v) => needOf(v) === null).map((v) => `${v.effectiveDirective} blocked ${v.blockedURI}`))];
  const why = [...new Set(enforced.flatMap((v) => {
    const need = needOf(v);
    if (!need) return [];
    const wouldAdd = set?.fixed.some((e) => e.delivery !== 'report-only' && applyNeeds(e.value, [need]).added.length > 0) ?? false;
    if (wouldAdd) return [`${v.effectiveDirective} blocked ${v.blockedURI}: ${cappedAt !== null ? `still blocked after ${cappedAt} rounds` : 'not fixed (the run was interrupted)'}`];
    return [`${v.effectiveDirective} blocked ${v.blockedURI} though the policy already allows ${need.source}`];
  }))];
  if (noSource.length > 0) {
    const hint = cell.fix ? ` The matrix's hint: ${cell.fix}.` : '';
    why.push(`${noSource.join(', ')}: no source allows that; a hash or nonce on the page, or 'unsafe-inline', is a change for you to make.${hint}`);
  }
  return `${why.join('; ')}${expected}`;
}

export async function runFixLoop(options: FixLoopOptions): Promise<FixOutcome> {
  const maxRounds = options.maxRounds ?? MAX_FIX_ROUNDS;
  const needOf = options.needOf ?? needFor;
  const planned = new Map(options.planned.map((c) => [c.id, c]));
  const sets = new Map<string, SetState>();
  const setOf = new Map<string, SetState>();
  for (const cell of options.planned) {
    const key = keyOf(cell.policies);
    let set = sets.get(key);
    if (!set) {
      set = { label: '', original: cell.policies.map((p) => ({ ...p })), fixed: cell.policies.map((p) => ({ ...p })), additions: [], byNeed: new Map() };
      sets.set(key, set);
    }
    setOf.set(cell.id, set);
  }
  for (const [key, set] of sets) set.label = labelOf(options.planned.filter((c) => keyOf(c.policies) === key));

  const latest = new Map(options.first.map((c) => [c.id, c]));
  let rounds = 0;
  let interrupted = false;
  let capped = false;
  for (let round = 1; ; round++) {
    const failing = [...latest.values()].filter((c) => c.status === 'fail' || c.status === 'error').sort(byId);
    if (failing.length === 0) break;
    if (round > maxRounds) {
      // What the last round would add stays out: the fixed policy holds only what was run.
      capped = failing.some((c) => c.status === 'fail' && wouldChange(setOf.get(c.id), c, needOf));
      break;
    }
    const changed = new Set<SetState>();
    const before = new Map([...sets.values()].map((s) => [s, s.additions.length]));
    for (const cell of failing) {
      const set = setOf.get(cell.id);
      if (cell.status === 'fail' && set && applyCell(set, cell, round, needOf)) changed.add(set);
    }
    // A failing cell whose policy did not change would fail the same way: it is not run again.
    const again = failing.filter((c) => changed.has(setOf.get(c.id)!)).map((c) => planned.get(c.id)!);
    if (again.length === 0) break;
    options.onRound?.(round, [...sets.values()].flatMap((s) => s.additions.slice(before.get(s) ?? 0)), again.length);
    const result = await options.rerun(again.map((c) => ({ ...c, policies: setOf.get(c.id)!.fixed.map((p) => ({ ...p })), expectation: null })), round);
    rounds = round;
    for (const cell of result.cells) latest.set(cell.id, cell);
    if (result.interrupted) {
      interrupted = true;
      break;
    }
  }
  const cells = [...latest.values()].sort(byId);
  const remaining = cells.filter((c) => c.status !== 'pass').map((c) => ({ id: c.id, status: c.status, reason: reasonOf(c, setOf.get(c.id), capped ? maxRounds : null, needOf) }));
  return { cells, sets: [...sets.values()].map(({ byNeed: _unused, ...set }) => set), rounds, remaining, interrupted };
}

/** The report's `policies` with the fixes applied (each entry matched by its text and delivery). */
export function fixedReportPolicies(policies: readonly ReportPolicy[], sets: readonly FixedPolicySet[]): ReportPolicy[] {
  return policies.map((p) => {
    for (const set of sets) {
      const at = set.original.findIndex((o) => o.value === p.value && o.delivery === p.delivery);
      if (at >= 0) return set.fixed[at]!;
    }
    return p;
  });
}

/** `fixed-policy.txt`: the one fixed policy; with several sets, each under a `#` line naming where it came from. */
export function fixedPolicyFile(sets: readonly FixedPolicySet[]): string {
  if (sets.length === 1 && sets[0]!.fixed.length === 1) return `${sets[0]!.fixed[0]!.value.trim()}\n`;
  return sets.map((s) => s.fixed.map((p) => `# ${s.label} (${p.delivery})\n${p.value.trim()}\n`).join('\n')).join('\n');
}

/** Browser of a cell id (its last segment), for "needed by" lines. */
const browserOf = (id: string) => id.slice(id.lastIndexOf('/') + 1);
const cellOf = (id: string) => id.slice(0, id.lastIndexOf('/'));

/** Cell ids grouped by cell, each with its engines: `policy/genesys/icons (chromium, firefox, webkit)`. */
export function neededBy(ids: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const id of ids) groups.set(cellOf(id), [...(groups.get(cellOf(id)) ?? []), browserOf(id)]);
  return [...groups].map(([cell, browsers]) => `${cell} (${browsers.join(', ')})`).join('; ');
}

/** What `run --fix` prints: the fixed policy, the diff, and which cells in which engines needed each source. */
export function formatFixOutcome(outcome: FixOutcome): string {
  const lines: string[] = [];
  for (const set of outcome.sets) {
    const many = outcome.sets.length > 1;
    if (set.additions.length === 0) {
      if (many) lines.push(`${set.label}: no change`);
      continue;
    }
    set.fixed.forEach((p, entry) => {
      const before = set.original[entry]!.value;
      const diff = formatDiff(before, diffPolicies(before, p.value));
      if (diff.length === 0) return;
      lines.push(`Fixed policy${many || set.fixed.length > 1 ? ` (${set.label}, ${p.delivery})` : ''}:`, `  ${p.value.trim()}`, '', 'Diff:', ...diff, '', 'Needed by:');
      for (const a of set.additions.filter((x) => x.entry === entry)) {
        lines.push(`  ${a.directive} ${a.source}  ← ${neededBy(a.cells)}${a.round > 1 ? ` [round ${a.round}]` : ''}`);
      }
      lines.push('');
    });
  }
  if (lines.length === 0) lines.push('Every cell passed: the policy needs no fix.');
  return lines.join('\n').trimEnd();
}
