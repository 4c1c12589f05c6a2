// report.json (cli.md's contract) and its reader for --baseline and shard merging.
import { BROWSERS, DELIVERIES, summarize } from './model.ts';
import type {
  BrowserId,
  CellStatus,
  FindingKind,
  Report,
  ReportCell,
  ReportFinding,
  ReportPolicy,
  ReportSite,
  ReportSitePage,
  ReportViolation,
} from './model.ts';
import type { Reporter } from './types.ts';

/** Pretty, two spaces, trailing newline: stable enough to diff and to commit as a baseline. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}

export function jsonReporter(): Reporter {
  return { id: 'json', onEnd: (report) => [{ path: 'report.json', content: renderJson(report) }] };
}

export type ParseReportResult = { ok: true; report: Report } | { ok: false; error: string };

class ShapeError extends Error {}

type Json = Record<string, unknown>;

const STATUSES: readonly CellStatus[] = ['pass', 'fail', 'error', 'skipped'];


function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function fail(path: string, expected: string, value: unknown): never {
  throw new ShapeError(`${path}: expected ${expected}, got ${describe(value)}`);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string): Json {
  return isObject(value) ? value : fail(path, 'an object', value);
}

function array(value: unknown, path: string): unknown[] {
  return Array.isArray(value) ? value : fail(path, 'an array', value);
}

function string(value: unknown, path: string): string {
  return typeof value === 'string' ? value : fail(path, 'a string', value);
}

function number(value: unknown, path: string): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fail(path, 'a number', value);
}

function oneOf<const T extends string>(value: unknown, options: readonly T[], path: string): T {
  return options.includes(value as T) ? (value as T) : fail(path, `one of ${options.join(' | ')}`, value);
}

function optional<T>(value: unknown, read: (v: unknown) => T, fallback: T): T {
  return value === undefined || value === null ? fallback : read(value);
}

function stringRecord(value: unknown, path: string): Record<string, string> {
  const record = object(value, path);
  for (const [key, entry] of Object.entries(record)) string(entry, `${path}.${key}`);
  return record as Record<string, string>;
}

function violation(value: unknown, path: string): ReportViolation {
  const v = object(value, path);
  return {
    ...v,
    disposition: oneOf(v.disposition, ['enforce', 'report'], `${path}.disposition`),
    effectiveDirective: string(v.effectiveDirective, `${path}.effectiveDirective`),
    blockedURI: optional(v.blockedURI, (x) => string(x, `${path}.blockedURI`), ''),
    kind: optional(v.kind, (x) => oneOf(x, ['url', 'inline', 'eval', 'wasm', 'trusted-types'], `${path}.kind`), 'url'),
    signals: optional(v.signals, (x) => array(x, `${path}.signals`), []) as ReportViolation['signals'],
  };
}

function cell(value: unknown, path: string): ReportCell {
  const c = object(value, path);
  const vendor = string(c.vendor, `${path}.vendor`);
  const feature = string(c.feature, `${path}.feature`);
  const params = optional(c.params, (x) => stringRecord(x, `${path}.params`), {});
  const browser: BrowserId = oneOf(c.browser, BROWSERS, `${path}.browser`);
  const status = oneOf(c.status, STATUSES, `${path}.status`);
  const paramPart = Object.entries(params).map(([k, v]) => `${k}=${v}`).join(',');
  // Validated, and kept absent when absent: a report without it reads back equal.
  if (c.page !== undefined) string(c.page, `${path}.page`);
  return {
    ...c,
    // Reports written before cells carried ids get the id the runner would give them.
    id: optional(c.id, (x) => string(x, `${path}.id`), `${vendor}/${feature}/${paramPart}/${browser}`),
    vendor,
    feature,
    params,
    browser,
    browserVersion: optional(c.browserVersion, (x) => string(x, `${path}.browserVersion`), ''),
    status,
    expected: optional(c.expected, (x) => oneOf(x, ['pass', 'fail'], `${path}.expected`), null),
    outcome: optional(c.outcome, (x) => oneOf(x, ['expected', 'unexpected'], `${path}.outcome`), null),
    violations: optional(c.violations, (x) => array(x, `${path}.violations`), []).map((v, i) =>
      violation(v, `${path}.violations[${i}]`),
    ),
    probe: optional(c.probe, (x) => object(x, `${path}.probe`), null) as ReportCell['probe'],
    oracle: optional(c.oracle, (x) => object(x, `${path}.oracle`), null) as ReportCell['oracle'],
    unexpectedHosts: optional(c.unexpectedHosts, (x) => array(x, `${path}.unexpectedHosts`), []).map((h, i) =>
      string(h, `${path}.unexpectedHosts[${i}]`),
    ),
    screenshot: optional(c.screenshot, (x) => string(x, `${path}.screenshot`), null),
    durationMs: typeof c.durationMs === 'number' ? c.durationMs : 0,
  };
}

function policy(value: unknown, path: string): ReportPolicy {
  const p = object(value, path);
  return {
    ...p,
    value: string(p.value, `${path}.value`),
    delivery: optional(p.delivery, (x) => oneOf(x, DELIVERIES, `${path}.delivery`), 'header'),
  };
}

function run(value: unknown): NonNullable<Report['run']> {
  const r = object(value, 'run');
  const result: NonNullable<Report['run']> = {
    ...r,
    startedAt: optional(r.startedAt, (x) => string(x, 'run.startedAt'), ''),
    durationMs: typeof r.durationMs === 'number' ? r.durationMs : 0,
    browsers: optional(r.browsers, (x) => array(x, 'run.browsers'), []).map((b, i) => {
      const browser = object(b, `run.browsers[${i}]`);
      return {
        ...browser,
        id: oneOf(browser.id, BROWSERS, `run.browsers[${i}].id`),
        version: optional(browser.version, (x) => string(x, `run.browsers[${i}].version`), null),
        source: optional(browser.source, (x) => oneOf(x, ['playwright', 'system'], `run.browsers[${i}].source`), null),
        status: optional(browser.status, (x) => oneOf(x, ['ok', 'missing'], `run.browsers[${i}].status`), 'ok'),
      };
    }),
    shard: optional(r.shard, (x) => object(x, 'run.shard'), null) as NonNullable<Report['run']>['shard'],
  };
  if (r.regressions !== undefined) {
    result.regressions = array(r.regressions, 'run.regressions').map((id, i) => string(id, `run.regressions[${i}]`));
  }
  if (r.baseline !== undefined) {
    const b = object(r.baseline, 'run.baseline');
    const ids = (key: 'regressions' | 'fixed' | 'added') =>
      optional(b[key], (x) => array(x, `run.baseline.${key}`), []).map((id, i) => string(id, `run.baseline.${key}[${i}]`));
    result.baseline = { ...b, path: optional(b.path, (x) => string(x, 'run.baseline.path'), ''), regressions: ids('regressions'), fixed: ids('fixed'), added: ids('added') };
  }
  return result;
}

function sitePage(value: unknown, path: string): ReportSitePage {
  const p = object(value, path);
  const page: ReportSitePage = {
    ...p,
    path: string(p.path, `${path}.path`),
    statuses: optional(p.statuses, (x) => array(x, `${path}.statuses`), []).map((s, i) => number(s, `${path}.statuses[${i}]`)),
    requests: optional(p.requests, (x) => number(x, `${path}.requests`), 0),
  };
  if (p.redirectedTo !== undefined) page.redirectedTo = string(p.redirectedTo, `${path}.redirectedTo`);
  return page;
}

function site(value: unknown): ReportSite {
  const s = object(value, 'site');
  return {
    ...s,
    url: string(s.url, 'site.url'),
    origin: string(s.origin, 'site.origin'),
    policy: optional(s.policy, (x) => oneOf(x, ['site', 'candidate'], 'site.policy'), 'site'),
    requests: optional(s.requests, (x) => number(x, 'site.requests'), 0),
    pages: optional(s.pages, (x) => array(x, 'site.pages'), []).map((p, i) => sitePage(p, `site.pages[${i}]`)),
  };
}

function finding(value: unknown, path: string): ReportFinding {
  const f = object(value, path);
  const out: ReportFinding = {
    ...f,
    page: string(f.page, `${path}.page`),
    // Any kind: the contract may grow, and a newer run's report must still read (and merge).
    kind: string(f.kind, `${path}.kind`) as FindingKind,
    severity: oneOf(f.severity, ['error', 'warning'], `${path}.severity`),
    detail: string(f.detail, `${path}.detail`),
  };
  if (f.host !== undefined) out.host = string(f.host, `${path}.host`);
  if (f.directive !== undefined) out.directive = string(f.directive, `${path}.directive`);
  if (f.browsers !== undefined) {
    out.browsers = array(f.browsers, `${path}.browsers`).map((b, i) => oneOf(b, BROWSERS, `${path}.browsers[${i}]`));
  }
  return out;
}

/** Reads a report.json loosely (unknown fields kept, absent optional ones defaulted); never throws. */
export function parseReport(text: string): ParseReportResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    const root = object(data, 'report');
    if (root.schemaVersion !== 1) fail('schemaVersion', '1', root.schemaVersion);
    const cells = array(root.cells, 'cells').map((c, i) => cell(c, `cells[${i}]`));
    const policies = optional(root.policies, (x) => array(x, 'policies'), []).map((p, i) => policy(p, `policies[${i}]`));
    const report: Report = {
      ...root,
      schemaVersion: 1,
      policies,
      cells,
      // The cells are the truth; a hand-edited or merged summary is recomputed.
      summary: summarize(cells),
    };
    if (root.run !== undefined) report.run = run(root.run);
    if (root.site !== undefined) report.site = site(root.site);
    if (root.findings !== undefined) report.findings = array(root.findings, 'findings').map((f, i) => finding(f, `findings[${i}]`));
    return { ok: true, report };
  } catch (error) {
    if (error instanceof ShapeError) return { ok: false, error: error.message };
    return { ok: false, error: `unreadable report: ${String(error)}` };
  }
}
