// Provide Support live chat (seed 000_6ac6f83f6945e180.txt). Stubs: fixtures/provide-support/ (README there
// maps every stub request to the real one it stands for).
import type { HostRoute } from '../server/network.ts';
import { cellMarker, EMBED_PARAM, embedMarkup, type EmbedSpec } from './common.ts';
import type { DocumentedPolicy, EmbedForm, FeatureRequest, PageOptions, Vendor, VendorFeature, VendorPage } from './types.ts';

const SEED = '000_6ac6f83f6945e180.txt';
const ACCOUNT = 'shoptest';
const IMAGE = 'https://image.providesupport.com';
const MESSENGER = 'https://messenger.providesupport.com';
const CHAT = 'https://chat1.providesupport.com';
const PAGE_ORIGIN = 'https://www.shop.test';

export const PROVIDESUPPORT_LOADER_URL = `${IMAGE}/js/${ACCOUNT}/safe-standard.js`;
const SELF_FILE = 'providesupport-chat.js';

/**
 * Provide Support's install code is an inline snippet that inserts the loader (with a cache-busting
 * `ps_t`): the modern form, without the legacy `setTimeout("…string…")` (which needs 'unsafe-eval').
 */
export const PROVIDESUPPORT_SNIPPET =
  '(function(D){var s=D.createElement("script");s.src="https://image.providesupport.com/js/shoptest/safe-standard.js?ps_h=shop&ps_t="+Date.now();D.body.appendChild(s)})(document)';

const EMBED: EmbedSpec = { loaderUrl: PROVIDESUPPORT_LOADER_URL, snippet: PROVIDESUPPORT_SNIPPET, selfFile: SELF_FILE };

const features: readonly VendorFeature[] = [
  { id: 'button', title: 'Chat button: loader script, then the button and status images', directives: ['script-src', 'img-src'], seedRef: `${SEED}:11` },
  { id: 'window', title: 'Chat window: loader script, then the messenger iframe', directives: ['script-src', 'frame-src'], seedRef: `${SEED}:11` },
  { id: 'connect', title: 'Connecting to the chat: XHR to the chat server', directives: ['script-src', 'connect-src'], seedRef: `${SEED}:11` },
  { id: 'messages', title: 'Exchanging messages: WebSocket to the chat server', directives: ['script-src', 'connect-src'], seedRef: `${SEED}:11` },
  { id: 'files', title: 'Sending files: upload by fetch POST', directives: ['script-src', 'connect-src'], seedRef: `${SEED}:11` },
  { id: 'sounds', title: 'Notification sound', directives: ['script-src', 'media-src'], seedRef: `${SEED}:27` },
];

const hosts: readonly HostRoute[] = [
  { pattern: 'image.providesupport.com', dir: 'provide-support/image.providesupport.com' },
  { pattern: 'messenger.providesupport.com', dir: 'provide-support/messenger.providesupport.com' },
  { pattern: 'chat1.providesupport.com', dir: 'provide-support/chat1.providesupport.com', websocket: true },
];

const documentedPolicies: readonly DocumentedPolicy[] = [
  {
    id: 'provide-support-lax',
    title: 'Option 1: "default-src * and img-src should be enough" (img-src value as the project reads it)',
    value: 'default-src *; img-src * data:',
    delivery: 'header',
    params: { embed: 'external' },
    seedRef: `${SEED}:23`,
  },
  {
    id: 'provide-support-full-list',
    title: 'Option 2: the full list, for when later directives override default-src',
    value: 'script-src *; connect-src *; media-src *; default-src *;',
    delivery: 'header',
    params: { embed: 'external' },
    seedRef: `${SEED}:24`,
  },
];

/** The style attributes of the real install code's containers, as shipped. */
const CONTAINER_STYLES = ['z-index:100;position:absolute', 'display:inline', 'display:none'] as const;
/** The real install code's containers: the "sc" one receives the button. */
const BUTTON_CONTAINERS = ['cishop', 'scshop', 'sdshop'].map((id, i) => `<div id="${id}" style="${CONTAINER_STYLES[i]}"></div>`).join('');
/** The inline handler of the button link the loader writes (fixtures/…/safe-standard.js). */
const BUTTON_ONCLICK = 'psshopow(); return false;';

function embedForm(params: Record<string, string>): EmbedForm {
  const form = params.embed ?? 'external';
  if (form !== 'external' && form !== 'inline' && form !== 'self') throw new Error(`provide-support: unknown embed form "${form}"`);
  return form;
}

function checkFeature(feature: string): void {
  if (!features.some((f) => f.id === feature)) throw new Error(`provide-support: unknown feature "${feature}"; known: ${features.map((f) => f.id).join(', ')}`);
}

function page(feature: string, params: Record<string, string>, options: PageOptions): VendorPage {
  checkFeature(feature);
  const all = { embed: embedForm(params), ...params };
  const embed = embedMarkup(all.embed as EmbedForm, EMBED, options.nonce);
  const containers = feature === 'button' ? BUTTON_CONTAINERS : '';
  return {
    body: `${cellMarker('provide-support', feature, all)}\n${containers}${embed.body}`,
    ...(embed.files ? { files: embed.files } : {}),
    inlineScripts: embed.inlineScripts,
    inlineStyles: [],
  };
}

function embedRequests(form: EmbedForm, nonced: boolean): FeatureRequest[] {
  switch (form) {
    case 'external':
      return [{ type: 'script', url: PROVIDESUPPORT_LOADER_URL, initiator: 'parser', nonced }];
    case 'inline':
      return [
        { type: 'inline-script', url: '', nonced, content: PROVIDESUPPORT_SNIPPET },
        { type: 'script', url: `${PROVIDESUPPORT_LOADER_URL}?ps_h=shop&ps_t=0`, initiator: 'script' },
      ];
    case 'self':
      return [
        { type: 'script', url: `${PAGE_ORIGIN}/cells/cell/${SELF_FILE}`, initiator: 'parser', nonced },
        { type: 'script', url: `${PROVIDESUPPORT_LOADER_URL}?ps_h=shop&ps_t=0`, initiator: 'script' },
      ];
  }
}

function featureRequests(feature: string): FeatureRequest[] {
  switch (feature) {
    case 'button':
      // The images the button shows, then what the page also carries and a policy without
      // 'unsafe-inline' refuses (the cell fails on it, so the oracle is asked too): the containers'
      // style attributes and the button link's inline onclick.
      return [
        { type: 'image', url: `${IMAGE}/image/${ACCOUNT}/online.png` },
        { type: 'image', url: `${IMAGE}/cmd/${ACCOUNT}?ps_t=0&ps_s=csph` },
        ...CONTAINER_STYLES.map((content): FeatureRequest => ({ type: 'style-attr', url: '', content })),
        { type: 'script-attr', url: '', content: BUTTON_ONCLICK },
      ];
    case 'window':
      return [{ type: 'frame', url: `${MESSENGER}/messenger/${ACCOUNT}.html?ps_s=csph` }];
    case 'connect':
      return [{ type: 'connect', url: `${CHAT}/chat/${ACCOUNT}/connect?ps_s=csph` }];
    case 'messages':
      return [{ type: 'websocket', url: `wss://chat1.providesupport.com/chat/${ACCOUNT}/ws?ps_s=csph` }];
    case 'files':
      return [{ type: 'connect', url: `${CHAT}/chat/${ACCOUNT}/upload?ps_s=csph` }];
    case 'sounds':
      return [{ type: 'media', url: `${MESSENGER}/sounds/new-message.wav` }];
    default:
      return [];
  }
}

function requests(feature: string, params: Record<string, string>, options: PageOptions): FeatureRequest[] {
  checkFeature(feature);
  return [...embedRequests(embedForm(params), options.nonce), ...featureRequests(feature)];
}

export const providesupport: Vendor = {
  id: 'provide-support',
  title: 'Provide Support live chat',
  seed: SEED,
  params: [EMBED_PARAM('external')],
  features,
  hosts,
  documentedPolicies,
  page,
  requests,
};
