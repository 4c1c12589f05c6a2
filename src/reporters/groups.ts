// The matrix's rows in groups (issue [13]): by scenario in a scenario run, by page in a site run, by
// policy otherwise; inside a group by vendor, then feature. A vendor's params that every one of its
// rows in the group shares are said once, in the group's header; a row shows only those that vary.
// Pure: the HTML report and the terminal draw it.
import { formatParams, SITE_VENDOR } from './matrix.ts';
import type { Matrix, MatrixRow } from './matrix.ts';
import { pageAnswers } from './site.ts';
import type { Report } from './model.ts';

export type GroupKind = 'scenario' | 'page' | 'policy';

export interface GroupedRow {
  row: MatrixRow;
  /** What the row is called inside its group: no scenario, no page prefix, no param its header says. */
  label: string;
  /** The label's name part: `vendor/feature`, `genesys · messenger`, a page's own row by its path. */
  name: string;
  /** The row's policy number (from 1), when the group's rows differ in policy; null otherwise. */
  policy: number | null;
  /** The params that vary among the rows of this vendor in this group (the rest are in the header). */
  params: Record<string, string>;
}

export interface VendorParams {
  vendor: string;
  /** Params every row of this vendor in the group has alike. */
  params: Record<string, string>;
}

export interface RowGroup {
  /**
   * Stable for one report: `scenario:<id>`, `page:<path>`, `policy:<n>` (n from 1). The HTML report
   * keeps which groups are collapsed in its URL hash by this key.
   */
  key: string;
  kind: GroupKind;
  /** The scenario's title, the page's path, `Policy 2 (header)`. */
  title: string;
  /** What else names it: `genesys-broken-icons · troubleshooting · seed 001_x.txt:45`; a page's answers. */
  detail: string;
  /** A policy group's policy text; null otherwise. */
  policy: string | null;
  /** Said once for the group, per vendor: only vendors with some params shared by all their rows. */
  params: VendorParams[];
  rows: GroupedRow[];
}

function groupKey(row: MatrixRow): { key: string; kind: GroupKind } {
  if (row.scenario !== null) return { key: `scenario:${row.scenario}`, kind: 'scenario' };
  if (row.page !== null) return { key: `page:${row.page}`, kind: 'page' };
  return { key: `policy:${(row.policyIndex ?? 0) + 1}`, kind: 'policy' };
}

function describe(report: Report, kind: GroupKind, first: MatrixRow): Pick<RowGroup, 'title' | 'detail' | 'policy'> {
  if (kind === 'scenario') {
    const id = first.scenario ?? '';
    const scenario = (report.scenarios ?? []).find((s) => s.id === id);
    // Titled by its id when the report does not name it: the id is not said twice.
    const detail = scenario ? [id, scenario.kind, scenario.seedRef ? `seed ${scenario.seedRef}` : undefined].filter(Boolean).join(' · ') : '';
    return { title: scenario?.title ?? id, detail, policy: null };
  }
  if (kind === 'page') {
    const page = report.site?.pages.find((p) => p.path === first.page);
    const detail = page ? `answered ${pageAnswers(page)}; ${page.requests} request${page.requests === 1 ? '' : 's'} to the site server` : '';
    return { title: first.page ?? '', detail, policy: null };
  }
  const index = first.policyIndex ?? 0;
  const policy = report.policies[index];
  const number = report.policies.length > 1 ? ` ${index + 1}` : '';
  return { title: `Policy${number}${policy ? ` (${policy.delivery})` : ''}`, detail: '', policy: policy?.value ?? null };
}

/** Splits one vendor's rows' params into those all share (the header) and those that vary (the rows). */
function splitParams(rows: readonly MatrixRow[]): { shared: Record<string, string>; varying: Set<string> } {
  const keys = new Set(rows.flatMap((r) => Object.keys(r.params)));
  const shared: Record<string, string> = {};
  const varying = new Set<string>();
  for (const key of [...keys].sort()) {
    const values = new Set(rows.map((r) => (key in r.params ? r.params[key] : undefined)));
    const only = values.size === 1 ? [...values][0] : undefined;
    if (only !== undefined) shared[key] = only;
    else varying.add(key);
  }
  return { shared, varying };
}

/** The row's name inside its group: `vendor/feature`; in a page's group `genesys · messenger`, the page itself by its path. */
function nameInGroup(row: MatrixRow, kind: GroupKind): string {
  if (kind === 'page' || row.page !== null) return row.vendor === SITE_VENDOR ? (row.page ?? row.feature) : `${row.vendor} · ${row.feature}`;
  return `${row.vendor}/${row.feature}`;
}

/**
 * The groups in first-seen order. Inside one, rows by vendor (first-seen; a page's own row first),
 * then feature (first-seen), then as the matrix had them. Every matrix row is in exactly one group.
 */
export function groupRows(report: Report, matrix: Pick<Matrix, 'rows'>): RowGroup[] {
  const byKey = new Map<string, { kind: GroupKind; rows: MatrixRow[] }>();
  for (const row of matrix.rows) {
    const { key, kind } = groupKey(row);
    const group = byKey.get(key);
    if (group) group.rows.push(row);
    else byKey.set(key, { kind, rows: [row] });
  }
  const groups: RowGroup[] = [];
  for (const [key, { kind, rows }] of byKey) {
    const vendors = [...new Set(rows.map((r) => r.vendor))];
    if (kind === 'page' && vendors.includes(SITE_VENDOR)) vendors.splice(0, vendors.length, SITE_VENDOR, ...vendors.filter((v) => v !== SITE_VENDOR));
    const features = new Map<string, number>();
    for (const row of rows) if (!features.has(`${row.vendor}\u0000${row.feature}`)) features.set(`${row.vendor}\u0000${row.feature}`, features.size);
    const order = new Map(rows.map((row, i) => [row, i]));
    const vendorRank = new Map(vendors.map((v, i) => [v, i]));
    const sorted = [...rows].sort(
      (a, b) =>
        (vendorRank.get(a.vendor) ?? 0) - (vendorRank.get(b.vendor) ?? 0) ||
        (features.get(`${a.vendor}\u0000${a.feature}`) ?? 0) - (features.get(`${b.vendor}\u0000${b.feature}`) ?? 0) ||
        (order.get(a) ?? 0) - (order.get(b) ?? 0),
    );
    const byVendor = new Map<string, MatrixRow[]>();
    for (const row of rows) {
      const list = byVendor.get(row.vendor);
      if (list) list.push(row);
      else byVendor.set(row.vendor, [row]);
    }
    const split = new Map(vendors.map((v) => [v, splitParams(byVendor.get(v) ?? [])]));
    const manyPolicies = kind !== 'policy' && new Set(rows.map((r) => r.policyIndex)).size > 1;
    groups.push({
      key,
      kind,
      ...describe(report, kind, rows[0]!),
      params: vendors.flatMap((vendor) => {
        const shared = split.get(vendor)?.shared ?? {};
        return Object.keys(shared).length > 0 ? [{ vendor, params: shared }] : [];
      }),
      rows: sorted.map((row) => {
        const varying = split.get(row.vendor)?.varying ?? new Set<string>();
        const params = Object.fromEntries(Object.entries(row.params).filter(([k]) => varying.has(k)));
        const name = nameInGroup(row, kind);
        const policy = manyPolicies && row.policyIndex !== null ? row.policyIndex + 1 : null;
        const parts = [name];
        if (Object.keys(params).length > 0) parts.push(formatParams(params));
        if (policy !== null) parts.push(`policy ${policy}`);
        return { row, label: parts.join(' '), name, policy, params };
      }),
    });
  }
  return groups;
}

/** `region=eu-central-1` for a one-vendor group; `genesys region=us-east-1 · velaro embed=external` otherwise. */
export function groupParams(group: Pick<RowGroup, 'params'>, vendorCount: number): string {
  return group.params
    .map((p) => (vendorCount > 1 ? `${p.vendor} ${formatParams(p.params)}` : formatParams(p.params)))
    .join(' · ');
}

/** The vendors of a group, in its order. */
export function groupVendors(group: Pick<RowGroup, 'rows'>): string[] {
  return [...new Set(group.rows.map((r) => r.row.vendor))];
}

/** One line naming the group, for a terminal: title, what else names it, its policy, its shared params. */
export function groupHeading(group: RowGroup): string {
  const parts = [group.policy === null ? group.title : `${group.title}: ${group.policy}`];
  if (group.detail) parts[0] += ` (${group.detail})`;
  const params = groupParams(group, groupVendors(group).length);
  if (params) parts.push(params);
  return parts.join(' · ');
}

/** `6 rows: 6 pass, 10 fail, 1 error, 1 skipped, 5 unexpected, 1 row ≠`: what a (collapsed) group holds, over its cells. */
export function groupTally(group: Pick<RowGroup, 'rows'>): string {
  const counts = { pass: 0, fail: 0, error: 0, skipped: 0 };
  let unexpected = 0;
  let differs = 0;
  for (const { row } of group.rows) {
    for (const cell of Object.values(row.cells)) {
      counts[cell.status] += 1;
      if (cell.outcome === 'unexpected') unexpected += 1;
    }
    if (row.engineDisagreement || row.specDisagreement.length > 0) differs += 1;
  }
  const parts = (['pass', 'fail', 'error', 'skipped'] as const).filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  if (unexpected) parts.push(`${unexpected} unexpected`);
  if (differs) parts.push(`${differs} row${differs === 1 ? '' : 's'} ≠`);
  const rows = `${group.rows.length} row${group.rows.length === 1 ? '' : 's'}`;
  return parts.length > 0 ? `${rows}: ${parts.join(', ')}` : rows;
}
