import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileChargebeeConfig, type ChargebeeResult, type ConfigProblem } from './config.ts';

// Seed 004's three configurations, verbatim, as bundled in fixtures/chargebee/configs/.
function fixture(name: string): string {
  return readFileSync(new URL(`../../../fixtures/chargebee/configs/${name}.json`, import.meta.url), 'utf8');
}
const analytics = fixture('analytics');
const hashes = fixture('hashes');
const wildcards = fixture('wildcards');

/** Seed 004 prints each header over several lines; this is the one-line header value it stands for. */
function seedHeader(printed: string): string {
  return printed
    .replace(/^\s*Content-Security-Policy:/, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*;\s*/g, '; ')
    .trim()
    .replace(/;$/, '');
}

function ok(result: ChargebeeResult): Extract<ChargebeeResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected the config to compile, got ${JSON.stringify(result.errors)}`);
  return result;
}

function failed(result: ChargebeeResult): Extract<ChargebeeResult, { ok: false }> {
  if (result.ok) throw new Error(`expected the config to be rejected, got header ${result.header}`);
  return result;
}

/** One policy holding `directives`, as JSON text. */
function config(...policies: Record<string, unknown>[]): string {
  return JSON.stringify({ policies }, null, 2);
}

const HASH_ALERT = 'bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='; // sha256 of "alert(1)"

describe('seed 004 examples compile to the headers printed beside them', () => {
  it.each([
    [
      'Add analytics',
      analytics,
      `Content-Security-Policy:
    script-src 'self' https://stats.example.com;
    connect-src 'self' https://api.stats.example.com;
    img-src 'self' https://tracker.stats.example.com;`,
      [],
    ],
    [
      'Add analytics and your own JavaScript with hashes',
      hashes,
      `Content-Security-Policy:
    script-src 'self' 
               'sha256-k9v+1rD48p+PyMPVGFijWfgSnkelbj/APH3uJacPuoB0=' 
               'sha256-0QF6XTN2zxURUBa+L8+AMfQzCALzVVwaW9xEOsMf/X0=' 
               https://analytics.example.com;
    connect-src 'self' https://api.example.com;
    img-src 'self' data: https://tracker.example.com;`,
      ['/policies/0/script-src/hashes/0'],
    ],
    [
      'Use wildcards',
      wildcards,
      `Content-Security-Policy:
    script-src 'self' https://*.tracking-example.com;
    img-src 'self' data: https://cdn.image-host.com;
    connect-src 'self' https://*.api-service.com;`,
      [],
    ],
  ])('%s', (_name, text, printed, warningPointers) => {
    const result = ok(compileChargebeeConfig(text));
    expect(result.header).toBe(seedHeader(printed));
    expect(result.warnings.map((w) => w.pointer)).toEqual(warningPointers);
    // The returned policy is the header parsed back.
    expect(result.policy.directives.map((d) => `${d.name} ${d.tokens.join(' ')}`).join('; ')).toBe(result.header);
  });

  it('the joined headers are exactly these', () => {
    expect([analytics, hashes, wildcards].map((t) => ok(compileChargebeeConfig(t)).header)).toEqual([
      "script-src 'self' https://stats.example.com; connect-src 'self' https://api.stats.example.com; img-src 'self' https://tracker.stats.example.com",
      "script-src 'self' 'sha256-k9v+1rD48p+PyMPVGFijWfgSnkelbj/APH3uJacPuoB0=' 'sha256-0QF6XTN2zxURUBa+L8+AMfQzCALzVVwaW9xEOsMf/X0=' https://analytics.example.com; connect-src 'self' https://api.example.com; img-src 'self' data: https://tracker.example.com",
      "script-src 'self' https://*.tracking-example.com; img-src 'self' data: https://cdn.image-host.com; connect-src 'self' https://*.api-service.com",
    ]);
  });

  it("warns that example 2's first hash is 45 characters / 33 bytes and can never match", () => {
    const [warning, ...rest] = ok(compileChargebeeConfig(hashes)).warnings;
    expect(rest).toEqual([]);
    expect(warning).toMatchObject({ pointer: '/policies/0/script-src/hashes/0', line: 11, column: 11 });
    expect(warning?.message).toMatch(/45 characters and decodes to 33 bytes, not the 32 of a SHA-256 digest/);
    expect(warning?.message).toMatch(/can never match/);
  });

  it('example 3 lists DATA before SELF, the header puts keywords first', () => {
    const imgSrc = ok(compileChargebeeConfig(wildcards)).policy.directives.find((d) => d.name === 'img-src');
    expect(imgSrc?.tokens).toEqual(["'self'", 'data:', 'https://cdn.image-host.com']);
  });
});

describe('compiling', () => {
  it.each([
    [
      'two policies sharing a directive are merged, values deduplicated, keywords then hashes then schemes then hosts',
      config(
        { name: 'A', 'script-src': { hosts: [{ host: 'https://a.example' }], expressions: [{ type: 'KEYWORD', value: 'SELF' }] }, 'img-src': { expressions: [{ type: 'KEYWORD', value: 'SELF' }] } },
        {
          name: 'B',
          'connect-src': { hosts: [{ scheme: 'wss', host: 'live.b.example' }] },
          'script-src': {
            hosts: [{ host: 'https://b.example' }, { scheme: 'https', host: 'a.example' }],
            expressions: [{ type: 'SCHEME', value: 'BLOB' }, { type: 'KEYWORD', value: 'SELF' }, { type: 'KEYWORD', value: 'UNSAFE_EVAL' }],
            hashes: [HASH_ALERT],
          },
        },
      ),
      `script-src 'self' 'unsafe-eval' 'sha256-${HASH_ALERT}' blob: https://a.example https://b.example; img-src 'self'; connect-src wss://live.b.example`,
    ],
    [
      'every KEYWORD and SCHEME value maps to its CSP form',
      config({
        'script-src': {
          expressions: ['STRICT_DYNAMIC', 'UNSAFE_EVAL', 'UNSAFE_INLINE', 'SELF'].map((value) => ({ type: 'KEYWORD', value })).concat(
            ['HTTP', 'HTTPS', 'WS', 'WSS', 'DATA', 'BLOB'].map((value) => ({ type: 'SCHEME', value })),
          ),
        },
      }),
      "script-src 'strict-dynamic' 'unsafe-eval' 'unsafe-inline' 'self' http: https: ws: wss: data: blob:",
    ],
    [
      'hosts keep ports and paths; scheme and host are lower-cased',
      config({ 'frame-src': { hosts: [{ scheme: 'HTTPS', host: 'Pay.Example.com:8443/checkout/' }, { host: 'cdn.example.com' }] } }),
      'frame-src https://pay.example.com:8443/checkout/ cdn.example.com',
    ],
    [
      'a policy with only name and type adds nothing, the others still compile',
      config({ name: 'empty', type: 'x' }, { 'media-src': { hosts: [{ host: 'https://media.example' }] } }),
      'media-src https://media.example',
    ],
    ['a UTF-8 byte order mark is read past', `\uFEFF${analytics}`, ok(compileChargebeeConfig(analytics)).header],
  ])('%s', (_name, text, header) => {
    expect(ok(compileChargebeeConfig(text)).header).toBe(header);
  });

  it('a config of exactly 5000 minified characters is accepted', () => {
    const base = { policies: [{ name: '', 'img-src': { expressions: [{ type: 'KEYWORD', value: 'SELF' }] } }] };
    const name = 'x'.repeat(5000 - JSON.stringify(base).length);
    const text = JSON.stringify({ policies: [{ ...base.policies[0], name }] }, null, 4);
    expect(JSON.stringify(JSON.parse(text))).toHaveLength(5000);
    expect(text.length).toBeGreaterThan(5000);
    expect(ok(compileChargebeeConfig(text)).header).toBe("img-src 'self'");
  });
});

// A config whose minified form is exactly 6000 characters (pretty-printed it is longer).
const oversized = (() => {
  const base = { policies: [{ name: '', 'img-src': { expressions: [{ type: 'KEYWORD', value: 'SELF' }] } }] };
  const name = 'x'.repeat(6000 - JSON.stringify(base).length);
  return JSON.stringify({ policies: [{ ...base.policies[0], name }] }, null, 2);
})();

const truncatedAtConnect = analytics.slice(0, analytics.indexOf('"connect-src"'));

describe('bad input: an error naming the JSON pointer (and line, column)', () => {
  it.each<[string, string, string, RegExp, [number, number]?]>([
    ['truncated JSON, cut between two members', truncatedAtConnect, '', /not valid JSON at line 14, column 7/, [14, 7]],
    ['truncated JSON, cut inside a string', analytics.slice(0, 50), '', /not valid JSON at line 4, column 27: Unterminated string/, [4, 27]],
    ['truncated JSON, empty file', '', '', /not valid JSON at line 1, column 1: Unexpected end of JSON input/, [1, 1]],
    ["JSON with a stray token (V8's message gives no position)", '{\n  "policies": [\n  }\n}', '', /not valid JSON at line 3, column 3: Unexpected token '\}'/, [3, 3]],
    ['JSON missing a colon', '{\n  "policies" []\n}', '', /not valid JSON at line 2, column 14/, [2, 14]],
    ['a trailing comma', '{"policies": [1,]}', '', /line 1, column 17/, [1, 17]],
    ['text after the JSON', '{"policies": []} x', '', /line 1, column 18/, [1, 18]],
    [
      'an expression type outside the enum',
      config({ 'img-src': { expressions: [{ type: 'WILDCARD', value: '*' }] } }),
      '/policies/0/img-src/expressions/0/type',
      /received the string "WILDCARD"; allowed values: "SCHEME", "KEYWORD"/,
      [7, 21],
    ],
    [
      'a KEYWORD value outside the list',
      config({ 'script-src': { expressions: [{ type: 'KEYWORD', value: 'NONE' }] } }),
      '/policies/0/script-src/expressions/0/value',
      /"NONE", which is not a KEYWORD value; allowed: "SELF", "UNSAFE_INLINE", "UNSAFE_EVAL", "STRICT_DYNAMIC"/,
      [8, 22],
    ],
    [
      'a KEYWORD value in CSP spelling',
      config({ 'script-src': { expressions: [{ type: 'KEYWORD', value: "'unsafe-inline'" }] } }),
      '/policies/0/script-src/expressions/0/value',
      /did you mean "UNSAFE_INLINE"\?/,
    ],
    [
      'a SCHEME value outside the list',
      config({ 'connect-src': { expressions: [{ type: 'SCHEME', value: 'FTP' }] } }),
      '/policies/0/connect-src/expressions/0/value',
      /"FTP", which is not a SCHEME value; allowed: "HTTP", "HTTPS", "WS", "WSS", "DATA", "BLOB"/,
    ],
    [
      'a SCHEME value given as a KEYWORD',
      config({ 'img-src': { expressions: [{ type: 'KEYWORD', value: 'DATA' }] } }),
      '/policies/0/img-src/expressions/0/value',
      /"DATA" is a SCHEME value: use "type": "SCHEME"/,
    ],
    ['a config whose minified form is 6000 characters', oversized, '', /minified configuration is 6000 characters; Chargebee's limit is 5000/, [1, 1]],
    ['a missing policies', '{\n  "polices": []\n}', '', /missing the required property "policies"/, [1, 1]],
    ['policies: []', '{ "policies": [] }', '/policies', /at least 1 item, received an empty array/, [1, 15]],
    ['policies that is not an array', '{ "policies": {} }', '/policies', /must be an array, received an object/],
    ['a document that is not an object', '[]', '', /must be an object, received an empty array/],
    ['null', 'null', '', /must be an object, received null/],
    [
      'a host that is not a valid source',
      config({ 'script-src': { hosts: [{ host: 'https://.example.com' }] } }),
      '/policies/0/script-src/hosts/0/host',
      /bad host "\.example\.com".*did you mean "\*\.example\.com"/,
      [7, 21],
    ],
    ['a host with a space', config({ 'img-src': { hosts: [{ host: 'a.example b.example' }] } }), '/policies/0/img-src/hosts/0/host', /not printable ASCII/],
    ['a host with a bad port', config({ 'img-src': { hosts: [{ host: 'https://a.example:80a' }] } }), '/policies/0/img-src/hosts/0/host', /invalid port "80a"/],
    ['a keyword given as a host', config({ 'img-src': { hosts: [{ host: "'self'" }] } }), '/policies/0/img-src/hosts/0/host', /\{ "type": "KEYWORD", "value": "SELF" \}/],
    ['a scheme given as a host', config({ 'img-src': { hosts: [{ host: 'data:' }] } }), '/policies/0/img-src/hosts/0/host', /\{ "type": "SCHEME", "value": "DATA" \}/],
    [
      'scheme plus a host that already has one',
      config({ 'script-src': { hosts: [{ scheme: 'https', host: 'https://cdn.example.com' }] } }),
      '/policies/0/script-src/hosts/0/scheme',
      /already has a scheme/,
    ],
    ['a scheme written with "://"', config({ 'script-src': { hosts: [{ scheme: 'https://', host: 'cdn.example.com' }] } }), '/policies/0/script-src/hosts/0/scheme', /write "https"/],
    ['a host object without host', config({ 'img-src': { hosts: [{ scheme: 'https' }] } }), '/policies/0/img-src/hosts/0', /missing the required property "host"/],
    ['a host that is a number', config({ 'img-src': { hosts: [{ host: 443 }] } }), '/policies/0/img-src/hosts/0/host', /must be a string, received the number 443/],
    ['a hash that is not base64', config({ 'script-src': { hashes: ['not base64!'] } }), '/policies/0/script-src/hashes/0', /"not base64!", which is not base64/],
    ['a hash with its sha256- prefix', config({ 'script-src': { hashes: [`sha256-${HASH_ALERT}`] } }), '/policies/0/script-src/hashes/0', /Chargebee adds the 'sha256-' prefix/],
    ['a hash that is not a string', config({ 'script-src': { hashes: [{ value: HASH_ALERT }] } }), '/policies/0/script-src/hashes/0', /must be a string, received an object/],
    ['deeply nested arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, '', /nested too deeply/],
    ['a number too large for JSON', '{"policies": 1e999}', '/policies', /must be an array, received the number Infinity/],
    ['a config with no values at all', config({ name: 'only a name' }), '/policies', /compiles to an empty header/],
  ])('%s', (_name, text, pointer, message, place) => {
    const result = failed(compileChargebeeConfig(text));
    const problem = result.errors.find((e) => e.pointer === pointer);
    expect(problem, JSON.stringify(result.errors)).toBeDefined();
    expect(problem?.message).toMatch(message);
    if (place) expect([problem?.line, problem?.column]).toEqual(place);
  });

  it('reports every problem at once, in the order they appear in the text', () => {
    const text = config({
      'img-src': {
        expressions: [{ type: 'WILDCARD', value: '*' }, { type: 'KEYWORD', value: 'self' }],
        hosts: [{ host: 'https://.x.com' }],
      },
    });
    const errors = failed(compileChargebeeConfig(text)).errors;
    expect(errors.map((e) => e.pointer)).toEqual([
      '/policies/0/img-src/expressions/0/type',
      '/policies/0/img-src/expressions/1/value',
      '/policies/0/img-src/hosts/0/host',
    ]);
  });
});

describe('warnings', () => {
  it.each<[string, string, string, RegExp]>([
    ['a duplicated key (JSON.parse keeps the last)', '{"policies":[{"img-src":{"hosts":[{"host":"a.example"}]},"img-src":{"hosts":[{"host":"b.example"}]}}]}', '/policies/0/img-src', /appears more than once/],
    ['a directive Chargebee does not accept', config({ 'default-src': { hosts: [{ host: 'a.example' }] }, 'img-src': { hosts: [{ host: 'a.example' }] } }), '/policies/0/default-src', /not a directive Chargebee accepts; it is ignored/],
    ['a directive name in upper case', config({ 'IMG-SRC': {}, 'img-src': { hosts: [{ host: 'a.example' }] } }), '/policies/0/IMG-SRC', /lower-case: "img-src"/],
    ['a misspelt directive property', config({ 'img-src': { host: [{ host: 'a.example' }], hosts: [{ host: 'b.example' }] } }), '/policies/0/img-src/host', /unknown property "host"/],
    ['an empty directive', config({ 'img-src': { hosts: [] }, 'font-src': { hosts: [{ host: 'a.example' }] } }), '/policies/0/img-src', /left out of the header/],
    ['two policies with one name', config({ name: 'GTM', 'img-src': { hosts: [{ host: 'a.example' }] } }, { name: 'GTM' }), '/policies/1/name', /also the name of \/policies\/0/],
    ['a SHA-384-sized hash', config({ 'script-src': { hashes: ['A'.repeat(64)] } }), '/policies/0/script-src/hashes/0', /64 characters and decodes to 48 bytes.*SHA-384/],
    ['an unpadded SHA-256 hash', config({ 'script-src': { hashes: [HASH_ALERT.slice(0, -1)] } }), '/policies/0/script-src/hashes/0', /no "=" padding/],
    ['a hash of an impossible base64 length', config({ 'script-src': { hashes: ['A'.repeat(45)] } }), '/policies/0/script-src/hashes/0', /do not decode as base64/],
    ['the host "*"', config({ 'img-src': { hosts: [{ host: '*' }] } }), '/policies/0/img-src/hosts/0/host', /every HTTP\(S\) origin/],
  ])('%s', (_name, text, pointer, message) => {
    const result = ok(compileChargebeeConfig(text));
    const warning = result.warnings.find((w) => w.pointer === pointer);
    expect(warning, JSON.stringify(result.warnings)).toBeDefined();
    expect(warning?.message).toMatch(message);
  });

  it('a valid 32-byte hash gets no warning', () => {
    expect(ok(compileChargebeeConfig(config({ 'script-src': { hashes: [HASH_ALERT] } }))).warnings).toEqual([]);
  });
});

describe('never throws', () => {
  it('every truncation of example 2 is an error with a line and column', () => {
    const text = hashes.trimEnd();
    for (let end = 0; end < text.length; end++) {
      const result = failed(compileChargebeeConfig(text.slice(0, end)));
      const [error] = result.errors as [ConfigProblem];
      expect(error.pointer).toBe('');
      expect(error.line, text.slice(0, end)).toBeGreaterThanOrEqual(1);
      expect(error.column).toBeGreaterThanOrEqual(1);
    }
  });

  it.each([
    ['deeply nested, unterminated', '['.repeat(100_000)],
    ['a lone surrogate', '{"policies": [{"name": "\\ud800"}]}'],
    ['a scheme that is not a string', config({ 'img-src': { hosts: [{ host: 'a.example', scheme: 5 }] } })],
    ['a policy that is a string', config('x' as unknown as Record<string, unknown>)],
    ['__proto__ as a directive', '{"policies":[{"__proto__":{"hosts":[{"host":"a.example"}]}}]}'],
    ['not a string at all', undefined as unknown as string],
  ])('%s', (_name, text) => {
    expect(() => compileChargebeeConfig(text)).not.toThrow();
  });
});
