// Table-driven tests of URL matching, derived from the text of CSP Level 3 (w3c/webappsec-csp index.bs):
// §6.7.2.5 "Does url match source list in origin with redirect count?",
// §6.7.2.6 "Does url match expression in origin with redirect count?", and the
// `scheme-part`, `host-part`, `port-part` and `path-part` matching algorithms.
// Expected values come from the spec text, not from the implementation.
import { describe, expect, it } from 'vitest';
import {
  findMatchingExpression,
  hostPartMatches,
  parseSourceExpression,
  pathPartMatches,
  portPartMatches,
  schemePartMatches,
  urlMatchesExpression,
} from './index.ts';
import type { SourceExpression } from './index.ts';

const PAGE = 'https://www.shop.test';

function expr(token: string): SourceExpression {
  const parsed = parseSourceExpression(token);
  if (!parsed.ok) throw new Error(`test setup: ${token} did not parse: ${parsed.message}`);
  return parsed.source;
}

interface SchemeRow {
  name: string;
  a: string;
  b: string;
  expected: boolean;
}

// §6.7.2.9 `scheme-part` matching.
const schemeRows: SchemeRow[] = [
  { name: 'identical schemes', a: 'https', b: 'https', expected: true },
  { name: 'identical, case-insensitive', a: 'HTTP', b: 'http', expected: true },
  { name: 'http upgrades to https', a: 'http', b: 'https', expected: true },
  { name: 'https does not downgrade to http', a: 'https', b: 'http', expected: false },
  { name: 'ws matches wss', a: 'ws', b: 'wss', expected: true },
  { name: 'ws matches http', a: 'ws', b: 'http', expected: true },
  { name: 'ws matches https', a: 'ws', b: 'https', expected: true },
  { name: 'wss matches https', a: 'wss', b: 'https', expected: true },
  { name: 'wss does not match http', a: 'wss', b: 'http', expected: false },
  { name: 'wss does not match ws', a: 'wss', b: 'ws', expected: false },
  { name: 'https does not match wss', a: 'https', b: 'wss', expected: false },
  { name: 'http does not match ws', a: 'http', b: 'ws', expected: false },
  { name: 'data matches data', a: 'data', b: 'data', expected: true },
  { name: 'blob does not match data', a: 'blob', b: 'data', expected: false },
  { name: 'custom scheme matches itself', a: 'chrome-extension', b: 'chrome-extension', expected: true },
];

describe('schemePartMatches (scheme-part matching)', () => {
  it.each(schemeRows)('$name: $a vs $b', ({ a, b, expected }) => {
    expect(schemePartMatches(a, b)).toBe(expected);
  });
});

interface HostRow {
  name: string;
  pattern: string;
  host: string;
  expected: boolean;
}

// §6.7.2.10 `host-part` matching.
const hostRows: HostRow[] = [
  { name: 'exact host', pattern: 'cdn.example.com', host: 'cdn.example.com', expected: true },
  { name: 'exact host, case-insensitive', pattern: 'CDN.Example.COM', host: 'cdn.example.com', expected: true },
  { name: 'different host', pattern: 'cdn.example.com', host: 'img.example.com', expected: false },
  { name: 'a host does not match its subdomains', pattern: 'example.com', host: 'www.example.com', expected: false },
  { name: '*. matches a subdomain', pattern: '*.example.com', host: 'www.example.com', expected: true },
  { name: '*. matches a deeper subdomain', pattern: '*.example.com', host: 'a.b.example.com', expected: true },
  { name: '*.example.com does NOT match example.com', pattern: '*.example.com', host: 'example.com', expected: false },
  { name: '*. needs a label boundary', pattern: '*.example.com', host: 'notexample.com', expected: false },
  { name: '*. does not match a different domain', pattern: '*.example.com', host: 'www.example.org', expected: false },
  { name: 'relation is asymmetric', pattern: 'www.example.com', host: '*.example.com', expected: false },
  { name: 'lone * matches any host', pattern: '*', host: 'anything.test', expected: true },
  { name: '127.0.0.1 is the one IPv4 literal that matches', pattern: '127.0.0.1', host: '127.0.0.1', expected: true },
  { name: 'other IPv4 literals never match', pattern: '192.168.1.10', host: '192.168.1.10', expected: false },
  { name: 'IPv6 literals never match', pattern: '[::1]', host: '[::1]', expected: false },
  // Step 1 (the "*" suffix match) returns before step 3 (the IP rule): "*" matches an IP host.
  { name: 'lone * matches an IPv4 host', pattern: '*', host: '10.0.0.5', expected: true },
  { name: '*. never matches an IPv4 host', pattern: '*.example.com', host: '10.0.0.5', expected: false },
];

describe('hostPartMatches (host-part matching)', () => {
  it.each(hostRows)('$name: $pattern vs $host', ({ pattern, host, expected }) => {
    expect(hostPartMatches(pattern, host)).toBe(expected);
  });
});

interface PortRow {
  name: string;
  input: string | null;
  url: string;
  expected: boolean;
}

// §6.7.2.11 `port-part` matching. The URL parser drops a default port, so `https://x:443/` has port null.
const portRows: PortRow[] = [
  { name: 'no port, default port (https)', input: null, url: 'https://x.test/', expected: true },
  { name: 'no port, explicit default port (https)', input: null, url: 'https://x.test:443/', expected: true },
  { name: 'no port, default port (http)', input: null, url: 'http://x.test/', expected: true },
  { name: 'no port, non-default port', input: null, url: 'https://x.test:8443/', expected: false },
  { name: '* matches a non-default port', input: '*', url: 'https://x.test:8443/', expected: true },
  { name: '* matches the default port', input: '*', url: 'https://x.test/', expected: true },
  { name: 'explicit port equal', input: '8080', url: 'http://x.test:8080/', expected: true },
  { name: 'explicit port different', input: '8080', url: 'http://x.test:8081/', expected: false },
  { name: 'explicit port vs default port of the URL', input: '8080', url: 'http://x.test/', expected: false },
  { name: '443 equals the https default port', input: '443', url: 'https://x.test/', expected: true },
  { name: '80 equals the http default port', input: '80', url: 'http://x.test/', expected: true },
  { name: '443 equals the wss default port', input: '443', url: 'wss://x.test/', expected: true },
  { name: '80 equals the ws default port', input: '80', url: 'ws://x.test/', expected: true },
  // Spec text: 80 is not the default port of https, so "80" does not match an https URL on 443
  // (webappsec-csp#439: the non-normative "Changes from Level 2" says it should; browsers differ).
  { name: '80 does not match an https URL on its default port', input: '80', url: 'https://x.test/', expected: false },
  { name: '443 matches an http URL that names port 443', input: '443', url: 'http://x.test:443/', expected: true },
  { name: 'port is read as a decimal number', input: '0080', url: 'http://x.test/', expected: true },
];

describe('portPartMatches (port-part matching)', () => {
  it.each(portRows)('$name: $input vs $url', ({ input, url, expected }) => {
    expect(portPartMatches(input, new URL(url))).toBe(expected);
  });
});

interface PathRow {
  name: string;
  a: string;
  b: string;
  expected: boolean;
}

// §6.7.2.12 `path-part` matching.
const pathRows: PathRow[] = [
  { name: 'empty path-part matches anything', a: '', b: '/any/thing.js', expected: true },
  { name: '"/" matches the empty path', a: '/', b: '', expected: true },
  { name: '"/" is a prefix of every path', a: '/', b: '/a/b.js', expected: true },
  { name: 'trailing "/" is a prefix match', a: '/js/', b: '/js/app.js', expected: true },
  { name: 'prefix match reaches deeper directories', a: '/js/', b: '/js/vendor/lib.js', expected: true },
  { name: 'prefix does not match the bare directory name', a: '/js/', b: '/js', expected: false },
  { name: 'prefix compares whole segments', a: '/js/', b: '/jsx/app.js', expected: false },
  { name: 'prefix does not match a sibling directory', a: '/js/', b: '/css/site.css', expected: false },
  { name: 'no trailing "/" is an exact match', a: '/js/app.js', b: '/js/app.js', expected: true },
  { name: 'exact match rejects a longer path', a: '/js/app.js', b: '/js/app.js/more', expected: false },
  { name: 'exact match rejects a longer last segment', a: '/js/app.js', b: '/js/app.jsx', expected: false },
  { name: 'exact match rejects a shorter path', a: '/js/app.js', b: '/js', expected: false },
  { name: 'paths are case-sensitive', a: '/js/app.js', b: '/JS/app.js', expected: false },
  { name: 'expression segment is percent-decoded', a: '/%7Euser/', b: '/~user/a.js', expected: true },
  { name: 'URL segment is percent-decoded', a: '/a b.js', b: '/a%20b.js', expected: true },
  { name: 'both sides percent-decoded', a: '/caf%C3%A9.js', b: '/caf%c3%a9.js', expected: true },
  { name: 'split on "/" happens before decoding %2F', a: '/a%2Fb.js', b: '/a/b.js', expected: false },
];

describe('pathPartMatches (path-part matching)', () => {
  it.each(pathRows)('$name: $a vs $b', ({ a, b, expected }) => {
    expect(pathPartMatches(a, b)).toBe(expected);
  });
});

interface UrlRow {
  name: string;
  expression: string;
  url: string;
  origin?: string;
  redirectCount?: number;
  expected: boolean;
}

// §6.7.2.6 "Does url match expression in origin with redirect count?"
const urlRows: UrlRow[] = [
  // Step 1: "*".
  { name: '* matches an https URL', expression: '*', url: 'https://any.test/a.js', expected: true },
  { name: '* matches an http URL', expression: '*', url: 'http://any.test/a.js', expected: true },
  { name: '* does not match data:', expression: '*', url: 'data:image/png;base64,AAAA', expected: false },
  { name: '* does not match blob:', expression: '*', url: `blob:${PAGE}/2a1f6d3c-1111-4c3b-9d2e-000000000000`, expected: false },
  { name: '* does not match filesystem:', expression: '*', url: `filesystem:${PAGE}/temporary/a.js`, expected: false },
  { name: '* does not match a ws: URL (not an HTTP(S) scheme)', expression: '*', url: 'ws://chat.test/', expected: false },
  { name: '* does not match a wss: URL (not an HTTP(S) scheme)', expression: '*', url: 'wss://chat.test/', expected: false },
  { name: "* matches a URL with the page's own non-HTTP scheme", expression: '*', url: 'ext://other/a.js', origin: 'ext://page', expected: true },
  // Step 2: scheme-source.
  { name: 'https: matches https', expression: 'https:', url: 'https://any.test/', expected: true },
  { name: 'https: does not match http', expression: 'https:', url: 'http://any.test/', expected: false },
  { name: 'http: upgrades to https', expression: 'http:', url: 'https://any.test/', expected: true },
  { name: 'scheme-source is case-insensitive', expression: 'HTTPS:', url: 'https://any.test/', expected: true },
  { name: 'scheme-source ignores ports', expression: 'https:', url: 'https://any.test:8443/', expected: true },
  { name: 'data: matches data:', expression: 'data:', url: 'data:image/png;base64,AAAA', expected: true },
  { name: 'blob: matches blob:', expression: 'blob:', url: `blob:${PAGE}/2a1f6d3c-1111-4c3b-9d2e-000000000000`, expected: true },
  { name: 'filesystem: matches filesystem:', expression: 'filesystem:', url: `filesystem:${PAGE}/temporary/a.js`, expected: true },
  { name: 'data: does not match https', expression: 'data:', url: 'https://any.test/', expected: false },
  { name: 'ws: matches wss', expression: 'ws:', url: 'wss://chat.test/', expected: true },
  { name: 'ws: matches http', expression: 'ws:', url: 'http://chat.test/', expected: true },
  { name: 'ws: matches https', expression: 'ws:', url: 'https://chat.test/', expected: true },
  { name: 'wss: matches https', expression: 'wss:', url: 'https://chat.test/', expected: true },
  { name: 'wss: does not match ws', expression: 'wss:', url: 'ws://chat.test/', expected: false },
  { name: 'wss: does not match http', expression: 'wss:', url: 'http://chat.test/', expected: false },
  // Step 3: host-source.
  { name: 'host with scheme', expression: 'https://cdn.test', url: 'https://cdn.test/lib.js', expected: true },
  { name: 'host with scheme, other host', expression: 'https://cdn.test', url: 'https://evil.test/lib.js', expected: false },
  { name: 'https host does not match http', expression: 'https://cdn.test', url: 'http://cdn.test/lib.js', expected: false },
  { name: 'http host upgrades to https', expression: 'http://cdn.test', url: 'https://cdn.test/lib.js', expected: true },
  { name: 'ws host matches https URL', expression: 'ws://chat.test', url: 'https://chat.test/', expected: true },
  { name: 'ws host matches http URL', expression: 'ws://chat.test', url: 'http://chat.test/', expected: true },
  { name: 'wss host matches https URL', expression: 'wss://chat.test', url: 'https://chat.test/', expected: true },
  { name: 'wss host does not match http URL', expression: 'wss://chat.test', url: 'http://chat.test/', expected: false },
  { name: 'host is case-insensitive', expression: 'https://CDN.Test', url: 'https://cdn.test/', expected: true },
  { name: 'host-source needs a host: data: has none', expression: 'data://*', url: 'data:text/plain,hi', expected: false },
  { name: 'host-source needs a host: blob: has none', expression: 'blob://*', url: `blob:${PAGE}/2a1f6d3c-1111-4c3b-9d2e-000000000000`, expected: false },
  // Scheme-less host sources take the page's scheme (with the same secure upgrades).
  { name: 'scheme-less host on an https page matches https', expression: 'cdn.test', url: 'https://cdn.test/a.js', expected: true },
  { name: 'scheme-less host on an https page does not match http', expression: 'cdn.test', url: 'http://cdn.test/a.js', expected: false },
  { name: 'scheme-less host on an http page matches http', expression: 'cdn.test', url: 'http://cdn.test/a.js', origin: 'http://www.shop.test', expected: true },
  { name: 'scheme-less host on an http page matches https', expression: 'cdn.test', url: 'https://cdn.test/a.js', origin: 'http://www.shop.test', expected: true },
  { name: 'scheme-less host on an https page does not match wss', expression: 'chat.test', url: 'wss://chat.test/', expected: false },
  { name: 'scheme-less host on a custom-scheme page matches that scheme', expression: 'x.test', url: 'ext://x.test/a', origin: 'ext://page', expected: true },
  { name: 'scheme-less host on a custom-scheme page does not match https', expression: 'x.test', url: 'https://x.test/a', origin: 'ext://page', expected: false },
  // Subdomain wildcards.
  { name: '*.example.com matches www.example.com', expression: 'https://*.example.com', url: 'https://www.example.com/', expected: true },
  { name: '*.example.com matches a.b.example.com', expression: 'https://*.example.com', url: 'https://a.b.example.com/', expected: true },
  { name: '*.example.com does NOT match example.com', expression: 'https://*.example.com', url: 'https://example.com/', expected: false },
  { name: '*.example.com does not match badexample.com', expression: '*.example.com', url: 'https://badexample.com/', expected: false },
  { name: 'https://* matches any https host', expression: 'https://*', url: 'https://anything.test/', expected: true },
  { name: 'https://* does not match an http URL', expression: 'https://*', url: 'http://anything.test/', expected: false },
  { name: 'http://127.0.0.1 matches loopback', expression: 'http://127.0.0.1:8080', url: 'http://127.0.0.1:8080/', expected: true },
  { name: 'an IPv4 host other than 127.0.0.1 never matches (spec; browsers differ)', expression: 'http://10.0.0.5', url: 'http://10.0.0.5/', expected: false },
  { name: '* matches an IPv4 URL', expression: '*', url: 'http://10.0.0.5/', expected: true },
  // Ports.
  { name: 'no port matches the default port', expression: 'https://api.test', url: 'https://api.test:443/', expected: true },
  { name: 'no port does not match another port', expression: 'https://api.test', url: 'https://api.test:8443/', expected: false },
  { name: 'explicit port matches', expression: 'https://api.test:8443', url: 'https://api.test:8443/', expected: true },
  { name: 'explicit port does not match the default port', expression: 'https://api.test:8443', url: 'https://api.test/', expected: false },
  { name: 'explicit default port matches the implicit one', expression: 'https://api.test:443', url: 'https://api.test/', expected: true },
  { name: 'port * matches any port', expression: 'https://api.test:*', url: 'https://api.test:9999/', expected: true },
  { name: 'port * on a scheme-less host', expression: 'api.test:*', url: 'https://api.test:3000/', expected: true },
  { name: 'http://x (no port) upgrades to https://x:443', expression: 'http://api.test', url: 'https://api.test/', expected: true },
  // Spec algorithm: 80 is not https's default port (see webappsec-csp#439; browsers differ).
  { name: 'http://x:80 does not match https://x (port-part text)', expression: 'http://api.test:80', url: 'https://api.test/', expected: false },
  { name: 'http://x:80 matches http://x', expression: 'http://api.test:80', url: 'http://api.test/', expected: true },
  { name: 'http://x:443 matches https://x (443 is https default)', expression: 'http://api.test:443', url: 'https://api.test/', expected: true },
  { name: 'https://x:80 does not match https://x', expression: 'https://api.test:80', url: 'https://api.test/', expected: false },
  // Paths.
  { name: 'directory path is a prefix', expression: 'https://cdn.test/js/', url: 'https://cdn.test/js/app.js', expected: true },
  { name: 'directory path, other directory', expression: 'https://cdn.test/js/', url: 'https://cdn.test/css/a.css', expected: false },
  { name: 'directory path, bare directory', expression: 'https://cdn.test/js/', url: 'https://cdn.test/js', expected: false },
  { name: 'file path is exact', expression: 'https://cdn.test/js/app.js', url: 'https://cdn.test/js/app.js', expected: true },
  { name: 'file path, other file', expression: 'https://cdn.test/js/app.js', url: 'https://cdn.test/js/app2.js', expected: false },
  { name: 'file path ignores the query', expression: 'https://cdn.test/js/app.js', url: 'https://cdn.test/js/app.js?v=42', expected: true },
  { name: 'file path ignores the fragment', expression: 'https://cdn.test/js/app.js', url: 'https://cdn.test/js/app.js#top', expected: true },
  { name: 'path "/" matches any path', expression: 'https://cdn.test/', url: 'https://cdn.test/deep/er.js', expected: true },
  { name: 'path is percent-decoded', expression: 'https://cdn.test/%7Euser/', url: 'https://cdn.test/~user/a.js', expected: true },
  { name: 'URL path is percent-decoded', expression: 'https://cdn.test/my%20lib.js', url: 'https://cdn.test/my lib.js', expected: true },
  { name: 'path on a scheme-less host', expression: 'cdn.test/js/', url: 'https://cdn.test/js/a.js', expected: true },
  { name: 'path after a redirect is ignored', expression: 'https://cdn.test/js/app.js', url: 'https://cdn.test/other.js', redirectCount: 1, expected: true },
  { name: 'path without a redirect is enforced', expression: 'https://cdn.test/js/app.js', url: 'https://cdn.test/other.js', redirectCount: 0, expected: false },
  { name: 'redirect does not relax the host', expression: 'https://cdn.test/js/', url: 'https://evil.test/js/a.js', redirectCount: 2, expected: false },
  { name: 'redirect does not relax the port', expression: 'https://cdn.test/js/', url: 'https://cdn.test:8443/js/a.js', redirectCount: 1, expected: false },
  // Step 4: 'self'.
  { name: "'self' matches the same origin", expression: "'self'", url: `${PAGE}/a.js`, expected: true },
  { name: "'self' is case-insensitive", expression: "'SELF'", url: `${PAGE}/a.js`, expected: true },
  { name: "'self' matches the same origin with the default port spelled out", expression: "'self'", url: 'https://www.shop.test:443/a.js', expected: true },
  { name: "'self' does not match another host", expression: "'self'", url: 'https://shop.test/a.js', expected: false },
  { name: "'self' does not match a subdomain", expression: "'self'", url: 'https://cdn.www.shop.test/a.js', expected: false },
  { name: "'self' does not match another port", expression: "'self'", url: 'https://www.shop.test:8443/a.js', expected: false },
  { name: "'self' on https does not match http", expression: "'self'", url: 'http://www.shop.test/a.js', expected: false },
  { name: "'self' on https matches wss", expression: "'self'", url: 'wss://www.shop.test/socket', expected: true },
  { name: "'self' on https does not match ws", expression: "'self'", url: 'ws://www.shop.test/socket', expected: false },
  { name: "'self' on http matches http", expression: "'self'", url: 'http://www.shop.test/a.js', origin: 'http://www.shop.test', expected: true },
  { name: "'self' on http upgrades to https", expression: "'self'", url: 'https://www.shop.test/a.js', origin: 'http://www.shop.test', expected: true },
  { name: "'self' on http matches ws", expression: "'self'", url: 'ws://www.shop.test/socket', origin: 'http://www.shop.test', expected: true },
  { name: "'self' on http matches wss", expression: "'self'", url: 'wss://www.shop.test/socket', origin: 'http://www.shop.test', expected: true },
  { name: "'self' on a non-default port matches the same port", expression: "'self'", url: 'https://www.shop.test:8443/a.js', origin: 'https://www.shop.test:8443', expected: true },
  { name: "'self' on http:8080 upgrades to https on the same port", expression: "'self'", url: 'https://www.shop.test:8080/a.js', origin: 'http://www.shop.test:8080', expected: true },
  { name: "'self' on http:8080 does not upgrade to https on 443", expression: "'self'", url: 'https://www.shop.test/a.js', origin: 'http://www.shop.test:8080', expected: false },
  { name: "'self' does not match data:", expression: "'self'", url: 'data:text/javascript,1', expected: false },
  // URL Standard: a blob: URL's origin is the origin of the URL inside it, so the spec text says
  // 'self' matches a same-origin blob: URL. Browsers differ (Chromium and Firefox want an explicit blob:).
  { name: "'self' matches a same-origin blob: (spec text; browsers differ)", expression: "'self'", url: `blob:${PAGE}/2a1f6d3c-1111-4c3b-9d2e-000000000000`, expected: true },
  { name: "'self' does not match a cross-origin blob:", expression: "'self'", url: 'blob:https://evil.test/2a1f6d3c-1111-4c3b-9d2e-000000000000', expected: false },
  // Keywords, nonces and hashes never match URLs.
  { name: "'none' matches no URL", expression: "'none'", url: `${PAGE}/a.js`, expected: false },
  { name: "'unsafe-inline' matches no URL", expression: "'unsafe-inline'", url: `${PAGE}/a.js`, expected: false },
  { name: 'a nonce-source matches no URL', expression: "'nonce-abc123'", url: `${PAGE}/a.js`, expected: false },
  { name: 'a hash-source matches no URL', expression: "'sha256-n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg='", url: `${PAGE}/a.js`, expected: false },
];

describe('urlMatchesExpression (Does url match expression in origin with redirect count?)', () => {
  it.each(urlRows)('$name: $expression vs $url', ({ expression, url, origin, redirectCount, expected }) => {
    expect(urlMatchesExpression(new URL(url), expr(expression), new URL(origin ?? PAGE), redirectCount ?? 0)).toBe(expected);
  });
});

interface ListRow {
  name: string;
  list: string[];
  url: string;
  expected: boolean;
}

// §6.7.2.5 "Does url match source list in origin with redirect count?"
const listRows: ListRow[] = [
  { name: 'empty list matches nothing', list: [], url: `${PAGE}/a.js`, expected: false },
  { name: "'none' alone matches nothing", list: ["'none'"], url: `${PAGE}/a.js`, expected: false },
  { name: "'none' beside a host is ignored", list: ["'none'", 'https://cdn.test'], url: 'https://cdn.test/a.js', expected: true },
  { name: "'none' beside a host does not widen it", list: ["'none'", 'https://cdn.test'], url: 'https://evil.test/a.js', expected: false },
  { name: 'any matching expression matches the list', list: ['https://a.test', "'self'", 'data:'], url: 'data:image/gif;base64,R0lGOD', expected: true },
  { name: 'no matching expression', list: ['https://a.test', "'self'"], url: 'https://b.test/', expected: false },
  { name: '* plus data: lets data: through', list: ['*', 'data:'], url: 'data:image/gif;base64,R0lGOD', expected: true },
];

describe('findMatchingExpression (Does url match source list?)', () => {
  it.each(listRows)('$name', ({ list, url, expected }) => {
    const found = findMatchingExpression(new URL(url), list.map(expr), new URL(PAGE), 0);
    expect(found !== null).toBe(expected);
  });
});
