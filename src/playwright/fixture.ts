// The Playwright Test fixture: every context a test gets is watched by a CspCollector from the moment
// it is made; `csp` reads it; `cspMode: 'fail'` fails the test on what remains after `cspAllow`; the
// project's browser is found on this machine (browsers.ts), and a project whose browser cannot run
// fails (or skips) with the command that installs it before Playwright tries to launch it.
import { test as base, type LaunchOptions, type Page, type TestInfo } from '@playwright/test';
import { partition } from './allow.ts';
import { findBrowser, type CspBrowser, type CspBrowserSource } from './browsers.ts';
import { CspCollector, collectorOf } from './collector.ts';
import { failureMessage, missingChannels } from './message.ts';
import type { CspAllow, CspCheckOptions, CspSeenPolicy, CspSignalCoverage, CspViolation } from './types.ts';

export interface CspTestOptions {
  /** `collect` (default): only the matcher and `csp` judge. `fail`: every test fails on violations left after `cspAllow`. */
  cspMode: 'collect' | 'fail';
  /** Violations every check of the test tolerates (the matcher's `allow` adds to it). */
  cspAllow: CspAllow | undefined;
  /** Intercept the policy's report-uri endpoints and read the reports (`collect`, default), or leave them alone (`off`). */
  cspReports: 'collect' | 'off';
  /** A project whose browser cannot run here: `fail` (default) or `skip`, both with the install command. */
  cspMissingBrowser: 'fail' | 'skip';
}

export interface CspWorkerOptions {
  /** Where the project's browser comes from, as `csp-harness run --browser-source`: `auto` (default), `system`, `playwright`. */
  cspBrowserSource: CspBrowserSource;
}

/** The `csp` fixture. */
export interface Csp {
  /** Every violation seen in this test's context (or on one page), after the channels went quiet; `allow` leaves some out. */
  violations(options?: CspCheckOptions & { page?: Page }): Promise<CspViolation[]>;
  /** Which channels were read, and why one was not. */
  signals(): CspSignalCoverage[];
  /** The policies seen: response headers and <meta>, per document. */
  policies(): CspSeenPolicy[];
  /** Waits until the channels have been quiet for `quietMs` (default 300). */
  settle(quietMs?: number): Promise<void>;
  /** Forgets what was seen so far (for a test that checks several steps). */
  clear(): void;
}

interface InternalTestFixtures {
  _cspBrowserCheck: void;
}
interface InternalWorkerFixtures {
  _cspBrowser: CspBrowser;
}

/** Annotations for what a test could not see: a channel not read, a page without a policy. */
export function annotate(testInfo: TestInfo, collector: CspCollector): void {
  const notes = missingChannels(collector.coverage());
  if (collector.sawNoPolicy()) notes.push('no Content-Security-Policy was seen on any document of this test: nothing could be violated');
  for (const description of notes) {
    if (!testInfo.annotations.some((a) => a.type === 'csp-harness' && a.description === description)) testInfo.annotations.push({ type: 'csp-harness', description });
  }
}

// Playwright's Fixtures type has no `option` flag for a fixture it defines; the runtime needs it so a
// project's own `use.launchOptions` still replaces this default.
const launchOptionsFixture = [
  async ({ _cspBrowser }: { _cspBrowser: CspBrowser }, use: (options: LaunchOptions) => Promise<void>) => use(_cspBrowser.launchOptions),
  { scope: 'worker', option: true },
] as unknown as [(args: { _cspBrowser: CspBrowser }, use: (options: LaunchOptions) => Promise<void>) => Promise<void>, { scope: 'worker' }];

export const test = base.extend<CspTestOptions & InternalTestFixtures & { csp: Csp }, CspWorkerOptions & InternalWorkerFixtures>({
  cspMode: ['collect', { option: true }],
  cspAllow: [undefined, { option: true }],
  cspReports: ['collect', { option: true }],
  cspMissingBrowser: ['fail', { option: true }],
  cspBrowserSource: ['auto', { option: true, scope: 'worker' }],

  _cspBrowser: [async ({ browserName, cspBrowserSource }, use) => use(await findBrowser(browserName, cspBrowserSource)), { scope: 'worker' }],
  launchOptions: launchOptionsFixture,

  _cspBrowserCheck: async ({ _cspBrowser, launchOptions, cspMissingBrowser }, use, testInfo) => {
    // A project's own launchOptions are its own business: Playwright's launch error will speak.
    if (launchOptions === _cspBrowser.launchOptions && _cspBrowser.problem) {
      if (cspMissingBrowser === 'skip') testInfo.skip(true, _cspBrowser.problem);
      throw new Error(_cspBrowser.problem);
    }
    await use();
  },

  // Listed before `context`, so a browser that cannot run is named before Playwright launches it.
  context: async ({ _cspBrowserCheck, bypassCSP, cspReports, cspMode, cspAllow, browserName, context }, use, testInfo) => {
    if (bypassCSP) throw new Error('csp-harness: bypassCSP is on for this test, so the browser ignores the page\'s policy and no violation can happen. Remove bypassCSP from the test\'s or project\'s "use".');
    const collector = await CspCollector.attach(context, { reports: cspReports, allow: cspAllow });
    await use(context);
    if (cspMode === 'fail') {
      await collector.settle();
      const { counted, allowed } = partition(collector.violations(), cspAllow);
      annotate(testInfo, collector);
      if (counted.length > 0) {
        const page = context.pages().at(-1);
        throw new Error(failureMessage(counted, { pageURL: page?.url() ?? '(no page)', browser: browserName, coverage: collector.coverage(), allowed: allowed.length, noPolicy: collector.sawNoPolicy() }));
      }
      return;
    }
    annotate(testInfo, collector);
  },

  csp: async ({ context }, use) => {
    const collector = collectorOf(context)!;
    await use({
      async violations(options = {}) {
        await collector.settle(options.quietMs);
        const all = collector.violations(options.page);
        return options.allow === undefined && options.reportOnly === undefined ? all : partition(all, options.allow, options.reportOnly ?? true).counted;
      },
      signals: () => collector.coverage(),
      policies: () => collector.policies(),
      settle: (quietMs) => collector.settle(quietMs),
      clear: () => collector.clear(),
    });
  },
});
