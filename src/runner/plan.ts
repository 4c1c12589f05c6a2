// Planning: the cells of a run (vendor × feature × params × browser × policy), deterministic ids,
// and sharding. Pure: no browser, no network.
import { HarnessError, type BrowserId, type ReportPolicy } from '../shared/vocabulary.ts';
import type { Vendor } from '../vendors/types.ts';
import { expectationFor, type CellExpectation } from './expect.ts';
import type { LoadedScenario } from './scenario.ts';

export interface PlannedCell {
  id: string;
  vendor: Vendor;
  feature: string;
  /** Every parameter of the vendor, defaults filled in. */
  params: Record<string, string>;
  browser: BrowserId;
  /** The candidate policies served on the page (may hold `{{nonce}}` / `{{inline-hashes}}`). */
  policies: ReportPolicy[];
  /** Index of this cell's policy set in the report's `policies` (policy mode) or null (scenario mode). */
  policyIndex: number | null;
  scenario: LoadedScenario | null;
  expectation: CellExpectation | null;
}

export interface Selection {
  vendors: readonly string[] | null;
  features: readonly string[] | null;
  /** From `--param key=value`: applies to every selected vendor that has the key. */
  params: Record<string, string>;
  browsers: readonly BrowserId[];
}

/** The selection names what the catalog does not have: the CLI exits 2 with the message. */
export class PlanError extends HarnessError {}

export interface Shard {
  index: number;
  total: number;
}

export function resolveParams(vendor: Vendor, given: Record<string, string>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const p of vendor.params) params[p.key] = given[p.key] ?? p.default;
  return params;
}

function paramsLabel(vendor: Vendor, params: Record<string, string>): string {
  // Only what differs from the defaults, so ids stay short and stable.
  const parts = vendor.params.filter((p) => params[p.key] !== p.default).map((p) => `${p.key}=${params[p.key]}`);
  return parts.length > 0 ? `[${parts.join(',')}]` : '';
}

export function cellId(prefix: string, vendor: Vendor, feature: string, params: Record<string, string>, browser: BrowserId): string {
  return `${prefix}/${vendor.id}/${feature}${paramsLabel(vendor, params)}/${browser}`;
}

/** Validates a selection against the catalog; throws PlanError (exit 2) naming what was wrong. */
export function selectVendors(catalog: readonly Vendor[], selection: Selection): Vendor[] {
  const known = catalog.map((v) => v.id);
  for (const id of selection.vendors ?? []) {
    if (!known.includes(id)) throw new PlanError('CSPH_UNKNOWN_VENDOR', `unknown vendor "${id}"; known: ${known.join(', ')} (see: csp-harness vendors)`);
  }
  const vendors = selection.vendors ? catalog.filter((v) => selection.vendors!.includes(v.id)) : [...catalog];
  for (const f of selection.features ?? []) {
    if (!vendors.some((v) => v.features.some((x) => x.id === f))) {
      throw new PlanError('CSPH_UNKNOWN_FEATURE', `unknown feature "${f}" for ${vendors.map((v) => v.id).join(', ')}; known: ${vendors.map((v) => `${v.id}: ${v.features.map((x) => x.id).join(' ')}`).join('; ')}`);
    }
  }
  for (const [key, value] of Object.entries(selection.params)) {
    const having = vendors.filter((v) => v.params.some((p) => p.key === key));
    if (having.length === 0) throw new PlanError('CSPH_UNKNOWN_PARAM', `--param ${key}: none of ${vendors.map((v) => v.id).join(', ')} has a parameter "${key}"`);
    if (!having.some((v) => v.params.find((x) => x.key === key)!.values.includes(value))) {
      throw new PlanError('CSPH_BAD_PARAM', `--param ${key}=${value}: ${having.map((v) => `${v.id} accepts ${key}=${v.params.find((x) => x.key === key)!.values.join('|')}`).join('; ')}`);
    }
  }
  return vendors;
}

/** Cells for candidate policies given on the command line (no expectations: a failing cell fails). */
export function planForPolicies(catalog: readonly Vendor[], policySets: readonly ReportPolicy[][], selection: Selection): PlannedCell[] {
  const vendors = selectVendors(catalog, selection);
  const cells: PlannedCell[] = [];
  policySets.forEach((policies, index) => {
    const prefix = policySets.length > 1 ? `p${index + 1}` : 'policy';
    for (const vendor of vendors) {
      const given = Object.fromEntries(
        Object.entries(selection.params).filter(([k, val]) => vendor.params.some((p) => p.key === k && p.values.includes(val))),
      );
      const params = resolveParams(vendor, given);
      for (const feature of vendor.features) {
        if (selection.features && !selection.features.includes(feature.id)) continue;
        for (const browser of selection.browsers) {
          cells.push({ id: cellId(prefix, vendor, feature.id, params, browser), vendor, feature: feature.id, params, browser, policies, policyIndex: index, scenario: null, expectation: null });
        }
      }
    }
  });
  return cells;
}

/** Cells for scenario files: each carries its own policies and expectations. */
export function planForScenarios(
  catalog: readonly Vendor[],
  scenarios: readonly { scenario: LoadedScenario; policies: ReportPolicy[] }[],
  selection: Selection,
): PlannedCell[] {
  selectVendors(catalog, selection);
  const cells: PlannedCell[] = [];
  for (const { scenario, policies } of scenarios) {
    if (selection.vendors && !selection.vendors.includes(scenario.vendor)) continue;
    const vendor = catalog.find((v) => v.id === scenario.vendor)!;
    const params = resolveParams(vendor, scenario.params ?? {});
    const features = scenario.features ?? vendor.features.map((f) => f.id);
    for (const feature of features) {
      if (selection.features && !selection.features.includes(feature)) continue;
      for (const browser of selection.browsers) {
        if (scenario.browsers && !scenario.browsers.includes(browser)) continue;
        cells.push({
          id: cellId(scenario.id, vendor, feature, params, browser),
          vendor,
          feature,
          params,
          browser,
          policies,
          policyIndex: null,
          scenario,
          expectation: expectationFor(scenario, feature, browser),
        });
      }
    }
  }
  return cells;
}

/** `--shard i/n`: parses and validates. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || index < 1 || index > total) {
    throw new PlanError('CSPH_BAD_SHARD', `--shard expects i/n with 1 ≤ i ≤ n (e.g. 2/3); got "${text}"`);
  }
  return { index, total };
}

/** Deterministic split: cells sorted by id, dealt round-robin, so every shard gets every browser. */
export function shardCells<T extends { id: string }>(cells: readonly T[], shard: Shard | null): T[] {
  if (!shard || shard.total === 1) return [...cells];
  const sorted = [...cells].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sorted.filter((_, i) => i % shard.total === shard.index - 1);
}
