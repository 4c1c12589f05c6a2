// Table-driven tests of writing policies back in normal form, and of merging policies per directive.
// Directive names are ASCII case-insensitive and a directive's value is a set (CSP3 §2.2), so the
// normal form lower-cases names, keywords, schemes and hosts, keeps nonce and hash values as
// written, and lists each value once.
import { describe, expect, it } from 'vitest';
import { check, mergePolicies, parsePolicyList, serializePolicy, serializePolicyList } from './index.ts';
import type { Policy } from './index.ts';

function parse(text: string): Policy[] {
  return parsePolicyList(text).policies;
}

function one(text: string): Policy {
  const [policy] = parse(text);
  if (!policy) throw new Error(`test setup: "${text}" holds no policy`);
  return policy;
}

interface SerializeRow {
  name: string;
  text: string;
  expected: string;
}

const serializeRows: SerializeRow[] = [
  { name: 'names, keywords, schemes and hosts lower-cased', text: "SCRIPT-SRC  'SELF'   HTTPS://CDN.Example.com ; IMG-SRC 'NONE'", expected: "script-src 'self' https://cdn.example.com; img-src 'none'" },
  { name: 'whitespace collapsed to one space', text: "default-src\t'self'\n\ndata:", expected: "default-src 'self' data:" },
  { name: 'scheme sources lower-cased', text: 'img-src HTTPS: Data: BLOB:', expected: 'img-src https: data: blob:' },
  { name: 'nonce values keep their case', text: "script-src 'NONCE-AbC123'", expected: "script-src 'nonce-AbC123'" },
  { name: 'hash values keep their case, algorithm lower-cased', text: "script-src 'SHA256-AbC+/9=='", expected: "script-src 'sha256-AbC+/9=='" },
  { name: 'port and path kept', text: 'img-src https://img.test:8443/a/b/', expected: 'img-src https://img.test:8443/a/b/' },
  { name: 'path case kept', text: 'script-src https://CDN.test/Lib/App.js', expected: 'script-src https://cdn.test/Lib/App.js' },
  { name: 'wildcard host and port', text: 'img-src *.Example.com:*', expected: 'img-src *.example.com:*' },
  { name: 'lone *', text: 'img-src *', expected: 'img-src *' },
  { name: 'a value listed twice is written once', text: "script-src 'self' 'SELF' https://a.test https://A.test", expected: "script-src 'self' https://a.test" },
  { name: 'directives that are not source lists keep their tokens', text: 'sandbox allow-scripts allow-forms; report-uri /csp https://r.test/x; report-to grp', expected: 'sandbox allow-scripts allow-forms; report-uri /csp https://r.test/x; report-to grp' },
  { name: 'directives without a value', text: 'upgrade-insecure-requests; img-src', expected: 'upgrade-insecure-requests; img-src' },
  { name: 'a repeated directive is not written', text: 'img-src a.test; IMG-SRC b.test', expected: 'img-src a.test' },
  { name: 'empty directives dropped', text: ";; img-src 'self';;", expected: "img-src 'self'" },
  { name: 'unknown directives kept', text: 'foo-src https://a.test', expected: 'foo-src https://a.test' },
];

describe('serializePolicy (normal form)', () => {
  it.each(serializeRows)('$name', ({ text, expected }) => {
    expect(serializePolicy(one(text))).toBe(expected);
  });

  it.each(serializeRows)('normal form is stable: $name', ({ text }) => {
    const once = serializePolicy(one(text));
    expect(serializePolicy(one(once))).toBe(once);
  });
});

const listRows: SerializeRow[] = [
  { name: 'two policies, comma-separated', text: "script-src 'self', img-src 'none'", expected: "script-src 'self', img-src 'none'" },
  { name: 'normal form of each policy', text: "SCRIPT-SRC 'SELF' ,IMG-SRC  DATA:", expected: "script-src 'self', img-src data:" },
  { name: 'empty members dropped', text: "img-src a.test, , img-src b.test", expected: 'img-src a.test, img-src b.test' },
];

describe('serializePolicyList', () => {
  it.each(listRows)('$name', ({ text, expected }) => {
    expect(serializePolicyList(parse(text))).toBe(expected);
  });

  it('round-trips through parsePolicyList', () => {
    const text = "default-src 'self'; script-src 'nonce-Ab1' 'strict-dynamic', img-src https: data:";
    const written = serializePolicyList(parse(text));
    expect(parse(written).map(serializePolicy)).toEqual(parse(text).map(serializePolicy));
  });
});

interface MergeRow {
  name: string;
  texts: string[];
  expected: string;
}

const mergeRows: MergeRow[] = [
  { name: 'union per directive', texts: ["script-src 'self'", "script-src https://a.test 'self'; img-src 'none'"], expected: "script-src 'self' https://a.test; img-src 'none'" },
  { name: 'values deduplicated in normal form', texts: ['img-src https://A.test', 'img-src https://a.test'], expected: 'img-src https://a.test' },
  { name: "'none' dropped when other values exist", texts: ["img-src 'none'", 'img-src https://img.test'], expected: 'img-src https://img.test' },
  { name: "'none' dropped whichever policy comes first", texts: ['img-src https://img.test', "img-src 'none'"], expected: 'img-src https://img.test' },
  { name: "'none' dropped beside values of the same policy", texts: ["img-src 'none' https://a.test"], expected: 'img-src https://a.test' },
  { name: "'none' kept when it is the only value", texts: ["img-src 'none'", "img-src 'none'"], expected: "img-src 'none'" },
  { name: 'directives in order of first appearance', texts: ["script-src 'self'", 'img-src data:', 'connect-src https://api.test; script-src https://a.test'], expected: "script-src 'self' https://a.test; img-src data:; connect-src https://api.test" },
  { name: 'nonces and hashes are values like any other', texts: ["script-src 'nonce-a1'", "script-src 'sha256-AbC=' 'nonce-a1'"], expected: "script-src 'nonce-a1' 'sha256-AbC='" },
  { name: 'tokens of other directives deduplicated', texts: ['report-uri /a', 'report-uri /a /b'], expected: 'report-uri /a /b' },
  { name: 'one policy merges to itself', texts: ["default-src 'self'; img-src data:"], expected: "default-src 'self'; img-src data:" },
  { name: 'nothing merges to an empty policy', texts: [], expected: '' },
];

describe('mergePolicies (union per directive)', () => {
  it.each(mergeRows)('$name', ({ texts, expected }) => {
    expect(serializePolicy(mergePolicies(texts.flatMap(parse)))).toBe(expected);
  });

  it('does not change the policies it merges', () => {
    const policies = [one("img-src 'none'"), one('img-src https://img.test')];
    mergePolicies(policies);
    expect(policies.map(serializePolicy)).toEqual(["img-src 'none'", 'img-src https://img.test']);
  });

  it('allows the union, where enforcing both policies allows only the intersection', () => {
    const policies = [one('script-src https://a.test'), one('script-src https://b.test')];
    const request = { type: 'script', url: 'https://a.test/x.js', origin: 'https://www.shop.test' } as const;
    const separate = check(policies, request);
    const merged = check([mergePolicies(policies)], request);
    if ('error' in separate || 'error' in merged) throw new Error('bad request');
    expect(separate.allowed).toBe(false);
    expect(merged.allowed).toBe(true);
  });
});
