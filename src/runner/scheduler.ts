// The scheduler: workers, each holding one browser session on its own proxy lane, take cells from
// per-browser queues (schedule.ts picks which browser a free worker serves), launch browsers two at
// a time, give an infrastructure error one more try in a fresh browser, and stop taking cells on
// abort. What a cell is, and how it is judged, is the executor's business.
import pLimit from 'p-limit';
import type { Engine, EngineSession, LaunchOptions } from '../engines/types.ts';
import type { ReportCell } from '../reporters/model.ts';
import type { Lane } from '../server/network.ts';
import type { BrowserId } from '../shared/vocabulary.ts';
import { baseCell, erroredCell } from './execute.ts';
import type { PlannedCell } from './plan.ts';
import { pickBrowser } from './schedule.ts';

/** What the scheduler hands out: a cell (or a site page load), bound to one browser. */
export interface Schedulable {
  id: string;
  browser: BrowserId;
}

/** How results are made where the executor could not make them, and how an infrastructure error looks. */
export interface Outcomes<C, R> {
  errored(cell: C, version: string, code: string, message: string): R;
  interrupted(cell: C): R;
  isError(result: R): boolean;
  /** A result of the second try. */
  retried(result: R): R;
}

/** The outcomes of planned cells (report cells). */
export const CELL_OUTCOMES: Outcomes<PlannedCell, ReportCell> = {
  errored: erroredCell,
  interrupted: (cell) => ({ ...baseCell(cell, ''), status: 'skipped', error: 'interrupted before this cell ran' }),
  isError: (r) => r.status === 'error',
  retried: (r) => ({ ...r, attempts: 2, ...(r.status === 'error' ? { error: `${r.error} (also on a second try in a fresh browser)` } : {}) }),
};

export interface SchedulerOptions<C extends Schedulable = PlannedCell, R = ReportCell> {
  /** Cells per browser, in the order they should run. */
  queues: Map<BrowserId, C[]>;
  engines: Readonly<Record<BrowserId, Engine>>;
  /** How each worker's browser is launched (its lane's proxy is added). */
  launchOptions: Omit<LaunchOptions, 'proxyUrl'>;
  concurrency: number;
  openLane: () => Promise<Lane>;
  execute: (cell: C, session: EngineSession, lane: Lane) => Promise<R>;
  onResult: (result: R) => void;
  signal?: AbortSignal;
  outcomes: Outcomes<C, R>;
}

export interface SchedulerResult {
  versions: Map<BrowserId, string>;
  interrupted: boolean;
}

export async function schedule<C extends Schedulable, R>(options: SchedulerOptions<C, R>): Promise<SchedulerResult> {
  const { queues, outcomes } = options;
  const versions = new Map<BrowserId, string>();
  const workersOn = new Map<BrowserId, number>();
  const open = new Set<EngineSession>();
  // Launching is the heaviest thing a browser does: two at a time keeps two cores responsive.
  const launches = pLimit(2);
  let interrupted = false;

  const worker = async (): Promise<void> => {
    const lane = await options.openLane();
    let browser: BrowserId | null = null;
    let session: EngineSession | null = null;
    const drop = async () => {
      if (!session) return;
      open.delete(session);
      await session.close().catch(() => undefined);
      session = null;
    };
    const ensureSession = async (b: BrowserId): Promise<EngineSession> => {
      if (session) return session;
      const launched = await launches(() => options.engines[b].launch({ ...options.launchOptions, proxyUrl: lane.proxyUrl }));
      open.add(launched);
      versions.set(b, launched.version);
      session = launched;
      return launched;
    };
    /** One cell, with one more try in a fresh browser after an infrastructure error. */
    const runOne = async (cell: C, b: BrowserId): Promise<R> => {
      let result: R | null = null;
      for (let attempt = 1; attempt <= 2 && !(result !== null && !outcomes.isError(result)); attempt++) {
        if (attempt === 2) await drop();
        let current: EngineSession;
        try {
          current = await ensureSession(b);
        } catch (error) {
          result = outcomes.errored(cell, versions.get(b) ?? '', 'CSPH_ENGINE_LAUNCH', `could not start ${b}: ${(error as Error).message}`);
          continue;
        }
        try {
          const executed = await options.execute(cell, current, lane);
          result = attempt === 1 ? executed : outcomes.retried(executed);
        } catch (error) {
          await drop();
          const code = (error as { code?: unknown }).code;
          result = outcomes.errored(cell, versions.get(b) ?? '', typeof code === 'string' ? code : 'CSPH_ENGINE_CRASHED', (error as Error).message);
        }
      }
      return result!;
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
          options.onResult(outcomes.interrupted(cell));
          continue;
        }
        options.onResult(await runOne(cell, browser));
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
  }
  return { versions, interrupted: interrupted || (options.signal?.aborted ?? false) };
}
