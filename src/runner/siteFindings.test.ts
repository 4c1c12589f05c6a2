// Table-driven tests of what run --site finds about the user's pages from the site server's logged
// answers and the page cells' evidence: static nonces, policies that enforce or report nothing,
// cross-origin redirects, and the findings' order. The site's tags without the nonce are in
// siteFindings.nonce.test.ts, hosts no vendor answers in siteFindings.thirdParty.test.ts.
import { describe, expect, it } from 'vitest';
import type { FindingKind } from '../reporters/model.ts';
import type { SiteExchange } from '../server/siteUpstream.ts';
import { directiveForDest, documentExchanges, siteFindings } from './siteFindings.ts';
import { ORIGIN, doc, evidence, exchange, input, ofKind, type ExchangeInit } from './siteFindings.testkit.ts';

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
