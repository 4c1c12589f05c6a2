// `npm run bench`: the seed matrix through the harness, against the floor (the same pages loaded by a
// bare script in warm browsers) and a naive harness (a browser launched per cell). Prints figures;
// asserts nothing (the machine is shared: compare the ratios of one run).
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
import { catalogRoutes, VENDORS } from '../../src/vendors/index.ts';
import { launchBare } from './bare.ts';

const ROOT = join(import.meta.dirname, '..', '..');
/** One documented policy per vendor, every feature: the seed matrix (25 features × 3 engines). */
export const SEED_MATRIX = ['chargebee/analytics.json', 'customerio/us.json', 'genesys/us-east-1.json', 'provide-support/lax.json', 'velaro/allowlist.json'].map((f) => join(ROOT, 'scenarios', f));

const args = process.argv.slice(2);
const files = args.includes('--all') ? [join(ROOT, 'scenarios')] : SEED_MATRIX;
const skipNaive = args.includes('--no-naive');

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

async function harness(): Promise<{ ms: number; peakMb: number; cells: number; summary: string }> {
  const out = mkdtempSync(join(tmpdir(), 'csph-bench-'));
  const started = Date.now();
  const child = spawn('node', [join(ROOT, 'bin', 'csp-harness.js'), 'run', ...files, '--reporter', 'json', '--out', out], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: '1' } });
  const stop = watchMemory(child.pid!);
  await new Promise((resolve) => child.once('exit', resolve));
  const ms = Date.now() - started;
  const peakMb = stop() / 1024;
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { cells: unknown[]; summary: Record<string, number> };
  return { ms, peakMb, cells: report.cells.length, summary: JSON.stringify(report.summary) };
}

function plannedPages(network: FixtureNetwork): Map<BrowserId, string[]> {
  const load = loadScenarios(files, VENDORS, ROOT);
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

async function floorAndNaive(): Promise<{ floorMs: number; naiveMs: number | null; cells: number }> {
  const network = await FixtureNetwork.start({ fixturesRoot: join(ROOT, 'fixtures'), routes: catalogRoutes(VENDORS) });
  try {
    const pages = plannedPages(network);
    const lanes = new Map<BrowserId, string>();
    for (const b of BROWSERS) lanes.set(b, (await network.openLane()).proxyUrl);
    // Floor: warm browsers (launch not timed), one per engine in parallel, as the harness's 3 sessions.
    const warm = await Promise.all(BROWSERS.map((b) => launchBare(b, lanes.get(b)!)));
    const t0 = Date.now();
    await Promise.all(
      BROWSERS.map(async (b, i) => {
        for (const url of pages.get(b)!) await warm[i]!.load(url);
      }),
    );
    const floorMs = Date.now() - t0;
    await Promise.all(warm.map((w) => w.close()));
    let naiveMs: number | null = null;
    if (!skipNaive) {
      // Naive: a browser launched per cell, as a one-off Playwright test would.
      const t1 = Date.now();
      await Promise.all(
        BROWSERS.map(async (b) => {
          for (const url of pages.get(b)!) {
            const browser = await launchBare(b, lanes.get(b)!);
            await browser.load(url);
            await browser.close();
          }
        }),
      );
      naiveMs = Date.now() - t1;
    }
    return { floorMs, naiveMs, cells: [...pages.values()].reduce((n, p) => n + p.length, 0) };
  } finally {
    await network.close();
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(`csp-harness bench — ${files === SEED_MATRIX ? 'seed matrix (one documented policy per vendor, every feature)' : 'every scenario'}`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
const h = await harness();
const f = await floorAndNaive();
console.log('');
console.log(`harness   ${s(h.ms).padStart(8)}   ${h.cells} cells, ${(h.cells / (h.ms / 1000)).toFixed(2)} cells/s, peak RSS ${h.peakMb.toFixed(0)} MiB (harness + browsers), ${h.summary}`);
console.log(`floor     ${s(f.floorMs).padStart(8)}   ${f.cells} page loads in warm browsers, nothing else`);
if (f.naiveMs !== null) console.log(`naive     ${s(f.naiveMs).padStart(8)}   a browser launched per cell`);
console.log('');
console.log(`harness / floor = ${(h.ms / f.floorMs).toFixed(2)}   (target ≤ 1.5)`);
if (f.naiveMs !== null) console.log(`naive / harness = ${(f.naiveMs / h.ms).toFixed(2)}   (target ≥ 4)`);
console.log(`full matrix within 60 s: ${h.ms <= 60_000 ? 'yes' : 'no'} (${s(h.ms)})`);
