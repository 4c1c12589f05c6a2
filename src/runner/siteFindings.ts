// What run --site finds about the user's pages (cli.md, "findings"): properties of the site's server
// and policies that no single cell shows — a nonce served twice, the site's own tags without the
// nonce, hosts no vendor answers, policies that enforce nothing or report nowhere. Pure: it reads the
// site server's logged answers and the page cells' evidence.
import { hostOf } from '../shared/urlPattern.ts';
import type { FindingKind, ReportFinding } from '../reporters/model.ts';
import type { SiteExchange } from '../server/siteUpstream.ts';
import type { BrowserId, ReportViolation } from '../shared/vocabulary.ts';

/** One page load in one browser, as the site runner judged it. */
export interface PageEvidence {
  page: string;
  browser: BrowserId;
  violations: readonly ReportViolation[];
  /** Requests the proxy refused while the page loaded: no vendor answers their host. */
  refused: readonly { host: string; url: string; dest?: string | null }[];
  /** Where the page's document redirected to, when that was another origin. */
  redirectedTo: string | null;
}

export interface FindingsInput {
  /** The browsers' origin for the site (the pages' URLs are on it). */
  origin: string;
  /** Every answer of the site's server (harness fetches and browsers' requests). */
  exchanges: readonly SiteExchange[];
  pages: readonly string[];
  evidence: readonly PageEvidence[];
  /** Whether a host is answered by a vendor of the catalog (bundled or --vendor-dir). */
  vendorHost: (host: string) => boolean;
}

/** The directive that governs a request fetched as `Sec-Fetch-Dest` says (CSP3's effective directive, as people edit it). */
export function directiveForDest(dest: string | null | undefined): string | null {
  switch (dest) {
    case 'script':
    case 'serviceworker':
    case 'sharedworker':
    case 'worker':
      return dest === 'script' ? 'script-src' : 'worker-src';
    case 'style':
      return 'style-src';
    case 'image':
      return 'img-src';
    case 'font':
      return 'font-src';
    case 'audio':
    case 'video':
    case 'track':
      return 'media-src';
    case 'iframe':
    case 'frame':
      return 'frame-src';
    case 'object':
    case 'embed':
      return 'object-src';
    case 'manifest':
      return 'manifest-src';
    case 'empty':
    case 'websocket':
      return 'connect-src';
    default:
      return null;
  }
}

function sourceOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The page of an exchange: its path and query on the origin, or null when it is not on it. */
function pageOf(exchange: SiteExchange, origin: string): string | null {
  try {
    const url = new URL(exchange.url);
    return url.origin === origin ? url.pathname + url.search : null;
  } catch {
    return null;
  }
}

/** The site's answers for a page's document (the harness's fetch and the browsers' navigations), in order. */
export function documentExchanges(exchanges: readonly SiteExchange[], origin: string, page: string): SiteExchange[] {
  return exchanges.filter((e) => e.method === 'GET' && pageOf(e, origin) === page && (e.by === 'harness' || e.dest === 'document' || e.dest === null) && e.status > 0);
}

const short = (nonce: string) => (nonce.length > 12 ? `${nonce.slice(0, 10)}…` : nonce);

function staticNonces(input: FindingsInput): ReportFinding[] {
  const htmlAnswers = input.exchanges.filter((e) => e.html && e.status > 0);
  const by = new Map<string, SiteExchange[]>();
  for (const e of htmlAnswers) for (const n of e.nonces) by.set(n, [...(by.get(n) ?? []), e]);
  const findings: ReportFinding[] = [];
  const reported = new Set<string>();
  for (const [nonce, answers] of by) {
    if (answers.length < 2) continue;
    const pages = [...new Set(answers.map((a) => pageOf(a, input.origin) ?? a.url))];
    for (const page of pages) {
      const key = `${page}\n${nonce}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const count = answers.filter((a) => (pageOf(a, input.origin) ?? a.url) === page).length;
      const elsewhere = pages.filter((p) => p !== page);
      findings.push({
        page,
        kind: 'static-nonce',
        severity: 'error',
        detail: `the nonce "${short(nonce)}" was served on ${answers.length} responses (${count} of ${page}${elsewhere.length ? `, and ${elsewhere.join(', ')}` : ''}): a nonce must be new for every response, or a script injected once can reuse it. Generate it per response and do not cache pages that carry it.`,
      });
    }
  }
  return findings;
}

/** Whether the policies allow scripts (or styles) by nonce: in `-src-elem`, else `-src`, else `default-src` (names are case-insensitive). */
function noncedPolicy(policies: readonly string[], kind: 'script' | 'style'): boolean {
  return policies.some((p) => {
    const directives = new Map<string, string[]>();
    for (const d of p.split(';')) {
      const [name, ...sources] = d.trim().split(/\s+/);
      if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
    }
    const governing = directives.get(`${kind}-src-elem`) ?? directives.get(`${kind}-src`) ?? directives.get('default-src') ?? [];
    return governing.some((s) => /^'nonce-/i.test(s));
  });
}

function nonceMissing(input: FindingsInput): ReportFinding[] {
  const findings: ReportFinding[] = [];
  for (const page of input.pages) {
    const docs = documentExchanges(input.exchanges, input.origin, page).filter((e) => e.html);
    const doc = docs.find((e) => e.by === 'browser') ?? docs[0];
    if (!doc?.elements) continue;
    const served = [...doc.served.enforce, ...doc.served.meta];
    const pageUrl = `${input.origin}${page}`;
    for (const kind of ['script', 'style'] as const) {
      if (!noncedPolicy(served, kind)) continue;
      const bare = doc.elements.filter((el) => (kind === 'script' ? el.tag === 'script' : el.tag !== 'script') && el.nonce === null);
      if (bare.length === 0) continue;
      const blockedIn = new Map<string, Set<BrowserId>>();
      for (const ev of input.evidence.filter((x) => x.page === page)) {
        for (const v of ev.violations) {
          // An event handler or style attribute (`-attr`) is not one of the page's <script>/<style> tags.
          if (v.disposition !== 'enforce' || !v.effectiveDirective.startsWith(`${kind}-src`) || v.effectiveDirective.endsWith('-attr')) continue;
          for (const el of bare) {
            const url = el.url === null ? null : URL.canParse(el.url, pageUrl) ? new URL(el.url, pageUrl).href : el.url;
            const hit = url === null ? v.kind === 'inline' : v.blockedURI === url || v.blockedURI === sourceOf(url);
            if (!hit) continue;
            const key = `${el.tag}\n${el.url ?? ''}\n${el.line}`;
            blockedIn.set(key, (blockedIn.get(key) ?? new Set()).add(ev.browser));
          }
        }
      }
      for (const el of bare) {
        const browsers = blockedIn.get(`${el.tag}\n${el.url ?? ''}\n${el.line}`);
        if (!browsers) continue;
        const what = el.url === null ? `the inline <${el.tag}>` : `<${el.tag} ${el.tag === 'link' ? 'href' : 'src'}="${el.url}">`;
        findings.push({
          page,
          kind: 'nonce-missing',
          severity: 'error',
          detail: `${what} at line ${el.line} has no nonce attribute, and the policy allows ${kind}s by nonce: it was blocked (${kind}-src). Put the response's nonce on it (nonce="…").`,
          directive: `${kind}-src`,
          browsers: [...browsers].sort(),
        });
      }
    }
  }
  return findings;
}

function unknownThirdParties(input: FindingsInput): ReportFinding[] {
  const findings: ReportFinding[] = [];
  const siteHost = hostOf(input.origin);
  for (const page of input.pages) {
    const hosts = new Map<string, { url: string; directive: string | null; how: 'refused' | 'blocked'; browsers: Set<BrowserId> }>();
    for (const ev of input.evidence.filter((x) => x.page === page)) {
      // A redirect's target is a navigation, not a third party of the page (cross-origin-redirect says it).
      const redirectHost = ev.redirectedTo ? hostOf(ev.redirectedTo) : null;
      for (const r of ev.refused) {
        if (r.host === redirectHost) continue;
        const known = hosts.get(r.host);
        const directive = directiveForDest(r.dest) ?? known?.directive ?? null;
        hosts.set(r.host, { url: known?.url ?? r.url, directive, how: 'refused', browsers: (known?.browsers ?? new Set()).add(ev.browser) });
      }
      for (const v of ev.violations) {
        const host = v.kind === 'url' ? hostOf(v.blockedURI) : null;
        if (!host || host === siteHost || input.vendorHost(host) || hosts.get(host)?.how === 'refused') continue;
        const known = hosts.get(host);
        hosts.set(host, { url: known?.url ?? v.blockedURI, directive: v.effectiveDirective.replace(/-(elem|attr)$/, ''), how: 'blocked', browsers: (known?.browsers ?? new Set()).add(ev.browser) });
      }
    }
    for (const [host, seen] of hosts) {
      const directive = seen.directive ?? 'default-src';
      const detail =
        seen.how === 'refused'
          ? `${seen.url}: no bundled vendor or --vendor-dir folder answers ${host}, so the harness refused it (nothing left this machine). If it belongs on the page, it needs ${directive} ${sourceOf(seen.url)}; record it as a vendor (csp-harness record) to test it.`
          : `${seen.url}: no bundled vendor or --vendor-dir folder answers ${host}, and the policy blocked it (${directive}) before it was sent. If it belongs on the page, allow ${sourceOf(seen.url)} in ${directive} and record it as a vendor (csp-harness record).`;
      findings.push({ page, kind: 'unknown-third-party', severity: 'warning', detail, host, directive, browsers: [...seen.browsers].sort() });
    }
  }
  return findings;
}

function policyShape(input: FindingsInput): ReportFinding[] {
  const findings: ReportFinding[] = [];
  const add = (page: string, kind: FindingKind, detail: string) => findings.push({ page, kind, severity: 'warning', detail });
  for (const page of input.pages) {
    const doc = documentExchanges(input.exchanges, input.origin, page).find((e) => e.html && e.status >= 200 && e.status < 300);
    if (!doc) continue;
    const { enforce, reportOnly, meta } = doc.policies;
    if (enforce.length === 0 && reportOnly.length === 0 && meta.length === 0) {
      add(page, 'no-policy', `${page} was served with no Content-Security-Policy at all (no header, no <meta>): nothing is restricted and nothing is reported. Send one as a response header.`);
      continue;
    }
    if (enforce.length === 0 && meta.length === 0) {
      add(page, 'report-only-only', `${page} has only Content-Security-Policy-Report-Only: violations are reported but nothing is blocked. Once the reports are clean, send the policy as Content-Security-Policy.`);
    }
    if (enforce.length === 0 && meta.length > 0) {
      const reporting = meta.some((m) => /(^|;)\s*report-(uri|to)\b/i.test(m));
      add(
        page,
        'meta-only-reporting',
        `${page} sets its policy only in a <meta> tag, where ${reporting ? 'its report-uri/report-to are ignored' : 'report-uri and report-to do not work'}: violations in production are never reported (and frame-ancestors and sandbox do not apply). Send the policy as a response header.`,
      );
    }
    const groups = [...enforce, ...reportOnly].flatMap((p) => [...p.matchAll(/(?:^|;)\s*report-to\s+([^\s;,]+)/gi)].map((m) => m[1]!));
    if (groups.length > 0 && doc.reportingHeaders.length === 0) {
      add(page, 'report-to-without-endpoint', `${page}'s policy reports to "${groups[0]}", but the response has no Reporting-Endpoints (or Report-To) header naming it: browsers send those reports nowhere. Add Reporting-Endpoints: ${groups[0]}="https://…".`);
    }
  }
  return findings;
}

function redirects(input: FindingsInput): ReportFinding[] {
  const seen = new Set<string>();
  const findings: ReportFinding[] = [];
  for (const ev of input.evidence) {
    if (!ev.redirectedTo || seen.has(ev.page)) continue;
    seen.add(ev.page);
    findings.push({
      page: ev.page,
      kind: 'cross-origin-redirect',
      severity: 'warning',
      detail: `${ev.page} redirected to ${ev.redirectedTo}, another origin: the browsers followed it, and what they found there is not your site (its cells are judged on it all the same).`,
      ...(hostOf(ev.redirectedTo) ? { host: hostOf(ev.redirectedTo)! } : {}),
    });
  }
  return findings;
}

const ORDER: Record<FindingKind, number> = {
  'static-nonce': 0,
  'nonce-missing': 1,
  'unknown-third-party': 2,
  'no-policy': 3,
  'report-only-only': 4,
  'meta-only-reporting': 5,
  'report-to-without-endpoint': 6,
  'cross-origin-redirect': 7,
};

/** Every finding, by page in the run's page order, then by kind. */
export function siteFindings(input: FindingsInput): ReportFinding[] {
  const all = [...staticNonces(input), ...nonceMissing(input), ...unknownThirdParties(input), ...policyShape(input), ...redirects(input)];
  const pageIndex = (p: string) => {
    const i = input.pages.indexOf(p);
    return i === -1 ? input.pages.length : i;
  };
  return all.sort((a, b) => pageIndex(a.page) - pageIndex(b.page) || ORDER[a.kind] - ORDER[b.kind]);
}
