// Bare page loaders for the benchmark: the same browsers and flags as the engines, none of the
// harness's work (no listener, no collectors, no settling, no screenshots).
import { spawn } from 'node:child_process';
import { chromium, firefox, type Browser, type Page } from 'playwright';
import { CHROMIUM_ARGS } from '../../src/engines/chromium.ts';
import { proxyPrefs, QUIET_PREFS } from '../../src/engines/firefox.ts';
import { kill, track } from '../../src/engines/processes.ts';
import { freePort, WebDriverClient } from '../../src/engines/webdriver.ts';
import { MINIBROWSER_PATHS, WEBKIT_DRIVER } from '../../src/engines/webkit.ts';
import { acquireDisplay } from '../../src/engines/xvfb.ts';
import { existsSync } from 'node:fs';
import type { BrowserId } from '../../src/shared/vocabulary.ts';

export interface BareBrowser {
  /** Load the page and wait for its load event. */
  load(url: string): Promise<void>;
  close(): Promise<void>;
}

const CHROMIUM_BIN = existsSync('/usr/lib/chromium/chromium') ? '/usr/lib/chromium/chromium' : '/usr/bin/chromium';

function playwrightBare(browser: Browser, reuse: boolean): BareBrowser {
  // Reused: one context and one page, navigated from cell to cell (no isolation: a floor only).
  let shared: Promise<Page> | null = null;
  return {
    async load(url) {
      if (reuse) {
        shared ??= browser.newContext({ ignoreHTTPSErrors: true }).then((c) => c.newPage());
        await (await shared).goto(url, { waitUntil: 'load', timeout: 15_000 }).catch(() => undefined);
        return;
      }
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      try {
        const page = await context.newPage();
        await page.goto(url, { waitUntil: 'load', timeout: 15_000 }).catch(() => undefined);
      } finally {
        await context.close();
      }
    },
    close: () => browser.close(),
  };
}

async function webkitBare(proxyUrl: string): Promise<BareBrowser> {
  const display = await acquireDisplay();
  const port = await freePort();
  const child = spawn(WEBKIT_DRIVER, [`--port=${port}`, '--host=local'], { env: { ...process.env, DISPLAY: display.name }, stdio: 'ignore' });
  track(child, 'bench WebKitWebDriver');
  const client = new WebDriverClient(`http://127.0.0.1:${port}`);
  for (let i = 0; i < 100 && !(await client.status(500).catch(() => false)); i++) await new Promise((r) => setTimeout(r, 50));
  const binary = MINIBROWSER_PATHS.find((p) => existsSync(p))!;
  const { sessionId } = await client.newSession(
    { acceptInsecureCerts: true, 'webkitgtk:browserOptions': { binary, args: ['--automation', `--proxy=${proxyUrl}`, '--ignore-tls-errors'] } },
    30_000,
  );
  return {
    load: (url) => client.navigate(sessionId, url, 15_000).catch(() => undefined),
    async close() {
      await client.deleteSession(sessionId).catch(() => undefined);
      if (child.pid) kill(child.pid);
      await display.release();
    },
  };
}

/** A bare loader; `reuse`: one context (WebKit: one session) for every page instead of a fresh one per page. */
export async function launchBare(browser: BrowserId, proxyUrl: string, options: { reuse?: boolean } = {}): Promise<BareBrowser> {
  const reuse = options.reuse === true;
  if (browser === 'chromium') return playwrightBare(await chromium.launch({ executablePath: CHROMIUM_BIN, args: CHROMIUM_ARGS, proxy: { server: proxyUrl } }), reuse);
  if (browser === 'firefox') {
    const port = Number(new URL(proxyUrl).port);
    return playwrightBare(await firefox.launch({ channel: 'moz-firefox', executablePath: '/usr/bin/firefox-esr', firefoxUserPrefs: { ...QUIET_PREFS, ...proxyPrefs(`http://127.0.0.1:${port}`) } } as Parameters<typeof firefox.launch>[0]), reuse);
  }
  return webkitBare(proxyUrl);
}
