import { describe, expect, it } from 'vitest';
import { highFindings, STRICT_BASE, strictBlockers, strictNeedFor } from './strict.ts';
import { lintPolicy } from './lint.ts';

describe('strictNeedFor', () => {
  it.each<[string, string, ReturnType<typeof strictNeedFor>]>([
    ['script-src-elem', 'https://js.vendor.test/a.js', null],
    ['script-src', 'https://js.vendor.test/a.js', null],
    ['script-src-elem', 'inline', null],
    ['script-src-attr', 'inline', null],
    ['script-src', 'eval', null],
    ['img-src', 'data', { effectiveDirective: 'img-src', source: 'data:' }],
    ['connect-src', 'wss://ws.vendor.test/socket', { effectiveDirective: 'connect-src', source: 'wss://ws.vendor.test' }],
    ['style-src-elem', 'inline', { effectiveDirective: 'style-src-elem', source: "'unsafe-inline'" }],
    ['frame-src', 'https://apps.vendor.test/frame.html', { effectiveDirective: 'frame-src', source: 'https://apps.vendor.test' }],
  ])('%s blocked %s', (effectiveDirective, blockedURI, expected) => {
    expect(strictNeedFor({ effectiveDirective, blockedURI })).toEqual(expected);
  });
});

describe('strictBlockers', () => {
  const v = (effectiveDirective: string, blockedURI: string, disposition = 'enforce') => ({ disposition, effectiveDirective, blockedURI });
  it.each<[string, Parameters<typeof strictBlockers>[0], string[]]>([
    ['none when every cell passes', [{ id: 'policy/a/x/chromium', status: 'pass', violations: [] }], []],
    ['a blocked script, grouped over engines', [
      { id: 'policy/a/x/chromium', status: 'fail', violations: [v('script-src-elem', 'https://a.test/w.js')] },
      { id: 'policy/a/x/firefox', status: 'fail', violations: [v('script-src-elem', 'https://a.test/w.js')] },
    ], ['a/x: script-src-elem blocked https://a.test/w.js (chromium, firefox)']],
    ['not a script, not enforced, not failing: no blocker', [
      { id: 'policy/a/x/chromium', status: 'fail', violations: [v('img-src', 'data'), v('script-src', 'inline', 'report')] },
      { id: 'policy/a/y/chromium', status: 'error', violations: [v('script-src', 'inline')] },
    ], []],
    ['an event handler keeps its params label', [
      { id: 'policy/b/widget[embed=self]/webkit', status: 'fail', violations: [v('script-src-attr', 'inline')] },
    ], ['b/widget[embed=self]: script-src-attr blocked inline (webkit)']],
  ])('%s', (_name, cells, expected) => {
    expect(strictBlockers(cells)).toEqual(expected);
  });
});

describe('highFindings', () => {
  it('the strict base has no high-severity csp_evaluator finding', () => {
    expect(highFindings(STRICT_BASE.replace('{{nonce}}', 'R4nd0mN0nceValue'), [])).toEqual([]);
    expect(lintPolicy(STRICT_BASE.replace('{{nonce}}', 'R4nd0mN0nceValue')).filter((f) => f.severity === 'error')).toEqual([]);
  });

  it.each<[string, string, { directive: string; source: string; cells: string[] }[], string[][]]>([
    ["an added 'unsafe-inline' in script-src is forced by its cells", "default-src 'self'; script-src 'self' 'unsafe-inline'", [{ directive: 'script-src', source: "'unsafe-inline'", cells: ['policy/velaro/chat/chromium', 'policy/velaro/chat/webkit'] }], [['velaro/chat']]],
    ["one that was not added (the user's) is forced by nothing", "default-src 'self'; script-src 'self' 'unsafe-inline'", [], [[]]],
    ["style-src 'unsafe-inline' is not high", "default-src 'self'; style-src 'self' 'unsafe-inline'", [{ directive: 'style-src', source: "'unsafe-inline'", cells: ['policy/genesys/styles/chromium'] }], []],
  ])('%s', (_name, policy, additions, forcedBy) => {
    expect(highFindings(policy, additions).map((f) => f.forcedBy)).toEqual(forcedBy);
  });
});
