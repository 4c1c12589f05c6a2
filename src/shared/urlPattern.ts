// URL patterns of vendor.json expectations (../shared/design/vendor-format.md): `*` matches within one
// path segment or host label, `**` across segments; a pattern without a path matches every path of
// that origin. The query is compared only when the pattern has one. Pure.

/** The origin of an http(s)/ws(s) URL as engines report a blocked frame or connection (`https://host`). */
function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

const cache = new Map<string, RegExp>();

function glob(text: string, star: string): string {
  return text
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? star : escapeRegExp(part)))
    .join('');
}

function compile(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  const at = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)(.*)$/i.exec(pattern);
  const authority = at ? at[1]! : pattern;
  const rest = at && at[2] ? at[2] : '/**';
  const hasQuery = rest.includes('?');
  // In the host a `*` is one label; in the path one segment; `**` crosses either.
  re = new RegExp(`^${glob(authority, '[^/.?#:]*')}${glob(rest, '[^/?#]*')}${hasQuery ? '' : '(?:\\?.*)?'}$`, 'i');
  cache.set(pattern, re);
  return re;
}

/** Whether `url` (without fragment) matches `pattern`. */
export function urlMatches(pattern: string, url: string): boolean {
  const bare = url.replace(/#.*$/, '');
  return compile(pattern).test(bare);
}

/**
 * Whether a blocked URL an engine reported matches a pattern: the URL itself, or — because engines
 * report a blocked frame or connection by its origin alone — an origin equal to the pattern's origin.
 */
export function blockedUrlMatches(pattern: string, blocked: string): boolean {
  if (urlMatches(pattern, blocked)) return true;
  const origin = originOf(blocked);
  if (origin === null || blocked.replace(/\/$/, '') !== origin) return false;
  const patternOrigin = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]+)/i.exec(pattern)?.[1];
  if (!patternOrigin) return false;
  return patternOrigin.includes('*') ? urlMatches(`${patternOrigin}/**`, `${origin}/`) : patternOrigin.toLowerCase() === origin.toLowerCase();
}

/** A URL's host name, lower-case; null for what does not parse or has none (`data:`, `inline`). */
export function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}
