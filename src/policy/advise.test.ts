import { describe, expect, it } from 'vitest';
import { fixFromBlocked } from './advise.ts';
import { parsePolicyList } from './parse.ts';

const policies = (value: string) => parsePolicyList(value, { disposition: 'enforce', source: 'header' }).policies;

describe('fixFromBlocked: the fix the engine’s blocked URL asks for, where the spec sees none', () => {
  it.each([
    [
      'Genesys: wss: beside the https: API Chromium and Firefox block (CSP3 would allow it)',
      "connect-src 'self' wss://api.mypurecloud.com",
      'connect-src',
      'https://api.mypurecloud.com/api/v2/webdeployments',
      "connect-src 'self' wss://api.mypurecloud.com https://api.mypurecloud.com",
    ],
    ['a data: image under img-src *', 'img-src *', 'img-src', 'data', 'img-src * data:'],
    ['default-src decided: a new effective directive from its list', "default-src 'self'", 'connect-src', 'https://x.test/a', "connect-src 'self' https://x.test"],
    ['script-src decided for script-src-elem: added to script-src', "script-src 'self'", 'script-src-elem', 'https://cdn.test/s.js', "script-src 'self' https://cdn.test"],
    ["'none' is dropped, not kept beside the source", "img-src 'none'", 'img-src', 'https://i.test/p.png', 'img-src https://i.test'],
    ['the second policy has the directive', "script-src 'self', img-src 'self'", 'img-src', 'blob', "img-src 'self' blob:"],
  ])('%s', (_name, value, directive, blockedURI, result) => {
    expect(fixFromBlocked(policies(value), { effectiveDirective: directive, blockedURI })?.result).toBe(result);
  });

  it.each([
    ['an inline block', "script-src 'self'", 'script-src-elem', 'inline'],
    ['eval', "script-src 'self'", 'script-src', 'eval'],
    ['no policy restricts it', "img-src 'self'", 'connect-src', 'https://x.test/'],
    ['the source is already there (nothing a source adds)', "connect-src https://x.test", 'connect-src', 'https://x.test/a'],
  ])('none for %s', (_name, value, directive, blockedURI) => {
    expect(fixFromBlocked(policies(value), { effectiveDirective: directive, blockedURI })).toBeNull();
  });
});
