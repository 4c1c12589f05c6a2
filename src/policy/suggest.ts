// `suggest`: what a blocked request needs when the aim is a policy that works, not only one a host
// fixes. A URL's source as for `run --fix` (fixPolicy.ts's needFor); blocked inline code or eval,
// which no host allows, the weak keyword of its directive — added only where a selected vendor's
// cell was blocked without it, and named as forced by that cell. Pure.
import { needFor, type Need } from './fixPolicy.ts';

/** The least-privilege start without --from: only the page's own origin, for every fetch type. */
export const LEAST_PRIVILEGE_BASE = "default-src 'self'";

/** Sources that weaken a policy: suggest adds one only where a selected vendor's cell needs it. */
export const WEAK_SOURCES: readonly string[] = ["'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'"];

export const isWeakSource = (source: string) => WEAK_SOURCES.includes(source.toLowerCase());

/**
 * The need of one violation for `suggest`: a URL's source (needFor), else for blocked inline code
 * 'unsafe-inline' in its element or attribute directive, for eval 'unsafe-eval' and for WebAssembly
 * compilation 'wasm-unsafe-eval' in script-src. Null for what no source allows (e.g. trusted types).
 */
export function suggestNeedFor(violation: { effectiveDirective: string; blockedURI: string }): Need | null {
  const url = needFor(violation);
  if (url) return url;
  const blocked = violation.blockedURI.trim().toLowerCase();
  const effective = violation.effectiveDirective.toLowerCase();
  if (blocked === 'inline') {
    if (!/^(script|style)-src(-elem|-attr)?$/.test(effective)) return null;
    const element = effective === 'script-src' ? 'script-src-elem' : effective === 'style-src' ? 'style-src-elem' : effective;
    return { effectiveDirective: element, source: "'unsafe-inline'" };
  }
  if (blocked === 'eval') return { effectiveDirective: 'script-src', source: "'unsafe-eval'" };
  if (blocked === 'wasm-eval') return { effectiveDirective: 'script-src', source: "'wasm-unsafe-eval'" };
  return null;
}

/** One source suggest added, with the cells (ids ending in their browser) that needed it. */
export interface SuggestedAddition {
  directive: string;
  source: string;
  cells: readonly string[];
}

const cellName = (id: string) => {
  const withoutBrowser = id.slice(0, id.lastIndexOf('/'));
  // `policy/velaro/styles[embed=self]` → `velaro/styles[embed=self]`: the vendor and feature.
  return withoutBrowser.replace(/^policy\//, '');
};
const browserOf = (id: string) => id.slice(id.lastIndexOf('/') + 1);

/**
 * The strictness statement: for every weak source added, which vendor/feature forces it and in which
 * engines — `velaro/styles needs 'unsafe-inline' in style-src (chromium, firefox, webkit)`.
 */
export function forcedWeakSources(additions: readonly SuggestedAddition[]): string[] {
  const lines: string[] = [];
  for (const a of additions) {
    if (!isWeakSource(a.source)) continue;
    const groups = new Map<string, string[]>();
    for (const id of a.cells) groups.set(cellName(id), [...new Set([...(groups.get(cellName(id)) ?? []), browserOf(id)])]);
    for (const [cell, browsers] of groups) lines.push(`${cell} needs ${a.source} in ${a.directive} (${browsers.join(', ')})`);
  }
  return [...new Set(lines)];
}
