// The one function that fills the placeholders (../shared/placeholders.ts) a policy or a page holds.
import { createHash, randomBytes } from 'node:crypto';
import { INLINE_HASHES, NONCE, NONCE_SOURCE, ORIGIN } from '../shared/placeholders.ts';

export { INLINE_HASHES, NONCE, NONCE_ATTRIBUTE, NONCE_SOURCE, ORIGIN } from '../shared/placeholders.ts';

export interface PlaceholderValues {
  nonce?: string;
  /** Inline script texts: `{{inline-hashes}}` becomes their sha256 sources. */
  inlineScripts?: readonly string[];
  /** Already-made text for `{{inline-hashes}}` (wins over inlineScripts). */
  inlineHashes?: string;
  origin?: string;
}

/** Fills every placeholder a value is given for; the others stay as written. */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  let out = text;
  if (values.nonce !== undefined) out = out.replaceAll(NONCE, values.nonce);
  const hashes = values.inlineHashes ?? values.inlineScripts?.map((s) => inlineHash(s)).join(' ');
  if (hashes !== undefined) out = out.replaceAll(INLINE_HASHES, hashes);
  if (values.origin !== undefined) out = out.replaceAll(ORIGIN, values.origin);
  return out;
}

/** Whether a policy asks for the response's nonce. */
export function usesNonce(policy: string): boolean {
  return policy.includes(NONCE_SOURCE);
}

/** At least 128 bits from a CSPRNG, base64: a fresh one for every response. */
export function freshNonce(): string {
  return randomBytes(18).toString('base64');
}

/** The `'sha256-…'` source expression of an inline script or style. */
export function inlineHash(text: string, algorithm: 'sha256' | 'sha384' | 'sha512' = 'sha256'): string {
  return `'${algorithm}-${createHash(algorithm).update(text, 'utf8').digest('base64')}'`;
}
