import { describe, expect, it } from 'vitest';
import { siteContext } from '../site/context.ts';
import { preparePolicy, renderPage } from './page.ts';

describe('preparePolicy', () => {
  it.each([
    ['adds the harness report-uri', "img-src 'self'", "img-src 'self'; report-uri R", []],
    ['drops the user report-uri and report-to, keeping them as data', "img-src 'self'; report-uri /csp; report-to main", "img-src 'self'; report-uri R", ['report-uri /csp', 'report-to main']],
    ['case-insensitive directive names', "REPORT-TO x; img-src *", 'img-src *; report-uri R', ['REPORT-TO x']],
    ['each comma-separated policy gets its own report-uri', "img-src 'self', script-src 'none'", "img-src 'self'; report-uri R, script-src 'none'; report-uri R", []],
    ['fills the nonce placeholder', "script-src 'nonce-{{nonce}}' 'strict-dynamic'", "script-src 'nonce-N0NCE' 'strict-dynamic'; report-uri R", []],
    ['keeps malformed tokens as the user wrote them', 'connect-src https://.velaro.com;', 'connect-src https://.velaro.com; report-uri R', []],
  ])('%s', (_name, input, served, userReporting) => {
    expect(preparePolicy(input, 'N0NCE', 'R')).toEqual({ value: served, userReporting });
  });
});

describe('renderPage', () => {
  it.each([
    ['header', 'content-security-policy', false, ''],
    ['report-only', 'content-security-policy-report-only', false, '&d=report'],
    ['meta', null, true, ''],
    ['header+meta', 'content-security-policy', true, ''],
  ] as const)('delivery %s', (delivery, header, meta, endpoint) => {
    const page = renderPage({ id: 'c', policies: [{ value: "img-src 'self'", delivery }], body: '<p nonce="{{nonce}}">' }, siteContext(), 'ABC');
    if (header) expect(page.headers[header]).toEqual([`img-src 'self'; report-uri https://reports.csp-harness.test/csp?cell=c${endpoint}`]);
    expect(page.body.includes('http-equiv="Content-Security-Policy" content="img-src \'self\'"')).toBe(meta);
    expect(page.body).toContain('<p nonce="ABC">');
  });
});
