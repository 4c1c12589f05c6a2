// Builders for the siteUpstream tests: the rewrite context, a raw answer of the user's server, header values.
import type { ServedPolicy } from './page.ts';
import type { RawSiteResponse, RewriteContext } from './siteUpstream.ts';

export const TARGET = new URL('http://localhost:3000');
export const ORIGIN = 'https://www.shop.test';
export const ENFORCE_URI = 'https://reports.csp-harness.test/csp?cell=c';
export const REPORT_URI = 'https://reports.csp-harness.test/csp?cell=c&d=report';

export function ctx(candidate: readonly ServedPolicy[] | null = null): RewriteContext {
  return {
    target: TARGET,
    origin: ORIGIN,
    candidate,
    reportUri: (d) => 'https://reports.csp-harness.test/csp?cell=c' + (d === 'report' ? '&d=report' : ''),
    nonce: () => 'FRESH',
  };
}

export function raw(headers: [string, string][], body = '', options: { status?: number; statusText?: string; encoded?: boolean } = {}): RawSiteResponse {
  return { status: options.status ?? 200, statusText: options.statusText ?? 'OK', headers, body: Buffer.from(body, 'utf8'), encoded: options.encoded ?? false };
}

export const HTML: [string, string] = ['Content-Type', 'text/html; charset=utf-8'];
export const JS: [string, string] = ['Content-Type', 'application/javascript'];

/** The header's values as a list (absent: []). */
export function values(headers: Record<string, string | string[]>, name: string): string[] {
  const v = headers[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
