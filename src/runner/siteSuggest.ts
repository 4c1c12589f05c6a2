// suggest --site: the fix loop on the user's own pages. The first round loads the given pages (and
// crawls); later rounds load the same list again — only the pages that failed, or all of them after a
// source was taken out — under the candidate with every failing cell's needs written into its text
// (fixPolicy.ts's applyNeeds: a --from policy is edited, never re-serialized). Two site-specific rules:
// blocked inline code of a page whose own inline scripts (or styles) all carry the site's nonce gets
// 'nonce-{{nonce}}', not 'unsafe-inline'; and since browsers ignore 'unsafe-inline' beside a nonce or
// hash, a nonce suggest added goes again where 'unsafe-inline' turns out to be needed in its directive
// (one the user gave stays, and the cell is reported). An attribute's 'unsafe-inline' gets its own
// -attr directive, so the elements stay governed by the nonce or the hosts.
import { fallbackList } from '../policy/directives.ts';
import { applyNeeds, type Need } from '../policy/fixPolicy.ts';
import { suggestNeedFor } from '../policy/suggest.ts';
import type { ReportCell } from '../reporters/model.ts';
import type { SiteExchange } from '../server/siteUpstream.ts';
import { NONCE_SOURCE } from '../shared/placeholders.ts';
import type { AttributedAddition, RemainingCell } from './fixLoop.ts';

export const UNSAFE_INLINE = "'unsafe-inline'";

/** A page's own inline elements of one kind, as the harness read its HTML: how many, and the lines of those without a nonce. */
export interface InlineKind {
  count: number;
  unnonced: number[];
}
export interface PageInline {
  script: InlineKind;
  style: InlineKind;
}

/** Each page's inline scripts and styles, from the harness's own fetches (path with query → its elements). */
export function pageInlineOf(exchanges: readonly SiteExchange[], origin: string): Map<string, PageInline> {
  const pages = new Map<string, PageInline>();
  for (const e of exchanges) {
    if (e.by !== 'harness' || !e.elements || !e.url.startsWith(origin)) continue;
    const inline: PageInline = { script: { count: 0, unnonced: [] }, style: { count: 0, unnonced: [] } };
    for (const el of e.elements) {
      const kind = el.tag === 'script' && el.url === null ? inline.script : el.tag === 'style' ? inline.style : null;
      if (!kind) continue;
      kind.count += 1;
      if (!el.nonce) kind.unnonced.push(el.line);
    }
    pages.set(e.url.slice(origin.length) || '/', inline);
  }
  return pages;
}

const tokens = (piece: string) => piece.trim().split(/[\t\n\f\r ]+/).filter((t) => t !== '');
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
/** A nonce or hash (or the placeholder for hashes): beside one, browsers ignore 'unsafe-inline'. */
export const locksInline = (source: string) => /^'(nonce|sha256|sha384|sha512)-|^\{\{inline-hashes\}\}$/i.test(source);

/** The directive that decides `effective` in one policy (of a comma list), with its values; null when none restricts it. */
export function decidingDirective(policy: string, effective: string): { name: string; values: string[] } | null {
  const pieces = policy.split(';').map(tokens);
  for (const name of fallbackList(effective)) {
    const piece = pieces.find((t) => t[0]?.toLowerCase() === name);
    if (piece) return { name, values: piece.slice(1) };
  }
  return null;
}

/** `directive` without the `drop` sources, the rest of the text as it was. */
export function withoutSources(policy: string, directive: string, drop: readonly string[]): string {
  const pieces = policy.split(';');
  const at = pieces.findIndex((p) => tokens(p)[0]?.toLowerCase() === directive);
  if (at < 0) return policy;
  const kept: string[] = [];
  pieces[at]!.split(/([\t\n\f\r ]+)/).forEach((part, i) => {
    if (i % 2 === 0 && drop.some((d) => same(d, part))) kept.pop();
    else kept.push(part);
  });
  pieces[at] = kept.join('');
  return pieces.join(';');
}

/** A new directive after the policy's last one. */
function withDirective(policy: string, directive: string, source: string): string {
  const pieces = policy.split(';');
  const last = pieces.reduce((found, p, i) => (tokens(p).length > 0 ? i : found), -1);
  pieces.splice(last + 1, 0, ` ${directive} ${source}`);
  return pieces.join(';');
}

/**
 * The need of one violation on a page: suggest's (suggestNeedFor), except for a blocked inline script
 * or style element on a page whose own inline elements of that kind all carry the site's nonce: then
 * 'nonce-{{nonce}}' — unless the policy already has it (the code still blocked is code the nonce does
 * not cover, a vendor's: 'unsafe-inline').
 */
export function siteNeedFor(violation: { effectiveDirective: string; blockedURI: string }, inline: PageInline | undefined, policy: string): Need | null {
  const need = suggestNeedFor(violation);
  if (!need || need.source !== UNSAFE_INLINE) return need;
  const kind = need.effectiveDirective === 'script-src-elem' ? inline?.script : need.effectiveDirective === 'style-src-elem' ? inline?.style : undefined;
  if (!kind || kind.count === 0 || kind.unnonced.length > 0) return need;
  const nonce = { effectiveDirective: need.effectiveDirective, source: NONCE_SOURCE };
  return applyNeeds(policy, [nonce]).added.length > 0 ? nonce : need;
}

export interface SiteEdit {
  text: string;
  added: { policy: number; directive: string; source: string; created: boolean }[];
  /** Sources suggest had added and takes out: a nonce or hash that would turn the needed 'unsafe-inline' off. */
  removed: { directive: string; source: string }[];
  /** Why the need was not written: 'unsafe-inline' beside the user's own nonce or hash. */
  refused: string | null;
}

/** One need written into each policy of the candidate that restricts its type. `ours`: what suggest added (it may take that out again). */
export function applySiteNeed(text: string, need: Need, ours: readonly { directive: string; source: string }[]): SiteEdit {
  const edit: SiteEdit = { text, added: [], removed: [], refused: null };
  const policies = text.split(',');
  policies.forEach((policy, index) => {
    const decides = decidingDirective(policy, need.effectiveDirective);
    if (!decides) return;
    let current = policy;
    if (same(need.source, UNSAFE_INLINE) && need.effectiveDirective.endsWith('-attr') && decides.name !== need.effectiveDirective) {
      policies[index] = withDirective(policy, need.effectiveDirective, UNSAFE_INLINE);
      edit.added.push({ policy: index, directive: need.effectiveDirective, source: UNSAFE_INLINE, created: true });
      return;
    }
    if (same(need.source, UNSAFE_INLINE)) {
      const locks = decides.values.filter(locksInline);
      const theirs = locks.filter((l) => !ours.some((o) => o.directive === decides.name && same(o.source, l)));
      if (theirs.length > 0) {
        edit.refused = `browsers ignore 'unsafe-inline' beside ${theirs.join(' ')} in ${decides.name} (your policy's)`;
        return;
      }
      if (locks.length > 0) {
        current = withoutSources(policy, decides.name, locks);
        edit.removed.push(...locks.map((source) => ({ directive: decides.name, source })));
      }
    } else if (same(need.source, NONCE_SOURCE) && decides.values.some((v) => same(v, UNSAFE_INLINE))) return; // the nonce would only turn 'unsafe-inline' off
    const result = applyNeeds(current, [need]);
    policies[index] = result.text;
    edit.added.push(...result.added.map((a) => ({ ...a, policy: index })));
  });
  return { ...edit, text: policies.join(',') };
}

/** One round's load: every cell of the pages loaded, the pages (the first round's are the list for the rest), their inline elements. */
export interface SiteRound {
  cells: ReportCell[];
  pages: string[];
  inline: ReadonlyMap<string, PageInline>;
  interrupted: boolean;
}

export interface SiteSuggestStep {
  round: number;
  policy?: string;
  added?: string[];
  removed?: string[];
  cells: number;
}

export interface SiteSuggestOptions {
  base: string;
  maxRounds: number;
  /** Loads pages under a policy: null the first time (the given pages and the crawl), then a part of the first round's list. */
  load: (policy: string, pages: readonly string[] | null) => Promise<SiteRound>;
  onRound?: (round: number, added: readonly string[], removed: readonly string[], pages: number) => void;
}

export interface SiteSuggestOutcome {
  policy: string;
  additions: AttributedAddition[];
  cells: ReportCell[];
  pages: string[];
  inline: Map<string, PageInline>;
  remaining: RemainingCell[];
  steps: SiteSuggestStep[];
  rounds: number;
  interrupted: boolean;
}

interface LoopState {
  text: string;
  additions: AttributedAddition[];
  byNeed: Map<string, AttributedAddition[]>;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const named = (a: { directive: string; source: string }) => `${a.directive} ${a.source}`;
const SITE_FAILURES = new Set(['CSPH_SITE_STATUS', 'CSPH_SITE_TIMEOUT']);
/** Worth loading again under a changed policy: it failed, or errored for a reason that is not the site's own. */
const retry = (c: ReportCell) => c.status === 'fail' || (c.status === 'error' && !SITE_FAILURES.has(c.errorCode ?? ''));
/** Skipped vendor cells (a stand-in does one feature per page) are not judged; a skipped page cell (no browser) is. */
export const judged = (c: ReportCell) => !(c.status === 'skipped' && c.vendor !== 'site');

/** Writes the failing cells' needs into the candidate; 'unsafe-inline' first (a nonce asked for in the same round would turn it off). */
function applyRound(state: LoopState, failing: readonly ReportCell[], inline: ReadonlyMap<string, PageInline>, round: number): { added: string[]; removed: string[] } {
  const start = state.text;
  const wanted = failing.filter((c) => c.status === 'fail').flatMap((cell) =>
    cell.violations.filter((v) => v.disposition === 'enforce').flatMap((v) => {
      const need = siteNeedFor(v, inline.get(cell.page ?? ''), start);
      return need ? [{ need, cell: cell.id }] : [];
    }),
  );
  wanted.sort((a, b) => Number(b.need.source === UNSAFE_INLINE) - Number(a.need.source === UNSAFE_INLINE));
  const added: string[] = [];
  const removed: string[] = [];
  for (const { need, cell } of wanted) {
    const key = named({ directive: need.effectiveDirective, source: need.source });
    const edit = applySiteNeed(state.text, need, state.additions);
    state.text = edit.text;
    for (const r of edit.removed) {
      state.additions = state.additions.filter((a) => !(a.directive === r.directive && same(a.source, r.source)));
      removed.push(named(r));
    }
    const made = edit.added.map((a) => ({ entry: 0, ...a, round, cells: [cell] }));
    state.additions.push(...made);
    added.push(...made.map(named));
    if (made.length > 0) state.byNeed.set(key, [...(state.byNeed.get(key) ?? []), ...made]);
    else for (const a of state.byNeed.get(key) ?? []) if (state.additions.includes(a) && !a.cells.includes(cell)) a.cells.push(cell);
  }
  return { added, removed };
}

/** Why a cell still does not pass, for a person. */
export function siteReasonOf(cell: ReportCell, state: { text: string; additions: readonly AttributedAddition[] }, inline: PageInline | undefined, unfinished: string): string {
  if (cell.status === 'error') return `error${cell.errorCode ? ` ${cell.errorCode}` : ''}: ${cell.error ?? 'unknown'}; no policy change addresses that`;
  if (cell.status === 'skipped') return `skipped: ${cell.error ?? 'not run'}`;
  const enforced = cell.violations.filter((v) => v.disposition === 'enforce');
  if (enforced.length === 0) return `failed without a CSP violation (${cell.probe?.detail ?? 'no probe result'}): no source to add`;
  const why = new Set<string>();
  for (const v of enforced) {
    const what = `${v.effectiveDirective} blocked ${v.blockedURI}`;
    const need = siteNeedFor(v, inline, state.text);
    const edit = need ? applySiteNeed(state.text, need, state.additions) : null;
    if (!need || !edit) why.add(`${what}: no source allows that`);
    else if (edit.refused) why.add(`${what}: ${edit.refused}; put the site's nonce on the page's inline code${unnoncedLines(inline, v.effectiveDirective)}`);
    else if (edit.added.length > 0) why.add(`${what}: ${unfinished}`);
    else why.add(`${what} though the policy already allows ${need.source}`);
  }
  return [...why].join('; ');
}

function unnoncedLines(inline: PageInline | undefined, directive: string): string {
  const kind = directive.startsWith('style') ? inline?.style : inline?.script;
  if (!kind || kind.unnonced.length === 0) return '';
  const many = kind.unnonced.length > 1;
  return ` (the inline <${directive.startsWith('style') ? 'style' : 'script'}> at line${many ? 's' : ''} ${kind.unnonced.join(', ')} ${many ? 'have' : 'has'} none)`;
}

export async function suggestForSite(options: SiteSuggestOptions): Promise<SiteSuggestOutcome> {
  const first = await options.load(options.base, null);
  const state: LoopState = { text: options.base, additions: [], byNeed: new Map() };
  const pages = first.pages;
  const inline = new Map(first.inline);
  const steps: SiteSuggestStep[] = [{ round: 0, policy: options.base, cells: first.cells.length }];
  let cells = [...first.cells].sort(byId);
  let interrupted = first.interrupted;
  let rounds = 0;
  for (let round = 1; !interrupted && round <= options.maxRounds; round++) {
    const failing = cells.filter(retry);
    if (failing.length === 0) break;
    const { added, removed } = applyRound(state, failing, inline, round);
    if (added.length === 0 && removed.length === 0) break;
    // Added sources only widen: a page that passed still does. A source taken out may narrow: every page again.
    const again = removed.length > 0 ? pages : pages.filter((p) => failing.some((c) => c.page === p));
    options.onRound?.(round, added, removed, again.length);
    const result = await options.load(state.text, again);
    rounds = round;
    cells = [...cells.filter((c) => !again.includes(c.page ?? '')), ...result.cells].sort(byId);
    for (const [page, found] of result.inline) inline.set(page, found);
    steps.push({ round, added, ...(removed.length > 0 ? { removed } : {}), cells: result.cells.length });
    interrupted = result.interrupted;
  }
  const unfinished = interrupted ? 'not fixed (the run was interrupted)' : `still blocked after ${rounds} round${rounds === 1 ? '' : 's'}`;
  const remaining = cells.filter((c) => judged(c) && c.status !== 'pass').map((c) => ({ id: c.id, status: c.status, reason: siteReasonOf(c, state, inline.get(c.page ?? ''), unfinished) }));
  return { policy: state.text, additions: state.additions, cells, pages, inline, remaining, steps, rounds, interrupted };
}
