// Table-driven tests of parsing, derived from the text of CSP Level 3 (w3c/webappsec-csp index.bs):
// "Parse a serialized CSP", "Parse a serialized CSP list", the source-expression grammar (§2.3.1),
// and the `<meta>` element section (report-uri, frame-ancestors and sandbox are not supported there,
// nor is Content-Security-Policy-Report-Only). Expected values come from the spec text.
import { describe, expect, it } from 'vitest';
import { parsePolicyList, parseSourceExpression } from './index.ts';
import type { ParseOptions, ParseResult, SourceExpression } from './index.ts';

/** Each policy as a list of `name token token…` strings. */
function shape(result: ParseResult): string[][] {
  return result.policies.map((p) => p.directives.map((d) => [d.name, ...d.tokens].join(' ')));
}

interface ListRow {
  name: string;
  text: string;
  options?: ParseOptions;
  expected: string[][];
}

const listRows: ListRow[] = [
  { name: 'one directive', text: "script-src 'self'", expected: [["script-src 'self'"]] },
  {
    name: 'several directives in order',
    text: "default-src 'none'; img-src https://img.test; script-src 'self'",
    expected: [["default-src 'none'", 'img-src https://img.test', "script-src 'self'"]],
  },
  { name: 'comma-separated policies', text: "script-src 'self', img-src 'none'", expected: [["script-src 'self'"], ["img-src 'none'"]] },
  { name: 'comma-separated, with whitespace and an empty member', text: "script-src 'self' ,  , img-src 'none'", expected: [["script-src 'self'"], ["img-src 'none'"]] },
  { name: 'three policies', text: 'img-src a.test, img-src b.test, img-src c.test', expected: [['img-src a.test'], ['img-src b.test'], ['img-src c.test']] },
  { name: 'directive names are lower-cased', text: "SCRIPT-SRC 'self'; Img-Src 'none'", expected: [["script-src 'self'", "img-src 'none'"]] },
  { name: 'ScRiPt-sRc is script-src', text: "ScRiPt-sRc 'none'", expected: [["script-src 'none'"]] },
  { name: 'values keep the case they were written in', text: "script-src 'NONCE-AbC' HTTPS://CDN.test", expected: [["script-src 'NONCE-AbC' HTTPS://CDN.test"]] },
  { name: 'a repeated directive is ignored: the first wins', text: "script-src 'self'; script-src https://a.test", expected: [["script-src 'self'"]] },
  { name: 'repetition is detected case-insensitively', text: "img-src 'none'; IMG-SRC *", expected: [["img-src 'none'"]] },
  { name: 'repetition in another policy of the list is not repetition', text: "img-src 'none', img-src *", expected: [["img-src 'none'"], ['img-src *']] },
  { name: 'any ASCII whitespace separates tokens', text: "script-src\t'self'\nhttps://a.test\f\r data:", expected: [["script-src 'self' https://a.test data:"]] },
  { name: 'empty directives between semicolons are skipped', text: ";; script-src 'self' ;;img-src 'none';", expected: [["script-src 'self'", "img-src 'none'"]] },
  { name: 'leading and trailing whitespace', text: "   script-src 'self'   ", expected: [["script-src 'self'"]] },
  { name: 'directives without a value', text: 'upgrade-insecure-requests; img-src', expected: [['upgrade-insecure-requests', 'img-src']] },
  { name: 'an unknown directive is kept', text: "foo-src https://a.test; script-src 'self'", expected: [["foo-src https://a.test", "script-src 'self'"]] },
  // "If token is an empty string, or if token is not an ASCII string, continue": the whole directive goes.
  { name: 'a directive holding a non-ASCII character is skipped whole', text: "img-src https://a.test https://ünicode.test; script-src 'self'", expected: [["script-src 'self'"]] },
  { name: 'a non-ASCII directive does not block a later repetition', text: "img-src https://café.test; img-src https://a.test", expected: [['img-src https://a.test']] },
  { name: 'an empty string holds no policy', text: '', expected: [] },
  { name: 'only commas and whitespace hold no policy', text: ' , ,  ', expected: [] },
  {
    name: 'header delivery keeps frame-ancestors, report-uri and sandbox',
    text: "frame-ancestors 'none'; report-uri /csp; sandbox allow-scripts; script-src 'self'; report-to grp",
    options: { source: 'header' },
    expected: [["frame-ancestors 'none'", 'report-uri /csp', 'sandbox allow-scripts', "script-src 'self'", 'report-to grp']],
  },
  {
    name: 'meta delivery drops frame-ancestors, report-uri and sandbox (not report-to)',
    text: "frame-ancestors 'none'; report-uri /csp; sandbox allow-scripts; script-src 'self'; report-to grp",
    options: { source: 'meta' },
    expected: [["script-src 'self'", 'report-to grp']],
  },
  { name: 'meta delivery drops them case-insensitively', text: "FRAME-ANCESTORS 'none'; img-src 'self'", options: { source: 'meta' }, expected: [["img-src 'self'"]] },
  { name: 'a report-only policy in meta is ignored', text: "script-src 'self'", options: { source: 'meta', disposition: 'report' }, expected: [] },
  { name: 'a report-only policy in a header is kept', text: "script-src 'self'", options: { source: 'header', disposition: 'report' }, expected: [["script-src 'self'"]] },
];

describe('parsePolicyList (Parse a serialized CSP list)', () => {
  it.each(listRows)('$name', ({ text, options, expected }) => {
    expect(shape(parsePolicyList(text, options ?? {}))).toEqual(expected);
  });

  it.each([
    { name: 'enforced header', options: { disposition: 'enforce', source: 'header' } as const },
    { name: 'report-only header', options: { disposition: 'report', source: 'header' } as const },
    { name: 'enforced meta', options: { disposition: 'enforce', source: 'meta' } as const },
  ])('records disposition and source: $name', ({ options }) => {
    const { policies } = parsePolicyList("img-src 'self', script-src 'none'", options);
    expect(policies).toHaveLength(2);
    for (const p of policies) {
      expect(p.disposition).toBe(options.disposition);
      expect(p.source).toBe(options.source);
    }
  });

  it('parses the source expressions of a source-list directive', () => {
    const { policies } = parsePolicyList("script-src 'self' https://cdn.test 'nonce-abc'");
    expect(policies[0]?.directives[0]?.sources?.map((s) => s.kind)).toEqual(['keyword', 'host', 'nonce']);
  });

  it('keeps the directive offsets of the whole input', () => {
    const text = "img-src 'none', script-src 'self'";
    const { policies } = parsePolicyList(text);
    expect(policies[1]?.directives[0]?.offset).toBe(text.indexOf('script-src'));
  });
});

interface DiagRow {
  name: string;
  text: string;
  options?: ParseOptions;
  severity: 'error' | 'warning';
  directive: string | null;
  /** The text whose first character (searched from `after`) the diagnostic's offset points at. */
  at: string;
  after?: number;
}

// The spec: "the user agent SHOULD notify developers that a duplicate directive was ignored".
const diagRows: DiagRow[] = [
  { name: 'repeated directive', text: "script-src 'self'; script-src https://a.test", severity: 'warning', directive: 'script-src', at: 'script-src', after: 1 },
  { name: 'repeated directive, other case', text: "img-src 'none'; IMG-SRC *", severity: 'warning', directive: 'img-src', at: 'IMG-SRC' },
  { name: 'unknown directive', text: "script-src 'self'; foo-src https://a.test", severity: 'warning', directive: 'foo-src', at: 'foo-src' },
  { name: 'frame-ancestors in meta', text: "img-src 'self'; frame-ancestors 'none'", options: { source: 'meta' }, severity: 'warning', directive: 'frame-ancestors', at: 'frame-ancestors' },
  { name: 'report-uri in meta', text: "img-src 'self'; report-uri /csp", options: { source: 'meta' }, severity: 'warning', directive: 'report-uri', at: 'report-uri' },
  { name: 'non-ASCII directive', text: "script-src 'self'; img-src https://ünicode.test", severity: 'error', directive: 'img-src', at: 'ü' },
  { name: 'sandbox in meta', text: "img-src 'self'; sandbox", options: { source: 'meta' }, severity: 'warning', directive: 'sandbox', at: 'sandbox' },
];

describe('parse diagnostics', () => {
  it.each(diagRows)('$name', ({ text, options, severity, directive, at, after }) => {
    const { diagnostics } = parsePolicyList(text, options ?? {});
    const offset = text.indexOf(at, after ?? 0);
    expect(diagnostics).toContainEqual(expect.objectContaining({ severity, directive, offset }));
  });

  it('warns that a report-only policy in meta is ignored', () => {
    const { policies, diagnostics } = parsePolicyList("script-src 'self'", { source: 'meta', disposition: 'report' });
    expect(policies).toEqual([]);
    expect(diagnostics.some((d) => d.severity === 'warning')).toBe(true);
  });

  it('a well-formed policy has no diagnostics', () => {
    expect(parsePolicyList("default-src 'self'; img-src https://img.test data:; script-src 'nonce-abc' 'strict-dynamic'").diagnostics).toEqual([]);
  });
});

interface BadSourceRow {
  name: string;
  text: string;
  /** The invalid token, as written. */
  token: string;
  /** The valid source expressions the directive keeps. */
  kept: string[];
}

const badSourceRows: BadSourceRow[] = [
  { name: 'unterminated quote', text: "script-src 'self", token: "'self", kept: [] },
  { name: 'unterminated quote beside valid sources', text: "script-src https://a.test 'unsafe-inline https://b.test", token: "'unsafe-inline", kept: ['https://a.test', 'https://b.test'] },
  { name: 'host starting with a dot', text: "script-src 'self' https://.velaro.com", token: 'https://.velaro.com', kept: ["'self'"] },
  { name: 'wildcard inside the host', text: 'img-src https://cdn.*.test', token: 'https://cdn.*.test', kept: [] },
  { name: 'two wildcards', text: 'img-src *.*.test', token: '*.*.test', kept: [] },
  { name: 'empty host label', text: 'img-src https://a..test', token: 'https://a..test', kept: [] },
  { name: 'underscore in the host', text: 'img-src https://my_cdn.test', token: 'https://my_cdn.test', kept: [] },
  { name: 'port with letters', text: 'connect-src https://api.test:80a', token: 'https://api.test:80a', kept: [] },
  { name: 'empty port', text: 'connect-src https://api.test:', token: 'https://api.test:', kept: [] },
  { name: 'negative port', text: 'connect-src https://api.test:-1', token: 'https://api.test:-1', kept: [] },
  { name: 'unknown keyword', text: "script-src 'unsafe-everything'", token: "'unsafe-everything'", kept: [] },
  { name: 'empty nonce', text: "script-src 'nonce-'", token: "'nonce-'", kept: [] },
  { name: 'nonce with a character outside base64', text: "script-src 'nonce-abc!'", token: "'nonce-abc!'", kept: [] },
  { name: 'unsupported hash algorithm', text: "script-src 'sha1-abc='", token: "'sha1-abc='", kept: [] },
  { name: 'scheme starting with a digit', text: 'img-src 1https://a.test', token: '1https://a.test', kept: [] },
  { name: 'offset counts from the start of the whole list', text: "img-src 'none', script-src 'self' https://.velaro.com", token: 'https://.velaro.com', kept: ["'self'"] },
];

describe('invalid source expressions', () => {
  it.each(badSourceRows)('$name', ({ text, token, kept }) => {
    const { policies, diagnostics } = parsePolicyList(text);
    const start = text.lastIndexOf(token);
    const found = diagnostics.find((d) => d.severity === 'error' && d.token === token);
    expect(found, JSON.stringify(diagnostics)).toBeDefined();
    // The offset points into the invalid token (or just past it, where a missing part belongs),
    // in the coordinates of the whole serialized list.
    expect(found!.offset).toBeGreaterThanOrEqual(start);
    expect(found!.offset).toBeLessThanOrEqual(start + token.length);
    const directive = policies.at(-1)?.directives[0];
    expect(directive?.sources?.map((s) => s.text)).toEqual(kept);
  });
});

type WithoutText<T> = T extends unknown ? Omit<T, 'text'> : never;
type Expected = WithoutText<SourceExpression> | null;

interface SourceRow {
  name: string;
  token: string;
  expected: Expected;
}

const sourceRows: SourceRow[] = [
  { name: "'self'", token: "'self'", expected: { kind: 'keyword', keyword: 'self' } },
  { name: 'keywords are case-insensitive', token: "'SELF'", expected: { kind: 'keyword', keyword: 'self' } },
  { name: "'none'", token: "'none'", expected: { kind: 'none' } },
  { name: "'None'", token: "'None'", expected: { kind: 'none' } },
  { name: "'unsafe-inline'", token: "'unsafe-inline'", expected: { kind: 'keyword', keyword: 'unsafe-inline' } },
  { name: "'unsafe-eval'", token: "'unsafe-eval'", expected: { kind: 'keyword', keyword: 'unsafe-eval' } },
  { name: "'strict-dynamic'", token: "'strict-dynamic'", expected: { kind: 'keyword', keyword: 'strict-dynamic' } },
  { name: "'unsafe-hashes'", token: "'unsafe-hashes'", expected: { kind: 'keyword', keyword: 'unsafe-hashes' } },
  { name: "'report-sample'", token: "'report-sample'", expected: { kind: 'keyword', keyword: 'report-sample' } },
  { name: "'unsafe-allow-redirects'", token: "'unsafe-allow-redirects'", expected: { kind: 'keyword', keyword: 'unsafe-allow-redirects' } },
  { name: "'wasm-unsafe-eval'", token: "'wasm-unsafe-eval'", expected: { kind: 'keyword', keyword: 'wasm-unsafe-eval' } },
  { name: 'nonce', token: "'nonce-abc123=='", expected: { kind: 'nonce', value: 'abc123==' } },
  { name: 'nonce prefix is case-insensitive, value is kept', token: "'NONCE-AbC'", expected: { kind: 'nonce', value: 'AbC' } },
  { name: 'nonce with base64url characters', token: "'nonce-a-b_c'", expected: { kind: 'nonce', value: 'a-b_c' } },
  { name: 'sha256 hash', token: "'sha256-AbC+/9=='", expected: { kind: 'hash', algorithm: 'sha256', value: 'AbC+/9==' } },
  { name: 'sha384 hash, algorithm case-insensitive', token: "'SHA384-abc-_'", expected: { kind: 'hash', algorithm: 'sha384', value: 'abc-_' } },
  { name: 'sha512 hash', token: "'sha512-x'", expected: { kind: 'hash', algorithm: 'sha512', value: 'x' } },
  { name: 'scheme source', token: 'https:', expected: { kind: 'scheme', scheme: 'https' } },
  { name: 'scheme source, lower-cased', token: 'HTTPS:', expected: { kind: 'scheme', scheme: 'https' } },
  { name: 'data: scheme', token: 'data:', expected: { kind: 'scheme', scheme: 'data' } },
  { name: 'custom scheme with a dot', token: 'another.custom-scheme:', expected: { kind: 'scheme', scheme: 'another.custom-scheme' } },
  { name: 'custom scheme with a plus', token: 'web+app:', expected: { kind: 'scheme', scheme: 'web+app' } },
  { name: 'lone *', token: '*', expected: { kind: 'host', scheme: null, host: '*', port: null, path: null } },
  { name: 'bare host', token: 'example.com', expected: { kind: 'host', scheme: null, host: 'example.com', port: null, path: null } },
  { name: 'host is lower-cased', token: 'Example.COM', expected: { kind: 'host', scheme: null, host: 'example.com', port: null, path: null } },
  { name: 'subdomain wildcard', token: '*.example.com', expected: { kind: 'host', scheme: null, host: '*.example.com', port: null, path: null } },
  {
    name: 'every part of a host-source',
    token: 'https://*.example.com:12/path/to/file.js',
    expected: { kind: 'host', scheme: 'https', host: '*.example.com', port: '12', path: '/path/to/file.js' },
  },
  { name: 'port wildcard', token: 'example.com:*', expected: { kind: 'host', scheme: null, host: 'example.com', port: '*', path: null } },
  { name: 'scheme with a wildcard host', token: 'https://*', expected: { kind: 'host', scheme: 'https', host: '*', port: null, path: null } },
  { name: 'wss host', token: 'wss://chat.test', expected: { kind: 'host', scheme: 'wss', host: 'chat.test', port: null, path: null } },
  { name: 'directory path', token: 'https://example.com/', expected: { kind: 'host', scheme: 'https', host: 'example.com', port: null, path: '/' } },
  { name: 'IPv4 host (grammar allows it)', token: 'http://127.0.0.1:8080', expected: { kind: 'host', scheme: 'http', host: '127.0.0.1', port: '8080', path: null } },
  { name: 'unquoted unsafe-inline is a host', token: 'unsafe-inline', expected: { kind: 'host', scheme: null, host: 'unsafe-inline', port: null, path: null } },
  { name: 'unquoted self is a host', token: 'self', expected: { kind: 'host', scheme: null, host: 'self', port: null, path: null } },
  { name: 'unterminated quote', token: "'self", expected: null },
  { name: 'quote only at the end', token: "self'", expected: null },
  { name: 'host starting with a dot', token: 'https://.velaro.com', expected: null },
  { name: 'wildcard in the middle', token: 'www.*.example.com', expected: null },
  { name: 'bad port', token: 'example.com:8o', expected: null },
  { name: 'IPv6 literal (not in the grammar)', token: 'https://[::1]', expected: null },
  { name: 'unknown quoted keyword', token: "'unsafe'", expected: null },
  { name: 'nonce with a space-less junk character', token: "'nonce-ab*c'", expected: null },
];

describe('parseSourceExpression (source-expression grammar)', () => {
  it.each(sourceRows)('$name: $token', ({ token, expected }) => {
    const parsed = parseSourceExpression(token);
    if (expected === null) {
      expect(parsed.ok).toBe(false);
      return;
    }
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.source).toEqual({ ...expected, text: token });
  });
});
