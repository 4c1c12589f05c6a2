// WebKit: WebKitGTK's MiniBrowser through WebKitWebDriver (classic W3C WebDriver) under the harness's
// own Xvfb; Playwright's own WebKit where a user has it installed. One driver process per session
// (WebKitWebDriver serves one WebDriver session at a time); one MiniBrowser reused from cell to
// cell, its page's and frames' state cleared between them (recycle(), decisions/0013).
import { existsSync } from 'node:fs';
import { webkit } from 'playwright';
import { defineEngine } from './detect.ts';
import { HARNESS_HANDLES_SIGNALS, PlaywrightSession } from './playwrightSession.ts';
import { cellFailure, cellObservation, CHECKS_SCRIPT, CLEAR_SCRIPT, DeadlineError, LISTENER_JS, phaseClock, READ_SCRIPT, SESSION_CLOSED, settle, toCheckResults, toPageState, within, type PageState } from './settle.ts';
import type { CellLoad, CellObservation, Engine, EngineFailure, EngineSession } from './types.ts';
import type { RemoteEndpoint, RemoteEngine } from './remote.ts';
import { webdriverEngine } from './remoteWebDriver.ts';
import { LocalDriver, WEBKIT_DRIVER, WebDriverError, type WebDriverClient, type WebDriverHost } from './webdriver.ts';
import { acquireDisplay, xvfbAvailable } from './xvfb.ts';

export { WEBKIT_DRIVER };
export const MINIBROWSER_PATHS = ['/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/libexec/webkit2gtk-4.1/MiniBrowser'];

/** How cells are kept apart in WebKit: see recycle(). */
const WEBKIT_ISOLATION: 'reuse' | 'session' = process.env.CSPH_WEBKIT_ISOLATION === 'session' ? 'session' : 'reuse';


/** How deep clearing goes into frames within frames (a vendor's widget frame inside its loader frame). */
const CLEAR_FRAME_DEPTH = 3;

/**
 * Clears the storage of the current browsing context's frames, depth first: a vendor frame's
 * storage is its origin's, out of the top page's reach. Classic WebDriver enters a frame by index.
 */
async function clearFrames(client: WebDriverClient, id: string, depth: number): Promise<void> {
  const count = await client.executeSync<number>(id, 'return window.frames.length;', [], 2000);
  for (let i = 0; i < count; i++) {
    try {
      await client.command('POST', `/session/${id}/frame`, { id: i }, 2000);
      await client.executeSync(id, CLEAR_SCRIPT, [], 2000).catch(() => undefined);
      // WebDriver deletes the cookies of the current frame's document: this frame's site.
      await client.command('DELETE', `/session/${id}/cookie`, undefined, 2000).catch(() => undefined);
      if (depth < CLEAR_FRAME_DEPTH) await clearFrames(client, id, depth + 1);
    } finally {
      await client.command('POST', `/session/${id}/frame/parent`, {}, 2000);
    }
  }
}

const INSTALL = { system: 'sudo apt-get install -y webkit2gtk-driver xvfb', playwright: 'npx playwright install webkit' };
const RESERVE_MS = 600;

function minibrowser(): string | null {
  return MINIBROWSER_PATHS.find((p) => existsSync(p)) ?? null;
}

/**
 * One WebKit browser (MiniBrowser) through a WebDriver host, reused from cell to cell. Also the session
 * of a remote WebDriver endpoint (`--webdriver`, remote.ts): only the host differs.
 */
export class WebKitDriverSession implements EngineSession {
  readonly browser = 'webkit' as const;
  version = '';
  /** The WebDriver session the next cell will use (created ahead of time). */
  private next: Promise<string> | null = null;
  private closed = false;

  constructor(
    private readonly host: WebDriverHost,
    private readonly proxyUrl: string,
    /** How long a new WebDriver session may take (a Grid may queue it). */
    private readonly sessionTimeoutMs = 15_000,
  ) {}

  private async createSession(timeoutMs: number): Promise<string> {
    const created = await this.host.newSession(this.proxyUrl, timeoutMs);
    if (!this.version) this.version = String(created.capabilities.browserVersion ?? '');
    return created.sessionId;
  }

  /**
   * Readies the next cell's session in the background. `reuse` (default): the same MiniBrowser,
   * the site's cookies and storage cleared (the page's and every frame's), back on about:blank — a warm navigation costs ~50 ms.
   * `session` (CSPH_WEBKIT_ISOLATION=session): a new MiniBrowser per cell, ~1 s more per cell.
   */
  private recycle(sessionId: string | null, mode: 'reuse' | 'session' = WEBKIT_ISOLATION): void {
    const client = this.host.client;
    if (!client || this.closed) return;
    const fresh = async () => {
      if (sessionId) await client.deleteSession(sessionId, 5000).catch(() => undefined);
      const id = await this.createSession(this.sessionTimeoutMs);
      // Start the web process now, not on the cell's first navigation.
      await client.navigate(id, 'about:blank', 5000).catch(() => undefined);
      return id;
    };
    const reuse = async (id: string) => {
      await clearFrames(client, id, 1);
      await client.executeSync(id, CLEAR_SCRIPT, [], 2000);
      await client.command('DELETE', `/session/${id}/cookie`, undefined, 2000);
      await client.navigate(id, 'about:blank', 5000);
      return id;
    };
    const run = sessionId && mode === 'reuse' ? reuse(sessionId).catch(fresh) : fresh();
    run.catch(() => undefined);
    this.next = run;
  }

  private restart(): void {
    this.host.reset();
    this.next = null;
  }

  private async session(deadline: number): Promise<string> {
    if (!this.host.alive()) {
      this.restart();
      await this.host.ensure(Math.max(1, deadline - Date.now()));
    }
    if (!this.next) this.recycle(null);
    try {
      return await within(this.next!, deadline - Date.now(), 'opening a WebKit session');
    } catch (error) {
      if (error instanceof DeadlineError) throw error;
      // The prepared session died with its browser: one fresh driver, then give up on this cell.
      this.restart();
      await this.host.ensure(Math.max(1, deadline - Date.now()));
      this.recycle(null);
      return within(this.next!, deadline - Date.now(), 'opening a WebKit session');
    }
  }

  async warmUp(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await this.host.ensure(timeoutMs);
    this.recycle(null);
    await within(this.next!, deadline - Date.now(), 'opening the first WebKit session');
  }

  async loadCell(load: CellLoad): Promise<CellObservation> {
    const started = Date.now();
    const deadline = started + load.timeoutMs;
    let lastState: PageState | null = null;
    // Classic WebDriver carries no console: the page's recorded events are all the signals there are.
    const observation = (error: EngineFailure | null, state: PageState | null, screenshot: Buffer | null = null): CellObservation => cellObservation(started, [], error, state, screenshot);
    if (this.closed) return observation(SESSION_CLOSED, null);

    let sessionId: string | null = null;
    let navigating = false;
    const phase = phaseClock(`webkit ${load.cellId}`);
    const work = async (): Promise<CellObservation> => {
      sessionId = await this.session(deadline - RESERVE_MS);
      phase('session');
      this.next = null;
      const client = this.host.client!;
      const id = sessionId;
      const loadBudget = Math.max(1, deadline - Date.now() - RESERVE_MS);
      await client.setTimeouts(id, { pageLoad: loadBudget, script: 5000 });
      navigating = true;
      await client.navigate(id, load.url, loadBudget + 500);
      navigating = false;
      phase('navigate');
      // No preload scripts over classic WebDriver: the listener catches what happens after load only.
      await client.executeSync(id, `${LISTENER_JS}\nreturn true;`).catch(() => undefined);
      const settled = await settle(
        {
          read: async () => (lastState = toPageState(await client.executeSync(id, READ_SCRIPT, [], Math.max(1, Math.min(5000, deadline - Date.now()))))),
          inflight: () => null,
          // No network events over classic WebDriver: the proxy's log of this cell is the activity there is.
          lastActivity: () => load.activity?.() ?? 0,
          waiting: load.waiting,
          violated: load.violated,
        },
        deadline - RESERVE_MS,
      );
      phase(settled.quiet ? 'settled' : 'settle cut by the deadline');
      // No frame tree over classic WebDriver: a frame expectation is judged by the proxy's log alone.
      const checks = load.checks?.length
        ? toCheckResults(await client.executeSync(id, CHECKS_SCRIPT, [load.checks], Math.max(1, Math.min(5000, deadline - Date.now()))), load.checks)
        : undefined;
      const observed: CellObservation = { ...observation(null, settled.state), ...(checks ? { checks } : {}) };
      let screenshot: Buffer | null = null;
      if (load.wantScreenshot?.(observed)) screenshot = await client.screenshot(id, Math.max(1, deadline - Date.now()));
      return { ...observed, screenshot, durationMs: Date.now() - started };
    };

    try {
      const running = work();
      running.catch(() => undefined);
      const result = await within(running, deadline - Date.now(), `cell ${load.cellId}`);
      this.recycle(sessionId);
      return result;
    } catch (error) {
      const browserGone =
        !this.host.alive() || !this.host.browserAlive() || (error instanceof WebDriverError && (error.error === 'invalid session id' || error.error === 'transport' || error.error === 'session not created'));
      const timedOut = error instanceof DeadlineError || (error instanceof WebDriverError && error.error === 'timeout');
      const failure = cellFailure('webkit', error, { crashed: browserGone, timedOut, timeoutMs: load.timeoutMs, navigating });
      // A page that never loaded keeps MiniBrowser busy (its next navigation waits too): a new
      // MiniBrowser on the same driver. Anything else: a new driver and browser.
      if (timedOut && !browserGone && sessionId) this.recycle(sessionId, 'session');
      else this.restart();
      return observation(failure, lastState);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pending = this.next;
    this.next = null;
    // Someone else's driver: what still runs on the session (the last cell's clearing) ends before the
    // session is deleted. Ours is killed, whatever runs.
    if (this.host.shared && pending) await within(pending, 5000, 'finishing the WebKit session').catch(() => undefined);
    await this.host.close();
  }
}

export const webkitEngine: Engine = defineEngine(
  {
    browser: 'webkit',
    name: 'WebKit',
    playwright: webkit,
    // WebKitGTK needs three things: MiniBrowser, its WebDriver and an X server.
    system: () => {
      const binary = minibrowser();
      return binary !== null && existsSync(WEBKIT_DRIVER) && xvfbAvailable() ? `${WEBKIT_DRIVER} + ${binary}` : null;
    },
    install: INSTALL,
  },
  async (found, options): Promise<EngineSession> => {
    if (found.source === 'playwright') {
      return PlaywrightSession.start(
        { browser: 'webkit', processNeedle: 'pw_run', shareContext: true, launch: () => webkit.launch({ proxy: { server: options.proxyUrl }, timeout: 30_000, ...HARNESS_HANDLES_SIGNALS }) },
        options,
      );
    }
    const display = await acquireDisplay();
    const session = new WebKitDriverSession(new LocalDriver(display, minibrowser()!, INSTALL.system), options.proxyUrl);
    try {
      await session.warmUp(30_000);
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  },
);

/**
 * A WebKitGTK WebDriver someone else started (`--webdriver webkit=http://host:port`, decisions/0017): its own
 * MiniBrowser (no binary is named), pointed at the lane's proxy by MiniBrowser's `--proxy`. The W3C `proxy`
 * capability is not sent: WebKitGTK 2.50 applies neither it nor, once it is present, `--proxy`.
 */
export function webdriverWebKit(endpoint: RemoteEndpoint): RemoteEngine {
  return webdriverEngine(
    {
      browser: 'webkit',
      name: 'WebKit',
      browserName: 'MiniBrowser',
      capabilities: (proxyUrl) => ({
        browserName: 'MiniBrowser',
        acceptInsecureCerts: true,
        pageLoadStrategy: 'normal',
        'webkitgtk:browserOptions': { args: ['--automation', `--proxy=${proxyUrl}`, '--ignore-tls-errors'] },
      }),
      // A Grid may queue a new session for a while: its answer is waited for (webdriverEngine says how long).
      session: (host, proxyUrl, newSessionTimeoutMs) => new WebKitDriverSession(host, proxyUrl, newSessionTimeoutMs),
    },
    endpoint,
  );
}
