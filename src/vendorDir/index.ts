// Users' vendor folders (`--vendor-dir`, `vendorDirs`): loaded, checked, and joined to the bundled catalog.
import { HarnessError } from '../shared/vocabulary.ts';
import type { Vendor } from '../vendors/types.ts';
import { loadVendorFolder, shownFolder, VendorFolderError } from './load.ts';

export { deriveFeatures, trafficKindOf, TRAFFIC_KINDS } from './derive.ts';
export type { ExpectJson, FeatureJson, VendorJson } from './format.ts';
export { loadVendorFolder, VENDOR_SCHEMA_PATH, VendorFolderError, formatProblem, withNonces, inlineScriptsOf, type FolderProblem } from './load.ts';

/**
 * The catalog with the user's vendor folders after the bundled vendors. An id clashing with a bundled
 * vendor or an earlier folder, or two mentions of one folder, is named (exit 2).
 */
export function withVendorFolders(bundled: readonly Vendor[], dirs: readonly string[]): Vendor[] {
  const taken = new Map<string, string>(bundled.map((v) => [v.id, `a bundled vendor (csp-harness vendors lists it)`]));
  const out = [...bundled];
  const seen = new Set<string>();
  const errors: VendorFolderError[] = [];
  for (const dir of dirs) {
    let vendor: Vendor;
    try {
      vendor = loadVendorFolder(dir, { takenIds: taken });
    } catch (error) {
      if (error instanceof VendorFolderError) {
        errors.push(error);
        continue;
      }
      throw error;
    }
    if (seen.has(vendor.folder!)) continue;
    seen.add(vendor.folder!);
    taken.set(vendor.id, `the id of the vendor folder ${shownFolder(vendor.folder!)}`);
    out.push(vendor);
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new HarnessError('CSPH_BAD_VENDOR_DIR', errors.map((e) => e.message).join('\n'));
  return out;
}
