// The one interface every engine implements. One EngineSession = one browser process bound to one
// proxy lane; it loads cells one after another, each cell's state cleared before the next (decisions/0013).
import { HarnessError, type BrowserId, type ProbeRecord, type RawSignal } from '../shared/vocabulary.ts';

export type { ProbeRecord, RawSignal } from '../shared/vocabulary.ts';

export type BrowserSource = 'playwright' | 'system' | 'auto';

export interface CellLoad {
  cellId: string;
  url: string;
  /** Hard bound for the whole cell. */
  timeoutMs: number;
  /**
   * When the harness last saw this cell's traffic (the proxy's log), ms epoch: activity for settling in
   * every engine — WebDriver has no network events of its own.
   */
  activity?: () => number;
  /**
   * Whether an expectation the harness checks from outside is still unmet (a request not yet answered):
   * settling then waits the longer quiet, as for a pending probe. Real vendor code records no probe.
   */
  waiting?: () => boolean;
  /**
   * Whether the harness has already seen an enforced violation of this cell by other means (a report
   * that reached the proxy): a pending probe then no longer asks for the longer quiet (settle.ts).
   */
  violated?: () => boolean;
  /** DOM expectations evaluated in the top document after settling (vendor-format.md `selector`, `style`). */
  checks?: readonly DomCheck[];
  /** Asked after settling, with the page still open: true → take a screenshot. */
  wantScreenshot?: (observation: Omit<CellObservation, 'screenshot'>) => boolean;
}

/** An element of the top document: present and visible (unless `visible: false`), or its computed style. */
export type DomCheck = { selector: string; visible?: boolean } | { style: string; property: string; value: string };

export interface DomCheckResult {
  ok: boolean;
  detail: string;
}

export interface CellObservation {
  signals: RawSignal[];
  probes: ProbeRecord[];
  /** One result per `CellLoad.checks` entry, in order (absent when none were asked or the page never settled). */
  checks?: DomCheckResult[];
  /** The URLs of the page's frames after settling, where the engine exposes its frame tree (Playwright); absent otherwise. */
  frames?: string[];
  /** Infrastructure failure (crash, hang, navigation error): the cell is `error`. */
  error: EngineFailure | null;
  screenshot: Buffer | null;
  durationMs: number;
  /**
   * When the engine started acting on the page itself (Playwright's screenshot inserts a <style> in
   * Firefox and Playwright's WebKit): reports received from then on are the harness's, not the page's.
   */
  harnessActedAt?: number;
}

export interface EngineAvailability {
  browser: BrowserId;
  available: boolean;
  source: 'playwright' | 'system' | null;
  /** Executable(s) that would be used, for messages. */
  executable: string | null;
  /** When unavailable: what to run to install it. */
  install: string | null;
  /** A remote engine (decisions/0017): how it is reached, and where (`executable` says the same for messages). */
  remote?: { via: 'connect' | 'webdriver'; endpoint: string };
}

export interface LaunchOptions {
  /** `http://127.0.0.1:PORT` of this session's lane. */
  proxyUrl: string;
  source: BrowserSource;
  /**
   * Whether a console text is a CSP message worth keeping (the caller's parser, src/collectors/):
   * a console message is kept when its type is `error` or this says yes. Engines never parse wordings.
   */
  isCspMessage: (text: string) => boolean;
}

/**
 * Why an engine failed, as a stable code (scripts and tests match on it, never on the message):
 * - `CSPH_ENGINE_MISSING`: launch() found no such engine (the message says what to install);
 * - `CSPH_ENGINE_LAUNCH`: launch() could not start it (browser, WebKitWebDriver or Xvfb);
 * - `CSPH_SESSION_CLOSED`: a cell was loaded on a session already closed;
 * - `CSPH_ENGINE_CRASHED`: the browser (or its driver) died or was killed during the cell;
 * - `CSPH_CELL_TIMEOUT`: the cell's hard bound (`CellLoad.timeoutMs`) passed first;
 * - `CSPH_NAVIGATION`: the engine refused to navigate to the cell's page (neither crash nor timeout);
 * - `CSPH_ENGINE_ERROR`: any other engine command failed during the cell (context, probe read, screenshot).
 */
export type EngineErrorCode =
  | 'CSPH_ENGINE_MISSING'
  | 'CSPH_ENGINE_LAUNCH'
  | 'CSPH_SESSION_CLOSED'
  | 'CSPH_ENGINE_CRASHED'
  | 'CSPH_CELL_TIMEOUT'
  | 'CSPH_NAVIGATION'
  | 'CSPH_ENGINE_ERROR';

/** A cell's infrastructure failure: its code, and the message for people (`csp-harness: …`). */
export interface EngineFailure {
  code: EngineErrorCode;
  message: string;
}

/** What launch() throws (its message says what to do next), and what engines throw among themselves. */
export class EngineError extends HarnessError {
  declare readonly code: EngineErrorCode;
  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message);
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

export interface EngineSession {
  readonly browser: BrowserId;
  readonly version: string;
  loadCell(load: CellLoad): Promise<CellObservation>;
  /** Idempotent; kills whatever the session started (browser, driver, Xvfb). */
  close(): Promise<void>;
}

export interface Engine {
  readonly browser: BrowserId;
  detect(source: BrowserSource): Promise<EngineAvailability>;
  launch(options: LaunchOptions): Promise<EngineSession>;
}
