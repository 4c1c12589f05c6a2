// Table-driven tests of what the harness does to an answer of the user's own server (run --site):
// reporting rerouted to the harness, headers it owns dropped, redirects to the server itself pointed
// at the origin, and what the log keeps. A candidate policy replacing the site's:
// siteUpstream.candidate.test.ts.
import { describe, expect, it } from 'vitest';
import { rewriteSiteResponse, siteTarget, toOrigin } from './siteUpstream.ts';
import { ENFORCE_URI, HTML, JS, ORIGIN, REPORT_URI, ctx, raw, values } from './siteUpstream.testkit.ts';

describe('rewriteSiteResponse, site mode (no candidate): the site’s policies with reporting rerouted', () => {
  interface Row {
    name: string;
    headers: [string, string][];
    enforce: string[];
    reportOnly: string[];
  }
  const rows: Row[] = [
    {
      name: 'report-uri and report-to are replaced by the harness report-uri',
      headers: [HTML, ['Content-Security-Policy', "script-src 'self'; report-uri /x; report-to g"]],
      enforce: [`script-src 'self'; report-uri ${ENFORCE_URI}`],
      reportOnly: [],
    },
    {
      name: 'a policy without reporting gets the harness report-uri',
      headers: [HTML, ['content-security-policy', "default-src 'self'"]],
      enforce: [`default-src 'self'; report-uri ${ENFORCE_URI}`],
      reportOnly: [],
    },
    {
      name: 'a report-only header reports to the report disposition',
      headers: [HTML, ['Content-Security-Policy-Report-Only', "img-src 'none'; report-uri https://collector.shop.test/r"]],
      enforce: [],
      reportOnly: [`img-src 'none'; report-uri ${REPORT_URI}`],
    },
    {
      name: 'two CSP headers stay two, in order',
      headers: [HTML, ['Content-Security-Policy', "script-src 'self'"], ['Content-Security-Policy', "img-src 'none'; report-to g"]],
      enforce: [`script-src 'self'; report-uri ${ENFORCE_URI}`, `img-src 'none'; report-uri ${ENFORCE_URI}`],
      reportOnly: [],
    },
    {
      name: 'enforce and report-only together, each to its own disposition',
      headers: [HTML, ['Content-Security-Policy-Report-Only', "script-src 'none'"], ['Content-Security-Policy', "object-src 'none'"]],
      enforce: [`object-src 'none'; report-uri ${ENFORCE_URI}`],
      reportOnly: [`script-src 'none'; report-uri ${REPORT_URI}`],
    },
    {
      name: 'a comma-separated list: each policy gets the harness report-uri',
      headers: [HTML, ['Content-Security-Policy', "script-src 'self'; report-uri /a, img-src 'none'"]],
      enforce: [`script-src 'self'; report-uri ${ENFORCE_URI}, img-src 'none'; report-uri ${ENFORCE_URI}`],
      reportOnly: [],
    },
    {
      name: 'REPORT-URI in capitals is still the site’s reporting',
      headers: [HTML, ['Content-Security-Policy', "script-src 'self'; REPORT-URI /x"]],
      enforce: [`script-src 'self'; report-uri ${ENFORCE_URI}`],
      reportOnly: [],
    },
    {
      name: 'the site’s nonce source is kept as it is',
      headers: [HTML, ['Content-Security-Policy', "script-src 'nonce-SiteNonce1' 'strict-dynamic'"]],
      enforce: [`script-src 'nonce-SiteNonce1' 'strict-dynamic'; report-uri ${ENFORCE_URI}`],
      reportOnly: [],
    },
    { name: 'no policy: none served', headers: [HTML], enforce: [], reportOnly: [] },
    {
      name: 'a non-HTML answer keeps its (rerouted) policy too',
      headers: [JS, ['Content-Security-Policy', "default-src 'none'; report-uri /x"]],
      enforce: [`default-src 'none'; report-uri ${ENFORCE_URI}`],
      reportOnly: [],
    },
  ];

  it.each(rows)('$name', ({ headers, enforce, reportOnly }) => {
    const { response, exchange } = rewriteSiteResponse(raw(headers, '<p>hi</p>'), ctx());
    expect(values(response.headers, 'content-security-policy')).toEqual(enforce);
    expect(values(response.headers, 'content-security-policy-report-only')).toEqual(reportOnly);
    expect(exchange.served.enforce).toEqual(enforce);
    expect(exchange.served.reportOnly).toEqual(reportOnly);
    // The log keeps the site's originals.
    expect(exchange.policies.enforce).toEqual(headers.filter(([n]) => n.toLowerCase() === 'content-security-policy').map(([, v]) => v));
    expect(exchange.policies.reportOnly).toEqual(headers.filter(([n]) => n.toLowerCase() === 'content-security-policy-report-only').map(([, v]) => v));
    // Nothing keeps the site's own collector.
    for (const v of [...enforce, ...reportOnly]) {
      expect(v).not.toMatch(/report-to|report-uri \/|collector/);
    }
  });

  it('keeps a <meta> policy in the HTML as it is, and logs it as both policy and served', () => {
    const body = `<!doctype html><head><meta http-equiv="Content-Security-Policy" content="img-src 'self'"></head><body></body>`;
    const { response, exchange } = rewriteSiteResponse(raw([HTML], body), ctx());
    expect(response.rawBody.toString('utf8')).toBe(body);
    expect(exchange.policies.meta).toEqual(["img-src 'self'"]);
    expect(exchange.served.meta).toEqual(["img-src 'self'"]);
  });
});

describe('rewriteSiteResponse: the headers the harness owns', () => {
  const { response, exchange } = rewriteSiteResponse(
    raw(
      [
        HTML,
        ['Content-Length', '9'],
        ['Strict-Transport-Security', 'max-age=31536000'],
        ['Alt-Svc', 'h3=":443"'],
        ['Reporting-Endpoints', 'g="https://collector.shop.test/r"'],
        ['Report-To', '{"group":"g","max_age":1,"endpoints":[{"url":"https://collector.shop.test/r"}]}'],
        ['Set-Cookie', 'a=1; Path=/'],
        ['Set-Cookie', 'b=2; Path=/'],
        ['Connection', 'keep-alive'],
        ['Transfer-Encoding', 'chunked'],
        ['X-Custom', 'kept'],
        ['Cache-Control', 'no-store'],
      ],
      '<p>hi</p>',
    ),
    ctx(),
  );

  it.each([
    { name: 'content-length', header: 'content-length' },
    { name: 'content-encoding (decoded body)', header: 'content-encoding' },
    { name: 'strict-transport-security', header: 'strict-transport-security' },
    { name: 'alt-svc', header: 'alt-svc' },
    { name: 'reporting-endpoints', header: 'reporting-endpoints' },
    { name: 'report-to', header: 'report-to' },
    { name: 'connection (hop-by-hop)', header: 'connection' },
    { name: 'transfer-encoding (hop-by-hop)', header: 'transfer-encoding' },
  ])('drops $name', ({ header }) => {
    expect(Object.keys(response.headers).map((k) => k.toLowerCase())).not.toContain(header);
  });

  it.each([
    { name: 'set-cookie twice, as an array in order', header: 'set-cookie', expected: ['a=1; Path=/', 'b=2; Path=/'] as string | string[] },
    { name: 'a custom header', header: 'x-custom', expected: 'kept' },
    { name: 'cache-control', header: 'cache-control', expected: 'no-store' },
    { name: 'content-type', header: 'content-type', expected: 'text/html; charset=utf-8' },
  ])('keeps $name', ({ header, expected }) => {
    expect(response.headers[header]).toEqual(expected);
  });

  it('lists the reporting headers the site sent, lower-case, each once', () => {
    expect(exchange.reportingHeaders).toEqual(['reporting-endpoints', 'report-to']);
  });

  it('lists none when there were none', () => {
    expect(rewriteSiteResponse(raw([HTML]), ctx()).exchange.reportingHeaders).toEqual([]);
  });

  it('keeps status and status text', () => {
    const r = rewriteSiteResponse(raw([HTML], '', { status: 404, statusText: 'Not Found' }), ctx());
    expect(r.response.statusCode).toBe(404);
    expect(r.response.statusMessage).toBe('Not Found');
    expect(r.exchange.status).toBe(404);
  });
});

describe('rewriteSiteResponse: Location', () => {
  it.each([
    { name: 'absolute to the server: to the origin, path, query and hash kept', location: 'http://localhost:3000/login?next=%2Fcart#form', expected: `${ORIGIN}/login?next=%2Fcart#form` },
    { name: 'absolute to the server root', location: 'http://localhost:3000/', expected: `${ORIGIN}/` },
    { name: 'the server with host in capitals', location: 'http://LOCALHOST:3000/a', expected: `${ORIGIN}/a` },
    { name: 'another origin kept', location: 'https://accounts.idp.test/authorize?x=1', expected: 'https://accounts.idp.test/authorize?x=1' },
    { name: 'same host, another port kept', location: 'http://localhost:3001/a', expected: 'http://localhost:3001/a' },
    { name: 'same host, https instead of http kept', location: 'https://localhost:3000/a', expected: 'https://localhost:3000/a' },
    { name: 'relative kept', location: '/cart?x=1', expected: '/cart?x=1' },
    { name: 'relative without slash kept', location: 'next', expected: 'next' },
  ])('$name', ({ location, expected }) => {
    const { response, exchange } = rewriteSiteResponse(raw([['Location', location]], '', { status: 302, statusText: 'Found' }), ctx());
    expect(response.headers.location).toBe(expected);
    expect(exchange.location).toBe(expected);
  });

  it('logs a null location when there is none', () => {
    expect(rewriteSiteResponse(raw([HTML]), ctx()).exchange.location).toBeNull();
  });
});

describe('toOrigin', () => {
  it.each([
    { location: 'http://localhost:3000/a/b?c=d#e', target: 'http://localhost:3000', origin: 'https://www.shop.test', expected: 'https://www.shop.test/a/b?c=d#e' },
    { location: 'http://localhost/x', target: 'http://localhost:80', origin: 'https://www.shop.test', expected: 'https://www.shop.test/x' },
    { location: 'https://[::1]:8443/x', target: 'https://[::1]:8443', origin: 'https://www.shop.test', expected: 'https://www.shop.test/x' },
    { location: 'http://127.0.0.1:3000/x', target: 'http://localhost:3000', origin: 'https://www.shop.test', expected: 'http://127.0.0.1:3000/x' },
    { location: '/rel', target: 'http://localhost:3000', origin: 'https://www.shop.test', expected: '/rel' },
    { location: 'not a url', target: 'http://localhost:3000', origin: 'https://www.shop.test', expected: 'not a url' },
  ])('$location (server $target) → $expected', ({ location, target, origin, expected }) => {
    expect(toOrigin(location, new URL(target), origin)).toBe(expected);
  });
});

describe('rewriteSiteResponse: bodies', () => {
  it('leaves a JS body untouched, even with HTML-looking text, and reads nothing from it', () => {
    const js = `document.write('<meta http-equiv="Content-Security-Policy" content="x"><script nonce="abc"></script>');`;
    const { response, exchange } = rewriteSiteResponse(raw([JS], js), ctx([{ value: "script-src 'nonce-{{nonce}}'", delivery: 'meta' }]));
    expect(response.rawBody.toString('utf8')).toBe(js);
    expect(exchange.html).toBe(false);
    expect(exchange.policies.meta).toEqual([]);
    expect(exchange.nonces).toEqual([]);
    expect(exchange.elements).toBeUndefined();
    expect(exchange.links).toBeUndefined();
  });

  it.each([
    { name: 'text/html', type: 'text/html', html: true },
    { name: 'TEXT/HTML with charset', type: 'TEXT/HTML; charset=UTF-8', html: true },
    { name: 'application/xhtml+xml', type: 'application/xhtml+xml', html: true },
    { name: 'text/plain', type: 'text/plain', html: false },
    { name: 'application/json', type: 'application/json', html: false },
    { name: 'no content-type', type: null, html: false },
  ])('$name is HTML: $html', ({ type, html }) => {
    const headers: [string, string][] = type === null ? [] : [['Content-Type', type]];
    expect(rewriteSiteResponse(raw(headers, '<p>'), ctx()).exchange.html).toBe(html);
  });

  it('an encoded body (an encoding Node cannot undo) is passed on untouched with its content-encoding', () => {
    const body = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x01, 0x02]);
    const { response, exchange } = rewriteSiteResponse(
      { status: 200, statusText: 'OK', headers: [HTML, ['Content-Encoding', 'zstd'], ['Content-Length', '7']], body, encoded: true },
      ctx([{ value: "script-src 'self'", delivery: 'meta' }]),
    );
    expect(response.rawBody).toEqual(body);
    expect(response.headers['content-encoding']).toBe('zstd');
    expect(response.headers['content-length']).toBeUndefined();
    expect(exchange.html).toBe(false);
    expect(exchange.elements).toBeUndefined();
  });

  it('a decoded body loses its content-encoding', () => {
    const { response } = rewriteSiteResponse(raw([HTML, ['Content-Encoding', 'gzip']], '<p>'), ctx());
    expect(response.headers['content-encoding']).toBeUndefined();
  });
});

describe('rewriteSiteResponse: what the log keeps', () => {
  it.each([
    {
      name: 'nonces from the header and the tags, each once, in order',
      headers: [HTML, ['Content-Security-Policy', "script-src 'nonce-H1'; style-src 'nonce-T1'"]] as [string, string][],
      body: '<script nonce="T1"></script><style nonce="T2"></style><script nonce="T1"></script>',
      nonces: ['H1', 'T1', 'T2'],
    },
    {
      name: 'nonces from report-only and <meta> too',
      headers: [HTML, ['Content-Security-Policy-Report-Only', "script-src 'nonce-R'"]] as [string, string][],
      body: `<meta http-equiv="Content-Security-Policy" content="script-src 'nonce-M'">`,
      nonces: ['R', 'M'],
    },
    {
      name: 'an empty nonce is not a nonce',
      headers: [HTML] as [string, string][],
      body: '<script nonce=""></script><script nonce></script>',
      nonces: [],
    },
    {
      name: 'a non-HTML answer: only the header’s',
      headers: [JS, ['Content-Security-Policy', "script-src 'nonce-J'"]] as [string, string][],
      body: 'x = "<script nonce=\\"no\\">"',
      nonces: ['J'],
    },
  ])('$name', ({ headers, body, nonces }) => {
    expect(rewriteSiteResponse(raw(headers, body), ctx()).exchange.nonces).toEqual(nonces);
  });

  it('keeps the page’s elements and links for HTML', () => {
    const { exchange } = rewriteSiteResponse(raw([HTML], '<head>\n<script src="/a.js"></script>\n</head><a href="/next">n</a>'), ctx());
    expect(exchange.elements).toEqual([{ tag: 'script', url: '/a.js', nonce: null, line: 2 }]);
    expect(exchange.links).toEqual(['/next']);
  });

  it('policies are the originals, served the rewritten', () => {
    const site = "script-src 'self'; report-uri /csp; report-to g";
    const { exchange } = rewriteSiteResponse(raw([HTML, ['Content-Security-Policy', site]]), ctx());
    expect(exchange.policies).toEqual({ enforce: [site], reportOnly: [], meta: [] });
    expect(exchange.served).toEqual({ enforce: [`script-src 'self'; report-uri ${ENFORCE_URI}`], reportOnly: [], meta: [] });
  });
});

describe('siteTarget', () => {
  it.each([
    { input: 'http://localhost:3000', origin: 'http://localhost:3000' },
    { input: 'https://dev.shop.test', origin: 'https://dev.shop.test' },
    { input: 'http://[::1]:8080/', origin: 'http://[::1]:8080' },
    { input: 'HTTP://LOCALHOST:3000', origin: 'http://localhost:3000' },
  ])('accepts $input', ({ input, origin }) => {
    expect(siteTarget(input).origin).toBe(origin);
  });

  it.each([
    { input: 'localhost:3000', named: true },
    { input: 'ftp://localhost/', named: true },
    { input: 'file:///srv/site', named: true },
    { input: '', named: true },
    { input: 'not a url', named: true },
    { input: 'ws://localhost:3000', named: true },
    { input: 'http://user:secret@localhost:3000', named: false },
    { input: 'http://user@localhost:3000', named: false },
  ])('refuses $input', ({ input, named }) => {
    let error: unknown;
    try {
      siteTarget(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    const message = (error as Error).message;
    expect(message).toMatch(/--site/);
    if (named) expect(message).toContain(JSON.stringify(input));
    // A password never goes into a message.
    else expect(message).not.toContain('secret');
  });
});
