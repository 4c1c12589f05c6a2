// Customer.io JavaScript client (seed 003_6fb0c0fd84896d79.txt). Stubs: fixtures/customerio/ (its README maps
// every stub request to the real one it stands for, with the seed line).
import { readFileSync } from 'node:fs';
import type { Route } from '../../server/routes.ts';
import { defineVendor } from '../define.ts';
import { embedParam } from '../embed.ts';
import type { CellContext, DocumentedPolicy, EmbedSpec, ExpectEntry, VendorFeature } from '../types.ts';

const SEED = '003_6fb0c0fd84896d79.txt';
export const CUSTOMERIO_WRITE_KEY = 'csphWriteKey0001';
export const CUSTOMERIO_SITE_ID = 'csph-site-0001';
/** The seed's example proxy domain (line 67): a custom proxy replaces the cdp host in every URL. */
export const CUSTOMERIO_PROXY_HOST = 'analytics.example.com';
const SELF_FILE = 'customerio-snippet.js';
const PACKAGE_FILE = 'app.js';

export const CUSTOMERIO_REGIONS = { us: 'cdp.customer.io', eu: 'cdp-eu.customer.io' } as const;
type Region = keyof typeof CUSTOMERIO_REGIONS;
const INSTALLS = ['snippet', 'package', 'proxy'] as const;
type Install = (typeof INSTALLS)[number];

const GIST_QUEUE = 'https://gist-queue-consumer-api.cloud.gist.build/api/v3/users';
const GIST_ENGINE = 'https://engine.api.gist.build/api/v1/logs/message/csph-welcome';
const GIST_FRAMES = ['https://renderer.gist.build/3.0/index.html', 'https://code.gist.build/web/3.0/index.html'];
/** The <style> the in-app plugin injects (fixtures/customerio/cdp/analytics-next/bundles/customerio-in-app-plugin.bundle.js). */
export const CUSTOMERIO_GIST_STYLE = '.gist-message { position: fixed; bottom: 16px; right: 16px; width: 320px; z-index: 9999999; }';

const FIXTURES = new URL('../../../fixtures/customerio/cdp/', import.meta.url);
const CLIENT_PATH = `v1/analytics-js/snippet/${CUSTOMERIO_WRITE_KEY}/analytics.min.js`;
const IN_APP_BUNDLE_PATH = 'analytics-next/bundles/customerio-in-app-plugin.bundle.js';

/** The host the client is loaded from and sends to: the region's cdp host, or the proxy domain. */
export function customerioHost(region: Region, install: Install): string {
  return install === 'proxy' ? CUSTOMERIO_PROXY_HOST : CUSTOMERIO_REGIONS[region];
}

export function customerioClientUrl(host: string): string {
  return `https://${host}/${CLIENT_PATH}`;
}

/** The calls the site makes for a feature: tracking sends identify/track/page; in-app needs an identified user. */
function siteCalls(feature: string): string {
  return feature === 'tracking'
    ? `analytics.identify("csph-user-1", {"email": "shopper@example.com"});
analytics.track("Checkout Started");
analytics.page();`
    : `analytics.identify("csph-user-1");
analytics.page();`;
}

function loadOptions(host: string, install: Install): string {
  const inApp = `"Customer.io In-App Plugin": {"siteId": "${CUSTOMERIO_SITE_ID}"}`;
  if (install === 'snippet') return `{"integrations": {${inApp}}}`;
  return `{"cdnURL": "https://${host}", "integrations": {"Customer.io Data Pipelines": {"apiHost": "${host}/v1", "protocol": "https"}, ${inApp}}}`;
}

/**
 * The JavaScript client snippet (the seed's nonce section, line 42–44: "Your JavaScript client snippet
 * code here"): defines the `cioanalytics` queue and inserts the client from the cdp host (or the proxy).
 */
export function customerioSnippet(feature: string, host: string, install: Install): string {
  return `!function(){var i="cioanalytics", analytics=(window[i]=window[i]||[]);if(!analytics.initialize)if(analytics.invoked)window.console&&console.error&&console.error("Snippet included twice.");else{analytics.invoked=!0;analytics.methods=["trackSubmit","trackClick","trackLink","trackForm","pageview","identify","reset","group","track","ready","alias","debug","page","once","off","on","addSourceMiddleware","addIntegrationMiddleware","setAnonymousId","addDestinationMiddleware"];analytics.factory=function(e){return function(){var t=Array.prototype.slice.call(arguments);t.unshift(e);analytics.push(t);return analytics}};for(var e=0;e<analytics.methods.length;e++){var key=analytics.methods[e];analytics[key]=analytics.factory(key)}analytics.load=function(key,e){var t=document.createElement("script");t.type="text/javascript";t.async=!0;t.setAttribute('data-global-customerio-analytics-key', i);t.src="https://${host}/v1/analytics-js/snippet/" + key + "/analytics.min.js";var n=document.getElementsByTagName("script")[0];n.parentNode.insertBefore(t,n);analytics._writeKey=key;analytics._loadOptions=e};analytics.SNIPPET_VERSION="4.15.3";
analytics.load("${CUSTOMERIO_WRITE_KEY}", ${loadOptions(host, install)});
${siteCalls(feature)}
}}();`;
}

/** The client and the in-app plugin as the package builds them in (the stubs' files, read once). */
const BUNDLED_CODE = `${readFileSync(new URL(CLIENT_PATH, FIXTURES), 'utf8')}
${readFileSync(new URL(IN_APP_BUNDLE_PATH, FIXTURES), 'utf8')}`;

/** install=package: the site's own bundle — the queued calls, then the client and the in-app plugin built in. */
export function customerioPackageBundle(feature: string, region: Region): string {
  const host = CUSTOMERIO_REGIONS[region];
  const calls = siteCalls(feature).replaceAll(/analytics\.(\w+)\(([^;]*)\);/g, (_m, name: string, args: string) => `["${name}"${args ? `, ${args}` : ''}]`).split('\n').join(', ');
  return `/* the site's own app.js: its bundle with @customerio/cdp-analytics-browser built in (csp-harness stub) */
var cioanalytics = (window.cioanalytics = [${calls}]);
cioanalytics.invoked = true;
cioanalytics._writeKey = "${CUSTOMERIO_WRITE_KEY}";
cioanalytics._loadOptions = ${loadOptions(host, 'package')};
${BUNDLED_CODE}`;
}

const features: readonly VendorFeature[] = [
  { id: 'tracking', title: 'identify/track/page calls (and settings) to the cdp host', directives: ['script-src', 'connect-src'], seedRef: `${SEED}:92` },
  {
    id: 'in-app',
    title: 'In-app messages: plugin bundle, gist queue/engine calls, injected <style>, renderer/code iframes',
    directives: ['script-src', 'connect-src', 'frame-src', 'style-src'],
    seedRef: `${SEED}:100`,
  },
];

/** One directory serves the client for both regions and the proxy (the client derives its hosts from its own src). */
const routes: readonly Route[] = [
  { kind: 'static', host: 'cdp.customer.io', dir: 'cdp' },
  { kind: 'static', host: 'cdp-eu.customer.io', dir: 'cdp' },
  { kind: 'static', host: CUSTOMERIO_PROXY_HOST, dir: 'cdp' },
  { kind: 'static', host: 'renderer.gist.build', dir: 'renderer.gist.build' },
  { kind: 'static', host: 'code.gist.build', dir: 'code.gist.build' },
  { kind: 'static', host: '*.api.gist.build', dir: 'star.api.gist.build' },
  { kind: 'static', host: '*.cloud.gist.build', dir: 'star.cloud.gist.build' },
];

export const CUSTOMERIO_US_POLICY =
  "script-src cdp.customer.io; connect-src cdp.customer.io *.api.gist.build *.cloud.gist.build; frame-src renderer.gist.build code.gist.build; style-src 'unsafe-inline';";
export const CUSTOMERIO_EU_POLICY =
  "script-src cdp-eu.customer.io; connect-src cdp-eu.customer.io *.api.gist.build *.cloud.gist.build; frame-src renderer.gist.build code.gist.build; style-src 'unsafe-inline';";

const documentedPolicies: readonly DocumentedPolicy[] = [
  { id: 'customerio-us', title: 'US data center directives', value: CUSTOMERIO_US_POLICY, delivery: 'header', params: { region: 'us', install: 'snippet', embed: 'external' }, seedRef: `${SEED}:17` },
  { id: 'customerio-eu', title: 'EU data center directives', value: CUSTOMERIO_EU_POLICY, delivery: 'header', params: { region: 'eu', install: 'snippet', embed: 'external' }, seedRef: `${SEED}:28` },
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
    value: "connect-src cdp.customer.io *.api.gist.build *.cloud.gist.build;\nframe-src renderer.gist.build code.gist.build;\nstyle-src 'unsafe-inline';".replaceAll('\n', ' '),
    delivery: 'header',
    params: { region: 'us', install: 'package' },
    seedRef: `${SEED}:60`,
  },
  {
    id: 'customerio-proxy',
    title: 'Custom proxy: the proxy domain analytics.example.com replaces the Customer.io domains',
    value: 'script-src analytics.example.com; connect-src analytics.example.com *.api.gist.build *.cloud.gist.build;',
    delivery: 'header',
    params: { region: 'us', install: 'proxy', embed: 'external' },
    seedRef: `${SEED}:70`,
  },
];

const region = (cell: CellContext) => cell.params.region as Region;
const install = (cell: CellContext) => cell.params.install as Install;

function embed(cell: CellContext): EmbedSpec {
  if (install(cell) === 'package') {
    // The client is built into the site's own bundle: one same-origin script, nothing inserted.
    return { form: 'self', selfFile: PACKAGE_FILE, selfBody: customerioPackageBundle(cell.feature, region(cell)), inserted: null, loaderUrl: '', snippet: '' };
  }
  const host = customerioHost(region(cell), install(cell));
  return { loaderUrl: customerioClientUrl(host), snippet: customerioSnippet(cell.feature, host, install(cell)), selfFile: SELF_FILE };
}

function featureExpectations(cell: CellContext): ExpectEntry[] {
  const host = install(cell) === 'package' ? CUSTOMERIO_REGIONS[region(cell)] : customerioHost(region(cell), install(cell));
  const out: ExpectEntry[] = [{ request: `https://${host}/v1/projects/${CUSTOMERIO_WRITE_KEY}/settings`, as: 'connect' }];
  if (cell.feature === 'tracking') {
    for (const path of ['i', 't', 'p']) out.push({ request: `https://${host}/v1/${path}`, as: 'connect' });
    return out;
  }
  if (install(cell) !== 'package') out.push({ request: `https://${host}/${IN_APP_BUNDLE_PATH}`, as: 'script', initiator: 'script' });
  out.push({ request: GIST_QUEUE, as: 'connect' });
  out.push({ inline: 'inline-style', content: CUSTOMERIO_GIST_STYLE });
  for (const frame of GIST_FRAMES) out.push({ frame: `${frame}?siteId=${CUSTOMERIO_SITE_ID}&messageId=csph-welcome` });
  out.push({ request: GIST_ENGINE, as: 'connect' });
  return out;
}

export default defineVendor({
  id: 'customerio',
  title: 'Customer.io JavaScript client (Data Pipelines) with in-app messaging',
  seed: SEED,
  params: [
    embedParam('inline', `${embedParam('inline').description} (install=snippet and install=proxy only)`),
    { key: 'region', values: ['us', 'eu'], default: 'us', description: 'data center: us → cdp.customer.io, eu → cdp-eu.customer.io' },
    {
      key: 'install',
      values: INSTALLS,
      default: 'snippet',
      description: `snippet (the client from the cdp host), package (bundled into the site's own app.js), proxy (a custom proxy domain, ${CUSTOMERIO_PROXY_HOST}, replaces the cdp host)`,
    },
  ],
  features,
  routes,
  documentedPolicies,
  embed,
  feature: featureExpectations,
});
