// `run --fix`: a blocked request's source written into a policy's text, and the diff of two texts.
// Edits the text, not a parsed and re-serialized policy, so the user's order, spelling and
// placeholders ('nonce-{{nonce}}', {{inline-hashes}}) survive. Pure.
import { sourceForBlocked } from './advise.ts';
import { fallbackList } from './directives.ts';

/** What one blocked request needs: a source allowed for its effective directive. */
export interface Need {
  effectiveDirective: string;
  source: string;
}

/** A source written into one policy of a (comma-separated) list. */
export interface Addition {
  /** Index of the policy in the list. */
  policy: number;
  directive: string;
  source: string;
  /** The directive was not there: it was created from the list of the one that decided (default-src). */
  created: boolean;
}

export interface FixedText {
  text: string;
  added: Addition[];
}

/**
 * The need an engine's violation states, or null where no source expression helps (`inline`,
 * `eval`: a hash or nonce is a change to the page as well, for a person to make). Engines name a
 * URL block `script-src` or `script-src-elem`; the element directive is the one whose fallback
 * list covers both.
 */
export function needFor(violation: { effectiveDirective: string; blockedURI: string }): Need | null {
  const source = sourceForBlocked(violation.blockedURI);
  if (source === null) return null;
  const effective = violation.effectiveDirective.toLowerCase();
  const element = effective === 'script-src' ? 'script-src-elem' : effective === 'style-src' ? 'style-src-elem' : effective;
  return { effectiveDirective: element, source };
}

const WS = /[\t\n\f\r ]+/;
const valuesOf = (piece: string) => piece.trim().split(WS).filter((t) => t !== '');
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Name of each `;` piece of one policy (lower-cased), null for an empty piece. */
function namesOf(pieces: readonly string[]): (string | null)[] {
  return pieces.map((p) => valuesOf(p)[0]?.toLowerCase() ?? null);
}

/** A directive created where default-src decided: the family's own (script-src, not script-src-elem), as every engine knows it. */
function createdName(effective: string): string {
  if (effective.startsWith('script-src-')) return 'script-src';
  if (effective.startsWith('style-src-')) return 'style-src';
  return effective;
}

function addToPolicy(policy: string, need: Need): { text: string; directive: string; created: boolean } | null {
  const pieces = policy.split(';');
  const names = namesOf(pieces);
  // Browsers honour the first of a repeated directive: that is the one to change.
  const decided = fallbackList(need.effectiveDirective).find((name) => names.includes(name));
  if (decided === undefined) return null;
  const at = names.indexOf(decided);
  const values = valuesOf(pieces[at]!).slice(1);
  if (values.some((v) => same(v, need.source))) return null;
  if (decided !== 'default-src') {
    const onlyNone = values.length > 0 && values.every((v) => same(v, "'none'"));
    const piece = pieces[at]!;
    // 'none' beside a source is ignored by browsers and misleads readers: it goes.
    const kept = onlyNone ? piece.slice(0, piece.search(/\S/) + valuesOf(piece)[0]!.length) + piece.slice(piece.trimEnd().length) : piece;
    pieces[at] = kept.replace(/\s*$/, (tail) => ` ${need.source}${tail}`);
    return { text: pieces.join(';'), directive: decided, created: false };
  }
  // Adding to default-src would widen every type that falls back to it: a new directive instead,
  // starting from default-src's list, so only this type gains the source.
  const directive = createdName(need.effectiveDirective);
  const inherited = values.filter((v) => !same(v, "'none'"));
  const last = names.reduce((found, name, i) => (name !== null ? i : found), -1);
  pieces.splice(last + 1, 0, ` ${[directive, ...inherited, need.source].join(' ')}`);
  return { text: pieces.join(';'), directive, created: true };
}

/**
 * Adds each need's source to every policy of the list that restricts its type and lacks it: to the
 * directive that decides, or, where default-src decides, to a new directive. A need that no policy
 * restricts, or that already names the source, changes nothing (the caller says so).
 */
export function applyNeeds(text: string, needs: readonly Need[]): FixedText {
  const policies = text.split(',');
  const added: Addition[] = [];
  for (const need of needs) {
    policies.forEach((policy, index) => {
      if (valuesOf(policy).length === 0) return;
      const changed = addToPolicy(policy, need);
      if (!changed) return;
      policies[index] = changed.text;
      added.push({ policy: index, directive: changed.directive, source: need.source, created: changed.created });
    });
  }
  return { text: policies.join(','), added };
}

/** What one directive gained between two texts of a policy list. */
export interface DirectiveChange {
  policy: number;
  directive: string;
  /** Sources it has now that it (or, for a new directive, the one it falls back to) did not have. */
  added: string[];
  /** A new directive; `from` is the directive whose list it started from, if any. */
  created: boolean;
  from: string | null;
  /** The directive's whole value now. */
  values: string[];
}

function directivesOf(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const piece of policy.split(';')) {
    const [name, ...values] = valuesOf(piece);
    if (name === undefined || map.has(name.toLowerCase())) continue;
    map.set(name.toLowerCase(), values);
  }
  return map;
}

/** Per directive, the sources `after` adds to `before` (both the same policy list, `after` only wider). */
export function diffPolicies(before: string, after: string): DirectiveChange[] {
  const was = before.split(',').map(directivesOf);
  const changes: DirectiveChange[] = [];
  after.split(',').forEach((policy, index) => {
    const old = was[index] ?? new Map<string, string[]>();
    for (const [directive, values] of directivesOf(policy)) {
      const previous = old.get(directive);
      const from = previous ? null : (fallbackList(directive).slice(1).find((name) => old.has(name)) ?? null);
      const base = previous ?? (from ? old.get(from)! : []);
      const added = values.filter((v) => !base.some((b) => same(b, v)));
      if (added.length > 0 || !previous) changes.push({ policy: index, directive, added, created: !previous, from, values });
    }
  });
  return changes;
}

/** The diff for a person: `img-src  + data:`; a new directive with the list it started from. */
export function formatDiff(before: string, changes: readonly DirectiveChange[]): string[] {
  const was = before.split(',').map(directivesOf);
  const multi = was.length > 1;
  return changes.map((c) => {
    const at = multi ? `policy ${c.policy + 1}: ` : '';
    const line = `  ${at}${c.directive}  + ${c.added.join(' ')}`;
    if (!c.created) return line;
    const from = c.from ? `, from ${[c.from, ...(was[c.policy]?.get(c.from) ?? [])].join(' ')}` : '';
    return `${line}   (new: ${[c.directive, ...c.values].join(' ')}${from})`;
  });
}
