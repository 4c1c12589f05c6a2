// What the fixture says: which channels it read (and why one was not), and the matcher's failure
// message — each violation's directive, blocked URI, signals and smallest fix. Pure.
import type { CspSignalCoverage, CspViolation } from './types.ts';

/** What the collector knows about the channels, for coverageOf(). */
export interface ChannelFacts {
  /** Documents that had a policy, and whether the listener said hello from them. */
  documents: { url: string; listener: boolean; reportUris: string[]; reportTo: boolean }[];
  /** Report bodies read through the intercepted report-uri endpoints. */
  reportsRead: number;
  /** report-uri POSTs whose body the browser's protocol did not give (Firefox over WebDriver BiDi): let through, unread. */
  reportsUnreadable: number;
  /** `cspReports: 'off'`. */
  reportsOff: boolean;
}

export function coverageOf(facts: ChannelFacts): CspSignalCoverage[] {
  const withPolicy = facts.documents;
  const noListener = withPolicy.filter((d) => !d.listener).map((d) => d.url);
  const event: CspSignalCoverage =
    noListener.length === 0
      ? { signal: 'event', collected: true, note: 'securitypolicyviolation listener installed before page scripts' }
      : { signal: 'event', collected: false, note: `no securitypolicyviolation listener ran in ${noListener.join(', ')}` };
  const withReportUri = withPolicy.filter((d) => d.reportUris.length > 0);
  let report: CspSignalCoverage;
  if (facts.reportsOff) report = { signal: 'report', collected: false, note: "not collected (cspReports: 'off')" };
  else if (facts.reportsUnreadable > 0) {
    report = {
      signal: 'report',
      collected: facts.reportsRead > 0,
      note: `${facts.reportsUnreadable} report-uri report(s) could not be read: this browser's protocol gives no request body (Firefox over WebDriver BiDi); they went on to the endpoint`,
    };
  } else if (withReportUri.length === 0) {
    const reportTo = withPolicy.some((d) => d.reportTo);
    report = { signal: 'report', collected: false, note: reportTo ? 'the policy reports only through report-to (the Reporting API): not collected' : 'the policy has no report-uri: no reports' };
  } else report = { signal: 'report', collected: true, note: `report-uri intercepted (${[...new Set(withReportUri.flatMap((d) => d.reportUris))].join(', ')}): ${facts.reportsRead} report(s) read` };
  return [
    { signal: 'console', collected: true, note: 'console messages read' },
    { signal: 'pageerror', collected: true, note: 'page errors read' },
    event,
    report,
  ];
}

/** Channels that were not read, as lines for a message or an annotation. */
export function missingChannels(coverage: readonly CspSignalCoverage[]): string[] {
  return coverage.filter((c) => !c.collected && !/no report-uri: no reports/.test(c.note)).map((c) => `${c.signal}: ${c.note}`);
}

function describe(v: CspViolation): string {
  const dispo = v.disposition === 'report' ? 'reported (report-only)' : 'blocked';
  return `${v.effectiveDirective} ${dispo} ${v.blockedURI}${v.documentURL ? ` on ${v.documentURL}` : ''} (seen on: ${v.signals.join(', ')})`;
}

export function fixLine(v: CspViolation): string {
  if (!v.fix) return v.kind === 'trusted-types' ? 'fix: none in a source list (a Trusted Types policy is needed)' : 'fix: none found in the policies seen';
  return `fix: ${v.fix.result} — ${v.fix.advice}`;
}

export interface FailureContext {
  pageURL: string;
  browser: string | null;
  coverage: readonly CspSignalCoverage[];
  allowed: number;
  /** No policy was seen on any document. */
  noPolicy: boolean;
}

/** The matcher's message when violations remain: every violation's directive, blocked URI and fix. */
export function failureMessage(counted: readonly CspViolation[], ctx: FailureContext): string {
  const head = `csp-harness: ${counted.length} CSP violation${counted.length === 1 ? '' : 's'} on ${ctx.pageURL}${ctx.browser ? ` in ${ctx.browser}` : ''}:`;
  const lines = counted.map((v, i) => `  ${i + 1}. ${describe(v)}\n     ${fixLine(v)}`);
  const tail: string[] = [];
  if (ctx.allowed > 0) tail.push(`(${ctx.allowed} more allowed by the test)`);
  const missing = missingChannels(ctx.coverage);
  if (missing.length > 0) tail.push(`Not read: ${missing.join('; ')}`);
  return [head, ...lines, ...tail].join('\n');
}

/** The message of `.not.toHaveNoCspViolations()` passing unexpectedly, and of a clean page (for logs). */
export function cleanMessage(ctx: FailureContext): string {
  const missing = missingChannels(ctx.coverage);
  const read = ctx.coverage.filter((c) => c.collected).map((c) => c.signal).join(', ');
  return [
    `csp-harness: no CSP violation on ${ctx.pageURL}${ctx.browser ? ` in ${ctx.browser}` : ''} (${ctx.allowed} allowed by the test); channels read: ${read}`,
    ...(ctx.noPolicy ? ['No Content-Security-Policy was seen on any document: nothing could be violated.'] : []),
    ...(missing.length > 0 ? [`Not read: ${missing.join('; ')}`] : []),
  ].join('\n');
}
