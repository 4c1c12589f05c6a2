import { describe, expect, it } from 'vitest';
import { parseRemotes, shownEndpoint, type RemoteVia } from './remote.ts';

const ROWS: [string, RemoteVia, Record<string, string>, { ok: true; endpoints: [string, string][] } | { ok: false; message: RegExp }][] = [
  ['a Chromium browser server', 'connect', { chromium: 'ws://127.0.0.1:3000/abc' }, { ok: true, endpoints: [['chromium', 'ws://127.0.0.1:3000/abc']] }],
  ['Chromium and Firefox, wss', 'connect', { chromium: 'ws://a:1/x', firefox: 'wss://b.example:443/y' }, { ok: true, endpoints: [['chromium', 'ws://a:1/x'], ['firefox', 'wss://b.example:443/y']] }],
  ['a WebKitWebDriver', 'webdriver', { webkit: 'http://127.0.0.1:4444' }, { ok: true, endpoints: [['webkit', 'http://127.0.0.1:4444']] }],
  ['a Grid hub path', 'webdriver', { webkit: 'https://grid.example/wd/hub' }, { ok: true, endpoints: [['webkit', 'https://grid.example/wd/hub']] }],
  ['nothing', 'connect', {}, { ok: true, endpoints: [] }],
  ['unknown engine', 'connect', { safari: 'ws://a:1' }, { ok: false, message: /--connect "safari=ws:\/\/a:1": unknown engine "safari"; --connect takes chromium or firefox/ }],
  ['unknown engine (webdriver)', 'webdriver', { edge: 'http://a:1' }, { ok: false, message: /unknown engine "edge"; --webdriver takes webkit/ }],
  ['WebKit over connect', 'connect', { webkit: 'ws://a:1' }, { ok: false, message: /WebKit is driven through WebDriver here.*--webdriver webkit=http:\/\/host:port/ }],
  ['Chromium over WebDriver', 'webdriver', { chromium: 'http://a:1' }, { ok: false, message: /--webdriver drives WebKit only.*--connect chromium=ws:\/\// }],
  ['http for connect', 'connect', { chromium: 'http://a:1/x' }, { ok: false, message: /--connect needs a ws:\/\/ or wss:\/\/ address/ }],
  ['ws for webdriver', 'webdriver', { webkit: 'ws://a:1' }, { ok: false, message: /--webdriver needs a http:\/\/ or https:\/\/ address/ }],
  ['not a URL', 'connect', { firefox: 'localhost:3000' }, { ok: false, message: /--connect needs a ws:\/\/|is not a URL/ }],
  ['garbage', 'webdriver', { webkit: '::::' }, { ok: false, message: /"::::" is not a URL/ }],
];

describe('parseRemotes', () => {
  it.each(ROWS)('%s', (_name, via, entries, expected) => {
    const parsed = parseRemotes(via, entries);
    if (expected.ok) {
      expect(parsed).toEqual({ ok: true, value: expected.endpoints.map(([browser, url]) => ({ browser, via, url })) });
    } else {
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.message).toMatch(expected.message);
    }
  });
});

describe('shownEndpoint', () => {
  it.each([
    ['connect', 'ws://127.0.0.1:3000/0123abcd', 'ws://127.0.0.1:3000/…'],
    ['connect', 'ws://browsers:3000', 'ws://browsers:3000'],
    ['webdriver', 'http://user:secret@grid.example:4444/wd/hub/?x=1', 'http://grid.example:4444/wd/hub'],
    ['webdriver', 'http://127.0.0.1:4444/', 'http://127.0.0.1:4444'],
  ] as const)('%s %s → %s', (via, url, shown) => {
    expect(shownEndpoint({ via, url })).toBe(shown);
  });
});
