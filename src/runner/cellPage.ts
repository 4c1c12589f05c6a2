// The page of one cell: the vendor's embed and feature, under the cell's candidate policies.
import { inlineHash, type PageSpec } from '../server/site.ts';
import type { ReportPolicy } from '../reporters/model.ts';
import type { FeatureRequest } from '../vendors/types.ts';
import type { PlannedCell } from './plan.ts';

const INLINE_HASHES = '{{inline-hashes}}';

/** Fills `{{inline-hashes}}` with the `'sha256-…'` of every inline script the page carries. */
export function fillInlineHashes(policies: readonly ReportPolicy[], inlineScripts: readonly string[]): ReportPolicy[] {
  const hashes = inlineScripts.map((s) => inlineHash(s)).join(' ');
  return policies.map((p) => ({ ...p, value: p.value.replaceAll(INLINE_HASHES, hashes) }));
}

export function usesNonce(policies: readonly ReportPolicy[]): boolean {
  return policies.some((p) => p.value.includes("'nonce-{{nonce}}'"));
}

export interface CellPage {
  spec: PageSpec;
  /** The policies as served (hashes filled; `{{nonce}}` is filled per response by the server). */
  policies: ReportPolicy[];
  requests: FeatureRequest[];
}

export function buildCellPage(cell: Pick<PlannedCell, 'id' | 'vendor' | 'feature' | 'params' | 'policies'>): CellPage {
  const nonce = usesNonce(cell.policies);
  const page = cell.vendor.page(cell.feature, cell.params, { nonce });
  const policies = fillInlineHashes(cell.policies, page.inlineScripts);
  return {
    spec: {
      id: cell.id,
      title: `${cell.vendor.id} · ${cell.feature}`,
      policies: policies.map((p) => ({ value: p.value, delivery: p.delivery })),
      head: page.head,
      body: page.body,
      files: page.files,
    },
    policies,
    requests: cell.vendor.requests(cell.feature, cell.params, { nonce }),
  };
}
