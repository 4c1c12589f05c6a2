// Table-driven tests of what run --site finds about the user's pages from the site server's logged
// answers and the page cells' evidence: static nonces, the site's tags without the nonce, hosts no
// vendor answers, policies that enforce or report nothing, cross-origin redirects.
import { describe, expect, it } from 'vitest';
import type { FindingKind, ReportFinding } from '../reporters/model.ts';
import type { SiteExchange } from '../server/siteUpstream.ts';
import type { BrowserId, ReportViolation } from '../shared/vocabulary.ts';
import { directiveForDest, documentExchanges, siteFindings, type FindingsInput, type PageEvidence } from './siteFindings.ts';

const ORIGIN = 'https://www.shop.test';
const HARNESS_URI = 'https://reports.csp-harness.test/csp?cell=c';

type ExchangeInit = Partial<Omit<SiteExchange, 'policies' | 'served'>> & { policies?: Partial<SiteExchange['policies']>; served?: Partial<SiteExchange['served']> };

/** A browser's navigation to a page of the site: HTML, 200, no policy, unless told otherwise. */
function exchange(init: ExchangeInit = {}): SiteExchange {
  const { policies, served, ...rest } = init;
  return {
    cellId: null,
    by: 'browser',
    method: 'GET',
    url: `${ORIGIN}/`,
    status: 200,
    dest: 'document',
    html: true,
    reportingHeaders: [],
    nonces: [],
    elements: [],
    links: [],
    location: null,
    at: 0,
    ...rest,
    policies: { enforce: [], reportOnly: [], meta: [], ...policies },
    served: { enforce: [], reportOnly: [], meta: [], ...served },
  };
}

/** A document answer that has an enforced policy (so no policy-shape finding comes of it). */
function doc(page: string, init: ExchangeInit = {}): SiteExchange {
  return exchange({ url: `${ORIGIN}${page}`, policies: { enforce: ["default-src 'self'"] }, served: { enforce: [`default-src 'self'; report-uri ${HARNESS_URI}`] }, ...init });
}

function evidence(init: Partial<PageEvidence> = {}): PageEvidence {
  return { page: '/', browser: 'chromium', violations: [], refused: [], redirectedTo: null, ...init };
}

function violation(effectiveDirective: string, blockedURI: string, kind: ReportViolation['kind'], disposition: ReportViolation['disposition'] = 'enforce'): ReportViolation {
  return { disposition, effectiveDirective, blockedURI, kind, signals: [] };
}

function input(init: Partial<FindingsInput>): FindingsInput {
  return { origin: ORIGIN, exchanges: [], pages: ['/'], evidence: [], vendorHost: () => false, ...init };
}

function ofKind(findings: ReportFinding[], kind: FindingKind): ReportFinding[] {
  return findings.filter((f) => f.kind === kind);
}

describe('directiveForDest', () => {
  it.each([
    ['script', 'script-src'],
    ['worker', 'worker-src'],
    ['sharedworker', 'worker-src'],
    ['serviceworker', 'worker-src'],
    ['style', 'style-src'],
    ['image', 'img-src'],
    ['font', 'font-src'],
    ['audio', 'media-src'],
    ['video', 'media-src'],
    ['track', 'media-src'],
    ['iframe', 'frame-src'],
    ['frame', 'frame-src'],
    ['object', 'object-src'],
    ['embed', 'object-src'],
    ['manifest', 'manifest-src'],
    ['empty', 'connect-src'],
    ['websocket', 'connect-src'],
    ['document', null],
    ['report', null],
    ['xslt', null],
    ['Image', null],
    ['', null],
    [null, null],
    [undefined, null],
  ] as [string | null | undefined, string | null][])('%s → %s', (dest, expected) => {
    expect(directiveForDest(dest)).toBe(expected);
  });
});

describe('documentExchanges', () => {
  it.each([
    { name: 'a browser navigation', e: exchange({ url: `${ORIGIN}/a` }), page: '/a', kept: true },
    { name: 'the harness’s own fetch (no dest)', e: exchange({ url: `${ORIGIN}/a`, by: 'harness', dest: null }), page: '/a', kept: true },
    { name: 'a request that did not say its dest', e: exchange({ url: `${ORIGIN}/a`, dest: null }), page: '/a', kept: true },
    { name: 'the query is part of the page', e: exchange({ url: `${ORIGIN}/s?q=1` }), page: '/s?q=1', kept: true },
    { name: 'another query is another page', e: exchange({ url: `${ORIGIN}/s?q=2` }), page: '/s?q=1', kept: false },
    { name: 'the fragment is not part of the page', e: exchange({ url: `${ORIGIN}/a#x` }), page: '/a', kept: true },
    { name: 'a script of the page is not its document', e: exchange({ url: `${ORIGIN}/a`, dest: 'script' }), page: '/a', kept: false },
    { name: 'an iframe of the page is not its document', e: exchange({ url: `${ORIGIN}/a`, dest: 'iframe' }), page: '/a', kept: false },
    { name: 'a POST is not a load of the page', e: exchange({ url: `${ORIGIN}/a`, method: 'POST' }), page: '/a', kept: false },
    { name: 'no answer (status 0) is not kept', e: exchange({ url: `${ORIGIN}/a`, status: 0 }), page: '/a', kept: false },
    { name: 'another origin is not the page', e: exchange({ url: 'https://other.test/a' }), page: '/a', kept: false },
    { name: 'a 404 is kept (it answered)', e: exchange({ url: `${ORIGIN}/a`, status: 404 }), page: '/a', kept: true },
  ])('$name', ({ e, page, kept }) => {
    expect(documentExchanges([e], ORIGIN, page)).toEqual(kept ? [e] : []);
  });
});

describe('siteFindings: static-nonce', () => {
  interface Row {
    name: string;
    pages: string[];
    exchanges: SiteExchange[];
    expected: { page: string; nonceShown: string }[];
  }
  const rows: Row[] = [
    {
      name: 'the same nonce on two answers of one page: one error for that page',
      pages: ['/'],
      exchanges: [doc('/', { by: 'harness', dest: null, nonces: ['abc'] }), doc('/', { nonces: ['abc'] })],
      expected: [{ page: '/', nonceShown: 'abc' }],
    },
    {
      name: 'three answers of one page: still one finding',
      pages: ['/'],
      exchanges: [doc('/', { nonces: ['abc'] }), doc('/', { nonces: ['abc'] }), doc('/', { nonces: ['abc'] })],
      expected: [{ page: '/', nonceShown: 'abc' }],
    },
    {
      name: 'the same nonce on two pages: one finding per page',
      pages: ['/', '/b'],
      exchanges: [doc('/', { nonces: ['abc'] }), doc('/b', { nonces: ['abc'] })],
      expected: [
        { page: '/', nonceShown: 'abc' },
        { page: '/b', nonceShown: 'abc' },
      ],
    },
    {
      name: 'two static nonces on one page: one finding for each',
      pages: ['/'],
      exchanges: [doc('/', { nonces: ['n1', 'n2'] }), doc('/', { nonces: ['n1', 'n2'] })],
      expected: [
        { page: '/', nonceShown: 'n1' },
        { page: '/', nonceShown: 'n2' },
      ],
    },
    {
      name: 'distinct nonces: none',
      pages: ['/'],
      exchanges: [doc('/', { nonces: ['n1'] }), doc('/', { nonces: ['n2'] }), doc('/b', { nonces: ['n3'] })],
      expected: [],
    },
    {
      name: 'nonces on non-HTML answers are ignored',
      pages: ['/'],
      exchanges: [doc('/', { nonces: ['abc'] }), exchange({ url: `${ORIGIN}/app.js`, dest: 'script', html: false, nonces: ['abc'] }), exchange({ url: `${ORIGIN}/app2.js`, dest: 'script', html: false, nonces: ['abc'] })],
      expected: [],
    },
    {
      name: 'answers that never came (status 0) are ignored',
      pages: ['/'],
      exchanges: [doc('/', { nonces: ['abc'] }), doc('/', { status: 0, nonces: ['abc'], error: 'timeout' })],
      expected: [],
    },
    {
      name: 'a long nonce is shortened in the detail',
      pages: ['/'],
      exchanges: [doc('/', { nonces: ['ABCDEFGHIJKLMNOPQRSTUVWX'] }), doc('/', { nonces: ['ABCDEFGHIJKLMNOPQRSTUVWX'] })],
      expected: [{ page: '/', nonceShown: 'ABCDEFGHIJ…' }],
    },
  ];

  it.each(rows)('$name', ({ pages, exchanges, expected }) => {
    const found = ofKind(siteFindings(input({ pages, exchanges })), 'static-nonce');
    expect(found.map((f) => f.page)).toEqual(expected.map((e) => e.page));
    for (const [i, f] of found.entries()) {
      expect(f.severity).toBe('error');
      expect(f.detail).toContain(`"${expected[i]!.nonceShown}"`);
    }
  });
});

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

describe('siteFindings: the shape of the site’s policies', () => {
  const shape: FindingKind[] = ['no-policy', 'report-only-only', 'meta-only-reporting', 'report-to-without-endpoint'];
  interface Row {
    name: string;
    exchanges: SiteExchange[];
    expected: FindingKind[];
    /** Text the first finding's detail holds. */
    detail?: string;
  }
  const page = (init: ExchangeInit) => exchange({ url: `${ORIGIN}/`, ...init });
  const rows: Row[] = [
    { name: 'no policy at all', exchanges: [page({})], expected: ['no-policy'], detail: 'no Content-Security-Policy at all' },
    { name: 'report-only only', exchanges: [page({ policies: { reportOnly: ["script-src 'self'"] } })], expected: ['report-only-only'] },
    { name: 'meta only, without reporting', exchanges: [page({ policies: { meta: ["script-src 'self'"] } })], expected: ['meta-only-reporting'], detail: 'report-uri and report-to do not work' },
    { name: 'meta only, with a report-uri', exchanges: [page({ policies: { meta: ["script-src 'self'; report-uri /csp"] } })], expected: ['meta-only-reporting'], detail: 'its report-uri/report-to are ignored' },
    { name: 'meta plus report-only: meta-only-reporting, not report-only-only', exchanges: [page({ policies: { meta: ["script-src 'self'"], reportOnly: ["img-src 'none'"] } })], expected: ['meta-only-reporting'] },
    { name: 'an enforced header: nothing', exchanges: [page({ policies: { enforce: ["script-src 'self'; report-uri /csp"] } })], expected: [] },
    { name: 'a header and a meta: nothing', exchanges: [page({ policies: { enforce: ["script-src 'self'"], meta: ["img-src 'self'"] } })], expected: [] },
    {
      name: 'report-to without a reporting header',
      exchanges: [page({ policies: { enforce: ["script-src 'self'; report-to csp-group"] } })],
      expected: ['report-to-without-endpoint'],
      detail: '"csp-group"',
    },
    { name: 'report-to first in the policy', exchanges: [page({ policies: { enforce: ["report-to g; script-src 'self'"] } })], expected: ['report-to-without-endpoint'], detail: '"g"' },
    { name: 'REPORT-TO in capitals', exchanges: [page({ policies: { enforce: ["script-src 'self'; REPORT-TO g"] } })], expected: ['report-to-without-endpoint'] },
    {
      name: 'report-to in a report-only policy',
      exchanges: [page({ policies: { reportOnly: ["script-src 'self'; report-to g"] } })],
      expected: ['report-only-only', 'report-to-without-endpoint'],
    },
    { name: 'report-to with Reporting-Endpoints: nothing', exchanges: [page({ policies: { enforce: ["script-src 'self'; report-to g"] }, reportingHeaders: ['reporting-endpoints'] })], expected: [] },
    { name: 'report-to with Report-To: nothing', exchanges: [page({ policies: { enforce: ["script-src 'self'; report-to g"] }, reportingHeaders: ['report-to'] })], expected: [] },
    { name: 'report-uri only: no endpoint needed', exchanges: [page({ policies: { enforce: ["script-src 'self'; report-uri /csp"] } })], expected: [] },
    { name: 'a 404 page is not judged', exchanges: [page({ status: 404 })], expected: [] },
    { name: 'a redirect is not judged', exchanges: [page({ status: 302, html: false, location: '/login' })], expected: [] },
    { name: 'a non-HTML answer is not judged', exchanges: [page({ html: false })], expected: [] },
    { name: 'no answer is not judged', exchanges: [page({ status: 0 })], expected: [] },
    { name: 'the harness’s own fetch is judged', exchanges: [page({ by: 'harness', dest: null })], expected: ['no-policy'] },
    { name: 'an iframe load of the URL is not the document', exchanges: [page({ dest: 'iframe' })], expected: [] },
    { name: 'the first 2xx HTML answer is judged', exchanges: [page({ status: 500 }), page({ policies: { enforce: ["default-src 'self'"] } }), page({})], expected: [] },
  ];

  it.each(rows)('$name', ({ exchanges, expected, detail }) => {
    const found = siteFindings(input({ exchanges })).filter((f) => shape.includes(f.kind));
    expect(found.map((f) => f.kind)).toEqual(expected);
    for (const f of found) {
      expect(f.page).toBe('/');
      expect(f.severity).toBe('warning');
    }
    if (detail !== undefined) expect(found[0]!.detail).toContain(detail);
  });
});

describe('siteFindings: cross-origin-redirect', () => {
  it.each([
    {
      name: 'one per page, with its host, however many browsers saw it',
      evidence: [evidence({ redirectedTo: 'https://login.idp.test/a' }), evidence({ browser: 'firefox', redirectedTo: 'https://login.idp.test/a' })],
      expected: [{ page: '/', host: 'login.idp.test' }],
    },
    { name: 'no redirect: none', evidence: [evidence({}), evidence({ browser: 'webkit' })], expected: [] },
    {
      name: 'each page its own',
      evidence: [evidence({ page: '/b', redirectedTo: 'https://b.test/' }), evidence({ page: '/', redirectedTo: 'https://a.test/' })],
      expected: [
        { page: '/', host: 'a.test' },
        { page: '/b', host: 'b.test' },
      ],
    },
  ])('$name', ({ evidence: ev, expected }) => {
    const found = ofKind(siteFindings(input({ pages: ['/', '/b'], exchanges: [doc('/'), doc('/b')], evidence: ev })), 'cross-origin-redirect');
    expect(found.map((f) => ({ page: f.page, host: f.host }))).toEqual(expected);
    for (const f of found) expect(f.severity).toBe('warning');
  });
});

describe('siteFindings: order', () => {
  it('by the run’s page order, then by kind', () => {
    const exchanges = [
      // /b: no policy, and a static nonce shared with /a.
      exchange({ url: `${ORIGIN}/b`, nonces: ['same'] }),
      // /a: report-only only, with a report-to and no endpoint.
      exchange({ url: `${ORIGIN}/a`, nonces: ['same'], policies: { reportOnly: ["script-src 'self'; report-to g"] } }),
    ];
    const ev = [
      evidence({ page: '/a', redirectedTo: 'https://elsewhere.test/' }),
      evidence({ page: '/b', refused: [{ host: 'px.test', url: 'https://px.test/p.gif', dest: 'image' }] }),
      evidence({ page: '/a', refused: [{ host: 'px.test', url: 'https://px.test/p.gif', dest: 'image' }] }),
    ];
    const found = siteFindings(input({ pages: ['/b', '/a'], exchanges, evidence: ev }));
    expect(found.map((f) => `${f.page} ${f.kind}`)).toEqual([
      '/b static-nonce',
      '/b unknown-third-party',
      '/b no-policy',
      '/a static-nonce',
      '/a unknown-third-party',
      '/a report-only-only',
      '/a report-to-without-endpoint',
      '/a cross-origin-redirect',
    ]);
  });

  it('a finding on a page outside the run’s pages comes last', () => {
    const exchanges = [exchange({ url: `${ORIGIN}/x`, nonces: ['n'] }), exchange({ url: `${ORIGIN}/x`, nonces: ['n'] }), exchange({ url: `${ORIGIN}/` })];
    const found = siteFindings(input({ pages: ['/'], exchanges }));
    expect(found.map((f) => `${f.page} ${f.kind}`)).toEqual(['/ no-policy', '/x static-nonce']);
  });

  it('nothing to say: no findings', () => {
    expect(siteFindings(input({ exchanges: [doc('/')], evidence: [evidence({})] }))).toEqual([]);
  });
});
