// The spec oracle: would this request (or inline script, or eval) be allowed by these policies?
import { fallbackList } from './directives.ts';
import { findMatchingExpression } from './match.ts';
import { getDirective } from './parse.ts';
import { serializeSource } from './source.ts';
import type { CheckRequest, Policy, PolicyVerdict, RequestType, SourceExpression, Verdict } from './types.ts';


/** CSP3 "get the effective directive" for each request type the harness knows. */
export function effectiveDirectiveFor(type: RequestType): string {
  switch (type) {
    case 'script':
    case 'inline-script':
      return 'script-src-elem';
    case 'style':
    case 'inline-style':
      return 'style-src-elem';
    case 'script-attr':
      return 'script-src-attr';
    case 'style-attr':
      return 'style-src-attr';
    case 'image':
      return 'img-src';
    case 'font':
      return 'font-src';
    case 'connect':
    case 'websocket':
      return 'connect-src';
    case 'frame':
      return 'frame-src';
    case 'media':
      return 'media-src';
    case 'worker':
      return 'worker-src';
    case 'manifest':
      return 'manifest-src';
    case 'object':
      return 'object-src';
    case 'eval':
    case 'wasm-eval':
      return 'script-src';
  }
}

const INLINE_TYPES = new Set<RequestType>(['inline-script', 'inline-style', 'script-attr', 'style-attr']);

export function isInlineType(type: RequestType): boolean {
  return INLINE_TYPES.has(type);
}

export function isUrlType(type: RequestType): boolean {
  return !INLINE_TYPES.has(type) && type !== 'eval' && type !== 'wasm-eval';
}

type Decision = { allowed: boolean; matchedBy: string | null; why: string };

function hasKeyword(list: SourceExpression[], keyword: string): boolean {
  return list.some((s) => s.kind === 'keyword' && s.keyword === keyword);
}

function listText(list: SourceExpression[]): string {
  return list.length === 0 ? "(empty: same as 'none')" : list.map(serializeSource).join(' ');
}

function decideInline(list: SourceExpression[], request: CheckRequest): Decision {
  const scriptish = request.type === 'inline-script' || request.type === 'script-attr';
  const element = request.type === 'inline-script' || request.type === 'inline-style';
  const hasNonceOrHash = list.some((s) => s.kind === 'nonce' || s.kind === 'hash');
  const strictDynamic = scriptish && hasKeyword(list, 'strict-dynamic');
  if (hasKeyword(list, 'unsafe-inline')) {
    if (!hasNonceOrHash && !strictDynamic) return { allowed: true, matchedBy: "'unsafe-inline'", why: "'unsafe-inline' allows all inline content of this type" };
  }
  const voided = hasKeyword(list, 'unsafe-inline')
    ? ` ('unsafe-inline' is ignored because the list has ${hasNonceOrHash ? 'a nonce or hash' : "'strict-dynamic'"})`
    : '';
  if (element && request.nonce) {
    const nonce = list.find((s) => s.kind === 'nonce' && s.value === request.nonce);
    if (nonce) return { allowed: true, matchedBy: serializeSource(nonce), why: `the element's nonce matches ${serializeSource(nonce)}` };
  }
  const unsafeHashes = hasKeyword(list, 'unsafe-hashes');
  if (element || unsafeHashes) {
    for (const source of list) {
      if (source.kind !== 'hash') continue;
      const digest = request.digests?.[source.algorithm];
      if (digest !== undefined && normalizeBase64(digest) === normalizeBase64(source.value)) {
        return { allowed: true, matchedBy: serializeSource(source), why: `the content's ${source.algorithm} digest matches ${serializeSource(source)}` };
      }
    }
  }
  const hashNote = !element && list.some((s) => s.kind === 'hash') && !unsafeHashes ? "; hashes apply to attributes only with 'unsafe-hashes'" : '';
  const nonceNote = element && !request.nonce && list.some((s) => s.kind === 'nonce') ? '; the element carries no nonce' : '';
  const nonceMismatch = element && request.nonce && list.some((s) => s.kind === 'nonce') ? `; the element's nonce "${request.nonce}" matches no nonce in the list` : '';
  return { allowed: false, matchedBy: null, why: `no nonce, hash or 'unsafe-inline' allows it${voided}${nonceNote}${nonceMismatch}${hashNote}` };
}

/** Base64 and base64url spell the same digest differently; CSP3 compares after normalizing. */
function normalizeBase64(value: string): string {
  return value.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
}

function decideUrl(list: SourceExpression[], request: CheckRequest, url: URL, origin: URL): Decision {
  const scriptLike = request.type === 'script' || request.type === 'worker';
  if ((request.type === 'script' || request.type === 'style') && request.nonce) {
    const nonce = list.find((s) => s.kind === 'nonce' && s.value === request.nonce);
    if (nonce) return { allowed: true, matchedBy: serializeSource(nonce), why: `the element's nonce matches ${serializeSource(nonce)}` };
  }
  if (scriptLike && hasKeyword(list, 'strict-dynamic')) {
    if ((request.initiator ?? 'parser') === 'script') {
      return { allowed: true, matchedBy: "'strict-dynamic'", why: "'strict-dynamic' trusts a script inserted by an already-trusted script" };
    }
    return {
      allowed: false,
      matchedBy: null,
      why: "'strict-dynamic' ignores host and scheme sources and 'self': a parser-inserted script needs a matching nonce (or hash)",
    };
  }
  // Fetch turns ws:/wss: into http:/https: before CSP sees a WebSocket request.
  let checked = url;
  if (request.type === 'websocket' && (url.protocol === 'ws:' || url.protocol === 'wss:')) {
    checked = new URL(url.href.replace(/^ws/i, 'http'));
  }
  const match = findMatchingExpression(checked, list, origin, request.redirectCount ?? 0);
  if (match) return { allowed: true, matchedBy: serializeSource(match), why: `${url.href} matches ${serializeSource(match)}` };
  const star = list.some((s) => s.kind === 'host' && s.host === '*' && s.scheme === null);
  const starNote = star && /^(data|blob|filesystem):$/.test(url.protocol) ? ` ('*' never matches ${url.protocol} URLs: list ${url.protocol} explicitly)` : '';
  return { allowed: false, matchedBy: null, why: `${url.href} matches no source in the list${starNote}` };
}

function decideEval(list: SourceExpression[], request: CheckRequest): Decision {
  if (hasKeyword(list, 'unsafe-eval')) return { allowed: true, matchedBy: "'unsafe-eval'", why: "'unsafe-eval' allows string evaluation" };
  if (request.type === 'wasm-eval' && hasKeyword(list, 'wasm-unsafe-eval')) {
    return { allowed: true, matchedBy: "'wasm-unsafe-eval'", why: "'wasm-unsafe-eval' allows WebAssembly compilation" };
  }
  return { allowed: false, matchedBy: null, why: request.type === 'eval' ? "no 'unsafe-eval' in the list" : "no 'wasm-unsafe-eval' or 'unsafe-eval' in the list" };
}

export type CheckInputError = { error: string };

function parseUrls(request: CheckRequest): { url: URL | null; origin: URL } | CheckInputError {
  let origin: URL;
  try {
    origin = new URL(request.origin);
  } catch {
    return { error: `the origin "${request.origin}" is not an absolute URL` };
  }
  if (!isUrlType(request.type)) return { url: null, origin };
  if (!request.url) return { error: `a ${request.type} request needs a URL` };
  try {
    return { url: new URL(request.url, origin), origin };
  } catch {
    return { error: `"${request.url}" is not a URL` };
  }
}

/** One policy's verdict on one request. */
export function checkPolicy(policy: Policy, index: number, request: CheckRequest, url: URL | null, origin: URL): PolicyVerdict {
  const effectiveDirective = effectiveDirectiveFor(request.type);
  const fallbacks = fallbackList(effectiveDirective);
  const directive = fallbacks.map((name) => getDirective(policy, name)).find((d) => d?.sources);
  const base = { index, disposition: policy.disposition, effectiveDirective };
  if (!directive?.sources) {
    return {
      ...base,
      allowed: true,
      decidedBy: null,
      matchedBy: null,
      explanation: `policy ${index + 1} has none of ${fallbacks.join(', ')}: nothing restricts ${effectiveDirective}`,
    };
  }
  const list = directive.sources;
  const onlyNone = list.length > 0 && list.every((s) => s.kind === 'none');
  let decision: Decision;
  if (onlyNone) decision = { allowed: false, matchedBy: null, why: "the list is 'none'" };
  else if (isInlineType(request.type)) decision = decideInline(list, request);
  else if (request.type === 'eval' || request.type === 'wasm-eval') decision = decideEval(list, request);
  else decision = decideUrl(list, request, url!, origin);
  const via = directive.name === effectiveDirective ? directive.name : `${directive.name} (fallback for ${effectiveDirective})`;
  const verb = decision.allowed ? 'allows' : policy.disposition === 'enforce' ? 'blocks' : 'would block (report-only)';
  return {
    ...base,
    allowed: decision.allowed,
    decidedBy: directive.name,
    matchedBy: decision.matchedBy,
    explanation: `policy ${index + 1} ${verb}: ${via} "${listText(list)}" — ${decision.why}`,
  };
}

/** The verdict of a list of policies: allowed only when every enforced policy allows. */
export function check(policies: Policy[], request: CheckRequest): Verdict | CheckInputError {
  const urls = parseUrls(request);
  if ('error' in urls) return urls;
  const verdicts = policies.map((p, i) => checkPolicy(p, i, request, urls.url, urls.origin));
  const enforced = verdicts.filter((v) => v.disposition === 'enforce');
  const blocking = enforced.find((v) => !v.allowed);
  const reported = verdicts.some((v) => v.disposition === 'report' && !v.allowed);
  const deciding = blocking ?? enforced.find((v) => v.decidedBy !== null) ?? null;
  const effectiveDirective = effectiveDirectiveFor(request.type);
  const what = isUrlType(request.type) ? `${request.type} ${urls.url!.href}` : request.type;
  const head = blocking
    ? `Blocked: ${what} is refused by ${blocking.decidedBy}.`
    : enforced.length === 0
      ? `Allowed: no enforced policy (${verdicts.length} report-only).`
      : `Allowed: ${what} passes every enforced policy.`;
  return {
    allowed: !blocking,
    effectiveDirective,
    decidedBy: deciding?.decidedBy ?? null,
    reported,
    explanation: [head, ...verdicts.map((v) => v.explanation)].join('\n'),
    policies: verdicts,
  };
}
