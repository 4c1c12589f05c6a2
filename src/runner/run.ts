// Running planned cells: detect the engines, start one fixture network for the run's site, let the
// scheduler hand cells to sessions and the executor judge each one.
import { parseCspMessage } from '../collectors/messages.ts';
import type { BrowserSource, Engine, EngineAvailability } from '../engines/types.ts';
import type { ReportBrowser, ReportCell } from '../reporters/model.ts';
import type { ListenAddress } from '../server/loopback.ts';
import { FixtureNetwork } from '../server/network.ts';
import type { BrowserId } from '../shared/vocabulary.ts';
import type { SiteContext } from '../site/context.ts';
import { catalogRoutes } from '../vendors/index.ts';
import type { Vendor } from '../vendors/types.ts';
import type { ScreenshotChoice } from './config.ts';
import { baseCell, executeCell } from './execute.ts';
import type { PlannedCell } from './plan.ts';
import { CELL_OUTCOMES, schedule } from './scheduler.ts';

export interface RunOptions {
  cells: readonly PlannedCell[];
  catalog: readonly Vendor[];
  engines: Readonly<Record<BrowserId, Engine>>;
  browserSource: BrowserSource;
  fixturesRoot: string;
  site: SiteContext;
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
  /** Where the fixture proxy listens (`run --listen`): loopback unless remote browsers need it elsewhere. */
  listen?: ListenAddress;
}

export interface RunResult {
  cells: ReportCell[];
  browsers: ReportBrowser[];
  /** Hosts the proxy refused that no cell made (browser background traffic). */
  backgroundHosts: string[];
  interrupted: boolean;
}

const isCspMessage = (text: string) => parseCspMessage(text) !== null;

/** Which of the wanted engines are installed: the report's browsers (a missing one with its install command). */
export async function detectBrowsers(wanted: readonly BrowserId[], engines: Readonly<Record<BrowserId, Engine>>, source: BrowserSource): Promise<{ availability: Map<BrowserId, EngineAvailability>; browsers: ReportBrowser[] }> {
  const availability = new Map<BrowserId, EngineAvailability>();
  for (const b of wanted) availability.set(b, await engines[b].detect(source));
  const browsers: ReportBrowser[] = wanted.map((b) => {
    const a = availability.get(b)!;
    return a.available
      ? { id: b, version: null, source: a.source, status: 'ok', ...(a.remote ? { remote: a.remote } : {}) }
      : { id: b, version: null, source: null, status: 'missing', install: a.install ?? undefined };
  });
  return { availability, browsers };
}

export async function runCells(options: RunOptions): Promise<RunResult> {
  const browsersWanted = [...new Set(options.cells.map((c) => c.browser))];
  const { availability, browsers } = await detectBrowsers(browsersWanted, options.engines, options.browserSource);
  options.onBegin?.(options.cells.length, browsers);

  const results: ReportCell[] = [];
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

  const network = await FixtureNetwork.start({ fixturesRoot: options.fixturesRoot, site: options.site, routes: catalogRoutes(options.catalog), delays: options.delays, listen: options.listen });
  let scheduled: Awaited<ReturnType<typeof schedule>>;
  try {
    scheduled = await schedule({
      queues,
      engines: options.engines,
      launchOptions: { source: options.browserSource, isCspMessage },
      concurrency: options.concurrency,
      openLane: () => network.openLane(),
      execute: (cell, session, lane) =>
        executeCell(cell, { network, session, lane, timeoutMs: options.timeoutMs, outDir: options.outDir, screenshots: options.screenshots ?? 'failing' }),
      onResult: finish,
      signal: options.signal,
      outcomes: CELL_OUTCOMES,
    });
  } finally {
    await network.close();
  }
  // Refused while no cell was loading: the browsers' own background traffic.
  const background = [...new Set(network.unexpectedHosts.filter((u) => u.cellId === null).map((u) => u.host))];
  for (const b of browsers) b.version = scheduled.versions.get(b.id) ?? null;
  // Sorted by id: a merged sharded run then reads exactly like an unsharded one.
  results.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { cells: results, browsers, backgroundHosts: background, interrupted: scheduled.interrupted };
}
