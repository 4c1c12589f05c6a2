// What every engine shares: the in-page scripts (harness/), reading their result, settling on quiet
// rather than on events some engine never fires, hard deadlines, and what a cell's load comes to.
import { readFileSync } from 'node:fs';
import type { BrowserId } from '../shared/vocabulary.ts';
import { EngineError, type CellObservation, type DomCheck, type DomCheckResult, type EngineFailure, type ProbeRecord, type RawSignal } from './types.ts';

const harnessFile = (name: string) => readFileSync(new URL(`../../harness/${name}`, import.meta.url), 'utf8');

/** Injected before page scripts: records `securitypolicyviolation` events into `window.__csph.events`. */
export const LISTENER_JS = harnessFile('listener.js');
/** A function expression; `(READ_JS)()` returns the page's probes and recorded events. */
const READ_JS = harnessFile('read.js').trim().replace(/;$/, '');
/** Evaluates to the read result (Playwright `evaluate`). */
export const READ_EXPRESSION = `(${READ_JS})()`;
/** A WebDriver `execute/sync` body. */
export const READ_SCRIPT = `return (${READ_JS})();`;

/** An async function expression clearing a frame's storage (harness/clear.js). */
const CLEAR_JS = harnessFile('clear.js').trim().replace(/;$/, '');
/** Clears the frame's storage (Playwright `evaluate`: the promise is awaited). */
export const CLEAR_EXPRESSION = `(${CLEAR_JS})()`;
/** The same as a WebDriver `execute/sync` body (a returned promise is awaited). */
export const CLEAR_SCRIPT = `return (${CLEAR_JS})();`;

/** A function expression over DomCheck[] (harness/checks.js). */
const CHECKS_JS = harnessFile('checks.js').trim().replace(/;$/, '');
/** Evaluates the DOM checks (Playwright `evaluate`). */
export const checksExpression = (checks: readonly DomCheck[]) => `(${CHECKS_JS})(${JSON.stringify(checks)})`;
/** A WebDriver `execute/sync` body taking the checks as its first argument. */
export const CHECKS_SCRIPT = `return (${CHECKS_JS})(arguments[0]);`;

/** Validates what checks.js returned: one result per check, a missing one failed. */
export function toCheckResults(value: unknown, checks: readonly DomCheck[]): DomCheckResult[] {
  const list = Array.isArray(value) ? value : [];
  return checks.map((_, i) => {
    const r = list[i] as Record<string, unknown> | undefined;
    return typeof r === 'object' && r !== null ? { ok: r.ok === true, detail: str(r.detail) } : { ok: false, detail: 'the check could not be read' };
  });
}

/** How long the page must stay quiet (no request, signal or probe change) to count as settled. */
const QUIET_MS = 300;
/**
 * While a probe is still pending the page must stay quiet longer: a vendor flow that is merely slow
 * (script parse, a frame's own process) must not be cut short — that made verdicts flicker under
 * load. A probe that never finishes (a blocked load fires no event in Firefox and WebKit) costs this.
 */
const PENDING_QUIET_MS = 1000;
const POLL_MS = 75;

export interface PageState {
  probes: ProbeRecord[];
  events: Extract<RawSignal, { channel: 'event' }>[];
  resources: number;
  readyState: string;
}

const EMPTY: PageState = { probes: [], events: [], resources: 0, readyState: '' };

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/** Validates what read.js returned (the page may have overwritten `window.__csph`). */
export function toPageState(value: unknown): PageState {
  if (typeof value !== 'object' || value === null) return EMPTY;
  const v = value as Record<string, unknown>;
  const probes: ProbeRecord[] = Array.isArray(v.probes)
    ? v.probes
        .filter((p): p is Record<string, unknown> => typeof p === 'object' && p !== null)
        .map((p) => ({ feature: str(p.feature), state: p.state === 'ok' || p.state === 'failed' ? p.state : 'pending', detail: str(p.detail) }))
    : [];
  const events: PageState['events'] = Array.isArray(v.events)
    ? v.events
        .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
        .map((e) => ({
          channel: 'event',
          effectiveDirective: str(e.effectiveDirective),
          blockedURI: str(e.blockedURI),
          disposition: e.disposition === 'report' ? 'report' : 'enforce',
          sample: str(e.sample),
        }))
    : [];
  return { probes, events, resources: typeof v.resources === 'number' ? v.resources : 0, readyState: str(v.readyState) };
}

function fingerprint(state: PageState): string {
  return `${state.readyState}|${state.resources}|${state.events.length}|${JSON.stringify(state.probes)}`;
}

export class DeadlineError extends EngineError {
  constructor(message: string) {
    super('CSPH_CELL_TIMEOUT', message);
  }
}

/** Rejects with DeadlineError when `ms` pass first. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what}: no answer within ${Math.max(0, Math.round(ms))} ms`)), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface SettleProbe {
  /** The page's state now (read.js). */
  read(): Promise<PageState>;
  /** Requests in flight, when the engine can tell (Playwright); null when it cannot (WebDriver). */
  inflight(): number | null;
  /** When the engine last saw activity by other means (requests, console), ms epoch; 0 when unknown. */
  lastActivity(): number;
  /** Whether something the cell waits for has not happened yet (CellLoad.waiting): the longer quiet applies. */
  waiting?(): boolean;
  /** Whether the harness has already seen an enforced violation for the cell by other means (a report: CellLoad.violated). */
  violated?(): boolean;
}

/**
 * How long the page must stay quiet before it counts as settled. A pending probe asks for the longer
 * quiet — unless an enforced violation has been seen: then the cell fails whatever the probe comes to
 * (cli.md: a cell passes only with no enforced violation), so its verdict is decided and the usual
 * quiet only collects what else arrives with it. An unmet expectation observed from outside
 * (`waiting`) keeps the longer quiet: there, one feature's violation says nothing of another's.
 */
export function quietNeeded(state: Pick<PageState, 'probes' | 'events'>, waiting: boolean, violated: boolean, quietMs = QUIET_MS): number {
  const pending = state.probes.some((p) => p.state === 'pending');
  const decided = violated || state.events.some((e) => e.disposition === 'enforce');
  return waiting || (pending && !decided) ? Math.max(quietMs, PENDING_QUIET_MS) : quietMs;
}

/**
 * Polls until nothing changed for `quietMs` (no request in flight, no new request, signal or probe
 * state), or until `deadline`. Returns the last state read; never waits on a particular event.
 */
export async function settle(probe: SettleProbe, deadline: number, quietMs = QUIET_MS): Promise<{ state: PageState; quiet: boolean }> {
  let state = await probe.read();
  let last = fingerprint(state);
  let changedAt = Date.now();
  for (;;) {
    const now = Date.now();
    const quietSince = Math.max(changedAt, probe.lastActivity());
    const busy = (probe.inflight() ?? 0) > 0 || state.readyState !== 'complete';
    const needed = quietNeeded(state, probe.waiting?.() === true, probe.violated?.() === true, quietMs);
    if (!busy && now - quietSince >= needed) return { state, quiet: true };
    if (now + POLL_MS >= deadline) return { state, quiet: false };
    await sleep(POLL_MS);
    state = await probe.read();
    const next = fingerprint(state);
    if (next !== last) {
      last = next;
      changedAt = Date.now();
    }
  }
}

/** `CSPH_DEBUG_ENGINES=1`: phase timings of every cell on stderr. */
export function phaseClock(label: string): (phase: string) => void {
  if (!process.env.CSPH_DEBUG_ENGINES) return () => undefined;
  const start = Date.now();
  let last = start;
  return (phase: string) => {
    const now = Date.now();
    process.stderr.write(`[csph ${label}] ${phase} +${now - last} ms (${now - start} ms)\n`);
    last = now;
  };
}

/** A cell's observation so far: the engine's own signals, then the events and probes the page recorded. */
export function cellObservation(started: number, signals: readonly RawSignal[], error: EngineFailure | null, state: PageState | null, screenshot: Buffer | null = null): CellObservation {
  return {
    signals: [...signals, ...(state?.events ?? [])],
    probes: state?.probes ?? [],
    error,
    screenshot,
    durationMs: Date.now() - started,
  };
}

export const SESSION_CLOSED: EngineFailure = { code: 'CSPH_SESSION_CLOSED', message: 'csp-harness: the engine session is closed' };

/**
 * Why a cell failed, first match wins: the browser is gone (`crashed`), the cell's time ran out
 * (`timedOut`), else what the engine said — while navigating to the page or at any other step.
 */
export function cellFailure(browser: BrowserId, error: unknown, how: { crashed: boolean; timedOut: boolean; timeoutMs: number; navigating: boolean }): EngineFailure {
  const message = (error as Error).message.split('\n')[0] ?? String(error);
  if (how.crashed) return { code: 'CSPH_ENGINE_CRASHED', message: `csp-harness: ${browser} crashed or was killed while loading the cell (${message})` };
  if (how.timedOut) return { code: 'CSPH_CELL_TIMEOUT', message: `csp-harness: timed out after ${how.timeoutMs} ms (${message})` };
  const code = error instanceof EngineError ? error.code : how.navigating ? 'CSPH_NAVIGATION' : 'CSPH_ENGINE_ERROR';
  return { code, message: `csp-harness: ${browser}: ${message}` };
}
