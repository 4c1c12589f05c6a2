// Judging a feature from outside the vendor's code (vendor-format.md): what the proxy answered, the
// engine's frame tree where it has one, and DOM checks read through the automation channel. Used for
// every feature that declares no probe — real vendor code and users' vendor folders. Pure.
import type { DomCheck, DomCheckResult } from '../engines/types.ts';
import type { AnsweredRequest } from '../server/network.ts';
import type { ReportViolation } from '../shared/vocabulary.ts';
import { blockedUrlMatches, urlMatches } from '../shared/urlPattern.ts';
import type { ExpectEntry } from '../vendors/types.ts';

export interface Evidence {
  /** What the proxy answered during the cell. */
  answered: readonly AnsweredRequest[];
  /** The engine's frame URLs after settling; absent where the engine exposes no frame tree (WebDriver). */
  frames?: readonly string[];
  /** One result per DOM check, in the order `domChecksOf` gave them. */
  checks?: readonly DomCheckResult[];
}

/** Whether a feature is judged by observation: it declares no probe. */
export function isObserved(expectations: readonly ExpectEntry[]): boolean {
  return !expectations.some((e) => 'probe' in e);
}

/** The DOM checks the engine evaluates after settling, in expectation order. */
export function domChecksOf(expectations: readonly ExpectEntry[]): DomCheck[] {
  return expectations.flatMap((e): DomCheck[] => {
    if ('selector' in e) return [e.visible === undefined ? { selector: e.selector } : { selector: e.selector, visible: e.visible }];
    if ('style' in e) return [{ style: e.style, property: e.property, value: e.value }];
    return [];
  });
}

export interface EntryVerdict {
  entry: ExpectEntry;
  held: boolean;
  detail: string;
}

/** Each observable expectation, held or not, with what showed it. Oracle-only entries (inline, eval) are left out. */
export function verdictsOf(expectations: readonly ExpectEntry[], evidence: Evidence): EntryVerdict[] {
  let check = 0;
  const out: EntryVerdict[] = [];
  for (const entry of expectations) {
    if ('request' in entry) {
      const hit = evidence.answered.find((a) => a.kind === 'http' && urlMatches(entry.request, a.url));
      out.push({ entry, held: hit !== undefined, detail: hit ? `answered ${hit.status} ${hit.url}` : `never answered: ${entry.request}` });
    } else if ('frame' in entry) {
      const hit = evidence.answered.find((a) => a.kind === 'http' && urlMatches(entry.frame, a.url));
      const inTree = evidence.frames === undefined || evidence.frames.some((f) => urlMatches(entry.frame, f));
      const held = hit !== undefined && inTree;
      out.push({ entry, held, detail: !hit ? `frame never requested: ${entry.frame}` : inTree ? `frame loaded ${hit.url}` : `frame answered but not in the page's frame tree: ${entry.frame}` });
    } else if ('websocket' in entry) {
      const hit = evidence.answered.find((a) => a.kind === 'websocket' && urlMatches(entry.websocket, a.url));
      out.push({ entry, held: hit !== undefined, detail: hit ? `WebSocket opened ${hit.url}` : `no WebSocket upgrade: ${entry.websocket}` });
    } else if ('selector' in entry || 'style' in entry) {
      const result = evidence.checks?.[check++];
      out.push({ entry, held: result?.ok === true, detail: result?.detail ?? 'the page was never checked' });
    }
  }
  return out;
}

/** The feature's verdict as a probe reads: ok when every observable expectation held. */
export function observedProbe(verdicts: readonly EntryVerdict[]): { ok: boolean; detail: string } {
  const failed = verdicts.filter((v) => !v.held);
  if (failed.length === 0) return { ok: true, detail: `all ${verdicts.length} observed expectations held` };
  return { ok: false, detail: failed.map((v) => v.detail).join('; ') };
}

/** The request kinds whose fetch a directive governs (the effective directive engines report). */
const GOVERNS: Record<string, readonly string[]> = {
  'script-src': ['script', 'worker'],
  'script-src-elem': ['script'],
  'worker-src': ['worker', 'script'],
  'style-src': ['style'],
  'style-src-elem': ['style'],
  'img-src': ['image'],
  'font-src': ['font'],
  'connect-src': ['connect', 'websocket'],
  'frame-src': ['frame'],
  'child-src': ['frame', 'worker'],
  'media-src': ['media'],
  'manifest-src': ['manifest'],
  'object-src': ['object'],
};

function urlEntries(expectations: readonly ExpectEntry[]): { pattern: string; kind: string }[] {
  return expectations.flatMap((e) => {
    if ('request' in e) return [{ pattern: e.request, kind: e.as }];
    if ('frame' in e) return [{ pattern: e.frame, kind: 'frame' }];
    if ('websocket' in e) return [{ pattern: e.websocket, kind: 'websocket' }];
    return [];
  });
}

/**
 * Which violations are this feature's (vendor-format.md, "One page, several features"): a URL
 * violation whose blocked URL matches one of its URL expectations under a directive governing that
 * kind (`default-src` governs every kind); an inline or eval violation when the feature's own
 * expectations failed. The rest are the page's other violations: listed, failing nothing.
 */
export function attribute(violations: readonly ReportViolation[], expectations: readonly ExpectEntry[], featureFailed: boolean): { mine: ReportViolation[]; other: ReportViolation[] } {
  const entries = urlEntries(expectations);
  const mine: ReportViolation[] = [];
  const other: ReportViolation[] = [];
  for (const v of violations) {
    const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(v.blockedURI);
    const ours = isUrl
      ? entries.some((e) => blockedUrlMatches(e.pattern, v.blockedURI) && (v.effectiveDirective === 'default-src' || (GOVERNS[v.effectiveDirective] ?? []).includes(e.kind)))
      : featureFailed;
    (ours ? mine : other).push(v);
  }
  return { mine, other };
}
