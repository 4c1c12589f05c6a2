// `csp-harness/playwright`: a Playwright Test fixture that collects the CSP violations of the user's own
// tests from every channel the engine offers, and a matcher that names each violation's directive,
// blocked URI and smallest fix. README "In your Playwright tests"; decisions/0016.
//
//   import { test, expect } from 'csp-harness/playwright';
//   test('checkout', async ({ page }) => {
//     await page.goto('/checkout');
//     await expect(page).toHaveNoCspViolations({ allow: ['https://www.googletagmanager.com'] });
//   });
import { expect as baseExpect, type BrowserContext, type ExpectMatcherState, type MatcherReturnType, type Page, type PlaywrightTestProject } from '@playwright/test';
import type { BrowserId } from '../shared/vocabulary.ts';
import { allowRules, partition } from './allow.ts';
import type { CspBrowserSource } from './browsers.ts';
import { collectorOf } from './collector.ts';
import { test, type CspTestOptions, type CspWorkerOptions } from './fixture.ts';
import { cleanMessage, failureMessage } from './message.ts';
import type { CspCheckOptions } from './types.ts';

export { test };
export type { Csp, CspTestOptions, CspWorkerOptions } from './fixture.ts';
export type { CspAllow, CspAllowRule, CspCheckOptions, CspFix, CspSeenPolicy, CspSignalCoverage, CspViolation } from './types.ts';
export { findBrowser, type CspBrowser, type CspBrowserSource } from './browsers.ts';
// The config needs these too; importing them from here keeps one copy of @playwright/test in play.
export { defineConfig, devices } from '@playwright/test';

function isPage(target: Page | BrowserContext): target is Page {
  return typeof (target as Page).mainFrame === 'function';
}

export const expect = baseExpect.extend({
  /**
   * Passes when the page (or every page of a context) showed no CSP violation, after the channels went
   * quiet, apart from those `allow` (and the `cspAllow` option) tolerate. The failure message names each
   * violation's directive, blocked URI, the channels that saw it and the smallest fix.
   */
  async toHaveNoCspViolations(this: ExpectMatcherState, target: Page | BrowserContext, options: CspCheckOptions = {}): Promise<MatcherReturnType> {
    const name = 'toHaveNoCspViolations';
    const context = isPage(target) ? target.context() : target;
    const collector = collectorOf(context);
    if (!collector) {
      throw new Error(
        "csp-harness: this page's context was not made by the csp-harness fixture, so nothing was collected. Use the `page` or `context` fixture of `test` imported from 'csp-harness/playwright'.",
      );
    }
    await collector.settle(options.quietMs);
    const page = isPage(target) ? target : undefined;
    const violations = collector.violations(page);
    const { counted, allowed } = partition(violations, [...allowRules(collector.allow), ...allowRules(options.allow)], options.reportOnly ?? true);
    const ctx = {
      pageURL: page ? page.url() : context.pages().map((p) => p.url()).join(', ') || '(no page)',
      browser: context.browser()?.browserType().name() ?? null,
      coverage: collector.coverage(page),
      allowed: allowed.length,
      noPolicy: collector.sawNoPolicy(page),
    };
    const pass = counted.length === 0;
    return {
      name,
      pass,
      expected: [],
      actual: counted.map((v) => ({ effectiveDirective: v.effectiveDirective, blockedURI: v.blockedURI, fix: v.fix?.result ?? null })),
      message: () => (pass ? cleanMessage(ctx) : failureMessage(counted, ctx)),
    };
  },
});

export interface CspProjectsOptions {
  /** The browsers to have a project for (default: all three). */
  browsers?: readonly BrowserId[];
  /** Where each browser comes from (default `auto`: Playwright's own build where installed, else the system's). */
  source?: CspBrowserSource;
  /** More `use` for every project. */
  use?: PlaywrightTestProject<CspTestOptions, CspWorkerOptions>['use'];
}

/**
 * One project per engine (`chromium`, `firefox`, `webkit`), each run on this machine's browser the way
 * the harness runs it: Playwright's own build where installed, else Debian's chromium (with the
 * harness's flags) and firefox-esr (over WebDriver BiDi). WebKit needs Playwright's own build; without
 * it the webkit project's tests fail (or, with `cspMissingBrowser: 'skip'`, skip) naming the install command.
 */
export function cspProjects(options: CspProjectsOptions = {}): PlaywrightTestProject<CspTestOptions, CspWorkerOptions>[] {
  const browsers = options.browsers ?? (['chromium', 'firefox', 'webkit'] as const);
  return browsers.map((browser) => ({
    name: browser,
    use: { ...options.use, browserName: browser, cspBrowserSource: options.source ?? 'auto' },
  }));
}
