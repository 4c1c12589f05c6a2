// `npm run bench:report`: a 5,000-cell HTML report in real Chromium — how long it takes to draw
// (file written → matrix drawn), to filter (a status chosen, a search term typed), to collapse a
// group and to switch views. Figures, never a timed test (issue [13]: "A 5,000-cell report stays
// responsive: measure it"). The report is a scenario run, so its rows are grouped (a group per
// scenario, ~140 of them), and it carries a baseline comparison, so every view is there. Budget on
// this 2-core machine: an interaction within 200 ms; drawn within 4 s (the 2 s aimed at first is not
// met: Chromium's HTML parser alone spends over a second reading the inline report data —
// BENCHMARKS.md). The script prints whether each figure is within its budget.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright';
import { htmlView, renderHtml } from '../../src/reporters/html.ts';
import { summarize, type Report, type ReportCell, type ReportScenario } from '../../src/reporters/model.ts';
import { testReport } from '../../src/reporters/testReport.ts';

const CELLS = Number(process.argv[2] ?? 5000);
const ROUNDS = 5;
const BUDGET = { drawMs: 4000, interactionMs: 200 };

/**
 * testReport's cells, spread over vendors, features and params until there are CELLS of them; each
 * two copies of its 18 cells one scenario (12 rows a group). Every 40th cell regressed against the
 * baseline, every 70th was fixed, every 90th is new.
 */
function bigReport(): Report {
  const base = testReport();
  const cells: ReportCell[] = [];
  const scenarios: ReportScenario[] = [];
  for (let i = 0; cells.length < CELLS; i++) {
    const scenario = `bench-${Math.floor(i / 2)}`;
    if (i % 2 === 0) scenarios.push({ id: scenario, title: `Bench scenario ${Math.floor(i / 2)}`, kind: 'edge-case', file: `scenarios/bench/${scenario}.json` });
    for (const cell of base.cells) {
      if (cells.length >= CELLS) break;
      cells.push({ ...cell, id: `${cell.id}#${i}`, scenario, vendor: `${cell.vendor}-${i % 25}`, feature: `${cell.feature}-${Math.floor(i / 25)}` });
    }
  }
  const ids = (every: number) => cells.filter((_, i) => i % every === 0).map((c) => c.id);
  const baseline = { path: 'baseline/report.json', regressions: ids(40), fixed: ids(70), added: ids(90) };
  return { ...base, scenarios, cells, summary: summarize(cells), run: { ...base.run!, regressions: baseline.regressions, baseline } };
}

const report = bigReport();
const dir = mkdtempSync(join(tmpdir(), 'csph-bench-report-'));
const file = join(dir, 'report.html');
const t0 = performance.now();
writeFileSync(file, renderHtml(report));
const renderMs = performance.now() - t0;
const view = htmlView(report);

const browser = await chromium.launch({ executablePath: process.env.CSPH_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const figures = {
  draw: [] as number[],
  status: [] as number[],
  search: [] as number[],
  collapse: [] as number[],
  collapseAll: [] as number[],
  spec: [] as number[],
  baseline: [] as number[],
  back: [] as number[],
};
for (let round = 0; round < ROUNDS; round++) {
  const page = await browser.newPage();
  const start = Date.now();
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForSelector('#matrix tbody tr[data-row]');
  figures.draw.push(Date.now() - start);
  // Each step in the page: the event dispatched, its handler run, layout included.
  const timed = (step: string) =>
    page.evaluate((which) => {
      const t = performance.now();
      if (which === 'status') {
        const select = document.getElementById('filter-status') as HTMLSelectElement;
        select.value = 'fail';
        select.dispatchEvent(new Event('change'));
      } else if (which === 'search') {
        const input = document.getElementById('filter-search') as HTMLInputElement;
        input.value = 'genesys-3 icons';
        input.dispatchEvent(new Event('input'));
      } else if (which === 'clear') {
        const select = document.getElementById('filter-status') as HTMLSelectElement;
        select.value = '';
        select.dispatchEvent(new Event('change'));
        const input = document.getElementById('filter-search') as HTMLInputElement;
        input.value = '';
        input.dispatchEvent(new Event('input'));
      } else if (which === 'collapse') {
        (document.querySelector('#matrix .group-toggle[data-group="scenario:bench-40"]') as HTMLButtonElement).click();
      } else if (which === 'collapse-all') {
        (document.getElementById('collapse-all') as HTMLButtonElement).click();
      } else {
        (document.querySelector(`#views button[data-view="${which}"]`) as HTMLButtonElement).click();
      }
      void document.body.offsetHeight; // layout included
      return performance.now() - t;
    }, step);
  figures.status.push(await timed('status'));
  figures.search.push(await timed('search'));
  await timed('clear');
  figures.spec.push(await timed('spec'));
  figures.baseline.push(await timed('baseline'));
  figures.back.push(await timed('matrix'));
  figures.collapse.push(await timed('collapse'));
  figures.collapseAll.push(await timed('collapse-all'));
  await page.close();
}
await browser.close();

const within = (ms: number, budget: number) => (ms <= budget ? `within the ${budget} ms budget` : `OVER the ${budget} ms budget`);
const ms = (xs: number[]) => `${median(xs).toFixed(0)} ms`;
console.log(
  `HTML report of ${report.cells.length.toLocaleString('en')} cells (${view.rows.length.toLocaleString('en')} rows in ${view.groups.length} groups, ${view.spec.length} rows where engines or spec disagree, ` +
    `a baseline of ${view.baseline?.counts}; ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB): renderHtml ${renderMs.toFixed(0)} ms`,
);
console.log(`  Chromium, medians of ${ROUNDS}:`);
console.log(`  first draw (navigation → matrix drawn)    ${median(figures.draw)} ms (${within(median(figures.draw), BUDGET.drawMs)})`);
const interactions: [string, number[]][] = [
  ['a filter change (status: fail)', figures.status],
  ['a search ("genesys-3 icons")', figures.search],
  ['switching to engines vs spec', figures.spec],
  ['switching to the baseline (drawn then)', figures.baseline],
  ['switching back to the matrix', figures.back],
  ['collapsing a group', figures.collapse],
  ['collapsing every group', figures.collapseAll],
];
for (const [name, xs] of interactions) console.log(`  ${name.padEnd(41)} ${ms(xs)} (${within(median(xs), BUDGET.interactionMs)})`);
