// The smallest change that would let a blocked request through: what the matrix and `explain` print as the fix.
import { effectiveDirectiveFor, isInlineType, isUrlType } from './evaluate.ts';
import { fallbackList } from './directives.ts';
import { getDirective } from './parse.ts';
import { serializeSource } from './source.ts';
import type { CheckRequest, Policy, PolicyVerdict } from './types.ts';
import { NONCE_SOURCE } from '../shared/placeholders.ts';

export interface Fix {
  /** The directive to change or add. */
  directive: string;
  /** The source expression to add to it. */
  add: string;
  /** The directive as it would read after the change. */
  result: string;
  /** One sentence for a person. */
  advice: string;
}

/** The source expression that allows `url`: its scheme for data:/blob:/filesystem:, else its origin. */
export function sourceFor(url: URL): string {
  if (/^(data|blob|filesystem|mediastream):$/.test(url.protocol)) return url.protocol;
  return url.origin === 'null' ? url.protocol : url.origin;
}

export function suggestFix(policy: Policy, verdict: PolicyVerdict, request: CheckRequest): Fix | null {
  if (verdict.allowed || verdict.decidedBy === null) return null;
  const effective = effectiveDirectiveFor(request.type);
  const deciding = getDirective(policy, verdict.decidedBy);
  const current = (deciding?.sources ?? []).filter((s) => s.kind !== 'none').map(serializeSource);
  const make = (add: string, advice: string): Fix => {
    // Adding to default-src would widen every type that falls back to it: add the effective
    // directive instead, starting from default-src's list. Other fallbacks (script-src for
    // script-src-elem) are where people expect the change.
    const directive = verdict.decidedBy === 'default-src' ? effective : verdict.decidedBy!;
    const values = [...new Set([...current, add])];
    return { directive, add, result: `${directive} ${values.join(' ')}`, advice };
  };
  if (isUrlType(request.type) && request.url) {
    let url: URL;
    try {
      url = new URL(request.url, request.origin);
    } catch {
      return null;
    }
    const strictDynamic = deciding?.sources?.some((s) => s.kind === 'keyword' && s.keyword === 'strict-dynamic');
    if (strictDynamic && (request.type === 'script' || request.type === 'worker')) {
      return {
        directive: verdict.decidedBy,
        add: NONCE_SOURCE,
        result: `${verdict.decidedBy} ${current.join(' ')}`,
        advice: `'strict-dynamic' ignores host sources: put the page's nonce on this <script> tag, or load ${url.href} from a script that is already trusted`,
      };
    }
    const add = sourceFor(url);
    const fix = make(add, '');
    const via = verdict.decidedBy === 'default-src' ? ` (a new ${effective}, so that what falls back to default-src stays as strict)` : '';
    return { ...fix, advice: `add ${add} to ${fix.directive}${via}` };
  }
  if (isInlineType(request.type)) {
    const element = request.type === 'inline-script' || request.type === 'inline-style';
    const hash = request.digests?.sha256 ? `'sha256-${request.digests.sha256}'` : null;
    if (hash) {
      const fix = make(hash, '');
      return { ...fix, advice: element ? `add ${hash} (the hash of this inline content) to ${fix.directive}, or give the element the page's nonce` : `add ${hash} and 'unsafe-hashes' to ${fix.directive}` };
    }
    const fix = make(NONCE_SOURCE, '');
    return { ...fix, advice: `give the element the page's nonce and add 'nonce-…' to ${fix.directive}` };
  }
  if (request.type === 'eval') return make("'unsafe-eval'", `the code evaluates strings: only 'unsafe-eval' allows that (prefer removing the eval)`);
  return make("'wasm-unsafe-eval'", `add 'wasm-unsafe-eval' to ${verdict.decidedBy}`);
}

/** The source expression that allows a blocked URI as engines report it (`data`, a URL); null for `inline`, `eval`. */
export function sourceForBlocked(blockedURI: string): string | null {
  if (/^(data|blob|filesystem|mediastream)$/i.test(blockedURI)) return `${blockedURI.toLowerCase()}:`;
  try {
    return sourceFor(new URL(blockedURI));
  } catch {
    return null;
  }
}

/**
 * The fix an engine's own evidence asks for: the source of the URL it blocked, added to the directive
 * that decided (or, where default-src decided, a new effective directive starting from its list).
 * Used where the CSP3 oracle sees nothing to fix — the engines and the spec part ways — so the fix
 * still names what works in every engine: `https://api.mypurecloud.com` beside
 * `wss://api.mypurecloud.com` (CSP3 lets `wss:` match `https:`; Chromium and Firefox do not). Null
 * for what no URL source allows (inline, eval) and for a directive no policy has.
 */
export function fixFromBlocked(policies: readonly Policy[], violation: { effectiveDirective: string; blockedURI: string }): Fix | null {
  const effective = violation.effectiveDirective.toLowerCase();
  const add = sourceForBlocked(violation.blockedURI);
  if (add === null) return null;
  for (const policy of policies) {
    const decided = fallbackList(effective).find((name) => getDirective(policy, name));
    if (!decided) continue;
    const current = (getDirective(policy, decided)?.sources ?? []).filter((s) => s.kind !== 'none').map(serializeSource);
    if (current.includes(add)) continue;
    const directive = decided === 'default-src' ? effective : decided;
    return { directive, add, result: `${directive} ${[...new Set([...current, add])].join(' ')}`, advice: `add ${add} to ${directive}: the engine blocked ${violation.blockedURI} under it` };
  }
  return null;
}
