// The CSP model's data types. Everything in src/policy/ is pure: no node, browser or network.

export type Disposition = 'enforce' | 'report';
/** How a policy reached the page: an HTTP header or a <meta http-equiv> element. */
export type PolicySource = 'header' | 'meta';

export type HashAlgorithm = 'sha256' | 'sha384' | 'sha512';

export type Keyword =
  | 'self'
  | 'unsafe-inline'
  | 'unsafe-eval'
  | 'strict-dynamic'
  | 'unsafe-hashes'
  | 'report-sample'
  | 'unsafe-allow-redirects'
  | 'wasm-unsafe-eval'
  | 'trusted-types-eval'
  | 'inline-speculation-rules'
  | 'report-sha256'
  | 'report-sha384'
  | 'report-sha512';

export type SourceExpression =
  | { kind: 'none'; text: string }
  | { kind: 'keyword'; keyword: Keyword; text: string }
  | { kind: 'nonce'; value: string; text: string }
  | { kind: 'hash'; algorithm: HashAlgorithm; value: string; text: string }
  | { kind: 'scheme'; scheme: string; text: string }
  | {
      kind: 'host';
      /** Lower-cased scheme, or null when the expression has none (it then takes the page's). */
      scheme: string | null;
      /** Lower-cased host: `*`, `*.example.com` or `example.com` (a trailing dot removed). */
      host: string;
      /** Digits, `*`, or null when the expression names no port. */
      port: string | null;
      /** The path part, or null. */
      path: string | null;
      text: string;
    };

export interface Directive {
  /** Lower-cased name. */
  name: string;
  /** Raw value tokens, as written. */
  tokens: string[];
  /** Parsed source expressions, for directives whose value is a source list; invalid tokens are left out. */
  sources: SourceExpression[] | null;
  /** Offset of the directive name in the serialized input. */
  offset: number;
}

export interface Policy {
  disposition: Disposition;
  source: PolicySource;
  /** Directives in order of appearance; a repeated name keeps only the first. */
  directives: Directive[];
}

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  /** Stable code, e.g. `CSPH_UNTERMINATED_QUOTE`. */
  code: string;
  message: string;
  /** Character offset into the serialized policy string (0-based), when one applies. */
  offset: number | null;
  directive: string | null;
  token: string | null;
}

export interface ParseResult {
  policies: Policy[];
  diagnostics: Diagnostic[];
}

/** Request types a user can ask about (`csp-harness explain --type`). */
export const REQUEST_TYPES = [
  'script',
  'style',
  'image',
  'font',
  'connect',
  'websocket',
  'frame',
  'media',
  'worker',
  'manifest',
  'object',
  'inline-script',
  'inline-style',
  'script-attr',
  'style-attr',
  'eval',
  'wasm-eval',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export type Initiator = 'parser' | 'script';

export interface CheckRequest {
  type: RequestType;
  /** Absolute URL of the resource; ignored for inline, attribute and eval types. */
  url?: string;
  /** Origin of the page (the run's site context says which). */
  origin: string;
  /** Whether a <script> was inserted by the HTML parser (default) or by another script. */
  initiator?: Initiator;
  /** The nonce attribute of the element, if any. */
  nonce?: string;
  /** Inline script/style text or attribute value, for hash matching. */
  content?: string;
  /** Base64 digests of `content` for each algorithm (the caller computes them: src/policy stays pure). */
  digests?: Partial<Record<HashAlgorithm, string>>;
  /** Redirects followed so far; paths are ignored after a redirect. */
  redirectCount?: number;
}

export interface PolicyVerdict {
  index: number;
  disposition: Disposition;
  allowed: boolean;
  effectiveDirective: string;
  /** The directive whose source list decided, or null when no directive in the fallback list is present. */
  decidedBy: string | null;
  /** The source expression that allowed the request, if one did. */
  matchedBy: string | null;
  explanation: string;
}

export interface Verdict {
  /** True when every enforced policy allows the request. */
  allowed: boolean;
  effectiveDirective: string;
  /** The directive of the first enforced policy that blocked, else of the first that decided. */
  decidedBy: string | null;
  /** True when some report-only policy would report this request. */
  reported: boolean;
  explanation: string;
  policies: PolicyVerdict[];
}
