// Values and a helper shared by the lint tests (lint.test.ts, lint.seeds.test.ts).
import type { LintFinding } from './index.ts';

/** A 32-byte nonce, as the seeds' server snippets make them. */
export const NONCE = 'Yhd3M6wNZLwX8LtK86V+mYbWfsVkXLQqpnS+lLr88YI=';
/** 16 bytes: exactly enough (22 base64 characters before the padding). */
export const NONCE_128 = '2SlpXib/NymM2+nmi5V3Sw==';
/** Real digests of the empty string. */
export const SHA256 = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
export const SHA384 = 'OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb';
export const SHA512 = 'z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==';

export function find(findings: LintFinding[], code: string, directive?: string): LintFinding[] {
  return findings.filter((f) => f.code === code && (directive === undefined || f.directive === directive));
}
