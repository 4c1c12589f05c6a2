// Golden page loads (the texts Debian chromium 156 and firefox-esr 153 really printed for
// test/playwright/server.mjs's pages) → typed violations with their document and smallest fix.
import { describe, expect, it } from 'vitest';
import type { CspReport } from '../collectors/reports.ts';
import type { CspSeenPolicy } from './types.ts';
import { fixOf, hashInMessage, parsedPolicies, requestTypeOf, violationsOf, type PageLoad } from './violations.ts';

const DOC = 'http://127.0.0.1:4873/violation.html';
const POLICY = "default-src 'self'; img-src 'self'; script-src 'self' 'nonce-abc'; report-uri /csp-report";
const HASH = 'kYlNlK4ggNo9c1Dk+kJon/rPIoNHkAK7Lwx/cRS5LfI=';
const IMG = 'https://cdn.example.net/pixel.png';

const CHROMIUM_IMG = `Loading the image '${IMG}' violates the following Content Security Policy directive: "img-src 'self'". The action has been blocked.`;
const CHROMIUM_INLINE = `Executing inline script violates the following Content Security Policy directive 'script-src 'self' 'nonce-abc''. Either the 'unsafe-inline' keyword, a hash ('sha256-${HASH}'), or a nonce ('nonce-...') is required to enable inline execution. The action has been blocked.`;
const FIREFOX_IMG = `The page’s settings blocked the loading of a resource (img-src) at ${IMG} because it violates the following directive: “img-src 'self'”`;
const FIREFOX_INLINE = `The page’s settings blocked an inline script (script-src-elem) from being executed because it violates the following directive: “script-src 'self' 'nonce-abc'”. Consider using a hash ('sha256-${HASH}') or a nonce.`;

const header = (value: string, documentURL = DOC, disposition: 'enforce' | 'report' = 'enforce'): CspSeenPolicy => ({ documentURL, value, disposition, source: 'header' });
const event = (effectiveDirective: string, blockedURI: string, documentURL = DOC, disposition: 'enforce' | 'report' = 'enforce') => ({
  documentURL,
  signal: { channel: 'event' as const, effectiveDirective, blockedURI, disposition, sample: '' },
});
const report = (effectiveDirective: string, blockedURI: string, documentURI = DOC): CspReport => ({ format: 'csp-report', disposition: 'enforce', effectiveDirective, blockedURI, documentURI, sample: null });
const load = (partial: Partial<PageLoad>): PageLoad => ({ mainURL: DOC, messages: [], events: [], reports: [], policies: [header(POLICY)], ...partial });

interface Case {
  name: string;
  load: PageLoad;
  expected: { directive: string; blocked: string; signals: string[]; document: string | null; fix: string | null }[];
}

const CASES: Case[] = [
  {
    name: 'chromium: console, event and report of a blocked image and an inline script',
    load: load({
      messages: [{ channel: 'console', text: CHROMIUM_IMG }, { channel: 'console', text: CHROMIUM_INLINE }],
      events: [event('img-src', IMG), event('script-src-elem', 'inline')],
      reports: [report('img-src', IMG), report('script-src-elem', 'inline')],
    }),
    expected: [
      { directive: 'img-src', blocked: IMG, signals: ['console', 'event', 'report'], document: DOC, fix: "img-src 'self' https://cdn.example.net" },
      { directive: 'script-src-elem', blocked: 'inline', signals: ['console', 'event', 'report'], document: DOC, fix: `script-src 'self' 'nonce-abc' 'sha256-${HASH}'` },
    ],
  },
  {
    name: 'firefox over BiDi: pageerror and event (no report body)',
    load: load({
      messages: [{ channel: 'pageerror', text: FIREFOX_IMG }, { channel: 'pageerror', text: FIREFOX_INLINE }],
      events: [event('img-src', IMG), event('script-src-elem', 'inline')],
    }),
    expected: [
      { directive: 'img-src', blocked: IMG, signals: ['pageerror', 'event'], document: DOC, fix: "img-src 'self' https://cdn.example.net" },
      { directive: 'script-src-elem', blocked: 'inline', signals: ['pageerror', 'event'], document: DOC, fix: `script-src 'self' 'nonce-abc' 'sha256-${HASH}'` },
    ],
  },
  {
    name: 'an inline script with no message to give its hash: the nonce advice',
    load: load({ events: [event('script-src-elem', 'inline')] }),
    expected: [{ directive: 'script-src-elem', blocked: 'inline', signals: ['event'], document: DOC, fix: "script-src 'self' 'nonce-abc'" }],
  },
  {
    name: "… and without a nonce in the policy: add one (the harness's nonce placeholder)",
    load: load({ policies: [header("script-src 'self'")], events: [event('script-src-elem', 'inline')] }),
    expected: [{ directive: 'script-src-elem', blocked: 'inline', signals: ['event'], document: DOC, fix: "script-src 'self' 'nonce-{{nonce}}'" }],
  },
  {
    name: "default-src decided: a new effective directive starting from default-src's list",
    load: load({ policies: [header("default-src 'self'")], events: [event('font-src', 'https://fonts.example.net/a.woff2')] }),
    expected: [{ directive: 'font-src', blocked: 'https://fonts.example.net/a.woff2', signals: ['event'], document: DOC, fix: "font-src 'self' https://fonts.example.net" }],
  },
  {
    name: 'a frame with its own policy: the fix extends the frame document\'s policy',
    load: load({
      policies: [header(POLICY), header("img-src https://frame.example.net", 'https://frame.example.net/inner.html')],
      events: [event('img-src', 'data', 'https://frame.example.net/inner.html')],
    }),
    expected: [{ directive: 'img-src', blocked: 'data', signals: ['event'], document: 'https://frame.example.net/inner.html', fix: 'img-src https://frame.example.net data:' }],
  },
  {
    name: 'eval: only unsafe-eval',
    load: load({ events: [event('script-src', 'eval')] }),
    expected: [{ directive: 'script-src', blocked: 'eval', signals: ['event'], document: DOC, fix: "script-src 'self' 'nonce-abc' 'unsafe-eval'" }],
  },
  {
    name: 'a report-only violation is fixed in the report-only policy',
    load: load({ policies: [header("img-src 'self' https:"), header("img-src 'self'", DOC, 'report')], events: [event('img-src', IMG, DOC, 'report')] }),
    expected: [{ directive: 'img-src', blocked: IMG, signals: ['event'], document: DOC, fix: "img-src 'self' https://cdn.example.net" }],
  },
  {
    name: 'no policy seen (a report of a document we never loaded): violation kept, no fix',
    load: load({ policies: [], reports: [report('img-src', IMG, 'https://elsewhere.example/')] }),
    expected: [{ directive: 'img-src', blocked: IMG, signals: ['report'], document: 'https://elsewhere.example/', fix: null }],
  },
  {
    name: "Firefox's own favicon fetch of the page is noise: dropped",
    load: load({ policies: [header("default-src 'none'")], messages: [{ channel: 'pageerror', text: `The page’s settings blocked the loading of a resource (img-src) at http://127.0.0.1:4873/favicon.ico because it violates the following directive: “default-src 'none'”` }] }),
    expected: [],
  },
  {
    name: 'a console line that is not a CSP message changes nothing',
    load: load({ messages: [{ channel: 'console', text: 'Failed to load resource: the server responded with a status of 404' }] }),
    expected: [],
  },
];

describe('violationsOf', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const got = violationsOf(c.load).map((v) => ({ directive: v.effectiveDirective, blocked: v.blockedURI, signals: v.signals, document: v.documentURL, fix: v.fix?.result ?? null }));
    expect(got).toEqual(c.expected);
  });
});

describe('hashInMessage', () => {
  it.each([
    [CHROMIUM_INLINE, { algorithm: 'sha256', value: HASH }],
    [FIREFOX_INLINE, { algorithm: 'sha256', value: HASH }],
    ["… a hash ('sha384-abc+/def==') …", { algorithm: 'sha384', value: 'abc+/def==' }],
    [CHROMIUM_IMG, null],
  ])('%s', (text, expected) => {
    expect(hashInMessage(text)).toEqual(expected);
  });
});

describe('requestTypeOf', () => {
  it.each([
    ['url', 'img-src', 'image'],
    ['url', 'script-src-elem', 'script'],
    ['url', 'script-src', 'script'],
    ['url', 'connect-src', 'connect'],
    ['url', 'frame-src', 'frame'],
    ['url', 'child-src', 'frame'],
    ['inline', 'script-src-elem', 'inline-script'],
    ['inline', 'script-src-attr', 'script-attr'],
    ['inline', 'style-src-attr', 'style-attr'],
    ['inline', 'style-src', 'inline-style'],
    ['eval', 'script-src', 'eval'],
    ['wasm', 'script-src', 'wasm-eval'],
    ['trusted-types', 'require-trusted-types-for', null],
  ] as const)('%s under %s → %s', (kind, effectiveDirective, expected) => {
    expect(requestTypeOf({ kind, effectiveDirective })).toBe(expected);
  });
});

describe('fixOf', () => {
  const v = { disposition: 'enforce' as const, effectiveDirective: 'img-src', blockedURI: IMG, kind: 'url' as const, signals: ['event' as const] };
  it.each([
    ['the source is already listed (the engine and CSP3 part ways)', "img-src https://cdn.example.net", null],
    ['no directive restricts images', "script-src 'self'", null],
    ['img-src decides', "img-src 'self'", "img-src 'self' https://cdn.example.net"],
  ])('%s', (_name, policy, expected) => {
    expect(fixOf(v, parsedPolicies([header(policy)]), 'http://127.0.0.1:4873', null)?.result ?? null).toBe(expected);
  });

  it("says the element only needs the page's nonce when the policy has one", () => {
    const inline = { ...v, effectiveDirective: 'script-src-elem', blockedURI: 'inline', kind: 'inline' as const };
    expect(fixOf(inline, parsedPolicies([header("script-src 'nonce-abc'")]), 'http://127.0.0.1:4873', null)).toEqual({
      directive: 'script-src',
      add: "'nonce-abc'",
      result: "script-src 'nonce-abc'",
      advice: "give the element the page's nonce: script-src already allows 'nonce-abc'",
    });
  });
});
