// The spec oracle's column: what the CSP3 text says about every request a feature makes.
import { createHash } from 'node:crypto';
import { check, parsePolicyList, type CheckRequest, type Diagnostic, type HashAlgorithm, type Policy } from '../policy/index.ts';
import { suggestFix } from '../policy/advise.ts';
import type { ReportPolicy } from '../shared/vocabulary.ts';
import type { OracleVerdict } from '../reporters/model.ts';
import { fillPlaceholders } from '../site/placeholders.ts';
import type { ExpectEntry } from '../vendors/types.ts';

/** The nonce the oracle assumes the page's embed tag carries (the page fills a fresh one). */
export const ORACLE_NONCE = 'csphOracleNonce0000000000';
const ALGORITHMS: HashAlgorithm[] = ['sha256', 'sha384', 'sha512'];

export function digestsOf(content: string): Partial<Record<HashAlgorithm, string>> {
  return Object.fromEntries(ALGORITHMS.map((a) => [a, createHash(a).update(content, 'utf8').digest('base64')]));
}

/** Parses served policies as the browser receives them: a header+meta policy is two enforced policies. */
export function parseServed(policies: readonly ReportPolicy[]): { policies: Policy[]; diagnostics: Diagnostic[] } {
  const out: Policy[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const p of policies) {
    const value = fillPlaceholders(p.value, { nonce: ORACLE_NONCE });
    const parts: [ 'enforce' | 'report', 'header' | 'meta'][] =
      p.delivery === 'header' ? [['enforce', 'header']] : p.delivery === 'meta' ? [['enforce', 'meta']] : p.delivery === 'report-only' ? [['report', 'header']] : [['enforce', 'header'], ['enforce', 'meta']];
    for (const [disposition, source] of parts) {
      const parsed = parsePolicyList(value, { disposition, source });
      out.push(...parsed.policies);
      diagnostics.push(...parsed.diagnostics);
    }
  }
  return { policies: out, diagnostics };
}

/** The requests a feature's declared expectations make, as the CSP model asks about them. */
export function requestsOf(expectations: readonly ExpectEntry[], origin: string): CheckRequest[] {
  return expectations.flatMap((e): CheckRequest[] => {
    // A wildcard pattern without an example names no one request: the oracle cannot ask about it.
    const concrete = (pattern: string, example: string | undefined) => example ?? (pattern.includes('*') ? null : pattern);
    if ('request' in e) {
      const url = concrete(e.request, e.example);
      return url ? [{ type: e.as, url, origin, initiator: e.initiator, nonce: e.nonced ? ORACLE_NONCE : undefined }] : [];
    }
    if ('frame' in e) {
      const url = concrete(e.frame, e.example);
      return url ? [{ type: 'frame', url, origin }] : [];
    }
    if ('websocket' in e) {
      const url = concrete(e.websocket, e.example);
      return url ? [{ type: 'websocket', url, origin }] : [];
    }
    if ('inline' in e) return [{ type: e.inline, origin, initiator: e.initiator, nonce: e.nonced ? ORACLE_NONCE : undefined, content: e.content, digests: digestsOf(e.content) }];
    if ('eval' in e) return [{ type: e.eval, origin }];
    return [];
  });
}

export interface OracleResult extends OracleVerdict {
  /** The first blocked request, for messages. */
  blockedRequest: CheckRequest | null;
}

/** Allowed when every request is allowed by every enforced policy; else the first blocked one decides. */
export function oracleFor(policies: Policy[], requests: readonly CheckRequest[]): OracleResult {
  for (const request of requests) {
    const verdict = check(policies, request);
    if ('error' in verdict) return { allowed: false, decidedBy: null, explanation: `the oracle cannot judge ${request.type} ${request.url ?? ''}: ${verdict.error}`, fix: null, blockedRequest: request };
    if (verdict.allowed) continue;
    const blocking = verdict.policies.find((v) => v.disposition === 'enforce' && !v.allowed);
    const fix = blocking ? suggestFix(policies[blocking.index]!, blocking, request) : null;
    return { allowed: false, decidedBy: verdict.decidedBy, explanation: verdict.explanation, fix: fix ? fix.result : null, blockedRequest: request };
  }
  return { allowed: true, decidedBy: null, explanation: `all ${requests.length} requests of the feature are allowed`, fix: null, blockedRequest: null };
}
