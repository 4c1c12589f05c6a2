import { describe, expect, it } from 'vitest';
import { cleanMessage, coverageOf, failureMessage, missingChannels, type ChannelFacts } from './message.ts';
import type { CspViolation } from './types.ts';

const doc = (over: Partial<ChannelFacts['documents'][number]> = {}) => ({ url: 'http://127.0.0.1:4873/v.html', listener: true, reportUris: ['http://127.0.0.1:4873/csp-report'], reportTo: false, ...over });
const facts = (over: Partial<ChannelFacts> = {}): ChannelFacts => ({ documents: [doc()], reportsRead: 2, reportsUnreadable: 0, reportsOff: false, ...over });

describe('coverageOf', () => {
  it.each<[string, ChannelFacts, { event: boolean; report: boolean; note: RegExp }]>([
    ['every channel read', facts(), { event: true, report: true, note: /report-uri intercepted \(http:\/\/127\.0\.0\.1:4873\/csp-report\): 2 report\(s\) read/ }],
    ['Firefox over BiDi: report bodies unreadable', facts({ reportsRead: 0, reportsUnreadable: 2 }), { event: true, report: false, note: /2 report-uri report\(s\) could not be read/ }],
    ['no report-uri', facts({ documents: [doc({ reportUris: [] })] }), { event: true, report: false, note: /no report-uri: no reports/ }],
    ['report-to only', facts({ documents: [doc({ reportUris: [], reportTo: true })] }), { event: true, report: false, note: /only through report-to/ }],
    ["cspReports: 'off'", facts({ reportsOff: true }), { event: true, report: false, note: /cspReports: 'off'/ }],
    ['a document where the listener never ran', facts({ documents: [doc({ listener: false })] }), { event: false, report: true, note: /report-uri intercepted/ }],
  ])('%s', (_name, input, expected) => {
    const coverage = Object.fromEntries(coverageOf(input).map((c) => [c.signal, c]));
    expect(coverage.event!.collected).toBe(expected.event);
    expect(coverage.report!.collected).toBe(expected.report);
    expect(coverage.report!.note).toMatch(expected.note);
    expect(coverage.console!.collected && coverage.pageerror!.collected).toBe(true);
  });

  it('names the documents without a listener, and a missing channel is said (but not a policy without report-uri)', () => {
    const missing = missingChannels(coverageOf(facts({ documents: [doc({ listener: false, reportUris: [] })] })));
    expect(missing).toEqual(['event: no securitypolicyviolation listener ran in http://127.0.0.1:4873/v.html']);
  });
});

const IMG: CspViolation = {
  disposition: 'enforce',
  effectiveDirective: 'img-src',
  blockedURI: 'https://cdn.example.net/pixel.png',
  kind: 'url',
  signals: ['console', 'event', 'report'],
  documentURL: 'http://127.0.0.1:4873/v.html',
  fix: { directive: 'img-src', add: 'https://cdn.example.net', result: "img-src 'self' https://cdn.example.net", advice: 'add https://cdn.example.net to img-src' },
};
const TT: CspViolation = { ...IMG, effectiveDirective: 'require-trusted-types-for', blockedURI: 'trusted-types-sink', kind: 'trusted-types', signals: ['event'], fix: null, disposition: 'report' };

describe('failureMessage', () => {
  it('names each violation: directive, blocked URI, signals, fix; what was allowed; what was not read', () => {
    const message = failureMessage([IMG, TT], {
      pageURL: 'http://127.0.0.1:4873/v.html',
      browser: 'firefox',
      coverage: coverageOf(facts({ reportsRead: 0, reportsUnreadable: 1 })),
      allowed: 1,
      noPolicy: false,
    });
    expect(message).toBe(
      [
        'csp-harness: 2 CSP violations on http://127.0.0.1:4873/v.html in firefox:',
        '  1. img-src blocked https://cdn.example.net/pixel.png on http://127.0.0.1:4873/v.html (seen on: console, event, report)',
        "     fix: img-src 'self' https://cdn.example.net — add https://cdn.example.net to img-src",
        '  2. require-trusted-types-for reported (report-only) trusted-types-sink on http://127.0.0.1:4873/v.html (seen on: event)',
        '     fix: none in a source list (a Trusted Types policy is needed)',
        '(1 more allowed by the test)',
        "Not read: report: 1 report-uri report(s) could not be read: this browser's protocol gives no request body (Firefox over WebDriver BiDi); they went on to the endpoint",
      ].join('\n'),
    );
  });

  it('one violation is singular', () => {
    expect(failureMessage([IMG], { pageURL: 'u', browser: null, coverage: coverageOf(facts()), allowed: 0, noPolicy: false }).split('\n')[0]).toBe('csp-harness: 1 CSP violation on u:');
  });
});

describe('cleanMessage', () => {
  it('says which channels were read, and when there was no policy at all', () => {
    const message = cleanMessage({ pageURL: 'u', browser: 'chromium', coverage: coverageOf(facts({ documents: [] })), allowed: 0, noPolicy: true });
    expect(message).toContain('csp-harness: no CSP violation on u in chromium (0 allowed by the test); channels read: console, pageerror, event');
    expect(message).toContain('No Content-Security-Policy was seen on any document');
  });
});
