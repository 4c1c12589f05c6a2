import { describe, expect, it } from 'vitest';
import { blockedUrlMatches, urlMatches } from './urlPattern.ts';

describe('urlMatches', () => {
  it.each([
    ['https://widget.acme.test/loader.js', 'https://widget.acme.test/loader.js', true],
    ['https://widget.acme.test/loader.js', 'https://widget.acme.test/loader.js?v=3', true],
    ['https://widget.acme.test/loader.js', 'https://widget.acme.test/loader.jsx', false],
    ['https://widget.acme.test/loader.js?v=3', 'https://widget.acme.test/loader.js?v=4', false],
    ['https://widget.acme.test/frame/**', 'https://widget.acme.test/frame/a/b.html', true],
    ['https://widget.acme.test/frame/**', 'https://widget.acme.test/other/a.html', false],
    ['https://widget.acme.test/frame/*', 'https://widget.acme.test/frame/a.html', true],
    ['https://widget.acme.test/frame/*', 'https://widget.acme.test/frame/a/b.html', false],
    ['https://widget.acme.test/frame/*.html', 'https://widget.acme.test/frame/a.html', true],
    ['https://widget.acme.test/frame/*.html', 'https://widget.acme.test/frame/a/b.html', false],
    ['https://*.acme.test/x.js', 'https://cdn.acme.test/x.js', true],
    ['https://*.acme.test/x.js', 'https://a.cdn.acme.test/x.js', false],
    ['https://**.acme.test/x.js', 'https://a.cdn.acme.test/x.js', true],
    ['https://api.acme.test', 'https://api.acme.test/v1/users?id=1', true],
    ['https://api.acme.test/', 'https://api.acme.test/', true],
    ['https://api.acme.test', 'https://api.acme.test.evil/v1', false],
    ['wss://rt.acme.test/**', 'wss://rt.acme.test/socket?x=1', true],
    ['wss://rt.acme.test/**', 'https://rt.acme.test/socket', false],
    ['https://widget.acme.test/a.js', 'https://widget.acme.test/a.js#frag', true],
  ])('%s ~ %s → %s', (pattern, url, expected) => {
    expect(urlMatches(pattern, url)).toBe(expected);
  });
});

describe('blockedUrlMatches', () => {
  it.each([
    ['https://widget.acme.test/frame/**', 'https://widget.acme.test', true],
    ['https://widget.acme.test/frame/**', 'https://widget.acme.test/', true],
    ['https://widget.acme.test/frame/**', 'https://other.acme.test', false],
    ['wss://rt.acme.test/socket', 'wss://rt.acme.test', true],
    ['https://*.acme.test/x', 'https://cdn.acme.test', true],
    ['https://widget.acme.test/frame/a.html', 'https://widget.acme.test/frame/a.html', true],
    ['https://widget.acme.test/frame/a.html', 'https://widget.acme.test/frame/b.html', false],
    ['https://widget.acme.test/x', 'inline', false],
  ])('%s ~ blocked %s → %s', (pattern, blocked, expected) => {
    expect(blockedUrlMatches(pattern, blocked)).toBe(expected);
  });
});
