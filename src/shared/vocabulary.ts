// The words every layer shares: browsers, deliveries, signals, statuses, violations. Below every
// other folder of src/: it imports nothing.

export type BrowserId = 'chromium' | 'firefox' | 'webkit';
export const BROWSERS: readonly BrowserId[] = ['chromium', 'firefox', 'webkit'];

/** How a candidate policy reaches the page. */
export type DeliveryId = 'header' | 'meta' | 'report-only' | 'header+meta';
export const DELIVERIES: readonly DeliveryId[] = ['header', 'meta', 'report-only', 'header+meta'];

export type CellStatus = 'pass' | 'fail' | 'error' | 'skipped';
export type Expectation = 'pass' | 'fail';
export type Outcome = 'expected' | 'unexpected';
/** The channels a violation can be seen on. */
export type Signal = 'console' | 'pageerror' | 'event' | 'report';
export type ViolationKind = 'url' | 'inline' | 'eval' | 'wasm' | 'trusted-types';
export type Disposition = 'enforce' | 'report';

export interface ReportViolation {
  disposition: Disposition;
  effectiveDirective: string;
  /** As reports carry it: a URL, or `inline` / `eval` / `data` / `blob` … */
  blockedURI: string;
  kind: ViolationKind;
  signals: Signal[];
}

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

/** A candidate policy as the user wrote it (it may hold the site context's placeholders). */
export interface ReportPolicy {
  value: string;
  delivery: DeliveryId;
  /** The user's own report-to / report-uri directives: kept as data, never served (decisions/0002). */
  userReporting?: string[];
}

/** An error whose `code` (`CSPH_…`) is stable: scripts and tests match on it, never on the message. */
export class HarnessError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
