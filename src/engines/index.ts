// The engines by browser id; remote ones (--connect, --webdriver: decisions/0017) in place of local ones.
import type { BrowserId } from '../shared/vocabulary.ts';
import { chromiumEngine, connectChromium } from './chromium.ts';
import { connectFirefox, firefoxEngine } from './firefox.ts';
import type { RemoteEndpoint, RemoteEngine } from './remote.ts';
import type { Engine } from './types.ts';
import { webdriverWebKit, webkitEngine } from './webkit.ts';

export const ENGINES: Readonly<Record<BrowserId, Engine>> = {
  chromium: chromiumEngine,
  firefox: firefoxEngine,
  webkit: webkitEngine,
};

/** The engine that reaches a remote endpoint (parseRemotes has checked which engine takes which flag). */
export function remoteEngine(endpoint: RemoteEndpoint): RemoteEngine {
  if (endpoint.via === 'webdriver' && endpoint.browser === 'webkit') return webdriverWebKit(endpoint);
  if (endpoint.via === 'connect' && endpoint.browser === 'firefox') return connectFirefox(endpoint);
  if (endpoint.via === 'connect' && endpoint.browser === 'chromium') return connectChromium(endpoint);
  throw new Error(`no ${endpoint.via} engine for ${endpoint.browser}`);
}

/** ENGINES with each remote engine in place of the local one of its browser. */
export function enginesWith(remotes: readonly RemoteEngine[]): Readonly<Record<BrowserId, Engine>> {
  return { ...ENGINES, ...Object.fromEntries(remotes.map((r) => [r.browser, r])) };
}
