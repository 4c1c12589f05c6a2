// Golden merges: the signals and reports each engine really produced for one page (captured through
// the fixture proxy: Debian chromium 156, firefox-esr 153 over BiDi, WebKitGTK 2.50 via WebDriver).
import { describe, expect, it } from 'vitest';
import type { RawSignal } from '../shared/vocabulary.ts';
import type { ReportViolation } from '../shared/vocabulary.ts';
import { mergeViolations } from './merge.ts';
import type { CspReport } from './reports.ts';

const DOC = 'https://www.shop.test/cells/c/';
const report = (effectiveDirective: string, blockedURI: string, disposition: 'enforce' | 'report' = 'enforce'): CspReport => ({
  format: 'csp-report',
  disposition,
  effectiveDirective,
  blockedURI,
  documentURI: DOC,
  sample: null,
});
const event = (effectiveDirective: string, blockedURI: string, disposition: 'enforce' | 'report' = 'enforce'): RawSignal => ({
  channel: 'event',
  effectiveDirective,
  blockedURI,
  disposition,
  sample: '',
});
const consoleText = (text: string): RawSignal => ({ channel: 'console', text });
const pageerror = (text: string): RawSignal => ({ channel: 'pageerror', text });

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

interface Case {
  name: string;
  signals: RawSignal[];
  reports: CspReport[];
  expected: ReportViolation[];
  keepPageNoise?: boolean;
}

const CASES: Case[] = [
  {
    name: 'chromium 156: data: image on console, event and report',
    signals: [
      consoleText(`Loading the image '${PNG}' violates the following Content Security Policy directive: "img-src 'self'". The action has been blocked.`),
      event('img-src', 'data'),
    ],
    reports: [report('img-src', 'data')],
    expected: [{ disposition: 'enforce', effectiveDirective: 'img-src', blockedURI: 'data', kind: 'url', signals: ['console', 'event', 'report'] }],
  },
  {
    name: 'chromium 156: the issue [3] page — data: image, external script, inline script, wss:',
    signals: [
      consoleText(`Loading the image '${PNG}' violates the following Content Security Policy directive: "img-src 'self'". The action has been blocked.`),
      consoleText(`Loading the script 'https://app-cdn.velaro.com/embed.js' violates the following Content Security Policy directive: "script-src 'nonce-egZnCwxblGjkiPJKVptTS0t6'". Note that 'script-src-elem' was not explicitly set, so 'script-src' is used as a fallback. The action has been blocked.`),
      consoleText(`Executing inline script violates the following Content Security Policy directive 'script-src 'nonce-HJ9zFsl52P/FX/kNut5ikMGG''. Either the 'unsafe-inline' keyword, a hash ('sha256-XM7Cpcc3JdllCTN0jqe20aMT816Xf/Zmtp0Xm2b06lc='), or a nonce ('nonce-...') is required to enable inline execution. The action has been blocked.`),
      consoleText(`Connecting to 'wss://chat.velaro.com/hub' violates the following Content Security Policy directive: "connect-src 'self'". The action has been blocked.`),
      consoleText('Failed to load resource: net::ERR_BLOCKED_BY_CLIENT'),
      event('img-src', 'data'),
      event('script-src-elem', 'https://app-cdn.velaro.com/embed.js'),
      event('script-src-elem', 'inline'),
      event('connect-src', 'wss://chat.velaro.com/hub'),
    ],
    reports: [report('script-src-elem', 'inline'), report('img-src', 'data'), report('script-src-elem', 'https://app-cdn.velaro.com/embed.js'), report('connect-src', 'wss://chat.velaro.com/hub')],
    expected: [
      { disposition: 'enforce', effectiveDirective: 'img-src', blockedURI: 'data', kind: 'url', signals: ['console', 'event', 'report'] },
      { disposition: 'enforce', effectiveDirective: 'script-src-elem', blockedURI: 'https://app-cdn.velaro.com/embed.js', kind: 'url', signals: ['console', 'event', 'report'] },
      { disposition: 'enforce', effectiveDirective: 'script-src-elem', blockedURI: 'inline', kind: 'inline', signals: ['console', 'event', 'report'] },
      { disposition: 'enforce', effectiveDirective: 'connect-src', blockedURI: 'wss://chat.velaro.com/hub', kind: 'url', signals: ['console', 'event', 'report'] },
    ],
  },
  {
    name: 'firefox-esr 153: pageerror with the data: URL cut short by an ellipsis',
    signals: [
      pageerror(`The page’s settings blocked the loading of a resource (img-src) at data:image/svg+xml;utf8,%3Csvg%20xmlns%3… because it violates the following directive: “img-src 'self'”`),
      event('img-src', 'data'),
    ],
    reports: [report('img-src', 'data')],
    expected: [{ disposition: 'enforce', effectiveDirective: 'img-src', blockedURI: 'data', kind: 'url', signals: ['pageerror', 'event', 'report'] }],
  },
  {
    name: 'firefox-esr 153: a frame — the message names the URL, event and report only its origin',
    signals: [
      pageerror(`The page’s settings blocked the loading of a resource (frame-src) at https://app-cdn.velaro.com/frame.html because it violates the following directive: “frame-src 'self'”`),
      event('frame-src', 'https://app-cdn.velaro.com'),
    ],
    reports: [report('frame-src', 'https://app-cdn.velaro.com')],
    expected: [{ disposition: 'enforce', effectiveDirective: 'frame-src', blockedURI: 'https://app-cdn.velaro.com', kind: 'url', signals: ['pageerror', 'event', 'report'] }],
  },
  {
    name: 'chromium 156: a frame — the message names the origin with a slash',
    signals: [consoleText(`Framing 'https://app-cdn.velaro.com/' violates the following Content Security Policy directive: "frame-src 'self'". The request has been blocked.\n`), event('frame-src', 'https://app-cdn.velaro.com')],
    reports: [report('frame-src', 'https://app-cdn.velaro.com')],
    expected: [{ disposition: 'enforce', effectiveDirective: 'frame-src', blockedURI: 'https://app-cdn.velaro.com', kind: 'url', signals: ['console', 'event', 'report'] }],
  },
  {
    name: 'firefox-esr 153: one font blocked twice stays two violations',
    signals: [
      pageerror('failed to start download (font-family: "x" style:normal weight:400 stretch:100 src index:0): content blocked source: https://app-cdn.velaro.com/f.woff2'),
      pageerror(`The page’s settings blocked the loading of a resource (font-src) at https://app-cdn.velaro.com/f.woff2 because it violates the following directive: “font-src 'self'”`),
      pageerror(`The page’s settings blocked the loading of a resource (font-src) at https://app-cdn.velaro.com/f.woff2 because it violates the following directive: “font-src 'self'”`),
      event('font-src', 'https://app-cdn.velaro.com/f.woff2'),
      event('font-src', 'https://app-cdn.velaro.com/f.woff2'),
    ],
    reports: [report('font-src', 'https://app-cdn.velaro.com/f.woff2'), report('font-src', 'https://app-cdn.velaro.com/f.woff2')],
    expected: [
      { disposition: 'enforce', effectiveDirective: 'font-src', blockedURI: 'https://app-cdn.velaro.com/f.woff2', kind: 'url', signals: ['pageerror', 'event', 'report'] },
      { disposition: 'enforce', effectiveDirective: 'font-src', blockedURI: 'https://app-cdn.velaro.com/f.woff2', kind: 'url', signals: ['pageerror', 'event', 'report'] },
    ],
  },
  {
    name: 'chromium 156: a style attribute (worded like a <style> element)',
    signals: [
      consoleText(`Applying inline style violates the following Content Security Policy directive 'style-src 'self''. Either the 'unsafe-inline' keyword, a hash ('sha256-8f935d27GvUutRyY9yWScUMiFUk4WTdZURISiYfPOeQ='), or a nonce ('nonce-...') is required to enable inline execution. Note that hashes do not apply to event handlers, style attributes and javascript: navigations unless the 'unsafe-hashes' keyword is present. The action has been blocked.`),
      event('style-src-attr', 'inline'),
    ],
    reports: [report('style-src-attr', 'inline')],
    expected: [{ disposition: 'enforce', effectiveDirective: 'style-src-attr', blockedURI: 'inline', kind: 'inline', signals: ['console', 'event', 'report'] }],
  },
  {
    name: 'chromium 156: eval reaches no console, only event and report',
    signals: [event('script-src', 'eval')],
    reports: [report('script-src', 'eval')],
    expected: [{ disposition: 'enforce', effectiveDirective: 'script-src', blockedURI: 'eval', kind: 'eval', signals: ['event', 'report'] }],
  },
  {
    name: 'chromium 156: report-only, logged as info',
    signals: [
      consoleText(`Loading the image '${PNG}' violates the following Content Security Policy directive: "img-src 'self'". The policy is report-only, so the violation has been logged but no further action has been taken.`),
      event('img-src', 'data', 'report'),
    ],
    reports: [report('img-src', 'data', 'report')],
    expected: [{ disposition: 'report', effectiveDirective: 'img-src', blockedURI: 'data', kind: 'url', signals: ['console', 'event', 'report'] }],
  },
  {
    name: 'the same image blocked by an enforced policy and reported by a report-only one: two violations',
    signals: [event('img-src', 'data'), event('img-src', 'data', 'report')],
    reports: [report('img-src', 'data', 'report'), report('img-src', 'data')],
    expected: [
      { disposition: 'enforce', effectiveDirective: 'img-src', blockedURI: 'data', kind: 'url', signals: ['event', 'report'] },
      { disposition: 'report', effectiveDirective: 'img-src', blockedURI: 'data', kind: 'url', signals: ['event', 'report'] },
    ],
  },
  {
    name: 'webkitgtk 2.50: reports only (no console, no preload listener)',
    signals: [],
    reports: [report('img-src', 'data'), report('script-src-elem', 'https://app-cdn.velaro.com/embed.js'), report('script-src-elem', 'inline'), report('connect-src', 'wss://chat.velaro.com/hub')],
    expected: [
      { disposition: 'enforce', effectiveDirective: 'img-src', blockedURI: 'data', kind: 'url', signals: ['report'] },
      { disposition: 'enforce', effectiveDirective: 'script-src-elem', blockedURI: 'https://app-cdn.velaro.com/embed.js', kind: 'url', signals: ['report'] },
      { disposition: 'enforce', effectiveDirective: 'script-src-elem', blockedURI: 'inline', kind: 'inline', signals: ['report'] },
      { disposition: 'enforce', effectiveDirective: 'connect-src', blockedURI: 'wss://chat.velaro.com/hub', kind: 'url', signals: ['report'] },
    ],
  },
  {
    name: "webkitgtk 2.50: a report-only violation — the report carries no disposition, the late listener's event does",
    signals: [event('img-src', 'data', 'report')],
    reports: [report('img-src', 'data')],
    expected: [{ disposition: 'report', effectiveDirective: 'img-src', blockedURI: 'data', kind: 'url', signals: ['event', 'report'] }],
  },
  {
    name: 'old firefox: a URL cut short joins the full one of the report; script-src names the fallback',
    signals: [consoleText('Content-Security-Policy: The page’s settings blocked the loading of a resource at https://app-cdn.velaro.com/very/long/pa… (“script-src”).')],
    reports: [report('script-src-elem', 'https://app-cdn.velaro.com/very/long/path/embed.js')],
    expected: [{ disposition: 'enforce', effectiveDirective: 'script-src-elem', blockedURI: 'https://app-cdn.velaro.com/very/long/path/embed.js', kind: 'url', signals: ['console', 'report'] }],
  },
  {
    name: "firefox-esr 153: the page's favicon under default-src 'none' is dropped",
    signals: [
      pageerror(`The page’s settings blocked the loading of a resource (img-src) at https://www.shop.test/favicon.ico because it violates the following directive: “default-src 'none'”`),
      event('img-src', 'https://www.shop.test/favicon.ico'),
    ],
    reports: [report('img-src', 'https://www.shop.test/favicon.ico')],
    expected: [],
  },
  {
    name: '… and kept when asked',
    keepPageNoise: true,
    signals: [event('img-src', 'https://www.shop.test/favicon.ico')],
    reports: [report('img-src', 'https://www.shop.test/favicon.ico')],
    expected: [{ disposition: 'enforce', effectiveDirective: 'img-src', blockedURI: 'https://www.shop.test/favicon.ico', kind: 'url', signals: ['event', 'report'] }],
  },
  {
    name: 'different URLs under one directive stay apart',
    signals: [event('img-src', 'https://a.velaro.com/1.png'), event('img-src', 'https://a.velaro.com/2.png')],
    reports: [report('img-src', 'https://a.velaro.com/2.png')],
    expected: [
      { disposition: 'enforce', effectiveDirective: 'img-src', blockedURI: 'https://a.velaro.com/1.png', kind: 'url', signals: ['event'] },
      { disposition: 'enforce', effectiveDirective: 'img-src', blockedURI: 'https://a.velaro.com/2.png', kind: 'url', signals: ['event', 'report'] },
    ],
  },
];

describe('mergeViolations', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(mergeViolations(c.signals, c.reports, { keepPageNoise: c.keepPageNoise, siteOrigins: ['https://www.shop.test', 'https://other.shop.test'] })).toEqual(c.expected);
  });
});
