// The site context: the one place that knows the site's origin (a run parameter), the URLs of its
// pages and files, and the harness's own report endpoint. Everything else asks it.

/** The site every bundled scenario is written for, unless a run names another origin. */
export const DEFAULT_SITE_ORIGIN = 'https://www.shop.test';
/** The harness's own report collector: never a real host. */
export const REPORT_HOST = 'reports.csp-harness.test';

export interface SiteContext {
  /** Where the cells' pages are served, e.g. DEFAULT_SITE_ORIGIN. */
  readonly origin: string;
  /** A second origin of the same site (a cross-origin page of one's own): `other.` in place of the first label. */
  readonly secondOrigin: string;
  /** The host name of `origin`. */
  readonly host: string;
  /** The page of one cell. */
  pageUrl(cellId: string): string;
  /** A same-origin file served beside a cell's page (the `embed=self` form). */
  fileUrl(cellId: string, file: string): string;
  /** The cell and the rest of the path of a URL path on the site, or null when it is no cell's. */
  cellOfPath(pathname: string): { cellId: string; rest: string } | null;
  /** Whether a URL's origin is one of the site's. */
  isSiteOrigin(origin: string): boolean;
  /**
   * The harness's report-uri for a cell. Report-only policies report to `&d=report`: WebKit's reports
   * carry no `disposition`, so the endpoint a report reached says which kind of policy sent it.
   */
  reportUri(cellId: string, disposition?: 'enforce' | 'report'): string;
}

function secondOriginOf(url: URL): string {
  const labels = url.hostname.split('.');
  const host = labels.length > 2 ? ['other', ...labels.slice(1)].join('.') : `other.${url.hostname}`;
  return `${url.protocol}//${host}${url.port ? `:${url.port}` : ''}`;
}

/** The site context of a run. Throws on an origin that is not an absolute http(s) URL. */
export function siteContext(origin: string = DEFAULT_SITE_ORIGIN): SiteContext {
  const url = new URL(origin);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`the site origin must be http(s); got "${origin}"`);
  const base = url.origin;
  const second = secondOriginOf(url);
  return {
    origin: base,
    secondOrigin: second,
    host: url.hostname,
    pageUrl: (cellId) => `${base}/cells/${encodeURIComponent(cellId)}/`,
    fileUrl: (cellId, file) => `${base}/cells/${encodeURIComponent(cellId)}/${file}`,
    cellOfPath(pathname) {
      const match = /^\/cells\/([^/]+)\/(.*)$/.exec(pathname);
      return match ? { cellId: decodeURIComponent(match[1]!), rest: match[2]! } : null;
    },
    isSiteOrigin: (o) => o === base || o === second,
    reportUri: (cellId, disposition = 'enforce') => `https://${REPORT_HOST}/csp?cell=${encodeURIComponent(cellId)}${disposition === 'report' ? '&d=report' : ''}`,
  };
}
