// Genesys Cloud Web Messaging (seed 002_ec60a336998f57fa.txt). Stubs: fixtures/genesys/ (its README maps
// every stub request to the real one it stands for, with the seed line).
import type { HostRoute } from '../server/network.ts';
import { cellMarker, EMBED_PARAM, embedMarkup, type EmbedSpec } from './common.ts';
import type { DocumentedPolicy, EmbedForm, FeatureRequest, PageOptions, Vendor, VendorFeature, VendorPage } from './types.ts';

const SEED = '002_ec60a336998f57fa.txt';
const PAGE_ORIGIN = 'https://www.shop.test';
const SELF_FILE = 'genesys-messenger.js';
export const GENESYS_DEPLOYMENT_ID = '5f0e7c1a-3b2d-4e8f-9a6c-1d2e3f4a5b6c';

/** Region → Genesys Cloud domain (seed lines 17, 31–34) and the snippet's `environment` name. */
export const GENESYS_REGIONS = {
  'us-east-1': { domain: 'mypurecloud.com', environment: 'prod' },
  'eu-central-1': { domain: 'mypurecloud.de', environment: 'prod-euc1' },
  'ap-southeast-2': { domain: 'mypurecloud.com.au', environment: 'prod-apse2' },
  'ca-central-1': { domain: 'mypurecloud.ca', environment: 'prod-cac1' },
} as const;
export type GenesysRegion = keyof typeof GENESYS_REGIONS;
const REGION_IDS = Object.keys(GENESYS_REGIONS) as GenesysRegion[];

/** The Close / Minimize / Send icons as the stub loads them (fixtures/genesys/apps/genesys-bootstrap/genesys.min.js). */
export const GENESYS_ICON_URLS = [
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='16' height='16'%3E%3Cpath d='M2 2L14 14M14 2L2 14' stroke='%23333' stroke-width='2'/%3E%3C/svg%3E",
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='16' height='16'%3E%3Cpath d='M2 12H14' stroke='%23333' stroke-width='2'/%3E%3C/svg%3E",
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='16' height='16'%3E%3Cpath d='M2 2L14 8L2 14Z' fill='%23333'/%3E%3C/svg%3E",
] as const;
/** The icon font's data: URL, payload elided (only the scheme matters to CSP; the stub carries a real 720-byte WOFF). */
export const GENESYS_ICON_FONT_URL = 'data:font/woff;base64,d09GRgABAAAAAALQAAoAAAAAAwAAAQ';
/** The <style> the stub injects for the launcher (styles feature). */
export const GENESYS_INLINE_STYLE = '.genesys-mxg-launcher { height: 56px; background: #ff4f1f; }';

function region(params: Record<string, string>): GenesysRegion {
  const r = params.region ?? 'us-east-1';
  if (!(r in GENESYS_REGIONS)) throw new Error(`genesys: unknown region "${r}"; known: ${REGION_IDS.join(', ')}`);
  return r as GenesysRegion;
}

export function genesysDomain(r: GenesysRegion): string {
  return GENESYS_REGIONS[r].domain;
}

export function genesysLoaderUrl(r: GenesysRegion): string {
  return `https://apps.${genesysDomain(r)}/genesys-bootstrap/genesys.min.js`;
}

/**
 * The Messenger deployment snippet as Genesys Cloud hands it out (Admin > Message > Messenger
 * Deployments), for one region. For `authenticated`, the site's init code registers the
 * AuthProvider plugin that hands the auth code to Messenger (seed lines 35–42): the init script
 * that carries the page's nonce.
 */
export function genesysSnippet(r: GenesysRegion, authenticated: boolean): string {
  const { environment } = GENESYS_REGIONS[r];
  const base = `(function (g, e, n, es, ys) {
  g['_genesysJs'] = e;
  g[e] = g[e] || function () { (g[e].q = g[e].q || []).push(arguments) };
  g[e].t = 1 * new Date();
  g[e].c = es;
  ys = document.createElement('script'); ys.async = 1; ys.src = n; ys.charset = 'utf-8'; document.head.appendChild(ys);
})(window, 'Genesys', '${genesysLoaderUrl(r)}', {
  environment: '${environment}',
  deploymentId: '${GENESYS_DEPLOYMENT_ID}'
});`;
  if (!authenticated) return base;
  return `${base}
Genesys('registerPlugin', 'AuthProvider', function (AuthProvider) {
  AuthProvider.registerCommand('getAuthCode', function (e) {
    e.resolve({ authCode: 'csph-auth-code', redirectUri: window.location.href });
  });
  AuthProvider.ready();
});`;
}

const features: readonly VendorFeature[] = [
  { id: 'messenger', title: 'Messenger loader script from apps, the Messenger UI in an iframe from apps', directives: ['script-src', 'frame-src'], seedRef: `${SEED}:26` },
  { id: 'websocket', title: 'Web Messaging WebSocket to wss://webmessaging.<domain>', directives: ['script-src', 'connect-src'], seedRef: `${SEED}:22` },
  { id: 'api', title: 'Analytics/API calls to https://api.<domain>', directives: ['script-src', 'connect-src'], seedRef: `${SEED}:26` },
  { id: 'styles', title: 'Messenger stylesheet from apps plus an injected <style>', directives: ['script-src', 'style-src'], seedRef: `${SEED}:21` },
  { id: 'icons', title: 'Close/Minimize/Send icons as data: images and a data: icon font', directives: ['script-src', 'img-src', 'font-src'], seedRef: `${SEED}:44` },
  { id: 'authenticated', title: 'Authenticated messaging: the nonced init script registers the AuthProvider; JWT exchange at api', directives: ['script-src', 'connect-src'], seedRef: `${SEED}:35` },
];

const hosts: readonly HostRoute[] = REGION_IDS.flatMap((r): HostRoute[] => {
  const d = genesysDomain(r);
  return [
    { pattern: `apps.${d}`, dir: 'genesys/apps' },
    { pattern: `api.${d}`, dir: 'genesys/api' },
    { pattern: `webmessaging.${d}`, dir: 'genesys/webmessaging', websocket: true },
  ];
});

/** Seed lines 19–24, verbatim (one line; the seed's trailing `;` kept). */
export const GENESYS_US_EAST_1_HEADER =
  "default-src 'self'; script-src 'self' https://apps.mypurecloud.com; style-src 'self' 'unsafe-inline' https://apps.mypurecloud.com; connect-src 'self' wss://webmessaging.mypurecloud.com https://api.mypurecloud.com; img-src 'self' https://apps.mypurecloud.com data:; frame-src 'self' https://apps.mypurecloud.com;";

const documentedPolicies: readonly DocumentedPolicy[] = [
  {
    id: 'genesys-us-east-1',
    title: 'The "least-privilege" header for us-east-1 (no nonce, no unsafe-inline: written for the snippet saved as a same-origin file)',
    value: GENESYS_US_EAST_1_HEADER,
    delivery: 'header',
    params: { region: 'us-east-1', embed: 'self' },
    seedRef: `${SEED}:17`,
  },
  {
    id: 'genesys-nonce',
    title: "Authenticated messaging: the seed's nonce line (its placeholder 'nonce-EDN218...' as the per-response nonce) on the init snippet",
    value: "script-src 'self' 'nonce-{{nonce}}';",
    delivery: 'header',
    params: { region: 'us-east-1', embed: 'inline' },
    seedRef: `${SEED}:40`,
  },
  {
    id: 'genesys-us-east-1-report-only',
    title: 'Edge case 2 fix: the us-east-1 header as Content-Security-Policy-Report-Only first',
    value: GENESYS_US_EAST_1_HEADER,
    delivery: 'report-only',
    params: { region: 'us-east-1', embed: 'self' },
    seedRef: `${SEED}:52`,
  },
];

function embedForm(params: Record<string, string>): EmbedForm {
  const form = params.embed ?? 'inline';
  if (form !== 'external' && form !== 'inline' && form !== 'self') throw new Error(`genesys: unknown embed form "${form}"`);
  return form;
}

function checkFeature(feature: string): void {
  if (!features.some((f) => f.id === feature)) throw new Error(`genesys: unknown feature "${feature}"; known: ${features.map((f) => f.id).join(', ')}`);
}

function embedSpec(r: GenesysRegion, feature: string): EmbedSpec {
  return { loaderUrl: genesysLoaderUrl(r), snippet: genesysSnippet(r, feature === 'authenticated'), selfFile: SELF_FILE };
}

function page(feature: string, params: Record<string, string>, options: PageOptions): VendorPage {
  checkFeature(feature);
  const all = { embed: embedForm(params), region: region(params), ...params };
  const embed = embedMarkup(embedForm(all), embedSpec(region(all), feature), options.nonce);
  return {
    body: `${cellMarker('genesys', feature, all)}\n${embed.body}`,
    ...(embed.files ? { files: embed.files } : {}),
    inlineScripts: embed.inlineScripts,
    inlineStyles: [],
  };
}

function embedRequests(form: EmbedForm, r: GenesysRegion, feature: string, nonced: boolean): FeatureRequest[] {
  const loader = genesysLoaderUrl(r);
  switch (form) {
    case 'external':
      return [{ type: 'script', url: loader, initiator: 'parser', nonced }];
    case 'inline':
      return [
        { type: 'inline-script', url: '', nonced, content: genesysSnippet(r, feature === 'authenticated') },
        { type: 'script', url: loader, initiator: 'script' },
      ];
    case 'self':
      return [
        { type: 'script', url: `${PAGE_ORIGIN}/cells/cell/${SELF_FILE}`, initiator: 'parser', nonced },
        { type: 'script', url: loader, initiator: 'script' },
      ];
  }
}

function featureRequests(feature: string, r: GenesysRegion): FeatureRequest[] {
  const d = genesysDomain(r);
  const id = GENESYS_DEPLOYMENT_ID;
  switch (feature) {
    case 'messenger':
      return [{ type: 'frame', url: `https://apps.${d}/messenger/messenger.html?deploymentId=${id}` }];
    case 'websocket':
      return [{ type: 'websocket', url: `wss://webmessaging.${d}/v1?deploymentId=${id}` }];
    case 'api':
      return [{ type: 'connect', url: `https://api.${d}/api/v2/journey/deployments/${id}/appevents` }];
    case 'styles':
      return [
        { type: 'inline-style', url: '', content: GENESYS_INLINE_STYLE },
        { type: 'style', url: `https://apps.${d}/genesys-bootstrap/messenger.css`, initiator: 'script' },
      ];
    case 'icons':
      return [...GENESYS_ICON_URLS.map((url): FeatureRequest => ({ type: 'image', url })), { type: 'font', url: GENESYS_ICON_FONT_URL }];
    case 'authenticated':
      return [{ type: 'connect', url: `https://api.${d}/api/v2/webdeployments/token/oauthcodegrantjwtexchange` }];
    default:
      return [];
  }
}

function requests(feature: string, params: Record<string, string>, options: PageOptions): FeatureRequest[] {
  checkFeature(feature);
  const r = region(params);
  return [...embedRequests(embedForm(params), r, feature, options.nonce), ...featureRequests(feature, r)];
}

export const genesys: Vendor = {
  id: 'genesys',
  title: 'Genesys Cloud Web Messaging (Messenger)',
  seed: SEED,
  params: [
    EMBED_PARAM('inline'),
    {
      key: 'region',
      values: REGION_IDS,
      default: 'us-east-1',
      description: 'Genesys Cloud region: us-east-1 → mypurecloud.com, eu-central-1 → .de, ap-southeast-2 → .com.au, ca-central-1 → .ca',
    },
  ],
  features,
  hosts,
  documentedPolicies,
  page,
  requests,
};
