// What the vendor tests ask of a vendor: its page and its requests as the oracle sees them, from
// the vendor's one declaration (for tests only).
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { check, parsePolicyList } from '../policy/index.ts';
import type { RequestType } from '../policy/types.ts';
import { resolveUrl } from '../runner/cellPage.ts';
import { hostMatches, routesFor } from '../server/routes.ts';
import { siteContext } from '../site/context.ts';
import { fillPlaceholders } from '../site/placeholders.ts';
import type { ExpectEntry, Vendor, VendorPage } from './types.ts';

/** A request a feature makes, in the shape the tests table it. */
export interface FeatureRequest {
  type: RequestType;
  /** Absolute URL; '' for inline and eval types. */
  url: string;
  initiator?: 'parser' | 'script';
  nonced?: boolean;
  content?: string;
}

const SITE = siteContext();

function params(vendor: Vendor, given: Record<string, string>): Record<string, string> {
  return Object.fromEntries(vendor.params.map((p) => [p.key, given[p.key] ?? p.default]));
}

export function pageOf(vendor: Vendor, feature: string, given: Record<string, string>, options: { nonce: boolean }): VendorPage {
  return vendor.page({ feature, params: params(vendor, given), nonce: options.nonce });
}

const url = (declared: string) => resolveUrl(declared, SITE, 'cell');

function asRequest(e: ExpectEntry): FeatureRequest[] {
  if ('request' in e) return [{ type: e.as, url: url(e.request), ...(e.initiator ? { initiator: e.initiator } : {}), ...(e.nonced !== undefined ? { nonced: e.nonced } : {}) }];
  if ('frame' in e) return [{ type: 'frame', url: url(e.frame) }];
  if ('websocket' in e) return [{ type: 'websocket', url: url(e.websocket) }];
  if ('inline' in e) return [{ type: e.inline, url: '', content: e.content, ...(e.initiator ? { initiator: e.initiator } : {}), ...(e.nonced !== undefined ? { nonced: e.nonced } : {}) }];
  if ('eval' in e) return [{ type: e.eval, url: '' }];
  return [];
}

/** The requests the oracle asks about for one cell (the probe entry is not a request). */
export function requestsOf(vendor: Vendor, feature: string, given: Record<string, string>, options: { nonce: boolean }): FeatureRequest[] {
  return vendor.expectations({ feature, params: params(vendor, given), nonce: options.nonce }).flatMap(asRequest);
}

/** Whether the vendor's routes answer a host over HTTP. */
export function serves(vendor: Vendor, host: string): boolean {
  return vendor.routes.some((r) => r.kind === 'static' && hostMatches(r.host, host));
}

/** The fixture folders (below fixtures/) that answer a host over HTTP, layered in this order. */
export function staticDirs(vendor: Vendor, host: string): string[] {
  return routesFor(vendor.routes, host).flatMap((r) => (r.kind === 'static' ? [r.dir] : []));
}

/** Whether the vendor's routes answer WebSocket upgrades on a host (a ws-echo route). */
export function echoes(vendor: Vendor, host: string): boolean {
  return routesFor(vendor.routes, host).some((r) => r.kind === 'ws-echo');
}

const FIXTURES = new URL('../../fixtures/', import.meta.url);

/** The fixture file (path below fixtures/) that answers a GET of the URL: the first layered folder holding it. */
export function fixtureFileFor(vendor: Vendor, url: string): string | undefined {
  const { hostname, pathname } = new URL(url);
  return staticDirs(vendor, hostname)
    .map((dir) => `${dir}${pathname}`)
    .find((path) => existsSync(new URL(path, FIXTURES)));
}

/** The page's origin in the vendor tests. */
export const PAGE_ORIGIN = SITE.origin;

const ORACLE_NONCE = 'csphTestNonce000000000000';

/** The first request the policy refuses (a small oracle over src/policy's check). */
export function firstBlocked(value: string, requests: readonly FeatureRequest[]): FeatureRequest | null {
  const { policies } = parsePolicyList(fillPlaceholders(value, { nonce: ORACLE_NONCE }), { disposition: 'enforce', source: 'header' });
  for (const r of requests) {
    const digests = r.content === undefined ? undefined : { sha256: createHash('sha256').update(r.content, 'utf8').digest('base64') };
    const verdict = check(policies, { type: r.type, url: r.url, origin: PAGE_ORIGIN, initiator: r.initiator, nonce: r.nonced ? ORACLE_NONCE : undefined, content: r.content, digests });
    if ('error' in verdict) throw new Error(verdict.error);
    if (!verdict.allowed) return r;
  }
  return null;
}

/** The URLs of requests that go to a vendor host: not inline, not data:, not the site's own. */
export function vendorUrls(requests: readonly FeatureRequest[]): URL[] {
  return requests.flatMap((r) => {
    if (r.type.startsWith('inline') || r.url === '') return [];
    const url = new URL(r.url);
    return url.protocol === 'data:' || url.origin === PAGE_ORIGIN ? [] : [url];
  });
}
