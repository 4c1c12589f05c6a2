// Velaro live chat (seed 001_1abeb4a377821cb3.txt). Stubs: fixtures/velaro/ (README there maps every stub
// request to the real one it stands for).
import type { HostRoute } from '../server/network.ts';
import { cellMarker, EMBED_PARAM, embedMarkup, type EmbedSpec } from './common.ts';
import type { DocumentedPolicy, EmbedForm, FeatureRequest, PageOptions, Vendor, VendorFeature, VendorParam, VendorPage } from './types.ts';

const SEED = '001_1abeb4a377821cb3.txt';
const CDN = 'https://app-cdn.velaro.com';
const PAGE_ORIGIN = 'https://www.shop.test';

export const VELARO_EMBED_URL = `${CDN}/embed.js`;
const SELF_FILE = 'velaro-embed.js';

/** The inline form of the embed (the seed's own tag was lost: line 59 reads "``html ``"). */
export const VELARO_SNIPPET =
  'window.Velaro=window.Velaro||{siteId:10000,groupId:0};(function(d){var s=d.createElement("script");s.src="https://app-cdn.velaro.com/embed.js";s.async=true;d.head.appendChild(s)})(document);';

const EMBED: EmbedSpec = { loaderUrl: VELARO_EMBED_URL, snippet: VELARO_SNIPPET, selfFile: SELF_FILE };

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
  EMBED_PARAM('external'),
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

const hosts: readonly HostRoute[] = [
  { pattern: 'app-cdn.velaro.com', dir: 'velaro/app-cdn.velaro.com' },
  { pattern: '*.velaro.com', dir: 'velaro/star.velaro.com', websocket: true },
  { pattern: '*.service.signalr.net', dir: 'velaro/star.service.signalr.net', websocket: true },
  { pattern: 'fonts.googleapis.com', dir: 'velaro/fonts.googleapis.com' },
  { pattern: 'fonts.gstatic.com', dir: 'velaro/fonts.gstatic.com' },
  { pattern: 'calendly.com', dir: 'velaro/calendly.com' },
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

function param(params: Record<string, string>, key: string): string {
  const spec = PARAMS.find((p) => p.key === key);
  if (!spec) throw new Error(`velaro: no parameter "${key}"`);
  const value = params[key] ?? spec.default;
  if (!spec.values.includes(value)) throw new Error(`velaro: "${value}" is not a value of ${key}; allowed: ${spec.values.join(', ')}`);
  return value;
}

function checkFeature(feature: string): void {
  if (!features.some((f) => f.id === feature)) throw new Error(`velaro: unknown feature "${feature}"; known: ${features.map((f) => f.id).join(', ')}`);
}

/** Whether the embed tag carries the response's nonce. */
function tagNonce(params: Record<string, string>, options: PageOptions): boolean {
  switch (param(params, 'nonceOnTag')) {
    case 'missing':
      return false;
    case 'fresh':
      return true;
    default:
      return options.nonce;
  }
}

function resolved(params: Record<string, string>): Record<string, string> {
  return { ...params, ...Object.fromEntries(PARAMS.map((p) => [p.key, param(params, p.key)])) };
}

function page(feature: string, params: Record<string, string>, options: PageOptions): VendorPage {
  checkFeature(feature);
  const all = resolved(params);
  const embed = embedMarkup(all.embed as EmbedForm, EMBED, tagNonce(all, options));
  return {
    body: `${cellMarker('velaro', feature, all)}\n${embed.body}`,
    ...(embed.files ? { files: embed.files } : {}),
    inlineScripts: embed.inlineScripts,
    inlineStyles: [],
  };
}

function embedRequests(form: EmbedForm, nonced: boolean): FeatureRequest[] {
  const chain: FeatureRequest[] = [
    { type: 'script', url: `${CDN}/shim.js`, initiator: 'script' },
    { type: 'script', url: `${CDN}/frame.js`, initiator: 'script' },
  ];
  switch (form) {
    case 'external':
      return [{ type: 'script', url: VELARO_EMBED_URL, initiator: 'parser', nonced }, ...chain];
    case 'inline':
      return [{ type: 'inline-script', url: '', nonced, content: VELARO_SNIPPET }, { type: 'script', url: VELARO_EMBED_URL, initiator: 'script' }, ...chain];
    case 'self':
      return [
        { type: 'script', url: `${PAGE_ORIGIN}/cells/cell/${SELF_FILE}`, initiator: 'parser', nonced },
        { type: 'script', url: VELARO_EMBED_URL, initiator: 'script' },
        ...chain,
      ];
  }
}

function featureRequests(feature: string, signalr: string): FeatureRequest[] {
  switch (feature) {
    case 'widget':
      return [{ type: 'frame', url: `blob:${PAGE_ORIGIN}/00000000-0000-4000-8000-000000000000` }];
    case 'realtime': {
      const hub: FeatureRequest = { type: 'connect', url: 'https://signalr-engagement-us-east.velaro.com/engagementHub/negotiate?negotiateVersion=1' };
      if (signalr === 'azure')
        return [
          hub,
          { type: 'connect', url: 'https://velaro-prod.service.signalr.net/client/negotiate?hub=engagement&negotiateVersion=1' },
          { type: 'websocket', url: 'wss://velaro-prod.service.signalr.net/client/?hub=engagement&id=csph' },
        ];
      return [hub, { type: 'websocket', url: 'wss://signalr-engagement-us-east.velaro.com/engagementHub?id=csph' }];
    }
    case 'api':
      return [
        { type: 'connect', url: 'https://api-visitor-us-east.velaro.com/v1/visitor' },
        { type: 'connect', url: 'https://api-engagement-us-east.velaro.com/v1/test/ok' },
      ];
    case 'styles':
      return [
        { type: 'inline-style', url: '', content: LAUNCHER_CSS },
        { type: 'style-attr', url: '', content: LAUNCHER_ATTR },
      ];
    case 'fonts':
      return [
        { type: 'style', url: 'https://fonts.googleapis.com/css?family=Open+Sans:400&display=swap' },
        { type: 'font', url: 'https://fonts.gstatic.com/s/opensans/v40/memSYaGs126MiZpBA-UvWbX2vVnXBbObj2OVZyOOSr4dVJWUgsjZ0B4gaVc.woff' },
      ];
    case 'images':
      return [
        { type: 'image', url: `${CDN}/images/agent-headshot.png` },
        { type: 'image', url: VELARO_ICON_URL },
      ];
    case 'sounds':
      return [{ type: 'media', url: `${CDN}/sounds/notification.wav` }];
    case 'calendly':
      return [{ type: 'frame', url: 'https://calendly.com/velaro/demo.html?embed_domain=www.shop.test&embed_type=Inline' }];
    default:
      return [];
  }
}

function requests(feature: string, params: Record<string, string>, options: PageOptions): FeatureRequest[] {
  checkFeature(feature);
  const all = resolved(params);
  // The legacy widget compiles its templates (new Function) in frame.js, before any feature runs.
  const legacy: FeatureRequest[] = all.widgetVersion === 'legacy' ? [{ type: 'eval', url: '' }] : [];
  return [...embedRequests(all.embed as EmbedForm, tagNonce(all, options)), ...legacy, ...featureRequests(feature, all.signalr!)];
}

export const velaro: Vendor = {
  id: 'velaro',
  title: 'Velaro live chat',
  seed: SEED,
  params: PARAMS,
  features,
  hosts,
  documentedPolicies,
  page,
  requests,
};
