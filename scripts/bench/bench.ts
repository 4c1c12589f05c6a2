// `npm run bench` (issue [10]): the seed matrix through the harness against two floors — the same pages
// loaded by a bare script in warm browsers, a fresh context per page, and with one reused context —;
// the full scenario matrix's time, cells/s and peak RSS; and the seed matrix again while a second full
// run loads the machine, compared with the idle run. Prints figures; asserts nothing (the machine is
// shared: compare the ratios of one run). `--quick`: the seed matrix and floors only. `--naive`: also a
// browser launched per cell.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { descendantsOf } from '../../src/engines/processes.ts';
import { FixtureNetwork } from '../../src/server/network.ts';
import { buildCellPage } from '../../src/runner/cellPage.ts';
import { planForScenarios } from '../../src/runner/plan.ts';
import { loadScenarios } from '../../src/runner/scenario.ts';
import { BROWSERS, type BrowserId } from '../../src/shared/vocabulary.ts';
import type { ReportCell } from '../../src/reporters/model.ts';
import { catalogRoutes, VENDORS } from '../../src/vendors/index.ts';
import { launchBare } from './bare.ts';
import { fingerprint } from '../reliability/common.ts';

const ROOT = join(import.meta.dirname, '..', '..');
/** One documented policy per vendor, every feature: the seed matrix (25 features × 3 engines). */
export const SEED_MATRIX = ['chargebee/analytics.json', 'customerio/us.json', 'genesys/us-east-1.json', 'provide-support/lax.json', 'velaro/allowlist.json'].map((f) => join(ROOT, 'scenarios', f));

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const withNaive = args.includes('--naive');
const ALL = [join(ROOT, 'scenarios')];

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Peak RSS of a process and all its descendants, sampled every 100 ms. */
function watchMemory(pid: number): () => number {
  let peak = 0;
  const timer = setInterval(() => {
    const total = [pid, ...descendantsOf(pid)].reduce((sum, p) => sum + rssKb(p), 0);
    peak = Math.max(peak, total);
  }, 100);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

interface HarnessRun {
  ms: number;
  peakMb: number;
  cells: ReportCell[];
  summary: Record<string, number>;
}

/** `csp-harness run` on scenario files, as a user runs it; its wall time and the peak RSS of it and its browsers. */
function harness(scenarioFiles: readonly string[]): { done: Promise<HarnessRun>; kill: () => void } {
  const out = mkdtempSync(join(tmpdir(), 'csph-bench-'));
  const started = Date.now();
  const child = spawn('node', [join(ROOT, 'bin', 'csp-harness.js'), 'run', ...scenarioFiles, '--reporter', 'json', '--out', out], { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, CI: '1' } });
  const stop = watchMemory(child.pid!);
  const done = new Promise<HarnessRun>((resolve, reject) => {
    child.once('exit', () => {
      const ms = Date.now() - started;
      const peakMb = stop() / 1024;
      try {
        const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { cells: ReportCell[]; summary: Record<string, number> };
        resolve({ ms, peakMb, cells: report.cells, summary: report.summary });
      } catch (error) {
        reject(error);
      }
    });
  });
  return { done, kill: () => child.kill('SIGINT') };
}

function plannedPages(network: FixtureNetwork): Map<BrowserId, string[]> {
  const load = loadScenarios(SEED_MATRIX, VENDORS, ROOT);
  if (!load.ok) throw new Error(load.problems.map((p) => p.message).join('; '));
  const cells = planForScenarios(VENDORS, load.scenarios.map((scenario) => ({ scenario, policies: (scenario.policies ?? []).map((p) => ({ value: p.value, delivery: p.delivery ?? 'header' })) })), {
    vendors: null,
    features: null,
    params: {},
    browsers: BROWSERS,
  });
  const pages = new Map<BrowserId, string[]>(BROWSERS.map((b) => [b, []]));
  for (const cell of cells) {
    // Chargebee scenarios name a config: the floor serves its pages without a policy (no harness work).
    pages.get(cell.browser)!.push(network.registerPage(buildCellPage(cell, network.site).spec));
  }
  return pages;
}

/** The floors: every seed page loaded by bare warm browsers (one per engine, in parallel) — a fresh context per page, then one reused context. */
async function floors(): Promise<{ freshMs: number; reusedMs: number; naiveMs: number | null; cells: number }> {
  const network = await FixtureNetwork.start({ fixturesRoot: join(ROOT, 'fixtures'), routes: catalogRoutes(VENDORS) });
  try {
    const pages = plannedPages(network);
    const lanes = new Map<BrowserId, string>();
    for (const b of BROWSERS) lanes.set(b, (await network.openLane()).proxyUrl);
    const timed = async (reuse: boolean) => {
      const warm = await Promise.all(BROWSERS.map((b) => launchBare(b, lanes.get(b)!, { reuse })));
      const t0 = Date.now();
      await Promise.all(BROWSERS.map(async (b, i) => {
        for (const url of pages.get(b)!) await warm[i]!.load(url);
      }));
      const ms = Date.now() - t0;
      await Promise.all(warm.map((w) => w.close()));
      return ms;
    };
    const freshMs = await timed(false);
    const reusedMs = await timed(true);
    let naiveMs: number | null = null;
    if (withNaive) {
      const t1 = Date.now();
      await Promise.all(BROWSERS.map(async (b) => {
        for (const url of pages.get(b)!) {
          const browser = await launchBare(b, lanes.get(b)!);
          await browser.load(url);
          await browser.close();
        }
      }));
      naiveMs = Date.now() - t1;
    }
    return { freshMs, reusedMs, naiveMs, cells: [...pages.values()].reduce((n, p) => n + p.length, 0) };
  } finally {
    await network.close();
  }
}

/** Cells whose verdict (status + violation set) differs between two runs of the same matrix. */
function differing(a: readonly ReportCell[], b: readonly ReportCell[]): string[] {
  const other = new Map(b.map((c) => [c.id, fingerprint(c)]));
  return a.filter((c) => other.get(c.id) !== fingerprint(c)).map((c) => c.id);
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log('csp-harness bench — seed matrix (one documented policy per vendor, every feature), then the full matrix');
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, load ${load()}`);
const seed = await harness(SEED_MATRIX).done;
const f = await floors();
console.log('');
console.log(`harness        ${s(seed.ms).padStart(8)}   ${seed.cells.length} cells, ${(seed.cells.length / (seed.ms / 1000)).toFixed(2)} cells/s, peak RSS ${seed.peakMb.toFixed(0)} MiB (harness + browsers), ${JSON.stringify(seed.summary)}`);
console.log(`floor (fresh)  ${s(f.freshMs).padStart(8)}   ${f.cells} page loads in warm browsers, a new context per page, nothing else`);
console.log(`floor (reused) ${s(f.reusedMs).padStart(8)}   the same loads in one reused context per browser`);
if (f.naiveMs !== null) console.log(`naive          ${s(f.naiveMs).padStart(8)}   a browser launched per cell`);
console.log('');
console.log(`harness / floor (fresh contexts)  = ${(seed.ms / f.freshMs).toFixed(2)}   (target ≤ 1.0)`);
console.log(`harness / floor (reused contexts) = ${(seed.ms / f.reusedMs).toFixed(2)}`);
if (f.naiveMs !== null) console.log(`naive / harness = ${(f.naiveMs / seed.ms).toFixed(2)}`);
console.log(`peak RSS (seed matrix) = ${seed.peakMb.toFixed(0)} MiB   (target ≤ 2048)`);
if (!quick) {
  console.log('');
  console.log(`full matrix (load ${load()}) …`);
  const full = await harness(ALL).done;
  console.log(`full matrix    ${s(full.ms).padStart(8)}   ${full.cells.length} cells, ${(full.cells.length / (full.ms / 1000)).toFixed(2)} cells/s, peak RSS ${full.peakMb.toFixed(0)} MiB, ${JSON.stringify(full.summary)}   (target ≤ 90 s)`);
  console.log('');
  console.log(`seed matrix under load: a second full run loads the machine (load ${load()}) …`);
  const loader = harness(ALL);
  // Let the loader's browsers start before the measured run does.
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const loaded = await harness(SEED_MATRIX).done;
  loader.kill();
  await loader.done.catch(() => undefined);
  const errors = loaded.cells.filter((c) => c.status === 'error');
  const diff = differing(seed.cells, loaded.cells);
  console.log(`loaded run     ${s(loaded.ms).padStart(8)}   ${loaded.cells.length} cells, ${errors.length} error${errors.length === 1 ? '' : 's'} (target 0), ${diff.length} verdict${diff.length === 1 ? '' : 's'} differing from the idle run (target 0)${diff.length ? `: ${diff.join(', ')}` : ''}; load at the end ${load()}`);
}
