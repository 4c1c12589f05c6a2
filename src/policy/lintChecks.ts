// csp-harness's own lint checks: each a small pure function of one parsed policy.
import type { Type as EvaluatorType } from 'csp_evaluator/dist/finding.js';
import { fallbackList } from './directives.ts';
import { serializeSource } from './source.ts';
import type { Diagnostic, Directive, HashAlgorithm, Policy, SourceExpression } from './types.ts';

export interface LintFinding {
  severity: 'error' | 'warning' | 'info';
  /** The directive concerned, or '' when none. */
  directive: string;
  /** One sentence a site owner can act on. */
  message: string;
  /** Stable: `CSPH_…` for csp-harness's own, `CSP_EVALUATOR_<TYPE>` for csp_evaluator's. */
  code: string;
  source: 'csp_evaluator' | 'csp-harness';
  /** The source expression (or expressions) concerned, when one applies. */
  value?: string;
}

export type LintSeverity = LintFinding['severity'];

export interface Draft extends LintFinding {
  evaluatorType?: EvaluatorType;
}

export function own(severity: LintSeverity, code: string, directive: string, message: string, value?: string): Draft {
  const draft: Draft = { severity, directive, message, code, source: 'csp-harness' };
  if (value !== undefined) draft.value = value;
  return draft;
}

export function hasKeyword(list: readonly SourceExpression[], keyword: string): boolean {
  return list.some((s) => s.kind === 'keyword' && s.keyword === keyword);
}

export function quoteList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`;
}

/**
 * (a) Every parser diagnostic: errors stay errors, and the message names the column (1-based, as the CLI's
 * caret messages do) of the token or directive concerned. The directive is a field of its own, so a
 * `script-src: ` prefix is taken off the message.
 */
export function diagnosticFinding(d: Diagnostic): Draft {
  const located = d.offset !== null && (d.token !== null || d.directive !== null);
  const where = located ? ` (column ${d.offset! + 1})` : '';
  const prefix = d.directive ? `${d.directive}: ` : '';
  const body = prefix && d.message.startsWith(prefix) ? d.message.slice(prefix.length) : d.message;
  const message = `${body}${where}.`.replace(/\.\.$/, '.');
  return own(d.severity, d.code, d.directive ?? '', message, d.token ?? undefined);
}

export const NONCE_TOKEN = /^'nonce-(.*)'$/i;
export const PLACEHOLDER_WORDS = /^(nonce|your|here|placeholder|random|value|example|replace|changeme|insert|todo|dummy|test|generated)/i;
/** Nonces that documentation pages print and people copy (MDN's, common tutorial values). */
export const DOC_NONCES = new Set(['2726c7f26c', 'abc123', 'r4nd0m', '123456', '12345678']);
/** 128 bits of base64 is 22 characters (21 carry only 126 bits). */
export const MIN_NONCE_CHARS = 22;

/** Whether a nonce value looks like a documentation placeholder that was never replaced. */
export function isPlaceholderNonce(value: string): boolean {
  if (value === '') return true;
  // Template or ellipsis syntax: {nonce}, ${nonce}, <value>, %NONCE%, [nonce], EDN218..., "…".
  if (/[{}<>$%[\]…]|\.\.|^\.|\.$/.test(value)) return true;
  if (/^(.)\1+$/.test(value)) return true;
  if (DOC_NONCES.has(value.toLowerCase())) return true;
  // Words: YOUR_NONCE_HERE, your-random-nonce-value, NONCE. Real base64 nonces essentially never
  // start a "-"/"_"-separated part with one of these words.
  return value.split(/[-_]/).some((part) => PLACEHOLDER_WORDS.test(part));
}

/** (b) Nonces that are too short to be unguessable, and placeholders that were never filled in. */
export function checkNonces(policy: Policy): Draft[] {
  const out: Draft[] = [];
  for (const d of policy.directives) {
    for (const token of d.tokens) {
      const m = NONCE_TOKEN.exec(token);
      if (!m) continue;
      const value = m[1]!;
      if (isPlaceholderNonce(value)) {
        out.push(
          own(
            'warning',
            'CSPH_NONCE_PLACEHOLDER',
            d.name,
            `${token} looks like a documentation placeholder that was never filled in: generate a fresh random nonce (at least 128 bits, base64) for every response and put the same value in the nonce attribute of your <script> tags.`,
            token,
          ),
        );
        continue;
      }
      const chars = value.replace(/=+$/, '').length;
      if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value) && chars < MIN_NONCE_CHARS) {
        out.push(
          own(
            'warning',
            'CSPH_NONCE_TOO_SHORT',
            d.name,
            `${token} carries only about ${chars * 6} bits: use at least 128 bits of randomness (16 random bytes, ${MIN_NONCE_CHARS} or more base64 characters), generated anew for every response.`,
            token,
          ),
        );
      }
    }
  }
  return out;
}

export const DIGEST_BYTES: Record<HashAlgorithm, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** (c) Hashes whose digest has the wrong length for its algorithm: they can never match anything. */
export function checkHashes(policy: Policy): Draft[] {
  const out: Draft[] = [];
  for (const d of policy.directives) {
    for (const s of d.sources ?? []) {
      if (s.kind !== 'hash') continue;
      const bytes = DIGEST_BYTES[s.algorithm];
      const unpadded = s.value.replace(/=+$/, '');
      const expectedChars = Math.ceil((bytes * 8) / 6);
      if (unpadded.length === expectedChars) continue;
      const decoded = Math.floor((unpadded.length * 6) / 8);
      const hex = /^[0-9a-f]+$/i.test(s.value) && s.value.length === bytes * 2 ? ' It looks like a hex digest: CSP wants the raw digest in base64.' : '';
      out.push(
        own(
          'error',
          'CSPH_HASH_WRONG_LENGTH',
          d.name,
          `${s.text} can never match: a ${s.algorithm} digest is ${bytes} bytes (${4 * Math.ceil(bytes / 3)} base64 characters with padding), but this one decodes to ${decoded} bytes; recompute it as base64(${s.algorithm}(exact content)).${hex}`,
          s.text,
        ),
      );
    }
  }
  return out;
}

export const SCRIPT_INLINE_DIRECTIVES = new Set(['script-src', 'script-src-elem', 'script-src-attr']);
export const STYLE_INLINE_DIRECTIVES = new Set(['style-src', 'style-src-elem', 'style-src-attr']);

/** (d) 'unsafe-inline' made void by a nonce or hash in the same list, or by 'strict-dynamic' for scripts. */
export function checkVoidedUnsafeInline(policy: Policy): Draft[] {
  const out: Draft[] = [];
  for (const d of policy.directives) {
    const list = d.sources;
    if (!list || !hasKeyword(list, 'unsafe-inline')) continue;
    const scriptish = SCRIPT_INLINE_DIRECTIVES.has(d.name) || d.name === 'default-src';
    const styleish = STYLE_INLINE_DIRECTIVES.has(d.name) || d.name === 'default-src';
    if (!scriptish && !styleish) continue;
    const what = d.name === 'default-src' ? 'inline scripts and styles' : scriptish ? 'inline scripts and event handlers' : 'inline styles';
    const nonce = list.some((s) => s.kind === 'nonce');
    const hash = list.some((s) => s.kind === 'hash');
    if (nonce || hash) {
      const by = nonce && hash ? 'a nonce and a hash' : nonce ? 'a nonce' : 'a hash';
      out.push(
        own(
          'info',
          'CSPH_NONCE_VOIDS_UNSAFE_INLINE',
          d.name,
          `'unsafe-inline' is ignored by browsers that support nonces and hashes (CSP2 and later), because ${d.name} also has ${by}: ${what} run only if they carry the nonce or match a hash. Keeping 'unsafe-inline' as a fallback for old browsers is the recommended backward-compatible pattern, so leave it if that is the intent.`,
          "'unsafe-inline'",
        ),
      );
    } else if (scriptish && hasKeyword(list, 'strict-dynamic')) {
      out.push(
        own(
          'info',
          'CSPH_STRICT_DYNAMIC_VOIDS_UNSAFE_INLINE',
          d.name,
          `'unsafe-inline' is ignored for scripts by browsers that support 'strict-dynamic' (CSP3), which ${d.name} has: inline scripts and event handlers are blocked there unless you give them a nonce or hash; it only still applies in older browsers.`,
          "'unsafe-inline'",
        ),
      );
    }
  }
  return out;
}

export function directiveIn(policy: Policy, name: string): Directive | undefined {
  return policy.directives.find((d) => d.name === name);
}

/** (e) Host and scheme sources, '*' and 'self' next to 'strict-dynamic': CSP3 browsers ignore them for scripts. */
export function checkStrictDynamicAllowlist(policy: Policy): Draft[] {
  const out: Draft[] = [];
  const hasScriptDirective = directiveIn(policy, 'script-src') !== undefined || directiveIn(policy, 'script-src-elem') !== undefined;
  for (const d of policy.directives) {
    const list = d.sources;
    if (!list || !hasKeyword(list, 'strict-dynamic')) continue;
    const forScripts = d.name === 'script-src' || d.name === 'script-src-elem' || (d.name === 'default-src' && !hasScriptDirective);
    if (!forScripts) continue;
    const ignored = list.filter((s) => s.kind === 'host' || s.kind === 'scheme' || (s.kind === 'keyword' && s.keyword === 'self')).map((s) => s.text);
    if (ignored.length === 0) continue;
    const they = ignored.length === 1 ? 'it is' : 'they are';
    out.push(
      own(
        'info',
        'CSPH_STRICT_DYNAMIC_IGNORES_ALLOWLIST',
        d.name,
        `${quoteList(ignored)} ${ignored.length === 1 ? 'is' : 'are'} ignored for scripts by browsers that support 'strict-dynamic' (CSP3) and ${they} kept only as a fallback for older browsers: in current browsers a script loads only if it carries the nonce, matches a hash, or is added by an already-trusted script.`,
        ignored.join(' '),
      ),
    );
  }
  return out;
}

interface EffectiveType {
  directive: string;
  label: string;
  /** Script and style types care about every source; URL types only about where a URL may come from. */
  inline: boolean;
}

/** The effective directives a page's resources map to, with a name a site owner recognizes. */
export const EFFECTIVE_TYPES: readonly EffectiveType[] = [
  { directive: 'script-src-elem', label: 'scripts', inline: true },
  { directive: 'script-src-attr', label: 'inline event handlers', inline: true },
  { directive: 'style-src-elem', label: 'stylesheets', inline: true },
  { directive: 'style-src-attr', label: 'style attributes', inline: true },
  { directive: 'img-src', label: 'images', inline: false },
  { directive: 'font-src', label: 'fonts', inline: false },
  { directive: 'connect-src', label: 'fetch/XHR/WebSocket connections', inline: false },
  { directive: 'media-src', label: 'audio and video', inline: false },
  { directive: 'frame-src', label: 'frames', inline: false },
  { directive: 'worker-src', label: 'workers', inline: false },
  { directive: 'manifest-src', label: 'web app manifests', inline: false },
  { directive: 'object-src', label: 'plugins (<object>, <embed>)', inline: false },
  { directive: 'fenced-frame-src', label: 'fenced frames', inline: false },
];

/** The directives of `policy` that a type consults, in fallback order (only those present). */
export function presentChain(policy: Policy, effective: string): Directive[] {
  return fallbackList(effective)
    .map((name) => directiveIn(policy, name))
    .filter((d): d is Directive => d !== undefined && d.sources !== null);
}

export function isLocationSource(s: SourceExpression): boolean {
  return s.kind === 'host' || s.kind === 'scheme' || (s.kind === 'keyword' && s.keyword === 'self');
}

/** (f) A directive that overrides default-src (or script-src, …) for some types, dropping sources they had. */
export function checkOverrides(policy: Policy): Draft[] {
  const groups = new Map<string, { directive: string; parent: string; types: string[]; missing: Set<string> }>();
  for (const type of EFFECTIVE_TYPES) {
    const [decides, parent] = presentChain(policy, type.directive);
    if (!decides || !parent) continue;
    const list = decides.sources!;
    // An explicit 'none' is a deliberate block (object-src 'none' is good practice), not a trap.
    if (list.length > 0 && list.every((s) => s.kind === 'none')) continue;
    const relevant = (s: SourceExpression) => s.kind !== 'none' && (type.inline || isLocationSource(s));
    const have = new Set(list.map((s) => serializeSource(s).toLowerCase()));
    const missing = parent.sources!.filter(relevant).filter((s) => !have.has(serializeSource(s).toLowerCase()));
    if (missing.length === 0) continue;
    const key = `${decides.name} ${parent.name}`;
    const group = groups.get(key) ?? { directive: decides.name, parent: parent.name, types: [], missing: new Set<string>() };
    group.types.push(type.label);
    for (const s of missing) group.missing.add(s.text);
    groups.set(key, group);
  }
  const out: Draft[] = [];
  for (const g of groups.values()) {
    const missing = [...g.missing];
    const them = missing.length === 1 ? 'it' : 'them';
    out.push(
      own(
        'info',
        `CSPH_OVERRIDES_${g.parent.toUpperCase().replace(/-/g, '_')}`,
        g.directive,
        `${g.directive} overrides ${g.parent} for ${quoteList(g.types)}, which no longer fall back to ${g.parent}, so ${g.parent}'s ${quoteList(missing)} ${missing.length === 1 ? 'does' : 'do'} not apply to them: add ${them} to ${g.directive} too if they need ${them}.`,
        missing.join(' '),
      ),
    );
  }
  return out;
}

/** Types where data: or blob: URLs are common (inline icons and fonts, file previews, video, blob frames). */
export const STAR_SCHEMES: readonly { directive: string; label: string; schemes: readonly string[] }[] = [
  { directive: 'img-src', label: 'images', schemes: ['data:', 'blob:'] },
  { directive: 'font-src', label: 'fonts', schemes: ['data:'] },
  { directive: 'media-src', label: 'media', schemes: ['data:', 'blob:'] },
  { directive: 'frame-src', label: 'frames', schemes: ['blob:'] },
];

/** (g) '*' where data:/blob: might be expected: '*' matches neither. */
export function checkStarWithoutData(policy: Policy): Draft[] {
  // directive holding '*' → scheme → types that miss it
  const byDirective = new Map<string, Map<string, string[]>>();
  for (const type of STAR_SCHEMES) {
    const [decides] = presentChain(policy, type.directive);
    if (!decides) continue;
    const list = decides.sources!;
    if (!list.some((s) => s.kind === 'host' && s.host === '*')) continue;
    for (const scheme of type.schemes) {
      if (list.some((s) => s.kind === 'scheme' && `${s.scheme}:` === scheme)) continue;
      const schemes = byDirective.get(decides.name) ?? new Map<string, string[]>();
      schemes.set(scheme, [...(schemes.get(scheme) ?? []), type.label]);
      byDirective.set(decides.name, schemes);
    }
  }
  const out: Draft[] = [];
  for (const [directive, schemes] of byDirective) {
    const parts = [...schemes].map(([scheme, labels]) => `${scheme} URLs for ${quoteList(labels)}`);
    const add = quoteList([...schemes.keys()]);
    const dataFor = schemes.get('data:') ?? [];
    const symptom = dataFor.includes('images') || dataFor.includes('fonts') ? ' (broken icons and fonts are the usual symptom)' : '';
    out.push(
      own(
        'info',
        'CSPH_STAR_EXCLUDES_DATA',
        directive,
        `'*' does not match data: or blob: URLs, so ${directive} blocks ${parts.join(', and ')}: add ${add} to ${directive} if your page or embeds use them${symptom}.`,
        '*',
      ),
    );
  }
  return out;
}

/** (h) report-to: the harness swaps in its own report-uri while testing; browsers prefer report-to. */
export function checkReportTo(policy: Policy): Draft[] {
  const d = directiveIn(policy, 'report-to');
  if (!d) return [];
  const hasUri = directiveIn(policy, 'report-uri') !== undefined;
  const group = d.tokens.join(' ');
  const defined = group ? `make sure the endpoint group "${group}" is defined in a Reporting-Endpoints header` : 'name an endpoint group defined in a Reporting-Endpoints header';
  const message = hasUri
    ? `While testing, csp-harness replaces report-to and report-uri with its own report-uri to collect violations; in production, browsers that support report-to ignore report-uri when both are present, so ${defined}.`
    : `While testing, csp-harness replaces report-to with its own report-uri to collect violations; in production, ${defined}, and consider a report-uri as well for browsers without report-to (browsers with it ignore report-uri).`;
  return [own('info', 'CSPH_REPORT_TO', 'report-to', message, group || undefined)];
}

export const POLICY_CHECKS: readonly ((policy: Policy) => Draft[])[] = [
  checkNonces,
  checkHashes,
  checkVoidedUnsafeInline,
  checkStrictDynamicAllowlist,
  checkOverrides,
  checkStarWithoutData,
  checkReportTo,
];

// ---------------------------------------------------------------------------------------------
// Putting it together

export const sameValue = (a: string | undefined, b: string | undefined) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/** Where both tools speak about the same thing, keep the more specific finding. */
