// Features derived from recorded traffic when vendor.json declares none (vendor-format.md): one per kind
// of resource the traffic holds, each expecting every recorded request of that kind. Pure.
import type { RequestType } from '../policy/types.ts';
import { resourceTypeOfContentType } from '../server/har.ts';
import type { ExpectJson, FeatureJson } from './format.ts';

/** The kinds, in the order features are listed, with what the CSP model calls such a request. */
export const TRAFFIC_KINDS = {
  scripts: { title: 'Scripts', as: 'script' },
  styles: { title: 'Style sheets', as: 'style' },
  images: { title: 'Images', as: 'image' },
  fonts: { title: 'Fonts', as: 'font' },
  connections: { title: 'Connections (fetch, XHR, EventSource, beacons)', as: 'connect' },
  frames: { title: 'Frames', as: 'frame' },
  media: { title: 'Audio and video', as: 'media' },
  websockets: { title: 'WebSockets', as: 'websocket' },
} as const satisfies Record<string, { title: string; as: RequestType }>;
export type TrafficKind = keyof typeof TRAFFIC_KINDS;

const BY_RESOURCE_TYPE: Record<string, TrafficKind> = {
  script: 'scripts',
  stylesheet: 'styles',
  image: 'images',
  font: 'fonts',
  xhr: 'connections',
  fetch: 'connections',
  eventsource: 'connections',
  ping: 'connections',
  beacon: 'connections',
  document: 'frames',
  media: 'media',
  texttrack: 'media',
  websocket: 'websockets',
};

/** A recorded exchange as far as deriving needs it. */
export interface TrafficItem {
  url: string;
  /** Chromium's `_resourceType` name, or null when the recording did not say. */
  resourceType?: string | null;
  /** The response's content type, for recordings that do not say what the request was. */
  contentType?: string | null;
}

/** The kind of one recorded request: what the browser said it was, else its content type; null: none of the kinds. */
export function trafficKindOf(item: TrafficItem): TrafficKind | null {
  if (/^wss?:/i.test(item.url)) return 'websockets';
  const resourceType = item.resourceType || resourceTypeOfContentType(item.contentType);
  if (resourceType) return BY_RESOURCE_TYPE[resourceType] ?? null;
  const type = (item.contentType ?? '').toLowerCase();
  return type.includes('text/event-stream') || type.startsWith('text/plain') ? 'connections' : null;
}

/** The URL a derived expectation names: without its query (session ids, cache busters change per visit). */
function patternOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

function expectationOf(kind: TrafficKind, url: string): ExpectJson {
  if (kind === 'frames') return { frame: url };
  if (kind === 'websockets') return { websocket: url };
  return { request: url };
}

/**
 * One feature per kind the traffic holds, in TRAFFIC_KINDS order, each expecting every distinct URL
 * (query dropped) of that kind in recorded order. Items of no kind (manifests, `other`) are left out.
 */
export function deriveFeatures(items: readonly TrafficItem[]): Record<string, FeatureJson> {
  const urls = new Map<TrafficKind, Set<string>>();
  for (const item of items) {
    const kind = trafficKindOf(item);
    if (!kind || !URL.canParse(item.url)) continue;
    const set = urls.get(kind) ?? new Set<string>();
    set.add(patternOf(item.url));
    urls.set(kind, set);
  }
  const features: Record<string, FeatureJson> = {};
  for (const kind of Object.keys(TRAFFIC_KINDS) as TrafficKind[]) {
    const list = urls.get(kind);
    if (list) features[kind] = { title: TRAFFIC_KINDS[kind].title, expect: [...list].map((url) => expectationOf(kind, url)) };
  }
  return features;
}
