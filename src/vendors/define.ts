// defineVendor: a bundled vendor's declaration → the Vendor the harness uses. The scaffolding every
// vendor shares lives here once: checking features and params, the cell marker, the embed forms.
import { isAbsolute } from 'node:path';
import { HarnessError } from '../shared/vocabulary.ts';
import { cellMarker, embedExpectations, embedMarkup } from './embed.ts';
import type { CellContext, EmbedForm, Vendor, VendorDefinition } from './types.ts';

/** A feature or parameter value the vendor does not have (the planner checks first: this is a backstop). */
export class VendorInputError extends HarnessError {
  constructor(message: string) {
    super('CSPH_BAD_VENDOR_INPUT', message);
  }
}

function checked(def: VendorDefinition, cell: CellContext): CellContext {
  if (!def.features.some((f) => f.id === cell.feature)) {
    throw new VendorInputError(`${def.id}: unknown feature "${cell.feature}"; known: ${def.features.map((f) => f.id).join(', ')}`);
  }
  const params: Record<string, string> = { ...cell.params };
  for (const p of def.params) {
    const value = cell.params[p.key] ?? p.default;
    if (!p.values.includes(value)) throw new VendorInputError(`${def.id}: "${value}" is not a value of ${p.key}; allowed: ${p.values.join(', ')}`);
    params[p.key] = value;
  }
  return { ...cell, params };
}

function formOf(cell: CellContext, override: EmbedForm | undefined): EmbedForm {
  return override ?? (cell.params.embed as EmbedForm | undefined) ?? 'external';
}

export function defineVendor(def: VendorDefinition): Vendor {
  return {
    id: def.id,
    title: def.title,
    seed: def.seed,
    params: def.params,
    features: def.features,
    // An absolute dir (a published package's files in node_modules) is served as it is.
    routes: def.routes.map((r) => (r.kind === 'static' && !isAbsolute(r.dir) ? { ...r, dir: `${def.id}/${r.dir}` } : r)),
    documentedPolicies: def.documentedPolicies,
    policySources: def.policySources ?? [],
    page(given) {
      const cell = checked(def, given);
      const spec = def.embed(cell);
      const embed = embedMarkup(formOf(cell, spec.form), spec, spec.nonce ?? cell.nonce);
      return {
        body: `${cellMarker(def.id, cell.feature, cell.params)}\n${spec.before ?? ''}${embed.body}`,
        ...(embed.files ? { files: embed.files } : {}),
        inlineScripts: embed.inlineScripts,
      };
    },
    expectations(given) {
      const cell = checked(def, given);
      const spec = def.embed(cell);
      return [
        ...embedExpectations(formOf(cell, spec.form), spec, spec.nonce ?? cell.nonce),
        ...(def.chain?.(cell) ?? []),
        ...def.feature(cell),
        // Real vendor code records no probe: its features are judged from outside (src/runner/observe.ts).
        ...(def.observed ? [] : [{ probe: cell.feature }]),
      ];
    },
  };
}
