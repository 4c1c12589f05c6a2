// Firefox through Playwright over WebDriver BiDi (`channel: 'moz-firefox'`) with Debian's firefox-esr,
// or Playwright's own (Juggler) Firefox where installed. The proxy goes in as preferences: the
// `proxy` launch option is not applied over BiDi (../shared/design/browsers.md).
import { existsSync } from 'node:fs';
import { firefox } from 'playwright';
import { defineEngine } from './detect.ts';
import { HARNESS_HANDLES_SIGNALS, PlaywrightSession } from './playwrightSession.ts';
import { connectedEngine, type RemoteEndpoint, type RemoteEngine } from './remote.ts';
import type { Engine } from './types.ts';

const SYSTEM_FIREFOX = ['/usr/bin/firefox-esr', '/usr/bin/firefox'];

export function proxyPrefs(proxyUrl: string): Record<string, string | number | boolean> {
  const url = new URL(proxyUrl);
  const port = Number(url.port);
  return {
    'network.proxy.type': 1,
    'network.proxy.http': url.hostname,
    'network.proxy.http_port': port,
    'network.proxy.ssl': url.hostname,
    'network.proxy.ssl_port': port,
    'network.proxy.allow_hijacking_localhost': true,
    'network.proxy.no_proxies_on': '',
    'network.proxy.share_proxy_settings': true,
  };
}

/** Firefox's own background traffic (updates, telemetry, captive portal, safe browsing, remote settings). */
export const QUIET_PREFS: Record<string, string | number | boolean> = {
  'app.update.enabled': false,
  'app.update.auto': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'browser.ping-centre.telemetry': false,
  'extensions.update.enabled': false,
  'browser.search.update': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
};

/**
 * Fewer processes per browser (decisions/0011): one content process instead of one per site
 * (Fission) plus its pool, extensions and media decoding in the parent, no separate socket process.
 * Enforcement of a policy does not depend on which process a document lives in; memory does: with
 * Firefox's defaults it alone took 2.3 GiB of the seed matrix's 3.6 GiB peak. `CSPH_FIREFOX_PROCESSES=default`
 * keeps Firefox's own process model (to compare).
 */
export const LEAN_PREFS: Record<string, string | number | boolean> =
  process.env.CSPH_FIREFOX_PROCESSES === 'default'
    ? {}
    : {
        'fission.autostart': false,
        'dom.ipc.processCount': 1,
        'dom.ipc.processCount.webIsolated': 1,
        'dom.ipc.processPrelaunch.enabled': false,
        'extensions.webextensions.remote': false,
        'media.rdd-process.enabled': false,
        'network.process.enabled': false,
      };

/** Cells share a page (playwrightSession.ts): no finished cell's document kept in the back/forward cache. */
export const ISOLATION_PREFS: Record<string, string | number | boolean> = { 'browser.sessionhistory.max_total_viewers': 0 };

export const firefoxEngine: Engine = defineEngine(
  {
    browser: 'firefox',
    name: 'Firefox',
    playwright: firefox,
    system: () => SYSTEM_FIREFOX.find((p) => existsSync(p)) ?? null,
    install: { system: 'sudo apt-get install -y firefox-esr', playwright: 'npx playwright install firefox' },
  },
  async (found, options) => {
    const executablePath = found.executable;
    const firefoxUserPrefs = { ...QUIET_PREFS, ...LEAN_PREFS, ...ISOLATION_PREFS, ...proxyPrefs(options.proxyUrl) };
    const own = found.source === 'playwright';
    return PlaywrightSession.start(
      {
        browser: 'firefox',
        processNeedle: 'firefox',
        // Not shared (decisions/0013): a shared context let a sound an earlier cell loaded play past the next cell's media-src.
        shareContext: false,
        launch: () =>
          own
            ? firefox.launch({ executablePath, firefoxUserPrefs, proxy: { server: options.proxyUrl }, timeout: 60_000, ...HARNESS_HANDLES_SIGNALS })
            : firefox.launch({ channel: 'moz-firefox', executablePath, firefoxUserPrefs, timeout: 60_000, ...HARNESS_HANDLES_SIGNALS }),
      },
      options,
    );
  },
);

/**
 * A Firefox browser server (`firefox.launchServer`, Debian's firefox-esr over BiDi with `channel:
 * 'moz-firefox'`) reached with `--connect firefox=ws://…` (decisions/0017). Its proxy is set per context:
 * Playwright 1.64.1 sends BiDi's `browser.createUserContext` a proxy, which firefox-esr 153 applies to
 * https too (the launch option, by contrast, is not applied: ../shared/design/browsers.md).
 */
export function connectFirefox(endpoint: RemoteEndpoint): RemoteEngine {
  return connectedEngine({ browser: 'firefox', name: 'Firefox', type: firefox, shareContext: false }, endpoint);
}

/** What a Firefox browser server should be started with to behave as the local engine does (prefs; no proxy). */
export function browserServerOptions(): { channel?: string; executablePath: string | undefined; firefoxUserPrefs: Record<string, string | number | boolean> } {
  const executablePath = SYSTEM_FIREFOX.find((p) => existsSync(p));
  return { ...(executablePath ? { channel: 'moz-firefox' } : {}), executablePath, firefoxUserPrefs: { ...QUIET_PREFS, ...LEAN_PREFS, ...ISOLATION_PREFS } };
}
