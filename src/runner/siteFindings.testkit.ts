// Builders for the siteFindings tests: a site's logged answers, a page cell's evidence, the findings input.
import type { FindingKind, ReportFinding } from '../reporters/model.ts';
import type { SiteExchange } from '../server/siteUpstream.ts';
import type { ReportViolation } from '../shared/vocabulary.ts';
import type { FindingsInput, PageEvidence } from './siteFindings.ts';

export const ORIGIN = 'https://www.shop.test';
export const HARNESS_URI = 'https://reports.csp-harness.test/csp?cell=c';

export type ExchangeInit = Partial<Omit<SiteExchange, 'policies' | 'served'>> & { policies?: Partial<SiteExchange['policies']>; served?: Partial<SiteExchange['served']> };

/** A browser's navigation to a page of the site: HTML, 200, no policy, unless told otherwise. */
export function exchange(init: ExchangeInit = {}): SiteExchange {
  const { policies, served, ...rest } = init;
  return {
    cellId: null,
    by: 'browser',
    method: 'GET',
    url: `${ORIGIN}/`,
    status: 200,
    dest: 'document',
    html: true,
    reportingHeaders: [],
    nonces: [],
    elements: [],
    links: [],
    location: null,
    at: 0,
    ...rest,
    policies: { enforce: [], reportOnly: [], meta: [], ...policies },
    served: { enforce: [], reportOnly: [], meta: [], ...served },
  };
}

/** A document answer that has an enforced policy (so no policy-shape finding comes of it). */
export function doc(page: string, init: ExchangeInit = {}): SiteExchange {
  return exchange({ url: `${ORIGIN}${page}`, policies: { enforce: ["default-src 'self'"] }, served: { enforce: [`default-src 'self'; report-uri ${HARNESS_URI}`] }, ...init });
}

export function evidence(init: Partial<PageEvidence> = {}): PageEvidence {
  return { page: '/', browser: 'chromium', violations: [], refused: [], redirectedTo: null, ...init };
}

export function violation(effectiveDirective: string, blockedURI: string, kind: ReportViolation['kind'], disposition: ReportViolation['disposition'] = 'enforce'): ReportViolation {
  return { disposition, effectiveDirective, blockedURI, kind, signals: [] };
}

export function input(init: Partial<FindingsInput>): FindingsInput {
  return { origin: ORIGIN, exchanges: [], pages: ['/'], evidence: [], vendorHost: () => false, ...init };
}

export function ofKind(findings: ReportFinding[], kind: FindingKind): ReportFinding[] {
  return findings.filter((f) => f.kind === kind);
}
