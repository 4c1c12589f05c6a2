// One cell: its page on the site, loaded in one engine session through the session's lane, judged.
// Everything it needs is passed in; it returns the cell's result and touches nothing shared.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeViolations } from '../collectors/merge.ts';
import type { CspReport } from '../collectors/reports.ts';
import type { CellObservation, EngineSession } from '../engines/types.ts';
import type { ReportCell } from '../reporters/model.ts';
import type { FixtureNetwork, Lane } from '../server/network.ts';
import { buildCellPage } from './cellPage.ts';
import type { ScreenshotChoice } from './config.ts';
import { outcomeOf, statusOf } from './expect.ts';
import { attribute, domChecksOf, isObserved, observedProbe, verdictsOf } from './observe.ts';
import { oracleFor, parseServed, requestsOf } from './oracle.ts';
import { fixFromBlocked } from '../policy/advise.ts';
import type { PlannedCell } from './plan.ts';

export interface CellEnvironment {
  network: FixtureNetwork;
  session: EngineSession;
  lane: Lane;
  timeoutMs: number;
  /** Screenshots go to `<outDir>/screenshots/`. */
  outDir: string;
  screenshots: ScreenshotChoice;
}

function fileSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9._=-]+/g, '_');
}

/** The reports that reached the proxy for this attempt of a cell, before the harness acted on the page itself. */
export function cellReports(network: FixtureNetwork, cellId: string, startedAt: number, actedAt: number | undefined): CspReport[] {
  return network
    .reportsFor(cellId)
    .filter((r) => r.receivedAt >= startedAt && (actedAt === undefined || r.receivedAt < actedAt))
    .flatMap((r) => (r.report ? [r.report] : []));
}

/** Writes a cell's screenshot to `<outDir>/screenshots/`; its path relative to the report. */
export function saveScreenshot(outDir: string, cellId: string, png: Buffer): string {
  const rel = join('screenshots', `${fileSafe(cellId)}.png`);
  mkdirSync(join(outDir, 'screenshots'), { recursive: true });
  writeFileSync(join(outDir, rel), png);
  return rel;
}

/** What a cell is before anything happened to it: skipped, nothing seen (the fields every cell has). */
export function blankCell(who: Pick<ReportCell, 'id' | 'vendor' | 'feature' | 'params' | 'browser' | 'browserVersion'>): ReportCell {
  return { ...who, status: 'skipped', expected: null, outcome: null, violations: [], probe: null, oracle: null, unexpectedHosts: [], screenshot: null, durationMs: 0, error: null, fix: null };
}

/** The report cell of a planned cell before it ran (skipped until something happens). */
export function baseCell(cell: PlannedCell, version: string): ReportCell {
  return {
    ...blankCell({ id: cell.id, vendor: cell.vendor.id, feature: cell.feature, params: cell.params, browser: cell.browser, browserVersion: version }),
    expected: cell.expectation?.status ?? null,
    scenario: cell.scenario?.id ?? null,
    policyIndex: cell.policyIndex ?? undefined,
    expectedViolation: cell.expectation?.violations[0] ?? null,
  };
}

/** A cell that could not be judged: an infrastructure failure, with its stable code. */
export function erroredCell(cell: PlannedCell, version: string, code: string, message: string): ReportCell {
  return { ...baseCell(cell, version), status: 'error', outcome: cell.expectation ? 'unexpected' : null, error: message, errorCode: code };
}

export async function executeCell(cell: PlannedCell, env: CellEnvironment): Promise<ReportCell> {
  const { network, session, lane } = env;
  const { spec, policies, expectations } = buildCellPage(cell, network.site);
  const url = network.registerPage(spec);
  const { policies: parsed } = parseServed(policies);
  const oracle = oracleFor(parsed, requestsOf(expectations, network.site.origin));
  // The cell is judged by the stub's probe its feature declares (defineVendor adds one per feature), or,
  // for a feature without one (real vendor code, vendor folders), by its expectations observed from outside.
  const observed = isObserved(expectations);
  const probeName = expectations.flatMap((e) => ('probe' in e ? [e.probe] : []))[0] ?? cell.feature;
  const checks = observed ? domChecksOf(expectations) : [];
  const urlExpectations = expectations.filter((e) => 'request' in e || 'frame' in e || 'websocket' in e);
  // Reports are this attempt's only: a retried cell's first attempt may have left some (its screenshot's <style>).
  const startedAt = Date.now();
  const observation: CellObservation = await lane.attribute(cell.id, () =>
    session.loadCell({
      cellId: cell.id,
      url,
      timeoutMs: env.timeoutMs,
      ...(checks.length ? { checks } : {}),
      activity: () => lane.lastActivity,
      // Real code has no probe to say "still working": an expectation the proxy has not seen yet is the sign.
      ...(observed ? { waiting: () => verdictsOf(urlExpectations, { answered: network.answeredFor(cell.id) }).some((v) => !v.held) } : {}),
      // A stub's cell fails on any enforced violation: one reported to the proxy decides it (WebKit tells pre-load blocks only so).
      ...(observed ? {} : { violated: () => network.reportsFor(cell.id).some((r) => r.receivedAt >= startedAt && r.report !== null && r.report.disposition === 'enforce') }),
      wantScreenshot: (obs) => {
        const ok = observed ? observedProbe(verdictsOf(expectations, { answered: network.answeredFor(cell.id), frames: obs.frames, checks: obs.checks })).ok : obs.probes.find((p) => p.feature === probeName)?.state === 'ok';
        return obs.error === null && (env.screenshots === 'all' || !ok || obs.signals.length > 0);
      },
    }),
  );
  const reports = cellReports(network, cell.id, startedAt, observation.harnessActedAt);
  const merged = mergeViolations(observation.signals, reports, { siteOrigins: [network.site.origin, network.site.secondOrigin] });
  const probeRecord = observation.probes.find((p) => p.feature === probeName);
  const probe = observed
    ? observedProbe(verdictsOf(expectations, { answered: network.answeredFor(cell.id), frames: observation.frames, checks: observation.checks }))
    : probeRecord
      ? { ok: probeRecord.state === 'ok', detail: probeRecord.state === 'pending' ? `still pending after settling: ${probeRecord.detail}` : probeRecord.detail }
      : { ok: false, detail: "no probe result: the vendor's script never ran" };
  // Every feature of an observed vendor runs on the page: a cell answers only for its own feature's violations.
  const { mine: violations, other: otherViolations } = observed ? attribute(merged, expectations, !probe.ok) : { mine: merged, other: [] };
  const status = statusOf(probe.ok, violations, observation.error?.message ?? null);
  const { outcome } = outcomeOf(status, violations, cell.expectation);
  const screenshot = observation.screenshot && (status !== 'pass' || env.screenshots === 'all') ? saveScreenshot(env.outDir, cell.id, observation.screenshot) : null;
  const unrecorded = network.unrecordedRequestsFor(cell.id);
  const blocking = violations.find((v) => v.disposition === 'enforce') ?? null;
  const blockingDirective = blocking?.effectiveDirective ?? null;
  // Where the spec sees nothing to fix (the engines part ways with it), the engine's blocked URL says what to allow.
  const engineFix = blocking ? fixFromBlocked(parsed.filter((p) => p.disposition === 'enforce'), blocking) : null;
  return {
    ...baseCell(cell, session.version),
    status,
    outcome,
    violations,
    ...(otherViolations.length > 0 ? { otherViolations } : {}),
    probe,
    oracle: { allowed: oracle.allowed, decidedBy: oracle.decidedBy, explanation: oracle.explanation, fix: oracle.fix },
    unexpectedHosts: network.unexpectedHostsFor(cell.id),
    ...(unrecorded.length > 0 ? { unrecordedRequests: unrecorded } : {}),
    screenshot,
    durationMs: observation.durationMs,
    error: observation.error?.message ?? null,
    ...(observation.error ? { errorCode: observation.error.code } : {}),
    fix: status === 'fail' ? (oracle.fix ?? engineFix?.result ?? (blockingDirective ? `allow the blocked resource in ${blockingDirective}` : null)) : null,
  };
}
