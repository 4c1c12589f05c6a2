// The page of one cell: the vendor's embed and feature under the cell's candidate policies, and what
// the feature is expected to need (for the oracle) — both from the vendor's one declaration.
import type { PageSpec } from '../server/page.ts';
import type { ReportPolicy } from '../shared/vocabulary.ts';
import type { SiteContext } from '../site/context.ts';
import { fillPlaceholders, usesNonce } from '../site/placeholders.ts';
import type { ExpectEntry } from '../vendors/types.ts';
import type { PlannedCell } from './plan.ts';

export interface CellPage {
  spec: PageSpec;
  /** The policies as served (`{{inline-hashes}}` filled; the nonce is filled per response by the server). */
  policies: ReportPolicy[];
  /** The feature's declared expectations, URLs resolved against the cell's page. */
  expectations: ExpectEntry[];
}

/** A declared URL: `{{origin}}/…` on the site, a bare file name beside the cell's page, or absolute. */
export function resolveUrl(url: string, site: SiteContext, cellId: string): string {
  const filled = fillPlaceholders(url, { origin: site.origin });
  return /^[a-z][a-z0-9+.-]*:/i.test(filled) ? filled : site.fileUrl(cellId, filled);
}

function resolved(entry: ExpectEntry, site: SiteContext, cellId: string): ExpectEntry {
  if ('request' in entry) return { ...entry, request: resolveUrl(entry.request, site, cellId) };
  if ('frame' in entry) return { ...entry, frame: resolveUrl(entry.frame, site, cellId) };
  if ('websocket' in entry) return { ...entry, websocket: resolveUrl(entry.websocket, site, cellId) };
  return entry;
}

export function buildCellPage(cell: Pick<PlannedCell, 'id' | 'vendor' | 'feature' | 'params' | 'policies'>, site: SiteContext): CellPage {
  const context = { feature: cell.feature, params: cell.params, nonce: cell.policies.some((p) => usesNonce(p.value)) };
  const page = cell.vendor.page(context);
  const policies = cell.policies.map((p) => ({ ...p, value: fillPlaceholders(p.value, { inlineScripts: page.inlineScripts }) }));
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
    expectations: cell.vendor.expectations(context).map((e) => resolved(e, site, cell.id)),
  };
}
