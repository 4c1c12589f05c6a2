// Table-driven tests of the spec oracle `check()`, derived from the text of CSP Level 3
// (w3c/webappsec-csp index.bs): "Get the effective directive for request", "Get fetch directive
// fallback list", "Should fetch directive execute", the script/style pre-request checks,
// "Does element match source list for type and source?", "Does a source list allow all inline
// behavior for type?", EnsureCSPDoesNotBlockStringCompilation / WasmByteCompilation, and
// "Should request be blocked" (every enforced policy must allow; report-only policies only report).
// Expected values come from the spec text, not from the implementation.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { check, parsePolicyList } from './index.ts';
import type { CheckRequest, HashAlgorithm, Policy } from './index.ts';

const PAGE = 'https://www.shop.test';
const BLOB = `${PAGE}/7d1c2a9e-0000-4f00-8000-000000000001`;

function b64(algorithm: HashAlgorithm, content: string): string {
  return createHash(algorithm).update(content, 'utf8').digest('base64');
}

/** A hash-source for `content`. */
function h(algorithm: HashAlgorithm, content: string): string {
  return `'${algorithm}-${b64(algorithm, content)}'`;
}

/** The inline content of a request, with the digests a browser would compute. */
function inline(content: string): Pick<CheckRequest, 'content' | 'digests'> {
  return { content, digests: { sha256: b64('sha256', content), sha384: b64('sha384', content), sha512: b64('sha512', content) } };
}

const SCRIPT = "window.dataLayer = window.dataLayer || []; dataLayer.push({event: 'load'});";
const OTHER_SCRIPT = "alert('injected')";
const STYLE = '.chat-widget { position: fixed; bottom: 0; }';
const ATTR = "openChat('support')";
const STYLE_ATTR = 'color: red';

// A script whose SHA-256 in base64 holds "+" or "/", to write it in base64url form.
const URLSAFE_SCRIPT = (() => {
  for (let i = 0; i < 1000; i++) {
    const s = `track(${i})`;
    if (/[+/]/.test(b64('sha256', s))) return s;
  }
  throw new Error('test setup: no content with a "+" or "/" in its digest');
})();
const URLSAFE_HASH = `'sha256-${b64('sha256', URLSAFE_SCRIPT).replace(/\+/g, '-').replace(/\//g, '_')}'`;

interface Row {
  name: string;
  /** Enforced policies: each string is one header value (may hold comma-separated policies). */
  policy: string | string[];
  /** Report-only policies (Content-Security-Policy-Report-Only). */
  reportOnly?: string | string[];
  /** The page's origin defaults to PAGE. */
  request: Omit<CheckRequest, 'origin'> & { origin?: string };
  allowed: boolean;
  /** Expected `decidedBy`, when the row states it. */
  decidedBy?: string | null;
  /** Expected `effectiveDirective`, when the row states it. */
  effective?: string;
  /** Expected `reported`, when the row states it. */
  reported?: boolean;
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function policiesOf(row: Row): Policy[] {
  const enforced = list(row.policy).flatMap((text) => parsePolicyList(text, { disposition: 'enforce', source: 'header' }).policies);
  const reportOnly = list(row.reportOnly).flatMap((text) => parsePolicyList(text, { disposition: 'report', source: 'header' }).policies);
  return [...enforced, ...reportOnly];
}

function run(rows: Row[]): void {
  it.each(rows)('$name', (row) => {
    const verdict = check(policiesOf(row), { origin: PAGE, ...row.request });
    if ('error' in verdict) throw new Error(verdict.error);
    expect(verdict.allowed, verdict.explanation).toBe(row.allowed);
    if (row.decidedBy !== undefined) expect(verdict.decidedBy, verdict.explanation).toBe(row.decidedBy);
    if (row.effective !== undefined) expect(verdict.effectiveDirective).toBe(row.effective);
    if (row.reported !== undefined) expect(verdict.reported, verdict.explanation).toBe(row.reported);
  });
}

// "Get the effective directive for request" and "for inline checks"; eval and wasm use script-src.
describe('effective directive of each request type', () => {
  const none = "default-src 'none'";
  run([
    { name: 'script -> script-src-elem', policy: none, request: { type: 'script', url: 'https://cdn.test/a.js' }, allowed: false, effective: 'script-src-elem', decidedBy: 'default-src' },
    { name: 'style -> style-src-elem', policy: none, request: { type: 'style', url: 'https://cdn.test/a.css' }, allowed: false, effective: 'style-src-elem', decidedBy: 'default-src' },
    { name: 'image -> img-src', policy: none, request: { type: 'image', url: 'https://img.test/a.png' }, allowed: false, effective: 'img-src', decidedBy: 'default-src' },
    { name: 'font -> font-src', policy: none, request: { type: 'font', url: 'https://fonts.test/a.woff2' }, allowed: false, effective: 'font-src', decidedBy: 'default-src' },
    { name: 'connect -> connect-src', policy: none, request: { type: 'connect', url: 'https://api.test/v1' }, allowed: false, effective: 'connect-src', decidedBy: 'default-src' },
    { name: 'websocket -> connect-src', policy: none, request: { type: 'websocket', url: 'wss://chat.test/' }, allowed: false, effective: 'connect-src', decidedBy: 'default-src' },
    { name: 'frame -> frame-src', policy: none, request: { type: 'frame', url: 'https://embed.test/' }, allowed: false, effective: 'frame-src', decidedBy: 'default-src' },
    { name: 'media -> media-src', policy: none, request: { type: 'media', url: 'https://video.test/a.mp4' }, allowed: false, effective: 'media-src', decidedBy: 'default-src' },
    { name: 'worker -> worker-src', policy: none, request: { type: 'worker', url: `${PAGE}/w.js` }, allowed: false, effective: 'worker-src', decidedBy: 'default-src' },
    { name: 'manifest -> manifest-src', policy: none, request: { type: 'manifest', url: `${PAGE}/app.webmanifest` }, allowed: false, effective: 'manifest-src', decidedBy: 'default-src' },
    { name: 'object -> object-src', policy: none, request: { type: 'object', url: 'https://plugin.test/a.swf' }, allowed: false, effective: 'object-src', decidedBy: 'default-src' },
    { name: 'inline-script -> script-src-elem', policy: none, request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: false, effective: 'script-src-elem', decidedBy: 'default-src' },
    { name: 'inline-style -> style-src-elem', policy: none, request: { type: 'inline-style', ...inline(STYLE) }, allowed: false, effective: 'style-src-elem', decidedBy: 'default-src' },
    { name: 'script-attr -> script-src-attr', policy: none, request: { type: 'script-attr', ...inline(ATTR) }, allowed: false, effective: 'script-src-attr', decidedBy: 'default-src' },
    { name: 'style-attr -> style-src-attr', policy: none, request: { type: 'style-attr', ...inline(STYLE_ATTR) }, allowed: false, effective: 'style-src-attr', decidedBy: 'default-src' },
    { name: 'eval -> script-src', policy: none, request: { type: 'eval' }, allowed: false, effective: 'script-src', decidedBy: 'default-src' },
    { name: 'wasm-eval -> script-src', policy: none, request: { type: 'wasm-eval' }, allowed: false, effective: 'script-src', decidedBy: 'default-src' },
  ]);
});

// "Get fetch directive fallback list" + "Should fetch directive execute": the first directive of the
// fallback list that the policy holds decides, alone (there is no inheritance between directives).
describe('fallback lists', () => {
  run([
    { name: 'script: script-src-elem wins over script-src and default-src', policy: "script-src-elem https://a.test; script-src 'none'; default-src 'none'", request: { type: 'script', url: 'https://a.test/x.js' }, allowed: true, decidedBy: 'script-src-elem' },
    { name: 'script: script-src-elem blocks even when script-src allows', policy: "script-src https://a.test; script-src-elem 'none'", request: { type: 'script', url: 'https://a.test/x.js' }, allowed: false, decidedBy: 'script-src-elem' },
    { name: 'script: script-src before default-src', policy: "script-src https://a.test; default-src 'none'", request: { type: 'script', url: 'https://a.test/x.js' }, allowed: true, decidedBy: 'script-src' },
    { name: 'script: default-src when nothing else', policy: 'default-src https://a.test', request: { type: 'script', url: 'https://a.test/x.js' }, allowed: true, decidedBy: 'default-src' },
    { name: 'script: no inheritance from default-src', policy: 'script-src https://b.test; default-src https://a.test', request: { type: 'script', url: 'https://a.test/x.js' }, allowed: false, decidedBy: 'script-src' },
    { name: 'script: no directive in the fallback list allows, decidedBy null', policy: "img-src 'none'", request: { type: 'script', url: 'https://a.test/x.js' }, allowed: true, decidedBy: null },
    { name: 'worker: worker-src first', policy: "worker-src https://w.test; child-src 'none'; script-src 'none'", request: { type: 'worker', url: 'https://w.test/w.js' }, allowed: true, decidedBy: 'worker-src' },
    { name: 'worker: child-src second', policy: "child-src https://w.test; script-src 'none'; default-src 'none'", request: { type: 'worker', url: 'https://w.test/w.js' }, allowed: true, decidedBy: 'child-src' },
    { name: 'worker: script-src third', policy: "script-src https://w.test; default-src 'none'", request: { type: 'worker', url: 'https://w.test/w.js' }, allowed: true, decidedBy: 'script-src' },
    { name: 'worker: default-src last', policy: 'default-src https://w.test', request: { type: 'worker', url: 'https://w.test/w.js' }, allowed: true, decidedBy: 'default-src' },
    { name: 'worker: worker-src blocks even when child-src allows', policy: "worker-src 'none'; child-src https://w.test", request: { type: 'worker', url: 'https://w.test/w.js' }, allowed: false, decidedBy: 'worker-src' },
    { name: 'worker: script-src-elem is not in the worker fallback list', policy: "script-src-elem https://w.test; script-src 'none'", request: { type: 'worker', url: 'https://w.test/w.js' }, allowed: false, decidedBy: 'script-src' },
    { name: 'worker: script-src-elem alone does not apply', policy: "script-src-elem 'none'", request: { type: 'worker', url: 'https://w.test/w.js' }, allowed: true, decidedBy: null },
    { name: 'frame: frame-src first', policy: "frame-src https://f.test; child-src 'none'", request: { type: 'frame', url: 'https://f.test/' }, allowed: true, decidedBy: 'frame-src' },
    { name: 'frame: frame-src blocks even when child-src allows', policy: "frame-src 'none'; child-src https://f.test", request: { type: 'frame', url: 'https://f.test/' }, allowed: false, decidedBy: 'frame-src' },
    { name: 'frame: child-src second', policy: "child-src https://f.test; default-src 'none'", request: { type: 'frame', url: 'https://f.test/' }, allowed: true, decidedBy: 'child-src' },
    { name: 'frame: script-src is not in the frame fallback list', policy: "script-src https://f.test; default-src 'none'", request: { type: 'frame', url: 'https://f.test/' }, allowed: false, decidedBy: 'default-src' },
    { name: 'frame: worker-src does not apply to frames', policy: "worker-src 'none'", request: { type: 'frame', url: 'https://f.test/' }, allowed: true, decidedBy: null },
    { name: 'frame: frame-ancestors never governs frame loads', policy: "frame-ancestors 'none'", request: { type: 'frame', url: 'https://f.test/' }, allowed: true, decidedBy: null },
    { name: 'style: style-src-elem first', policy: "style-src-elem https://s.test; style-src 'none'", request: { type: 'style', url: 'https://s.test/a.css' }, allowed: true, decidedBy: 'style-src-elem' },
    { name: 'style: style-src before default-src', policy: "style-src https://s.test; default-src 'none'", request: { type: 'style', url: 'https://s.test/a.css' }, allowed: true, decidedBy: 'style-src' },
    { name: 'style: style-src-attr does not apply to stylesheets', policy: "style-src-attr 'none'", request: { type: 'style', url: 'https://s.test/a.css' }, allowed: true, decidedBy: null },
    { name: 'style-attr: falls back to style-src, not style-src-elem', policy: "style-src-elem 'none'; style-src 'unsafe-inline'", request: { type: 'style-attr', ...inline(STYLE_ATTR) }, allowed: true, decidedBy: 'style-src' },
    { name: 'inline-style: style-src-elem first', policy: "style-src-elem 'none'; style-src 'unsafe-inline'", request: { type: 'inline-style', ...inline(STYLE) }, allowed: false, decidedBy: 'style-src-elem' },
    { name: 'style-attr: style-src-attr first', policy: "style-src-attr 'unsafe-inline'; style-src 'none'", request: { type: 'style-attr', ...inline(STYLE_ATTR) }, allowed: true, decidedBy: 'style-src-attr' },
    { name: 'inline-style: style-src-attr is not in its list', policy: "style-src-attr 'unsafe-inline'; style-src 'none'", request: { type: 'inline-style', ...inline(STYLE) }, allowed: false, decidedBy: 'style-src' },
    { name: 'script-attr: script-src-attr first', policy: "script-src-attr 'unsafe-inline'; script-src 'self'", request: { type: 'script-attr', ...inline(ATTR) }, allowed: true, decidedBy: 'script-src-attr' },
    { name: 'inline-script: script-src-attr is not in its list', policy: "script-src-attr 'unsafe-inline'; script-src 'self'", request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: false, decidedBy: 'script-src' },
    { name: 'inline-script: script-src-elem first', policy: "script-src-elem 'unsafe-inline'; script-src 'none'", request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: true, decidedBy: 'script-src-elem' },
    { name: 'script-attr: script-src-elem is not in its list', policy: "script-src-elem 'unsafe-inline'; script-src 'none'", request: { type: 'script-attr', ...inline(ATTR) }, allowed: false, decidedBy: 'script-src' },
    { name: 'inline-script: script-src-attr alone does not apply', policy: "script-src-attr 'none'", request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: true, decidedBy: null },
    { name: 'inline-style: default-src last', policy: "default-src 'unsafe-inline'", request: { type: 'inline-style', ...inline(STYLE) }, allowed: true, decidedBy: 'default-src' },
    { name: 'image: img-src before default-src', policy: "default-src 'self'; img-src https://img.test", request: { type: 'image', url: `${PAGE}/logo.png` }, allowed: false, decidedBy: 'img-src' },
    { name: 'connect: connect-src', policy: "connect-src 'self'", request: { type: 'connect', url: 'https://api.test/v1' }, allowed: false, decidedBy: 'connect-src' },
    { name: 'font: default-src', policy: "default-src 'self'", request: { type: 'font', url: `${PAGE}/f.woff2` }, allowed: true, decidedBy: 'default-src' },
    { name: 'media: media-src', policy: "media-src https://video.test; default-src 'none'", request: { type: 'media', url: 'https://video.test/a.mp4' }, allowed: true, decidedBy: 'media-src' },
    { name: 'manifest: manifest-src', policy: "manifest-src 'self'; default-src 'none'", request: { type: 'manifest', url: `${PAGE}/app.webmanifest` }, allowed: true, decidedBy: 'manifest-src' },
    { name: 'object: object-src before default-src', policy: "object-src 'none'; default-src *", request: { type: 'object', url: 'https://plugin.test/a.swf' }, allowed: false, decidedBy: 'object-src' },
    { name: 'an unknown directive never decides', policy: "foo-src *; img-src 'none'", request: { type: 'image', url: 'https://img.test/a.png' }, allowed: false, decidedBy: 'img-src' },
  ]);
});

describe("source lists: 'none', empty lists, repeated directives", () => {
  run([
    { name: "'none' alone blocks", policy: "img-src 'none'", request: { type: 'image', url: 'https://img.test/a.png' }, allowed: false, decidedBy: 'img-src' },
    { name: "'NONE' is case-insensitive", policy: "img-src 'NONE'", request: { type: 'image', url: 'https://img.test/a.png' }, allowed: false },
    { name: "'none' beside other sources is ignored", policy: "img-src 'none' https://img.test", request: { type: 'image', url: 'https://img.test/a.png' }, allowed: true, decidedBy: 'img-src' },
    { name: "'none' beside other sources still blocks the rest", policy: "img-src 'none' https://img.test", request: { type: 'image', url: 'https://evil.test/a.png' }, allowed: false },
    { name: 'an empty directive value blocks everything', policy: 'img-src', request: { type: 'image', url: `${PAGE}/a.png` }, allowed: false, decidedBy: 'img-src' },
    { name: 'a repeated directive is ignored: the first wins (allows)', policy: "img-src https://img.test; img-src 'none'", request: { type: 'image', url: 'https://img.test/a.png' }, allowed: true },
    { name: 'a repeated directive is ignored: the first wins (blocks)', policy: "img-src 'none'; img-src https://img.test", request: { type: 'image', url: 'https://img.test/a.png' }, allowed: false },
    { name: 'a directive holding a non-ASCII character is ignored whole', policy: 'img-src https://ünicode.test https://a.test', request: { type: 'image', url: 'https://b.test/a.png' }, allowed: true, decidedBy: null },
    { name: 'directive names are case-insensitive', policy: "IMG-SRC 'none'", request: { type: 'image', url: 'https://img.test/a.png' }, allowed: false, decidedBy: 'img-src' },
  ]);
});

describe('URL matching through check()', () => {
  run([
    { name: '* allows https images', policy: 'img-src *', request: { type: 'image', url: 'https://img.test/a.png' }, allowed: true },
    { name: '* allows http images', policy: 'img-src *', request: { type: 'image', url: 'http://img.test/a.png' }, allowed: true },
    { name: '* does not allow data: images', policy: 'img-src *', request: { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' }, allowed: false },
    { name: '* data: allows data: images', policy: 'img-src * data:', request: { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' }, allowed: true },
    { name: '* does not allow blob: workers', policy: 'worker-src *', request: { type: 'worker', url: `blob:${BLOB}` }, allowed: false },
    { name: 'blob: allows blob: workers', policy: 'worker-src blob:', request: { type: 'worker', url: `blob:${BLOB}` }, allowed: true },
    { name: '* does not allow blob: media', policy: 'default-src *', request: { type: 'media', url: `blob:${BLOB}` }, allowed: false },
    { name: '* does not allow filesystem: frames', policy: 'frame-src *', request: { type: 'frame', url: `filesystem:${PAGE}/temporary/f.html` }, allowed: false },
    { name: "'self' does not allow data:", policy: "img-src 'self'", request: { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' }, allowed: false },
    // URL Standard: the origin of blob:https://www.shop.test/… is https://www.shop.test; browsers differ.
    { name: "'self' allows a same-origin blob: worker (spec text; browsers differ)", policy: "worker-src 'self'", request: { type: 'worker', url: `blob:${BLOB}` }, allowed: true },
    { name: '*.cdn.test does not allow cdn.test', policy: 'script-src https://*.cdn.test', request: { type: 'script', url: 'https://cdn.test/a.js' }, allowed: false },
    { name: '*.cdn.test allows eu.cdn.test', policy: 'script-src https://*.cdn.test', request: { type: 'script', url: 'https://eu.cdn.test/a.js' }, allowed: true },
    { name: 'scheme-less host takes http from an http page', policy: 'img-src img.test', request: { type: 'image', url: 'http://img.test/a.png', origin: 'http://www.shop.test' }, allowed: true },
    { name: 'scheme-less host on an http page allows the https upgrade', policy: 'img-src img.test', request: { type: 'image', url: 'https://img.test/a.png', origin: 'http://www.shop.test' }, allowed: true },
    { name: 'scheme-less host on an https page refuses http', policy: 'img-src img.test', request: { type: 'image', url: 'http://img.test/a.png' }, allowed: false },
    { name: 'http: source allows https', policy: 'img-src http:', request: { type: 'image', url: 'https://img.test/a.png' }, allowed: true },
    { name: 'https: source refuses http', policy: 'img-src https:', request: { type: 'image', url: 'http://img.test/a.png' }, allowed: false },
    { name: 'http host source allows https', policy: 'script-src http://legacy.test', request: { type: 'script', url: 'https://legacy.test/a.js' }, allowed: true },
    { name: 'directory path allows a file below it', policy: 'script-src https://a.test/js/', request: { type: 'script', url: 'https://a.test/js/x.js?v=1' }, allowed: true },
    { name: 'directory path refuses a file outside it', policy: 'script-src https://a.test/js/', request: { type: 'script', url: 'https://a.test/other.js' }, allowed: false },
    { name: 'directory path is ignored after a redirect', policy: 'script-src https://a.test/js/', request: { type: 'script', url: 'https://a.test/other.js', redirectCount: 1 }, allowed: true },
    { name: 'file path ignores the query', policy: 'script-src https://a.test/js/app.js', request: { type: 'script', url: 'https://a.test/js/app.js?cache=1' }, allowed: true },
    { name: 'explicit port refuses the default port', policy: 'img-src https://img.test:8443', request: { type: 'image', url: 'https://img.test/a.png' }, allowed: false },
    { name: 'port * allows any port', policy: 'img-src https://img.test:*', request: { type: 'image', url: 'https://img.test:9000/a.png' }, allowed: true },
    { name: 'explicit :443 allows the default https port', policy: 'img-src https://img.test:443', request: { type: 'image', url: 'https://img.test/a.png' }, allowed: true },
    // port-part matching text (webappsec-csp#439): 80 is not https's default port; browsers differ.
    { name: 'http://x:80 does not allow https://x (spec text; browsers differ)', policy: 'img-src http://img.test:80', request: { type: 'image', url: 'https://img.test/a.png' }, allowed: false },
    { name: "'self' allows its default port spelled out", policy: "img-src 'self'", request: { type: 'image', url: 'https://www.shop.test:443/a.png' }, allowed: true },
    { name: "'self' on https refuses http", policy: "img-src 'self'", request: { type: 'image', url: 'http://www.shop.test/a.png' }, allowed: false },
    { name: "'self' on http allows https", policy: "img-src 'self'", request: { type: 'image', url: 'https://www.shop.test/a.png', origin: 'http://www.shop.test' }, allowed: true },
    { name: 'a relative URL resolves against the page', policy: "img-src 'self'", request: { type: 'image', url: '/img/logo.png' }, allowed: true },
  ]);
});

// The WebSocket constructor hands Fetch a URL whose scheme is already http(s): ws: -> http:, wss: -> https:
// (WebSockets / Fetch "establish a WebSocket connection"), so connect-src sees http(s) URLs.
describe('WebSocket connections', () => {
  run([
    { name: 'connect-src https://x allows wss://x', policy: 'connect-src https://chat.test', request: { type: 'websocket', url: 'wss://chat.test/socket' }, allowed: true, decidedBy: 'connect-src' },
    { name: 'connect-src wss://x allows wss://x', policy: 'connect-src wss://chat.test', request: { type: 'websocket', url: 'wss://chat.test/socket' }, allowed: true },
    { name: 'connect-src http://x allows wss://x (http upgrades to https)', policy: 'connect-src http://chat.test', request: { type: 'websocket', url: 'wss://chat.test/socket' }, allowed: true },
    { name: 'connect-src https://x refuses ws://x', policy: 'connect-src https://chat.test', request: { type: 'websocket', url: 'ws://chat.test/socket' }, allowed: false },
    { name: 'connect-src ws://x allows ws://x', policy: 'connect-src ws://chat.test', request: { type: 'websocket', url: 'ws://chat.test/socket' }, allowed: true },
    { name: 'connect-src ws://x allows wss://x', policy: 'connect-src ws://chat.test', request: { type: 'websocket', url: 'wss://chat.test/socket' }, allowed: true },
    { name: 'connect-src wss://x refuses ws://x', policy: 'connect-src wss://chat.test', request: { type: 'websocket', url: 'ws://chat.test/socket' }, allowed: false },
    { name: "connect-src 'self' allows wss to the page's host", policy: "connect-src 'self'", request: { type: 'websocket', url: 'wss://www.shop.test/socket' }, allowed: true },
    { name: "connect-src 'self' on https refuses ws to the page's host", policy: "connect-src 'self'", request: { type: 'websocket', url: 'ws://www.shop.test/socket' }, allowed: false },
    { name: "connect-src 'self' on http allows ws to the page's host", policy: "connect-src 'self'", request: { type: 'websocket', url: 'ws://www.shop.test/socket', origin: 'http://www.shop.test' }, allowed: true },
    { name: 'connect-src * allows wss (it is https by the time CSP looks)', policy: 'connect-src *', request: { type: 'websocket', url: 'wss://chat.test/socket' }, allowed: true },
    { name: 'connect-src https: allows wss', policy: 'connect-src https:', request: { type: 'websocket', url: 'wss://chat.test/socket' }, allowed: true },
    { name: 'connect-src wss: allows wss', policy: 'connect-src wss:', request: { type: 'websocket', url: 'wss://chat.test/socket' }, allowed: true },
    { name: 'connect-src wss: allows an https fetch', policy: 'connect-src wss:', request: { type: 'connect', url: 'https://api.test/v1' }, allowed: true },
    { name: 'connect-src ws: allows an http fetch', policy: 'connect-src ws:', request: { type: 'connect', url: 'http://api.test/v1' }, allowed: true },
    { name: 'connect-src wss: refuses an http fetch', policy: 'connect-src wss:', request: { type: 'connect', url: 'http://api.test/v1' }, allowed: false },
    { name: 'connect-src https://x:8443 allows wss://x:8443', policy: 'connect-src https://chat.test:8443', request: { type: 'websocket', url: 'wss://chat.test:8443/socket' }, allowed: true },
    { name: 'connect-src https://x:8443 refuses wss://x', policy: 'connect-src https://chat.test:8443', request: { type: 'websocket', url: 'wss://chat.test/socket' }, allowed: false },
    { name: 'scheme-less connect-src on an https page allows wss', policy: 'connect-src chat.test', request: { type: 'websocket', url: 'wss://chat.test/socket' }, allowed: true },
    { name: 'connect-src path applies to the WebSocket URL', policy: 'connect-src https://chat.test/socket', request: { type: 'websocket', url: 'wss://chat.test/socket?room=1' }, allowed: true },
    { name: 'connect-src path refuses another WebSocket path', policy: 'connect-src https://chat.test/socket', request: { type: 'websocket', url: 'wss://chat.test/admin' }, allowed: false },
  ]);
});

describe('nonces', () => {
  run([
    { name: 'inline script with the nonce', policy: "script-src 'nonce-abc123'", request: { type: 'inline-script', nonce: 'abc123', ...inline(SCRIPT) }, allowed: true, decidedBy: 'script-src' },
    { name: 'inline script with another nonce', policy: "script-src 'nonce-abc123'", request: { type: 'inline-script', nonce: 'abc124', ...inline(SCRIPT) }, allowed: false },
    { name: 'inline script without a nonce', policy: "script-src 'nonce-abc123'", request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: false },
    { name: 'inline script with an empty nonce', policy: "script-src 'nonce-abc123'", request: { type: 'inline-script', nonce: '', ...inline(SCRIPT) }, allowed: false },
    { name: 'nonces are case-sensitive', policy: "script-src 'nonce-abc123'", request: { type: 'inline-script', nonce: 'ABC123', ...inline(SCRIPT) }, allowed: false },
    { name: 'nonce-source prefix is case-insensitive (ABNF)', policy: "script-src 'NONCE-abc123'", request: { type: 'inline-script', nonce: 'abc123', ...inline(SCRIPT) }, allowed: true },
    { name: 'nonce with base64 punctuation', policy: "script-src 'nonce-a+b/c_d-e=='", request: { type: 'inline-script', nonce: 'a+b/c_d-e==', ...inline(SCRIPT) }, allowed: true },
    { name: 'inline style with the nonce', policy: "style-src 'nonce-abc123'", request: { type: 'inline-style', nonce: 'abc123', ...inline(STYLE) }, allowed: true },
    { name: 'inline style without the nonce', policy: "style-src 'nonce-abc123'", request: { type: 'inline-style', ...inline(STYLE) }, allowed: false },
    { name: 'external script with the nonce (host not listed)', policy: "script-src 'nonce-abc123' https://cdn.test", request: { type: 'script', url: 'https://other.test/a.js', nonce: 'abc123' }, allowed: true },
    { name: 'external script with another nonce (host not listed)', policy: "script-src 'nonce-abc123' https://cdn.test", request: { type: 'script', url: 'https://other.test/a.js', nonce: 'zzz' }, allowed: false },
    { name: 'external stylesheet with the nonce', policy: "style-src 'nonce-abc123'", request: { type: 'style', url: 'https://other.test/a.css', nonce: 'abc123' }, allowed: true },
    { name: 'nonces do not apply to event handlers', policy: "script-src 'nonce-abc123'", request: { type: 'script-attr', nonce: 'abc123', ...inline(ATTR) }, allowed: false },
    { name: 'nonces do not apply to style attributes', policy: "style-src 'nonce-abc123'", request: { type: 'style-attr', nonce: 'abc123', ...inline(STYLE_ATTR) }, allowed: false },
    { name: "a nonce makes 'unsafe-inline' ignored (script without nonce)", policy: "script-src 'unsafe-inline' 'nonce-abc123'", request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: false },
    { name: "a nonce beside 'unsafe-inline' still allows its script", policy: "script-src 'unsafe-inline' 'nonce-abc123'", request: { type: 'inline-script', nonce: 'abc123', ...inline(SCRIPT) }, allowed: true },
    { name: "a nonce makes 'unsafe-inline' ignored for event handlers", policy: "script-src 'unsafe-inline' 'nonce-abc123'", request: { type: 'script-attr', ...inline(ATTR) }, allowed: false },
    { name: "a nonce makes 'unsafe-inline' ignored (style without nonce)", policy: "style-src 'unsafe-inline' 'nonce-abc123'", request: { type: 'inline-style', ...inline(STYLE) }, allowed: false },
    { name: "a nonce makes 'unsafe-inline' ignored for style attributes", policy: "style-src 'unsafe-inline' 'nonce-abc123'", request: { type: 'style-attr', ...inline(STYLE_ATTR) }, allowed: false },
    { name: 'a nonce in default-src applies to inline scripts', policy: "default-src 'nonce-abc123'", request: { type: 'inline-script', nonce: 'abc123', ...inline(SCRIPT) }, allowed: true, decidedBy: 'default-src' },
    { name: 'a script-src nonce does not apply to styles', policy: "script-src 'nonce-abc123'; style-src 'self'", request: { type: 'inline-style', nonce: 'abc123', ...inline(STYLE) }, allowed: false, decidedBy: 'style-src' },
  ]);
});

describe('hashes', () => {
  run([
    { name: 'inline script matching a sha256 hash', policy: `script-src ${h('sha256', SCRIPT)}`, request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: true, decidedBy: 'script-src' },
    { name: 'inline script matching a sha384 hash', policy: `script-src ${h('sha384', SCRIPT)}`, request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: true },
    { name: 'inline script matching a sha512 hash', policy: `script-src ${h('sha512', SCRIPT)}`, request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: true },
    { name: 'inline script not matching the hash', policy: `script-src ${h('sha256', SCRIPT)}`, request: { type: 'inline-script', ...inline(OTHER_SCRIPT) }, allowed: false },
    { name: 'one of several hashes matches', policy: `script-src ${h('sha256', OTHER_SCRIPT)} ${h('sha512', SCRIPT)}`, request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: true },
    { name: 'hash algorithm is case-insensitive', policy: `script-src 'SHA256-${b64('sha256', SCRIPT)}'`, request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: true },
    { name: 'hash in base64url form matches', policy: `script-src ${URLSAFE_HASH}`, request: { type: 'inline-script', ...inline(URLSAFE_SCRIPT) }, allowed: true },
    { name: 'without digests the hash cannot match', policy: `script-src ${h('sha256', SCRIPT)}`, request: { type: 'inline-script', content: SCRIPT }, allowed: false },
    { name: 'a sha384 hash is not checked against the sha256 digest', policy: `script-src ${h('sha384', SCRIPT)}`, request: { type: 'inline-script', content: SCRIPT, digests: { sha256: b64('sha256', SCRIPT) } }, allowed: false },
    { name: 'inline style matching a sha256 hash', policy: `style-src ${h('sha256', STYLE)}`, request: { type: 'inline-style', ...inline(STYLE) }, allowed: true },
    { name: 'inline style not matching the hash', policy: `style-src ${h('sha256', STYLE)}`, request: { type: 'inline-style', ...inline('body { display: none }') }, allowed: false },
    { name: "a hash makes 'unsafe-inline' ignored (script)", policy: `script-src 'unsafe-inline' ${h('sha256', SCRIPT)}`, request: { type: 'inline-script', ...inline(OTHER_SCRIPT) }, allowed: false },
    { name: "a hash makes 'unsafe-inline' ignored (style)", policy: `style-src 'unsafe-inline' ${h('sha256', STYLE)}`, request: { type: 'inline-style', ...inline('body { display: none }') }, allowed: false },
    { name: "a hash beside 'unsafe-inline' still allows its style", policy: `style-src 'unsafe-inline' ${h('sha256', STYLE)}`, request: { type: 'inline-style', ...inline(STYLE) }, allowed: true },
    { name: "event handler hash needs 'unsafe-hashes'", policy: `script-src ${h('sha256', ATTR)}`, request: { type: 'script-attr', ...inline(ATTR) }, allowed: false },
    { name: "event handler hash with 'unsafe-hashes'", policy: `script-src 'unsafe-hashes' ${h('sha256', ATTR)}`, request: { type: 'script-attr', ...inline(ATTR) }, allowed: true },
    { name: "'unsafe-hashes' does not allow an unlisted handler", policy: `script-src 'unsafe-hashes' ${h('sha256', ATTR)}`, request: { type: 'script-attr', ...inline(OTHER_SCRIPT) }, allowed: false },
    { name: "style attribute hash needs 'unsafe-hashes'", policy: `style-src ${h('sha256', STYLE_ATTR)}`, request: { type: 'style-attr', ...inline(STYLE_ATTR) }, allowed: false },
    { name: "style attribute hash with 'unsafe-hashes'", policy: `style-src 'unsafe-hashes' ${h('sha256', STYLE_ATTR)}`, request: { type: 'style-attr', ...inline(STYLE_ATTR) }, allowed: true },
    { name: "script-src-attr with 'unsafe-hashes' and a hash", policy: `script-src-attr 'unsafe-hashes' ${h('sha384', ATTR)}; script-src 'none'`, request: { type: 'script-attr', ...inline(ATTR) }, allowed: true, decidedBy: 'script-src-attr' },
    { name: "'unsafe-hashes' with 'unsafe-inline' and no hash allows handlers", policy: "script-src 'unsafe-inline' 'unsafe-hashes'", request: { type: 'script-attr', ...inline(ATTR) }, allowed: true },
    { name: "'unsafe-hashes' keeps hashes working for inline scripts", policy: `script-src 'unsafe-hashes' ${h('sha256', SCRIPT)}`, request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: true },
    { name: 'a hash does not allow an external script (no integrity metadata)', policy: `script-src ${h('sha256', SCRIPT)}`, request: { type: 'script', url: 'https://cdn.test/a.js' }, allowed: false },
    { name: 'a script-src hash does not apply to styles', policy: `script-src ${h('sha256', STYLE)}; style-src 'self'`, request: { type: 'inline-style', ...inline(STYLE) }, allowed: false, decidedBy: 'style-src' },
  ]);
});

describe("'unsafe-inline'", () => {
  run([
    { name: "allows inline scripts", policy: "script-src 'unsafe-inline'", request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: true },
    { name: "allows event handlers", policy: "script-src 'unsafe-inline'", request: { type: 'script-attr', ...inline(ATTR) }, allowed: true },
    { name: "allows inline styles", policy: "style-src 'unsafe-inline'", request: { type: 'inline-style', ...inline(STYLE) }, allowed: true },
    { name: "allows style attributes", policy: "style-src 'unsafe-inline'", request: { type: 'style-attr', ...inline(STYLE_ATTR) }, allowed: true },
    { name: "is case-insensitive", policy: "script-src 'UNSAFE-INLINE'", request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: true },
    { name: "'report-sample' does not disable it", policy: "script-src 'unsafe-inline' 'report-sample'", request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: true },
    { name: "without it, 'self' does not allow inline scripts", policy: "script-src 'self'", request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: false },
    { name: "'unsafe-eval' does not allow inline scripts", policy: "script-src 'unsafe-eval'", request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: false },
    { name: 'no script directive: inline script allowed', policy: "img-src 'self'", request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: true, decidedBy: null },
    { name: 'an empty script-src blocks inline scripts', policy: 'script-src', request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: false, decidedBy: 'script-src' },
  ]);
});

describe("'strict-dynamic'", () => {
  const sd = "script-src 'nonce-n0nce' 'strict-dynamic' https://cdn.test 'self' https: 'unsafe-inline'";
  run([
    { name: 'parser-inserted script from a listed host is blocked', policy: sd, request: { type: 'script', url: 'https://cdn.test/a.js' }, allowed: false, decidedBy: 'script-src' },
    { name: "parser-inserted script from 'self' is blocked", policy: sd, request: { type: 'script', url: `${PAGE}/a.js`, initiator: 'parser' }, allowed: false },
    { name: 'parser-inserted script matching https: is blocked', policy: sd, request: { type: 'script', url: 'https://any.test/a.js' }, allowed: false },
    { name: 'parser-inserted script with the nonce is allowed', policy: sd, request: { type: 'script', url: 'https://any.test/a.js', nonce: 'n0nce' }, allowed: true },
    { name: 'script-inserted script from anywhere is allowed', policy: sd, request: { type: 'script', url: 'https://other.test/dep.js', initiator: 'script' }, allowed: true },
    { name: "'strict-dynamic' alone allows script-inserted scripts", policy: "script-src 'strict-dynamic'", request: { type: 'script', url: 'https://other.test/dep.js', initiator: 'script' }, allowed: true },
    { name: "'strict-dynamic' alone blocks parser-inserted scripts", policy: "script-src 'strict-dynamic'", request: { type: 'script', url: 'https://other.test/dep.js', initiator: 'parser' }, allowed: false },
    { name: "'unsafe-inline' is ignored for inline scripts", policy: "script-src 'unsafe-inline' 'strict-dynamic'", request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: false },
    { name: "'unsafe-inline' is ignored for event handlers", policy: "script-src 'unsafe-inline' 'strict-dynamic'", request: { type: 'script-attr', ...inline(ATTR) }, allowed: false },
    { name: 'the nonce still allows an inline script', policy: sd, request: { type: 'inline-script', nonce: 'n0nce', ...inline(SCRIPT) }, allowed: true },
    { name: 'a hash still allows an inline script', policy: `script-src 'strict-dynamic' ${h('sha256', SCRIPT)}`, request: { type: 'inline-script', ...inline(SCRIPT) }, allowed: true },
    { name: 'in default-src it applies to scripts', policy: "default-src 'strict-dynamic' https://cdn.test", request: { type: 'script', url: 'https://cdn.test/a.js' }, allowed: false, decidedBy: 'default-src' },
    { name: 'in default-src it does not affect images', policy: "default-src 'strict-dynamic' https://cdn.test", request: { type: 'image', url: 'https://cdn.test/a.png' }, allowed: true },
    { name: 'in script-src-elem it allows script-inserted scripts', policy: "script-src-elem 'strict-dynamic' 'nonce-n0nce'", request: { type: 'script', url: 'https://other.test/a.js', initiator: 'script' }, allowed: true },
    { name: "does not disable 'unsafe-inline' for inline styles", policy: "style-src 'unsafe-inline' 'strict-dynamic'", request: { type: 'inline-style', ...inline(STYLE) }, allowed: true },
    { name: "does not disable 'unsafe-inline' for style attributes", policy: "style-src 'unsafe-inline' 'strict-dynamic'", request: { type: 'style-attr', ...inline(STYLE_ATTR) }, allowed: true },
    { name: 'does not disable host sources for stylesheets', policy: "style-src https://cdn.test 'strict-dynamic'", request: { type: 'style', url: 'https://cdn.test/a.css' }, allowed: true },
    { name: 'does not allow script-inserted stylesheets from anywhere', policy: "style-src https://cdn.test 'strict-dynamic'", request: { type: 'style', url: 'https://other.test/a.css', initiator: 'script' }, allowed: false },
  ]);
});

describe("'unsafe-eval' and 'wasm-unsafe-eval'", () => {
  run([
    { name: "eval blocked without 'unsafe-eval'", policy: "script-src 'self'", request: { type: 'eval' }, allowed: false, decidedBy: 'script-src' },
    { name: "eval allowed by 'unsafe-eval'", policy: "script-src 'self' 'unsafe-eval'", request: { type: 'eval' }, allowed: true, decidedBy: 'script-src' },
    { name: "'unsafe-eval' is case-insensitive", policy: "script-src 'UNSAFE-EVAL'", request: { type: 'eval' }, allowed: true },
    { name: "eval allowed by default-src 'unsafe-eval'", policy: "default-src 'unsafe-eval'", request: { type: 'eval' }, allowed: true, decidedBy: 'default-src' },
    { name: 'eval: script-src before default-src (allows)', policy: "default-src 'none'; script-src 'unsafe-eval'", request: { type: 'eval' }, allowed: true, decidedBy: 'script-src' },
    { name: 'eval: script-src before default-src (blocks)', policy: "script-src 'none'; default-src 'unsafe-eval'", request: { type: 'eval' }, allowed: false, decidedBy: 'script-src' },
    { name: 'eval: script-src-elem is not consulted', policy: "script-src-elem 'unsafe-eval'; script-src 'self'", request: { type: 'eval' }, allowed: false, decidedBy: 'script-src' },
    { name: 'eval: script-src-elem alone does not apply', policy: "script-src-elem 'none'", request: { type: 'eval' }, allowed: true, decidedBy: null },
    { name: "eval not allowed by 'wasm-unsafe-eval'", policy: "script-src 'wasm-unsafe-eval'", request: { type: 'eval' }, allowed: false },
    { name: "eval not allowed by 'unsafe-inline'", policy: "script-src 'unsafe-inline'", request: { type: 'eval' }, allowed: false },
    { name: "wasm allowed by 'wasm-unsafe-eval'", policy: "script-src 'wasm-unsafe-eval'", request: { type: 'wasm-eval' }, allowed: true, decidedBy: 'script-src' },
    { name: "wasm allowed by 'unsafe-eval'", policy: "script-src 'unsafe-eval'", request: { type: 'wasm-eval' }, allowed: true },
    { name: 'wasm blocked without either', policy: "script-src 'self'", request: { type: 'wasm-eval' }, allowed: false, decidedBy: 'script-src' },
    { name: "wasm allowed by default-src 'wasm-unsafe-eval'", policy: "default-src 'wasm-unsafe-eval'", request: { type: 'wasm-eval' }, allowed: true, decidedBy: 'default-src' },
    { name: 'wasm: no script-src or default-src', policy: "img-src 'none'", request: { type: 'wasm-eval' }, allowed: true, decidedBy: null },
    { name: 'eval in a report-only policy is reported, not blocked', policy: [], reportOnly: "script-src 'self'", request: { type: 'eval' }, allowed: true, reported: true },
  ]);
});

// "Should request be blocked by Content Security Policy?": every enforced policy must allow;
// report-only policies ("report" disposition) only report.
describe('several policies', () => {
  // The example of the spec's "The effect of multiple policies" section.
  const specExample = [
    "default-src 'self' http://example.com http://example.net; connect-src 'none'",
    'connect-src http://example.com/; script-src http://example.com/',
  ];
  const origin = 'http://site.test';
  run([
    { name: 'spec example: connect to example.com is blocked by the first policy', policy: specExample, request: { type: 'connect', url: 'http://example.com/x', origin }, allowed: false, decidedBy: 'connect-src' },
    { name: 'spec example: script from example.com passes both', policy: specExample, request: { type: 'script', url: 'http://example.com/a.js', origin }, allowed: true },
    { name: 'spec example: script from example.net is blocked by the second', policy: specExample, request: { type: 'script', url: 'http://example.net/a.js', origin }, allowed: false, decidedBy: 'script-src' },
    { name: 'both enforced allow', policy: ['script-src https://a.test https://b.test', 'script-src https://a.test'], request: { type: 'script', url: 'https://a.test/x.js' }, allowed: true },
    { name: 'second enforced blocks', policy: ['script-src https://a.test https://b.test', "default-src 'self'"], request: { type: 'script', url: 'https://b.test/x.js' }, allowed: false, decidedBy: 'default-src' },
    { name: 'comma-separated policies in one header are all enforced', policy: 'script-src https://a.test https://b.test, script-src https://a.test', request: { type: 'script', url: 'https://b.test/x.js' }, allowed: false },
    { name: 'decidedBy names the first enforced policy that blocked', policy: ["img-src 'self'; script-src 'none'", "default-src 'none'"], request: { type: 'script', url: 'https://a.test/x.js' }, allowed: false, decidedBy: 'script-src' },
    { name: 'decidedBy skips a policy without a relevant directive', policy: ["img-src 'none'", 'script-src https://a.test'], request: { type: 'script', url: 'https://a.test/x.js' }, allowed: true, decidedBy: 'script-src' },
    { name: 'enforced allows, report-only blocks: allowed and reported', policy: 'script-src https://a.test', reportOnly: "script-src 'self'", request: { type: 'script', url: 'https://a.test/x.js' }, allowed: true, reported: true },
    { name: 'enforced blocks, report-only allows: blocked, not reported', policy: "script-src 'self'", reportOnly: 'script-src https://a.test', request: { type: 'script', url: 'https://a.test/x.js' }, allowed: false, reported: false, decidedBy: 'script-src' },
    { name: 'both block: blocked and reported', policy: "script-src 'self'", reportOnly: "default-src 'none'", request: { type: 'script', url: 'https://a.test/x.js' }, allowed: false, reported: true },
    { name: 'only a report-only policy that blocks: allowed, reported', policy: [], reportOnly: "img-src 'none'", request: { type: 'image', url: 'https://img.test/a.png' }, allowed: true, reported: true },
    { name: 'only a report-only policy that allows: not reported', policy: [], reportOnly: 'img-src https://img.test', request: { type: 'image', url: 'https://img.test/a.png' }, allowed: true, reported: false },
    { name: 'report-only inline block is reported', policy: "script-src 'unsafe-inline'", reportOnly: `script-src ${h('sha256', SCRIPT)}`, request: { type: 'inline-script', ...inline(OTHER_SCRIPT) }, allowed: true, reported: true },
    { name: 'no policy at all', policy: [], request: { type: 'script', url: 'https://a.test/x.js' }, allowed: true, decidedBy: null, reported: false },
  ]);

  it('returns one verdict per policy, in order, with its disposition', () => {
    const policies = [
      ...parsePolicyList("script-src 'self', img-src 'none'", { disposition: 'enforce', source: 'header' }).policies,
      ...parsePolicyList("script-src 'none'", { disposition: 'report', source: 'header' }).policies,
    ];
    const verdict = check(policies, { type: 'script', url: `${PAGE}/a.js`, origin: PAGE });
    if ('error' in verdict) throw new Error(verdict.error);
    expect(verdict.policies.map((p) => [p.index, p.disposition, p.allowed, p.decidedBy])).toEqual([
      [0, 'enforce', true, 'script-src'],
      [1, 'enforce', true, null],
      [2, 'report', false, 'script-src'],
    ]);
    expect(verdict.allowed).toBe(true);
    expect(verdict.reported).toBe(true);
  });
});
