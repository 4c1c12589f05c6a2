// Table-driven tests of the unknown-third-party finding of run --site: hosts the site's pages contact
// that no selected vendor answers.
import { describe, expect, it } from 'vitest';
import type { BrowserId } from '../shared/vocabulary.ts';
import { siteFindings, type PageEvidence } from './siteFindings.ts';
import { ORIGIN, doc, evidence, input, ofKind, violation } from './siteFindings.testkit.ts';

describe('siteFindings: unknown-third-party', () => {
  interface Row {
    name: string;
    evidence: PageEvidence[];
    vendorHost?: (host: string) => boolean;
    /** [host, directive, browsers, text in the detail] of each finding. */
    expected: [string, string, BrowserId[], string][];
  }
  const rows: Row[] = [
    {
      name: 'a refused image: img-src',
      evidence: [evidence({ refused: [{ host: 'pixel.ads.test', url: 'https://pixel.ads.test/p.gif?id=1', dest: 'image' }] })],
      expected: [['pixel.ads.test', 'img-src', ['chromium'], 'img-src https://pixel.ads.test;']],
    },
    {
      name: 'refused in two browsers: one finding, browsers merged and sorted',
      evidence: [
        evidence({ browser: 'webkit', refused: [{ host: 'cdn.x.test', url: 'https://cdn.x.test/a.js', dest: 'script' }] }),
        evidence({ browser: 'chromium', refused: [{ host: 'cdn.x.test', url: 'https://cdn.x.test/b.js', dest: 'script' }] }),
      ],
      expected: [['cdn.x.test', 'script-src', ['chromium', 'webkit'], 'https://cdn.x.test/a.js']],
    },
    {
      name: 'a refused request that did not say its dest: default-src',
      evidence: [evidence({ refused: [{ host: 'api.x.test', url: 'https://api.x.test/v1', dest: null }] })],
      expected: [['api.x.test', 'default-src', ['chromium'], 'refused']],
    },
    {
      name: 'a dest known from one request is kept when a later one does not say',
      evidence: [evidence({ refused: [{ host: 'f.x.test', url: 'https://f.x.test/a.woff2', dest: 'font' }, { host: 'f.x.test', url: 'https://f.x.test/b', dest: null }] })],
      expected: [['f.x.test', 'font-src', ['chromium'], 'https://f.x.test/a.woff2']],
    },
    {
      name: 'the redirect target’s host is not a third party',
      evidence: [evidence({ redirectedTo: 'https://login.idp.test/authorize', refused: [{ host: 'login.idp.test', url: 'https://login.idp.test/authorize', dest: 'document' }] })],
      expected: [],
    },
    {
      name: 'a CSP-blocked URL on an unknown host: the violation’s directive, -elem stripped',
      evidence: [evidence({ browser: 'firefox', violations: [violation('script-src-elem', 'https://tag.unknown.test/t.js', 'url')] })],
      expected: [['tag.unknown.test', 'script-src', ['firefox'], 'the policy blocked it (script-src)']],
    },
    {
      name: 'a CSP-blocked URL on a vendor’s host: none',
      evidence: [evidence({ violations: [violation('script-src-elem', 'https://js.vendor.test/v.js', 'url')] })],
      vendorHost: (h) => h === 'js.vendor.test',
      expected: [],
    },
    {
      name: 'a CSP-blocked URL on the site’s own host: none',
      evidence: [evidence({ violations: [violation('img-src', `${ORIGIN}/logo.png`, 'url')] })],
      expected: [],
    },
    {
      name: 'an inline violation names no host: none',
      evidence: [evidence({ violations: [violation('script-src-elem', 'inline', 'inline')] })],
      expected: [],
    },
    {
      name: 'refused and blocked for one host: refused wins, once',
      evidence: [
        evidence({ browser: 'chromium', violations: [violation('img-src', 'https://t.x.test/p.gif', 'url')], refused: [{ host: 't.x.test', url: 'https://t.x.test/p.gif', dest: 'image' }] }),
        evidence({ browser: 'firefox', violations: [violation('img-src', 'https://t.x.test/p.gif', 'url')] }),
      ],
      expected: [['t.x.test', 'img-src', ['chromium'], 'refused']],
    },
    {
      name: 'two hosts: two findings, first seen first',
      evidence: [evidence({ refused: [{ host: 'b.test', url: 'https://b.test/1', dest: 'image' }, { host: 'a.test', url: 'https://a.test/1', dest: 'style' }] })],
      expected: [
        ['b.test', 'img-src', ['chromium'], 'https://b.test/1'],
        ['a.test', 'style-src', ['chromium'], 'https://a.test/1'],
      ],
    },
  ];

  it.each(rows)('$name', ({ evidence: ev, vendorHost, expected }) => {
    const found = ofKind(siteFindings(input({ exchanges: [doc('/')], evidence: ev, ...(vendorHost ? { vendorHost } : {}) })), 'unknown-third-party');
    expect(found.map((f) => [f.host, f.directive, f.browsers])).toEqual(expected.map(([h, d, b]) => [h, d, b]));
    for (const [i, f] of found.entries()) {
      expect(f.page).toBe('/');
      expect(f.severity).toBe('warning');
      expect(f.detail).toContain(expected[i]![3]);
    }
  });
});
