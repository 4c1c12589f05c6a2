// The one interface every engine implements. One EngineSession = one browser process bound to one
// proxy lane; it loads cells one after another (a fresh context/session per cell).
import type { BrowserId } from '../reporters/model.ts';

export type BrowserSource = 'playwright' | 'system' | 'auto';

/** What one channel of an engine said, before normalisation (src/collectors/ turns it into violations). */
export type RawSignal =
  | { channel: 'console'; text: string }
  | { channel: 'pageerror'; text: string }
  /** A `securitypolicyviolation` event seen by the listener injected before page scripts. */
  | {
      channel: 'event';
      effectiveDirective: string;
      blockedURI: string;
      disposition: 'enforce' | 'report';
      sample: string;
    };

/** What the page's probe runtime recorded for one feature (harness/). */
export interface ProbeRecord {
  feature: string;
  /** `pending` = started, never finished within the settle time (engines differ in which events fire). */
  state: 'ok' | 'failed' | 'pending';
  detail: string;
}

export interface CellLoad {
  cellId: string;
  url: string;
  /** Hard bound for the whole cell. */
  timeoutMs: number;
  /** Asked after settling, with the page still open: true → take a screenshot. */
  wantScreenshot?: (observation: Omit<CellObservation, 'screenshot'>) => boolean;
}

export interface CellObservation {
  signals: RawSignal[];
  probes: ProbeRecord[];
  /** Infrastructure failure (crash, hang, navigation error): the cell is `error`. */
  error: string | null;
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
}

export interface LaunchOptions {
  /** `http://127.0.0.1:PORT` of this session's lane. */
  proxyUrl: string;
  source: BrowserSource;
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
