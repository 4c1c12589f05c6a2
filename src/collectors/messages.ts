// The engines' console / pageerror CSP messages, old and new wordings, turned into one normalised
// violation. Never throws: a message that is not a CSP violation gives null.
import { fallbackList } from '../policy/index.ts';
import type { ViolationKind } from '../shared/vocabulary.ts';
import type { RawSignal } from '../shared/vocabulary.ts';

export interface NormalisedViolation {
  disposition: 'enforce' | 'report';
  effectiveDirective: string;
  /** As reports give it: a URL, or `inline` / `eval` / `wasm-eval` / `data` / `blob` / `trusted-types-sink` … */
  blockedURI: string;
  kind: ViolationKind;
  /** The message cut the URL short with an ellipsis: `blockedURI` is only its beginning. */
  truncated?: boolean;
}

const KEYWORD_URIS = new Set(['inline', 'eval', 'wasm-eval', 'trusted-types-sink', 'trusted-types-policy', 'self']);
/** Schemes whose URLs are reported as the bare scheme (CSP3 "strip URL for use in reports" as engines do it). */
const FULL_URL_SCHEMES = new Set(['http', 'https', 'ws', 'wss']);

/** `data:image/png;base64,…` → `data`, `blob:https://…` → `blob`, fragments dropped; keywords kept. */
export function normaliseBlockedURI(uri: string): string {
  const text = uri.trim();
  if (text === '' || KEYWORD_URIS.has(text)) return text;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  if (!scheme) return text;
  if (!FULL_URL_SCHEMES.has(scheme)) return scheme;
  const hash = text.indexOf('#');
  return hash >= 0 ? text.slice(0, hash) : text;
}

export function kindOf(blockedURI: string, effectiveDirective: string): ViolationKind {
  if (blockedURI === 'inline') return 'inline';
  if (blockedURI === 'eval') return 'eval';
  if (blockedURI === 'wasm-eval') return 'wasm';
  if (blockedURI.startsWith('trusted-types') || effectiveDirective === 'require-trusted-types-for' || effectiveDirective === 'trusted-types') return 'trusted-types';
  return 'url';
}

function violation(disposition: 'enforce' | 'report', effectiveDirective: string, rawURI: string, truncated = false): NormalisedViolation {
  let uri = rawURI;
  let cut = truncated;
  if (uri.endsWith('…')) {
    uri = uri.slice(0, -1);
    cut = true;
  }
  let blockedURI = normaliseBlockedURI(uri);
  // A truncated data:/blob: URL still names its scheme, which is all a report gives.
  if (cut && blockedURI !== uri) cut = false;
  if (blockedURI === 'self') blockedURI = 'inline';
  const directive = effectiveDirective.toLowerCase();
  const result: NormalisedViolation = { disposition, effectiveDirective: directive, blockedURI, kind: kindOf(blockedURI, directive) };
  if (cut) result.truncated = true;
  return result;
}

/** The directive a resource type is checked against (the start of its fallback list). */
const CHROMIUM_RESOURCE: Record<string, string> = {
  image: 'img-src',
  script: 'script-src-elem',
  stylesheet: 'style-src-elem',
  font: 'font-src',
  media: 'media-src',
  manifest: 'manifest-src',
  plugin: 'object-src',
  'plugin data': 'object-src',
};

/** Of the directive named by the message and the one its action implies, the effective one. */
function effective(named: string, implied: string | null): string {
  if (!implied) return named;
  return fallbackList(implied).includes(named) ? implied : named;
}

function directiveName(directiveText: string): string {
  return (directiveText.trim().split(/\s+/)[0] ?? '').toLowerCase();
}

/** What a Chromium action phrase ("Loading the image 'x'", "Refused to connect to 'x'") did, to what. */
function chromiumAction(action: string): { implied: string | null; uri: string } | null {
  const quoted = /'([^']*)'/.exec(action)?.[1];
  let m: RegExpExecArray | null;
  if ((m = /^(?:Loading|Refused to load) the ([a-z ]+?) '/.exec(action))) return { implied: CHROMIUM_RESOURCE[m[1]!] ?? null, uri: quoted ?? '' };
  if (/^(?:Loading|Refused to load) media from '/.test(action)) return { implied: 'media-src', uri: quoted ?? '' };
  if (/^(?:Loading|Refused to load) manifest from '/.test(action)) return { implied: 'manifest-src', uri: quoted ?? '' };
  if (/^(?:Connecting to|Refused to connect to) '/.test(action)) return { implied: 'connect-src', uri: quoted ?? '' };
  if (/^(?:Framing|Refused to frame) '/.test(action)) return { implied: 'frame-src', uri: quoted ?? '' };
  if (/^(?:Creating a worker from|Refused to create a worker from) '/.test(action)) return { implied: 'worker-src', uri: quoted ?? '' };
  if (/^(?:Sending form data to|Refused to send form data to) '/.test(action)) return { implied: 'form-action', uri: quoted ?? '' };
  if (/inline event handler/.test(action)) return { implied: 'script-src-attr', uri: 'inline' };
  if (/JavaScript URL|javascript: URL/i.test(action)) return { implied: 'script-src-elem', uri: 'inline' };
  if (/inline script/.test(action)) return { implied: 'script-src-elem', uri: 'inline' };
  if (/inline style attribute|style attribute/.test(action)) return { implied: 'style-src-attr', uri: 'inline' };
  if (/inline style/.test(action)) return { implied: 'style-src-elem', uri: 'inline' };
  return null;
}

/**
 * Chromium, both wordings:
 * - ≥ 2025: `Loading the image 'data:…' violates the following Content Security Policy directive: "img-src 'self'". The action has been blocked.`
 * - older: `Refused to load the image 'data:…' because it violates the following Content Security Policy directive: "img-src 'self'".`
 * plus eval / WebAssembly / Trusted Types messages (also WebKit's eval wording).
 */
function parseChromium(text: string): NormalisedViolation | null {
  let body = text.trim();
  let disposition: 'enforce' | 'report' = 'enforce';
  if (body.startsWith('[Report Only] ')) {
    disposition = 'report';
    body = body.slice('[Report Only] '.length);
  }
  if (/The policy is report-only/.test(body)) disposition = 'report';

  // Eval and WebAssembly, as messages and as the EvalError/CompileError text a page may leave uncaught.
  if (/(?:[Ee]valuat(?:e|ing) a string as JavaScript|instantiat(?:e|ing) WebAssembly module)/.test(body) && /Content Security [Pp]olicy directive/.test(body)) {
    return violation(disposition, 'script-src', /WebAssembly/.test(body) ? 'wasm-eval' : 'eval');
  }

  const tt = /requires '(Trusted(?:HTML|Script|ScriptURL))' assignment/.exec(body);
  if (tt) return violation(disposition, 'require-trusted-types-for', 'trusted-types-sink');
  if (/^Refused to create a TrustedTypePolicy named '[^']*' because it violates the following Content Security Policy directive/.test(body)) {
    return violation(disposition, 'trusted-types', 'trusted-types-policy');
  }

  const m =
    /^(.+?) (?:because (?:it|an ancestor) violates|violates) the following Content Security Policy directive:? (?:"([^"]*)"|'(.*?)')\.(?:\s|$)/s.exec(body);
  if (!m) return null;
  const action = m[1]!;
  const named = directiveName(m[2] ?? m[3] ?? '');
  const what = chromiumAction(action);
  if (!what) return null;
  const note = /Note that '([a-z-]+)' was not explicitly set/.exec(body)?.[1];
  // Chromium words a style attribute like a <style> element; only the hashes note tells them apart.
  const implied = what.implied === 'style-src-elem' && what.uri === 'inline' && /hashes do not apply to event handlers, style attributes/.test(body) ? 'style-src-attr' : what.implied;
  const directive = note ?? (/because an ancestor violates/.test(body) ? named : effective(named, implied));
  return violation(disposition, directive, what.uri);
}

/**
 * Firefox, both wordings:
 * - ≥ 2024: `The page’s settings blocked the loading of a resource (img-src) at data:image/png;base64,iVBO… because it violates the following directive: “img-src 'self'”`
 * - older: `Content-Security-Policy: The page’s settings blocked the loading of a resource at data:image/png;base64,iVBO… (“img-src”).`
 */
function parseFirefox(text: string): NormalisedViolation | null {
  let body = text.trim();
  let disposition: 'enforce' | 'report' = 'enforce';
  if (body.startsWith('(Report-Only policy) ')) {
    disposition = 'report';
    body = body.slice('(Report-Only policy) '.length);
  }
  body = body.replace(/^Content[- ]Security[- ]Policy: /, '');
  if (body.startsWith('(Report-Only policy) ')) {
    disposition = 'report';
    body = body.slice('(Report-Only policy) '.length);
  }
  const m = /^The page[’']s settings (blocked|would block) (.+)$/s.exec(body);
  if (!m) return null;
  if (m[1] === 'would block') disposition = 'report';
  const rest = m[2]!;

  const old = /^the loading of a resource at (\S+) \([“"]([a-z-]+)[”"]\)/.exec(rest);
  if (old) return violation(disposition, old[2]!, old[1]!);

  if (/injection sink/.test(rest)) return violation(disposition, 'require-trusted-types-for', 'trusted-types-sink');
  if (/Trusted Types? policy/i.test(rest)) return violation(disposition, 'trusted-types', 'trusted-types-policy');

  const named = /because it violates the following directive: [“"](.*?)[”"“]/.exec(rest)?.[1];
  const directive = /^[^(]*?\(([a-z-]+)\)/.exec(rest)?.[1] ?? (named !== undefined ? directiveName(named) : null);
  if (!directive) return null;
  const at = /\) at (\S+?)(?: from being| because)/.exec(rest)?.[1];
  if (at) return violation(disposition, directive, at);
  const what = rest.slice(0, rest.indexOf('('));
  if (/JavaScript eval/.test(what)) return violation(disposition, directive, 'eval');
  if (/WebAssembly/.test(what)) return violation(disposition, directive, 'wasm-eval');
  if (/inline|event handler|javascript: URL/i.test(what)) return violation(disposition, directive, 'inline');
  return null;
}

/**
 * WebKit: `Refused to load data:… because it does not appear in the img-src directive of the Content Security Policy.`,
 * `… because it appears in neither the img-src directive nor the default-src directive …`, inline script/style and
 * event handler forms, and `This requires a TrustedHTML value else it violates …`. Console lines may carry a
 * `url:line:col: CONSOLE SECURITY ERROR ` prefix (MiniBrowser's stdout).
 */
function parseWebKit(text: string): NormalisedViolation | null {
  let body = text.trim().replace(/^.*?CONSOLE SECURITY (?:ERROR|WARN(?:ING)?) /, '');
  let disposition: 'enforce' | 'report' = 'enforce';
  if (body.startsWith('[Report Only] ')) {
    disposition = 'report';
    body = body.slice('[Report Only] '.length);
  }
  if (/^This requires a Trusted(?:HTML|Script|ScriptURL) value/.test(body)) return violation(disposition, 'require-trusted-types-for', 'trusted-types-sink');
  const tail = / because (?:(?:it|its hash, its nonce, or 'unsafe-inline'|'unsafe-inline'|'unsafe-eval'|'wasm-unsafe-eval') does not appear in the ([a-z-]+) directive|it appears in neither the ([a-z-]+) directive nor the ([a-z-]+) directive) of the Content Security Policy/;
  const m = new RegExp(`^Refused to (.+?)${tail.source}`).exec(body);
  if (!m) return null;
  const action = m[1]!;
  const named = m[2] ?? m[3]!;
  if (/^execute a script for an inline event handler/.test(action)) return violation(disposition, effective(named, 'script-src-attr'), 'inline');
  if (/^execute a script/.test(action)) return violation(disposition, effective(named, 'script-src-elem'), 'inline');
  if (/^apply (?:a stylesheet|inline style)/.test(action)) {
    return violation(disposition, effective(named, /attribute/.test(action) ? 'style-src-attr' : 'style-src-elem'), 'inline');
  }
  const url = /^(?:load|connect to|frame|create a worker from|send form data to|load media from) (?:'([^']*)'|(\S+))$/.exec(action);
  if (!url) return null;
  const uri = url[1] ?? url[2]!;
  const implied = /^connect/.test(action) ? 'connect-src' : named === 'script-src' ? 'script-src-elem' : named === 'style-src' ? 'style-src-elem' : null;
  return violation(disposition, effective(named, implied), uri);
}

/** Any engine's console or pageerror CSP message → a normalised violation, or null when it is something else. */
export function parseCspMessage(text: string): NormalisedViolation | null {
  if (typeof text !== 'string' || text.length === 0) return null;
  try {
    return parseFirefox(text) ?? parseWebKit(text) ?? parseChromium(text);
  } catch {
    return null;
  }
}

/** One raw signal → a normalised violation (events carry the fields already), or null. */
export function normaliseSignal(signal: RawSignal): NormalisedViolation | null {
  if (signal.channel === 'event') {
    if (!signal.effectiveDirective) return null;
    return violation(signal.disposition, signal.effectiveDirective, signal.blockedURI);
  }
  return parseCspMessage(signal.text);
}

/**
 * The page's own noise, not any vendor's: Firefox fetches `/favicon.ico` of the site under `img-src`
 * (and reports it when `img-src`/`default-src` forbid it).
 */
export function isPageNoise(violation: { blockedURI: string }, siteOrigins: readonly string[]): boolean {
  return siteOrigins.some((origin) => violation.blockedURI === `${origin}/favicon.ico`);
}
