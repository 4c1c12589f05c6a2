// The one report model (cli.md's report.json, schemaVersion 1). Reporters are pure functions of it.

import type { BrowserId, CellStatus, Expectation, Outcome, ReportPolicy, ReportViolation } from '../shared/vocabulary.ts';

export { BROWSERS, DELIVERIES } from '../shared/vocabulary.ts';
export type { BrowserId, CellStatus, DeliveryId, Disposition, Expectation, Outcome, ReportPolicy, ReportViolation, Signal, ViolationKind } from '../shared/vocabulary.ts';

export interface OracleVerdict {
  allowed: boolean;
  /** The directive that decided, or null when nothing restricts the request. */
  decidedBy: string | null;
  explanation?: string;
  /** The smallest change that would allow it, when blocked. */
  fix?: string | null;
}

export interface ReportCell {
  /** Stable id: vendor/feature/params/browser[/policy n]; tags reports and names screenshots. */
  id: string;
  vendor: string;
  feature: string;
  params: Record<string, string>;
  browser: BrowserId;
  browserVersion: string;
  status: CellStatus;
  expected: Expectation | null;
  outcome: Outcome | null;
  violations: ReportViolation[];
  probe: { ok: boolean; detail: string } | null;
  oracle: OracleVerdict | null;
  unexpectedHosts: string[];
  /** Relative to the report's directory. */
  screenshot: string | null;
  durationMs: number;
  /** Additions to the contract (allowed: the contract may grow). */
  scenario?: string | null;
  /** Index into `policies` (or into the scenario's policies). */
  policyIndex?: number;
  /** Why a cell is `error` or `skipped` (e.g. the command that installs a missing engine). */
  error?: string | null;
  /** For an `error` cell: the failure's stable code (`CSPH_CELL_TIMEOUT`, `CSPH_ENGINE_LAUNCH`, …). */
  errorCode?: string;
  /**
   * Violations on the cell's page that are not its feature's (vendor-format.md, "One page, several
   * features"): listed, failing nothing. Only cells judged by observation have them.
   */
  otherViolations?: ReportViolation[];
  /** URLs the cell asked of a replayed vendor host that its recording does not hold (vendor-format.md). */
  unrecordedRequests?: string[];
  /** 2 when the first attempt hit an infrastructure error and the cell ran again in a fresh browser. */
  attempts?: number;
  /** What the expectation named, for failing expectations: directive and blocked URI. */
  expectedViolation?: { effectiveDirective: string; blockedURI?: string } | null;
  /** The smallest policy change that would let this cell pass, from the policy model. */
  fix?: string | null;
  /** `run --site`: the page of the user's site this cell loaded (path and query, `/checkout`). */
  page?: string;
}

/** What `run --site` found about a page of the user's site (cli.md, `findings`). */
export type FindingKind =
  | 'static-nonce'
  | 'nonce-missing'
  | 'unknown-third-party'
  | 'no-policy'
  | 'report-only-only'
  | 'meta-only-reporting'
  | 'cross-origin-redirect'
  | 'report-to-without-endpoint';

export interface ReportFinding {
  /** The page (path) it was found on. */
  page: string;
  kind: FindingKind;
  severity: 'error' | 'warning';
  /** One sentence for people: what was seen, and what to do. */
  detail: string;
  /** `unknown-third-party`: the host no vendor answers. */
  host?: string;
  /** The directive concerned: for `unknown-third-party`, the one that governs the request (`img-src`). */
  directive?: string;
  /** Browsers it was seen in, where it depends on a browser (`nonce-missing`, `unknown-third-party`). */
  browsers?: BrowserId[];
}

/** One page of the user's site as the site server answered it (`run --site`). */
export interface ReportSitePage {
  path: string;
  /** Every answer the site server gave for this page's document, in order (the harness's own fetch first). */
  statuses: number[];
  /** Requests the site server answered while this page's cells loaded (its document, scripts, styles, …). */
  requests: number;
  /** Where the page redirected to, when it did. */
  redirectedTo?: string;
}

/** `run --site`: which server was tested, under which origin, and proof that it was really hit. */
export interface ReportSite {
  /** The user's server as given (`--site`). */
  url: string;
  /** The origin the browsers saw (`--origin`). */
  origin: string;
  /** Whether the site's own policies were used (`site`), or a candidate replaced them (`candidate`). */
  policy: 'site' | 'candidate';
  /** Requests the site server answered in the whole run (the harness's own fetches included). */
  requests: number;
  pages: ReportSitePage[];
}

export interface ReportSummary {
  pass: number;
  fail: number;
  error: number;
  skipped: number;
  unexpected: number;
}

export interface ReportBrowser {
  id: BrowserId;
  version: string | null;
  source: 'playwright' | 'system' | null;
  status: 'ok' | 'missing';
  /** For a missing engine: the command that installs it. */
  install?: string;
  /**
   * Addition (issue [12]): the engine ran elsewhere — a Playwright browser server (`connect`, `--connect`)
   * or a WebDriver endpoint (`webdriver`, `--webdriver`); `source` is then null. `endpoint` is shown without
   * credentials, and a browser server's secret path as `/…`.
   */
  remote?: { via: 'connect' | 'webdriver'; endpoint: string };
}

/** A scenario the run loaded (scenario mode): what a reader needs to see which seed row a cell reproduces. */
export interface ReportScenario {
  id: string;
  title: string;
  kind?: 'documented' | 'troubleshooting' | 'edge-case';
  /** Where the seed documents it: `002_….txt:45`. */
  seedRef?: string;
  /** The scenario file, as the run named it. */
  file: string;
}

/** `report.run.baseline`: what `run --baseline` found, by cell id (an addition to the contract). */
export interface ReportBaseline {
  path: string;
  regressions: string[];
  fixed: string[];
  added: string[];
}

export interface Report {
  schemaVersion: 1;
  policies: ReportPolicy[];
  /** Additions: the scenarios of a scenario-mode run (absent in policy mode). */
  scenarios?: ReportScenario[];
  cells: ReportCell[];
  summary: ReportSummary;
  /** Additions (`run --site`): the user's site, and what was found on its pages. */
  site?: ReportSite;
  findings?: ReportFinding[];
  /** Additions: run facts. */
  run?: {
    startedAt: string;
    durationMs: number;
    browsers: ReportBrowser[];
    shard: { index: number; total: number } | null;
    /** Regressions against a baseline, by cell id (present only when a baseline was given). */
    regressions?: string[];
    /**
     * Addition (issue [13]): the whole comparison with `--baseline`, by cell id (present only when a
     * baseline was compared): `regressions` passed in the baseline and fail or error now (the same
     * ids as `regressions` above), `fixed` failed there and pass now, `added` are not in it at all.
     * `path` is the baseline report.json as the run was given it.
     */
    baseline?: ReportBaseline;
  };
}

export function summarize(cells: readonly ReportCell[]): ReportSummary {
  const summary: ReportSummary = { pass: 0, fail: 0, error: 0, skipped: 0, unexpected: 0 };
  for (const cell of cells) {
    summary[cell.status] += 1;
    if (cell.outcome === 'unexpected') summary.unexpected += 1;
  }
  return summary;
}
