// A WebDriver endpoint someone else started (`--webdriver`, decisions/0017): a WebKitWebDriver elsewhere or a
// Selenium Grid. Its reachability probe, the slots this process holds on it (a WebKitWebDriver serves one
// session), the host a WebKit session runs on there (remote.ts has what all remote engines share).
import type { BrowserId } from '../shared/vocabulary.ts';
import { reasonOf, remoteAvailability, shownEndpoint, type ProbeResult, type RemoteEndpoint, type RemoteEngine } from './remote.ts';
import { EngineError, type EngineSession, type LaunchOptions } from './types.ts';
import { WebDriverClient, WebDriverError, type WebDriverHost } from './webdriver.ts';

/**
 * How long a new session may wait on a Selenium Grid. A WebKitWebDriver answers at once (a session, or a
 * refusal: REMOTE_DRIVER_SESSION_TIMEOUT_MS); a Selenium Grid queues a request it has no free slot for and answers `session not created`
 * when its own queue timeout ends (`session-request-timeout`, 300 s by default). A request given up on
 * stays in the Grid's queue and becomes a session nobody deletes, holding the slot until the Grid's
 * session timeout (measured: decisions/0017), so the harness waits longer than the Grid does.
 */
export const REMOTE_SESSION_TIMEOUT_MS = 330_000;

/** How long a new session may take on a WebDriver endpoint that is not a Grid (it queues nothing). */
export const REMOTE_DRIVER_SESSION_TIMEOUT_MS = 60_000;

/**
 * A Selenium Grid's `GET /status` (`{ ready, message, nodes: [{ availability, slots: [{ stereotype, session }] }] }`):
 * its slots for `browserName` on nodes that are up, how many of them are free, and the other browsers it
 * has slots for. Null: not a Grid (a WebKitWebDriver's status has no `nodes`).
 */
export function gridSlots(status: unknown, browserName: string): { slots: number; free: number; others: string[] } | null {
  const nodes = (status as { nodes?: unknown } | null | undefined)?.nodes;
  if (!Array.isArray(nodes)) return null;
  let slots = 0;
  let free = 0;
  const others = new Set<string>();
  for (const node of nodes as { availability?: unknown; slots?: unknown }[]) {
    if (node?.availability !== undefined && node.availability !== 'UP') continue;
    for (const slot of (Array.isArray(node.slots) ? node.slots : []) as { stereotype?: { browserName?: unknown }; session?: unknown }[]) {
      const name = slot?.stereotype?.browserName;
      if (typeof name === 'string' && name.toLowerCase() === browserName.toLowerCase()) {
        slots += 1;
        if (!slot.session) free += 1;
      } else others.add(typeof name === 'string' ? name : '(no browserName)');
    }
  }
  return { slots, free, others: [...others].sort() };
}

/**
 * `GET /status`: any WebDriver answer means reachable; `ready: false` (a session already open) is noted. A
 * Selenium Grid also says how many sessions of `browserName` it serves (`capacity`); one without a slot for
 * it is refused here: it would queue every session until its queue timeout.
 */
export async function probeWebDriver(endpoint: RemoteEndpoint, timeoutMs: number, browserName: string): Promise<ProbeResult & { capacity?: number }> {
  let status: { ready?: boolean; message?: string } | null;
  try {
    status = await new WebDriverClient(endpoint.url.replace(/\/$/, '')).command<{ ready?: boolean; message?: string } | null>('GET', '/status', undefined, timeoutMs);
  } catch (error) {
    return { ok: false, answered: false, reason: reasonOf(error) };
  }
  const grid = gridSlots(status, browserName);
  if (grid && grid.slots === 0) {
    const has = grid.others.length ? `its nodes have slots for ${grid.others.join(', ')}` : 'no node of it is up';
    return {
      ok: false,
      answered: true,
      reason: `a Selenium Grid with no slot for browserName ${browserName} (${has}): it would hold every session in its queue. Add a node relaying to a WebKitWebDriver (README: Remote engines)`,
    };
  }
  if (grid) {
    const note = grid.free < grid.slots ? `${grid.slots - grid.free} of its ${grid.slots} ${browserName} slots are taken: sessions wait in its queue until they are free` : null;
    return { ok: true, version: null, note, capacity: grid.slots };
  }
  const note = status && status.ready === false ? `it says it is not ready${status.message ? ` ("${status.message}")` : ''}: its sessions may be refused while someone else holds them` : null;
  return { ok: true, version: null, note };
}

/**
 * How many sessions this process may hold at once on one WebDriver endpoint. A Selenium Grid says it (its
 * slots, `limit`). A WebKitWebDriver serves one and does not say: learned — when the endpoint refuses a
 * session while we hold live ones, what we hold is its capacity, and the launch waits for one of ours to
 * end. Only sessions the endpoint accepted count: two launches refused at once (someone else holds it)
 * must not wait for each other.
 */
export class EndpointSlots {
  private active = 0;
  private live = 0;
  private capacity = Number.POSITIVE_INFINITY;
  private readonly waiting: (() => void)[] = [];

  private asking: Promise<unknown> = Promise.resolve();

  /**
   * A session request. While the capacity is unknown they go one at a time: WebKitWebDriver 2.50 accepts
   * requests that arrive together (measured: three at once, three session ids, only the last one usable)
   * and refuses a second one only once the first is answered.
   */
  ask<T>(request: () => Promise<T>): Promise<T> {
    if (this.capacity !== Number.POSITIVE_INFINITY) return request();
    const asked = this.asking.then(request);
    this.asking = asked.catch(() => undefined);
    return asked;
  }

  /** The endpoint says how many it serves (a Grid's slots). */
  limit(capacity: number): void {
    this.capacity = Math.max(1, capacity);
    for (const wake of this.waiting.splice(0)) wake();
  }

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

/** A Selenium Grid's answer when a request waited in its queue for its whole `session-request-timeout`. */
export function isQueueTimeout(error: unknown): boolean {
  const e = (error as { cause?: unknown })?.cause ?? error;
  return e instanceof WebDriverError && e.error === 'session not created' && /new session request timed out/i.test(e.message);
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
  /** Session requests not done yet: close() waits for them, so a session answered late is deleted, not left behind. */
  private readonly creating = new Set<Promise<unknown>>();
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

  newSession(proxyUrl: string, timeoutMs: number): Promise<{ sessionId: string; capabilities: Record<string, unknown> }> {
    const asked = this.ask(proxyUrl, timeoutMs);
    const settled = asked.then(() => undefined, () => undefined);
    this.creating.add(settled);
    void settled.then(() => this.creating.delete(settled));
    return asked;
  }

  private async ask(proxyUrl: string, timeoutMs: number): Promise<{ sessionId: string; capabilities: Record<string, unknown> }> {
    await this.deleting;
    // One session at a time per host: the one before goes first (a WebKitWebDriver holds only one).
    if (this.held) await this.client.deleteSession(this.held, 5000).catch(() => undefined);
    this.held = null;
    if (this.closed) throw new WebDriverError('invalid session id', 'the session is closed');
    const created = await this.slots.ask(() => this.client.newSession(this.capabilities(proxyUrl), timeoutMs));
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
    // A request still in a Grid's queue: its session, when it comes, is deleted (ask()).
    await Promise.all(this.creating);
    await this.deleting;
    this.slots.release(this.accepted);
  }
}

/** What a WebDriver engine file says about sessions on an endpoint someone else started. */
export interface WebDriverSpec {
  browser: BrowserId;
  name: string;
  /** The `browserName` its sessions ask for (a Grid routes on it). */
  browserName: string;
  /** The new-session capabilities of a browser behind `proxyUrl`. */
  capabilities: (proxyUrl: string) => Record<string, unknown>;
  /** The engine's session on a host (warmed up by `warmUp`), whose new-session request may wait `newSessionTimeoutMs`. */
  session: (host: WebDriverHost, proxyUrl: string, newSessionTimeoutMs: number) => EngineSession & { warmUp(timeoutMs: number): Promise<void> };
}

/**
 * A WebDriver endpoint (a WebKitWebDriver started elsewhere, a Selenium Grid). A launch takes a slot on the
 * endpoint first (as many as a Grid's status says, else learned); a session refused while we hold others
 * waits for one of ours to end, then tries again.
 */
export function webdriverEngine(spec: WebDriverSpec, endpoint: RemoteEndpoint): RemoteEngine {
  const shown = shownEndpoint(endpoint);
  const slots = slotsFor(endpoint.url);
  let probed: Promise<unknown> | null = null;
  // A Grid queues a session request up to its own timeout, and is waited for longer (REMOTE_SESSION_TIMEOUT_MS);
  // a WebKitWebDriver answers at once, so one that hangs fails in a minute.
  let sessionTimeoutMs = REMOTE_DRIVER_SESSION_TIMEOUT_MS;
  const probe = (timeoutMs: number) => {
    const result = probeWebDriver(endpoint, timeoutMs, spec.browserName).then((r) => {
      if (r.ok && r.capacity !== undefined) {
        slots.limit(r.capacity);
        sessionTimeoutMs = REMOTE_SESSION_TIMEOUT_MS;
      }
      return r;
    });
    probed = result.catch(() => undefined);
    return result;
  };
  return {
    browser: spec.browser,
    endpoint,
    detect: async () => remoteAvailability(endpoint),
    probe,
    async launch(options: LaunchOptions): Promise<EngineSession> {
      // A Grid's slots are read before the first launch (the run's probe, or here): more requests than
      // slots would wait in its queue, where one given up on becomes a session left behind.
      await (probed ??= probe(10_000).catch(() => undefined));
      for (;;) {
        await slots.acquire();
        const session = spec.session(new RemoteWebDriver(endpoint, spec.capabilities, slots), options.proxyUrl, sessionTimeoutMs);
        try {
          await session.warmUp(sessionTimeoutMs + 30_000);
          return session;
        } catch (error) {
          await session.close();
          if (isBusyRefusal(error) && slots.refused()) continue;
          const busy = isBusyRefusal(error)
            ? ' (another client holds its session: a WebKitWebDriver serves one at a time)'
            : isQueueTimeout(error)
              ? ` (a Selenium Grid whose ${spec.browserName} slots stayed taken for its whole session-request-timeout)`
              : '';
          throw new EngineError('CSPH_ENGINE_LAUNCH', `csp-harness: the ${spec.name} WebDriver endpoint ${shown} gave no session${busy}: ${reasonOf(error)}`, { cause: error });
        }
      }
    },
  };
}
