// Engines that run elsewhere (decisions/0017): a Playwright browser server reached with `--connect`
// (chromium, firefox), a WebDriver endpoint reached with `--webdriver` (webkit: a WebKitWebDriver or a
// Selenium Grid). What they share lives here: the flags' values checked, the endpoint shown without its
// secret, a reachability probe run before the run starts, and the bits of a session that is not ours to
// kill. The proxy goes on each context or session, never on a launch: the browser started without us.
// WebDriver endpoints' own bits (slots, the session host): remoteWebDriver.ts.
import type { Browser, BrowserType } from 'playwright';
import { BROWSERS, type BrowserId } from '../shared/vocabulary.ts';
import { PlaywrightSession } from './playwrightSession.ts';
import { within } from './settle.ts';
import { EngineError, type Engine, type EngineAvailability, type EngineSession, type LaunchOptions } from './types.ts';

export type RemoteVia = 'connect' | 'webdriver';

export interface RemoteEndpoint {
  browser: BrowserId;
  via: RemoteVia;
  /** As given: `ws://host:port/<guid>` or `http://host:port[/wd/hub]`. */
  url: string;
}

/** Which engines each flag reaches: the ones tested (decisions/0017). */
export const REMOTE_BROWSERS: Readonly<Record<RemoteVia, readonly BrowserId[]>> = { connect: ['chromium', 'firefox'], webdriver: ['webkit'] };

const SCHEMES: Readonly<Record<RemoteVia, readonly string[]>> = { connect: ['ws:', 'wss:'], webdriver: ['http:', 'https:'] };

const EXAMPLE: Readonly<Record<RemoteVia, string>> = {
  connect: 'chromium=ws://ci-browsers:3000/chromium (the wsEndpoint() a Playwright launchServer gives)',
  webdriver: 'webkit=http://ci-browsers:4444 (a WebKitWebDriver --port=4444 --host=all, or a Selenium Grid)',
};

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * `--connect` / `--webdriver` (or the config's `connect` / `webdriver`, named by `configFile`): engine →
 * endpoint. Never throws: a bad entry names the flag or file, the entry, and what to give instead.
 */
export function parseRemotes(via: RemoteVia, entries: Readonly<Record<string, string>>, configFile?: string): Parsed<RemoteEndpoint[]> {
  const out: RemoteEndpoint[] = [];
  for (const [name, url] of Object.entries(entries)) {
    const given = configFile ? `${configFile}: "${via}": { "${name}": "${url}" }` : `--${via} "${name}=${url}"`;
    if (!(BROWSERS as readonly string[]).includes(name)) {
      return { ok: false, message: `${given}: unknown engine "${name}"; --${via} takes ${REMOTE_BROWSERS[via].join(' or ')}, e.g. --${via} ${EXAMPLE[via]}.` };
    }
    const browser = name as BrowserId;
    if (!REMOTE_BROWSERS[via].includes(browser)) {
      const other: RemoteVia = via === 'connect' ? 'webdriver' : 'connect';
      const why = via === 'connect' ? 'WebKit is driven through WebDriver here (WebKitGTK has no Playwright browser server)' : `--webdriver drives WebKit only; ${browser} is reached through a Playwright browser server`;
      return { ok: false, message: `${given}: ${why}. Give --${other} ${browser}=${via === 'connect' ? 'http://host:port' : 'ws://host:port/…'} instead.` };
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { ok: false, message: `${given}: "${url}" is not a URL; give e.g. --${via} ${EXAMPLE[via]}.` };
    }
    if (!SCHEMES[via].includes(parsed.protocol) || parsed.hostname === '') {
      return { ok: false, message: `${given}: --${via} needs a ${SCHEMES[via].map((s) => `${s}//`).join(' or ')} address with a host; give e.g. --${via} ${EXAMPLE[via]}.` };
    }
    out.push({ browser, via, url });
  }
  return { ok: true, value: out };
}

/**
 * The endpoint as reports and messages show it: no credentials, no query; a browser server's path is a
 * secret (anyone who knows it drives the browser), so only its origin is shown.
 */
export function shownEndpoint(endpoint: Pick<RemoteEndpoint, 'via' | 'url'>): string {
  const url = new URL(endpoint.url);
  if (endpoint.via === 'connect') return `${url.protocol}//${url.host}${url.pathname.length > 1 ? '/…' : ''}`;
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, '')}`;
}

/** The report's `remote` field of a remote engine's browser. */
export interface RemoteDescription {
  via: RemoteVia;
  endpoint: string;
}

export interface RemoteEngine extends Engine {
  readonly endpoint: RemoteEndpoint;
  /** Reachable now? Run before the run starts: an unreachable endpoint is bad input (exit 2). */
  probe(timeoutMs: number): Promise<ProbeResult>;
}

/** `answered`: the endpoint answered but is not what the flag says (another engine's server); otherwise it did not answer. */
export type ProbeResult = { ok: true; version: string | null; note: string | null } | { ok: false; answered: boolean; reason: string };

/** A browser server of another engine than the flag names. */
class WrongEngineError extends Error {}

/** A remote engine is always "installed": whether it answers is the probe's to say. */
export function remoteAvailability(endpoint: RemoteEndpoint): EngineAvailability & { remote: RemoteDescription } {
  return { browser: endpoint.browser, available: true, source: null, executable: shownEndpoint(endpoint), install: null, remote: { via: endpoint.via, endpoint: shownEndpoint(endpoint) } };
}

/** An error's first line, for messages. */
export const reasonOf = (error: unknown) => (error instanceof Error ? error.message.split('\n')[0]! : String(error));

/** What a Playwright engine file says about connecting to its browser server. */
export interface ConnectSpec {
  browser: BrowserId;
  name: string;
  type: BrowserType;
  /** As the local engine: whether cells may share a context (decisions/0013). */
  shareContext: boolean;
}

/**
 * A Playwright browser server (`browserType.launchServer()`) reached over its WebSocket. Each context
 * gets the lane's proxy and ignores certificate errors (the run's CA is not the remote machine's);
 * closing the session closes our contexts and the connection, never the browser.
 */
export function connectedEngine(spec: ConnectSpec, endpoint: RemoteEndpoint): RemoteEngine {
  const shown = shownEndpoint(endpoint);
  const connect = async (timeout: number) => {
    const browser = await spec.type.connect(endpoint.url, { timeout });
    // `chromium.connect()` drives a Firefox server without a word (its cells would be Firefox's): the
    // server names its browser in the handshake. Playwright keeps that name private (`_name`, 1.64.1):
    // where it is absent the check is skipped.
    const served = (browser as unknown as { _name?: unknown })._name;
    if (typeof served === 'string' && served !== spec.browser) {
      await browser.close().catch(() => undefined);
      throw new WrongEngineError(`it serves ${served}, not ${spec.browser}: give it as --connect ${served}=…, or point --connect ${spec.browser}= at a ${spec.name} server`);
    }
    return browser;
  };
  return {
    browser: spec.browser,
    endpoint,
    detect: async () => remoteAvailability(endpoint),
    async probe(timeoutMs) {
      try {
        const browser = await connect(timeoutMs);
        const version = browser.version();
        await browser.close().catch(() => undefined);
        return { ok: true, version, note: null };
      } catch (error) {
        return { ok: false, answered: error instanceof WrongEngineError, reason: reasonOf(error) };
      }
    },
    async launch(options: LaunchOptions): Promise<EngineSession> {
      // Every connection this session makes (the first, and each after a crash or a hang) is closed with
      // it, even one that answers after the session gave up on it: an open WebSocket would keep the
      // harness from exiting, and nobody else will close it.
      const connections = new Set<Browser>();
      let closed = false;
      const open = async () => {
        const browser = await connect(30_000);
        if (closed) {
          await browser.close().catch(() => undefined);
          throw new Error('the session is closed');
        }
        connections.add(browser);
        browser.once('disconnected', () => connections.delete(browser));
        return browser;
      };
      let session: PlaywrightSession;
      try {
        session = await PlaywrightSession.start(
          { browser: spec.browser, processNeedle: '', remote: true, shareContext: spec.shareContext, launch: open, contextOptions: { proxy: { server: options.proxyUrl } } },
          options,
        );
      } catch (error) {
        closed = true;
        for (const browser of connections) await browser.close().catch(() => undefined);
        throw new EngineError('CSPH_ENGINE_LAUNCH', `csp-harness: could not connect to the ${spec.name} browser server at ${shown}: ${reasonOf(error)}`, { cause: error });
      }
      return {
        browser: session.browser,
        version: session.version,
        loadCell: (load) => session.loadCell(load),
        async close() {
          closed = true;
          await session.close();
          await Promise.all([...connections].map((browser) => within(browser.close(), 5000, `disconnecting from ${shown}`).catch(() => undefined)));
        },
      };
    },
  };
}

/** For messages: `connect` → "browser server", `webdriver` → "WebDriver endpoint". */
export const REMOTE_KIND: Readonly<Record<RemoteVia, string>> = { connect: 'Playwright browser server', webdriver: 'WebDriver endpoint' };

/** What to check when an endpoint does not answer. */
export function remoteHint(endpoint: RemoteEndpoint): string {
  if (endpoint.via === 'connect') {
    return `start it first, e.g. node -e "require('playwright').${endpoint.browser}.launchServer({ host: '0.0.0.0', port: 3000, wsPath: '/${endpoint.browser}' }).then((s) => console.log(s.wsEndpoint()))", and give the wsEndpoint it prints (README: Remote engines)`;
  }
  return 'start it first, e.g. DISPLAY=:99 WebKitWebDriver --port=4444 --host=all (or your Grid), and check the host and port (README: Remote engines)';
}
