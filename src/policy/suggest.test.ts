import { describe, expect, it } from 'vitest';
import { applyNeeds } from './fixPolicy.ts';
import { forcedWeakSources, isWeakSource, LEAST_PRIVILEGE_BASE, suggestNeedFor } from './suggest.ts';

describe('suggestNeedFor: what suggest adds for one violation', () => {
  const CASES: [string, { effectiveDirective: string; blockedURI: string }, { effectiveDirective: string; source: string } | null][] = [
    ['a URL: its origin, as run --fix', { effectiveDirective: 'script-src-elem', blockedURI: 'https://apps.mypurecloud.com/x.js' }, { effectiveDirective: 'script-src-elem', source: 'https://apps.mypurecloud.com' }],
    ['data: as run --fix', { effectiveDirective: 'img-src', blockedURI: 'data' }, { effectiveDirective: 'img-src', source: 'data:' }],
    ['inline style element', { effectiveDirective: 'style-src-elem', blockedURI: 'inline' }, { effectiveDirective: 'style-src-elem', source: "'unsafe-inline'" }],
    ['inline style attribute', { effectiveDirective: 'style-src-attr', blockedURI: 'inline' }, { effectiveDirective: 'style-src-attr', source: "'unsafe-inline'" }],
    ['inline script named script-src (Firefox, WebKit)', { effectiveDirective: 'script-src', blockedURI: 'inline' }, { effectiveDirective: 'script-src-elem', source: "'unsafe-inline'" }],
    ['event handler attribute', { effectiveDirective: 'script-src-attr', blockedURI: 'inline' }, { effectiveDirective: 'script-src-attr', source: "'unsafe-inline'" }],
    ['eval: script-src, never the element directive', { effectiveDirective: 'script-src', blockedURI: 'eval' }, { effectiveDirective: 'script-src', source: "'unsafe-eval'" }],
    ['WebAssembly compilation', { effectiveDirective: 'script-src', blockedURI: 'wasm-eval' }, { effectiveDirective: 'script-src', source: "'wasm-unsafe-eval'" }],
    ['inline under a directive no keyword helps', { effectiveDirective: 'img-src', blockedURI: 'inline' }, null],
    ['trusted types: no source', { effectiveDirective: 'require-trusted-types-for', blockedURI: 'trusted-types-sink' }, null],
  ];
  it.each(CASES)('%s', (_name, violation, need) => {
    expect(suggestNeedFor(violation)).toEqual(need);
  });
});

describe('the weak keyword lands in the deciding directive', () => {
  const CASES: [string, string, { effectiveDirective: string; blockedURI: string }, string][] = [
    ['default-src decides: a new style-src from its list', LEAST_PRIVILEGE_BASE, { effectiveDirective: 'style-src-elem', blockedURI: 'inline' }, "default-src 'self'; style-src 'self' 'unsafe-inline'"],
    ['style-src decides an attribute', "default-src 'self'; style-src 'self' https://a.test", { effectiveDirective: 'style-src-attr', blockedURI: 'inline' }, "default-src 'self'; style-src 'self' https://a.test 'unsafe-inline'"],
    ['eval into an existing script-src', "script-src 'self'", { effectiveDirective: 'script-src', blockedURI: 'eval' }, "script-src 'self' 'unsafe-eval'"],
    ["'none' goes when the keyword comes", "default-src 'self'; script-src 'none'", { effectiveDirective: 'script-src-attr', blockedURI: 'inline' }, "default-src 'self'; script-src 'unsafe-inline'"],
  ];
  it.each(CASES)('%s', (_name, policy, violation, expected) => {
    expect(applyNeeds(policy, [suggestNeedFor(violation)!]).text.trim()).toBe(expected);
  });
});

describe('forcedWeakSources: each weak source names the vendor/feature and engines that force it', () => {
  const CASES: [string, { directive: string; source: string; cells: string[] }[], string[]][] = [
    ['one feature, three engines', [{ directive: 'style-src', source: "'unsafe-inline'", cells: ['policy/velaro/styles/chromium', 'policy/velaro/styles/firefox', 'policy/velaro/styles/webkit'] }], ["velaro/styles needs 'unsafe-inline' in style-src (chromium, firefox, webkit)"]],
    ['two features, params kept', [{ directive: 'script-src', source: "'unsafe-eval'", cells: ['policy/a/x[embed=self]/firefox', 'policy/b/y/chromium'] }], ["a/x[embed=self] needs 'unsafe-eval' in script-src (firefox)", "b/y needs 'unsafe-eval' in script-src (chromium)"]],
    ['a host is not weak', [{ directive: 'img-src', source: 'data:', cells: ['policy/a/x/chromium'] }], []],
  ];
  it.each(CASES)('%s', (_name, additions, lines) => {
    expect(forcedWeakSources(additions)).toEqual(lines);
  });
  it.each([["'unsafe-inline'", true], ["'UNSAFE-EVAL'", true], ['data:', false], ["'self'", false]] as const)('isWeakSource(%s) is %s', (source, weak) => {
    expect(isWeakSource(source)).toBe(weak);
  });
});
