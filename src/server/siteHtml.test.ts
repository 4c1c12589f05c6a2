// Table-driven tests of reading a page of the user's own site (run --site): the CSP <meta> tags and
// where they are, the nonces, the page's own scripts and styles, its links and where <head> ends.
import { describe, expect, it } from 'vitest';
import { policyNonces, readSiteHtml, samePageLinks, withoutMetaPolicies, type OwnElement, type SiteHtml } from './siteHtml.ts';

describe('readSiteHtml: <meta> policies', () => {
  interface Row {
    name: string;
    html: string;
    policies: string[];
    /** The HTML once withoutMetaPolicies removed them. */
    without: string;
  }
  const rows: Row[] = [
    {
      name: 'one meta in head',
      html: `<head><meta http-equiv="Content-Security-Policy" content="script-src 'self'"><title>t</title></head>`,
      policies: ["script-src 'self'"],
      without: '<head><title>t</title></head>',
    },
    {
      name: 'http-equiv is matched case-insensitively (name and value)',
      html: `<HEAD><META HTTP-EQUIV="content-SECURITY-policy" CONTENT="img-src 'none'"></HEAD>`,
      policies: ["img-src 'none'"],
      without: '<HEAD></HEAD>',
    },
    {
      name: 'content has its entities decoded',
      html: `<meta http-equiv="Content-Security-Policy" content="script-src &apos;nonce-a&apos; https://a.test/?x=1&amp;y=2 &#39;self&#39;">`,
      policies: ["script-src 'nonce-a' https://a.test/?x=1&y=2 'self'"],
      without: '',
    },
    {
      name: 'two metas, in order, each removed with nothing else',
      html: `<head>\n<meta http-equiv="Content-Security-Policy" content="a">\n<meta charset="utf-8">\n<meta http-equiv="content-security-policy" content="b" />\n</head>`,
      policies: ['a', 'b'],
      without: '<head>\n\n<meta charset="utf-8">\n\n</head>',
    },
    {
      name: 'unquoted attributes, the tag ending at its own >',
      html: `<p>x</p><meta http-equiv=Content-Security-Policy content=default-src><p>y</p>`,
      policies: ['default-src'],
      without: '<p>x</p><p>y</p>',
    },
    {
      name: 'a > inside the quoted content does not end the range early',
      html: `<meta content="img-src a>b" http-equiv="Content-Security-Policy">after`,
      policies: ['img-src a>b'],
      without: 'after',
    },
    { name: 'report-only in meta is not a policy tag of its own kind', html: `<meta http-equiv="Content-Security-Policy-Report-Only" content="a">`, policies: [], without: `<meta http-equiv="Content-Security-Policy-Report-Only" content="a">` },
    { name: 'a meta without content is not counted', html: `<meta http-equiv="Content-Security-Policy">x`, policies: [], without: `<meta http-equiv="Content-Security-Policy">x` },
    { name: 'an empty content counts (it is a policy, empty)', html: `<meta http-equiv="Content-Security-Policy" content="">x`, policies: [''], without: 'x' },
    { name: 'other http-equiv values are not policies', html: `<meta http-equiv="refresh" content="5"><meta name="csp" content="a">`, policies: [], without: `<meta http-equiv="refresh" content="5"><meta name="csp" content="a">` },
    {
      name: 'a meta inside a comment is ignored',
      html: `<!-- <meta http-equiv="Content-Security-Policy" content="a"> --><p>`,
      policies: [],
      without: `<!-- <meta http-equiv="Content-Security-Policy" content="a"> --><p>`,
    },
    {
      name: 'a meta written inside a script (raw text) is ignored',
      html: `<script>document.write('<meta http-equiv="Content-Security-Policy" content="a">')</script>`,
      policies: [],
      without: `<script>document.write('<meta http-equiv="Content-Security-Policy" content="a">')</script>`,
    },
    {
      name: 'a meta written inside a style (raw text) is ignored',
      html: `<style>/* <meta http-equiv="Content-Security-Policy" content="a"> */</style>`,
      policies: [],
      without: `<style>/* <meta http-equiv="Content-Security-Policy" content="a"> */</style>`,
    },
    {
      name: 'non-ASCII text before the tag does not shift the range',
      html: `<title>Café — ünïcödé 🙂</title><meta http-equiv="Content-Security-Policy" content="a"><p>é</p>`,
      policies: ['a'],
      without: '<title>Café — ünïcödé 🙂</title><p>é</p>',
    },
  ];

  it.each(rows)('$name', ({ html, policies, without }) => {
    const read = readSiteHtml(html);
    expect(read.metaPolicies).toEqual(policies);
    expect(read.metaRanges).toHaveLength(policies.length);
    for (const [start, end] of read.metaRanges) {
      expect(html.slice(start, end)).toMatch(/^<meta\b[^]*>$/i);
    }
    expect(withoutMetaPolicies(html, read.metaRanges)).toBe(without);
  });
});

describe('withoutMetaPolicies', () => {
  it.each([
    { name: 'no ranges: unchanged', html: 'abcdef', ranges: [] as [number, number][], expected: 'abcdef' },
    { name: 'one range in the middle', html: 'abcdef', ranges: [[2, 4]] as [number, number][], expected: 'abef' },
    { name: 'ranges at both ends', html: 'abcdef', ranges: [[0, 1], [5, 6]] as [number, number][], expected: 'bcde' },
    { name: 'adjacent ranges', html: 'abcdef', ranges: [[1, 3], [3, 5]] as [number, number][], expected: 'af' },
  ])('$name', ({ html, ranges, expected }) => {
    expect(withoutMetaPolicies(html, ranges)).toBe(expected);
  });
});

describe('readSiteHtml: nonces', () => {
  it.each([
    { name: 'none', html: '<script>1</script>', nonces: [] },
    { name: 'in order, repeats kept', html: '<script nonce="a"></script><style nonce="b"></style><script nonce="a" src="/x.js"></script>', nonces: ['a', 'b', 'a'] },
    { name: 'an empty nonce attribute is an empty string', html: '<script nonce=""></script>', nonces: [''] },
    { name: 'a bare nonce attribute is an empty string', html: '<script nonce></script>', nonces: [''] },
    { name: 'on any tag (link, meta, div)', html: '<link rel="stylesheet" href="/a.css" nonce="l"><div nonce="d"></div>', nonces: ['l', 'd'] },
    { name: 'attribute name case-insensitive, value kept as written', html: '<script NONCE="AbC+/="></script>', nonces: ['AbC+/='] },
    { name: 'entities in the value decoded', html: '<script nonce="a&amp;b"></script>', nonces: ['a&b'] },
    { name: 'nonce="x" inside script text is not a nonce', html: `<script nonce="real">var t = '<script nonce="fake">';</script>`, nonces: ['real'] },
    { name: 'nonce inside a comment is not a nonce', html: '<!-- <script nonce="c"></script> --><script nonce="r"></script>', nonces: ['r'] },
    { name: 'nonce inside a <textarea> (escapable raw text) is not a nonce', html: '<textarea><script nonce="t"></script></textarea>', nonces: [] },
  ])('$name', ({ html, nonces }) => {
    expect(readSiteHtml(html).nonces).toEqual(nonces);
  });
});

describe('readSiteHtml: the page’s own scripts and styles', () => {
  const el = (tag: OwnElement['tag'], url: string | null, nonce: string | null, line = 1): OwnElement => ({ tag, url, nonce, line });
  it.each([
    { name: 'inline script without nonce', html: '<script>go()</script>', elements: [el('script', null, null)] },
    { name: 'inline script with nonce', html: '<script nonce="n">go()</script>', elements: [el('script', null, 'n')] },
    { name: 'inline script with empty nonce: "" not null', html: '<script nonce="">go()</script>', elements: [el('script', null, '')] },
    { name: 'script src, as written', html: '<script src="js/app.js?v=1"></script>', elements: [el('script', 'js/app.js?v=1', null)] },
    { name: 'script src with entity decoded', html: '<script src="/a.js?x=1&amp;y=2"></script>', elements: [el('script', '/a.js?x=1&y=2', null)] },
    { name: 'type=module is a script', html: '<script type="module" src="/m.js" nonce="n"></script>', elements: [el('script', '/m.js', 'n')] },
    { name: 'type=text/javascript is a script', html: '<script type="text/javascript">1</script>', elements: [el('script', null, null)] },
    { name: 'type is case-insensitive and trimmed', html: '<script type=" Text/JavaScript ">1</script><script type="MODULE">2</script>', elements: [el('script', null, null), el('script', null, null)] },
    { name: 'type=application/ecmascript is a script', html: '<script type="application/ecmascript">1</script>', elements: [el('script', null, null)] },
    { name: 'type=importmap is a script', html: '<script type="importmap">{}</script>', elements: [el('script', null, null)] },
    { name: 'type=application/json is a data block, not an element', html: '<script type="application/json">{"a":1}</script>', elements: [] },
    { name: 'type=application/ld+json is not an element', html: '<script type="application/ld+json">{}</script>', elements: [] },
    { name: 'type=text/template is not an element', html: '<script type="text/template"><b></b></script>', elements: [] },
    { name: 'style without nonce', html: '<style>a{}</style>', elements: [el('style', null, null)] },
    { name: 'style with nonce', html: '<style nonce="s">a{}</style>', elements: [el('style', null, 's')] },
    { name: 'link rel=stylesheet href', html: '<link rel="stylesheet" href="/a.css">', elements: [el('link', '/a.css', null)] },
    { name: 'link rel=stylesheet with nonce', html: '<link rel="stylesheet" href="/a.css" nonce="k">', elements: [el('link', '/a.css', 'k')] },
    { name: 'link rel is a token list, case-insensitive', html: '<link rel="Alternate STYLESHEET" href="/b.css">', elements: [el('link', '/b.css', null)] },
    { name: 'link rel=preload (as=style) is not a stylesheet', html: '<link rel="preload" as="style" href="/a.css">', elements: [] },
    { name: 'link rel=stylesheets is not a stylesheet', html: '<link rel="stylesheets" href="/a.css">', elements: [] },
    { name: 'link rel=stylesheet without href is not counted', html: '<link rel="stylesheet">', elements: [] },
    { name: 'link rel=icon is not counted', html: '<link rel="icon" href="/f.ico">', elements: [] },
    { name: 'a script inside a comment is ignored', html: '<!-- <script src="/old.js"></script> --><p>', elements: [] },
    { name: 'a <script> string inside script text is not an element', html: `<script>document.write('<script src="/w.js"><\\/script><style>')</script>`, elements: [el('script', null, null)] },
    { name: 'in document order', html: '<style></style><script src="/a.js"></script><link rel=stylesheet href=/c.css><script></script>', elements: [el('style', null, null), el('script', '/a.js', null), el('link', '/c.css', null), el('script', null, null)] },
  ])('$name', ({ html, elements }) => {
    expect(readSiteHtml(html).elements).toEqual(elements);
  });

  it('gives 1-based line numbers of each start tag on multi-line HTML', () => {
    const html = [
      '<!doctype html>', // 1
      '<html>', // 2
      '<head>', // 3
      '  <link rel="stylesheet" href="/s.css">', // 4
      '  <script>', // 5
      '    var a = 1;', // 6
      '    var b = "<style>";', // 7
      '  </script>', // 8
      '', // 9
      '<style nonce="n">', // 10
      'p {}', // 11
      '</style></head><body>', // 12
      '<p>text</p>   <script', // 13
      '  src="/late.js"></script>', // 14
      '</body></html>', // 15
    ].join('\n');
    expect(readSiteHtml(html).elements.map((e) => [e.tag, e.line])).toEqual([
      ['link', 4],
      ['script', 5],
      ['style', 10],
      ['script', 13],
    ]);
  });

  it('counts lines with \\r\\n endings the same', () => {
    const html = '<head>\r\n<title>x</title>\r\n<script src="/a.js"></script>\r\n\r\n<style></style>';
    expect(readSiteHtml(html).elements.map((e) => e.line)).toEqual([3, 5]);
  });

  it('puts a tag on the first line at line 1', () => {
    expect(readSiteHtml('<script></script>\n<script></script>').elements.map((e) => e.line)).toEqual([1, 2]);
  });
});

describe('readSiteHtml: links', () => {
  it.each([
    { name: '<a> and <area> hrefs, as written, in order', html: '<a href="/x">x</a><map><area href="y.html"></map><a href="https://o.test/z#f">', links: ['/x', 'y.html', 'https://o.test/z#f'] },
    { name: 'an <a> without href is not a link', html: '<a name="top">t</a><a id="b">', links: [] },
    { name: 'an empty href is kept (it is the page itself)', html: '<a href="">self</a>', links: [''] },
    { name: 'entities decoded', html: '<a href="/s?a=1&amp;b=2">', links: ['/s?a=1&b=2'] },
    { name: '<link href> and <script src> are not links', html: '<link rel="next" href="/2"><script src="/a.js"></script>', links: [] },
    { name: 'links in comments and script text are not links', html: `<!-- <a href="/c"> --><script>var a = '<a href="/j">';</script>`, links: [] },
    { name: 'tag names are case-insensitive', html: '<A HREF="/up">', links: ['/up'] },
  ])('$name', ({ html, links }) => {
    expect(readSiteHtml(html).links).toEqual(links);
  });
});

describe('readSiteHtml: headEnd', () => {
  it.each([
    { name: 'a plain <head>', html: '<!doctype html><html><head><title>t</title></head>', before: '<!doctype html><html><head>' },
    { name: '<head> with attributes', html: '<html>\n<head lang="en" data-x="a>b">\n<title>t</title>', before: '<html>\n<head lang="en" data-x="a>b">' },
    { name: 'after a <meta charset> in the head (it must stay in the first bytes)', html: '<html>\n<head lang="en">\n<meta charset="utf-8">\n<title>t</title>', before: '<html>\n<head lang="en">\n<meta charset="utf-8">' },
    { name: 'no head tag: after <html …>', html: '<!doctype html>\n<html lang="en">\n<title>t</title>', before: '<!doctype html>\n<html lang="en">' },
    { name: 'neither head nor html: after the doctype', html: '<!DOCTYPE html>\n<title>t</title>', before: '<!DOCTYPE html>' },
    { name: 'upper-case <HEAD>', html: '<HTML><HEAD><TITLE>t</TITLE>', before: '<HTML><HEAD>' },
    { name: 'the first <head> wins', html: '<head><title>a</title></head><body><head></body>', before: '<head>' },
    { name: '<header> is not <head>', html: '<body><header>h</header>', before: '' },
    { name: 'a <head> in a comment does not count', html: '<!-- <head> --><html><head>', before: '<!-- <head> --><html><head>' },
    { name: 'no head, html or doctype: 0', html: '<p>x</p>', before: '' },
  ])('$name', ({ html, before }) => {
    const read = readSiteHtml(html);
    expect(read.headEnd).toBe(before.length);
    expect(html.slice(0, read.headEnd)).toBe(before);
  });
});

describe('readSiteHtml: an empty document', () => {
  it('reads nothing', () => {
    const empty: SiteHtml = { metaPolicies: [], metaRanges: [], nonces: [], elements: [], links: [], headEnd: 0 };
    expect(readSiteHtml('')).toEqual(empty);
  });
});

describe('policyNonces', () => {
  it.each([
    { name: 'none', policies: ["script-src 'self'"], expected: [] },
    { name: 'one', policies: ["script-src 'nonce-abc' 'strict-dynamic'"], expected: ['abc'] },
    { name: 'several in one policy, in order', policies: ["script-src 'nonce-a'; style-src 'nonce-b'"], expected: ['a', 'b'] },
    { name: 'across policies, repeats kept', policies: ["script-src 'nonce-a'", "style-src 'nonce-a'"], expected: ['a', 'a'] },
    { name: 'the keyword is case-insensitive, the value keeps its case', policies: ["script-src 'NONCE-AbC+/='"], expected: ['AbC+/='] },
    { name: 'an empty nonce source gives ""', policies: ["script-src 'nonce-'"], expected: [''] },
    { name: 'a nonce without quotes is not a source', policies: ['script-src nonce-abc'], expected: [] },
    { name: 'no policies', policies: [], expected: [] },
  ])('$name', ({ policies, expected }) => {
    expect(policyNonces(policies)).toEqual(expected);
  });
});

describe('samePageLinks', () => {
  const PAGE = 'https://www.shop.test/shop/list?page=1';
  const ORIGINS = ['https://www.shop.test', 'http://localhost:3000'];
  it.each([
    { name: 'relative to the page', links: ['item/7', '../about', '/cart'], expected: ['/shop/item/7', '/about', '/cart'] },
    { name: 'absolute on the same origin', links: ['https://www.shop.test/help'], expected: ['/help'] },
    { name: 'another origin is dropped', links: ['https://other.test/x', 'http://www.shop.test/insecure', 'https://www.shop.test:8443/port'], expected: [] },
    { name: 'mailto:, tel: and javascript: are dropped', links: ['mailto:a@shop.test', 'tel:+123', 'javascript:void(0)'], expected: [] },
    { name: 'the fragment is dropped, the path kept', links: ['/faq#shipping', 'item/7#reviews'], expected: ['/faq', '/shop/item/7'] },
    { name: 'the query is kept', links: ['/search?q=shoes&sort=price', '?page=2'], expected: ['/search?q=shoes&sort=price', '/shop/list?page=2'] },
    { name: 'duplicates once, first seen first', links: ['/b', '/a', '/b', 'https://www.shop.test/a', '/a#x'], expected: ['/b', '/a'] },
    { name: 'a link on the second allowed origin (the server itself) counts', links: ['http://localhost:3000/admin?x=1', 'http://localhost:3001/no'], expected: ['/admin?x=1'] },
    { name: 'a link that cannot be parsed is skipped', links: ['https://[bad', '/ok'], expected: ['/ok'] },
    { name: 'host case and default port do not make another origin', links: ['HTTPS://WWW.SHOP.TEST:443/Case'], expected: ['/Case'] },
    { name: 'protocol-relative on another host is dropped', links: ['//cdn.other.test/x'], expected: [] },
    { name: 'no links', links: [], expected: [] },
  ])('$name', ({ links, expected }) => {
    expect(samePageLinks(links, PAGE, ORIGINS)).toEqual(expected);
  });
});
