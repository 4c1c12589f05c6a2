// vendor.json as users write it (../shared/design/vendor-format.md — a contract: add freely, change
// only with a documented reason). The JSON Schema beside this file (vendor.schema.json) checks it.

/** One expectation of a feature, observed from outside the vendor's code. */
export type ExpectJson =
  /** The proxy answered a request to a URL matching the pattern. */
  | { request: string }
  /** A frame's document matching the pattern loaded. */
  | { frame: string }
  /** A WebSocket upgrade matching the pattern went through. */
  | { websocket: string }
  /** An element of the top document matching the selector exists (and is visible unless `visible: false`). */
  | { selector: string; visible?: boolean }
  /** The computed style of the first element matching the selector has `property: value`. */
  | { style: string; property: string; value: string };

export interface FeatureJson {
  title: string;
  expect: ExpectJson[];
}

export interface VendorJson {
  $schema?: string;
  id: string;
  title: string;
  /** HTML the site pastes into its <body>. */
  embed: string;
  /** HAR files, relative to the folder. */
  traffic: string[];
  /** Static files by origin: `{ "https://cdn.acme.test": "static/cdn.acme.test" }`, folders relative to the folder. */
  static?: Record<string, string>;
  /** Derived from the traffic when absent. */
  features?: Record<string, FeatureJson>;
}

/** The expectation kinds, in the order the schema lists them (messages name them). */
export const EXPECT_KINDS = ['request', 'frame', 'websocket', 'selector', 'style'] as const;
