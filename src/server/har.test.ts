import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_HAR_PROBLEMS, parseHar, replayRoutes, type HarResult } from './har.ts';
import { Replay } from './replay.ts';
import type { ReplayRoute } from './routes.ts';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/har/${name}`, import.meta.url), 'utf8');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

function parsed(text: string): Extract<HarResult, { ok: true }> {
  const result = parseHar(text);
  if (!result.ok) throw new Error(`unexpected problems: ${JSON.stringify(result.problems)}`);
  return result;
}

interface Entry {
  request?: Record<string, unknown>;
  response: Record<string, unknown>;
  [field: string]: unknown;
}

/** A HAR of one entry, with `change` applied to that entry. */
function oneEntry(change: (entry: Entry) => void): string {
  const entry: Entry = {
    request: { method: 'GET', url: 'https://a.test/x.js', headers: [] },
    response: { status: 200, statusText: 'OK', headers: [{ name: 'content-type', value: 'text/javascript' }], content: { size: 2, mimeType: 'text/javascript', text: 'ok' } },
  };
  change(entry);
  return JSON.stringify({ log: { version: '1.2', entries: [entry] } });
}

describe('parseHar', () => {
  it.each([
    ['devtools.har', 'DevTools', 8, 1, 1],
    ['playwright.har', 'Playwright', 3, 1, 0],
  ])('reads %s (%s-shaped): its HTTP entries, its WebSockets, and leaves out what was never answered', (name, _shape, entries, conversations, unanswered) => {
    const har = parsed(fixture(name));
    expect(har.entries).toHaveLength(entries);
    expect(har.conversations).toHaveLength(conversations);
    expect(har.unanswered).toBe(unanswered);
  });

  it.each([
    ['devtools.har', 'https://widget.acme.test/logo.png'],
    ['playwright.har', 'https://app.pwvendor.test/logo.png'],
  ])('decodes a base64 body in %s', (name, url) => {
    expect(parsed(fixture(name)).entries.find((e) => e.url === url)?.body.equals(PNG)).toBe(true);
  });

  it('keeps a text body, the headers in order (repeated names repeat) and the method of each entry', () => {
    const har = parsed(fixture('devtools.har'));
    const frame = har.entries.find((e) => e.url.endsWith('/frame/index.html'))!;
    expect(frame.body.toString()).toContain('acme-launcher');
    expect(frame.headers.filter(([name]) => name === 'set-cookie')).toHaveLength(2);
    expect(har.entries.map((e) => e.method)).toContain('OPTIONS');
    expect(parsed(fixture('playwright.har')).entries.find((e) => e.method === 'POST')?.url).toBe('https://app.pwvendor.test/api?x=1');
  });

  it.each([
    ['devtools.har', 'wss://rt.acme.test/socket?token=abc', ['receive', 'send', 'receive', 'receive', 'send', 'receive']],
    ['playwright.har', 'wss://rt.pwvendor.test/socket', ['receive', 'send', 'receive', 'send', 'receive']],
  ])('reads the WebSocket frames of %s', (name, url, types) => {
    const [conversation] = parsed(fixture(name)).conversations;
    expect(conversation?.url).toBe(url);
    expect(conversation?.messages.map((m) => m.type)).toEqual(types);
  });

  it.each([
    ['not JSON', '{"log": ', '', /not JSON/],
    ['an array', '[]', '', /top level is not an object/],
    ['no log', '{}', '/log', /no `log`/],
    ['no entries', '{"log": {"version": "1.2"}}', '/log/entries', /not an array/],
    ['an entry that is not an object', '{"log": {"entries": [1]}}', '/log/entries/0', /not an object/],
    ['an entry without request', oneEntry((e) => delete e.request), '/log/entries/0/request', /missing/],
    ['a method that is not a string', oneEntry((e) => (e.request!.method = 7)), '/log/entries/0/request/method', /not a string/],
    ['a relative URL', oneEntry((e) => (e.request!.url = '/x.js')), '/log/entries/0/request/url', /not an absolute URL/],
    ['a status that is a string', oneEntry((e) => (e.response.status = '200')), '/log/entries/0/response/status', /not an HTTP status/],
    ['headers that are an object', oneEntry((e) => (e.response.headers = { a: 'b' })), '/log/entries/0/response/headers', /not an array/],
    ['a header without a string value', oneEntry((e) => (e.response.headers = [{ name: 'a', value: 'b' }, { name: 'x', value: 1 }])), '/log/entries/0/response/headers/1', /pair of strings/],
    ['an unknown content encoding', oneEntry((e) => (e.response.content = { text: 'ok', encoding: 'gzip' })), '/log/entries/0/response/content/encoding', /unsupported encoding "gzip"/],
    ['base64 that is not', oneEntry((e) => (e.response.content = { text: '*** not base64 ***', encoding: 'base64' })), '/log/entries/0/response/content/text', /not base64/],
    ['a body in a side file (Playwright attach)', oneEntry((e) => (e.response.content = { size: 2, mimeType: 'text/javascript', _file: 'abc.js' })), '/log/entries/0/response/content/_file', /content: "embed"/],
    ['a WebSocket frame of another type', oneEntry((e) => (e._webSocketMessages = [{ type: 'sent', opcode: 1, data: 'x' }])), '/log/entries/0/_webSocketMessages/0', /"send"\|"receive"/],
  ])('names the pointer of what is wrong: %s', (_what, text, pointer, message) => {
    const result = parseHar(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]).toEqual({ pointer, message: expect.stringMatching(message) });
  });

  it.each(['', 'null', '"a string"', '42', '{"log": null}', '{"log": {"entries": [null, [], {"request": 1, "response": []}]}}', oneEntry((e) => (e.response.content = 'text'))])(
    'never throws: %j',
    (text) => {
      expect(() => parseHar(text)).not.toThrow();
      expect(parseHar(text).ok).toBe(false);
    },
  );

  it(`lists at most ${MAX_HAR_PROBLEMS} problems`, () => {
    const result = parseHar(JSON.stringify({ log: { entries: Array.from({ length: 500 }, () => 1) } }));
    expect(!result.ok && result.problems.length).toBe(MAX_HAR_PROBLEMS);
  });

  it('accepts a WebSocket entry, ignoring control frames', () => {
    const har = parsed(
      oneEntry((e) => {
        e.request!.url = 'ws://rt.a.test/s';
        e.response = { status: 101, statusText: 'Switching Protocols', headers: [] };
        e._webSocketMessages = [{ type: 'receive', opcode: 9, data: '' }, { type: 'receive', opcode: 1, data: 'hi' }];
      }),
    );
    expect(har.entries).toEqual([]);
    expect(har.conversations).toEqual([{ url: 'ws://rt.a.test/s', messages: [{ type: 'receive', opcode: 1, data: 'hi' }] }]);
  });
});

describe('replayRoutes', () => {
  it('makes one replay route per HTTP host and one ws-replay route per WebSocket host', () => {
    const routes = replayRoutes(parsed(fixture('devtools.har')));
    expect(routes.map((r) => [r.kind, r.host])).toEqual([
      ['replay', 'widget.acme.test'],
      ['ws-replay', 'rt.acme.test'],
    ]);
  });

  it('keeps only the hosts asked for (patterns)', () => {
    expect(replayRoutes(parsed(fixture('devtools.har')), ['*.acme.test']).length).toBe(2);
    expect(replayRoutes(parsed(fixture('devtools.har')), ['rt.acme.test']).map((r) => r.kind)).toEqual(['ws-replay']);
  });
});

// Its speed is a benchmark figure (npm run bench:replay), not a timed test.
describe('a 5,000-entry HAR', () => {
  it('loads and matches (every URL, query dropped, in order)', () => {
    const entries = Array.from({ length: 5000 }, (_, i) => ({
      request: { method: i % 10 === 0 ? 'POST' : 'GET', url: `https://big.test/asset/${i}.js?v=${i}` },
      response: { status: 200, headers: [{ name: 'content-type', value: 'text/javascript' }], content: { size: 0, mimeType: 'text/javascript', text: `/* ${i} */` } },
    }));
    const text = JSON.stringify({ log: { version: '1.2', entries } });
    const har = parsed(text);
    const [route] = replayRoutes(har) as ReplayRoute[];
    const replay = new Replay(route!);
    for (let i = 0; i < 5000; i++) {
      const method = i % 10 === 0 ? 'POST' : 'GET';
      const url = i % 2 ? `https://big.test/asset/${i}.js?v=${i}` : `https://big.test/asset/${i}.js?cache=${Date.now()}`;
      expect(replay.answer({ method, url, headers: {} })?.rawBody?.toString()).toBe(`/* ${i} */`);
    }
    expect(replay.answer({ method: 'GET', url: 'https://big.test/asset/0.js', headers: {} })).toBeNull();
  });
});
