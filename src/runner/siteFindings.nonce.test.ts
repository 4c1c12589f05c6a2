// Table-driven tests of the nonce-missing finding of run --site: the site's own tags that lack the
// nonce its policy asks for, with the evidence that they were blocked.
import { describe, expect, it } from 'vitest';
import type { SiteExchange } from '../server/siteUpstream.ts';
import type { BrowserId, ReportViolation } from '../shared/vocabulary.ts';
import { siteFindings, type PageEvidence } from './siteFindings.ts';
import { HARNESS_URI, ORIGIN, doc, evidence, input, ofKind, violation } from './siteFindings.testkit.ts';

describe('siteFindings: nonce-missing', () => {
  const NONCE_POLICY = `script-src 'nonce-abc' 'strict-dynamic'; report-uri ${HARNESS_URI}`;
  const INLINE = { tag: 'script' as const, url: null, nonce: null, line: 7 };
  const inlineBlocked = (browser: BrowserId, disposition: ReportViolation['disposition'] = 'enforce', directive = 'script-src-elem'): PageEvidence =>
    evidence({ browser, violations: [violation(directive, 'inline', 'inline', disposition)] });

  interface Row {
    name: string;
    served: Partial<SiteExchange['served']>;
    elements: NonNullable<SiteExchange['elements']>;
    evidence: PageEvidence[];
    /** [directive, browsers, text in the detail] of each finding, or [] for none. */
    expected: [string, BrowserId[], string][];
  }
  const rows: Row[] = [
    {
      name: 'an inline script without nonce, blocked in two browsers: one error, browsers merged',
      served: { enforce: [NONCE_POLICY] },
      elements: [INLINE],
      evidence: [inlineBlocked('firefox'), inlineBlocked('chromium'), inlineBlocked('chromium')],
      expected: [['script-src', ['chromium', 'firefox'], 'the inline <script> at line 7']],
    },
    {
      name: 'WebKit’s script-src (no -elem) counts too',
      served: { enforce: [NONCE_POLICY] },
      elements: [INLINE],
      evidence: [inlineBlocked('webkit', 'enforce', 'script-src')],
      expected: [['script-src', ['webkit'], 'line 7']],
    },
    {
      name: 'a report-only violation: none',
      served: { enforce: [NONCE_POLICY] },
      elements: [INLINE],
      evidence: [inlineBlocked('chromium', 'report')],
      expected: [],
    },
    {
      name: 'a policy without a nonce: none',
      served: { enforce: [`script-src 'self'; report-uri ${HARNESS_URI}`] },
      elements: [INLINE],
      evidence: [inlineBlocked('chromium')],
      expected: [],
    },
    {
      name: 'a nonce only in a report-only policy: none',
      served: { reportOnly: [NONCE_POLICY] },
      elements: [INLINE],
      evidence: [inlineBlocked('chromium')],
      expected: [],
    },
    {
      name: 'a nonce in a served <meta> policy counts',
      served: { meta: ["script-src 'nonce-abc'"] },
      elements: [INLINE],
      evidence: [inlineBlocked('chromium')],
      expected: [['script-src', ['chromium'], 'line 7']],
    },
    {
      name: 'a nonce in script-src-elem counts',
      served: { enforce: ["script-src-elem 'nonce-abc'"] },
      elements: [INLINE],
      evidence: [inlineBlocked('chromium')],
      expected: [['script-src', ['chromium'], 'line 7']],
    },
    {
      name: 'a nonce in default-src, no script-src: counts',
      served: { enforce: ["default-src 'nonce-abc'"] },
      elements: [INLINE],
      evidence: [inlineBlocked('chromium')],
      expected: [['script-src', ['chromium'], 'line 7']],
    },
    {
      name: 'a nonce in default-src with a script-src of its own: none',
      served: { enforce: ["default-src 'nonce-abc'; script-src 'self'"] },
      elements: [INLINE],
      evidence: [inlineBlocked('chromium')],
      expected: [],
    },
    {
      name: 'a style nonce in default-src, with only style-src-attr of its own: inline <style> falls back to default-src',
      served: { enforce: ["default-src 'nonce-abc'; style-src-attr 'unsafe-inline'"] },
      elements: [{ tag: 'style', url: null, nonce: null, line: 4 }],
      evidence: [evidence({ violations: [violation('style-src-elem', 'inline', 'inline')] })],
      expected: [['style-src', ['chromium'], 'the inline <style> at line 4']],
    },
    {
      name: 'directive names are case-insensitive (SCRIPT-SRC)',
      served: { enforce: ["SCRIPT-SRC 'nonce-abc'"] },
      elements: [INLINE],
      evidence: [inlineBlocked('chromium')],
      expected: [['script-src', ['chromium'], 'line 7']],
    },
    {
      name: 'the inline script carries a nonce: none',
      served: { enforce: [NONCE_POLICY] },
      elements: [{ ...INLINE, nonce: 'abc' }],
      evidence: [inlineBlocked('chromium')],
      expected: [],
    },
    {
      name: 'an empty nonce attribute is a nonce attribute (not "missing"): none',
      served: { enforce: [NONCE_POLICY] },
      elements: [{ ...INLINE, nonce: '' }],
      evidence: [inlineBlocked('chromium')],
      expected: [],
    },
    {
      name: 'no violation: none (it was not blocked)',
      served: { enforce: [NONCE_POLICY] },
      elements: [INLINE],
      evidence: [evidence({ browser: 'chromium' })],
      expected: [],
    },
    {
      name: 'a style violation does not blame a script',
      served: { enforce: [NONCE_POLICY] },
      elements: [INLINE],
      evidence: [evidence({ violations: [violation('style-src-elem', 'inline', 'inline')] })],
      expected: [],
    },
    {
      name: 'an inline <script> allowed by its hash is not blamed for a blocked inline event handler (script-src-attr)',
      served: { enforce: ["script-src 'nonce-abc' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"] },
      elements: [INLINE],
      evidence: [evidence({ violations: [violation('script-src-attr', 'inline', 'inline')] })],
      expected: [],
    },
    {
      name: 'a <script src> without nonce, matched by blockedURI (resolved on the page)',
      served: { enforce: [NONCE_POLICY] },
      elements: [{ tag: 'script', url: '/js/app.js?v=2', nonce: null, line: 3 }],
      evidence: [evidence({ browser: 'firefox', violations: [violation('script-src-elem', `${ORIGIN}/js/app.js?v=2`, 'url')] })],
      expected: [['script-src', ['firefox'], '<script src="/js/app.js?v=2"> at line 3']],
    },
    {
      name: 'a cross-origin <script src> matched by its origin (a report cut to the origin)',
      served: { enforce: [NONCE_POLICY] },
      elements: [{ tag: 'script', url: 'https://cdn.shop.test/lib.js', nonce: null, line: 4 }],
      evidence: [evidence({ violations: [violation('script-src-elem', 'https://cdn.shop.test', 'url')] })],
      expected: [['script-src', ['chromium'], '<script src="https://cdn.shop.test/lib.js">']],
    },
    {
      name: 'a <script src> blocked at another URL: none',
      served: { enforce: [NONCE_POLICY] },
      elements: [{ tag: 'script', url: '/js/app.js', nonce: null, line: 3 }],
      evidence: [evidence({ violations: [violation('script-src-elem', `${ORIGIN}/js/other.js`, 'url')] })],
      expected: [],
    },
    {
      name: 'an inline violation does not blame a <script src>',
      served: { enforce: [NONCE_POLICY] },
      elements: [{ tag: 'script', url: '/js/app.js', nonce: null, line: 3 }],
      evidence: [inlineBlocked('chromium')],
      expected: [],
    },
    {
      name: 'an inline style and a stylesheet link without nonce under a style nonce',
      served: { enforce: ["style-src 'nonce-s'"] },
      elements: [
        { tag: 'style', url: null, nonce: null, line: 2 },
        { tag: 'link', url: 'https://fonts.shop.test/f.css', nonce: null, line: 9 },
      ],
      evidence: [evidence({ violations: [violation('style-src-elem', 'inline', 'inline'), violation('style-src-elem', 'https://fonts.shop.test/f.css', 'url')] })],
      expected: [
        ['style-src', ['chromium'], 'the inline <style> at line 2'],
        ['style-src', ['chromium'], '<link href="https://fonts.shop.test/f.css"> at line 9'],
      ],
    },
    {
      name: 'violations of another page do not count',
      served: { enforce: [NONCE_POLICY] },
      elements: [INLINE],
      evidence: [evidence({ page: '/other', violations: [violation('script-src-elem', 'inline', 'inline')] })],
      expected: [],
    },
  ];

  it.each(rows)('$name', ({ served, elements, evidence: ev, expected }) => {
    const found = ofKind(siteFindings(input({ pages: ['/', '/other'], exchanges: [doc('/', { served, elements })], evidence: ev })), 'nonce-missing');
    expect(found.map((f) => [f.directive, f.browsers])).toEqual(expected.map(([d, b]) => [d, b]));
    for (const [i, f] of found.entries()) {
      expect(f.page).toBe('/');
      expect(f.severity).toBe('error');
      expect(f.detail).toContain(expected[i]![2]);
    }
  });

  it('judges by the browser’s answer rather than the harness’s own fetch', () => {
    const exchanges = [doc('/', { by: 'harness', dest: null, served: { enforce: ["script-src 'self'"] }, elements: [INLINE] }), doc('/', { served: { enforce: [NONCE_POLICY] }, elements: [INLINE] })];
    const found = ofKind(siteFindings(input({ exchanges, evidence: [inlineBlocked('chromium')] })), 'nonce-missing');
    expect(found).toHaveLength(1);
  });

  it('a page whose document has no elements logged (not HTML): none', () => {
    const exchanges = [doc('/', { html: false, elements: undefined, served: { enforce: [NONCE_POLICY] } })];
    expect(ofKind(siteFindings(input({ exchanges, evidence: [inlineBlocked('chromium')] })), 'nonce-missing')).toEqual([]);
  });
});
