import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64, cspHash, sha256 } from './sha256.ts';

describe('sha256', () => {
  it.each(['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), `${'x'.repeat(1000)}é✓😀`])(
    'matches node:crypto for %#',
    (text) => {
      const bytes = new TextEncoder().encode(text);
      expect(base64(sha256(bytes))).toBe(createHash('sha256').update(bytes).digest('base64'));
    },
  );

  it('encodes base64 with padding', () => {
    for (const length of [0, 1, 2, 3, 4, 5]) {
      const bytes = new Uint8Array(length).map((_, i) => 250 - i);
      expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });

  it('formats a CSP hash source', () => {
    expect(cspHash('alert(1)')).toBe("'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='");
  });
});
