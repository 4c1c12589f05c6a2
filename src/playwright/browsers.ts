// Which browser a Playwright Test project runs on this machine, found the way src/engines/ finds it:
// Playwright's own build where installed (unless the project asks for the system's), else the
// system's — Debian's chromium with the harness's flags, firefox-esr over WebDriver BiDi
// (`channel: 'moz-firefox'`). WebKit only as Playwright's own build: Playwright Test cannot drive
// WebKitGTK (the harness drives it over classic WebDriver, ../shared/design/browsers.md).
import { existsSync } from 'node:fs';
import type { LaunchOptions } from 'playwright';
import { webkit } from 'playwright';
import { CHROMIUM_ARGS, chromiumEngine } from '../engines/chromium.ts';
import { firefoxEngine, LEAN_PREFS, QUIET_PREFS } from '../engines/firefox.ts';
import type { BrowserSource, EngineAvailability } from '../engines/types.ts';
import type { BrowserId } from '../shared/vocabulary.ts';

/** Where a project's browser comes from: as `csp-harness run --browser-source`. */
export type CspBrowserSource = BrowserSource;

/** What the fixture found for a project's browser. */
export interface CspBrowser {
  browser: BrowserId;
  /** `playwright` (Playwright's own build), `system` (the distribution's), or null: none usable. */
  source: 'playwright' | 'system' | null;
  executable: string | null;
  /** Launch options for Playwright Test (`use.launchOptions`). */
  launchOptions: LaunchOptions;
  /** Why the project cannot run, naming the command that installs what is missing; null when it can. */
  problem: string | null;
}

export const WEBKIT_INSTALL = 'npx playwright install webkit';
export const WEBKIT_DEPS = 'sudo npx playwright install-deps webkit';

/** The message of a project whose browser is missing (pure: unit-tested). */
export function missingBrowserMessage(browser: BrowserId, found: Pick<EngineAvailability, 'install'>, source: CspBrowserSource): string {
  if (browser === 'webkit') {
    const why = source === 'system' ? "the project asks for the system's WebKit, but" : "Playwright's own WebKit is not installed, and";
    return (
      `csp-harness: cannot run the webkit project: ${why} Playwright Test cannot drive this machine's WebKitGTK ` +
      `(WebKitWebDriver + MiniBrowser). Install Playwright's WebKit: \`${WEBKIT_INSTALL}\` (its libraries: \`${WEBKIT_DEPS}\`), ` +
      `or test WebKit with the harness itself: \`npx csp-harness run --browser webkit\`.`
    );
  }
  const name = browser === 'chromium' ? 'Chromium' : 'Firefox';
  return `csp-harness: cannot run the ${browser} project: ${name} is not installed; install it: ${found.install ?? `npx playwright install ${browser}`}`;
}

/** Launch options for a found build (pure: unit-tested). Playwright's own builds need none. */
export function launchOptionsFor(browser: BrowserId, found: Pick<EngineAvailability, 'source' | 'executable'>): LaunchOptions {
  if (found.source !== 'system' || found.executable === null) return {};
  if (browser === 'chromium') return { executablePath: found.executable, args: [...CHROMIUM_ARGS] };
  // firefox-esr is driven over WebDriver BiDi; Playwright's Juggler protocol needs its own patched build.
  if (browser === 'firefox') return { channel: 'moz-firefox', executablePath: found.executable, firefoxUserPrefs: { ...QUIET_PREFS, ...LEAN_PREFS } };
  return {};
}

async function detect(browser: BrowserId, source: CspBrowserSource): Promise<Pick<EngineAvailability, 'source' | 'executable' | 'install' | 'available'>> {
  if (browser === 'chromium') return chromiumEngine.detect(source);
  if (browser === 'firefox') return firefoxEngine.detect(source);
  // WebKit: Playwright's own build or nothing.
  let executable: string | null = null;
  if (source !== 'system') {
    try {
      const path = webkit.executablePath();
      executable = path && existsSync(path) ? path : null;
    } catch {
      executable = null;
    }
  }
  return { available: executable !== null, source: executable ? 'playwright' : null, executable, install: executable ? null : WEBKIT_INSTALL };
}

/** The browser a project of `browser` runs on this machine, or why it cannot. */
export async function findBrowser(browser: BrowserId, source: CspBrowserSource = 'auto'): Promise<CspBrowser> {
  const found = await detect(browser, source);
  if (!found.available || found.executable === null) {
    return { browser, source: null, executable: null, launchOptions: {}, problem: missingBrowserMessage(browser, found, source) };
  }
  return { browser, source: found.source, executable: found.executable, launchOptions: launchOptionsFor(browser, found), problem: null };
}
