import { describe, expect, it } from 'vitest';
import { isAllowed, partition } from './allow.ts';
import type { CspAllowRule, CspViolation } from './types.ts';

const v = (effectiveDirective: string, blockedURI: string, disposition: 'enforce' | 'report' = 'enforce'): CspViolation => ({
  disposition,
  effectiveDirective,
  blockedURI,
  kind: blockedURI === 'inline' ? 'inline' : blockedURI === 'eval' ? 'eval' : 'url',
  signals: ['event'],
  documentURL: 'https://shop.example/',
  fix: null,
});

const IMG = v('img-src', 'https://cdn.example.net/a/pixel.png');
const INLINE = v('script-src-elem', 'inline');
const ATTR = v('script-src-attr', 'inline');
const FONT = v('font-src', 'https://fonts.example.org/x.woff2');
const DATA = v('img-src', 'data');
const FRAME_ORIGIN = v('frame-src', 'https://pay.example.com');

const CASES: [string, CspAllowRule, CspViolation, boolean][] = [
  ['a directive name', 'img-src', IMG, true],
  ['a directive name, another directive', 'img-src', FONT, false],
  ['script-src covers script-src-elem', 'script-src', INLINE, true],
  ['script-src covers script-src-attr', 'script-src', ATTR, true],
  ['script-src-elem does not cover script-src-attr', 'script-src-elem', ATTR, false],
  ['default-src covers every fetch directive', 'default-src', FONT, true],
  ['names are case-insensitive', 'IMG-SRC', IMG, true],
  ['an exact URL', 'https://cdn.example.net/a/pixel.png', IMG, true],
  ['an origin covers its URLs', 'https://cdn.example.net', IMG, true],
  ['an origin with a slash', 'https://cdn.example.net/', IMG, true],
  ['an origin covers a report that carried only the origin', 'https://pay.example.com', FRAME_ORIGIN, true],
  ['another origin', 'https://cdn.example.org', IMG, false],
  ['a glob', 'https://*.example.net/*', IMG, true],
  ['a glob that does not match', 'https://*.example.org/*', IMG, false],
  ['a keyword blocked URI', 'inline', INLINE, true],
  ['data', 'data', DATA, true],
  ['a RegExp on the blocked URI', /pixel\.png$/, IMG, true],
  ['a global RegExp twice in a row gives the same answer', /pixel/g, IMG, true],
  ['an object: directive and URI', { directive: 'script-src', blockedURI: 'inline' }, INLINE, true],
  ['an object: one field wrong', { directive: 'style-src', blockedURI: 'inline' }, INLINE, false],
  ['an object: disposition', { disposition: 'report' }, v('img-src', 'data', 'report'), true],
  ['an empty object allows nothing', {}, IMG, false],
  ['a predicate', (x) => x.kind === 'inline', INLINE, true],
  ['a predicate that says no', (x) => x.kind === 'inline', IMG, false],
];

describe('isAllowed', () => {
  it.each(CASES)('%s', (_name, rule, violation, expected) => {
    expect(isAllowed(violation, [rule])).toBe(expected);
    // A global RegExp keeps lastIndex between calls: asked twice, the answer holds.
    expect(isAllowed(violation, [rule])).toBe(expected);
  });
});

describe('partition', () => {
  it('splits counted from allowed; one rule or a list', () => {
    expect(partition([IMG, INLINE, FONT], 'img-src')).toEqual({ counted: [INLINE, FONT], allowed: [IMG] });
    expect(partition([IMG, INLINE, FONT], ['img-src', 'inline'])).toEqual({ counted: [FONT], allowed: [IMG, INLINE] });
    expect(partition([IMG], undefined)).toEqual({ counted: [IMG], allowed: [] });
  });

  it('counts report-only violations unless told not to', () => {
    const reportOnly = v('img-src', 'data', 'report');
    expect(partition([reportOnly], undefined).counted).toEqual([reportOnly]);
    expect(partition([reportOnly], undefined, false)).toEqual({ counted: [], allowed: [reportOnly] });
  });
});
