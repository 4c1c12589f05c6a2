// The site's pages: one per cell, carrying the candidate policies and a fresh nonce.
import { REPORTING_DIRECTIVES } from '../policy/directives.ts';
import type { DeliveryId } from '../shared/vocabulary.ts';
import { fillPlaceholders, freshNonce } from '../site/placeholders.ts';
import type { SiteContext } from '../site/context.ts';

export interface ServedPolicy {
  value: string;
  delivery: DeliveryId;
}

export interface PageSpec {
  /** The cell's id: it names the page and tags its reports. */
  id: string;
  policies: ServedPolicy[];
  title?: string;
  /** Extra HTML for <head>, after the policy's <meta>. Its placeholders are filled per response. */
  head?: string;
  /** HTML of <body>. Its placeholders are filled per response. */
  body: string;
  /** Same-origin files of this cell (the `embed=self` form), by path below the page. */
  files?: Record<string, { contentType: string; body: string }>;
}

export interface PreparedPolicy {
  /** What is served. */
  value: string;
  /** The user's own reporting directives, kept as data (never served: see decisions/0002). */
  userReporting: string[];
}

/**
 * Replaces the candidate's `report-to` / `report-uri` by the harness's own `report-uri` and fills
 * the nonce placeholder, leaving every other character of the policy as the user wrote it. Reporting
 * directives never change enforcement; a served `report-to` would make Chromium and Firefox drop
 * `report-uri` reports.
 */
export function preparePolicy(value: string, nonce: string, reportTo: string | null): PreparedPolicy {
  const userReporting: string[] = [];
  const policies = value.split(',').map((policy) => {
    const kept = policy.split(';').filter((directive) => {
      const name = directive.trim().split(/[\t\n\f\r ]+/)[0]?.toLowerCase() ?? '';
      if (REPORTING_DIRECTIVES.has(name)) {
        userReporting.push(directive.trim());
        return false;
      }
      return true;
    });
    const text = kept.map((d) => d.trim()).filter((d) => d !== '').join('; ');
    return reportTo ? `${text}; report-uri ${reportTo}` : text;
  });
  return { value: fillPlaceholders(policies.join(', '), { nonce }), userReporting };
}

function escapeAttribute(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
}

export interface RenderedPage {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  nonce: string;
  userReporting: string[];
}

export function renderPage(spec: PageSpec, site: SiteContext, nonce = freshNonce()): RenderedPage {
  const headers: Record<string, string | string[]> = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
  const metas: string[] = [];
  const userReporting: string[] = [];
  const enforceHeaders: string[] = [];
  const reportHeaders: string[] = [];
  for (const policy of spec.policies) {
    const served = preparePolicy(policy.value, nonce, site.reportUri(spec.id, policy.delivery === 'report-only' ? 'report' : 'enforce'));
    userReporting.push(...served.userReporting);
    if (policy.delivery === 'header' || policy.delivery === 'header+meta') enforceHeaders.push(served.value);
    if (policy.delivery === 'report-only') reportHeaders.push(served.value);
    if (policy.delivery === 'meta' || policy.delivery === 'header+meta') {
      // report-uri is ignored in <meta>: serve it without, so engines do not warn about it.
      metas.push(preparePolicy(policy.value, nonce, null).value);
    }
  }
  if (enforceHeaders.length > 0) headers['content-security-policy'] = enforceHeaders;
  if (reportHeaders.length > 0) headers['content-security-policy-report-only'] = reportHeaders;
  const fill = (html: string) => fillPlaceholders(html, { nonce, origin: site.origin });
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${metas.map((m) => `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(m)}">`).join('\n')}
<title>${escapeAttribute(spec.title ?? spec.id)}</title>
${fill(spec.head ?? '')}
</head>
<body>
${fill(spec.body)}
</body>
</html>
`;
  return { status: 200, headers, body, nonce, userReporting };
}
