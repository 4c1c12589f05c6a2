import { describe, expect, it } from 'vitest';
import { deriveFeatures, trafficKindOf } from './derive.ts';

describe('trafficKindOf', () => {
  it.each([
    [{ url: 'https://a.test/x.js', resourceType: 'script' }, 'scripts'],
    [{ url: 'https://a.test/x', resourceType: 'stylesheet' }, 'styles'],
    [{ url: 'https://a.test/x', resourceType: 'xhr' }, 'connections'],
    [{ url: 'https://a.test/x', resourceType: 'eventsource' }, 'connections'],
    [{ url: 'https://a.test/x', resourceType: 'document' }, 'frames'],
    [{ url: 'https://a.test/x', resourceType: 'manifest' }, null],
    [{ url: 'wss://a.test/s' }, 'websockets'],
    [{ url: 'https://a.test/x', contentType: 'application/javascript; charset=utf-8' }, 'scripts'],
    [{ url: 'https://a.test/x', contentType: 'image/svg+xml' }, 'images'],
    [{ url: 'https://a.test/x', contentType: 'font/woff2' }, 'fonts'],
    [{ url: 'https://a.test/x', contentType: 'application/json' }, 'connections'],
    [{ url: 'https://a.test/x', contentType: 'application/octet-stream' }, null],
  ])('%j → %s', (item, kind) => {
    expect(trafficKindOf(item)).toBe(kind);
  });
});

describe('deriveFeatures', () => {
  it('one feature per kind, in order, each URL once and without its query', () => {
    const features = deriveFeatures([
      { url: 'https://a.test/api?s=1', resourceType: 'fetch' },
      { url: 'https://a.test/loader.js', resourceType: 'script' },
      { url: 'https://a.test/api?s=2', resourceType: 'fetch' },
      { url: 'https://a.test/frame.html', resourceType: 'document' },
      { url: 'wss://rt.a.test/s?t=1', resourceType: 'websocket' },
      { url: 'https://a.test/manifest.json', resourceType: 'manifest' },
    ]);
    expect(features).toEqual({
      scripts: { title: 'Scripts', expect: [{ request: 'https://a.test/loader.js' }] },
      connections: { title: 'Connections (fetch, XHR, EventSource, beacons)', expect: [{ request: 'https://a.test/api' }] },
      frames: { title: 'Frames', expect: [{ frame: 'https://a.test/frame.html' }] },
      websockets: { title: 'WebSockets', expect: [{ websocket: 'wss://rt.a.test/s' }] },
    });
  });
  it('nothing recorded: no features', () => {
    expect(deriveFeatures([])).toEqual({});
  });
});
