import { describe, expect, it } from 'vitest';
import { creditSources, strippedCopy, urlSourcesOf, withoutSource, type ReportedRequest, type SourceRef } from './prune.ts';

const ORIGIN = new URL('https://www.shop.test');

describe('withoutSource', () => {
  it.each<[string, SourceRef, string]>([
    ["default-src 'self'; img-src 'self' data:", { directive: 'img-src', source: 'data:' }, "default-src 'self'; img-src 'self'"],
    ["img-src data:; font-src data:", { directive: 'img-src', source: 'data:' }, "img-src 'none'; font-src data:"],
    ["IMG-SRC 'self' DATA:", { directive: 'img-src', source: 'data:' }, "IMG-SRC 'self'"],
    // Browsers honour the first of a repeated directive: that one loses the source.
    ["img-src data:; img-src https://a.test", { directive: 'img-src', source: 'data:' }, "img-src 'none'; img-src https://a.test"],
    ["connect-src 'self' https://api.test; img-src 'self'", { directive: 'connect-src', source: 'https://api.test' }, "connect-src 'self'; img-src 'self'"],
    // Absent source or directive: unchanged.
    ["img-src 'self'", { directive: 'img-src', source: 'data:' }, "img-src 'self'"],
    ["img-src 'self'", { directive: 'font-src', source: 'data:' }, "img-src 'self'"],
    // Only the first policy of a list.
    ["img-src data:, img-src data:", { directive: 'img-src', source: 'data:' }, "img-src 'none', img-src data:"],
    // Placeholders survive.
    ["script-src 'nonce-{{nonce}}' https://a.test; style-src 'self'", { directive: 'script-src', source: 'https://a.test' }, "script-src 'nonce-{{nonce}}'; style-src 'self'"],
  ])('%s minus %o', (text, ref, expected) => {
    expect(withoutSource(text, ref)).toBe(expected);
  });
});

describe('urlSourcesOf', () => {
  it.each<[string, SourceRef[]]>([
    ["default-src 'self'; img-src 'self' data: https://cdn.test", [{ directive: 'img-src', source: 'data:' }, { directive: 'img-src', source: 'https://cdn.test' }]],
    ["script-src 'nonce-{{nonce}}' 'strict-dynamic' 'sha256-abc=' https:", [{ directive: 'script-src', source: 'https:' }]],
    // The second of a repeated directive is ignored by browsers; report-uri is not a source list.
    ['img-src a.test; img-src b.test; report-uri https://r.test', [{ directive: 'img-src', source: 'a.test' }]],
    ["frame-ancestors https://x.test; base-uri https://y.test; connect-src *", [{ directive: 'connect-src', source: '*' }]],
    ["default-src 'none'", []],
  ])('%s', (text, expected) => {
    expect(urlSourcesOf(text)).toEqual(expected);
  });
});

describe('strippedCopy', () => {
  it('removes every given source, leaves keywords and nonces, and says none where nothing is left', () => {
    const text = "default-src 'self' https://a.test; img-src data: https://cdn.test; script-src 'nonce-{{nonce}}' https://js.test, img-src *";
    expect(strippedCopy(text, urlSourcesOf(text))).toBe("default-src 'self'; img-src 'none'; script-src 'nonce-{{nonce}}'");
  });
});

describe('creditSources', () => {
  const policy = "default-src 'self' https://fallback.test; img-src 'self' data: https://cdn.test/img/ https://*.pics.test; connect-src https: ; script-src https://js.test";
  const candidates = urlSourcesOf(policy);
  const seen = (requests: ReportedRequest[]) => Object.fromEntries([...creditSources(policy, candidates, requests, ORIGIN)].filter(([, cells]) => cells.length > 0));

  it.each<[string, ReportedRequest[], Record<string, string[]>]>([
    ['data under img-src', [{ cellId: 'p/v/icons/chromium', effectiveDirective: 'img-src', blockedURI: 'data' }], { 'img-src data:': ['p/v/icons/chromium'] }],
    ['a path-restricted source, its path', [{ cellId: 'c/firefox', effectiveDirective: 'img-src', blockedURI: 'https://cdn.test/img/a.png' }], { 'img-src https://cdn.test/img/': ['c/firefox'] }],
    ['a path-restricted source, another path', [{ cellId: 'c/firefox', effectiveDirective: 'img-src', blockedURI: 'https://cdn.test/other.png' }], {}],
    ['an origin-only URI counts for a path-restricted source', [{ cellId: 'c/webkit', effectiveDirective: 'img-src', blockedURI: 'https://cdn.test' }], { 'img-src https://cdn.test/img/': ['c/webkit'] }],
    ['a wildcard host', [{ cellId: 'c/chromium', effectiveDirective: 'img-src', blockedURI: 'https://a.pics.test/x.jpg' }], { 'img-src https://*.pics.test': ['c/chromium'] }],
    ['a scheme source', [{ cellId: 'c/chromium', effectiveDirective: 'connect-src', blockedURI: 'https://api.test/x' }], { 'connect-src https:': ['c/chromium'] }],
    // CSP3 scheme-part match: https: allows no wss: URL (only ws: and wss: do).
    ['wss under https: is not credited', [{ cellId: 'c/chromium', effectiveDirective: 'connect-src', blockedURI: 'wss://api.test/socket' }], {}],
    ['script-src-elem is decided by script-src', [{ cellId: 'c/chromium', effectiveDirective: 'script-src-elem', blockedURI: 'https://js.test/a.js' }], { 'script-src https://js.test': ['c/chromium'] }],
    ['font-src falls back to default-src', [{ cellId: 'c/chromium', effectiveDirective: 'font-src', blockedURI: 'https://fallback.test/f.woff2' }], { 'default-src https://fallback.test': ['c/chromium'] }],
    ['a host under the wrong directive is not credited', [{ cellId: 'c/chromium', effectiveDirective: 'img-src', blockedURI: 'https://js.test/a.png' }], {}],
    ['inline and eval credit no URL source', [{ cellId: 'c/chromium', effectiveDirective: 'script-src-elem', blockedURI: 'inline' }, { cellId: 'c/chromium', effectiveDirective: 'script-src', blockedURI: 'eval' }], {}],
    ['each cell once, in order', [
      { cellId: 'a/chromium', effectiveDirective: 'img-src', blockedURI: 'data' },
      { cellId: 'a/chromium', effectiveDirective: 'img-src', blockedURI: 'data' },
      { cellId: 'a/webkit', effectiveDirective: 'img-src', blockedURI: 'data' },
    ], { 'img-src data:': ['a/chromium', 'a/webkit'] }],
  ])('%s', (_name, requests, expected) => {
    expect(seen(requests)).toEqual(expected);
  });

  it('lists every candidate, needed or not', () => {
    expect([...creditSources(policy, candidates, [], ORIGIN).keys()]).toEqual(candidates.map((c) => `${c.directive} ${c.source}`));
  });
});
