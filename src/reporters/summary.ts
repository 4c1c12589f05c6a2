// The summary a reviewer reads first (issue [13]): per vendor × engine, how many features work, which
// break, the directives that broke them and the smallest fix for each — unexpected cells first and
// loud, expected failures kept apart as reproductions of the scenario that expects them. Pure.
import { cellPage, SITE_VENDOR } from './matrix.ts';
import type { BrowserId, Report, ReportCell } from './model.ts';

/** What one cell means to a reader. */
export type CellClass = 'unexpected' | 'broken' | 'error' | 'reproduction' | 'works' | 'skipped';

/** Worst first: a feature takes the worst class among its cells. */
const ORDER: readonly CellClass[] = ['unexpected', 'broken', 'error', 'reproduction', 'works', 'skipped'];

export function classOf(cell: ReportCell): CellClass {
  if (cell.outcome === 'unexpected') return 'unexpected';
  if (cell.status === 'error') return 'error';
  if (cell.status === 'skipped') return 'skipped';
  if (cell.status === 'fail') return cell.outcome === 'expected' ? 'reproduction' : 'broken';
  return 'works';
}

export interface FeatureSummary {
  feature: string;
  /**
   * `run --site`: the page the feature's cells loaded. A `site` cell's feature is its page; a vendor
   * feature contacted from two pages is two entries.
   */
  page?: string;
  class: CellClass;
  /** The enforced directives that blocked it, in the cells that did not work (reproductions included). */
  directives: string[];
  /** The smallest fixes the failing cells name, each once. */
  fixes: string[];
  /** Scenarios whose expected failure this feature reproduces. */
  reproduces: string[];
  /** Cell ids behind the class, worst first. */
  cells: string[];
}

export interface VendorEngineSummary {
  vendor: string;
  browser: BrowserId;
  features: FeatureSummary[];
  /** Features whose every cell passed or failed as its scenario expects. */
  working: number;
  /** Features with no cell that ran (an engine missing, a stand-in's feature not exercised on a page): not counted as working or not. */
  skipped: number;
  unexpected: number;
}

function worst(a: CellClass, b: CellClass): CellClass {
  return ORDER.indexOf(a) <= ORDER.indexOf(b) ? a : b;
}

/**
 * One entry per vendor × engine that ran, unexpected ones first, then those with broken features,
 * then by vendor and engine as the report lists them.
 */
export function summarizeByVendor(report: Report): VendorEngineSummary[] {
  const groups = new Map<string, ReportCell[]>();
  for (const cell of report.cells) {
    const key = `${cell.vendor}\u0000${cell.browser}`;
    const list = groups.get(key);
    if (list) list.push(cell);
    else groups.set(key, [cell]);
  }
  const out: VendorEngineSummary[] = [];
  for (const cells of groups.values()) {
    const byFeature = new Map<string, ReportCell[]>();
    for (const cell of cells) {
      const key = `${cellPage(cell) ?? ''}\u0000${cell.feature}`;
      byFeature.set(key, [...(byFeature.get(key) ?? []), cell]);
    }
    const features = [...byFeature.values()].map((list): FeatureSummary => {
      const feature = list[0]!.feature;
      const page = cellPage(list[0]!);
      const cls = list.map(classOf).reduce(worst, 'skipped' as CellClass);
      const failing = list.filter((c) => c.status === 'fail' || classOf(c) === 'unexpected');
      const directives = [...new Set(failing.flatMap((c) => c.violations.filter((v) => v.disposition === 'enforce').map((v) => v.effectiveDirective)))];
      const fixes = [...new Set(failing.flatMap((c) => (c.fix ? [c.fix] : [])))];
      const reproduces = [...new Set(list.filter((c) => classOf(c) === 'reproduction' && c.scenario).map((c) => c.scenario!))];
      const ordered = [...list].sort((a, b) => ORDER.indexOf(classOf(a)) - ORDER.indexOf(classOf(b)) || (a.id < b.id ? -1 : 1));
      return {
        feature,
        ...(page === null ? {} : { page }),
        class: cls,
        directives,
        fixes,
        reproduces,
        cells: ordered.filter((c) => classOf(c) === cls).map((c) => c.id),
      };
    });
    features.sort((a, b) => ORDER.indexOf(a.class) - ORDER.indexOf(b.class) || a.feature.localeCompare(b.feature) || (a.page ?? '').localeCompare(b.page ?? ''));
    out.push({
      vendor: cells[0]!.vendor,
      browser: cells[0]!.browser,
      features,
      working: features.filter((f) => f.class === 'works' || f.class === 'reproduction').length,
      skipped: features.filter((f) => f.class === 'skipped').length,
      unexpected: cells.filter((c) => classOf(c) === 'unexpected').length,
    });
  }
  const rank = (s: VendorEngineSummary) => (s.unexpected > 0 ? 0 : s.features.some((f) => f.class === 'broken' || f.class === 'error') ? 1 : 2);
  const vendorOrder = [...new Set(report.cells.map((c) => c.vendor))];
  const browserOrder = [...new Set(report.cells.map((c) => c.browser))];
  return out.sort((a, b) => rank(a) - rank(b) || vendorOrder.indexOf(a.vendor) - vendorOrder.indexOf(b.vendor) || browserOrder.indexOf(a.browser) - browserOrder.indexOf(b.browser));
}

/** `3 of 4 features` (`, 5 skipped` when some never ran): the count a summary line shows. */
export function workingLabel(s: VendorEngineSummary, noun: (vendor: string, n: number) => string): string {
  const judged = s.features.length - s.skipped;
  return `${s.working} of ${judged} ${noun(s.vendor, judged)}${s.skipped ? `, ${s.skipped} skipped` : ''}`;
}

/** What a summary calls a feature: `icons`; in a site run `/checkout` (a page), `messenger on /vendor`. */
export function featureLabel(vendor: string, feature: FeatureSummary): string {
  if (feature.page === undefined || vendor === SITE_VENDOR) return feature.feature;
  return `${feature.feature} on ${feature.page}`;
}

/** `features`, or `pages` for the `site` vendor, whose features are the pages of the user's site. */
export function featureNoun(vendor: string, count: number): string {
  const noun = vendor === SITE_VENDOR ? 'page' : 'feature';
  return count === 1 ? noun : `${noun}s`;
}
