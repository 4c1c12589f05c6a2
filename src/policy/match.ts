// URL and source-expression matching as CSP Level 3 §6.7.2 specifies it.
import type { SourceExpression } from './types.ts';

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443, 'ftp:': 21 };

function schemeOf(url: URL): string {
  return url.protocol.slice(0, -1).toLowerCase();
}

/** CSP3 "scheme-part match": `A` (from the expression) against `B` (the URL's), with secure upgrades. */
export function schemePartMatches(a: string, b: string): boolean {
  a = a.toLowerCase();
  b = b.toLowerCase();
  if (a === b) return true;
  if (a === 'http' && b === 'https') return true;
  if (a === 'ws' && (b === 'wss' || b === 'http' || b === 'https')) return true;
  if (a === 'wss' && b === 'https') return true;
  return false;
}

function isIpAddress(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith('[');
}

/**
 * CSP3 "host-part match". A leading `*` is a suffix match (step 1, before any IP rule); otherwise the
 * hosts must be equal, and an IP literal other than 127.0.0.1 never matches (step 3).
 */
export function hostPartMatches(pattern: string, host: string): boolean {
  pattern = pattern.toLowerCase();
  host = host.toLowerCase().replace(/\.$/, '');
  if (host === '') return false;
  if (pattern.startsWith('*')) return host.endsWith(pattern.slice(1));
  if (pattern !== host) return false;
  if (isIpAddress(pattern) && pattern !== '127.0.0.1') return false;
  return true;
}

function urlPort(url: URL): number | null {
  return url.port === '' ? null : Number(url.port);
}

/** CSP3 "port-part match". */
export function portPartMatches(input: string | null, url: URL): boolean {
  if (input === '*') return true;
  const normalized = input === null ? null : Number(input);
  const port = urlPort(url);
  if (normalized === port) return true;
  if (port === null) {
    const defaultPort = DEFAULT_PORTS[url.protocol] ?? null;
    if (normalized === defaultPort) return true;
  }
  return false;
}

function decode(piece: string): string {
  try {
    return decodeURIComponent(piece);
  } catch {
    return piece;
  }
}

/** CSP3 "path-part match": prefix when the expression's path ends in `/`, exact otherwise; queries never count. */
export function pathPartMatches(pathA: string, pathB: string): boolean {
  if (pathA === '') return true;
  if (pathA === '/' && pathB === '') return true;
  const exact = !pathA.endsWith('/');
  const listA = pathA.split('/');
  const listB = pathB.split('/');
  if (listA.length > listB.length) return false;
  if (exact && listA.length !== listB.length) return false;
  if (!exact) listA.pop();
  return listA.every((piece, i) => decode(piece) === decode(listB[i]!));
}

function sameOrigin(a: URL, b: URL): boolean {
  return a.origin !== 'null' && a.origin === b.origin;
}

/** CSP3 "Does url match expression in origin with redirect count?". */
export function urlMatchesExpression(url: URL, expression: SourceExpression, origin: URL, redirectCount = 0): boolean {
  const urlScheme = schemeOf(url);
  switch (expression.kind) {
    case 'scheme':
      return schemePartMatches(expression.scheme, urlScheme);
    case 'host': {
      if (expression.host === '*' && expression.scheme === null && expression.port === null && expression.path === null) {
        // The bare `*`: any HTTP(S) URL, or one of the page's own scheme. Never data:, blob:, filesystem:.
        return urlScheme === 'http' || urlScheme === 'https' || urlScheme === schemeOf(origin);
      }
      if (url.hostname === '') return false;
      if (expression.scheme !== null && !schemePartMatches(expression.scheme, urlScheme)) return false;
      if (expression.scheme === null && !schemePartMatches(schemeOf(origin), urlScheme)) return false;
      if (!hostPartMatches(expression.host, url.hostname)) return false;
      if (!portPartMatches(expression.port, url)) return false;
      if (redirectCount === 0 && expression.path !== null && !pathPartMatches(expression.path, url.pathname)) return false;
      return true;
    }
    case 'keyword': {
      if (expression.keyword !== 'self') return false;
      if (sameOrigin(origin, url)) return true;
      // Same host, same or default ports, and a secure upgrade of the page's scheme.
      if (url.hostname === '' || origin.hostname.toLowerCase() !== url.hostname.toLowerCase()) return false;
      // URL parsing leaves the port empty when it is the scheme's default.
      const bothDefault = urlPort(origin) === null && urlPort(url) === null;
      if (!bothDefault && urlPort(origin) !== urlPort(url)) return false;
      if (urlScheme === 'https' || urlScheme === 'wss') return true;
      return schemeOf(origin) === 'http' && (urlScheme === 'http' || urlScheme === 'ws');
    }
    default:
      return false;
  }
}

/** The first expression of `list` that `url` matches, or null. A list of only 'none' matches nothing. */
export function findMatchingExpression(url: URL, list: SourceExpression[], origin: URL, redirectCount = 0): SourceExpression | null {
  for (const expression of list) {
    if (urlMatchesExpression(url, expression, origin, redirectCount)) return expression;
  }
  return null;
}
