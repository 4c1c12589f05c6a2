// Expected vs actual (conventions: keep them apart; only `unexpected` fails a run).
import type { BrowserId, CellStatus, Expectation, Outcome, ReportViolation } from '../shared/vocabulary.ts';
import type { ExpectedViolation, Scenario } from './scenario.ts';

export interface CellExpectation {
  status: Expectation;
  violations: ExpectedViolation[];
  reason: string | null;
}

/** What a scenario expects of one feature in one browser (per-browser entries win). */
export function expectationFor(scenario: Scenario, feature: string, browser: BrowserId): CellExpectation {
  const f = scenario.expect.features?.[feature];
  const b = f?.browsers?.[browser];
  if (b) return { status: b.status, violations: b.violations ?? [], reason: b.reason };
  if (f) return { status: f.status, violations: f.violations ?? [], reason: f.reason ?? null };
  return { status: scenario.expect.default ?? 'pass', violations: [], reason: null };
}

const FAMILIES: Record<string, readonly string[]> = {
  'script-src': ['script-src-elem', 'script-src-attr'],
  'style-src': ['style-src-elem', 'style-src-attr'],
};

/** Engines name the effective directive (`script-src-elem`) or its fallback (`script-src`): both count. */
export function directiveMatches(expected: string, actual: string): boolean {
  const e = expected.toLowerCase();
  const a = actual.toLowerCase();
  if (e === a) return true;
  if (FAMILIES[e]?.includes(a)) return true;
  if (FAMILIES[a]?.includes(e)) return true;
  return false;
}

/** `data:` → `data`; `https://h/` → `https://h` (engines cut a cross-origin URL to its origin). */
function normaliseUri(uri: string): string {
  return uri.toLowerCase().replace(/:$/, '').replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#]+)\/$/, '$1');
}

export function violationMatches(expected: ExpectedViolation, actual: ReportViolation): boolean {
  if (actual.disposition !== 'enforce') return false;
  if (!directiveMatches(expected.effectiveDirective, actual.effectiveDirective)) return false;
  if (expected.blockedURI === undefined) return true;
  return normaliseUri(actual.blockedURI).startsWith(normaliseUri(expected.blockedURI));
}

export interface OutcomeResult {
  outcome: Outcome | null;
  /** Named violations that were not seen. */
  missing: ExpectedViolation[];
}

export function outcomeOf(status: CellStatus, violations: readonly ReportViolation[], expectation: CellExpectation | null): OutcomeResult {
  if (expectation === null || status === 'skipped') return { outcome: null, missing: [] };
  if (status === 'error') return { outcome: 'unexpected', missing: [] };
  const missing = expectation.violations.filter((e) => !violations.some((v) => violationMatches(e, v)));
  return { outcome: status === expectation.status && missing.length === 0 ? 'expected' : 'unexpected', missing };
}

/** A cell passes when its feature's probe succeeded and no enforced violation was recorded (cli.md). */
export function statusOf(probeOk: boolean, violations: readonly ReportViolation[], error: string | null): CellStatus {
  if (error !== null) return 'error';
  return probeOk && !violations.some((v) => v.disposition === 'enforce') ? 'pass' : 'fail';
}

/** Exit 1 when some cell is unexpected, or — without an expectation — failed or errored. */
export function failsRun(cells: readonly { expected: Expectation | null; outcome: Outcome | null; status: CellStatus }[]): boolean {
  return cells.some((c) => (c.expected !== null ? c.outcome === 'unexpected' : c.status === 'fail' || c.status === 'error'));
}
