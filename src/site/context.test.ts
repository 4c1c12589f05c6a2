import { describe, expect, it } from 'vitest';
import { DEFAULT_SITE_ORIGIN, siteContext } from './context.ts';
import { fillPlaceholders, inlineHash, usesNonce } from './placeholders.ts';

describe('siteContext', () => {
  it.each([
    [undefined, 'https://www.shop.test', 'https://other.shop.test', 'www.shop.test'],
    ['https://www.example.com', 'https://www.example.com', 'https://other.example.com', 'www.example.com'],
    ['https://example.com/', 'https://example.com', 'https://other.example.com', 'example.com'],
    ['http://localhost:3000', 'http://localhost:3000', 'http://other.localhost:3000', 'localhost'],
  ])('%s → origin %s, second origin %s', (given, origin, second, host) => {
    const site = siteContext(given);
    expect([site.origin, site.secondOrigin, site.host]).toEqual([origin, second, host]);
    expect(site.isSiteOrigin(origin)).toBe(true);
    expect(site.isSiteOrigin(second)).toBe(true);
    expect(site.isSiteOrigin('https://evil.test')).toBe(false);
  });

  it('defaults to the bundled scenarios’ site', () => {
    expect(siteContext().origin).toBe(DEFAULT_SITE_ORIGIN);
  });

  it.each([['ftp://x.test'], ['not a url']])('refuses %s', (origin) => {
    expect(() => siteContext(origin)).toThrow();
  });

  it('page and file URLs round-trip through cellOfPath', () => {
    const site = siteContext();
    const id = 'genesys-us/genesys/icons[region=eu]/webkit';
    const page = new URL(site.pageUrl(id));
    expect(site.cellOfPath(page.pathname)).toEqual({ cellId: id, rest: '' });
    expect(site.cellOfPath(new URL(site.fileUrl(id, 'a.js')).pathname)).toEqual({ cellId: id, rest: 'a.js' });
    expect(site.cellOfPath('/favicon.ico')).toBeNull();
  });

  it.each([
    ['enforce', 'https://reports.csp-harness.test/csp?cell=a%2Fb'],
    ['report', 'https://reports.csp-harness.test/csp?cell=a%2Fb&d=report'],
  ] as const)('report-uri for %s', (disposition, uri) => {
    expect(siteContext().reportUri('a/b', disposition)).toBe(uri);
  });
});

describe('fillPlaceholders', () => {
  it.each([
    ['nonce', "script-src 'nonce-{{nonce}}'", { nonce: 'N' }, "script-src 'nonce-N'"],
    ['every nonce', '<a nonce="{{nonce}}"><b nonce="{{nonce}}">', { nonce: 'N' }, '<a nonce="N"><b nonce="N">'],
    ['no value leaves it', "script-src 'nonce-{{nonce}}' {{inline-hashes}}", {}, "script-src 'nonce-{{nonce}}' {{inline-hashes}}"],
    ['inline hashes from scripts', 'script-src {{inline-hashes}}', { inlineScripts: ['a', 'b'] }, `script-src ${inlineHash('a')} ${inlineHash('b')}`],
    ['inline hashes given', 'script-src {{inline-hashes}}', { inlineHashes: "'sha256-x'" }, "script-src 'sha256-x'"],
    ['origin', 'blob:{{origin}}/x', { origin: 'https://o.test' }, 'blob:https://o.test/x'],
  ])('%s', (_name, text, values, filled) => {
    expect(fillPlaceholders(text, values)).toBe(filled);
  });

  it.each([
    ["script-src 'nonce-{{nonce}}'", true],
    ["script-src 'nonce-abc'", false],
    ['script-src {{nonce}}', false],
  ])('usesNonce(%s) = %s', (policy, uses) => {
    expect(usesNonce(policy)).toBe(uses);
  });
});
