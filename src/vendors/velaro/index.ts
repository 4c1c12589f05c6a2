// Velaro live chat (seed 001_1abeb4a377821cb3.txt). Stubs: fixtures/velaro/ (README there maps every stub
// request to the real one it stands for).
import type { Route } from '../../server/routes.ts';
import { ORIGIN } from '../../site/placeholders.ts';
import { defineVendor } from '../define.ts';
import { embedParam } from '../embed.ts';
import type { CellContext, DocumentedPolicy, EmbedSpec, ExpectEntry, VendorFeature, VendorParam } from '../types.ts';

const SEED = '001_1abeb4a377821cb3.txt';
const CDN = 'https://app-cdn.velaro.com';

export const VELARO_EMBED_URL = `${CDN}/embed.js`;
const SELF_FILE = 'velaro-embed.js';

/** The inline form of the embed (the seed's own tag was lost: line 59 reads "``html ``"). */
export const VELARO_SNIPPET =
  'window.Velaro=window.Velaro||{siteId:10000,groupId:0};(function(d){var s=d.createElement("script");s.src="https://app-cdn.velaro.com/embed.js";s.async=true;d.head.appendChild(s)})(document);';


/** The data: SVG icon frame.js draws (same bytes, for the oracle). */
const ICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#06c"/></svg>';
export const VELARO_ICON_URL = `data:image/svg+xml;base64,${Buffer.from(ICON_SVG, 'utf8').toString('base64')}`;
const LAUNCHER_CSS = '#velaro-launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000}';
const LAUNCHER_ATTR = 'background-color: rgb(0, 102, 204); width: 56px; height: 56px;';

const features: readonly VendorFeature[] = [
  { id: 'widget', title: 'Embed → shim.js → frame.js, widget iframe from blob:', directives: ['script-src', 'frame-src'], seedRef: `${SEED}:19` },
  { id: 'realtime', title: 'SignalR: negotiate, then WebSocket (Velaro hub or Azure SignalR)', directives: ['script-src', 'connect-src'], seedRef: `${SEED}:68` },
  { id: 'api', title: 'Visitor and engagement API calls', directives: ['script-src', 'connect-src'], seedRef: `${SEED}:67` },
  { id: 'styles', title: 'Injected <style> and style attributes for positioning and theming', directives: ['script-src', 'style-src'], seedRef: `${SEED}:71` },
  { id: 'fonts', title: 'Google Fonts stylesheet and font file', directives: ['script-src', 'style-src', 'font-src'], seedRef: `${SEED}:72` },
  { id: 'images', title: 'Agent headshot from app-cdn and a data: SVG icon', directives: ['script-src', 'img-src'], seedRef: `${SEED}:74` },
  { id: 'sounds', title: 'Chat notification sound from app-cdn', directives: ['script-src', 'media-src'], seedRef: `${SEED}:80` },
  { id: 'calendly', title: 'Calendly scheduling iframe', directives: ['script-src', 'frame-src'], seedRef: `${SEED}:81` },
];

const PARAMS: readonly VendorParam[] = [
  embedParam('external'),
  {
    key: 'signalr',
    values: ['velaro', 'azure'] as const,
    default: 'velaro',
    description: "realtime transport: Velaro's own SignalR hub (wss://*.velaro.com) or Azure SignalR Service (https://*.service.signalr.net)",
  },
  {
    key: 'widgetVersion',
    values: ['current', 'legacy'] as const,
    default: 'current',
    description:
      "the widget build: the current one (no eval, as the seed says) or a legacy one that compiles its templates with new Function — the troubleshooting row 'Refused to evaluate a string as JavaScript'",
  },
  {
    key: 'nonceOnTag',
    values: ['policy', 'missing', 'fresh'] as const,
    default: 'policy',
    description:
      "the embed tag's nonce: as the policy asks (policy), left off although the policy has one (missing), or the response's fresh nonce while the policy carries a cached literal one (fresh)",
  },
];

const routes: readonly Route[] = [
  { kind: 'static', host: 'app-cdn.velaro.com', dir: 'app-cdn.velaro.com' },
  { kind: 'static', host: '*.velaro.com', dir: 'star.velaro.com' },
  { kind: 'ws-echo', host: '*.velaro.com' },
  { kind: 'static', host: '*.service.signalr.net', dir: 'star.service.signalr.net' },
  { kind: 'ws-echo', host: '*.service.signalr.net' },
  { kind: 'static', host: 'fonts.googleapis.com', dir: 'fonts.googleapis.com' },
  { kind: 'static', host: 'fonts.gstatic.com', dir: 'fonts.gstatic.com' },
  { kind: 'static', host: 'calendly.com', dir: 'calendly.com' },
];

const NONCE_CONNECT = 'connect-src https://.velaro.com wss://.velaro.com https://app-cdn.velaro.com';

const documentedPolicies: readonly DocumentedPolicy[] = [
  {
    id: 'velaro-allowlist',
    title: 'The simplest approach: allow by domain',
    value: "script-src 'self' https://app-cdn.velaro.com;",
    delivery: 'header',
    params: { embed: 'external' },
    seedRef: `${SEED}:11`,
  },
  {
    id: 'velaro-nonce-aspnet',
    title: "Nonce + 'strict-dynamic' (ASP.NET Core example, with Azure SignalR) — seed's https://.velaro.com tokens kept",
    value: `script-src 'nonce-{{nonce}}' 'strict-dynamic'; ${NONCE_CONNECT} https://*.service.signalr.net;`,
    delivery: 'header',
    params: { embed: 'external' },
    seedRef: `${SEED}:27`,
  },
  {
    id: 'velaro-nonce',
    title: "Nonce + 'strict-dynamic' (Node, Next.js, PHP, Django, Rails, Spring, Workers examples) — seed's https://.velaro.com tokens kept",
    value: `script-src 'nonce-{{nonce}}' 'strict-dynamic'; ${NONCE_CONNECT};`,
    delivery: 'header',
    params: { embed: 'external' },
    seedRef: `${SEED}:31`,
  },
  {
    id: 'velaro-hash',
    title: "Hash of the inline script + 'strict-dynamic' (the seed's placeholder hash kept)",
    value: "script-src 'self' 'sha256-HASH_VALUE' 'strict-dynamic';",
    delivery: 'header',
    params: { embed: 'inline' },
    seedRef: `${SEED}:90`,
  },
  {
    id: 'velaro-report-only',
    title: "Report-Only first (the seed's empty 'nonce-' kept)",
    value: "script-src 'nonce-' 'strict-dynamic'; connect-src https://.velaro.com wss://.velaro.com https://app-cdn.velaro.com; report-uri https://your-reporting-endpoint/csp",
    delivery: 'report-only',
    params: { embed: 'external' },
    seedRef: `${SEED}:114`,
  },
];

/** Whether the embed tag carries the response's nonce. */
function tagNonce(cell: CellContext): boolean {
  switch (cell.params.nonceOnTag) {
    case 'missing':
      return false;
    case 'fresh':
      return true;
    default:
      return cell.nonce;
  }
}

function featureExpectations(feature: string, signalr: string): ExpectEntry[] {
  switch (feature) {
    case 'widget':
      return [{ frame: `blob:${ORIGIN}/00000000-0000-4000-8000-000000000000` }];
    case 'realtime': {
      const hub: ExpectEntry = { request: 'https://signalr-engagement-us-east.velaro.com/engagementHub/negotiate?negotiateVersion=1', as: 'connect' };
      if (signalr === 'azure')
        return [
          hub,
          { request: 'https://velaro-prod.service.signalr.net/client/negotiate?hub=engagement&negotiateVersion=1', as: 'connect' },
          { websocket: 'wss://velaro-prod.service.signalr.net/client/?hub=engagement&id=csph' },
        ];
      return [hub, { websocket: 'wss://signalr-engagement-us-east.velaro.com/engagementHub?id=csph' }];
    }
    case 'api':
      return [
        { request: 'https://api-visitor-us-east.velaro.com/v1/visitor', as: 'connect' },
        { request: 'https://api-engagement-us-east.velaro.com/v1/test/ok', as: 'connect' },
      ];
    case 'styles':
      return [
        { inline: 'inline-style', content: LAUNCHER_CSS },
        { inline: 'style-attr', content: LAUNCHER_ATTR },
      ];
    case 'fonts':
      return [
        { request: 'https://fonts.googleapis.com/css?family=Open+Sans:400&display=swap', as: 'style' },
        { request: 'https://fonts.gstatic.com/s/opensans/v40/memSYaGs126MiZpBA-UvWbX2vVnXBbObj2OVZyOOSr4dVJWUgsjZ0B4gaVc.woff', as: 'font' },
      ];
    case 'images':
      return [
        { request: `${CDN}/images/agent-headshot.png`, as: 'image' },
        { request: VELARO_ICON_URL, as: 'image' },
      ];
    case 'sounds':
      return [{ request: `${CDN}/sounds/notification.wav`, as: 'media' }];
    case 'calendly':
      return [{ frame: 'https://calendly.com/velaro/demo.html?embed_type=Inline' }];
    default:
      return [];
  }
}

export default defineVendor({
  id: 'velaro',
  title: 'Velaro live chat',
  seed: SEED,
  params: PARAMS,
  features,
  routes,
  documentedPolicies,
  embed: (cell): EmbedSpec => ({ loaderUrl: VELARO_EMBED_URL, snippet: VELARO_SNIPPET, selfFile: SELF_FILE, nonce: tagNonce(cell) }),
  // embed.js → shim.js → frame.js; the legacy widget compiles its templates (new Function) in frame.js, before any feature runs.
  chain: (cell) => [
    { request: `${CDN}/shim.js`, as: 'script', initiator: 'script' },
    { request: `${CDN}/frame.js`, as: 'script', initiator: 'script' },
    ...(cell.params.widgetVersion === 'legacy' ? [{ eval: 'eval' } as const] : []),
  ],
  feature: (cell) => featureExpectations(cell.feature, cell.params.signalr!),
});
