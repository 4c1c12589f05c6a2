// The vendor catalog's shape (ids are a contract: ../shared/design/vendors.md).
import type { HostRoute } from '../server/network.ts';
import type { DeliveryId } from '../reporters/model.ts';
import type { CheckRequest } from '../policy/types.ts';

export type EmbedForm = 'external' | 'inline' | 'self';

export interface VendorParam {
  key: string;
  values: readonly string[];
  default: string;
  description: string;
}

export interface VendorFeature {
  id: string;
  title: string;
  /** The directives this feature's requests fall under (documentation and the oracle's request list). */
  directives: readonly string[];
  /** Where the seed documents it: `001_….txt:42`. */
  seedRef: string;
}

/** A request the feature makes, for the spec oracle (evaluate.ts `check`). */
export interface FeatureRequest {
  type: CheckRequest['type'];
  /** Absolute URL; for inline types, ignored. */
  url: string;
  initiator?: 'parser' | 'script';
  /** Carries the page's nonce (the embed tag, when the policy has a nonce). */
  nonced?: boolean;
  /** Inline script/style text (hashes are computed from it). */
  content?: string;
}

export interface DocumentedPolicy {
  id: string;
  title: string;
  /** Header value as the seed gives it (may hold `'nonce-{{nonce}}'`). Absent for a Chargebee config. */
  value?: string;
  /** For Chargebee: a config file below fixtures/ in seed 004's format. */
  chargebeeConfig?: string;
  delivery: DeliveryId;
  params: Record<string, string>;
  seedRef: string;
}

export interface PageOptions {
  /** The candidate policy contains `'nonce-{{nonce}}'`: put `nonce="{{nonce}}"` on the vendor's embed tag(s). */
  nonce: boolean;
}

export interface VendorPage {
  head?: string;
  body: string;
  /** Same-origin files of the page (embed=self), by path relative to the page. */
  files?: Record<string, { contentType: string; body: string }>;
  /** The exact text of each inline <script> block on the page (for hash scenarios). */
  inlineScripts: string[];
  /** Exact text of inline <style> blocks. */
  inlineStyles: string[];
}

export interface Vendor {
  id: string;
  title: string;
  /** Seed file name in ../shared/seeds/. */
  seed: string;
  params: readonly VendorParam[];
  features: readonly VendorFeature[];
  /** Every host the stubs use, all regions/installs: the fixture network serves them. */
  hosts: readonly HostRoute[];
  documentedPolicies: readonly DocumentedPolicy[];
  /** The page for one cell: the vendor's embed (in the form params.embed says) plus this feature. */
  page(feature: string, params: Record<string, string>, options: PageOptions): VendorPage;
  /** Requests the feature makes with these params, for the spec oracle's column. */
  requests(feature: string, params: Record<string, string>, options: PageOptions): FeatureRequest[];
}
