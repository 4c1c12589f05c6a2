// Table-driven tests of `lintPolicy`: csp_evaluator's findings (and how its severities map), and each of
// csp-harness's own checks (a)–(i) with a policy that triggers it and one that must not. The seed
// documents' policies are in lint.seeds.test.ts.
import { describe, expect, it } from 'vitest';
import { CspEvaluator } from 'csp_evaluator/dist/evaluator.js';
import { Severity, Type } from 'csp_evaluator/dist/finding.js';
import { CspParser } from 'csp_evaluator/dist/parser.js';
import { Version } from 'csp_evaluator/dist/csp.js';
import { lintPolicy } from './index.ts';
import type { LintFinding } from './index.ts';
import { find, NONCE, NONCE_128, SHA256, SHA384, SHA512 } from './lint.testkit.ts';


describe('importing csp_evaluator (CommonJS) from ESM', () => {
  it('named exports work at run time and the enums have the numbers lint.ts maps', () => {
    expect(typeof CspEvaluator).toBe('function');
    expect([Severity.HIGH, Severity.SYNTAX, Severity.MEDIUM, Severity.HIGH_MAYBE, Severity.STRICT_CSP, Severity.MEDIUM_MAYBE, Severity.INFO, Severity.NONE]).toEqual([
      10, 20, 30, 40, 45, 50, 60, 100,
    ]);
    expect(Type[Type.SCRIPT_UNSAFE_INLINE]).toBe('SCRIPT_UNSAFE_INLINE');
    const findings = new CspEvaluator(new CspParser("script-src 'unsafe-inline'").csp, Version.CSP3).evaluate();
    expect(findings.some((f) => f.type === Type.SCRIPT_UNSAFE_INLINE && f.severity === Severity.HIGH)).toBe(true);
  });
});

interface EvaluatorRow {
  name: string;
  policy: string;
  code: string;
  directive: string;
  severity: LintFinding['severity'];
  value?: string;
}

const evaluatorRows: EvaluatorRow[] = [
  { name: "HIGH: 'unsafe-inline' in script-src", policy: "script-src 'unsafe-inline'; object-src 'none'", code: 'CSP_EVALUATOR_SCRIPT_UNSAFE_INLINE', directive: 'script-src', severity: 'error', value: "'unsafe-inline'" },
  { name: "HIGH: default-src *", policy: 'default-src *', code: 'CSP_EVALUATOR_PLAIN_WILDCARD', directive: 'default-src', severity: 'error', value: '*' },
  { name: 'HIGH: missing object-src', policy: "script-src 'self'", code: 'CSP_EVALUATOR_MISSING_DIRECTIVES', directive: 'object-src', severity: 'error' },
  { name: 'SYNTAX: an unknown directive', policy: "scirpt-src 'self'", code: 'CSP_EVALUATOR_UNKNOWN_DIRECTIVE', directive: 'scirpt-src', severity: 'error' },
  { name: 'SYNTAX: a keyword without quotes', policy: 'script-src self; object-src none', code: 'CSP_EVALUATOR_INVALID_KEYWORD', directive: 'object-src', severity: 'error', value: 'none' },
  { name: 'MEDIUM: an http: source', policy: "img-src http://img.test; script-src 'none'; object-src 'none'", code: 'CSP_EVALUATOR_SRC_HTTP', directive: 'img-src', severity: 'warning' },
  { name: "MEDIUM_MAYBE: 'unsafe-eval'", policy: "script-src 'self' 'unsafe-eval'; object-src 'none'", code: 'CSP_EVALUATOR_SCRIPT_UNSAFE_EVAL', directive: 'script-src', severity: 'warning' },
  { name: 'STRICT_CSP: a host allow-list without strict-dynamic', policy: "script-src https://cdn.test; object-src 'none'", code: 'CSP_EVALUATOR_STRICT_DYNAMIC', directive: 'script-src', severity: 'warning' },
  { name: "STRICT_CSP: a nonce without the 'unsafe-inline' fallback", policy: `script-src 'nonce-${NONCE}'; object-src 'none'; base-uri 'none'`, code: 'CSP_EVALUATOR_UNSAFE_INLINE_FALLBACK', directive: 'script-src', severity: 'warning' },
  { name: 'INFO: a localhost source', policy: "script-src 'self' 127.0.0.1; object-src 'none'", code: 'CSP_EVALUATOR_IP_SOURCE', directive: 'script-src', severity: 'info' },
  { name: 'INFO: a deprecated directive', policy: "script-src 'self'; object-src 'none'; referrer no-referrer", code: 'CSP_EVALUATOR_DEPRECATED_DIRECTIVE', directive: 'referrer', severity: 'info' },
];

describe("csp_evaluator's findings and severities", () => {
  it.each(evaluatorRows)('$name', (row) => {
    const hits = find(lintPolicy(row.policy), row.code, row.directive);
    expect(hits.length, JSON.stringify(lintPolicy(row.policy), null, 1)).toBeGreaterThan(0);
    for (const hit of hits) {
      expect(hit.severity).toBe(row.severity);
      expect(hit.source).toBe('csp_evaluator');
      expect(hit.message.length).toBeGreaterThan(10);
      if (row.value !== undefined) expect(hit.value).toBe(row.value);
    }
  });

  it("does not repeat csp_evaluator's 'unsafe-inline' error with a finding of its own", () => {
    const findings = lintPolicy("script-src 'unsafe-inline'; object-src 'none'");
    expect(findings.filter((f) => f.value === "'unsafe-inline'").map((f) => f.code)).toEqual(['CSP_EVALUATOR_SCRIPT_UNSAFE_INLINE']);
  });

  it('leaves out the ignored-because-of-a-nonce notes (severity NONE) and the Trusted Types suggestion', () => {
    const findings = lintPolicy(`script-src 'nonce-${NONCE}' 'unsafe-inline' 'strict-dynamic' https:; object-src 'none'; base-uri 'none'`);
    expect(findings.filter((f) => f.code === 'CSP_EVALUATOR_IGNORED')).toEqual([]);
    expect(findings.filter((f) => f.code === 'CSP_EVALUATOR_REQUIRE_TRUSTED_TYPES_FOR_SCRIPTS')).toEqual([]);
  });

  it('runs the strict-CSP checks on the policy as written, not on the effective one', () => {
    // The effective policy has lost 'unsafe-inline' and https: to the nonce and 'strict-dynamic'.
    const findings = lintPolicy(`script-src 'nonce-${NONCE}' 'unsafe-inline' 'strict-dynamic' https:; object-src 'none'; base-uri 'none'`);
    expect(find(findings, 'CSP_EVALUATOR_UNSAFE_INLINE_FALLBACK')).toEqual([]);
    expect(find(findings, 'CSP_EVALUATOR_ALLOWLIST_FALLBACK')).toEqual([]);
  });

  it('lints each comma-separated policy on its own', () => {
    const findings = lintPolicy("script-src 'self'; object-src 'none', img-src http://img.test");
    expect(find(findings, 'CSP_EVALUATOR_SRC_HTTP', 'img-src')).toHaveLength(1);
    // The second policy has no script-src: csp_evaluator says so for it alone.
    expect(find(findings, 'CSP_EVALUATOR_MISSING_DIRECTIVES', 'script-src')).toHaveLength(1);
  });
});

interface OwnRow {
  name: string;
  policy: string;
  code: string;
  /** Present means the finding must appear (with these fields); absent means it must not appear at all. */
  expect?: { directive: string; severity: LintFinding['severity']; value?: string; message?: RegExp };
}

const ownRows: Record<string, OwnRow[]> = {
  '(a) parser diagnostics': [
    {
      name: 'a host starting with "." is an error naming the column of the bad host',
      policy: 'connect-src https://.velaro.com',
      code: 'CSPH_BAD_HOST',
      expect: { directive: 'connect-src', severity: 'error', value: 'https://.velaro.com', message: /did you mean "\*\.velaro\.com"\?.*\(column 21\)/ },
    },
    { name: 'a wildcard host is fine', policy: 'connect-src https://*.velaro.com', code: 'CSPH_BAD_HOST' },
    {
      name: 'an unterminated quote is an error naming its column',
      policy: "script-src 'self; object-src 'none'",
      code: 'CSPH_UNTERMINATED_QUOTE',
      expect: { directive: 'script-src', severity: 'error', value: "'self", message: /never closed.*\(column 12\)/ },
    },
    { name: 'a closed quote is fine', policy: "script-src 'self'; object-src 'none'", code: 'CSPH_UNTERMINATED_QUOTE' },
    {
      name: 'warnings stay warnings: a repeated directive',
      policy: "img-src 'self'; img-src *",
      code: 'CSPH_DUPLICATE_DIRECTIVE',
      expect: { directive: 'img-src', severity: 'warning', message: /first img-src wins/ },
    },
    { name: 'no repetition, no warning', policy: "img-src 'self'; font-src *", code: 'CSPH_DUPLICATE_DIRECTIVE' },
    {
      name: 'a bad port is an error',
      policy: 'connect-src https://api.test:http',
      code: 'CSPH_BAD_PORT',
      expect: { directive: 'connect-src', severity: 'error', message: /invalid port "http".*\(column 30\)/ },
    },
  ],
  '(b) nonces': [
    {
      name: 'a nonce of 14 base64 characters is too short',
      policy: "script-src 'nonce-abcdefgh12AB34'",
      code: 'CSPH_NONCE_TOO_SHORT',
      expect: { directive: 'script-src', severity: 'warning', value: "'nonce-abcdefgh12AB34'", message: /128 bits/ },
    },
    { name: 'a 16-byte nonce is long enough', policy: `script-src 'nonce-${NONCE_128}'`, code: 'CSPH_NONCE_TOO_SHORT' },
    { name: 'a 32-byte nonce is long enough', policy: `script-src 'nonce-${NONCE}'`, code: 'CSPH_NONCE_TOO_SHORT' },
    {
      name: "an empty 'nonce-' was never filled in",
      policy: "script-src 'nonce-' 'strict-dynamic'",
      code: 'CSPH_NONCE_PLACEHOLDER',
      expect: { directive: 'script-src', severity: 'warning', value: "'nonce-'", message: /placeholder.*never filled in/ },
    },
    {
      name: "'nonce-YOUR_NONCE_HERE' is a placeholder",
      policy: "script-src 'nonce-YOUR_NONCE_HERE'",
      code: 'CSPH_NONCE_PLACEHOLDER',
      expect: { directive: 'script-src', severity: 'warning', value: "'nonce-YOUR_NONCE_HERE'" },
    },
    {
      name: "'nonce-EDN218...' (an ellipsis) is a placeholder",
      policy: "script-src 'self' 'nonce-EDN218...'",
      code: 'CSPH_NONCE_PLACEHOLDER',
      expect: { directive: 'script-src', severity: 'warning', value: "'nonce-EDN218...'" },
    },
    {
      name: "'nonce-${nonce}' (a template left in) is a placeholder",
      policy: "script-src 'nonce-${nonce}' 'strict-dynamic'",
      code: 'CSPH_NONCE_PLACEHOLDER',
      expect: { directive: 'script-src', severity: 'warning' },
    },
    { name: 'a random nonce is no placeholder', policy: `script-src 'nonce-${NONCE}' 'strict-dynamic'`, code: 'CSPH_NONCE_PLACEHOLDER' },
  ],
  '(c) hashes': [
    {
      name: 'a sha256 digest of 33 bytes can never match',
      policy: "script-src 'self' 'sha256-k9v+1rD48p+PyMPVGFijWfgSnkelbj/APH3uJacPuoB0='",
      code: 'CSPH_HASH_WRONG_LENGTH',
      expect: { directive: 'script-src', severity: 'error', value: "'sha256-k9v+1rD48p+PyMPVGFijWfgSnkelbj/APH3uJacPuoB0='", message: /can never match.*32 bytes.*33 bytes/ },
    },
    {
      name: 'a hex sha256 digest can never match, and the message says why',
      policy: "script-src 'sha256-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'",
      code: 'CSPH_HASH_WRONG_LENGTH',
      expect: { directive: 'script-src', severity: 'error', message: /hex digest/ },
    },
    {
      name: 'a sha384 label on a sha256 digest can never match',
      policy: `style-src 'sha384-${SHA256}'`,
      code: 'CSPH_HASH_WRONG_LENGTH',
      expect: { directive: 'style-src', severity: 'error', message: /48 bytes.*32 bytes/ },
    },
    { name: 'a real sha256 digest', policy: `script-src 'sha256-${SHA256}'`, code: 'CSPH_HASH_WRONG_LENGTH' },
    { name: 'a real sha256 digest without padding', policy: `script-src 'sha256-${SHA256.replace(/=+$/, '')}'`, code: 'CSPH_HASH_WRONG_LENGTH' },
    { name: 'a real sha384 digest', policy: `script-src 'sha384-${SHA384}'`, code: 'CSPH_HASH_WRONG_LENGTH' },
    { name: 'a real sha512 digest', policy: `script-src 'sha512-${SHA512}'`, code: 'CSPH_HASH_WRONG_LENGTH' },
  ],
  "(d) 'unsafe-inline' made void": [
    {
      name: 'by a nonce in script-src: the backward-compatible pattern',
      policy: `script-src 'nonce-${NONCE}' 'unsafe-inline'; object-src 'none'; base-uri 'none'`,
      code: 'CSPH_NONCE_VOIDS_UNSAFE_INLINE',
      expect: { directive: 'script-src', severity: 'info', value: "'unsafe-inline'", message: /ignored.*recommended backward-compatible pattern/ },
    },
    {
      name: 'by a hash in style-src',
      policy: `style-src 'unsafe-inline' 'sha256-${SHA256}'`,
      code: 'CSPH_NONCE_VOIDS_UNSAFE_INLINE',
      expect: { directive: 'style-src', severity: 'info', message: /a hash: inline styles/ },
    },
    {
      name: "by 'strict-dynamic' alone, for scripts",
      policy: "script-src 'unsafe-inline' 'strict-dynamic'",
      code: 'CSPH_STRICT_DYNAMIC_VOIDS_UNSAFE_INLINE',
      expect: { directive: 'script-src', severity: 'info', message: /'strict-dynamic'/ },
    },
    { name: "not without a nonce or hash (csp_evaluator's error covers it)", policy: "script-src 'unsafe-inline'", code: 'CSPH_NONCE_VOIDS_UNSAFE_INLINE' },
    { name: "not by 'strict-dynamic' for styles", policy: "style-src 'unsafe-inline' 'strict-dynamic'", code: 'CSPH_STRICT_DYNAMIC_VOIDS_UNSAFE_INLINE' },
    { name: 'not by a nonce in another directive', policy: `script-src 'nonce-${NONCE}'; style-src 'unsafe-inline'`, code: 'CSPH_NONCE_VOIDS_UNSAFE_INLINE' },
    { name: 'not by a malformed nonce (browsers do not count it)', policy: "script-src 'nonce-EDN218...' 'unsafe-inline'", code: 'CSPH_NONCE_VOIDS_UNSAFE_INLINE' },
  ],
  "(e) allow-lists next to 'strict-dynamic'": [
    {
      name: "hosts, schemes and 'self' in script-src",
      policy: `script-src 'nonce-${NONCE}' 'strict-dynamic' 'self' https: https://app-cdn.velaro.com; object-src 'none'; base-uri 'none'`,
      code: 'CSPH_STRICT_DYNAMIC_IGNORES_ALLOWLIST',
      expect: { directive: 'script-src', severity: 'info', value: "'self' https: https://app-cdn.velaro.com", message: /ignored.*fallback for older browsers/ },
    },
    {
      name: 'default-src when it is the script fallback',
      policy: `default-src 'nonce-${NONCE}' 'strict-dynamic' https:`,
      code: 'CSPH_STRICT_DYNAMIC_IGNORES_ALLOWLIST',
      expect: { directive: 'default-src', severity: 'info', value: 'https:' },
    },
    { name: "not without 'strict-dynamic'", policy: `script-src 'nonce-${NONCE}' 'self' https://cdn.test`, code: 'CSPH_STRICT_DYNAMIC_IGNORES_ALLOWLIST' },
    { name: 'not with a nonce alone', policy: `script-src 'nonce-${NONCE}' 'strict-dynamic'`, code: 'CSPH_STRICT_DYNAMIC_IGNORES_ALLOWLIST' },
    {
      name: 'not on default-src when script-src decides for scripts',
      policy: `default-src 'strict-dynamic' https:; script-src 'nonce-${NONCE}'`,
      code: 'CSPH_STRICT_DYNAMIC_IGNORES_ALLOWLIST',
    },
  ],
  '(f) a directive overriding default-src': [
    {
      name: "the Provide Support trap: default-src * then script-src 'self'",
      policy: "default-src *; script-src 'self'",
      code: 'CSPH_OVERRIDES_DEFAULT_SRC',
      expect: { directive: 'script-src', severity: 'info', value: '*', message: /script-src overrides default-src for scripts.*workers.*no longer fall back to default-src/ },
    },
    {
      name: 'connect-src and media-src override default-src too',
      policy: "default-src * data:; connect-src 'self'",
      code: 'CSPH_OVERRIDES_DEFAULT_SRC',
      expect: { directive: 'connect-src', severity: 'info', value: '* data:', message: /connections/ },
    },
    {
      name: 'script-src-elem overriding script-src',
      policy: "script-src 'self' https://cdn.test; script-src-elem 'self'",
      code: 'CSPH_OVERRIDES_SCRIPT_SRC',
      expect: { directive: 'script-src-elem', severity: 'info', value: 'https://cdn.test' },
    },
    { name: 'not when the directive keeps what default-src allowed', policy: "default-src 'self'; script-src 'self' https://cdn.test", code: 'CSPH_OVERRIDES_DEFAULT_SRC' },
    { name: "not for a deliberate object-src 'none'", policy: "default-src *; object-src 'none'", code: 'CSPH_OVERRIDES_DEFAULT_SRC' },
    { name: "not from default-src 'none'", policy: "default-src 'none'; img-src 'self'", code: 'CSPH_OVERRIDES_DEFAULT_SRC' },
    { name: "not for img-src missing default-src's 'unsafe-inline' (images have no inline form)", policy: "default-src 'self' 'unsafe-inline'; img-src 'self' data:", code: 'CSPH_OVERRIDES_DEFAULT_SRC' },
    { name: "not with '*' kept", policy: 'default-src *; script-src *; connect-src *; media-src *', code: 'CSPH_OVERRIDES_DEFAULT_SRC' },
  ],
  "(g) '*' and data:/blob:": [
    {
      name: 'img-src, font-src, media-src and frame-src falling back to default-src *',
      policy: 'default-src *',
      code: 'CSPH_STAR_EXCLUDES_DATA',
      expect: { directive: 'default-src', severity: 'info', value: '*', message: /^'\*' does not match data: or blob:.*images, fonts and media.*add data: and blob: to default-src/ },
    },
    {
      name: 'img-src * on its own',
      policy: "img-src *; default-src 'self'",
      code: 'CSPH_STAR_EXCLUDES_DATA',
      expect: { directive: 'img-src', severity: 'info', message: /data: URLs for images/ },
    },
    { name: 'not with data: and blob: listed', policy: 'default-src * data: blob:', code: 'CSPH_STAR_EXCLUDES_DATA' },
    { name: "not without '*'", policy: "default-src 'self' https://cdn.test", code: 'CSPH_STAR_EXCLUDES_DATA' },
    { name: "not for a '*' in connect-src only", policy: "default-src 'self' data: blob:; connect-src *", code: 'CSPH_STAR_EXCLUDES_DATA' },
  ],
  '(h) report-to': [
    {
      name: 'report-to with report-uri',
      policy: "default-src 'self'; report-uri /csp; report-to csp-endpoint",
      code: 'CSPH_REPORT_TO',
      expect: { directive: 'report-to', severity: 'info', value: 'csp-endpoint', message: /csp-harness replaces .*own report-uri.*ignore report-uri/ },
    },
    {
      name: 'report-to alone',
      policy: "default-src 'self'; report-to csp-endpoint",
      code: 'CSPH_REPORT_TO',
      expect: { directive: 'report-to', severity: 'info', message: /own report-uri.*ignore report-uri/ },
    },
    { name: 'not for report-uri alone', policy: "default-src 'self'; report-uri /csp", code: 'CSPH_REPORT_TO' },
  ],
};

describe.each(Object.entries(ownRows))('%s', (_group, rows) => {
  it.each(rows)('$name', (row) => {
    const findings = lintPolicy(row.policy);
    const hits = find(findings, row.code);
    if (!row.expect) {
      expect(hits, JSON.stringify(hits, null, 1)).toEqual([]);
      return;
    }
    const want = row.expect;
    const hit = hits.find((f) => f.directive === want.directive);
    expect(hit, JSON.stringify(findings, null, 1)).toBeDefined();
    expect(hit!.severity).toBe(want.severity);
    expect(hit!.source).toBe('csp-harness');
    if (want.value !== undefined) expect(hit!.value).toBe(want.value);
    if (want.message) expect(hit!.message).toMatch(want.message);
  });
});

describe('(i) deduplication', () => {
  const rows = [
    { name: 'the same finding in two policies of a list', policy: "script-src 'unsafe-inline', script-src 'unsafe-inline'", code: 'CSP_EVALUATOR_SCRIPT_UNSAFE_INLINE', count: 1 },
    { name: 'a repeated malformed hash', policy: "script-src 'sha256-abc' 'sha256-abc'", code: 'CSPH_HASH_WRONG_LENGTH', count: 1 },
    { name: 'the same short nonce in two directives is two findings', policy: "script-src 'nonce-abcdefgh12AB34'; style-src 'nonce-abcdefgh12AB34'", code: 'CSPH_NONCE_TOO_SHORT', count: 2 },
  ];
  it.each(rows)('$name', ({ policy, code, count }) => {
    expect(find(lintPolicy(policy), code)).toHaveLength(count);
  });
});

describe('reconciling the two tools', () => {
  it("a token the parser rejects draws csp-harness's error, not also csp_evaluator's 'invalid keyword'", () => {
    const findings = lintPolicy("script-src 'self; object-src 'none'");
    expect(findings.filter((f) => f.value === "'self")).toHaveLength(1);
    expect(find(findings, 'CSP_EVALUATOR_INVALID_KEYWORD')).toEqual([]);
  });

  it("a placeholder nonce draws one placeholder warning, not also csp_evaluator's nonce-length one", () => {
    const findings = lintPolicy("script-src 'nonce-NONCE'; object-src 'none'; base-uri 'none'");
    expect(find(findings, 'CSPH_NONCE_PLACEHOLDER')).toHaveLength(1);
    expect(find(findings, 'CSP_EVALUATOR_NONCE_LENGTH')).toEqual([]);
  });

  it("a nonce under 8 characters keeps csp_evaluator's finding and adds no second one", () => {
    const findings = lintPolicy("script-src 'nonce-a1B2c3'; object-src 'none'; base-uri 'none'");
    expect(find(findings, 'CSP_EVALUATOR_NONCE_LENGTH')).toHaveLength(1);
    expect(find(findings, 'CSPH_NONCE_TOO_SHORT')).toEqual([]);
  });

  it('an unknown directive is reported once, by csp_evaluator', () => {
    const findings = lintPolicy("scirpt-src 'self'; default-src 'none'");
    expect(findings.filter((f) => f.directive === 'scirpt-src').map((f) => f.code)).toEqual(['CSP_EVALUATOR_UNKNOWN_DIRECTIVE']);
  });

  it('a CSP3 directive csp_evaluator 1.1.8 does not know is not called unknown', () => {
    expect(lintPolicy("default-src 'none'; fenced-frame-src https://ads.test").filter((f) => f.directive === 'fenced-frame-src')).toEqual([]);
  });

  it("a source that makes a csp_evaluator check throw costs nothing: the check runs without the rejected token", () => {
    const findings = lintPolicy("img-src http://[::1; script-src 'self' 127.0.0.1; object-src 'none'");
    expect(find(findings, 'CSPH_BAD_HOST', 'img-src')).toHaveLength(1);
    expect(find(findings, 'CSPH_EVALUATOR_FAILED')).toEqual([]);
    expect(find(findings, 'CSP_EVALUATOR_IP_SOURCE', 'script-src')).toHaveLength(1);
  });

  it('lists errors first, then warnings, then info', () => {
    const findings = lintPolicy("default-src *; script-src 'self' 'unsafe-eval'; report-to r");
    const ranks = findings.map((f) => ['error', 'warning', 'info'].indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(findings.map((f) => f.severity))).toEqual(new Set(['error', 'warning', 'info']));
  });
});

describe('never throws', () => {
  const inputs = [
    '',
    '   ,  , ',
    ';;;',
    "'",
    'script-src',
    'constructor __proto__; __proto__ x; toString y',
    "img-src http://[::1 https://[ %%% a%zz; script-src 'nonce-' 'sha512-' '' ''' *:* https://*:*/*",
    'default-src \u00e9t\u00e9; script-src \u0000',
    'x'.repeat(20_000),
    Array.from({ length: 200 }, (_, i) => `img-src h${i}.test`).join(', '),
  ];
  it.each(inputs.map((input) => ({ input, label: JSON.stringify(input).slice(0, 60) })))('$label', ({ input }) => {
    const findings = lintPolicy(input);
    expect(Array.isArray(findings)).toBe(true);
    for (const f of findings) {
      expect(['error', 'warning', 'info']).toContain(f.severity);
      expect(typeof f.message).toBe('string');
      expect(typeof f.directive).toBe('string');
      expect(f.code).toMatch(/^(CSPH|CSP_EVALUATOR)_[A-Z0-9_]+$/);
    }
  });

  it('tolerates a non-string at run time', () => {
    expect(() => lintPolicy(undefined as unknown as string)).not.toThrow();
  });
});
