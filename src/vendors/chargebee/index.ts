// Chargebee hosted pages with assets deployed through Google Tag Manager (seed 004_b2f56e44b0b8c334.txt).
// The cell page stands for the hosted checkout page; its policy comes from a configuration JSON in the
// seed's format (scenarios: "chargebeeConfig"). Stubs: fixtures/chargebee/ (README maps each request).
import { readFileSync } from 'node:fs';
import type { Route } from '../../server/routes.ts';
import { defineVendor } from '../define.ts';
import { embedParam } from '../embed.ts';
import type { DocumentedPolicy, EmbedSpec, ExpectEntry, PolicySource, VendorFeature } from '../types.ts';
import { compileChargebeeConfig } from './config.ts';

const SEED = '004_b2f56e44b0b8c334.txt';
export const CHARGEBEE_GTM_ID = 'GTM-CBSTUB1';
export const CHARGEBEE_GTM_URL = `https://www.googletagmanager.com/gtm.js?id=${CHARGEBEE_GTM_ID}`;
const SELF_FILE = 'gtm.js';
/** A 1×1 PNG, the data: image the wildcards/hashes examples allow (img-src data:). */
export const CHARGEBEE_DATA_IMAGE =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/**
 * The GTM container (gtm.js) the hosted page loads: served first-party (embed=self, GTM's first-party
 * serving) or from www.googletagmanager.com — one file, the fixture. It deploys the cell's tags, as GTM
 * does, script-inserted, copying the page's nonce onto what it inserts (GTM's nonce-aware behaviour).
 */
export const CHARGEBEE_CONTAINER = readFileSync(new URL('../../../fixtures/chargebee/www.googletagmanager.com/gtm.js', import.meta.url), 'utf8');

/**
 * The merchant's own JavaScript, deployed as GTM Custom HTML tags: GTM inserts each as an inline
 * <script> whose text is exactly this, so only a `sha256-` hash of it lets it run (seed :101–155).
 * The container holds the one copy (`var TAGS = [...]`).
 */
export const CHARGEBEE_INLINE_TAGS: readonly string[] = JSON.parse(/^\s*var TAGS = (\[.*\]);$/m.exec(CHARGEBEE_CONTAINER)?.[1] ?? '[]') as string[];

/** Google's nonce-aware GTM install snippet (embed=inline). */
export const CHARGEBEE_GTM_SNIPPET = `(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':
new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?id='+i+dl;var n=d.querySelector('[nonce]');
n&&j.setAttribute('nonce',n.nonce||n.getAttribute('nonce'));f.parentNode.insertBefore(j,f);
})(window,document,'script','dataLayer','${CHARGEBEE_GTM_ID}');`;

const features: readonly VendorFeature[] = [
  {
    id: 'analytics',
    title: 'Analytics tag: script from stats.example.com, beacon to api.stats.example.com, pixel from tracker.stats.example.com',
    directives: ['script-src', 'connect-src', 'img-src'],
    seedRef: `${SEED}:24`,
  },
  {
    id: 'inline-hashed',
    title: "The merchant's own inline scripts (GTM Custom HTML) allowed by sha256 hashes, plus their analytics (analytics/api/tracker.example.com, data: image)",
    directives: ['script-src', 'connect-src', 'img-src'],
    seedRef: `${SEED}:101`,
  },
  {
    id: 'wildcards',
    title: 'Wildcards: script from tags.tracking-example.com, image from cdn.image-host.com and data:, beacon to events.api-service.com',
    directives: ['script-src', 'connect-src', 'img-src'],
    seedRef: `${SEED}:196`,
  },
];

const routes: readonly Route[] = [
  { kind: 'static', host: 'www.googletagmanager.com', dir: 'www.googletagmanager.com' },
  { kind: 'static', host: 'stats.example.com', dir: 'stats.example.com' },
  { kind: 'static', host: 'api.stats.example.com', dir: 'api.stats.example.com' },
  { kind: 'static', host: 'tracker.stats.example.com', dir: 'tracker.stats.example.com' },
  // Also seed 003's Customer.io proxy domain: the network layers both vendors' folders.
  { kind: 'static', host: 'analytics.example.com', dir: 'analytics.example.com' },
  { kind: 'static', host: 'api.example.com', dir: 'api.example.com' },
  { kind: 'static', host: 'tracker.example.com', dir: 'tracker.example.com' },
  { kind: 'static', host: '*.tracking-example.com', dir: 'star.tracking-example.com' },
  { kind: 'static', host: 'cdn.image-host.com', dir: 'cdn.image-host.com' },
  { kind: 'static', host: '*.api-service.com', dir: 'star.api-service.com' },
];

const documentedPolicies: readonly DocumentedPolicy[] = [
  { id: 'chargebee-analytics', title: 'Example 1: add analytics', source: { kind: 'chargebee-config', path: 'fixtures/chargebee/configs/analytics.json' }, delivery: 'header', params: { embed: 'self' }, seedRef: `${SEED}:24` },
  {
    id: 'chargebee-hashes',
    title: "Example 2: analytics and your own JavaScript with hashes (the seed's example hashes; the first is 33 bytes)",
    source: { kind: 'chargebee-config', path: 'fixtures/chargebee/configs/hashes.json' },
    delivery: 'header',
    params: { embed: 'self' },
    seedRef: `${SEED}:101`,
  },
  { id: 'chargebee-wildcards', title: 'Example 3: use wildcards', source: { kind: 'chargebee-config', path: 'fixtures/chargebee/configs/wildcards.json' }, delivery: 'header', params: { embed: 'self' }, seedRef: `${SEED}:196` },
];

function featureExpectations(feature: string): ExpectEntry[] {
  switch (feature) {
    case 'analytics':
      return [
        { request: 'https://stats.example.com/analytics.js', as: 'script', initiator: 'script' },
        { request: 'https://api.stats.example.com/collect', as: 'connect' },
        { request: 'https://tracker.stats.example.com/pixel.png?e=checkout_view', as: 'image' },
      ];
    case 'inline-hashed':
      return [
        ...CHARGEBEE_INLINE_TAGS.map((content): ExpectEntry => ({ inline: 'inline-script', initiator: 'script', content })),
        { request: 'https://analytics.example.com/js/analytics.js', as: 'script', initiator: 'script' },
        { request: 'https://api.example.com/collect', as: 'connect' },
        { request: 'https://tracker.example.com/pixel.png?e=checkout_view', as: 'image' },
        { request: CHARGEBEE_DATA_IMAGE, as: 'image' },
      ];
    case 'wildcards':
      return [
        { request: 'https://tags.tracking-example.com/tag.js', as: 'script', initiator: 'script' },
        { request: 'https://events.api-service.com/v1/events', as: 'connect' },
        { request: 'https://cdn.image-host.com/logo.png', as: 'image' },
        { request: CHARGEBEE_DATA_IMAGE, as: 'image' },
      ];
    default:
      return [];
  }
}

/** Seed 004's configuration JSON → one header: `--chargebee-config`, `chargebeeConfig` in config and scenario files. */
export const CHARGEBEE_CONFIG_SOURCE: PolicySource = {
  flag: 'chargebee-config',
  key: 'chargebeeConfig',
  description: 'Chargebee hosted-page CSP configuration (JSON, seed 004)',
  errorCode: 'CSPH_BAD_CHARGEBEE_CONFIG',
  compile: compileChargebeeConfig,
};

export default defineVendor({
  id: 'chargebee',
  title: 'Chargebee hosted pages (assets deployed through Google Tag Manager)',
  seed: SEED,
  params: [
    embedParam(
      'self',
      'how the hosted page loads the GTM container: self (first-party gtm.js, the default: the seed configs allow only \'self\' plus the assets), external (<script src> from www.googletagmanager.com), inline (Google\'s install snippet)',
    ),
  ],
  features,
  routes,
  documentedPolicies,
  policySources: [CHARGEBEE_CONFIG_SOURCE],
  // First-party, the container itself is the same-origin file (not Google's bootstrap snippet): it inserts nothing more.
  embed: (cell): EmbedSpec => ({ loaderUrl: CHARGEBEE_GTM_URL, snippet: CHARGEBEE_GTM_SNIPPET, selfFile: SELF_FILE, ...(cell.params.embed === 'self' ? { selfBody: CHARGEBEE_CONTAINER, inserted: null } : {}) }),
  feature: (cell) => featureExpectations(cell.feature),
});
