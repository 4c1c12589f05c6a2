// Table-driven tests of run --site with a candidate policy: the candidate replaces the site's
// policies on the user's server's answers, and takes the nonce the site put on its tags.
import { describe, expect, it } from 'vitest';
import type { ServedPolicy } from './page.ts';
import { rewriteSiteResponse } from './siteUpstream.ts';
import { ENFORCE_URI, HTML, JS, REPORT_URI, ctx, raw, values } from './siteUpstream.testkit.ts';

describe('rewriteSiteResponse, candidate mode: the candidate replaces the site’s policies', () => {
  const SITE_PAGE = [
    '<!doctype html>',
    '<html>',
    '<head lang="en">',
    `<meta http-equiv="Content-Security-Policy" content="script-src 'nonce-SITE'">`,
    '<meta charset="utf-8">',
    '<script nonce="TAGNONCE" src="/app.js"></script>',
    '</head><body><p>hi</p></body></html>',
  ].join('\n');
  const SITE_HEADERS: [string, string][] = [
    HTML,
    ['Content-Security-Policy', "script-src 'nonce-SITE'; report-uri /x"],
    ['Content-Security-Policy-Report-Only', "img-src 'none'"],
  ];
  const CANDIDATE = "script-src 'nonce-{{nonce}}' 'strict-dynamic'; object-src 'none'";

  interface Row {
    name: string;
    delivery: ServedPolicy['delivery'];
    body?: string;
    enforce: string[];
    reportOnly: string[];
    meta: string[];
  }
  const rows: Row[] = [
    {
      name: 'header: the first nonce attribute fills the candidate',
      delivery: 'header',
      enforce: [`script-src 'nonce-TAGNONCE' 'strict-dynamic'; object-src 'none'; report-uri ${ENFORCE_URI}`],
      reportOnly: [],
      meta: [],
    },
    {
      name: 'report-only: to the report-only header, report disposition',
      delivery: 'report-only',
      enforce: [],
      reportOnly: [`script-src 'nonce-TAGNONCE' 'strict-dynamic'; object-src 'none'; report-uri ${REPORT_URI}`],
      meta: [],
    },
    {
      name: 'meta: a <meta>, without report-uri, and no header',
      delivery: 'meta',
      enforce: [],
      reportOnly: [],
      meta: ["script-src 'nonce-TAGNONCE' 'strict-dynamic'; object-src 'none'"],
    },
    {
      name: 'header+meta: both',
      delivery: 'header+meta',
      enforce: [`script-src 'nonce-TAGNONCE' 'strict-dynamic'; object-src 'none'; report-uri ${ENFORCE_URI}`],
      reportOnly: [],
      meta: ["script-src 'nonce-TAGNONCE' 'strict-dynamic'; object-src 'none'"],
    },
    {
      name: 'a page without nonce attributes: the fresh nonce',
      delivery: 'header',
      body: '<!doctype html><head><title>t</title></head><script>1</script>',
      enforce: [`script-src 'nonce-FRESH' 'strict-dynamic'; object-src 'none'; report-uri ${ENFORCE_URI}`],
      reportOnly: [],
      meta: [],
    },
    {
      name: 'an empty nonce attribute is skipped for the next one',
      delivery: 'header',
      body: '<head><script nonce=""></script><script nonce="SECOND"></script></head>',
      enforce: [`script-src 'nonce-SECOND' 'strict-dynamic'; object-src 'none'; report-uri ${ENFORCE_URI}`],
      reportOnly: [],
      meta: [],
    },
  ];

  it.each(rows)('$name', ({ delivery, body, enforce, reportOnly, meta }) => {
    const { response, exchange } = rewriteSiteResponse(raw(SITE_HEADERS, body ?? SITE_PAGE), ctx([{ value: CANDIDATE, delivery }]));
    expect(values(response.headers, 'content-security-policy')).toEqual(enforce);
    expect(values(response.headers, 'content-security-policy-report-only')).toEqual(reportOnly);
    expect(exchange.served).toEqual({ enforce, reportOnly, meta });
    const text = response.rawBody.toString('utf8');
    // The site's own <meta> is gone; the candidate's are the only ones.
    expect(text).not.toContain('nonce-SITE');
    const served = [...text.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)].map((m) => m[1]!.replaceAll('&#39;', "'"));
    expect(served).toEqual(meta);
    // The log still has the site's originals.
    expect(exchange.policies.enforce).toEqual(["script-src 'nonce-SITE'; report-uri /x"]);
    expect(exchange.policies.reportOnly).toEqual(["img-src 'none'"]);
  });

  it('inserts the <meta> in the head, after its <meta charset>, where the site’s own <meta> was removed', () => {
    const { response } = rewriteSiteResponse(raw(SITE_HEADERS, SITE_PAGE), ctx([{ value: CANDIDATE, delivery: 'meta' }]));
    expect(response.rawBody.toString('utf8')).toBe(
      [
        '<!doctype html>',
        '<html>',
        `<head lang="en">`,
        '',
        `<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="script-src 'nonce-TAGNONCE' 'strict-dynamic'; object-src 'none'">`,
        '<script nonce="TAGNONCE" src="/app.js"></script>',
        '</head><body><p>hi</p></body></html>',
      ].join('\n'),
    );
  });

  it('two meta candidates, in order, right after <head>', () => {
    const body = '<html><head><title>t</title></head></html>';
    const { response } = rewriteSiteResponse(
      raw([HTML], body),
      ctx([
        { value: "script-src 'self'", delivery: 'meta' },
        { value: "img-src 'none'", delivery: 'meta' },
      ]),
    );
    expect(response.rawBody.toString('utf8')).toBe(
      `<html><head><meta http-equiv="Content-Security-Policy" content="script-src 'self'"><meta http-equiv="Content-Security-Policy" content="img-src 'none'"><title>t</title></head></html>`,
    );
  });

  it('a site <meta> before <head> is removed and the candidate still lands right after <head>', () => {
    const body = `<meta http-equiv="Content-Security-Policy" content="a"><head><title>t</title></head>`;
    const { response } = rewriteSiteResponse(raw([HTML], body), ctx([{ value: "img-src 'none'", delivery: 'meta' }]));
    expect(response.rawBody.toString('utf8')).toBe(`<head><meta http-equiv="Content-Security-Policy" content="img-src 'none'"><title>t</title></head>`);
  });

  it('escapes the candidate in the content attribute', () => {
    const { response } = rewriteSiteResponse(raw([HTML], '<head></head>'), ctx([{ value: 'img-src https://a.test/?x=1&y="2"<', delivery: 'meta' }]));
    expect(response.rawBody.toString('utf8')).toBe('<head><meta http-equiv="Content-Security-Policy" content="img-src https://a.test/?x=1&amp;y=&quot;2&quot;&lt;"></head>');
  });

  it('a page without a <head> tag keeps its doctype first (a tag before it would put the page in quirks mode)', () => {
    const body = '<!doctype html>\n<html lang="en">\n<title>t</title>\n<p>x</p>';
    const { response } = rewriteSiteResponse(raw([HTML], body), ctx([{ value: "img-src 'none'", delivery: 'meta' }]));
    const text = response.rawBody.toString('utf8');
    expect(text).toContain(`<meta http-equiv="Content-Security-Policy" content="img-src 'none'">`);
    expect(text).toMatch(/^<!doctype html>/);
  });

  it('a non-HTML answer under a candidate: the site’s headers removed, no policy, body untouched', () => {
    const { response, exchange } = rewriteSiteResponse(raw([JS, ['Content-Security-Policy', "default-src 'none'"]], 'go()'), ctx([{ value: CANDIDATE, delivery: 'header' }]));
    expect(response.headers['content-security-policy']).toBeUndefined();
    expect(response.rawBody.toString('utf8')).toBe('go()');
    expect(exchange.served).toEqual({ enforce: [], reportOnly: [], meta: [] });
  });

  it('the site’s Reporting-Endpoints are removed under a candidate too', () => {
    const { response, exchange } = rewriteSiteResponse(raw([HTML, ['Reporting-Endpoints', 'g="https://c.test/"']], '<head></head>'), ctx([{ value: CANDIDATE, delivery: 'header' }]));
    expect(response.headers['reporting-endpoints']).toBeUndefined();
    expect(exchange.reportingHeaders).toEqual(['reporting-endpoints']);
  });
});
