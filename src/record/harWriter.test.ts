import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseHar } from '../server/har.ts';
import { deriveFeatures } from '../vendorDir/derive.ts';
import { bodyText, buildHar, parseSetCookie, renderHar, resourceTypeOf } from './harWriter.ts';
import { REDACTED } from './redact.ts';
import type { RecordedExchange, RecordedWebSocket } from './traffic.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a2dd7e6b0000000049454e44ae426082', 'hex');
const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);

function exchange(over: Partial<RecordedExchange>): RecordedExchange {
  return {
    startedAt: T0,
    method: 'GET',
    url: 'https://widget.acme.test/loader.js',
    httpVersion: 'HTTP/1.1',
    requestHeaders: [['Host', 'widget.acme.test'], ['Sec-Fetch-Dest', 'script']],
    requestBody: Buffer.alloc(0),
    status: 200,
    statusText: 'OK',
    responseHttpVersion: 'HTTP/1.1',
    responseHeaders: [['Content-Type', 'text/javascript']],
    body: Buffer.from('console.log("é")'),
    transferSize: 18,
    waitMs: 12.5,
    receiveMs: 3,
    ...over,
  };
}

const SOCKET: RecordedWebSocket = {
  startedAt: T0 + 50,
  url: 'wss://rt.acme.test/socket',
  requestHeaders: [['Host', 'rt.acme.test'], ['Origin', 'https://www.shop.test'], ['Cookie', 'rt=secret']],
  status: 101,
  statusText: 'Switching Protocols',
  responseHeaders: [['Upgrade', 'websocket'], ['Connection', 'Upgrade']],
  connectMs: 4,
  frames: [
    { type: 'receive', at: T0 + 60, opcode: 1, data: Buffer.from('welcome') },
    { type: 'send', at: T0 + 61, opcode: 1, data: Buffer.from('hello') },
    { type: 'send', at: T0 + 62, opcode: 2, data: Buffer.from([1, 2, 3]) },
    { type: 'receive', at: T0 + 63, opcode: 2, data: Buffer.from([3, 2, 1]) },
  ],
};

const EXCHANGES: RecordedExchange[] = [
  exchange({ responseHeaders: [['Content-Type', 'text/javascript'], ['Content-Encoding', 'gzip'], ['Set-Cookie', 'acme_session=s3cret; Path=/; Secure; HttpOnly; SameSite=None']], transferSize: gzipSync('console.log("é")').length }),
  exchange({ startedAt: T0 + 10, url: 'https://cdn.acme.test/widget.css', requestHeaders: [['Sec-Fetch-Dest', 'style']], responseHeaders: [['Content-Type', 'text/css; charset=utf-8']], body: Buffer.from('#a{position:fixed}') }),
  exchange({ startedAt: T0 + 11, url: 'https://cdn.acme.test/logo.png', requestHeaders: [['Sec-Fetch-Dest', 'image']], responseHeaders: [['Content-Type', 'image/png']], body: PNG }),
  exchange({
    startedAt: T0 + 12,
    method: 'POST',
    url: 'https://api.acme.test/v1/config?site=shop&v=2',
    requestHeaders: [['Sec-Fetch-Dest', 'empty'], ['Authorization', 'Bearer t0ken'], ['Content-Type', 'application/json'], ['Cookie', 'a=1; b=2']],
    requestBody: Buffer.from('{"q":1}'),
    responseHeaders: [['Content-Type', 'application/json'], ['Access-Control-Allow-Origin', 'https://www.shop.test']],
    body: Buffer.from('{"ok":true}'),
  }),
  exchange({ startedAt: T0 + 13, url: 'https://widget.acme.test/frame/chat.html', requestHeaders: [['Sec-Fetch-Dest', 'iframe']], responseHeaders: [['Content-Type', 'text/html'], ['Content-Security-Policy', "frame-ancestors *"]], body: Buffer.from('<!doctype html><p>chat</p>') }),
  exchange({ startedAt: T0 + 14, url: 'https://widget.acme.test/old', status: 302, statusText: 'Found', requestHeaders: [['Sec-Fetch-Dest', 'script']], responseHeaders: [['Location', '/loader.js']], body: Buffer.alloc(0) }),
];

function har(redact: boolean) {
  return buildHar({ pageUrl: 'https://www.shop.test/cells/record/', pageStartedAt: T0 - 100, exchanges: EXCHANGES, webSockets: [SOCKET], redact, creatorVersion: '0.1.0' });
}

describe('buildHar', () => {
  it('round-trips through parseHar with the same statuses, headers and bodies', () => {
    const parsed = parseHar(renderHar(har(false)));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.unanswered).toBe(0);
    expect(parsed.entries.map((e) => [e.method, e.url, e.status, e.resourceType])).toEqual([
      ['GET', 'https://widget.acme.test/loader.js', 200, 'script'],
      ['GET', 'https://cdn.acme.test/widget.css', 200, 'stylesheet'],
      ['GET', 'https://cdn.acme.test/logo.png', 200, 'image'],
      ['POST', 'https://api.acme.test/v1/config?site=shop&v=2', 200, 'fetch'],
      ['GET', 'https://widget.acme.test/frame/chat.html', 200, 'document'],
      ['GET', 'https://widget.acme.test/old', 302, 'script'],
    ]);
    parsed.entries.forEach((entry, i) => {
      expect(entry.body.equals(EXCHANGES[i]!.body), entry.url).toBe(true);
      expect(entry.headers).toEqual(EXCHANGES[i]!.responseHeaders);
      expect(entry.statusText).toBe(EXCHANGES[i]!.statusText);
    });
    expect(parsed.conversations).toEqual([
      {
        url: 'wss://rt.acme.test/socket',
        messages: [
          { type: 'receive', opcode: 1, data: 'welcome' },
          { type: 'send', opcode: 1, data: 'hello' },
          { type: 'send', opcode: 2, data: Buffer.from([1, 2, 3]).toString('base64') },
          { type: 'receive', opcode: 2, data: Buffer.from([3, 2, 1]).toString('base64') },
        ],
      },
    ]);
  });

  it('writes the DevTools shape: base64 for binary, queryString, postData, redirectURL, seconds in _webSocketMessages', () => {
    const { log } = har(false);
    expect(log.version).toBe('1.2');
    const [loader, , png, api, , redirect, ] = log.entries.filter((e) => e._resourceType !== 'websocket');
    expect(loader!.response.content).toEqual({ size: Buffer.byteLength('console.log("é")'), mimeType: 'text/javascript', text: 'console.log("é")' });
    expect(png!.response.content.encoding).toBe('base64');
    expect(Buffer.from(png!.response.content.text, 'base64').equals(PNG)).toBe(true);
    expect(api!.request.queryString).toEqual([{ name: 'site', value: 'shop' }, { name: 'v', value: '2' }]);
    expect(api!.request.postData).toEqual({ mimeType: 'application/json', text: '{"q":1}' });
    expect(api!.request.cookies).toEqual([{ name: 'a', value: '1' }, { name: 'b', value: '2' }]);
    expect(redirect!.response.redirectURL).toBe('https://widget.acme.test/loader.js');
    const ws = log.entries.find((e) => e._resourceType === 'websocket')!;
    expect(ws._webSocketMessages![0]).toEqual({ type: 'receive', time: (T0 + 60) / 1000, opcode: 1, data: 'welcome' });
    for (const entry of log.entries) {
      const { blocked, dns, ssl, connect, ...counted } = entry.timings;
      expect([blocked, dns, ssl, connect]).toEqual([-1, -1, -1, -1]);
      expect(Object.values(counted).reduce((a, b) => a + b, 0)).toBeCloseTo(entry.time);
      expect(entry.pageref).toBe(log.pages[0]!.id);
    }
    expect(log.entries.map((e) => e.startedDateTime)).toEqual([...log.entries.map((e) => e.startedDateTime)].sort());
  });

  it('redacts Authorization, Cookie and Set-Cookie values, headers and cookie lists alike, unless told to keep them', () => {
    const text = renderHar(har(true));
    expect(text).not.toMatch(/s3cret|t0ken|rt=secret|"a=1/);
    const { log } = har(true);
    const api = log.entries.find((e) => e.request.url.startsWith('https://api.'))!;
    expect(api.request.headers.find((h) => h.name === 'Authorization')!.value).toBe(REDACTED);
    expect(api.request.cookies.map((c) => c.value)).toEqual([REDACTED, REDACTED]);
    const loader = log.entries[0]!;
    expect(loader.response.headers.find((h) => h.name === 'Set-Cookie')!.value).toBe(REDACTED);
    expect(loader.response.cookies).toEqual([{ name: 'acme_session', value: REDACTED, path: '/', secure: true, httpOnly: true, sameSite: 'None' }]);
    const ws = log.entries.find((e) => e._resourceType === 'websocket')!;
    expect(ws.request.headers.find((h) => h.name === 'Cookie')!.value).toBe(REDACTED);
    expect(parseHar(text).ok).toBe(true);

    const kept = renderHar(har(false));
    expect(kept).toMatch(/acme_session=s3cret/);
    expect(kept).toMatch(/Bearer t0ken/);
  });

  it('feeds deriveFeatures one kind per resource type', () => {
    const parsed = parseHar(renderHar(har(true)));
    if (!parsed.ok) throw new Error('not ok');
    const items = [...parsed.entries.map((e) => ({ url: e.url, resourceType: e.resourceType ?? null })), ...parsed.conversations.map((c) => ({ url: c.url }))];
    expect(Object.keys(deriveFeatures(items))).toEqual(['scripts', 'styles', 'images', 'connections', 'frames', 'websockets']);
  });
});

describe('resourceTypeOf', () => {
  it.each([
    ['script', undefined, 'script'],
    ['style', undefined, 'stylesheet'],
    ['image', undefined, 'image'],
    ['font', undefined, 'font'],
    ['empty', 'application/json', 'fetch'],
    ['iframe', 'text/html', 'document'],
    ['frame', 'text/html', 'document'],
    ['video', undefined, 'media'],
    ['audio', undefined, 'media'],
    ['track', undefined, 'texttrack'],
    ['worker', undefined, 'script'],
    ['websocket', undefined, 'websocket'],
    ['manifest', undefined, 'manifest'],
    ['report', undefined, 'ping'],
    [undefined, 'application/javascript; charset=utf-8', 'script'],
    [undefined, 'text/css', 'stylesheet'],
    [undefined, 'image/svg+xml', 'image'],
    [undefined, 'font/woff2', 'font'],
    [undefined, 'text/html', 'document'],
    [undefined, 'application/json', 'fetch'],
    [undefined, undefined, 'other'],
  ])('Sec-Fetch-Dest %s, content type %s → %s', (dest, type, expected) => {
    expect(resourceTypeOf(dest ? [['sec-fetch-dest', dest]] : [], type)).toBe(expected);
  });
});

describe('bodyText', () => {
  it.each([
    [Buffer.from('héllo'), 'text/plain', { text: 'héllo' }],
    [Buffer.from('{"a":1}'), 'application/json', { text: '{"a":1}' }],
    [Buffer.from('<svg/>'), 'image/svg+xml', { text: '<svg/>' }],
    [Buffer.from([0xff, 0xfe, 0x00]), 'text/plain', { text: '//4A', encoding: 'base64' }],
    [Buffer.from('abc'), 'application/octet-stream', { text: 'YWJj', encoding: 'base64' }],
    [Buffer.alloc(0), 'image/png', { text: '' }],
  ])('%s as %s', (body, type, expected) => {
    expect(bodyText(body, type)).toEqual(expected);
  });
});

describe('parseSetCookie', () => {
  it.each([
    ['a=b', { name: 'a', value: 'b' }],
    ['sid=x=y; Domain=.acme.test; Path=/app; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Secure', { name: 'sid', value: 'x=y', domain: '.acme.test', path: '/app', expires: '2037-10-21T07:28:00.000Z', secure: true }],
    ['flag; HttpOnly; SameSite=Lax', { name: '', value: 'flag', httpOnly: true, sameSite: 'Lax' }],
  ])('%s', (line, expected) => {
    expect(parseSetCookie(line, false)).toEqual(expected);
  });
});
