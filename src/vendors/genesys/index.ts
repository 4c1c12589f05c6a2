// Genesys Cloud Web Messaging (seed 002_ec60a336998f57fa.txt). Stubs: fixtures/genesys/ (its README maps
// every stub request to the real one it stands for, with the seed line).
import type { Route } from '../../server/routes.ts';
import { defineVendor } from '../define.ts';
import { embedParam } from '../embed.ts';
import type { CellContext, DocumentedPolicy, ExpectEntry, VendorFeature } from '../types.ts';

const SEED = '002_ec60a336998f57fa.txt';
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

const routes: readonly Route[] = REGION_IDS.flatMap((r): Route[] => {
  const d = genesysDomain(r);
  return [
    { kind: 'static', host: `apps.${d}`, dir: 'apps' },
    { kind: 'static', host: `api.${d}`, dir: 'api' },
    { kind: 'static', host: `webmessaging.${d}`, dir: 'webmessaging' },
    { kind: 'ws-echo', host: `webmessaging.${d}` },
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

function featureExpectations(feature: string, r: GenesysRegion): ExpectEntry[] {
  const d = genesysDomain(r);
  const id = GENESYS_DEPLOYMENT_ID;
  switch (feature) {
    case 'messenger':
      return [{ frame: `https://apps.${d}/messenger/messenger.html?deploymentId=${id}` }];
    case 'websocket':
      return [{ websocket: `wss://webmessaging.${d}/v1?deploymentId=${id}` }];
    case 'api':
      return [{ request: `https://api.${d}/api/v2/journey/deployments/${id}/appevents`, as: 'connect' }];
    case 'styles':
      return [
        { inline: 'inline-style', content: GENESYS_INLINE_STYLE },
        { request: `https://apps.${d}/genesys-bootstrap/messenger.css`, as: 'style', initiator: 'script' },
      ];
    case 'icons':
      return [...GENESYS_ICON_URLS.map((url): ExpectEntry => ({ request: url, as: 'image' })), { request: GENESYS_ICON_FONT_URL, as: 'font' }];
    case 'authenticated':
      return [{ request: `https://api.${d}/api/v2/webdeployments/token/oauthcodegrantjwtexchange`, as: 'connect' }];
    default:
      return [];
  }
}

const region = (cell: CellContext) => cell.params.region as GenesysRegion;

export default defineVendor({
  id: 'genesys',
  title: 'Genesys Cloud Web Messaging (Messenger)',
  seed: SEED,
  params: [
    embedParam('inline'),
    {
      key: 'region',
      values: REGION_IDS,
      default: 'us-east-1',
      description: 'Genesys Cloud region: us-east-1 → mypurecloud.com, eu-central-1 → .de, ap-southeast-2 → .com.au, ca-central-1 → .ca',
    },
  ],
  features,
  routes,
  documentedPolicies,
  embed: (cell) => ({ loaderUrl: genesysLoaderUrl(region(cell)), snippet: genesysSnippet(region(cell), cell.feature === 'authenticated'), selfFile: SELF_FILE }),
  feature: (cell) => featureExpectations(cell.feature, region(cell)),
});
