import { describe, expect, it } from 'vitest';
import { LISTENER_JS } from '../engines/settle.ts';
import { BINDING, INIT_SCRIPT, readInitMessage } from './initScript.ts';

describe('INIT_SCRIPT', () => {
  it("is the prelude then the harness's own listener (harness/listener.js), unchanged", () => {
    expect(INIT_SCRIPT.endsWith(LISTENER_JS)).toBe(true);
    expect(INIT_SCRIPT).toContain(JSON.stringify(BINDING));
  });

  it('forwards each event the listener records, says hello once, and sends <meta> policies', () => {
    const sent: unknown[] = [];
    const listeners: Record<string, (e: unknown) => void> = {};
    const window: Record<string, unknown> = {
      [BINDING]: (m: unknown) => sent.push(m),
      addEventListener: (type: string, fn: (e: unknown) => void) => (listeners[type] = fn),
    };
    const document = {
      readyState: 'complete',
      querySelectorAll: () => [{ getAttribute: (name: string) => (name === 'http-equiv' ? 'Content-Security-Policy' : "img-src 'self'") }],
    };
    new Function('window', 'document', 'location', INIT_SCRIPT)(window, document, { href: 'https://shop.example/a#x' });
    listeners.securitypolicyviolation!({ effectiveDirective: 'img-src', blockedURI: 'data', disposition: 'enforce', sample: '' });
    expect(sent).toEqual([
      { type: 'hello', url: 'https://shop.example/a#x' },
      { type: 'meta', url: 'https://shop.example/a#x', policies: ["img-src 'self'"] },
      { type: 'event', url: 'https://shop.example/a#x', event: { effectiveDirective: 'img-src', blockedURI: 'data', disposition: 'enforce', sample: '' } },
    ]);
  });

  it('does nothing without the binding (a context the fixture did not make)', () => {
    const window: Record<string, unknown> = { addEventListener: () => undefined };
    new Function('window', 'document', 'location', INIT_SCRIPT)(window, { readyState: 'complete', querySelectorAll: () => [] }, { href: 'https://shop.example/' });
    expect((window.__csph as { events: unknown[] }).events).toEqual([]);
  });
});

describe('readInitMessage', () => {
  it.each([
    [{ type: 'hello', url: 'https://a/' }, { type: 'hello', url: 'https://a/' }],
    [{ type: 'meta', url: 'https://a/', policies: ["img-src 'self'", 3] }, { type: 'meta', url: 'https://a/', policies: ["img-src 'self'"] }],
    [
      { type: 'event', url: 'https://a/', event: { effectiveDirective: 'img-src', blockedURI: 'data', disposition: 'report' } },
      { type: 'event', url: 'https://a/', event: { effectiveDirective: 'img-src', blockedURI: 'data', disposition: 'report', sample: '' } },
    ],
    [{ type: 'event', url: 'https://a/' }, null],
    [{ type: 'hello' }, null],
    ['hello', null],
    [null, null],
  ])('%j', (payload, expected) => {
    expect(readInitMessage(payload)).toEqual(expected);
  });
});
