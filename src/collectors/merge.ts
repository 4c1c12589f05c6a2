// One violation seen on several channels (console, pageerror, the securitypolicyviolation event, a
// report) becomes one ReportViolation listing its signals. Two blocked loads of the same URL stay two:
// an observation joins a violation only if that violation has no signal of its channel yet.
import { fallbackList } from '../policy/index.ts';
import type { RawSignal } from '../shared/vocabulary.ts';
import type { ReportViolation, Signal } from '../shared/vocabulary.ts';
import type { CspReport } from './reports.ts';
import { isPageNoise, kindOf, normaliseBlockedURI, normaliseSignal, type NormalisedViolation } from './messages.ts';

export interface MergeOptions {
  /** The site's origins (the site context's): their own noise (Firefox's /favicon.ico) is dropped. */
  siteOrigins?: readonly string[];
  /** Keep that noise all the same. */
  keepPageNoise?: boolean;
}

interface Observation extends NormalisedViolation {
  signal: Signal;
}

interface Pending {
  violation: ReportViolation;
  truncated: boolean;
  /** Which signal gave the fields: reports and events are exact, messages may be truncated or vaguer. */
  rank: number;
  /** A disposition seen on a channel that states it (a WebKit report carries none: it reads as enforce). */
  dispositionStated: boolean;
}

const SIGNAL_ORDER: readonly Signal[] = ['console', 'pageerror', 'event', 'report'];
/** Lower is more exact for directive and blocked URI. */
const RANK: Record<Signal, number> = { report: 0, event: 1, console: 2, pageerror: 2 };

function sameDirective(a: string, b: string): boolean {
  return a === b || fallbackList(a).includes(b) || fallbackList(b).includes(a);
}

/** `https://h` (a report cuts a cross-origin URL to its origin) against `https://h/path?q`. */
function originOnly(uri: string): string | null {
  try {
    const origin = new URL(uri).origin;
    return uri === origin || uri === `${origin}/` ? origin : null;
  } catch {
    return null;
  }
}

function sameURI(a: string, aTruncated: boolean, b: string, bTruncated: boolean): boolean {
  if (a === b) return true;
  if (aTruncated && b.startsWith(a)) return true;
  if (bTruncated && a.startsWith(b)) return true;
  const ao = originOnly(a);
  const bo = originOnly(b);
  try {
    if (ao && ao === new URL(b).origin) return true;
    if (bo && bo === new URL(a).origin) return true;
  } catch {
    return false;
  }
  return false;
}

function matches(p: Pending, o: Observation, strictDisposition: boolean): boolean {
  if (p.violation.signals.includes(o.signal)) return false;
  if (strictDisposition && p.violation.disposition !== o.disposition) return false;
  return sameDirective(p.violation.effectiveDirective, o.effectiveDirective) && sameURI(p.violation.blockedURI, p.truncated, o.blockedURI, o.truncated === true);
}

function fromReport(report: CspReport): Observation {
  const blockedURI = normaliseBlockedURI(report.blockedURI);
  const effectiveDirective = report.effectiveDirective.toLowerCase();
  return { disposition: report.disposition, effectiveDirective, blockedURI, kind: kindOf(blockedURI, effectiveDirective), signal: 'report' };
}

/** Merges a cell's raw signals and the reports that reached the proxy for it into violations. */
export function mergeViolations(signals: readonly RawSignal[], reports: readonly CspReport[], options: MergeOptions = {}): ReportViolation[] {
  const observations: Observation[] = [];
  for (const signal of signals) {
    const v = normaliseSignal(signal);
    if (v) observations.push({ ...v, signal: signal.channel });
  }
  for (const report of reports) observations.push(fromReport(report));
  // Exact channels first, so vaguer ones join them rather than the other way round.
  const order: Record<Signal, number> = { event: 0, report: 1, console: 2, pageerror: 3 };
  observations.sort((a, b) => order[a.signal] - order[b.signal]);

  const merged: Pending[] = [];
  for (const o of observations) {
    // A report never states a report-only disposition in WebKit: let it join either kind.
    const target = merged.find((p) => matches(p, o, true)) ?? (o.signal === 'report' ? merged.find((p) => matches(p, o, false)) : undefined);
    if (!target) {
      merged.push({
        violation: { disposition: o.disposition, effectiveDirective: o.effectiveDirective, blockedURI: o.blockedURI, kind: o.kind, signals: [o.signal] },
        truncated: o.truncated === true,
        rank: RANK[o.signal],
        dispositionStated: o.signal !== 'report',
      });
      continue;
    }
    target.violation.signals.push(o.signal);
    if (RANK[o.signal] < target.rank || (target.truncated && o.truncated !== true)) {
      target.violation.effectiveDirective = o.effectiveDirective;
      target.violation.blockedURI = o.blockedURI;
      target.violation.kind = o.kind;
      target.truncated = o.truncated === true;
      target.rank = RANK[o.signal];
    }
    if (!target.dispositionStated && o.signal !== 'report') {
      target.violation.disposition = o.disposition;
      target.dispositionStated = true;
    }
  }
  return merged
    .map((p) => ({ ...p.violation, signals: SIGNAL_ORDER.filter((s) => p.violation.signals.includes(s)) }))
    .filter((v) => options.keepPageNoise === true || !isPageNoise(v, options.siteOrigins ?? []));
}
