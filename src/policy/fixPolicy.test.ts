import { describe, expect, it } from 'vitest';
import { applyNeeds, diffPolicies, formatDiff, needFor, type Need } from './fixPolicy.ts';

const GENESYS_BROKEN_ICONS =
  "default-src 'self'; script-src 'self' https://apps.mypurecloud.com; img-src 'self' https://apps.mypurecloud.com; frame-src 'self' https://apps.mypurecloud.com;";

describe('needFor: what an engine-blocked request needs', () => {
  it.each([
    ['a data: image', 'img-src', 'data', { effectiveDirective: 'img-src', source: 'data:' }],
    ['a URL: its origin', 'connect-src', 'https://api.mypurecloud.com/api/v2/x?y=1', { effectiveDirective: 'connect-src', source: 'https://api.mypurecloud.com' }],
    ['a WebSocket keeps wss:', 'connect-src', 'wss://chat1.providesupport.com/chat/ws', { effectiveDirective: 'connect-src', source: 'wss://chat1.providesupport.com' }],
    ['script-src as Firefox names a URL block: the element directive', 'script-src', 'https://cdn.test/a.js', { effectiveDirective: 'script-src-elem', source: 'https://cdn.test' }],
    ['style-src likewise', 'style-src', 'https://cdn.test/a.css', { effectiveDirective: 'style-src-elem', source: 'https://cdn.test' }],
    ['blob', 'frame-src', 'blob', { effectiveDirective: 'frame-src', source: 'blob:' }],
  ])('%s', (_name, effectiveDirective, blockedURI, need) => {
    expect(needFor({ effectiveDirective, blockedURI })).toEqual(need);
  });

  it.each([
    ['inline', 'style-src-attr', 'inline'],
    ['eval', 'script-src', 'eval'],
    ['nothing', 'img-src', ''],
  ])('none for %s: no source expression allows it', (_name, effectiveDirective, blockedURI) => {
    expect(needFor({ effectiveDirective, blockedURI })).toBeNull();
  });
});

const need = (effectiveDirective: string, source: string): Need => ({ effectiveDirective, source });

describe('applyNeeds: sources written into the text', () => {
  it.each<[string, string, Need[], string, { directive: string; source: string; created: boolean; policy?: number }[]]>([
    [
      'Genesys broken icons: data: beside img-src, and a new font-src from default-src',
      GENESYS_BROKEN_ICONS,
      [need('img-src', 'data:'), need('font-src', 'data:')],
      "default-src 'self'; script-src 'self' https://apps.mypurecloud.com; img-src 'self' https://apps.mypurecloud.com data:; frame-src 'self' https://apps.mypurecloud.com; font-src 'self' data:;",
      [
        { directive: 'img-src', source: 'data:', created: false },
        { directive: 'font-src', source: 'data:', created: true },
      ],
    ],
    [
      "Provide Support trap: default-src * overridden by connect-src 'self'",
      "default-src *; img-src * data:; connect-src 'self'",
      [need('connect-src', 'https://chat1.providesupport.com'), need('connect-src', 'wss://chat1.providesupport.com')],
      "default-src *; img-src * data:; connect-src 'self' https://chat1.providesupport.com wss://chat1.providesupport.com",
      [
        { directive: 'connect-src', source: 'https://chat1.providesupport.com', created: false },
        { directive: 'connect-src', source: 'wss://chat1.providesupport.com', created: false },
      ],
    ],
    ['data: beside * (a wildcard never matches data:)', 'img-src *', [need('img-src', 'data:')], 'img-src * data:', [{ directive: 'img-src', source: 'data:', created: false }]],
    [
      'https: beside wss: (engines do not let one stand for the other)',
      "connect-src 'self' wss://api.mypurecloud.com",
      [need('connect-src', 'https://api.mypurecloud.com')],
      "connect-src 'self' wss://api.mypurecloud.com https://api.mypurecloud.com",
      [{ directive: 'connect-src', source: 'https://api.mypurecloud.com', created: false }],
    ],
    ['the same need twice is added once', 'img-src *', [need('img-src', 'data:'), need('img-src', 'data:')], 'img-src * data:', [{ directive: 'img-src', source: 'data:', created: false }]],
    ['already there (any case): nothing changes', 'img-src DATA:', [need('img-src', 'data:')], 'img-src DATA:', []],
    ['no directive restricts it: nothing changes', "img-src 'self'", [need('connect-src', 'https://x.test')], "img-src 'self'", []],
    ["'none' alone is replaced", "default-src 'self'; img-src 'none'; font-src 'self'", [need('img-src', 'https://i.test')], "default-src 'self'; img-src https://i.test; font-src 'self'", [{ directive: 'img-src', source: 'https://i.test', created: false }]],
    [
      'script-src decides for script-src-elem: added there, placeholders kept',
      "script-src 'self' 'nonce-{{nonce}}' {{inline-hashes}}; object-src 'none'",
      [need('script-src-elem', 'https://cdn.test')],
      "script-src 'self' 'nonce-{{nonce}}' {{inline-hashes}} https://cdn.test; object-src 'none'",
      [{ directive: 'script-src', source: 'https://cdn.test', created: false }],
    ],
    ['default-src decides for script-src-elem: a new script-src', "default-src 'self'", [need('script-src-elem', 'https://cdn.test')], "default-src 'self'; script-src 'self' https://cdn.test", [{ directive: 'script-src', source: 'https://cdn.test', created: true }]],
    ["a new directive does not inherit default-src 'none'", "default-src 'none'", [need('img-src', 'data:')], "default-src 'none'; img-src data:", [{ directive: 'img-src', source: 'data:', created: true }]],
    ['the first of a repeated directive is the one browsers honour', 'img-src a.test; img-src b.test', [need('img-src', 'data:')], 'img-src a.test data:; img-src b.test', [{ directive: 'img-src', source: 'data:', created: false }]],
    [
      'a policy list: each policy that restricts the type gains the source',
      "img-src 'self', default-src 'self', script-src 'self'",
      [need('img-src', 'data:')],
      "img-src 'self' data:, default-src 'self'; img-src 'self' data:, script-src 'self'",
      [
        { policy: 0, directive: 'img-src', source: 'data:', created: false },
        { policy: 1, directive: 'img-src', source: 'data:', created: true },
      ],
    ],
  ])('%s', (_name, text, needs, fixed, added) => {
    const result = applyNeeds(text, needs);
    expect(result.text).toBe(fixed);
    expect(result.added).toEqual(added.map((a) => ({ policy: 0, ...a })));
  });
});

describe('diffPolicies and formatDiff: what the fixed policy adds', () => {
  it.each([
    [
      'the Genesys fix',
      GENESYS_BROKEN_ICONS,
      "default-src 'self'; script-src 'self' https://apps.mypurecloud.com; img-src 'self' https://apps.mypurecloud.com data:; frame-src 'self' https://apps.mypurecloud.com; font-src 'self' data:;",
      ['  img-src  + data:', "  font-src  + data:   (new: font-src 'self' data:, from default-src 'self')"],
    ],
    ['nothing added', "img-src 'self'", "img-src 'self'", []],
    ['a new directive without a fallback', "img-src 'self'", "img-src 'self'; connect-src https://x.test", ['  connect-src  + https://x.test   (new: connect-src https://x.test)']],
    ['a list names the policy', "img-src 'self', img-src *", "img-src 'self', img-src * data:", ['  policy 2: img-src  + data:']],
  ])('%s', (_name, before, after, lines) => {
    expect(formatDiff(before, diffPolicies(before, after))).toEqual(lines);
  });
});
