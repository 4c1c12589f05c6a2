// Chargebee config values (seed 004): the checks of one directive object — its hosts, KEYWORD and
// SCHEME expressions and hashes — that the schema states only in prose, each problem named by its
// JSON pointer. Used by chargebee.ts, which validates the document and compiles the header.
import schema from './config.schema.json' with { type: 'json' };
import { parseSourceExpression, type SourceExpression } from '../../policy/index.ts';
import { escapePointer } from '../../shared/jsonPositions.ts';

/** Where the checks put what they find (chargebee.ts's Problems). */
export interface ProblemSink {
  error(pointer: string, message: string): void;
  warning(pointer: string, message: string): void;
}

const DIRECTIVE_KEYS = new Set(Object.keys(schema.$defs.directive.properties));
const HOST_KEYS = new Set(Object.keys(schema.$defs.host.properties));
const EXPRESSION_KEYS = new Set(Object.keys(schema.$defs.expression.properties));

/** KEYWORD values (schema prose) and the CSP keyword each becomes. */
const KEYWORD_VALUES: ReadonlyMap<string, string> = new Map([
  ['SELF', "'self'"],
  ['UNSAFE_INLINE', "'unsafe-inline'"],
  ['UNSAFE_EVAL', "'unsafe-eval'"],
  ['STRICT_DYNAMIC', "'strict-dynamic'"],
]);
/** SCHEME values (schema prose) and the scheme-source each becomes. */
const SCHEME_VALUES: ReadonlyMap<string, string> = new Map([
  ['HTTP', 'http:'],
  ['HTTPS', 'https:'],
  ['WS', 'ws:'],
  ['WSS', 'wss:'],
  ['DATA', 'data:'],
  ['BLOB', 'blob:'],
]);

const SHA256_BYTES = 32;
const SCHEME_NAME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const BASE64_CHARS = /^[A-Za-z0-9+/_-]*$/;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function quoteList(values: Iterable<string>): string {
  return [...values].map((v) => `"${v}"`).join(', ');
}

/** A short description of a JSON value, for "received …". */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length} item${value.length > 1 ? 's' : ''}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return value.length > 80 ? `the string ${JSON.stringify(value.slice(0, 77))}…` : `the string ${JSON.stringify(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

/** How many hosts, expressions and hashes a directive object lists (0 for anything else). */
export function entryCount(directive: unknown): number {
  if (!isObject(directive)) return 0;
  return [directive.hosts, directive.expressions, directive.hashes].reduce<number>((n, list) => n + (Array.isArray(list) ? list.length : 0), 0);
}

/** The sources of one directive object, or null when it is not an object (the schema reported it). */
export function checkDirective(raw: unknown, at: string, problems: ProblemSink): SourceExpression[] | null {
  if (!isObject(raw)) return null;
  for (const key of Object.keys(raw)) {
    if (!DIRECTIVE_KEYS.has(key)) {
      problems.warning(`${at}/${escapePointer(key)}`, `unknown property "${key}" is ignored (a directive holds ${quoteList(DIRECTIVE_KEYS)})`);
    }
  }
  const keywords: SourceExpression[] = [];
  const hashes: SourceExpression[] = [];
  const schemes: SourceExpression[] = [];
  const hosts: SourceExpression[] = [];

  if (Array.isArray(raw.expressions)) {
    raw.expressions.forEach((expr, i) => {
      const eAt = `${at}/expressions/${i}`;
      if (!isObject(expr)) return;
      for (const key of Object.keys(expr)) {
        if (!EXPRESSION_KEYS.has(key)) problems.warning(`${eAt}/${escapePointer(key)}`, `unknown property "${key}" is ignored (an expression holds "type" and "value")`);
      }
      const { type, value } = expr;
      if (typeof value !== 'string' || (type !== 'KEYWORD' && type !== 'SCHEME')) return; // the schema reported it
      const table = type === 'KEYWORD' ? KEYWORD_VALUES : SCHEME_VALUES;
      const token = table.get(value);
      if (token === undefined) {
        problems.error(`${eAt}/value`, `received ${describe(value)}, which is not a ${type} value; allowed: ${quoteList(table.keys())}${expressionHint(type, value)}`);
        return;
      }
      const parsed = parseSourceExpression(token);
      if (parsed.ok) (type === 'KEYWORD' ? keywords : schemes).push(parsed.source);
    });
  }

  if (Array.isArray(raw.hashes)) {
    raw.hashes.forEach((hash, i) => {
      if (typeof hash !== 'string') return; // the schema reported it
      const source = checkHash(hash, `${at}/hashes/${i}`, problems);
      if (source) hashes.push(source);
    });
  }

  if (Array.isArray(raw.hosts)) {
    raw.hosts.forEach((host, i) => {
      if (!isObject(host)) return;
      const source = checkHost(host, `${at}/hosts/${i}`, problems);
      if (source) hosts.push(source);
    });
  }

  return [...keywords, ...hashes, ...schemes, ...hosts];
}

function expressionHint(type: 'KEYWORD' | 'SCHEME', value: string): string {
  const normal = value.replace(/^'|'$/g, '').replace(/:(\/\/)?$/, '').replace(/-/g, '_').toUpperCase();
  if (type === 'KEYWORD' && KEYWORD_VALUES.has(normal)) return ` (did you mean "${normal}"?)`;
  if (type === 'SCHEME' && SCHEME_VALUES.has(normal)) return ` (did you mean "${normal}"?)`;
  if (type === 'KEYWORD' && SCHEME_VALUES.has(normal)) return ` ("${normal}" is a SCHEME value: use "type": "SCHEME")`;
  if (type === 'SCHEME' && KEYWORD_VALUES.has(normal)) return ` ("${normal}" is a KEYWORD value: use "type": "KEYWORD")`;
  return '';
}

/** How many bytes a base64 (or base64url) text decodes to, without Buffer; null if it cannot be decoded. */
function base64ByteLength(value: string): number | null {
  const data = value.replace(/=+$/, '');
  if (!BASE64_CHARS.test(data) || data.length % 4 === 1) return null;
  return Math.floor((data.length * 3) / 4);
}

function checkHash(hash: string, at: string, problems: ProblemSink): SourceExpression | null {
  if (/^'?sha(256|384|512)-/i.test(hash)) {
    problems.error(at, `received ${describe(hash)}: give only the base64 digest; Chargebee adds the 'sha256-' prefix and the quotes itself`);
    return null;
  }
  const parsed = parseSourceExpression(`'sha256-${hash}'`);
  if (!parsed.ok || parsed.source.kind !== 'hash') {
    problems.error(at, `received ${describe(hash)}, which is not base64: a SHA-256 hash is 44 characters of A-Z a-z 0-9 + / ending in "="`);
    return null;
  }
  const bytes = base64ByteLength(hash);
  if (bytes === null) {
    problems.warning(
      at,
      `the hash is ${hash.length} characters, which do not decode as base64 (one character too many or too few); browsers accept the token but it can never match any script or style`,
    );
  } else if (bytes !== SHA256_BYTES) {
    const looksLike = bytes === 48 ? ' (it looks like a SHA-384 digest, but Chargebee always adds sha256-)' : bytes === 64 ? ' (it looks like a SHA-512 digest, but Chargebee always adds sha256-)' : '';
    problems.warning(
      at,
      `the hash is ${hash.length} characters and decodes to ${bytes} bytes, not the ${SHA256_BYTES} of a SHA-256 digest (44 characters ending in one "=")${looksLike}; browsers accept the token but it can never match any script or style`,
    );
  } else if (!hash.endsWith('=')) {
    problems.warning(at, `the hash has no "=" padding; CSP compares the base64 text, so write it as 44 characters ending in "="`);
  }
  return parsed.source;
}

function checkHost(host: Record<string, unknown>, at: string, problems: ProblemSink): SourceExpression | null {
  for (const key of Object.keys(host)) {
    if (!HOST_KEYS.has(key)) problems.warning(`${at}/${escapePointer(key)}`, `unknown property "${key}" is ignored (a host holds "host" and "scheme")`);
  }
  const name = host.host;
  const scheme = host.scheme;
  if (typeof name !== 'string') return null; // the schema reported it
  if (scheme !== undefined && typeof scheme !== 'string') return null;
  if (typeof scheme === 'string') {
    if (!SCHEME_NAME.test(scheme)) {
      const bare = scheme.replace(/:(\/\/)?$/, '');
      const hint = bare !== scheme && SCHEME_NAME.test(bare) ? ` (write "${bare}": the "://" is added)` : '';
      problems.error(`${at}/scheme`, `received ${describe(scheme)}, which is not a URL scheme${hint}`);
      return null;
    }
    if (name.includes('://')) {
      problems.error(`${at}/scheme`, `"scheme": "${scheme}" is given, but the host ${JSON.stringify(name)} already has a scheme; drop one of them`);
      return null;
    }
  }
  const token = typeof scheme === 'string' ? `${scheme}://${name}` : name;
  const parsed = parseSourceExpression(token);
  if (!parsed.ok) {
    problems.error(`${at}/host`, parsed.message);
    return null;
  }
  const source = parsed.source;
  if (source.kind === 'host') {
    if (source.host === '*' && source.scheme === null) {
      problems.warning(`${at}/host`, 'the host "*" allows every HTTP(S) origin, which empties the allowlist');
    }
    return source;
  }
  let hint = '';
  if (source.kind === 'scheme') {
    const value = source.scheme.toUpperCase();
    hint = SCHEME_VALUES.has(value)
      ? `: it is a scheme source, write { "type": "SCHEME", "value": "${value}" } in "expressions"`
      : ': it is a scheme source, and Chargebee allows only these schemes as expressions: ' + quoteList(SCHEME_VALUES.keys());
  } else if (source.kind === 'keyword' || source.kind === 'none') {
    const value = source.text.slice(1, -1).toUpperCase().replace(/-/g, '_');
    hint = KEYWORD_VALUES.has(value) ? `: it is a keyword, write { "type": "KEYWORD", "value": "${value}" } in "expressions"` : ': it is a keyword, not a host';
  } else if (source.kind === 'hash') {
    hint = ': it is a hash, put the digest in "hashes"';
  } else {
    hint = `: it is a ${source.kind} source, not a host`;
  }
  problems.error(`${at}/host`, `${JSON.stringify(token)} is not a host source${hint}`);
  return null;
}
