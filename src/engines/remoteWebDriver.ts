// A WebDriver endpoint someone else started (`--webdriver`, decisions/0017): a WebKitWebDriver elsewhere or a
// Selenium Grid. Its reachability probe, the slots this process holds on it (a WebKitWebDriver serves one
// session), the host a WebKit session runs on there (remote.ts has what all remote engines share).
import type { BrowserId } from '../shared/vocabulary.ts';
import { reasonOf, remoteAvailability, shownEndpoint, type ProbeResult, type RemoteEndpoint, type RemoteEngine } from './remote.ts';
import { EngineError, type EngineSession, type LaunchOptions } from './types.ts';
import { WebDriverClient, WebDriverError, type WebDriverHost } from './webdriver.ts';

/** `GET /status`: any WebDriver answer means reachable; `ready: false` (a session already open) is noted. */
export async function probeWebDriver(endpoint: RemoteEndpoint, timeoutMs: number): Promise<ProbeResult> {
  try {
    const status = await new WebDriverClient(endpoint.url.replace(/\/$/, '')).command<{ ready?: boolean; message?: string }>('GET', '/status', undefined, timeoutMs);
    const note = status && status.ready === false ? `it says it is not ready${status.message ? ` ("${status.message}")` : ''}: its sessions may be refused while someone else holds them` : null;
    return { ok: true, version: null, note };
  } catch (error) {
    return { ok: false, answered: false, reason: reasonOf(error) };
  }
}

/**
 * How many sessions this process may hold at once on one WebDriver endpoint. A WebKitWebDriver serves one,
 * a Grid as many as its nodes: learned, not configured — when the endpoint refuses a session while we hold
 * live ones, what we hold is its capacity, and the launch waits for one of ours to end. Only sessions the
 * endpoint accepted count: two launches refused at once (someone else holds it) must not wait for each other.
 */
export class EndpointSlots {
  private active = 0;
  private live = 0;
  private capacity = Number.POSITIVE_INFINITY;
  private readonly waiting: (() => void)[] = [];

  async acquire(): Promise<void> {
    while (this.active >= this.capacity) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
  }

  /** The endpoint accepted a session on this slot. */
  accepted(): void {
    this.live += 1;
  }

  release(wasLive: boolean): void {
    this.active = Math.max(0, this.active - 1);
    if (wasLive) this.live = Math.max(0, this.live - 1);
    this.waiting.shift()?.();
  }

  /** After a refused slot was released: true when we hold accepted sessions (wait for one), false when the refusal was not ours. */
  refused(): boolean {
    if (this.live < 1) return false;
    this.capacity = this.live;
    return true;
  }
}

const slotsByEndpoint = new Map<string, EndpointSlots>();

export function slotsFor(url: string): EndpointSlots {
  let slots = slotsByEndpoint.get(url);
  if (!slots) slotsByEndpoint.set(url, (slots = new EndpointSlots()));
  return slots;
}

/** Whether a failed session start was the endpoint refusing one more session (not a capability mismatch). */
export function isBusyRefusal(error: unknown): boolean {
  const e = (error as { cause?: unknown })?.cause ?? error;
  return e instanceof WebDriverError && e.error === 'session not created' && /maximum|active session|already|no (free|available) (slot|node)|capacity/i.test(e.message);
}

/**
 * A WebDriver endpoint someone else started. It is not ours to kill: `reset()` deletes the session we hold
 * (a new one follows), `close()` deletes it and gives the slot back. Crashes show as WebDriver errors only.
 */
export class RemoteWebDriver implements WebDriverHost {
  readonly shared = true;
  readonly client: WebDriverClient;
  private held: string | null = null;
  private deleting: Promise<void> = Promise.resolve();
  private closed = false;
  /** The endpoint accepted a session of ours on this slot. */
  private accepted = false;

  constructor(
    readonly endpoint: RemoteEndpoint,
    private readonly capabilities: (proxyUrl: string) => Record<string, unknown>,
    private readonly slots: EndpointSlots,
  ) {
    this.client = new WebDriverClient(endpoint.url.replace(/\/$/, ''));
  }

  async ensure(): Promise<WebDriverClient> {
    return this.client;
  }

  alive(): boolean {
    return !this.closed;
  }

  browserAlive(): boolean {
    return !this.closed;
  }

  async newSession(proxyUrl: string, timeoutMs: number): Promise<{ sessionId: string; capabilities: Record<string, unknown> }> {
    await this.deleting;
    // One session at a time per host: the one before goes first (a WebKitWebDriver holds only one).
    if (this.held) await this.client.deleteSession(this.held, 5000).catch(() => undefined);
    this.held = null;
    if (this.closed) throw new WebDriverError('invalid session id', 'the session is closed');
    const created = await this.client.newSession(this.capabilities(proxyUrl), timeoutMs);
    if (this.closed) {
      // Asked for before close() and answered after it: not left behind on someone else's driver.
      await this.client.deleteSession(created.sessionId, 5000).catch(() => undefined);
      throw new WebDriverError('invalid session id', 'the session is closed');
    }
    this.held = created.sessionId;
    if (!this.accepted) this.slots.accepted();
    this.accepted = true;
    return created;
  }

  reset(): void {
    const id = this.held;
    this.held = null;
    if (id) this.deleting = this.deleting.then(() => this.client.deleteSession(id, 5000).catch(() => undefined));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.reset();
    this.closed = true;
    await this.deleting;
    this.slots.release(this.accepted);
  }
}

/** What a WebDriver engine file says about sessions on an endpoint someone else started. */
export interface WebDriverSpec {
  browser: BrowserId;
  name: string;
  /** The new-session capabilities of a browser behind `proxyUrl`. */
  capabilities: (proxyUrl: string) => Record<string, unknown>;
  /** The engine's session on a host (warmed up by `warmUp`). */
  session: (host: WebDriverHost, proxyUrl: string) => EngineSession & { warmUp(timeoutMs: number): Promise<void> };
}

/**
 * A WebDriver endpoint (a WebKitWebDriver started elsewhere, a Selenium Grid). A launch takes a slot on the
 * endpoint first; a session refused while we hold others waits for one of ours to end, then tries again.
 */
export function webdriverEngine(spec: WebDriverSpec, endpoint: RemoteEndpoint): RemoteEngine {
  const shown = shownEndpoint(endpoint);
  const slots = slotsFor(endpoint.url);
  return {
    browser: spec.browser,
    endpoint,
    detect: async () => remoteAvailability(endpoint),
    probe: (timeoutMs) => probeWebDriver(endpoint, timeoutMs),
    async launch(options: LaunchOptions): Promise<EngineSession> {
      for (;;) {
        await slots.acquire();
        const session = spec.session(new RemoteWebDriver(endpoint, spec.capabilities, slots), options.proxyUrl);
        try {
          await session.warmUp(90_000);
          return session;
        } catch (error) {
          await session.close();
          if (isBusyRefusal(error) && slots.refused()) continue;
          const busy = isBusyRefusal(error) ? ' (another client holds its session: a WebKitWebDriver serves one at a time)' : '';
          throw new EngineError('CSPH_ENGINE_LAUNCH', `csp-harness: the ${spec.name} WebDriver endpoint ${shown} gave no session${busy}: ${reasonOf(error)}`, { cause: error });
        }
      }
    },
  };
}
