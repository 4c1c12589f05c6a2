// The catalog a command works on: the bundled vendors plus the user's vendor folders (`--vendor-dir`,
// repeatable, and `vendorDirs` in the config file, relative to that file).
import { dirname, resolve } from 'node:path';
import { loadConfigFile } from '../runner/config.ts';
import { withVendorFolders } from '../vendorDir/index.ts';
import { catalogPolicySources, VENDORS } from '../vendors/index.ts';
import type { Vendor } from '../vendors/types.ts';
import { listOption, stringOption, type Parsed } from './args.ts';

export const VENDOR_DIR_HELP = `  --vendor-dir <dir>         a vendor folder of your own (vendor.json + HAR traffic; csp-harness record
                             makes one), repeatable; its id joins --vendor like a bundled one`;

/** The folders named by the flags (relative to the working directory) and by the config file (relative to it). */
export async function vendorDirsOf(args: Parsed): Promise<string[]> {
  const file = await loadConfigFile(stringOption(args, 'config'), catalogPolicySources(VENDORS).map((s) => s.key));
  const fromFile = (file?.config.vendorDirs ?? []).map((d) => resolve(dirname(file!.path), d));
  return [...fromFile, ...listOption(args, 'vendor-dir')];
}

export async function loadCatalog(args: Parsed): Promise<Vendor[]> {
  const dirs = await vendorDirsOf(args);
  return dirs.length ? withVendorFolders(VENDORS, dirs) : [...VENDORS];
}
