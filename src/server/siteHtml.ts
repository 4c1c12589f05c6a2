// What a page of the user's own site says about its policy, read from its HTML (run --site): the
// policies in <meta> tags, the nonces on its tags, its scripts and styles that carry none, and its
// links. htmlparser2 tokenizes as browsers do for these purposes (attributes, raw text of <script>
// and <style>, comments), which regular expressions do not. Pure: no I/O.
import { Parser } from 'htmlparser2';

/** A script or style of the page's own HTML. */
export interface OwnElement {
  /** `script` (inline or src), `style`, or `link` (rel=stylesheet). */
  tag: 'script' | 'style' | 'link';
  /** For script src and link href, as written; null for inline ones. */
  url: string | null;
  /** The nonce attribute, or null when it has none. */
  nonce: string | null;
  /** 1-based line of its start tag. */
  line: number;
}

export interface SiteHtml {
  /** The content of every `<meta http-equiv="Content-Security-Policy">`, in order. */
  metaPolicies: string[];
  /** Where each of those tags is in the text: [start, end) offsets, for removing them. */
  metaRanges: [number, number][];
  /** Every nonce attribute value, in order (repeats kept). */
  nonces: string[];
  /** The page's own scripts and styles. */
  elements: OwnElement[];
  /** `href` of every `<a>` and `<area>`, as written. */
  links: string[];
  /**
   * Where a policy <meta> goes: after `<head …>` (and after a `<meta charset>` right in it, which must
   * stay in the first bytes), else after `<html …>`, else after the doctype, else 0.
   */
  headEnd: number;
}

/** Reads a page's HTML for what run --site needs. */
export function readSiteHtml(html: string): SiteHtml {
  const out: SiteHtml = { metaPolicies: [], metaRanges: [], nonces: [], elements: [], links: [], headEnd: 0 };
  let head = -1;
  let htmlTag = -1;
  let doctype = -1;
  let charset = -1;
  const lineStarts: number[] = [0];
  for (let i = html.indexOf('\n'); i !== -1; i = html.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const parser: Parser = new Parser(
    {
      onopentag(name, attributes) {
        const at = parser.startIndex;
        if ('nonce' in attributes) out.nonces.push(attributes.nonce ?? '');
        const nonce = 'nonce' in attributes ? (attributes.nonce ?? '') : null;
        const httpEquiv = (attributes['http-equiv'] ?? '').toLowerCase();
        if (name === 'head') {
          if (head === -1) head = parser.endIndex + 1;
        } else if (name === 'html') {
          if (htmlTag === -1) htmlTag = parser.endIndex + 1;
        } else if (name === 'meta' && ('charset' in attributes || httpEquiv === 'content-type')) {
          if (charset === -1) charset = parser.endIndex + 1;
        } else if (name === 'meta' && httpEquiv === 'content-security-policy' && attributes.content !== undefined) {
          out.metaPolicies.push(attributes.content);
          out.metaRanges.push([at, parser.endIndex + 1]);
        } else if (name === 'script') {
          const type = (attributes.type ?? '').trim().toLowerCase();
          // Data blocks (application/json, importmap aside) are not scripts a policy governs.
          if (type === '' || type === 'module' || type === 'importmap' || /javascript|ecmascript/.test(type)) out.elements.push({ tag: 'script', url: attributes.src ?? null, nonce, line: lineOf(at) });
        } else if (name === 'style') out.elements.push({ tag: 'style', url: null, nonce, line: lineOf(at) });
        else if (name === 'link' && /(^|\s)stylesheet(\s|$)/i.test(attributes.rel ?? '') && attributes.href) out.elements.push({ tag: 'link', url: attributes.href, nonce, line: lineOf(at) });
        else if ((name === 'a' || name === 'area') && attributes.href !== undefined) out.links.push(attributes.href);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  const doctypeMatch = /^\s*<!doctype[^>]*>/i.exec(html);
  if (doctypeMatch) doctype = doctypeMatch[0].length;
  parser.write(html);
  parser.end();
  out.headEnd = head !== -1 ? Math.max(head, charset) : htmlTag !== -1 ? htmlTag : doctype !== -1 ? doctype : 0;
  return out;
}

/** The HTML without its CSP <meta> tags (a candidate policy replaces the site's). */
export function withoutMetaPolicies(html: string, ranges: readonly [number, number][]): string {
  let out = '';
  let from = 0;
  for (const [start, end] of ranges) {
    out += html.slice(from, start);
    from = end;
  }
  return out + html.slice(from);
}

/** Every `'nonce-…'` source value in policies, in order. */
export function policyNonces(policies: readonly string[]): string[] {
  return policies.flatMap((p) => [...p.matchAll(/'nonce-([^']*)'/gi)].map((m) => m[1]!));
}

/** Same-origin page links of a page, resolved, as paths with their query (no fragment), first seen first. */
export function samePageLinks(links: readonly string[], pageUrl: string, origins: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const href of links) {
    let url: URL;
    try {
      url = new URL(href, pageUrl);
    } catch {
      continue;
    }
    if (!origins.includes(url.origin)) continue;
    seen.add(url.pathname + url.search);
  }
  return [...seen];
}
