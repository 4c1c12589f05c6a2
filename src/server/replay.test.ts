import { describe, expect, it } from 'vitest';
import { RecordedIndex } from './recorded.ts';
import { Replay, replayed } from './replay.ts';
import type { ReplayEntry } from './routes.ts';

const entry = (over: Partial<ReplayEntry>): ReplayEntry => ({ method: 'GET', url: 'https://v.test/a.js', status: 200, statusText: '', headers: [], body: Buffer.from('body'), ...over });

describe('RecordedIndex', () => {
  const index = () =>
    new RecordedIndex(
      [
        ['GET', 'https://v.test/a?x=1', 'a1'],
        ['GET', 'https://v.test/a?x=2', 'a2'],
        ['GET', 'https://v.test/b', 'b1'],
        ['GET', 'https://v.test/b', 'b2'],
        ['POST', 'https://v.test/b', 'post'],
        ['GET', 'https://V.test:443/c#frag', 'c'],
      ].map(([method, url, answer]) => ({ method: method!, url: url!, answer: answer! })),
    );

  it.each([
    ['the full URL first', [['GET', 'https://v.test/a?x=2']], ['a2']],
    ['then the URL with the query dropped, in order, the last repeating', [['GET', 'https://v.test/a?x=9'], ['GET', 'https://v.test/a'], ['GET', 'https://v.test/a?y']], ['a1', 'a2', 'a2']],
    ['repeated identical requests in order, the last repeating', [['GET', 'https://v.test/b'], ['GET', 'https://v.test/b'], ['GET', 'https://v.test/b']], ['b1', 'b2', 'b2']],
    ['by method', [['post', 'https://v.test/b'], ['PUT', 'https://v.test/b']], ['post', undefined]],
    ['canonical URLs (host case, default port, fragment)', [['GET', 'https://v.test/c']], ['c']],
    ['nothing for a URL never recorded', [['GET', 'https://v.test/d'], ['GET', 'not a url']], [undefined, undefined]],
  ])('answers by %s', (_what, requests, answers) => {
    const recorded = index();
    expect(requests.map(([method, url]) => recorded.take(method!, url!))).toEqual(answers);
  });

  it('says whether it holds a request without consuming it', () => {
    const recorded = index();
    expect([recorded.has('GET', 'https://v.test/b?q'), recorded.has('GET', 'https://v.test/nope')]).toEqual([true, false]);
    expect(recorded.take('GET', 'https://v.test/b')).toBe('b1');
  });
});

describe('replayed', () => {
  it.each([
    ['hop-by-hop headers', [['Connection', 'keep-alive, x-hop'], ['Keep-Alive', 'timeout=5'], ['Transfer-Encoding', 'chunked'], ['x-hop', '1'], ['upgrade', 'h2c']], {}],
    ['content-length and content-encoding (the body is served decoded)', [['content-encoding', 'br'], ['content-length', '999']], {}],
    ['HTTP/2 pseudo-headers', [[':status', '200']], {}],
    ['nothing of the vendor\'s own headers', [['Content-Security-Policy', "frame-ancestors 'none'"], ['access-control-allow-origin', 'https://www.shop.test'], ['content-type', 'text/html']], { 'content-security-policy': ["frame-ancestors 'none'"], 'access-control-allow-origin': ['https://www.shop.test'], 'content-type': ['text/html'] }],
    ['nothing of a repeated header', [['set-cookie', 'a=1'], ['set-cookie', 'b=2']], { 'set-cookie': ['a=1', 'b=2'] }],
  ] as [string, [string, string][], Record<string, string[]>][])('drops %s', (_what, headers, kept) => {
    expect(replayed(entry({ headers })).headers).toEqual({ ...kept, 'content-length': ['4'] });
  });

  it.each([204, 304])('sends no body and no content-length with a %i', (status) => {
    const answer = replayed(entry({ status }));
    expect(answer.rawBody).toBeUndefined();
    expect(answer.headers['content-length']).toBeUndefined();
  });

  it('keeps the status and its text', () => {
    expect(replayed(entry({ status: 418, statusText: "I'm a teapot" }))).toMatchObject({ statusCode: 418, statusMessage: "I'm a teapot" });
  });
});

describe('Replay', () => {
  const replay = new Replay({ kind: 'replay', host: 'v.test', entries: [entry({ method: 'OPTIONS', url: 'https://v.test/recorded', status: 204, headers: [['access-control-allow-origin', 'https://a.test']] })] });

  it('serves a recorded preflight as recorded', () => {
    const answer = replay.answer({ method: 'OPTIONS', url: 'https://v.test/recorded', headers: { 'access-control-request-method': 'POST', origin: 'https://x.test' } });
    expect(answer?.headers['access-control-allow-origin']).toEqual(['https://a.test']);
  });

  it('allows an unrecorded preflight as the browser asked, and nothing else unrecorded', () => {
    const preflight = replay.answer({ method: 'OPTIONS', url: 'https://v.test/other', headers: { 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-a', origin: 'https://x.test' } });
    expect(preflight).toMatchObject({ statusCode: 204, headers: { 'access-control-allow-origin': 'https://x.test', 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'x-a' } });
    expect(replay.answer({ method: 'OPTIONS', url: 'https://v.test/other', headers: {} })).toBeNull();
    expect(replay.answer({ method: 'GET', url: 'https://v.test/other', headers: {} })).toBeNull();
  });
});
