// The placeholders a policy or a page may hold (their syntax; src/site/placeholders.ts fills them).
//   'nonce-{{nonce}}'   the response's fresh nonce (a page's tags carry nonce="{{nonce}}")
//   {{inline-hashes}}   the 'sha256-…' of every inline script the page carries
//   {{origin}}          the site's origin, in a vendor's declared URLs

export const NONCE = '{{nonce}}';
/** The source expression a policy uses for the response's nonce. */
export const NONCE_SOURCE = `'nonce-${NONCE}'`;
/** The attribute a page's tag carries when the policy has a nonce. */
export const NONCE_ATTRIBUTE = ` nonce="${NONCE}"`;
export const INLINE_HASHES = '{{inline-hashes}}';
export const ORIGIN = '{{origin}}';
