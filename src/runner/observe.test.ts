import { describe, expect, it } from 'vitest';
import type { AnsweredRequest } from '../server/network.ts';
import type { ReportViolation } from '../shared/vocabulary.ts';
import type { ExpectEntry } from '../vendors/types.ts';
import { attribute, domChecksOf, isObserved, observedProbe, verdictsOf } from './observe.ts';

const http = (url: string, status = 200): AnsweredRequest => ({ cellId: 'c', kind: 'http', method: 'GET', url, status });
const ws = (url: string): AnsweredRequest => ({ cellId: 'c', kind: 'websocket', method: 'GET', url, status: 101 });
const violation = (effectiveDirective: string, blockedURI: string): ReportViolation => ({ disposition: 'enforce', effectiveDirective, blockedURI, kind: 'url', signals: [] } as unknown as ReportViolation);

describe('verdictsOf', () => {
  it.each<[string, ExpectEntry, { answered: AnsweredRequest[]; frames?: string[]; checks?: { ok: boolean; detail: string }[] }, boolean]>([
    ['a request answered', { request: 'https://a.test/x.js', as: 'script' }, { answered: [http('https://a.test/x.js')] }, true],
    ['a request answered with a query', { request: 'https://a.test/api', as: 'connect' }, { answered: [http('https://a.test/api?s=1')] }, true],
    ['a request never answered', { request: 'https://a.test/x.js', as: 'script' }, { answered: [http('https://a.test/y.js')] }, false],
    ['a WebSocket upgrade is not a request', { request: 'wss://a.test/s', as: 'connect' }, { answered: [ws('wss://a.test/s')] }, false],
    ['a frame answered, no frame tree (WebDriver)', { frame: 'https://a.test/f/**' }, { answered: [http('https://a.test/f/a.html')] }, true],
    ['a frame answered and in the tree', { frame: 'https://a.test/f/**' }, { answered: [http('https://a.test/f/a.html')], frames: ['https://a.test/f/a.html'] }, true],
    ['a frame answered but not in the tree (frame-ancestors)', { frame: 'https://a.test/f/**' }, { answered: [http('https://a.test/f/a.html')], frames: ['chrome-error://chromewebdata/'] }, false],
    ['a frame never requested', { frame: 'https://a.test/f/**' }, { answered: [], frames: [] }, false],
    ['a WebSocket opened', { websocket: 'wss://a.test/s' }, { answered: [ws('wss://a.test/s?t=1')] }, true],
    ['a WebSocket never opened', { websocket: 'wss://a.test/s' }, { answered: [http('https://a.test/s')] }, false],
    ['a selector held', { selector: '#x' }, { answered: [], checks: [{ ok: true, detail: '#x is visible' }] }, true],
    ['a selector did not hold', { selector: '#x' }, { answered: [], checks: [{ ok: false, detail: 'no element matches #x' }] }, false],
    ['a style never checked', { style: '#x', property: 'position', value: 'fixed' }, { answered: [] }, false],
  ])('%s', (_, entry, evidence, held) => {
    expect(verdictsOf([entry], evidence)[0]!.held).toBe(held);
  });

  it('pairs DOM checks with their results in order, and leaves inline and eval out', () => {
    const entries: ExpectEntry[] = [{ selector: '#a' }, { eval: 'eval' }, { style: '#b', property: 'color', value: 'red' }, { selector: '#c', visible: false }];
    expect(domChecksOf(entries)).toEqual([{ selector: '#a' }, { style: '#b', property: 'color', value: 'red' }, { selector: '#c', visible: false }]);
    const verdicts = verdictsOf(entries, { answered: [], checks: [{ ok: true, detail: 'a' }, { ok: false, detail: 'b' }, { ok: true, detail: 'c' }] });
    expect(verdicts.map((v) => [v.held, v.detail])).toEqual([[true, 'a'], [false, 'b'], [true, 'c']]);
    expect(observedProbe(verdicts)).toEqual({ ok: false, detail: 'b' });
    expect(observedProbe(verdicts.filter((v) => v.held))).toEqual({ ok: true, detail: 'all 2 observed expectations held' });
  });

  it('a feature with a probe is not observed', () => {
    expect(isObserved([{ request: 'https://a.test/x.js', as: 'script' }, { probe: 'chat' }])).toBe(false);
    expect(isObserved([{ request: 'https://a.test/x.js', as: 'script' }])).toBe(true);
  });
});

describe('attribute', () => {
  const feature: ExpectEntry[] = [
    { request: 'https://cdn.a.test/logo.png', as: 'image' },
    { frame: 'https://w.a.test/frame/**' },
    { websocket: 'wss://rt.a.test/socket' },
  ];
  it.each([
    ['its own image, by img-src', violation('img-src', 'https://cdn.a.test/logo.png'), false, 'mine'],
    ['its own image under default-src', violation('default-src', 'https://cdn.a.test/logo.png'), false, 'mine'],
    ['its URL under a directive of another kind', violation('script-src-elem', 'https://cdn.a.test/logo.png'), false, 'other'],
    ['its frame, reported by origin', violation('frame-src', 'https://w.a.test'), false, 'mine'],
    ['its WebSocket, reported by origin', violation('connect-src', 'wss://rt.a.test'), false, 'mine'],
    ['another feature\u2019s request', violation('connect-src', 'https://api.a.test/v1'), false, 'other'],
    ['an inline violation while the feature worked', violation('style-src-elem', 'inline'), false, 'other'],
    ['an inline violation while the feature failed', violation('style-src-elem', 'inline'), true, 'mine'],
    ['eval while the feature failed', violation('script-src', 'eval'), true, 'mine'],
  ])('%s → %s', (_, v, failed, where) => {
    const { mine, other } = attribute([v], feature, failed);
    expect(where === 'mine' ? mine : other).toEqual([v]);
    expect(where === 'mine' ? other : mine).toEqual([]);
  });
});
