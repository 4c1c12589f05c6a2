import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../engines/chromium.ts';
import { launchOptionsFor, missingBrowserMessage, WEBKIT_INSTALL } from './browsers.ts';

describe('launchOptionsFor', () => {
  it.each([
    ["Playwright's own Chromium: its defaults", 'chromium', { source: 'playwright', executable: '/root/.cache/ms-playwright/chromium-1/chrome' }, {}],
    ["Debian's chromium: its binary, the harness's flags", 'chromium', { source: 'system', executable: '/usr/lib/chromium/chromium' }, { executablePath: '/usr/lib/chromium/chromium', args: [...CHROMIUM_ARGS] }],
    ["Playwright's own Firefox (Juggler): its defaults", 'firefox', { source: 'playwright', executable: '/x/firefox' }, {}],
    ['nothing found', 'firefox', { source: null, executable: null }, {}],
  ] as const)('%s', (_name, browser, found, expected) => {
    expect(launchOptionsFor(browser, found)).toEqual(expected);
  });

  it("Debian's firefox-esr: over WebDriver BiDi (channel moz-firefox), quiet preferences", () => {
    const options = launchOptionsFor('firefox', { source: 'system', executable: '/usr/bin/firefox-esr' });
    expect(options).toMatchObject({ channel: 'moz-firefox', executablePath: '/usr/bin/firefox-esr' });
    expect(options.firefoxUserPrefs).toMatchObject({ 'app.update.enabled': false, 'toolkit.telemetry.enabled': false });
  });
});

describe('missingBrowserMessage', () => {
  it.each([
    ['webkit', 'auto', [`\`${WEBKIT_INSTALL}\``, "Playwright's own WebKit is not installed", "cannot drive this machine's WebKitGTK", 'npx csp-harness run --browser webkit']],
    ['webkit', 'system', ["the project asks for the system's WebKit", `\`${WEBKIT_INSTALL}\``]],
    ['chromium', 'auto', ['cannot run the chromium project: Chromium is not installed; install it: sudo apt-get install -y chromium (or: npx playwright install chromium)']],
  ] as const)('%s (%s)', (browser, source, parts) => {
    const message = missingBrowserMessage(browser, { install: 'sudo apt-get install -y chromium (or: npx playwright install chromium)' }, source);
    expect(message.startsWith('csp-harness: ')).toBe(true);
    for (const part of parts) expect(message).toContain(part);
  });
});
