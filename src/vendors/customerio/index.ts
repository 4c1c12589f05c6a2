// Customer.io JavaScript client (seed 003_6fb0c0fd84896d79.txt), served as the vendor's REAL browser code:
// the pinned npm package @customerio/cdp-analytics-browser@0.5.11 (its dist/umd/ is what the CDN serves;
// customerio-gist-web 3.26.0, the in-app client, is bundled in its chunk 573.js). Only the vendor's
// SERVER answers are stubbed (fixtures/customerio/, its README maps every URL to its answer), plus two
// stand-in documents for the in-app renderer, which is not on npm. Research and measurements:
// decisions/0006-customerio-real-sdk.md.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Esbuild from 'esbuild';
import { parseHar, replayRoutes } from '../../server/har.ts';
import type { ReplayEntry, Route } from '../../server/routes.ts';
import { defineVendor } from '../define.ts';
import { embedParam } from '../embed.ts';
import type { CellContext, DocumentedPolicy, EmbedSpec, ExpectEntry, VendorFeature } from '../types.ts';

const SEED = '003_6fb0c0fd84896d79.txt';
/**
 * Two workspaces, because the workspace's SETTINGS, not the page, decide whether the in-app plugin
 * loads (measured: with 0001's settings even a tracking-only page loads the in-app chunks and calls
 * consumer.cloud.gist.build). 0001: settings enable in-app; 0002: settings without in-app.
 */
export const CUSTOMERIO_WRITE_KEYS = { 'in-app': 'csphWriteKey0001', tracking: 'csphWriteKey0002' } as const;
export const CUSTOMERIO_SITE_ID = 'csph-site-0001';
/** The seed's example proxy domain (line 67): a custom proxy replaces the cdp host (cdnURL + apiHost). */
export const CUSTOMERIO_PROXY_HOST = 'analytics.example.com';
const SELF_FILE = 'customerio-snippet.js';
const PACKAGE_FILE = 'app.js';

export const CUSTOMERIO_REGIONS = { us: 'cdp.customer.io', eu: 'cdp-eu.customer.io' } as const;
type Region = keyof typeof CUSTOMERIO_REGIONS;
const INSTALLS = ['snippet', 'package', 'proxy'] as const;
type Install = (typeof INSTALLS)[number];
type Feature = keyof typeof CUSTOMERIO_WRITE_KEYS;

const require = createRequire(import.meta.url);
/** The installed package (node_modules): its dist/umd/ is served as the CDN's /v1/analytics-js/. */
export const CUSTOMERIO_PACKAGE_DIR = dirname(require.resolve('@customerio/cdp-analytics-browser/package.json'));
const UMD = join(CUSTOMERIO_PACKAGE_DIR, 'dist', 'umd');
const FIXTURES = fileURLToPath(new URL('../../../fixtures/customerio/', import.meta.url));

/** The webpack chunks the client loads when the settings enable the in-app plugin (key 0001), in order. */
export const CUSTOMERIO_IN_APP_CHUNKS = ['ajs-destination.js', '573.js', 'inAppPlugin.js'] as const;

/** The gist (in-app) endpoints of customerio-gist-web 3.26.0 (prod), the same for both regions and the proxy. */
export const GIST = {
  queue: 'https://consumer.cloud.gist.build/api/v4/users',
  queueLog: 'https://consumer.cloud.gist.build/api/v1/logs/queue/csph-queue-0001',
  realtime: 'https://realtime.cloud.gist.build/api/v3/sse',
  renderer: 'https://renderer.gist.build/3.0/index.html',
  /** Where the renderer frame ends up (the page accepts replies only from https://code.gist.build); the path is the stand-in's. */
  code: 'https://code.gist.build/renderer/3.0/index.html',
} as const;

/**
 * The <style> gist-web inserts (insertAdjacentHTML into #gist-embed-message) for the modal our queue
 * answer holds, as Chromium 156 read it back after the message showed (`#gist-embed-message style`
 * textContent; the text depends on the message's display settings and the color scheme).
 * Only the spec oracle reads it (hashes); the cell itself is judged by the computed style below.
 */
export const CUSTOMERIO_GIST_STYLE = [
  "",
  "            #gist-overlay.gist-background {",
  "                position: fixed;",
  "                z-index: 9999999998;",
  "                left: 0;",
  "                top: 0;",
  "                width: 100%;",
  "                height: 100%;",
  "                background-color: #00000033;",
  "                visibility: hidden;",
  "            }",
  "            #gist-overlay.gist-background.gist-visible {",
  "                visibility: visible;",
  "            }",
  "            .gist-message {",
  "                width: 414px;",
  "                position: absolute;",
  "                border: none;",
  "                opacity: 0;",
  "                transition: opacity 0.3s ease-in-out, height 0.1s ease-in-out;",
  "                z-index: 9999999999;",
  "                left: 50%;",
  "                transform: translateX(-50%);",
  "                color-scheme: light only;",
  "            }",
  "            .gist-message.gist-visible {",
  "                opacity: 1;",
  "                pointer-events: auto;",
  "            }",
  "            .gist-message.gist-center {",
  "                transform: translate(-50%, -50%);",
  "                top: 50%;",
  "            }",
  "            .gist-message.gist-bottom {",
  "                bottom: 0;",
  "            }",
  "            .gist-message.gist-top {",
  "                top: 0;",
  "            }",
  "            @media (max-width: 600px) {",
  "                .gist-message {",
  "                    width: 100%;",
  "                }",
  "            }",
  "        ",
].join('\n');

/** The host the client is loaded from and sends to: the region's cdp host, or the proxy domain. */
export function customerioHost(region: Region, install: Install): string {
  return install === 'proxy' ? CUSTOMERIO_PROXY_HOST : CUSTOMERIO_REGIONS[region];
}

export function customerioClientUrl(host: string, writeKey: string): string {
  return `https://${host}/v1/analytics-js/snippet/${writeKey}/analytics.min.js`;
}

const writeKey = (feature: string): string => CUSTOMERIO_WRITE_KEYS[feature as Feature];

/** The calls the site makes for a feature: tracking sends identify/track/page; in-app needs an identified user (its token). */
function siteCalls(feature: string, name: string): string {
  return feature === 'tracking'
    ? `${name}.identify("csph-user-1", {"email": "shopper@example.com"});
${name}.track("Checkout Started");
${name}.page();`
    : `${name}.identify("csph-user-1");
${name}.page();`;
}

/** Load options: none for the plain snippet (the settings say everything); the proxy's own domain for cdnURL and apiHost. */
function loadOptions(install: Install): string {
  if (install !== 'proxy') return '';
  return `, {"cdnURL": "https://${CUSTOMERIO_PROXY_HOST}", "integrations": {"Customer.io Data Pipelines": {"apiHost": "${CUSTOMERIO_PROXY_HOST}/v1", "protocol": "https"}}}`;
}

/**
 * The documented JavaScript client snippet (SNIPPET_VERSION 4.15.3; the seed's nonce section, line 42–44):
 * defines the `cioanalytics` queue and inserts the client from the cdp host (or the proxy domain).
 */
export function customerioSnippet(feature: string, host: string, install: Install): string {
  return `!function(){var i="cioanalytics", analytics=(window[i]=window[i]||[]);if(!analytics.initialize)if(analytics.invoked)window.console&&console.error&&console.error("Snippet included twice.");else{analytics.invoked=!0;analytics.methods=["trackSubmit","trackClick","trackLink","trackForm","pageview","identify","reset","group","track","ready","alias","debug","page","once","off","on","addSourceMiddleware","addIntegrationMiddleware","setAnonymousId","addDestinationMiddleware"];analytics.factory=function(e){return function(){var t=Array.prototype.slice.call(arguments);t.unshift(e);analytics.push(t);return analytics}};for(var e=0;e<analytics.methods.length;e++){var key=analytics.methods[e];analytics[key]=analytics.factory(key)}analytics.load=function(key,e){var t=document.createElement("script");t.type="text/javascript";t.async=!0;t.setAttribute('data-global-customerio-analytics-key', i);t.src="https://${host}/v1/analytics-js/snippet/" + key + "/analytics.min.js";var n=document.getElementsByTagName("script")[0];n.parentNode.insertBefore(t,n);analytics._writeKey=key;analytics._loadOptions=e};analytics.SNIPPET_VERSION="4.15.3";
analytics.load("${writeKey(feature)}"${loadOptions(install)});
${siteCalls(feature, 'analytics')}
}}();`;
}

/** The site's own entry module for install=package: the npm ESM build, loaded with the region's cdp host. */
export function customerioPackageEntry(feature: string, region: Region): string {
  const cdn = region === 'us' ? '' : `, cdnURL: "https://${CUSTOMERIO_REGIONS[region]}"`;
  return `import { AnalyticsBrowser } from '@customerio/cdp-analytics-browser';
const cioanalytics = AnalyticsBrowser.load({ writeKey: "${writeKey(feature)}"${cdn} });
window.cioanalytics = cioanalytics;
${siteCalls(feature, 'cioanalytics')}
`;
}

const bundles = new Map<string, string>();

/**
 * install=package: the site's own app.js, bundled from the npm ESM build by esbuild (what a site's build
 * does; esbuild 0.28.2 is a pinned dependency) with the package's dynamic import()s inlined. So no cdp
 * script is loaded and lib/csp-detection.ts (the Analytics.js 1.0 fallback, imported only by
 * standalone.ts) is not in the bundle. Built once per feature and region.
 */
export function customerioPackageBundle(feature: string, region: Region): string {
  const key = `${feature} ${region}`;
  let text = bundles.get(key);
  if (text === undefined) {
    const esbuild = require('esbuild') as typeof Esbuild;
    const out = esbuild.buildSync({
      stdin: { contents: customerioPackageEntry(feature, region), resolveDir: dirname(fileURLToPath(import.meta.url)), loader: 'js', sourcefile: 'app-entry.js' },
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    });
    text = `/* the site's own app.js: @customerio/cdp-analytics-browser 0.5.11 (npm ESM build) bundled with the site's calls */\n${out.outputFiles[0]!.text}`;
    bundles.set(key, text);
  }
  return text;
}

const features: readonly VendorFeature[] = [
  { id: 'tracking', title: 'identify/track/page calls (and the settings) to the cdp host', directives: ['script-src', 'connect-src'], seedRef: `${SEED}:92` },
  {
    id: 'in-app',
    title: 'In-app messages: the in-app chunks, gist queue/realtime calls, injected <style>, the renderer frame (renderer.gist.build → code.gist.build)',
    directives: ['script-src', 'connect-src', 'frame-src', 'style-src'],
    seedRef: `${SEED}:100`,
  },
];

/** The URL paths the package's dist/umd/ files answer on a cdp host: the client under both keys' snippet path, every file under /v1/analytics-js/. */
function packagePaths(): [path: string, file: string][] {
  const files = readdirSync(UMD).filter((f) => f.endsWith('.js'));
  return [
    ...Object.values(CUSTOMERIO_WRITE_KEYS).map((key): [string, string] => [`/v1/analytics-js/snippet/${key}/analytics.min.js`, 'standalone.js']),
    ...files.map((f): [string, string] => [`/v1/analytics-js/${f}`, f]),
  ];
}

function answer(method: string, url: string, contentType: string, body: Buffer, resourceType: string): ReplayEntry {
  return { method, url, status: 200, statusText: 'OK', headers: [['content-type', contentType], ['access-control-allow-origin', '*'], ['cache-control', 'no-store']], body, resourceType };
}

/**
 * A cdp host (US, EU): the package's files, read unchanged from node_modules, at the CDN's
 * paths; then the servers' answers (fixtures/customerio/traffic.har: settings, /v1/i /t /p /m); then the
 * Analytics.js 1.0 stand-in the CSP fallback asks for. A replay route, not a static one, so that the
 * proxy log shows the POSTs (/v1/i, /v1/t, /v1/p) the tracking feature is judged by: static hosts answer
 * POSTs without recording them (src/server/network.ts).
 */
function cdpEntries(host: string, answers: readonly ReplayEntry[]): ReplayEntry[] {
  const bodies = new Map<string, Buffer>();
  const file = (name: string) => bodies.get(name) ?? bodies.set(name, readFileSync(join(UMD, name))).get(name)!;
  const classic = readFileSync(join(FIXTURES, 'analytics.classic.js'));
  return [
    ...packagePaths().map(([path, name]) => answer('GET', `https://${host}${path}`, 'text/javascript; charset=utf-8', file(name), 'script')),
    ...answers.filter((e) => new URL(e.url).hostname === host),
    ...Object.values(CUSTOMERIO_WRITE_KEYS).map((key) => answer('GET', `https://${host}/v1/analytics-js/snippet/${key}/analytics.classic.js`, 'text/javascript; charset=utf-8', classic, 'script')),
  ];
}

function replayed(): Route[] {
  const har = parseHar(readFileSync(join(FIXTURES, 'traffic.har'), 'utf8'));
  if (!har.ok) throw new Error(`fixtures/customerio/traffic.har: ${har.problems.map((p) => `${p.pointer} ${p.message}`).join('; ')}`);
  const cdpHosts: string[] = Object.values(CUSTOMERIO_REGIONS);
  return [
    ...cdpHosts.map((host): Route => ({ kind: 'replay', host, entries: cdpEntries(host, har.entries) })),
    // The gist queue (CORS for the page's origin, exposed X-CIO-Use-SSE), its log, the event stream.
    ...replayRoutes({ entries: har.entries.filter((e) => !cdpHosts.includes(new URL(e.url).hostname)), conversations: [] }),
  ];
}

/**
 * The proxy domain is shared with Chargebee's seed (its analytics.js is on analytics.example.com too),
 * and a host has one answering route unless its routes are all static (then their folders are
 * layered). So the proxy is served by static layers: the package's dist/umd/ at /v1/analytics-js/
 * (the client under both keys' snippet paths), then fixtures/customerio/analytics.example.com/
 * (settings as the US workspace's, the Analytics.js 1.0 stand-in). Its POSTs (/v1/i /t /p) get the
 * static hosts' 200 JSON with CORS; the proxy log shows them only once static hosts record non-GET
 * answers (decision 0006, "Needed outside this vendor's files").
 */
const proxyRoutes: Route[] = [
  {
    kind: 'static',
    host: CUSTOMERIO_PROXY_HOST,
    dir: UMD,
    mount: '/v1/analytics-js/',
    files: Object.fromEntries(Object.values(CUSTOMERIO_WRITE_KEYS).map((key) => [`/v1/analytics-js/snippet/${key}/analytics.min.js`, join(UMD, 'standalone.js')])),
  },
  { kind: 'static', host: CUSTOMERIO_PROXY_HOST, dir: CUSTOMERIO_PROXY_HOST },
];

const routes: readonly Route[] = [
  ...replayed(),
  ...proxyRoutes,
  // Stand-ins for the renderer (not on npm): renderer.gist.build hands the frame over to code.gist.build.
  { kind: 'static', host: 'renderer.gist.build', dir: 'renderer.gist.build' },
  { kind: 'static', host: 'code.gist.build', dir: 'code.gist.build' },
];

export const CUSTOMERIO_US_POLICY =
  "script-src cdp.customer.io; connect-src cdp.customer.io *.api.gist.build *.cloud.gist.build; frame-src renderer.gist.build code.gist.build; style-src 'unsafe-inline';";
export const CUSTOMERIO_EU_POLICY =
  "script-src cdp-eu.customer.io; connect-src cdp-eu.customer.io *.api.gist.build *.cloud.gist.build; frame-src renderer.gist.build code.gist.build; style-src 'unsafe-inline';";

const withNonce = (policy: string) => policy.replace('script-src ', "script-src 'nonce-{{nonce}}' ");

const documentedPolicies: readonly DocumentedPolicy[] = [
  {
    id: 'customerio-us',
    title: "US data center directives, with the seed's nonce on the site's snippet (taken alone they refuse the inline snippet)",
    value: withNonce(CUSTOMERIO_US_POLICY),
    delivery: 'header',
    params: { region: 'us', install: 'snippet', embed: 'inline' },
    seedRef: `${SEED}:17`,
  },
  {
    id: 'customerio-eu',
    title: "EU data center directives, with the seed's nonce on the site's snippet",
    value: withNonce(CUSTOMERIO_EU_POLICY),
    delivery: 'header',
    params: { region: 'eu', install: 'snippet', embed: 'inline' },
    seedRef: `${SEED}:28`,
  },
  {
    id: 'customerio-nonce',
    title: "Nonce on the snippet, host still allowed (the seed's 'nonce-your-random-nonce-value' as the per-response nonce)",
    value: "script-src 'nonce-{{nonce}}' cdp.customer.io;",
    delivery: 'header',
    params: { region: 'us', install: 'snippet', embed: 'inline' },
    seedRef: `${SEED}:50`,
  },
  {
    id: 'customerio-package',
    title: 'Package-based installation: no script-src host',
    value: "connect-src cdp.customer.io *.api.gist.build *.cloud.gist.build; frame-src renderer.gist.build code.gist.build; style-src 'unsafe-inline';",
    delivery: 'header',
    params: { region: 'us', install: 'package' },
    seedRef: `${SEED}:60`,
  },
  {
    id: 'customerio-proxy',
    title: "Custom proxy: the proxy domain analytics.example.com replaces the Customer.io domains (with the seed's nonce on the snippet)",
    value: "script-src 'nonce-{{nonce}}' analytics.example.com; connect-src analytics.example.com *.api.gist.build *.cloud.gist.build;",
    delivery: 'header',
    params: { region: 'us', install: 'proxy', embed: 'inline' },
    seedRef: `${SEED}:70`,
  },
];

const region = (cell: CellContext) => cell.params.region as Region;
const install = (cell: CellContext) => cell.params.install as Install;

/**
 * The three forms for install=snippet and install=proxy: `inline` (the documented snippet, the default),
 * `self` (the snippet saved as a same-origin file) and `external` (a bare <script src> of the client,
 * without the snippet). The package file is served unchanged, so `external` runs with the build's
 * placeholder write key "__WRITE_KEY__" and no site calls: the CDN presumably writes the key into the
 * file it serves, which cannot be reproduced without modifying the vendor's code. Neither feature works
 * there (honestly so); the scenarios use the snippet.
 */
function embed(cell: CellContext): EmbedSpec {
  if (install(cell) === 'package') {
    // The client is built into the site's own bundle: one same-origin script, nothing inserted.
    return { form: 'self', selfFile: PACKAGE_FILE, selfBody: customerioPackageBundle(cell.feature, region(cell)), inserted: null, loaderUrl: '', snippet: '' };
  }
  const host = customerioHost(region(cell), install(cell));
  return { loaderUrl: customerioClientUrl(host, writeKey(cell.feature)), snippet: customerioSnippet(cell.feature, host, install(cell)), selfFile: SELF_FILE };
}

/** What each feature's real code requests and shows, observed from outside (decision 0006's logs). */
function featureExpectations(cell: CellContext): ExpectEntry[] {
  // Settings and events go to the host the client is loaded from (package: the region's, via cdnURL),
  // because the EU settings' apiHost is cdp-eu.customer.io/v1 and the proxy's load options set apiHost.
  const host = install(cell) === 'package' ? CUSTOMERIO_REGIONS[region(cell)] : customerioHost(region(cell), install(cell));
  const out: ExpectEntry[] = [{ request: `https://${host}/v1/projects/${writeKey(cell.feature)}/settings`, as: 'connect' }];
  if (cell.feature === 'tracking') {
    for (const path of ['i', 't', 'p']) out.push({ request: `https://${host}/v1/${path}`, as: 'connect' });
    return out;
  }
  // The settings enable the in-app plugin: webpack loads its chunks from <cdn>/v1/analytics-js/ (no nonce on them).
  if (install(cell) !== 'package') for (const chunk of CUSTOMERIO_IN_APP_CHUNKS) out.push({ request: `https://${host}/v1/analytics-js/${chunk}`, as: 'script', initiator: 'script' });
  out.push(
    { request: GIST.queue, as: 'connect', example: `${GIST.queue}?sessionId=00000000-0000-4000-8000-000000000000` },
    // The frame's document ends on code.gist.build, so the frame tree never holds the renderer.gist.build
    // URL: this entry holds when the proxy answered the renderer (or its hop) and the tree holds the hop.
    { frame: 'https://*.gist.build/**/index.html', example: GIST.renderer },
    { frame: GIST.code },
    // The injected <style> (style-src-elem): without it the overlay is laid out static, not fixed.
    { inline: 'inline-style', content: CUSTOMERIO_GIST_STYLE, initiator: 'script' },
    // routeLoaded from code.gist.build: the overlay shows, the view is logged, the delivery metric is sent.
    { selector: '#gist-overlay.gist-visible' },
    { style: '#gist-overlay', property: 'position', value: 'fixed' },
    { request: GIST.queueLog, as: 'connect' },
    { request: `https://${host}/v1/t`, as: 'connect' },
    // The queue answer says X-CIO-Use-SSE: true, so the 1 s queue watcher opens the event stream.
    { request: GIST.realtime, as: 'connect', example: `${GIST.realtime}?userToken=Y3NwaC11c2VyLTE=&siteId=${CUSTOMERIO_SITE_ID}&sessionId=00000000-0000-4000-8000-000000000000&platform=web` },
  );
  return out;
}

export default defineVendor({
  id: 'customerio',
  title: 'Customer.io JavaScript client (Data Pipelines) with in-app messaging — the real npm build, server answers stubbed',
  seed: SEED,
  observed: true,
  params: [
    embedParam(
      'inline',
      'install=snippet and install=proxy only: the documented inline snippet, the snippet saved as a same-origin file (self), or a bare <script src> of the client (external: the unmodified client has no write key then, so neither feature works)',
    ),
    { key: 'region', values: ['us', 'eu'], default: 'us', description: 'data center: us → cdp.customer.io, eu → cdp-eu.customer.io' },
    {
      key: 'install',
      values: INSTALLS,
      default: 'snippet',
      description: `snippet (the client from the cdp host), package (the npm build bundled into the site's own app.js), proxy (a custom proxy domain, ${CUSTOMERIO_PROXY_HOST}, as cdnURL and apiHost)`,
    },
  ],
  features,
  routes,
  documentedPolicies,
  embed,
  feature: featureExpectations,
});
