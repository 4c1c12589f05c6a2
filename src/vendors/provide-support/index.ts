// Provide Support live chat (seed 000_6ac6f83f6945e180.txt). Stubs: fixtures/provide-support/ (README there
// maps every stub request to the real one it stands for).
import type { Route } from '../../server/routes.ts';
import { defineVendor } from '../define.ts';
import { embedParam } from '../embed.ts';
import type { DocumentedPolicy, ExpectEntry, VendorFeature } from '../types.ts';

const SEED = '000_6ac6f83f6945e180.txt';
const ACCOUNT = 'shoptest';
const IMAGE = 'https://image.providesupport.com';
const MESSENGER = 'https://messenger.providesupport.com';
const CHAT = 'https://chat1.providesupport.com';

export const PROVIDESUPPORT_LOADER_URL = `${IMAGE}/js/${ACCOUNT}/safe-standard.js`;
const SELF_FILE = 'providesupport-chat.js';

/**
 * Provide Support's install code is an inline snippet that inserts the loader (with a cache-busting
 * `ps_t`): the modern form, without the legacy `setTimeout("…string…")` (which needs 'unsafe-eval').
 */
export const PROVIDESUPPORT_SNIPPET =
  '(function(D){var s=D.createElement("script");s.src="https://image.providesupport.com/js/shoptest/safe-standard.js?ps_h=shop&ps_t="+Date.now();D.body.appendChild(s)})(document)';

const features: readonly VendorFeature[] = [
  { id: 'button', title: 'Chat button: loader script, then the button and status images', directives: ['script-src', 'img-src'], seedRef: `${SEED}:11` },
  { id: 'window', title: 'Chat window: loader script, then the messenger iframe', directives: ['script-src', 'frame-src'], seedRef: `${SEED}:11` },
  { id: 'connect', title: 'Connecting to the chat: XHR to the chat server', directives: ['script-src', 'connect-src'], seedRef: `${SEED}:11` },
  { id: 'messages', title: 'Exchanging messages: WebSocket to the chat server', directives: ['script-src', 'connect-src'], seedRef: `${SEED}:11` },
  { id: 'files', title: 'Sending files: upload by fetch POST', directives: ['script-src', 'connect-src'], seedRef: `${SEED}:11` },
  { id: 'sounds', title: 'Notification sound', directives: ['script-src', 'media-src'], seedRef: `${SEED}:27` },
];

const routes: readonly Route[] = [
  { kind: 'static', host: 'image.providesupport.com', dir: 'image.providesupport.com' },
  { kind: 'static', host: 'messenger.providesupport.com', dir: 'messenger.providesupport.com' },
  { kind: 'static', host: 'chat1.providesupport.com', dir: 'chat1.providesupport.com' },
  { kind: 'ws-echo', host: 'chat1.providesupport.com' },
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

function featureExpectations(feature: string): ExpectEntry[] {
  switch (feature) {
    case 'button':
      // The images the button shows, then what the page also carries and a policy without
      // 'unsafe-inline' refuses (the cell fails on it, so the oracle is asked too): the containers'
      // style attributes and the button link's inline onclick.
      return [
        { request: `${IMAGE}/image/${ACCOUNT}/online.png`, as: 'image' },
        { request: `${IMAGE}/cmd/${ACCOUNT}?ps_t=0&ps_s=csph`, as: 'image' },
        ...CONTAINER_STYLES.map((content): ExpectEntry => ({ inline: 'style-attr', content })),
        { inline: 'script-attr', content: BUTTON_ONCLICK },
      ];
    case 'window':
      return [{ frame: `${MESSENGER}/messenger/${ACCOUNT}.html?ps_s=csph` }];
    case 'connect':
      return [{ request: `${CHAT}/chat/${ACCOUNT}/connect?ps_s=csph`, as: 'connect' }];
    case 'messages':
      return [{ websocket: `wss://chat1.providesupport.com/chat/${ACCOUNT}/ws?ps_s=csph` }];
    case 'files':
      return [{ request: `${CHAT}/chat/${ACCOUNT}/upload?ps_s=csph`, as: 'connect' }];
    case 'sounds':
      return [{ request: `${MESSENGER}/sounds/new-message.wav`, as: 'media' }];
    default:
      return [];
  }
}

export default defineVendor({
  id: 'provide-support',
  title: 'Provide Support live chat',
  seed: SEED,
  params: [embedParam('external')],
  features,
  routes,
  documentedPolicies,
  embed: (cell) => ({
    loaderUrl: PROVIDESUPPORT_LOADER_URL,
    snippet: PROVIDESUPPORT_SNIPPET,
    selfFile: SELF_FILE,
    // The snippet adds a cache buster: ps_t is the time, so the oracle asks about one such URL.
    inserted: `${PROVIDESUPPORT_LOADER_URL}?ps_h=shop&ps_t=0`,
    before: cell.feature === 'button' ? BUTTON_CONTAINERS : '',
  }),
  feature: (cell) => featureExpectations(cell.feature),
});
