// Least privilege in the other direction: which sources a policy could lose. Two kinds of evidence,
// both the engines' own: a source suggest added is needed when the policy without it makes a cell
// fail (`withoutSource`); a source of the user's policy is needed when a report-only copy without it
// (`strippedCopy`) reports a request that only it allowed (`creditSources`). Edits the text, as
// fixPolicy.ts does, so the user's spelling and placeholders stay. Pure.
import { fallbackList, FETCH_DIRECTIVES } from './directives.ts';
import { urlMatchesExpression } from './match.ts';
import { parseSourceExpression } from './source.ts';
import type { SourceExpression } from './types.ts';

/** One source of one directive (of the first policy of a list). */
export interface SourceRef {
  directive: string;
  source: string;
}

const WS = /[\t\n\f\r ]+/;
const valuesOf = (piece: string) => piece.trim().split(WS).filter((t) => t !== '');
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
export const refKey = (ref: SourceRef) => `${ref.directive.toLowerCase()} ${ref.source.toLowerCase()}`;

/** Index of the `;` piece browsers honour for a directive (the first of a repeated one), or -1. */
function pieceOf(pieces: readonly string[], directive: string): number {
  return pieces.findIndex((p) => same(valuesOf(p)[0] ?? '', directive));
}

/** The pieces without the given sources; a directive left with no source gets `'none'`, as a missing source list means nothing allowed, not everything. */
function removeFrom(policy: string, refs: readonly SourceRef[]): string {
  const pieces = policy.split(';');
  for (const ref of refs) {
    const at = pieceOf(pieces, ref.directive);
    if (at < 0) continue;
    const [name, ...values] = valuesOf(pieces[at]!);
    const kept = values.filter((v) => !same(v, ref.source));
    if (kept.length === values.length) continue;
    pieces[at] = ` ${[name, ...(kept.length > 0 ? kept : ["'none'"])].join(' ')}`;
  }
  return pieces.join(';').replace(/^ /, '');
}

/** The (first) policy of `text` without one source. Other policies of a comma-separated list are kept as they are. */
export function withoutSource(text: string, ref: SourceRef): string {
  const [first, ...rest] = text.split(',');
  return [removeFrom(first!, [ref]), ...rest].join(',');
}

/** A report-only copy of `text`'s first policy without the given sources: what it reports is what only they allowed. */
export function strippedCopy(text: string, refs: readonly SourceRef[]): string {
  return removeFrom(text.split(',')[0]!, refs);
}

/** The sources whose need can be judged by a URL: hosts and schemes of each fetch directive (not keywords, nonces or hashes). */
export function urlSourcesOf(text: string): SourceRef[] {
  const refs: SourceRef[] = [];
  const seen = new Set<string>();
  for (const piece of text.split(',')[0]!.split(';')) {
    const [name, ...values] = valuesOf(piece);
    const directive = name?.toLowerCase();
    if (directive === undefined || seen.has(directive)) continue;
    seen.add(directive);
    if (!(FETCH_DIRECTIVES as readonly string[]).includes(directive)) continue;
    for (const value of values) {
      const parsed = parseSourceExpression(value);
      if (parsed.ok && (parsed.source.kind === 'host' || parsed.source.kind === 'scheme')) refs.push({ directive, source: value });
    }
  }
  return refs;
}

/** A violation of the report-only copy, with the cell (id ending in its browser) that saw it. */
export interface ReportedRequest {
  cellId: string;
  effectiveDirective: string;
  blockedURI: string;
}

const SCHEME_ONLY = /^(data|blob|filesystem|mediastream)$/i;

/** Whether a blocked URI as engines report it is one the source allowed. An origin-only URI (engines cut a cross-origin redirect's URL) counts for a source with a path. */
function allows(source: SourceExpression, blockedURI: string, origin: URL): boolean {
  if (SCHEME_ONLY.test(blockedURI)) return source.kind === 'scheme' && same(source.scheme, blockedURI);
  let url: URL;
  try {
    url = new URL(blockedURI);
  } catch {
    return false;
  }
  if (urlMatchesExpression(url, source, origin)) return true;
  return source.kind === 'host' && source.path !== null && url.pathname === '/' && urlMatchesExpression(url, { ...source, path: null }, origin);
}

/**
 * For each candidate source, the cells whose report-only copy reported a request it allows under the
 * directive that decides the request's type (`policy` is the enforced text the copy was made from).
 */
export function creditSources(policy: string, candidates: readonly SourceRef[], reported: readonly ReportedRequest[], origin: URL): Map<string, string[]> {
  const pieces = policy.split(',')[0]!.split(';');
  const present = new Set(pieces.map((p) => valuesOf(p)[0]?.toLowerCase()).filter((n): n is string => n !== undefined));
  const credit = new Map<string, string[]>(candidates.map((c) => [refKey(c), []]));
  for (const request of reported) {
    const decided = fallbackList(request.effectiveDirective.toLowerCase()).find((name) => present.has(name));
    if (decided === undefined) continue;
    for (const candidate of candidates) {
      if (!same(candidate.directive, decided)) continue;
      const parsed = parseSourceExpression(candidate.source);
      if (!parsed.ok || !allows(parsed.source, request.blockedURI, origin)) continue;
      const cells = credit.get(refKey(candidate))!;
      if (!cells.includes(request.cellId)) cells.push(request.cellId);
    }
  }
  return credit;
}
