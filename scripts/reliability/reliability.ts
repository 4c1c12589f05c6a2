// `npm run reliability [-- --runs N] [-- --all]`: is the harness deterministic, does it survive faults,
// does it stay on loopback? Prints figures; exits 0 only when every check holds.
//   1. determinism: the same run N times, per cell the same status and set of violations;
//   2. faults: (a) a browser SIGKILLed mid-run, (b) 1000 reports in a burst, (c) a stub slower than the
//      cell timeout, (d) Ctrl-C mid-run — each with every other cell done, none lost, no process left;
//   3. containment: unexpected hosts of the cells, and no socket of the harness or its browsers on or
//      to a non-loopback address (sampled from /proc during the determinism runs).
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { descendantsOf, parentOf } from '../../src/engines/processes.ts';
import { ENGINES } from '../../src/engines/index.ts';
import { FIXTURES_ROOT } from '../../src/cli/runOptions.ts';
import { runCells } from '../../src/runner/run.ts';
import { siteContext } from '../../src/site/context.ts';
import { VENDORS } from '../../src/vendors/index.ts';
import {
  compareCells,
  exeName,
  fingerprint,
  interruptRun,
  nonLoopbackSockets,
  plannedCells,
  ProcessWatch,
  reportBurst,
  ROOT,
  runCli,
  type Proc,
  type SocketFinding,
} from './common.ts';

const SEED_MATRIX = ['chargebee/analytics.json', 'customerio/us.json', 'genesys/us-east-1.json', 'provide-support/lax.json', 'velaro/allowlist.json'].map((f) => join(ROOT, 'scenarios', f));

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 5;
if (!Number.isInteger(runs) || runs < 2) {
  console.error('csp-harness reliability: --runs expects a whole number from 2 up.');
  process.exit(2);
}
const files = args.includes('--all') ? [join(ROOT, 'scenarios')] : SEED_MATRIX;

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}
const checks: Check[] = [];
const check = (name: string, ok: boolean, detail: string) => {
  checks.push({ name, ok, detail });
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
};
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const procs = (list: Proc[]) => (list.length === 0 ? 'none' : list.map((p) => `${p.name}[${p.pid}]`).join(', '));

console.log(`csp-harness reliability — ${files === SEED_MATRIX ? 'seed matrix (5 scenario files)' : 'every scenario'}, ${runs} runs`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);

// ---------------------------------------------------------------- 1. determinism (+ 3. sockets)
console.log('\n1. determinism');
const planned = await plannedCells(files);
const perRun: Map<string, string>[] = [];
const hostsByCell = new Map<string, Set<string>>();
const background = new Set<string>();
const socketFindings: SocketFinding[] = [];
let socketSamples = 0;
let socketsSeen = 0;
let leftoversAfterRuns: Proc[] = [];
for (let i = 1; i <= runs; i++) {
  const run = await runCli(files, {
    onTick: (pid) => {
      const { findings, sockets } = nonLoopbackSockets(pid);
      socketSamples += 1;
      socketsSeen = Math.max(socketsSeen, sockets);
      for (const f of findings) if (!socketFindings.some((g) => g.state === f.state && g.local === f.local && g.remote === f.remote)) socketFindings.push(f);
    },
  });
  const { missing, extra } = compareCells(planned, run.cells);
  const byStatus = new Map<string, number>();
  for (const c of run.cells ?? []) byStatus.set(c.status, (byStatus.get(c.status) ?? 0) + 1);
  console.log(`  run ${i}: exit ${run.code}, ${s(run.ms)}, ${run.cells?.length ?? 0}/${planned.length} cells (${[...byStatus].map(([k, n]) => `${n} ${k}`).join(', ')}), browsers at once ≤ ${run.maxBrowsers}, left behind: ${procs(run.leftovers)}`);
  if (missing.length > 0 || extra.length > 0) console.log(`    missing: ${missing.join(', ') || '-'}; extra: ${extra.join(', ') || '-'}`);
  leftoversAfterRuns = [...leftoversAfterRuns, ...run.leftovers];
  perRun.push(new Map((run.cells ?? []).map((c) => [c.id, fingerprint(c)])));
  for (const c of run.cells ?? []) for (const h of c.unexpectedHosts) hostsByCell.set(h, (hostsByCell.get(h) ?? new Set()).add(c.id));
  const bg = /refused browser background requests \(not a cell's\): (.*)/.exec(run.stderr);
  for (const h of bg?.[1]?.split(', ') ?? []) background.add(h.trim());
}
const differing: string[] = [];
for (const cell of planned) {
  const seen = perRun.map((r) => r.get(cell.id) ?? '(absent)');
  if (new Set(seen).size > 1) {
    differing.push(cell.id);
    console.log(`    differs: ${cell.id}\n${seen.map((v, i) => `      run ${i + 1}: ${v}`).join('\n')}`);
  }
}
check('determinism', differing.length === 0, `${planned.length - differing.length}/${planned.length} cells identical over ${runs} runs (status + violations)${differing.length ? `; ${differing.length} differ` : ''}`);
check('determinism: nothing left behind', leftoversAfterRuns.length === 0, procs(leftoversAfterRuns));

// ---------------------------------------------------------------- 2a. a browser killed mid-run
console.log('\n2a. a browser SIGKILLed mid-run');
{
  const argv = [join(ROOT, 'scenarios/genesys/us-east-1.json'), join(ROOT, 'scenarios/velaro/allowlist.json'), '--browser', 'chromium,firefox'];
  const cells = await plannedCells(argv);
  let killed: string | null = null;
  const run = await runCli(argv, {
    onProgress: (done, _total, pid) => {
      if (killed !== null || done < 3) return;
      const browsers = descendantsOf(pid).filter((p) => /^(firefox-esr|firefox|chromium|chrome)$/.test(exeName(p)));
      // The main browser process: its parent is not itself a browser process.
      const mains = browsers.filter((p) => !browsers.includes(parentOf(p) ?? -1));
      const victim = mains.find((p) => exeName(p).startsWith('firefox')) ?? mains[0];
      if (victim === undefined) return;
      killed = `${exeName(victim)}[${victim}] after ${done} cells`;
      process.kill(victim, 'SIGKILL');
    },
  });
  const { missing, extra } = compareCells(cells, run.cells);
  const errors = (run.cells ?? []).filter((c) => c.status === 'error' || c.status === 'skipped');
  const retried = (run.cells ?? []).filter((c) => /second try/.test(c.error ?? '')).length;
  console.log(`  killed ${killed ?? 'nothing (no browser found)'}; exit ${run.code}, ${s(run.ms)}, ${run.cells?.length ?? 0}/${cells.length} cells, error/skipped: ${errors.map((c) => `${c.id} (${c.error ?? ''})`).join('; ') || 'none'}`);
  check('a browser killed: every cell in the report', killed !== null && missing.length === 0 && extra.length === 0, `killed ${killed ?? '-'}; ${run.cells?.length ?? 0}/${cells.length} cells; missing ${missing.length}, extra ${extra.length}`);
  check('a browser killed: the other cells completed', errors.length <= 1, `${errors.length} cell(s) error/skipped (≤ 1 allowed: the killed one), ${retried} reported after a second try`);
  check('a browser killed: nothing left behind', run.leftovers.length === 0, procs(run.leftovers));
}

// ---------------------------------------------------------------- 2b. 1000 reports in a burst
console.log('\n2b. 1000 csp-reports in a burst (50 in flight)');
{
  const b = await reportBurst(1000, 50);
  console.log(`  ${b.sent} sent in ${s(b.ms)} (${(b.sent / (b.ms / 1000)).toFixed(0)} reports/s): ${b.accepted} answered 2xx, ${b.stored} stored, ${b.parsed} parsed, ${b.distinct} distinct; a page afterwards: ${b.pageAfter}`);
  check('report burst', b.accepted === 1000 && b.stored === 1000 && b.parsed === 1000 && b.distinct === 1000 && b.pageAfter === 200, `${b.stored}/1000 stored under the cell, page after: ${b.pageAfter}`);
}

// ---------------------------------------------------------------- 2c. a stub slower than the cell timeout
console.log('\n2c. a stub answering slower than the cell timeout (in-process runCells, delays)');
{
  const slow = await plannedCells([join(ROOT, 'scenarios/genesys/us-east-1.json'), '--feature', 'icons', '--browser', 'chromium']);
  const others = await plannedCells([join(ROOT, 'scenarios/velaro/allowlist.json'), '--feature', 'images,api', '--browser', 'chromium']);
  const timeoutMs = 4000;
  const watch = new ProcessWatch(() => process.pid).startSampling();
  const started = Date.now();
  const result = await runCells({
    cells: [...slow, ...others],
    catalog: VENDORS,
    engines: ENGINES,
    browserSource: 'auto',
    fixturesRoot: FIXTURES_ROOT,
    site: siteContext(),
    concurrency: 2,
    timeoutMs,
    outDir: mkdtempSync(join(tmpdir(), 'csph-rel-slow-')),
    delays: { 'apps.mypurecloud.com': timeoutMs * 3 },
  });
  const ms = Date.now() - started;
  const left = await watch.leftovers();
  const slowCell = result.cells.find((c) => c.id === slow[0]?.id);
  const rest = result.cells.filter((c) => c.id !== slow[0]?.id);
  const { missing, extra } = compareCells([...slow, ...others], result.cells);
  console.log(`  apps.mypurecloud.com delayed ${timeoutMs * 3} ms, --timeout ${timeoutMs}: ${s(ms)}; slow cell ${slowCell?.status ?? 'absent'} (${slowCell?.error ?? ''}); others: ${rest.map((c) => `${c.id} ${c.status}`).join(', ')}`);
  check('slow stub: the slow cell is error (timeout, retried)', slowCell?.status === 'error' && /timed out/.test(slowCell.error ?? '') && /second try/.test(slowCell.error ?? ''), slowCell?.error ?? 'absent');
  check('slow stub: the others completed, none lost', missing.length === 0 && extra.length === 0 && rest.every((c) => c.status === 'pass' || c.status === 'fail'), `${rest.length} other cells: ${rest.map((c) => c.status).join(', ')}`);
  check('slow stub: nothing left behind', left.length === 0, procs(left));
}

// ---------------------------------------------------------------- 2d. Ctrl-C mid-run
console.log('\n2d. Ctrl-C (SIGINT to the process group) mid-run');
{
  const r = await interruptRun([join(ROOT, 'scenarios/genesys/us-east-1.json'), join(ROOT, 'scenarios/velaro/allowlist.json'), '--browser', 'chromium,webkit'], 3);
  console.log(`  SIGINT after ${r.sentAfter} cells: exit ${r.code ?? r.signal}, ${s(r.ms)}, ${r.done} done + ${r.skipped} skipped of ${r.planned} planned, left behind: ${procs(r.leftovers)}`);
  check('Ctrl-C: exit 130', r.code === 130, `exit ${r.code ?? r.signal}`);
  check('Ctrl-C: every planned cell in report.json', r.missing.length === 0 && r.extra.length === 0, `missing ${r.missing.length}, extra ${r.extra.length}`);
  check('Ctrl-C: unstarted cells skipped "interrupted"', r.skipped > 0 && r.skippedNotInterrupted.length === 0, `${r.skipped} skipped${r.skippedNotInterrupted.length ? `, not marked interrupted: ${r.skippedNotInterrupted.join(', ')}` : ''}`);
  check('Ctrl-C: nothing left behind', r.leftovers.length === 0, procs(r.leftovers));
}

// ---------------------------------------------------------------- 3. containment
console.log('\n3. containment');
console.log(`  unexpected hosts (refused by the proxy) over the determinism runs: ${hostsByCell.size === 0 ? 'none' : [...hostsByCell].map(([h, ids]) => `${h} (${ids.size} cells)`).join(', ')}`);
console.log(`  browser background hosts refused (no cell's): ${background.size === 0 ? 'none' : [...background].join(', ')}`);
console.log(`  sockets sampled ${socketSamples} times (up to ${socketsSeen} TCP sockets of the harness and its browsers at once)`);
for (const f of socketFindings) console.log(`    ${f.state} ${f.local} → ${f.remote} (${f.name}[${f.pid}])`);
check('containment: only loopback sockets', socketSamples > 0 && socketFindings.length === 0, `${socketFindings.length} non-loopback LISTEN/ESTABLISHED socket(s)`);

const failed = checks.filter((c) => !c.ok);
console.log(`\n${checks.length - failed.length}/${checks.length} checks hold${failed.length ? `; failing: ${failed.map((c) => c.name).join('; ')}` : ''}`);
process.exit(failed.length === 0 ? 0 : 1);
