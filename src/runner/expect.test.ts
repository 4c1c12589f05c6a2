import { describe, expect, it } from 'vitest';
import { directiveMatches, expectationFor, outcomeOf, statusOf, violationMatches } from './expect.ts';
import type { ReportViolation } from '../shared/vocabulary.ts';
import type { Scenario } from './scenario.ts';

const v = (effectiveDirective: string, blockedURI: string, disposition: 'enforce' | 'report' = 'enforce'): ReportViolation => ({
  disposition,
  effectiveDirective,
  blockedURI,
  kind: 'url',
  signals: ['report'],
});

describe('directiveMatches', () => {
  it.each([
    ['img-src', 'img-src', true],
    ['script-src', 'script-src-elem', true],
    ['script-src-elem', 'script-src', true],
    ['style-src', 'style-src-attr', true],
    ['style-src-attr', 'style-src-elem', false],
    ['script-src', 'style-src', false],
    ['connect-src', 'default-src', false],
    ['IMG-SRC', 'img-src', true],
  ])('%s vs %s → %s', (e, a, want) => expect(directiveMatches(e, a)).toBe(want));
});

describe('violationMatches', () => {
  it.each([
    [{ effectiveDirective: 'img-src', blockedURI: 'data' }, v('img-src', 'data'), true],
    [{ effectiveDirective: 'img-src', blockedURI: 'data:' }, v('img-src', 'data'), true],
    [{ effectiveDirective: 'img-src' }, v('img-src', 'https://x.test/a.png'), true],
    [{ effectiveDirective: 'connect-src', blockedURI: 'wss://webmessaging.mypurecloud.com' }, v('connect-src', 'wss://webmessaging.mypurecloud.com/v1'), true],
    [{ effectiveDirective: 'connect-src', blockedURI: 'wss://webmessaging.mypurecloud.de' }, v('connect-src', 'wss://webmessaging.mypurecloud.com/v1'), false],
    [{ effectiveDirective: 'img-src', blockedURI: 'data' }, v('img-src', 'data', 'report'), false],
    [{ effectiveDirective: 'frame-src', blockedURI: 'https://calendly.com/' }, v('frame-src', 'https://calendly.com'), true],
    [{ effectiveDirective: 'frame-src', blockedURI: 'https://calendly.com/' }, v('frame-src', 'https://calendly.com/x'), true],
    [{ effectiveDirective: 'frame-src', blockedURI: 'https://calendly.com/a' }, v('frame-src', 'https://calendly.com'), false],
    [{ effectiveDirective: 'font-src', blockedURI: 'data' }, v('img-src', 'data'), false],
  ])('%j vs %j → %s', (e, a, want) => expect(violationMatches(e, a)).toBe(want));
});

describe('statusOf', () => {
  it.each([
    [true, [], null, 'pass'],
    [false, [], null, 'fail'],
    [true, [v('img-src', 'data')], null, 'fail'],
    [true, [v('img-src', 'data', 'report')], null, 'pass'],
    [true, [], 'browser crashed', 'error'],
  ] as const)('probe %s, %j, error %s → %s', (ok, vs, err, want) => expect(statusOf(ok, vs, err)).toBe(want));
});

describe('outcomeOf', () => {
  const failImg = { status: 'fail' as const, violations: [{ effectiveDirective: 'img-src', blockedURI: 'data' }], reason: null };
  const pass = { status: 'pass' as const, violations: [], reason: null };
  it.each([
    ['fail with the named violation', 'fail', [v('img-src', 'data')], failImg, 'expected', 0],
    ['fail with another directive', 'fail', [v('font-src', 'data')], failImg, 'unexpected', 1],
    ['pass where fail was expected', 'pass', [], failImg, 'unexpected', 1],
    ['pass expected', 'pass', [], pass, 'expected', 0],
    ['fail where pass was expected', 'fail', [v('img-src', 'data')], pass, 'unexpected', 0],
    ['error is always unexpected', 'error', [], pass, 'unexpected', 0],
    ['skipped has no outcome', 'skipped', [], pass, null, 0],
    ['no expectation', 'fail', [], null, null, 0],
  ] as const)('%s', (_name, status, vs, exp, want, missing) => {
    const r = outcomeOf(status, vs, exp);
    expect(r.outcome).toBe(want);
    expect(r.missing).toHaveLength(missing);
  });
});

describe('expectationFor', () => {
  const scenario: Scenario = {
    id: 's',
    title: 't',
    vendor: 'genesys',
    policies: [{ value: "img-src 'self'" }],
    expect: {
      default: 'pass',
      features: {
        icons: {
          status: 'fail',
          violations: [{ effectiveDirective: 'img-src', blockedURI: 'data' }],
          browsers: { webkit: { status: 'fail', violations: [], reason: 'WebKit reports nothing here' } },
        },
      },
    },
  };
  it.each([
    ['icons', 'chromium', 'fail', 1],
    ['icons', 'webkit', 'fail', 0],
    ['api', 'firefox', 'pass', 0],
  ] as const)('%s in %s → %s', (feature, browser, status, n) => {
    const e = expectationFor(scenario, feature, browser);
    expect(e.status).toBe(status);
    expect(e.violations).toHaveLength(n);
  });
});
