// Running planned cells: one fixture network, engine sessions pooled per browser (p-limit bounds
// them), a fresh page per cell, signals merged into violations, the oracle's verdict beside them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { FixtureNetwork } from '../server/network.ts';
import type { CellObservation, Engine, EngineAvailability, EngineSession, BrowserSource } from '../engines/types.ts';
import { mergeViolations } from '../collectors/merge.ts';
import type { BrowserId, ReportBrowser, ReportCell } from '../reporters/model.ts';
import { buildCellPage } from './cellPage.ts';
import type { ScreenshotChoice } from './config.ts';
import type { Vendor } from '../vendors/types.ts';
import { outcomeOf, statusOf } from './expect.ts';
import { pickBrowser } from './schedule.ts';
import { oracleFor, parseServed } from './oracle.ts';
import type { PlannedCell } from './plan.ts';

export interface RunOptions {
  cells: readonly PlannedCell[];
  catalog: readonly Vendor[];
  engines: Readonly<Record<BrowserId, Engine>>;
  browserSource: BrowserSource;
  fixturesRoot: string;
  concurrency: number;
  timeoutMs: number;
  /** Screenshots go to `<outDir>/screenshots/`. */
  outDir: string;
  /** Which cells keep a screenshot: those that did not pass (default), or every one. */
  screenshots?: ScreenshotChoice;
  onBegin?: (total: number, browsers: ReportBrowser[]) => void;
  onCell?: (cell: ReportCell) => void;
  signal?: AbortSignal;
  /** Extra latency per stub host (a slow vendor), passed to the fixture network: reliability checks. */
  delays?: Record<string, number>;
}

export interface RunResult {
  cells: ReportCell[];
  browsers: ReportBrowser[];
  /** Hosts the proxy refused that no cell made (browser background traffic). */
  backgroundHosts: string[];
  interrupted: boolean;
}

function fileSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9._=-]+/g, '_');
}

function baseCell(cell: PlannedCell, version: string): ReportCell {
  return {
    id: cell.id,
    vendor: cell.vendor.id,
    feature: cell.feature,
    params: cell.params,
    browser: cell.browser,
    browserVersion: version,
    status: 'skipped',
    expected: cell.expectation?.status ?? null,
    outcome: null,
    violations: [],
    probe: null,
    oracle: null,
    unexpectedHosts: [],
    screenshot: null,
    durationMs: 0,
    scenario: cell.scenario?.id ?? null,
    policyIndex: cell.policyIndex ?? undefined,
    error: null,
    expectedViolation: cell.expectation?.violations[0] ?? null,
    fix: null,
  };
}

export async function runCells(options: RunOptions): Promise<RunResult> {
  const browsersWanted = [...new Set(options.cells.map((c) => c.browser))];
  const availability = new Map<BrowserId, EngineAvailability>();
  for (const b of browsersWanted) availability.set(b, await options.engines[b].detect(options.browserSource));
  const browsers: ReportBrowser[] = browsersWanted.map((b) => {
    const a = availability.get(b)!;
    return a.available
      ? { id: b, version: null, source: a.source, status: 'ok' }
      : { id: b, version: null, source: null, status: 'missing', install: a.install ?? undefined };
  });
  options.onBegin?.(options.cells.length, browsers);

  const hosts = options.catalog.flatMap((v) => v.hosts);
  const network = await FixtureNetwork.start({ fixturesRoot: options.fixturesRoot, hosts: [...hosts], delays: options.delays });
  const versions = new Map<BrowserId, string>();
  const results: ReportCell[] = [];
  let interrupted = false;
  const finish = (cell: ReportCell) => {
    results.push(cell);
    options.onCell?.(cell);
  };
  const queues = new Map<BrowserId, PlannedCell[]>();
  for (const cell of options.cells) {
    const a = availability.get(cell.browser)!;
    if (!a.available) finish({ ...baseCell(cell, ''), status: 'skipped', error: `${cell.browser} is not installed: ${a.install ?? 'install it'}` });
    else queues.set(cell.browser, [...(queues.get(cell.browser) ?? []), cell]);
  }
  const workersOn = new Map<BrowserId, number>();
  const open = new Set<EngineSession>();
  // Launching is the heaviest thing a browser does: two at a time keeps two cores responsive.
  const launches = pLimit(2);

  const worker = async (): Promise<void> => {
    const lane = await network.openLane();
    let browser: BrowserId | null = null;
    let session: EngineSession | null = null;
    const drop = async () => {
      if (!session) return;
      open.delete(session);
      await session.close().catch(() => undefined);
      session = null;
    };
    try {
      for (;;) {
        const next = pickBrowser(browser, { remaining: new Map([...queues].map(([b, q]) => [b, q.length])), workers: workersOn });
        if (next === null) break;
        if (next !== browser) {
          await drop();
          if (browser) workersOn.set(browser, workersOn.get(browser)! - 1);
          browser = next;
          workersOn.set(browser, (workersOn.get(browser) ?? 0) + 1);
        }
        // Another worker may have taken the last cell while this one was switching browsers.
        const cell = queues.get(browser)!.shift();
        if (!cell) continue;
        if (options.signal?.aborted) {
          interrupted = true;
          finish({ ...baseCell(cell, ''), status: 'skipped', error: 'interrupted before this cell ran' });
          continue;
        }
        const b = browser;
        const ensureSession = async (): Promise<EngineSession> => {
          if (session) return session;
          const launched = await launches(() => options.engines[b].launch({ proxyUrl: lane.proxyUrl, source: options.browserSource }));
          open.add(launched);
          versions.set(b, launched.version);
          session = launched;
          return launched;
        };
        // An infrastructure error (crash, hang) gets one more try in a fresh browser: a verdict must
        // not depend on a browser that happened to stall.
        let result: ReportCell | null = null;
        for (let attempt = 1; attempt <= 2 && !(result && result.status !== 'error'); attempt++) {
          if (attempt === 2) await drop();
          let current: EngineSession;
          try {
            current = await ensureSession();
          } catch (error) {
            result = { ...baseCell(cell, versions.get(b) ?? ''), status: 'error', outcome: cell.expectation ? 'unexpected' : null, error: `could not start ${b}: ${(error as Error).message}` };
            continue;
          }
          try {
            const loaded = await loadOne(network, current, lane, cell, options);
            result = attempt === 2 && loaded.status === 'error' ? { ...loaded, error: `${loaded.error} (also on a second try in a fresh browser)` } : loaded;
          } catch (error) {
            await drop();
            result = { ...baseCell(cell, versions.get(b) ?? ''), status: 'error', outcome: cell.expectation ? 'unexpected' : null, error: (error as Error).message };
          }
        }
        finish(result!);
      }
    } finally {
      await drop();
      if (browser) workersOn.set(browser, workersOn.get(browser)! - 1);
    }
  };

  try {
    const total = [...queues.values()].reduce((n, q) => n + q.length, 0);
    const workers = Math.max(1, Math.min(options.concurrency, total));
    await Promise.all(Array.from({ length: total === 0 ? 0 : workers }, () => worker()));
  } finally {
    await Promise.allSettled([...open].map((s) => s.close()));
    await network.close();
  }
  // Refused while no cell was loading: the browsers' own background traffic.
  const background = [...new Set(network.unexpectedHosts.filter((u) => u.cellId === null).map((u) => u.host))];
  for (const b of browsers) b.version = versions.get(b.id) ?? null;
  // Sorted by id: a merged sharded run then reads exactly like an unsharded one.
  results.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { cells: results, browsers, backgroundHosts: background, interrupted: interrupted || (options.signal?.aborted ?? false) };
}

async function loadOne(
  network: FixtureNetwork,
  session: EngineSession,
  lane: { cellId: string | null },
  cell: PlannedCell,
  options: RunOptions,
): Promise<ReportCell> {
  const { spec, policies, requests } = buildCellPage(cell);
  const url = network.registerPage(spec);
  const { policies: parsed } = parseServed(policies);
  const oracle = oracleFor(parsed, requests);
  lane.cellId = cell.id;
  let observation: CellObservation;
  try {
    observation = await session.loadCell({
      cellId: cell.id,
      url,
      timeoutMs: options.timeoutMs,
      wantScreenshot: (obs) => {
        const probe = obs.probes.find((p) => p.feature === cell.feature);
        return obs.error === null && (options.screenshots === 'all' || probe?.state !== 'ok' || obs.signals.length > 0);
      },
    });
  } finally {
    lane.cellId = null;
  }
  const actedAt = observation.harnessActedAt;
  const reports = network
    .reportsFor(cell.id)
    .filter((r) => actedAt === undefined || r.receivedAt < actedAt)
    .flatMap((r) => (r.report ? [r.report] : []));
  const violations = mergeViolations(observation.signals, reports);
  const probeRecord = observation.probes.find((p) => p.feature === cell.feature);
  const probe = probeRecord
    ? { ok: probeRecord.state === 'ok', detail: probeRecord.state === 'pending' ? `still pending after settling: ${probeRecord.detail}` : probeRecord.detail }
    : { ok: false, detail: "no probe result: the vendor's script never ran" };
  const status = statusOf(probe.ok, violations, observation.error);
  const { outcome } = outcomeOf(status, violations, cell.expectation);
  let screenshot: string | null = null;
  if (observation.screenshot && (status !== 'pass' || options.screenshots === 'all')) {
    const rel = join('screenshots', `${fileSafe(cell.id)}.png`);
    mkdirSync(join(options.outDir, 'screenshots'), { recursive: true });
    writeFileSync(join(options.outDir, rel), observation.screenshot);
    screenshot = rel;
  }
  const blockingDirective = violations.find((v) => v.disposition === 'enforce')?.effectiveDirective ?? null;
  return {
    ...baseCell(cell, session.version),
    status,
    outcome,
    violations,
    probe,
    oracle: { allowed: oracle.allowed, decidedBy: oracle.decidedBy, explanation: oracle.explanation, fix: oracle.fix },
    unexpectedHosts: network.unexpectedHostsFor(cell.id),
    screenshot,
    durationMs: observation.durationMs,
    error: observation.error,
    fix: status === 'fail' ? (oracle.fix ?? (blockingDirective ? `allow the blocked resource in ${blockingDirective}` : null)) : null,
  };
}
