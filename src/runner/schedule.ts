// Which browser a free worker serves next. Each worker holds one browser session; it keeps its
// browser while that browser has cells left, then moves to the browser with the most work per
// session — but only when enough is left to pay for launching another browser.
import type { BrowserId } from '../shared/vocabulary.ts';

/** Relative time of one cell, measured on this machine (decisions/0003): Firefox slowest, WebKit fastest. */
export const CELL_COST: Readonly<Record<BrowserId, number>> = { chromium: 1, firefox: 1.3, webkit: 0.6 };
/** A worker switches browsers only if at least this many cells (cost-weighted) per session are left. */
export const SWITCH_THRESHOLD = 4;

export interface Workload {
  /** Cells not started yet, per browser. */
  remaining: ReadonlyMap<BrowserId, number>;
  /** Workers serving each browser now. */
  workers: ReadonlyMap<BrowserId, number>;
}

export function pickBrowser(current: BrowserId | null, load: Workload): BrowserId | null {
  if (current !== null && (load.remaining.get(current) ?? 0) > 0) return current;
  let best: BrowserId | null = null;
  let bestScore = 0;
  for (const [browser, left] of load.remaining) {
    if (left === 0) continue;
    const score = (left * CELL_COST[browser]) / ((load.workers.get(browser) ?? 0) + 1);
    if (score > bestScore) {
      best = browser;
      bestScore = score;
    }
  }
  if (best === null) return null;
  // A new worker (current null) always starts; a switching one needs enough work to pay its launch.
  const alreadyServed = (load.workers.get(best) ?? 0) > 0;
  if (current !== null && alreadyServed && bestScore < SWITCH_THRESHOLD) return null;
  return best;
}
