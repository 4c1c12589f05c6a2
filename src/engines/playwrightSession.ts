// One Playwright browser (Chromium over CDP, Firefox over WebDriver BiDi, or Playwright's own WebKit)
// reused across cells; relaunched after a crash or a hang. Cells share one context and one page, the
// site's state cleared and the page back on about:blank between them (decisions/0013); a cell that
// failed, or every FRESH_CONTEXT_EVERY cells, gets a new context.
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright';
import type { BrowserId } from '../shared/vocabulary.ts';
import { childrenMatching, kill, track, untrack } from './processes.ts';
import { cellFailure, cellObservation, checksExpression, CLEAR_EXPRESSION, DeadlineError, LISTENER_JS, phaseClock, READ_EXPRESSION, SESSION_CLOSED, settle, toCheckResults, toPageState, within, type PageState } from './settle.ts';
import { EngineError, type CellLoad, type CellObservation, type EngineFailure, type EngineSession, type LaunchOptions, type RawSignal } from './types.ts';

interface PlaywrightLauncher {
  browser: BrowserId;
  launch(): Promise<Browser>;
  /** Part of the browser's command line, to find its pid among this process's children. */
  processNeedle: string;
  /**
   * Whether cells may share a context and page (decisions/0013). Firefox may not: in a shared
   * context it played a sound an earlier cell had loaded without checking the next cell's media-src.
   */
  shareContext: boolean;
  /** A browser server someone else runs (`--connect`, remote.ts): no process of ours to find or kill. */
  remote?: boolean;
  /** Added to every context: a remote browser's proxy (`proxy`), set per context since it was not launched by us. */
  contextOptions?: BrowserContextOptions;
}

/**
 * Launch options every Playwright launch takes: signals are ours (processes.ts kills the browsers,
 * the CLI writes the report). Playwright's own SIGINT handler would exit(130) before the report.
 */
export const HARNESS_HANDLES_SIGNALS = { handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false } as const;

/** Requests that stay open by design: their activity counts, their being open does not keep settling busy. */
const LONG_LIVED = new Set(['eventsource', 'websocket']);

/** Time kept back from a cell's budget for reading, a screenshot and closing the context. */
const RESERVE_MS = 600;

/**
 * How cells are kept apart. `page` (default): one context and page reused, cleared between cells — a
 * new page costs 0.5–1 s of a cell's time in Chromium and Firefox, navigating the same one nothing.
 * `context` (CSPH_PLAYWRIGHT_ISOLATION=context): a new context per cell, to compare.
 */
const ISOLATION: 'page' | 'context' = process.env.CSPH_PLAYWRIGHT_ISOLATION === 'context' ? 'context' : 'page';

/** A reused context is replaced after this many cells, whatever happened (bounded growth). */
const FRESH_CONTEXT_EVERY = 50;


/** The events a cell listens to on the shared page, removed when the cell ends. */
const CELL_EVENTS = ['console', 'pageerror', 'request', 'response', 'requestfinished', 'requestfailed', 'websocket'] as const;

interface Slot {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Cells this context has served. */
  used: number;
}

let launching: Promise<unknown> = Promise.resolve();

/** How often a launch looks for its browser's pid while Playwright starts it (Firefox: up to 30 s). */
const FIND_PID_MS = 200;

/**
 * Launches one at a time, so the new child process is known to be this browser's. The pid is
 * tracked as soon as it appears, not when the launch returns: a harness killed mid-launch leaves
 * the watchdog (processes.ts) that pid to kill.
 */
async function launchTracked(launcher: PlaywrightLauncher): Promise<{ browser: Browser; pid: number | null }> {
  if (launcher.remote) return { browser: await launcher.launch(), pid: null };
  const run = launching.then(async () => {
    const before = new Set(childrenMatching(launcher.processNeedle));
    const found: { pid: number | null } = { pid: null };
    const find = (): number | null => {
      if (found.pid !== null) return found.pid;
      found.pid = childrenMatching(launcher.processNeedle).find((p) => !before.has(p)) ?? null;
      if (found.pid !== null) track(found.pid, `${launcher.browser} (playwright)`, true);
      return found.pid;
    };
    const looking = setInterval(find, FIND_PID_MS);
    try {
      const browser = await launcher.launch();
      return { browser, pid: find() };
    } catch (error) {
      const pid = find();
      if (pid !== null) kill(pid);
      throw error;
    } finally {
      clearInterval(looking);
    }
  });
  launching = run.catch(() => undefined);
  return run;
}

export class PlaywrightSession implements EngineSession {
  readonly browser: BrowserId;
  private current: Browser | null;
  private pid: number | null;
  private alive = true;
  private closed = false;
  /** A relaunch in progress (it may outlast the cell that started it). */
  private relaunch: Promise<{ browser: Browser; pid: number | null }> | null = null;
  /** Cells in a row that timed out or could not close their context: two mean a hung browser. */
  private failures = 0;
  /** The next cell's context and page: the cleared one of the previous cell, or a new one opened ahead. */
  private spare: Promise<Slot> | null = null;

  private constructor(
    private readonly launcher: PlaywrightLauncher,
    private readonly options: Pick<LaunchOptions, 'isCspMessage'>,
    launched: { browser: Browser; pid: number | null },
    readonly version: string,
  ) {
    this.browser = launcher.browser;
    this.current = launched.browser;
    this.pid = launched.pid;
    this.watch(launched.browser);
    this.prepare();
  }

  static async start(launcher: PlaywrightLauncher, options: Pick<LaunchOptions, 'isCspMessage'>): Promise<PlaywrightSession> {
    const launched = await launchTracked(launcher);
    return new PlaywrightSession(launcher, options, launched, launched.browser.version());
  }

  private watch(browser: Browser): void {
    browser.on('disconnected', () => {
      if (this.current === browser) this.alive = false;
    });
  }

  /** Kills the browser (hung or crashed): the next cell launches a new one. */
  private discard(): void {
    const browser = this.current;
    this.current = null;
    this.alive = false;
    this.spare = null;
    if (this.pid !== null) kill(this.pid);
    this.pid = null;
    browser?.close().catch(() => undefined);
  }

  private async open(browser: Browser): Promise<Slot> {
    const context = await browser.newContext({ ...this.launcher.contextOptions, ignoreHTTPSErrors: true });
    await context.addInitScript({ content: LISTENER_JS });
    return { browser, context, page: await context.newPage(), used: 0 };
  }

  /** Opens the next cell's context ahead, while the runner works on the previous cell. */
  private prepare(): void {
    const browser = this.current;
    if (!browser || !this.alive || this.closed) return;
    const run = this.open(browser);
    run.catch(() => undefined);
    this.spare = run;
  }

  private async takePage(deadline: number): Promise<Slot> {
    const spare = this.spare;
    this.spare = null;
    if (spare) {
      try {
        const ready = await within(spare, deadline - Date.now(), 'opening a context');
        if (ready.browser === this.current && this.alive) return ready;
        await ready.context.close().catch(() => undefined);
      } catch (error) {
        if (error instanceof DeadlineError) throw error;
      }
    }
    return this.open(await this.ensureBrowser(deadline));
  }

  /**
   * Readies a finished cell's context for the next cell: popups closed, every frame's storage
   * cleared (and its writes on the way out ignored), the page back on about:blank (its document,
   * timers and sockets gone), then the cookies cleared. Run
   * before the cell ends, so what the page still sends is attributed to it. False: use a new context.
   */
  private async recycle(slot: Slot): Promise<boolean> {
    if (ISOLATION !== 'page' || !this.launcher.shareContext || slot.used >= FRESH_CONTEXT_EVERY || slot.browser !== this.current || !this.alive) return false;
    try {
      await within(
        (async () => {
          for (const other of slot.context.pages()) if (other !== slot.page) await other.close();
          await Promise.all(slot.page.frames().map((frame) => within(frame.evaluate(CLEAR_EXPRESSION), 1000, 'clearing a frame').catch(() => undefined)));
          await slot.page.goto('about:blank');
          await slot.context.clearCookies();
        })(),
        3000,
        'clearing the page',
      );
      for (const event of CELL_EVENTS) slot.page.removeAllListeners(event);
      return true;
    } catch {
      return false;
    }
  }

  private async ensureBrowser(deadline: number): Promise<Browser> {
    if (this.current && this.alive && this.current.isConnected()) return this.current;
    if (!this.relaunch) {
      this.discard();
      const run = launchTracked(this.launcher);
      run.catch(() => {
        if (this.relaunch === run) this.relaunch = null;
      });
      this.relaunch = run;
    }
    // A launch slower than this cell's budget goes on: the next cell picks it up.
    const launched = await within(this.relaunch, deadline - Date.now(), `relaunching ${this.browser}`);
    this.relaunch = null;
    if (this.closed) {
      await launched.browser.close().catch(() => undefined);
      if (launched.pid !== null) kill(launched.pid);
      throw new EngineError('CSPH_SESSION_CLOSED', 'the engine session is closed');
    }
    this.current = launched.browser;
    this.pid = launched.pid;
    this.alive = true;
    this.failures = 0;
    this.watch(launched.browser);
    return launched.browser;
  }

  async loadCell(load: CellLoad): Promise<CellObservation> {
    const started = Date.now();
    const deadline = started + load.timeoutMs;
    const signals: RawSignal[] = [];
    const observation = (error: EngineFailure | null, state: PageState | null): CellObservation => cellObservation(started, signals, error, state);
    if (this.closed) return observation(SESSION_CLOSED, null);

    let slot: Slot | null = null;
    let lastState: PageState | null = null;
    let navigating = false;
    const phase = phaseClock(`${this.browser} ${load.cellId}`);
    const work = async (): Promise<CellObservation> => {
      const taken = await this.takePage(deadline);
      taken.used += 1;
      slot = taken;
      const page = taken.page;
      phase('context and page');
      let inflight = 0;
      let lastActivity = Date.now();
      const act = () => (lastActivity = Date.now());
      page.on('console', (message) => {
        const text = message.text();
        if (message.type() === 'error' || this.options.isCspMessage(text)) signals.push({ channel: 'console', text });
        act();
      });
      page.on('pageerror', (error) => {
        signals.push({ channel: 'pageerror', text: error.message });
        act();
      });
      // A request is in flight until its answer's headers arrive. Chromium never says `requestfinished`
      // for a keepalive fetch (analytics beacons: Customer.io's /v1/t), and a stream never finishes:
      // counted until then, they kept the page from ever being quiet, and the cell waited for its
      // deadline (every Customer.io cell in Chromium: 14.4 s of its 15).
      const counted = new WeakSet<object>();
      page.on('request', (request) => {
        if (!LONG_LIVED.has(request.resourceType())) {
          counted.add(request);
          inflight += 1;
        }
        act();
      });
      const done = (request: object) => {
        if (counted.delete(request)) inflight = Math.max(0, inflight - 1);
        act();
      };
      page.on('response', (response) => done(response.request()));
      page.on('requestfinished', done);
      page.on('requestfailed', done);
      page.on('websocket', (ws) => {
        act();
        ws.on('framereceived', act);
        ws.on('close', act);
      });
      const loadBudget = deadline - Date.now() - RESERVE_MS;
      navigating = true;
      await page.goto(load.url, { waitUntil: 'load', timeout: Math.max(1, loadBudget) });
      navigating = false;
      phase('load');
      const settled = await settle(
        {
          read: async () => (lastState = toPageState(await page.evaluate(READ_EXPRESSION))),
          inflight: () => inflight,
          lastActivity: () => Math.max(lastActivity, load.activity?.() ?? 0),
          waiting: load.waiting,
          violated: load.violated,
        },
        deadline - RESERVE_MS,
      );
      phase(settled.quiet ? 'settled' : 'settle cut by the deadline');
      const state = settled.state;
      // What the page did is fixed before the screenshot: the harness's own actions are not the vendor's.
      const checks = load.checks?.length ? toCheckResults(await page.evaluate(checksExpression(load.checks)), load.checks) : undefined;
      const frames = page.frames().slice(1).map((f) => f.url());
      const observed: CellObservation = { ...observation(null, state), ...(checks ? { checks } : {}), frames };
      if (!load.wantScreenshot?.(observed)) return observed;
      // Playwright's screenshot inserts `<style>body {}</style>` to sync animations (Firefox, its own
      // WebKit): a strict style-src refuses it, and Firefox reported that as the vendor's violation (22
      // failing cells of a full run). Signals are fixed above; reports from now on are dropped.
      // caret 'initial' spares the page's text fields the caret-hiding styles as well.
      const harnessActedAt = Date.now();
      const screenshot = await page.screenshot({ type: 'png', caret: 'initial', timeout: Math.max(1, deadline - Date.now()) });
      return { ...observed, screenshot, harnessActedAt, durationMs: Date.now() - started };
    };

    let observationError: EngineFailure | null = null;
    try {
      const running = work();
      running.catch(() => undefined);
      return await within(running, deadline - Date.now(), `cell ${load.cellId}`);
    } catch (error) {
      const crashed = !this.alive || !this.current?.isConnected();
      const timedOut = error instanceof DeadlineError || (error as Error).name === 'TimeoutError';
      const failure = cellFailure(this.browser, error, { crashed, timedOut, timeoutMs: load.timeoutMs, navigating });
      if (crashed) this.discard();
      observationError = failure;
      return observation(failure, lastState);
    } finally {
      const used = slot as Slot | null;
      let failed = observationError !== null;
      // A cell that failed leaves its context behind, whatever state it is in.
      if (used && !failed && (await this.recycle(used))) {
        phase('page cleared');
        this.spare = Promise.resolve(used);
      } else {
        if (used) {
          try {
            await within(used.context.close(), 3000, 'closing the context');
            phase('context closed');
          } catch {
            failed = true;
          }
        }
        this.prepare();
      }
      this.failures = failed ? this.failures + 1 : 0;
      // A slow machine times out now and then; twice in a row means a hung browser: start afresh.
      if (this.failures >= 2) {
        this.discard();
        this.prepare();
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.spare = null;
    const relaunch = this.relaunch;
    this.relaunch = null;
    if (relaunch) {
      const launched = await within(relaunch, 30_000, `launching ${this.browser}`).catch(() => null);
      await launched?.browser.close().catch(() => undefined);
      if (launched?.pid) kill(launched.pid);
    }
    const browser = this.current;
    this.current = null;
    if (browser) await within(browser.close(), 5000, `closing ${this.browser}`).catch(() => undefined);
    if (this.pid !== null) {
      kill(this.pid);
      untrack(this.pid);
    }
    this.pid = null;
  }
}
