// The vendor model (../shared/design/vendor-format.md): bundled vendors and, from [8], users' own
// vendor folders alike. Ids are a contract (../shared/design/vendors.md).
import type { RequestType } from '../policy/types.ts';
import type { Route } from '../server/routes.ts';
import type { JsonProblem } from '../shared/jsonPositions.ts';
import type { DeliveryId } from '../shared/vocabulary.ts';

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
  /** The directives this feature's requests fall under (documentation). */
  directives: readonly string[];
  /** Where the seed documents it: `001_….txt:42`. */
  seedRef: string;
}

/**
 * One thing a feature needs or does, declared once (vendor-format.md's `expect` entries). The spec
 * oracle asks the CSP model about the request kinds; the cell is judged by the `probe` entry — the
 * stub's own record of whether the feature worked (harness/README.md).
 *
 * URLs are absolute, `{{origin}}/…` (the site's origin), or a bare file name: a same-origin file
 * served beside the cell's page.
 */
export type ExpectEntry =
  /**
   * A fetch of a URL of this kind (script, style, image, font, connect, media, worker, manifest, object).
   * Judged by observation (a feature without a probe): the proxy answered a request matching `request`,
   * a URL pattern (src/shared/urlPattern.ts). `example` is a concrete URL for the spec oracle when the
   * pattern has wildcards.
   */
  | { request: string; as: Exclude<RequestType, 'frame' | 'websocket' | InlineKind | EvalKind>; initiator?: 'parser' | 'script'; nonced?: boolean; example?: string }
  /** A frame's document (observed: the proxy answered it, and the engine's frame tree holds it where it has one). */
  | { frame: string; example?: string }
  /** A WebSocket upgrade (observed: the proxy took it). */
  | { websocket: string; example?: string }
  /** An element of the top document after settling: present, and visible unless `visible: false` (observed only). */
  | { selector: string; visible?: boolean }
  /** The computed style of the first element matching a selector (observed only). */
  | { style: string; property: string; value: string }
  /** An inline script or style, or an event-handler / style attribute, with its exact text. */
  | { inline: InlineKind; content: string; nonced?: boolean; initiator?: 'parser' | 'script' }
  /** String evaluation (`eval`, `new Function`) or WebAssembly compilation. */
  | { eval: EvalKind }
  /**
   * The stub's own probe for this feature (`window.__csph.probes[feature]`) must say `ok`. A feature
   * with a probe is judged by it; a feature without one (real vendor code, vendor folders) by its
   * observed expectations (src/runner/observe.ts).
   */
  | { probe: string };

export type InlineKind = 'inline-script' | 'inline-style' | 'script-attr' | 'style-attr';
export type EvalKind = 'eval' | 'wasm-eval';

/** A policy a vendor's document gives: a header value, or a file for one of the vendor's policy sources. */
export interface DocumentedPolicy {
  id: string;
  title: string;
  /** Header value as the seed gives it (may hold `'nonce-{{nonce}}'`). */
  value?: string;
  /** A file below the package root in the format of one of the vendor's policy sources. */
  source?: { kind: string; path: string };
  delivery: DeliveryId;
  params: Record<string, string>;
  seedRef: string;
}

/** A problem found in a policy source's file: JSON pointer, and line and column where known. */
export type SourceProblem = JsonProblem;

export type CompiledSource = { ok: true; header: string; warnings: SourceProblem[] } | { ok: false; errors: SourceProblem[]; warnings: SourceProblem[] };

/**
 * A format of the vendor's own that compiles to a policy header (seed 004's Chargebee configuration).
 * It is offered as `--<flag> <path>` on run, serve and compile, as the config key and scenario key
 * `key`, and its errors exit 2 with `errorCode`.
 */
export interface PolicySource {
  /** The CLI flag without dashes: `chargebee-config`. */
  flag: string;
  /** The config-file and scenario-file key: `chargebeeConfig`. */
  key: string;
  /** One line for --help. */
  description: string;
  /** Stable code of its errors (exit 2). */
  errorCode: string;
  compile(text: string): CompiledSource;
}

/** What a vendor's embed is on a page, in the form `params.embed` (or `form`) says. */
export interface EmbedSpec {
  /** The vendor's loader, for `external`: a parser-inserted <script src>. */
  loaderUrl: string;
  /** The vendor's inline snippet text (usually inserts the loader), for `inline`, and `self`'s file. */
  snippet: string;
  /** File name of the snippet saved on the site, for `self` (served beside the cell's page). */
  selfFile: string;
  /** The `self` file's body when it is not the snippet (a first-party build of the vendor's code). */
  selfBody?: string;
  /** What the snippet inserts (default: the loader); null: it inserts nothing. */
  inserted?: string | null;
  /** Overrides params.embed (an install that has one form only). */
  form?: EmbedForm;
  /** Whether the embed tag carries the response's nonce (default: whenever the policy has one). */
  nonce?: boolean;
  /** HTML the site places before the embed (containers the vendor's code fills). */
  before?: string;
}

export interface CellContext {
  feature: string;
  /** Every parameter of the vendor, defaults filled in, values checked. */
  params: Record<string, string>;
  /** The candidate policy carries `'nonce-{{nonce}}'`. */
  nonce: boolean;
}

export interface VendorPage {
  head?: string;
  body: string;
  /** Same-origin files of the page (embed=self), by path relative to the page. */
  files?: Record<string, { contentType: string; body: string }>;
  /** The exact text of each inline <script> block on the page (for `{{inline-hashes}}`). */
  inlineScripts: string[];
}

/** A vendor as the harness uses it (made by defineVendor, or from a vendor folder in [8]). */
export interface Vendor {
  id: string;
  title: string;
  /** Seed file name in ../shared/seeds/ (bundled vendors); empty for a user's vendor folder. */
  seed: string;
  /** A user's vendor folder (`--vendor-dir`), absolute; absent for bundled vendors. */
  folder?: string;
  params: readonly VendorParam[];
  features: readonly VendorFeature[];
  /** Every host the vendor's code contacts, all params: what the fixture network serves. */
  routes: readonly Route[];
  documentedPolicies: readonly DocumentedPolicy[];
  policySources: readonly PolicySource[];
  /** The page of one cell: the embed (in the form params.embed says) and the cell marker. */
  page(cell: CellContext): VendorPage;
  /** What the feature needs and does with these params: the oracle's requests and the probe. */
  expectations(cell: CellContext): ExpectEntry[];
}

/** What a bundled vendor module declares (src/vendors/<id>/index.ts: `export default defineVendor({…})`). */
export interface VendorDefinition extends Pick<Vendor, 'id' | 'title' | 'seed' | 'params' | 'features' | 'documentedPolicies'> {
  /** Routes; a static route's `dir` is below the vendor's own fixtures folder (fixtures/<id>/). */
  routes: readonly Route[];
  policySources?: readonly PolicySource[];
  /** The embed of one cell. */
  embed(cell: CellContext): EmbedSpec;
  /** The requests the embed's code makes before any feature, after the embed itself (a loader chain). */
  chain?(cell: CellContext): ExpectEntry[];
  /** What one feature needs and does (the probe entry is added by defineVendor, unless `observed`). */
  feature(cell: CellContext): ExpectEntry[];
  /**
   * The vendor's real, unmodified code is served (a published npm package): it records no probe, so
   * every feature is judged by its expectations observed from outside — requests the proxy answered,
   * frames, WebSockets, `selector` and `style` checks (src/runner/observe.ts).
   */
  observed?: boolean;
}
