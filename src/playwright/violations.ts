// What one page load (a main-frame document and its frames) showed, turned into typed violations: the
// channels merged by src/collectors/ (one violation per blocked thing, listing its signals), each with
// the smallest fix from src/policy/ against the policy of the document it happened in. Pure.
import { mergeViolations } from '../collectors/merge.ts';
import { normaliseBlockedURI, normaliseSignal, parseCspMessage } from '../collectors/messages.ts';
import type { CspReport } from '../collectors/reports.ts';
import { fixFromBlocked, suggestFix, type Fix } from '../policy/advise.ts';
import { check, effectiveDirectiveFor, fallbackList, getDirective, isInlineType, isUrlType, parsePolicyList, REQUEST_TYPES, serializeSource, type CheckRequest, type HashAlgorithm, type Policy, type RequestType } from '../policy/index.ts';
import { NONCE_SOURCE } from '../shared/placeholders.ts';
import type { RawSignal, ReportViolation } from '../shared/vocabulary.ts';
import type { CspSeenPolicy, CspViolation } from './types.ts';

export type EventSignal = Extract<RawSignal, { channel: 'event' }>;

/** One page load's observations. */
export interface PageLoad {
  /** The main document's URL (null before the first navigation). */
  mainURL: string | null;
  /** console and pageerror texts (only those that read as CSP messages need be kept). */
  messages: RawSignal[];
  /** securitypolicyviolation events, with the document they fired in. */
  events: { documentURL: string; signal: EventSignal }[];
  reports: CspReport[];
  /** Policies of the documents (main and frames), in arrival order. */
  policies: CspSeenPolicy[];
}

function originOf(url: string | null): string | null {
  if (!url) return null;
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

function related(a: string, b: string): boolean {
  return a === b || fallbackList(a).includes(b) || fallbackList(b).includes(a);
}

/** The same blocked thing: a report or an event may carry only the origin of a cross-origin URL. */
function sameBlocked(a: string, b: string): boolean {
  return a === b || originOf(a) === b || originOf(b) === a;
}

/** The document a merged violation happened in: the first event or report of it that says. */
function documentOf(v: ReportViolation, load: PageLoad): string | null {
  for (const e of load.events) {
    const n = normaliseSignal(e.signal);
    if (n && n.disposition === v.disposition && related(n.effectiveDirective, v.effectiveDirective) && sameBlocked(n.blockedURI, v.blockedURI)) return e.documentURL;
  }
  for (const r of load.reports) {
    if (r.documentURI && related(r.effectiveDirective, v.effectiveDirective) && sameBlocked(normaliseBlockedURI(r.blockedURI), v.blockedURI)) return r.documentURI;
  }
  return load.mainURL;
}

export function parsedPolicies(seen: readonly CspSeenPolicy[]): Policy[] {
  return seen.flatMap((p) => parsePolicyList(p.value, { disposition: p.disposition, source: p.source }).policies);
}

const HASH = /'(sha(256|384|512)-[A-Za-z0-9+/_-]+=*)'/;

/** The hash an engine's message gives for a blocked inline script or style (Chromium and Firefox both print it). */
export function hashInMessage(text: string): { algorithm: HashAlgorithm; value: string } | null {
  const m = HASH.exec(text);
  if (!m) return null;
  return { algorithm: `sha${m[2]}` as HashAlgorithm, value: m[1]!.slice(m[1]!.indexOf('-') + 1) };
}

/** The request the CSP model asks about for a violation: the first request type whose effective directive it is. */
export function requestTypeOf(v: Pick<ReportViolation, 'kind' | 'effectiveDirective'>): RequestType | null {
  if (v.kind === 'eval') return 'eval';
  if (v.kind === 'wasm') return 'wasm-eval';
  if (v.kind === 'trusted-types') return null;
  const directive = v.effectiveDirective === 'script-src' ? 'script-src-elem' : v.effectiveDirective === 'style-src' ? 'style-src-elem' : v.effectiveDirective;
  const fits = v.kind === 'inline' ? isInlineType : isUrlType;
  return REQUEST_TYPES.find((t) => fits(t) && effectiveDirectiveFor(t) === directive) ?? (v.kind === 'url' && directive === 'child-src' ? 'frame' : null);
}

/** The smallest fix for one violation against the policies of its disposition. */
export function fixOf(v: ReportViolation, policies: readonly Policy[], origin: string | null, hash: { algorithm: HashAlgorithm; value: string } | null): Fix | null {
  const own = policies.filter((p) => p.disposition === v.disposition);
  if (own.length === 0) return null;
  if (v.kind === 'url') {
    // The engine's own evidence first: the source of what it blocked (works where engines and CSP3 part ways).
    const fromBlocked = fixFromBlocked(own, v);
    if (fromBlocked) return fromBlocked;
  }
  const type = requestTypeOf(v);
  if (!type || !origin) return null;
  const request: CheckRequest = { type, origin };
  if (isUrlType(type)) {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(v.blockedURI)) return null;
    request.url = v.blockedURI;
  }
  if (hash) request.digests = { [hash.algorithm]: hash.value };
  const verdict = check([...own], request);
  if ('error' in verdict) return null;
  const blocking = verdict.policies.find((p) => !p.allowed && p.decidedBy !== null);
  if (!blocking) return null;
  const fix = suggestFix(own[blocking.index]!, blocking, request);
  // No hash to offer, and the page already has a nonce: the element only needs it (the policy stays as it is).
  const nonce = fix?.add === NONCE_SOURCE ? getDirective(own[blocking.index]!, blocking.decidedBy!)?.sources?.find((s) => s.kind === 'nonce') : undefined;
  if (fix && nonce) {
    const value = serializeSource(nonce);
    return { ...fix, add: value, result: fix.result.replace(` ${NONCE_SOURCE}`, ''), advice: `give the element the page's nonce: ${fix.directive} already allows ${value}` };
  }
  return fix;
}

/** The page load's violations, merged, each with its document and fix. */
export function violationsOf(load: PageLoad): CspViolation[] {
  const signals: RawSignal[] = [...load.messages, ...load.events.map((e) => e.signal)];
  const siteOrigin = originOf(load.mainURL);
  const merged = mergeViolations(signals, load.reports, { siteOrigins: siteOrigin ? [siteOrigin] : [] });

  // Hashes of blocked inline content, in message order, per directive.
  const hashes: { directive: string; hash: { algorithm: HashAlgorithm; value: string } }[] = [];
  for (const m of load.messages) {
    if (m.channel === 'event') continue;
    const parsed = parseCspMessage(m.text);
    const hash = parsed?.kind === 'inline' ? hashInMessage(m.text) : null;
    if (parsed && hash) hashes.push({ directive: parsed.effectiveDirective, hash });
  }

  const byDocument = new Map<string, Policy[]>();
  const policiesOf = (url: string | null): Policy[] => {
    const key = url ?? '';
    let found = byDocument.get(key);
    if (!found) {
      const own = load.policies.filter((p) => p.documentURL === url);
      // No policy recorded for that document (a report named a URL we never saw): the main document's.
      found = parsedPolicies(own.length > 0 ? own : load.policies.filter((p) => p.documentURL === load.mainURL));
      byDocument.set(key, found);
    }
    return found;
  };

  return merged.map((v): CspViolation => {
    const documentURL = documentOf(v, load);
    let hash: { algorithm: HashAlgorithm; value: string } | null = null;
    if (v.kind === 'inline') {
      const i = hashes.findIndex((h) => related(h.directive, v.effectiveDirective));
      if (i >= 0) hash = hashes.splice(i, 1)[0]!.hash;
    }
    const fix = fixOf(v, policiesOf(documentURL), originOf(documentURL) ?? siteOrigin, hash);
    return { ...v, documentURL, fix };
  });
}
