// The public types of `csp-harness/playwright`: a violation as the harness models it (src/shared/
// vocabulary.ts), with the document it happened in and the smallest fix (src/policy/advise.ts).
import type { Fix } from '../policy/advise.ts';
import type { ReportViolation, Signal } from '../shared/vocabulary.ts';

/** The smallest change to the page's policy that lets the blocked thing through. */
export type CspFix = Fix;

export interface CspViolation extends ReportViolation {
  /** The document whose policy was violated, where a channel said (event, report); else the page's main document. */
  documentURL: string | null;
  /** The smallest fix, from the policy that blocked; null when no source list can allow it (Trusted Types) or no policy was seen. */
  fix: CspFix | null;
}

/**
 * What a test tolerates:
 * - a directive name (`'img-src'`): violations of it, and of the directives that fall back to it
 *   (`'script-src'` covers `script-src-elem` and `script-src-attr`, `'default-src'` every fetch directive);
 * - any other string: the blocked URI — exact (`'inline'`, `'eval'`, `'data'`, a URL), an origin
 *   (`'https://cdn.example.net'`: every URL of it), or a glob with `*` (`'https://*.example.net/*'`);
 * - a RegExp, tested against the blocked URI;
 * - `{ directive?, blockedURI?, disposition? }`: every given field must match (as above);
 * - a predicate on the violation.
 */
export type CspAllowRule =
  | string
  | RegExp
  | { directive?: string; blockedURI?: string | RegExp; disposition?: 'enforce' | 'report' }
  | ((violation: CspViolation) => boolean);

export type CspAllow = CspAllowRule | readonly CspAllowRule[];

/** Whether a channel was read during the test, and what it means where it was not. */
export interface CspSignalCoverage {
  signal: Signal;
  collected: boolean;
  note: string;
}

/** A policy the fixture saw, on which document, how delivered. */
export interface CspSeenPolicy {
  documentURL: string;
  value: string;
  disposition: 'enforce' | 'report';
  source: 'header' | 'meta';
}

export interface CspCheckOptions {
  /** Violations to tolerate (added to the `cspAllow` fixture option). */
  allow?: CspAllow;
  /** Count report-only violations too (default true: a report-only policy is being tried out, its violations matter). */
  reportOnly?: boolean;
  /** How long the channels must stay quiet before reading (default 300 ms; reports come a little after the event). */
  quietMs?: number;
}
