// Source expressions (CSP3 §2.3.1): parsing one token, and writing it back in normal form.
import type { HashAlgorithm, Keyword, SourceExpression } from './types.ts';

export type SourceParse =
  | { ok: true; source: SourceExpression }
  | { ok: false; code: string; message: string; /** offset of the problem inside the token */ at: number };

const KEYWORDS: ReadonlySet<string> = new Set<Keyword>([
  'self',
  'unsafe-inline',
  'unsafe-eval',
  'strict-dynamic',
  'unsafe-hashes',
  'report-sample',
  'unsafe-allow-redirects',
  'wasm-unsafe-eval',
  'trusted-types-eval',
  'inline-speculation-rules',
  'report-sha256',
  'report-sha384',
  'report-sha512',
]);

const BASE64_VALUE = /^[A-Za-z0-9+/_-]+={0,2}$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const HOST = /^(\*|(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?)$/;
const PORT = /^(\d+|\*)$/;

function fail(code: string, message: string, at = 0): SourceParse {
  return { ok: false, code, message, at };
}

export function parseSourceExpression(token: string): SourceParse {
  const nonAscii = token.search(/[^\x21-\x7e]/);
  if (nonAscii >= 0) {
    return fail('CSPH_NON_ASCII', `"${token}" holds a character that is not printable ASCII, so browsers ignore the whole token`, nonAscii);
  }
  if (token.startsWith("'") || token.endsWith("'")) return parseQuoted(token);
  if (token === '*') return { ok: true, source: { kind: 'host', scheme: null, host: '*', port: null, path: null, text: token } };
  if (/^[A-Za-z][A-Za-z0-9+.-]*:$/.test(token)) {
    return { ok: true, source: { kind: 'scheme', scheme: token.slice(0, -1).toLowerCase(), text: token } };
  }
  return parseHostSource(token);
}

function parseQuoted(token: string): SourceParse {
  if (token.length < 2 || !token.startsWith("'")) {
    return fail('CSPH_UNTERMINATED_QUOTE', `"${token}" ends with a quote that was never opened`, token.length - 1);
  }
  if (!token.endsWith("'")) {
    return fail('CSPH_UNTERMINATED_QUOTE', `"${token}" opens a quote that is never closed (did you mean ${token}'?)`, 0);
  }
  const inner = token.slice(1, -1);
  const lower = inner.toLowerCase();
  if (inner.includes("'")) return fail('CSPH_BAD_QUOTE', `"${token}" has a quote inside it: separate source expressions with spaces`, 1 + inner.indexOf("'"));
  if (lower === 'none') return { ok: true, source: { kind: 'none', text: token } };
  if (KEYWORDS.has(lower)) return { ok: true, source: { kind: 'keyword', keyword: lower as Keyword, text: token } };
  if (lower.startsWith('nonce-')) {
    const value = inner.slice('nonce-'.length);
    if (!BASE64_VALUE.test(value)) {
      return fail('CSPH_BAD_NONCE', `"${token}" is not a nonce-source: the value must be base64 or base64url (A-Z a-z 0-9 + / - _, up to two "=")`, 7);
    }
    return { ok: true, source: { kind: 'nonce', value, text: token } };
  }
  const hash = /^(sha256|sha384|sha512)-(.*)$/i.exec(inner);
  if (hash) {
    const value = hash[2]!;
    if (!BASE64_VALUE.test(value)) {
      return fail('CSPH_BAD_HASH', `"${token}" is not a hash-source: the digest must be base64 or base64url`, 1 + hash[1]!.length + 1);
    }
    return { ok: true, source: { kind: 'hash', algorithm: hash[1]!.toLowerCase() as HashAlgorithm, value, text: token } };
  }
  return fail('CSPH_UNKNOWN_KEYWORD', `"${token}" is not a CSP keyword, nonce or hash (keywords: 'self', 'unsafe-inline', 'strict-dynamic', …)`, 1);
}

function parseHostSource(token: string): SourceParse {
  let rest = token;
  let scheme: string | null = null;
  const schemeSep = rest.indexOf('://');
  if (schemeSep >= 0) {
    const s = rest.slice(0, schemeSep);
    if (!SCHEME.test(s)) return fail('CSPH_BAD_SCHEME', `"${token}" has an invalid scheme "${s}"`, 0);
    scheme = s.toLowerCase();
    rest = rest.slice(schemeSep + 3);
  }
  const hostStart = token.length - rest.length;
  const pathAt = rest.indexOf('/');
  const hostPort = pathAt >= 0 ? rest.slice(0, pathAt) : rest;
  const path = pathAt >= 0 ? rest.slice(pathAt) : null;
  let host = hostPort;
  let port: string | null = null;
  const colon = hostPort.lastIndexOf(':');
  if (colon >= 0) {
    host = hostPort.slice(0, colon);
    port = hostPort.slice(colon + 1);
    if (!PORT.test(port)) return fail('CSPH_BAD_PORT', `"${token}" has an invalid port "${port}" (digits or *)`, hostStart + colon + 1);
  }
  if (host === '') return fail('CSPH_BAD_HOST', `"${token}" names no host`, hostStart);
  if (!HOST.test(host)) {
    const hint = host.startsWith('.') ? ` (a host cannot start with "."; did you mean "*${host}"?)` : host.includes('*') ? ' ("*" is allowed only as the whole host or a leading "*.")' : '';
    return fail('CSPH_BAD_HOST', `"${token}" is not a valid source: bad host "${host}"${hint}`, hostStart);
  }
  if (path !== null && (path.includes(';') || path.includes(',') || path.startsWith('//'))) {
    return fail('CSPH_BAD_PATH', `"${token}" has an invalid path "${path}"`, hostStart + hostPort.length);
  }
  const normalizedHost = host.toLowerCase().replace(/\.$/, '');
  return { ok: true, source: { kind: 'host', scheme, host: normalizedHost, port, path, text: token } };
}

/** The normal form of a source expression: keywords and schemes lower-cased, hosts lower-cased. */
export function serializeSource(source: SourceExpression): string {
  switch (source.kind) {
    case 'none':
      return "'none'";
    case 'keyword':
      return `'${source.keyword}'`;
    case 'nonce':
      return `'nonce-${source.value}'`;
    case 'hash':
      return `'${source.algorithm}-${source.value}'`;
    case 'scheme':
      return `${source.scheme}:`;
    case 'host': {
      const scheme = source.scheme ? `${source.scheme}://` : '';
      const port = source.port !== null ? `:${source.port}` : '';
      return `${scheme}${source.host}${port}${source.path ?? ''}`;
    }
  }
}
