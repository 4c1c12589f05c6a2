// Chromium through Playwright over CDP: the proxy is given at launch, every context inherits it.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright';
import { defineEngine } from './detect.ts';
import { HARNESS_HANDLES_SIGNALS, PlaywrightSession } from './playwrightSession.ts';
import { connectedEngine, type RemoteEndpoint, type RemoteEngine } from './remote.ts';
import type { Engine } from './types.ts';

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * Beyond Playwright's defaults: no GPU, no sandbox (containers), and none of the browser's own
 * background traffic. Debian's /usr/bin/chromium wrapper adds `--enable-remote-extensions` and
 * `--load-extension=…`; the real binary is launched instead where it exists (decisions/0003).
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-pings',
  '--disable-domain-reliability',
  // Cells share a page (playwrightSession.ts): a finished cell's document must not wait in the
  // back/forward cache, alive, while the next cell runs.
  '--disable-back-forward-cache',
  // Not --disable-features: Chromium keeps only the last one, and Playwright's list matters more.
];

/**
 * Fewer renderer processes (decisions/0011): frames of other sites share their page's renderer
 * instead of one process per site, and at most a few renderers live at once. Enforcement of a
 * policy does not depend on the process a document lives in. `CSPH_CHROMIUM_PROCESSES=default`
 * keeps Chromium's own process model (to compare).
 */
export const LEAN_ARGS = process.env.CSPH_CHROMIUM_PROCESSES === 'default' ? [] : ['--disable-site-isolation-trials', '--renderer-process-limit=2'];

/**
 * Hosts Chromium asks for on its own right after start (component and extension update checks),
 * whatever the flags. They bypass the proxy and resolve to nothing (`--host-resolver-rules`), so
 * they neither leave the machine nor land on a cell (one that reached a lane anyway would come
 * while no cell loads: the runner lists it as the browsers' background traffic).
 */
const CHROMIUM_BACKGROUND_HOSTS: readonly string[] = ['update.googleapis.com', 'clients2.google.com', 'clients2.googleusercontent.com', 'edgedl.me.gvt1.com', 'redirector.gvt1.com'];

const BACKGROUND_ARGS = [`--host-resolver-rules=${CHROMIUM_BACKGROUND_HOSTS.map((h) => `MAP ${h} ~NOTFOUND`).join(', ')}`];

/** Debian's wrapper script execs /usr/lib/chromium/chromium after adding flags we do not want. */
function systemExecutable(): string | null {
  if (existsSync('/usr/lib/chromium/chromium')) return '/usr/lib/chromium/chromium';
  return SYSTEM_CHROMIUM.find((p) => existsSync(p)) ?? null;
}

export const chromiumEngine: Engine = defineEngine(
  {
    browser: 'chromium',
    name: 'Chromium',
    playwright: chromium,
    system: systemExecutable,
    install: { system: 'sudo apt-get install -y chromium', playwright: 'npx playwright install chromium' },
  },
  ({ executable: executablePath }, options) =>
    PlaywrightSession.start(
      {
        browser: 'chromium',
        processNeedle: executablePath.includes('ms-playwright') ? 'chrome' : 'chromium',
        shareContext: true,
        launch: () =>
          chromium.launch({
            executablePath,
            args: [...CHROMIUM_ARGS, ...LEAN_ARGS, ...BACKGROUND_ARGS],
            proxy: { server: options.proxyUrl, bypass: CHROMIUM_BACKGROUND_HOSTS.join(',') },
            timeout: 30_000,
            ...HARNESS_HANDLES_SIGNALS,
          }),
      },
      options,
    ),
);

/**
 * A Chromium browser server (`chromium.launchServer`) reached with `--connect chromium=ws://…`
 * (decisions/0017): its launch flags are its owner's — `browserServerOptions()` gives ours.
 */
export function connectChromium(endpoint: RemoteEndpoint): RemoteEngine {
  return connectedEngine({ browser: 'chromium', name: 'Chromium', type: chromium, shareContext: true }, endpoint);
}

/**
 * What a Chromium browser server should be started with to behave as the local engine does (the same
 * flags; the proxy is not among them: each context gets its lane's). Used by the tests; the README's example.
 */
export function browserServerOptions(): { executablePath: string | undefined; args: string[] } {
  return { executablePath: systemExecutable() ?? undefined, args: [...CHROMIUM_ARGS, ...LEAN_ARGS, ...BACKGROUND_ARGS] };
}
