// The bundled vendor catalog: every folder of src/vendors/ with an index.ts is a vendor
// (`export default defineVendor({…})`), ordered by seed. Adding one is adding a folder
// (docs/architecture.md, "Adding a bundled vendor"); ids are a contract (../shared/design/vendors.md).
import { existsSync, readdirSync } from 'node:fs';
import type { Route } from '../server/routes.ts';
import type { PolicySource, Vendor } from './types.ts';

const HERE = new URL('./', import.meta.url);

/** Loads every bundled vendor folder. A folder whose module exports no vendor is a programming error. */
export async function loadBundledVendors(): Promise<Vendor[]> {
  const folders = readdirSync(HERE, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(new URL(`${d.name}/index.ts`, HERE)))
    .map((d) => d.name);
  const vendors = await Promise.all(
    folders.map(async (folder) => {
      const mod = (await import(new URL(`${folder}/index.ts`, HERE).href)) as { default?: Vendor };
      if (!mod.default || typeof mod.default.page !== 'function') throw new Error(`src/vendors/${folder}/index.ts must export default defineVendor({…})`);
      if (mod.default.id !== folder) throw new Error(`src/vendors/${folder}/index.ts declares id "${mod.default.id}": a vendor's folder is named after its id`);
      return mod.default;
    }),
  );
  return vendors.sort((a, b) => a.seed.localeCompare(b.seed) || a.id.localeCompare(b.id));
}

export const VENDORS: readonly Vendor[] = await loadBundledVendors();

/** Every route of the catalog, in catalog order (so the network layers shared hosts the same way every run). */
export function catalogRoutes(catalog: readonly Vendor[]): Route[] {
  return catalog.flatMap((v) => [...v.routes]);
}

/** The policy sources the catalog offers (`--chargebee-config` and the like). */
export function catalogPolicySources(catalog: readonly Vendor[]): PolicySource[] {
  return catalog.flatMap((v) => [...v.policySources]);
}

export type { Vendor } from './types.ts';
