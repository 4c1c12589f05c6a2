// `csp-harness lint`'s brain: Google's csp_evaluator findings, plus csp-harness's own where it is silent.
// Pure: never throws; a check that fails becomes a finding.
//
// csp_evaluator is CommonJS (no "exports" map, no "type"), so ESM may deep-import its dist files. Node
// (and so vitest and `node --import tsx`) finds the named exports with cjs-module-lexer, since tsc emits
// each as a plain `exports.Name = …` assignment: named imports work at run time and keep its types.
import { CspEvaluator, DEFAULT_CHECKS, STRICTCSP_CHECKS } from 'csp_evaluator/dist/evaluator.js';
import { Severity as EvaluatorSeverity, Type as EvaluatorType } from 'csp_evaluator/dist/finding.js';
import type { Finding as EvaluatorFinding } from 'csp_evaluator/dist/finding.js';
import { CspParser } from 'csp_evaluator/dist/parser.js';
import { Version } from 'csp_evaluator/dist/csp.js';
import { fallbackList, isKnownDirective } from './directives.ts';
import { parsePolicyList } from './parse.ts';
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

type LintSeverity = LintFinding['severity'];

// ---------------------------------------------------------------------------------------------
// csp_evaluator

const SEVERITY_MAP: ReadonlyMap<EvaluatorSeverity, LintSeverity> = new Map([
  [EvaluatorSeverity.HIGH, 'error'],
  [EvaluatorSeverity.SYNTAX, 'error'],
  [EvaluatorSeverity.MEDIUM, 'warning'],
  [EvaluatorSeverity.HIGH_MAYBE, 'warning'],
  [EvaluatorSeverity.STRICT_CSP, 'warning'],
  [EvaluatorSeverity.MEDIUM_MAYBE, 'warning'],
  [EvaluatorSeverity.INFO, 'info'],
  // Severity.NONE (the "ignored because of a nonce / 'strict-dynamic'" notes) is dropped: checks (d) and (e) say it.
]);

/**
 * Findings csp_evaluator makes that csp-harness leaves out. REQUIRE_TRUSTED_TYPES_FOR_SCRIPTS fires on every
 * policy without `require-trusted-types-for 'script'`, and turning Trusted Types on breaks most third-party
 * embeds, which is what this tool tests: as a default suggestion it is noise here.
 */
const DROPPED_TYPES: ReadonlySet<EvaluatorType> = new Set([EvaluatorType.REQUIRE_TRUSTED_TYPES_FOR_SCRIPTS]);

/** Internal: a finding plus what reconciliation needs to know about it. */
interface Draft extends LintFinding {
  evaluatorType?: EvaluatorType;
}

function evaluatorCode(type: EvaluatorType): string {
  return `CSP_EVALUATOR_${EvaluatorType[type] ?? String(type)}`;
}

/** `directive NUL token`: how a rejected token is remembered. */
const tokenKey = (directive: string, token: string) => `${directive}\u0000${token}`;

/**
 * Runs csp_evaluator (CSP3) on one serialized policy (no commas), as browsers read it: without the tokens
 * csp-harness's parser rejected (`rejected`), which it reports itself with their column. Left in, they only
 * draw vaguer findings ("seems to be an invalid CSP keyword") or make a check throw (checkIpSource calls
 * `new URL()` on every source). Each check also runs on its own, so one that throws costs only its own
 * findings. `label` names the policy in a failure message.
 */
function evaluatorFindings(text: string, label: string, rejected: ReadonlySet<string>): Draft[] {
  const parsed = new CspParser(text).csp;
  for (const [name, values] of Object.entries(parsed.directives)) {
    if (values) parsed.directives[name] = values.filter((v) => !rejected.has(tokenKey(name, v)));
  }
  // The strict-CSP checks run on the policy as written: on the "effective" policy csp_evaluator has already
  // removed the 'unsafe-inline' and host fall-backs they look for, and would advise adding what is there.
  const runs = [
    ...STRICTCSP_CHECKS.map((check) => ({ check, run: () => new CspEvaluator(parsed, Version.CSP3).evaluate([check], []) })),
    ...DEFAULT_CHECKS.map((check) => ({ check, run: () => new CspEvaluator(parsed, Version.CSP3).evaluate(undefined, [check]) })),
  ];
  const drafts: Draft[] = [];
  for (const { check, run } of runs) {
    let findings: EvaluatorFinding[];
    try {
      findings = run();
    } catch (error) {
      drafts.push(
        own(
          'warning',
          'CSPH_EVALUATOR_FAILED',
          '',
          `csp_evaluator's ${check.name || 'check'} could not run on ${label} (${describe(error)}), so its findings are missing: fix the errors reported for this policy and lint again.`,
        ),
      );
      continue;
    }
    for (const f of findings) {
      const severity = SEVERITY_MAP.get(f.severity);
      if (severity === undefined || DROPPED_TYPES.has(f.type)) continue;
      const draft: Draft = {
        severity,
        directive: f.directive ?? '',
        message: f.description,
        code: evaluatorCode(f.type),
        source: 'csp_evaluator',
        evaluatorType: f.type,
      };
      if (f.value !== undefined) draft.value = f.value;
      drafts.push(draft);
    }
  }
  return drafts;
}

/** The comma-separated members of a CSP list, as parsePolicyList splits them (blank members skipped). */
function splitPolicyList(serialized: string): string[] {
  return serialized.split(',').filter((piece) => piece.trim() !== '');
}

// ---------------------------------------------------------------------------------------------
// csp-harness's own checks. Each takes one parsed policy and returns findings.

function own(severity: LintSeverity, code: string, directive: string, message: string, value?: string): Draft {
  const draft: Draft = { severity, directive, message, code, source: 'csp-harness' };
  if (value !== undefined) draft.value = value;
  return draft;
}

function hasKeyword(list: readonly SourceExpression[], keyword: string): boolean {
  return list.some((s) => s.kind === 'keyword' && s.keyword === keyword);
}

function quoteList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`;
}

/**
 * (a) Every parser diagnostic: errors stay errors, and the message names the column (1-based, as the CLI's
 * caret messages do) of the token or directive concerned. The directive is a field of its own, so a
 * `script-src: ` prefix is taken off the message.
 */
function diagnosticFinding(d: Diagnostic): Draft {
  const located = d.offset !== null && (d.token !== null || d.directive !== null);
  const where = located ? ` (column ${d.offset! + 1})` : '';
  const prefix = d.directive ? `${d.directive}: ` : '';
  const body = prefix && d.message.startsWith(prefix) ? d.message.slice(prefix.length) : d.message;
  const message = `${body}${where}.`.replace(/\.\.$/, '.');
  return own(d.severity, d.code, d.directive ?? '', message, d.token ?? undefined);
}

const NONCE_TOKEN = /^'nonce-(.*)'$/i;
const PLACEHOLDER_WORDS = /^(nonce|your|here|placeholder|random|value|example|replace|changeme|insert|todo|dummy|test|generated)/i;
/** Nonces that documentation pages print and people copy (MDN's, common tutorial values). */
const DOC_NONCES = new Set(['2726c7f26c', 'abc123', 'r4nd0m', '123456', '12345678']);
/** 128 bits of base64 is 22 characters (21 carry only 126 bits). */
const MIN_NONCE_CHARS = 22;

/** Whether a nonce value looks like a documentation placeholder that was never replaced. */
function isPlaceholderNonce(value: string): boolean {
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
function checkNonces(policy: Policy): Draft[] {
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

const DIGEST_BYTES: Record<HashAlgorithm, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** (c) Hashes whose digest has the wrong length for its algorithm: they can never match anything. */
function checkHashes(policy: Policy): Draft[] {
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

const SCRIPT_INLINE_DIRECTIVES = new Set(['script-src', 'script-src-elem', 'script-src-attr']);
const STYLE_INLINE_DIRECTIVES = new Set(['style-src', 'style-src-elem', 'style-src-attr']);

/** (d) 'unsafe-inline' made void by a nonce or hash in the same list, or by 'strict-dynamic' for scripts. */
function checkVoidedUnsafeInline(policy: Policy): Draft[] {
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

function directiveIn(policy: Policy, name: string): Directive | undefined {
  return policy.directives.find((d) => d.name === name);
}

/** (e) Host and scheme sources, '*' and 'self' next to 'strict-dynamic': CSP3 browsers ignore them for scripts. */
function checkStrictDynamicAllowlist(policy: Policy): Draft[] {
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
const EFFECTIVE_TYPES: readonly EffectiveType[] = [
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
function presentChain(policy: Policy, effective: string): Directive[] {
  return fallbackList(effective)
    .map((name) => directiveIn(policy, name))
    .filter((d): d is Directive => d !== undefined && d.sources !== null);
}

function isLocationSource(s: SourceExpression): boolean {
  return s.kind === 'host' || s.kind === 'scheme' || (s.kind === 'keyword' && s.keyword === 'self');
}

/** (f) A directive that overrides default-src (or script-src, …) for some types, dropping sources they had. */
function checkOverrides(policy: Policy): Draft[] {
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
const STAR_SCHEMES: readonly { directive: string; label: string; schemes: readonly string[] }[] = [
  { directive: 'img-src', label: 'images', schemes: ['data:', 'blob:'] },
  { directive: 'font-src', label: 'fonts', schemes: ['data:'] },
  { directive: 'media-src', label: 'media', schemes: ['data:', 'blob:'] },
  { directive: 'frame-src', label: 'frames', schemes: ['blob:'] },
];

/** (g) '*' where data:/blob: might be expected: '*' matches neither. */
function checkStarWithoutData(policy: Policy): Draft[] {
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
function checkReportTo(policy: Policy): Draft[] {
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

const POLICY_CHECKS: readonly ((policy: Policy) => Draft[])[] = [
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

const sameValue = (a: string | undefined, b: string | undefined) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/** Where both tools speak about the same thing, keep the more specific finding. */
function reconcile(drafts: Draft[]): Draft[] {
  const ours = drafts.filter((f) => f.source === 'csp-harness');
  const theirs = drafts.filter((f) => f.source === 'csp_evaluator');
  const tokenFindings = ours.filter((f) => f.severity === 'error' || f.code === 'CSPH_NONCE_PLACEHOLDER');
  return drafts.filter((f) => {
    if (f.source === 'csp_evaluator') {
      // csp_evaluator 1.1.8 predates some CSP3 directives (fenced-frame-src): do not call them unknown.
      if (f.evaluatorType === EvaluatorType.UNKNOWN_DIRECTIVE && isKnownDirective(f.directive)) return false;
      // A nonce csp-harness calls a placeholder (or a token its parser rejected, should one slip through):
      // csp_evaluator's "invalid keyword", "nonce charset" and "nonce length" on the same token add nothing.
      const tokenTypes = [EvaluatorType.INVALID_KEYWORD, EvaluatorType.NONCE_CHARSET, EvaluatorType.NONCE_LENGTH];
      if (f.evaluatorType !== undefined && tokenTypes.includes(f.evaluatorType)) {
        return !tokenFindings.some((o) => o.directive === f.directive && o.value !== undefined && sameValue(o.value, f.value));
      }
      return true;
    }
    if (f.code === 'CSPH_UNKNOWN_DIRECTIVE') {
      const said = [EvaluatorType.UNKNOWN_DIRECTIVE, EvaluatorType.DEPRECATED_DIRECTIVE];
      return !theirs.some((t) => t.directive === f.directive && t.evaluatorType !== undefined && said.includes(t.evaluatorType));
    }
    if (f.code === 'CSPH_NONCE_TOO_SHORT') {
      return !theirs.some((t) => t.evaluatorType === EvaluatorType.NONCE_LENGTH && t.directive === f.directive && sameValue(t.value, f.value));
    }
    return true;
  });
}

/** (i) One finding per code + directive + value. */
function dedupe(findings: LintFinding[]): LintFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}\u0000${f.directive}\u0000${f.value ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const RANK: Record<LintSeverity, number> = { error: 0, warning: 1, info: 2 };

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Lints a serialized CSP list (one header value; comma-separated policies are linted one by one).
 * Errors first, then warnings, then info; never throws.
 */
export function lintPolicy(serialized: string): LintFinding[] {
  const text = typeof serialized === 'string' ? serialized : String(serialized);
  const evaluatorDrafts: Draft[] = [];
  const ownDrafts: Draft[] = [];

  let policies: Policy[] = [];
  const rejected = new Set<string>();
  try {
    const parsed = parsePolicyList(text);
    policies = parsed.policies;
    ownDrafts.push(...parsed.diagnostics.map(diagnosticFinding));
    for (const d of parsed.diagnostics) {
      if (d.severity === 'error' && d.directive !== null && d.token !== null) rejected.add(tokenKey(d.directive, d.token));
    }
  } catch (error) {
    ownDrafts.push(own('warning', 'CSPH_LINT_CHECK_FAILED', '', `csp-harness could not parse this policy (${describe(error)}); please report this as a bug.`));
  }

  splitPolicyList(text).forEach((piece, i, all) => {
    const label = all.length > 1 ? `policy #${i + 1} of the list` : 'this policy';
    try {
      evaluatorDrafts.push(...evaluatorFindings(piece, label, rejected));
    } catch (error) {
      evaluatorDrafts.push(own('warning', 'CSPH_EVALUATOR_FAILED', '', `csp_evaluator could not read ${label} (${describe(error)}), so its findings are missing: fix the errors reported for it and lint again.`));
    }
  });
  const drafts: Draft[] = [...evaluatorDrafts, ...ownDrafts];

  for (const policy of policies) {
    for (const check of POLICY_CHECKS) {
      try {
        drafts.push(...check(policy));
      } catch (error) {
        drafts.push(own('warning', 'CSPH_LINT_CHECK_FAILED', '', `csp-harness's ${check.name} check failed (${describe(error)}); please report this as a bug.`));
      }
    }
  }

  const findings: LintFinding[] = reconcile(drafts).map(({ evaluatorType: _type, ...finding }) => finding);
  return dedupe(findings)
    .map((f, i) => ({ f, i }))
    .sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);
}
