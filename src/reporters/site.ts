// `run --site`: the sentences every reporter says about the user's site and its findings. Pure.
import type { Report, ReportFinding, ReportSite, ReportSitePage } from './model.ts';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * `site http://127.0.0.1:3000 (seen as https://www.shop.test): 9 pages, 41 requests answered by the
 * site server — the site's own policies`: which server was tested, and proof it was really hit.
 */
export function siteLine(site: ReportSite): string {
  const policy = site.policy === 'candidate' ? "a candidate policy in place of the site's own" : "the site's own policies";
  return `site ${site.url} (seen as ${site.origin}): ${plural(site.pages.length, 'page')}, ${plural(site.requests, 'request')} answered by the site server — ${policy}`;
}

/** `200, 200` and `→ /login` when it redirected: what the site server answered for one page's document. */
export function pageAnswers(page: ReportSitePage): string {
  const statuses = page.statuses.length > 0 ? page.statuses.join(', ') : 'never answered';
  return page.redirectedTo ? `${statuses} → ${page.redirectedTo}` : statuses;
}

/** `error` before `warning`; the report's order otherwise. */
const SEVERITY_ORDER = { error: 0, warning: 1 } as const;

export interface PageFindings {
  page: string;
  findings: ReportFinding[];
}

/**
 * The findings grouped by page: pages in the site's order (then any other page in first-seen order),
 * errors before warnings within a page. Empty when the report has none.
 */
export function findingsByPage(report: Pick<Report, 'findings' | 'site'>): PageFindings[] {
  const groups = new Map<string, ReportFinding[]>();
  for (const page of report.site?.pages ?? []) groups.set(page.path, []);
  for (const finding of report.findings ?? []) {
    const list = groups.get(finding.page);
    if (list) list.push(finding);
    else groups.set(finding.page, [finding]);
  }
  return [...groups]
    .filter(([, findings]) => findings.length > 0)
    .map(([page, findings]) => ({
      page,
      // Array.prototype.sort is stable: equal severities keep the report's order.
      findings: [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]),
    }));
}

/** `2 errors, 1 warning`. */
export function findingCounts(findings: readonly ReportFinding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return `${plural(errors, 'error')}, ${plural(findings.length - errors, 'warning')}`;
}

/** The browsers a finding was seen in, `in chromium, webkit`, or '' when it does not depend on one. */
export function findingBrowsers(finding: ReportFinding): string {
  return finding.browsers && finding.browsers.length > 0 ? `in ${finding.browsers.join(', ')}` : '';
}
