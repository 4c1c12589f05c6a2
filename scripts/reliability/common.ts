// Shared by `npm run reliability` and test/reliability.test.ts: the CLI in a child process, the
// browser processes and sockets it leaves (read from /proc, Linux), the report burst, Ctrl-C.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pLimit from 'p-limit';
import { descendantsOf, parentOf } from '../../src/engines/processes.ts';
import { FixtureNetwork } from '../../src/server/network.ts';
import { siteContext } from '../../src/site/context.ts';
import { parseCommandArgs } from '../../src/cli/args.ts';
import { FIXTURES_ROOT, resolveSelection, selectionOptions } from '../../src/cli/runOptions.ts';
import type { PlannedCell } from '../../src/runner/plan.ts';
import type { ReportCell } from '../../src/reporters/model.ts';
import { catalogPolicySources, catalogRoutes, VENDORS } from '../../src/vendors/index.ts';
import { fetchViaProxy } from '../../test/helpers/proxyClient.ts';

const site = siteContext();

export const ROOT = join(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'bin', 'csp-harness.js');

// ---------------------------------------------------------------- processes

/** Browser-side executables the harness starts (Debian's and Playwright's builds). */
const BROWSER_EXE = /^(chromium|chrome|headless_shell|chrome-headless-shell|firefox-esr|firefox|WebKitWebDriver|MiniBrowser|WebKitWebProcess|WebKitNetworkProcess|WebKitGPUProcess|Xvfb|pw_run\.sh)$/;

export interface Proc {
  pid: number;
  name: string;
  /** Start time in clock ticks (field 22 of stat): a pid reused later is another process. */
  start: string;
}

export function exeName(pid: number): string {
  try {
    return basename(readlinkSync(`/proc/${pid}/exe`)).replace(/ \(deleted\)$/, '');
  } catch {
    try {
      return basename(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '');
    } catch {
      return '';
    }
  }
}

function startTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

const key = (p: Proc) => `${p.pid}@${p.start}`;

export function isBrowserProcess(pid: number): boolean {
  return BROWSER_EXE.test(exeName(pid));
}

/** Every chromium / firefox-esr / WebKit / Xvfb process on the machine now. */
export function browserProcesses(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const exe = exeName(pid);
    if (BROWSER_EXE.test(exe)) out.push({ pid, name: exe, start: startTime(pid) });
  }
  return out;
}

/**
 * Samples the browser processes below `root` while a run goes on, so that after it the new browser
 * processes that are ours (seen below it, or orphaned to init) can be told from other sessions'.
 */
export class ProcessWatch {
  readonly before = new Set(browserProcesses().map(key));
  private readonly seen = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  maxBrowsers = 0;

  constructor(private readonly root: () => number | undefined) {}

  sample(): void {
    const root = this.root();
    if (root === undefined) return;
    let n = 0;
    for (const pid of descendantsOf(root)) {
      if (!isBrowserProcess(pid)) continue;
      n += 1;
      this.seen.add(key({ pid, name: '', start: startTime(pid) }));
    }
    this.maxBrowsers = Math.max(this.maxBrowsers, n);
  }

  startSampling(everyMs = 200): this {
    this.timer = setInterval(() => this.sample(), everyMs);
    return this;
  }

  stopSampling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Browser processes alive now that were not before and are ours; waits up to `graceMs` for them to go. */
  async leftovers(graceMs = 3000): Promise<Proc[]> {
    this.stopSampling();
    const deadline = Date.now() + graceMs;
    for (;;) {
      const root = this.root();
      const below = new Set(root === undefined ? [] : descendantsOf(root));
      const left = browserProcesses().filter((p) => !this.before.has(key(p)) && (this.seen.has(key(p)) || below.has(p.pid) || parentOf(p.pid) === 1));
      if (left.length === 0 || Date.now() > deadline) return left;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

// ---------------------------------------------------------------- sockets

export interface SocketFinding {
  pid: number;
  name: string;
  state: 'LISTEN' | 'ESTABLISHED';
  local: string;
  remote: string;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

function decodeAddress(hex: string): string {
  const [addr = '', port = ''] = hex.split(':');
  const p = parseInt(port, 16);
  if (addr.length === 8) return `${addr.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join('.')}:${p}`;
  const words = addr.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(''));
  const full = words.join('').match(/.{4}/g)!.join(':').toLowerCase();
  return `[${full}]:${p}`;
}

export function isLoopback(address: string): boolean {
  const host = address.replace(/:\d+$/, '');
  if (/^127\./.test(host)) return true;
  return host === '[0000:0000:0000:0000:0000:0000:0000:0001]' || /^\[0000:0000:0000:0000:0000:ffff:7f/.test(host);
}

/**
 * The TCP sockets of `root` and its descendants (per network namespace): every LISTEN socket on a
 * non-loopback address and every ESTABLISHED one to a non-loopback peer.
 */
export function nonLoopbackSockets(root: number): { findings: SocketFinding[]; sockets: number } {
  const pids = [root, ...descendantsOf(root)];
  const owner = new Map<string, number>();
  const namespaces = new Map<string, number>();
  for (const pid of pids) {
    for (const inode of socketInodes(pid)) owner.set(inode, pid);
    try {
      const ns = readlinkSync(`/proc/${pid}/ns/net`);
      if (!namespaces.has(ns)) namespaces.set(ns, pid);
    } catch {
      // gone
    }
  }
  const findings: SocketFinding[] = [];
  let sockets = 0;
  for (const nsPid of namespaces.values()) {
    for (const file of ['tcp', 'tcp6']) {
      let text = '';
      try {
        text = readFileSync(`/proc/${nsPid}/net/${file}`, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols.length < 10) continue;
        const pid = owner.get(cols[9]!);
        if (pid === undefined) continue;
        sockets += 1;
        const local = decodeAddress(cols[1]!);
        const remote = decodeAddress(cols[2]!);
        if (cols[3] === '0A' && !isLoopback(local)) findings.push({ pid, name: exeName(pid), state: 'LISTEN', local, remote });
        if (cols[3] === '01' && !isLoopback(remote)) findings.push({ pid, name: exeName(pid), state: 'ESTABLISHED', local, remote });
      }
    }
  }
  return { findings, sockets };
}

// ---------------------------------------------------------------- the CLI

/** The cells the CLI would plan for these `run` arguments (its own resolution, in-process). */
export async function plannedCells(argv: string[]): Promise<PlannedCell[]> {
  const args = parseCommandArgs('run', argv, { ...selectionOptions(catalogPolicySources(VENDORS)), reporter: { type: 'string', multiple: true }, out: { type: 'string' }, concurrency: { type: 'string' }, timeout: { type: 'string' } }, true);
  return (await resolveSelection('run', args, VENDORS)).cells;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  stderr: string;
  out: string;
  cells: ReportCell[] | null;
  leftovers: Proc[];
  maxBrowsers: number;
}

export interface CliHooks {
  /** Each progress line (`[k/n] …`): k cells done of n. */
  onProgress?: (done: number, total: number, pid: number) => void;
  /** Called every 500 ms with the child's pid while it runs. */
  onTick?: (pid: number) => void;
}

/** `node bin/csp-harness.js run <argv> --reporter json --out <tmp>` with CI=1, watched. */
export async function runCli(argv: string[], hooks: CliHooks = {}, options: { detached?: boolean } = {}): Promise<CliRun & { child: { pid: number } }> {
  const out = mkdtempSync(join(tmpdir(), 'csph-rel-'));
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, 'run', ...argv, '--reporter', 'json', '--out', out], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CI: '1' },
    detached: options.detached ?? false,
  });
  const pid = child.pid!;
  const watch = new ProcessWatch(() => (child.exitCode === null && child.signalCode === null ? pid : undefined)).startSampling();
  let stderr = '';
  let pending = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const m = /^\[\s*(\d+)\/(\d+)\]/.exec(line);
      if (m) hooks.onProgress?.(Number(m[1]), Number(m[2]), pid);
    }
  });
  const tick = setInterval(() => hooks.onTick?.(pid), 500);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  clearInterval(tick);
  const ms = Date.now() - started;
  const leftovers = await watch.leftovers();
  let cells: ReportCell[] | null = null;
  try {
    cells = (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { cells: ReportCell[] }).cells;
  } catch {
    cells = null;
  }
  return { child: { pid }, code, signal, ms, stderr, out, cells, leftovers, maxBrowsers: watch.maxBrowsers };
}

/** One report cell per planned cell, no more, no less: the ids missing and the ids extra or repeated. */
export function compareCells(planned: readonly { id: string }[], cells: readonly ReportCell[] | null): { missing: string[]; extra: string[] } {
  const want = new Set(planned.map((c) => c.id));
  const got = (cells ?? []).map((c) => c.id);
  const seen = new Set<string>();
  const extra = got.filter((id) => !want.has(id) || (seen.has(id) ? true : (seen.add(id), false)));
  return { missing: [...want].filter((id) => !seen.has(id)), extra };
}

// ---------------------------------------------------------------- fault b: a burst of reports

export interface BurstResult {
  sent: number;
  accepted: number;
  stored: number;
  parsed: number;
  distinct: number;
  ms: number;
  pageAfter: number;
}

export async function reportBurst(total = 1000, parallel = 50): Promise<BurstResult> {
  const network = await FixtureNetwork.start({ fixturesRoot: FIXTURES_ROOT, routes: catalogRoutes(VENDORS) });
  try {
    const lane = await network.openLane();
    const limit = pLimit(parallel);
    const url = site.reportUri('burst');
    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: total }, (_, i) =>
        limit(async () => {
          const body = JSON.stringify({
            'csp-report': {
              'document-uri': site.pageUrl('burst'),
              'violated-directive': 'img-src',
              'effective-directive': 'img-src',
              'original-policy': "img-src 'self'; report-uri " + url,
              'blocked-uri': `https://burst.test/${i}.png`,
              disposition: 'enforce',
              'status-code': 200,
            },
          });
          const res = await fetchViaProxy(lane.port, network.ca.cert, url, { method: 'POST', headers: { 'content-type': 'application/csp-report' }, body });
          return res.status;
        }),
      ),
    );
    const ms = Date.now() - started;
    const stored = network.reportsFor('burst');
    const page = await fetchViaProxy(lane.port, network.ca.cert, network.registerPage({ id: 'after-burst', policies: [], body: '<p>still here</p>' }));
    return {
      sent: total,
      accepted: statuses.filter((s) => s >= 200 && s < 300).length,
      stored: stored.length,
      parsed: stored.filter((r) => r.report !== null).length,
      distinct: new Set(stored.map((r) => r.report?.blockedURI)).size,
      ms,
      pageAfter: page.body.includes('still here') ? page.status : -page.status,
    };
  } finally {
    await network.close();
  }
}

// ---------------------------------------------------------------- fault d: Ctrl-C

export interface InterruptResult {
  planned: number;
  sentAfter: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  missing: string[];
  extra: string[];
  skipped: number;
  skippedNotInterrupted: string[];
  done: number;
  leftovers: Proc[];
}

/** Spawns a run in its own process group and sends the group SIGINT (as a terminal's Ctrl-C) after `afterCells` progress lines' worth of cells. */
export async function interruptRun(argv: string[], afterCells: number): Promise<InterruptResult> {
  const planned = await plannedCells(argv);
  let sentAfter = -1;
  const run = await runCli(
    argv,
    {
      onProgress: (done, _total, pid) => {
        if (sentAfter >= 0 || done < afterCells) return;
        sentAfter = done;
        try {
          process.kill(-pid, 'SIGINT');
        } catch {
          // gone already
        }
      },
    },
    { detached: true },
  );
  const { missing, extra } = compareCells(planned, run.cells);
  const skipped = (run.cells ?? []).filter((c) => c.status === 'skipped');
  return {
    planned: planned.length,
    sentAfter,
    code: run.code,
    signal: run.signal,
    ms: run.ms,
    missing,
    extra,
    skipped: skipped.length,
    skippedNotInterrupted: skipped.filter((c) => !/interrupted/.test(c.error ?? '')).map((c) => c.id),
    done: (run.cells ?? []).length - skipped.length,
    leftovers: run.leftovers,
  };
}

/** The run's verdict on (a) cell: status + the set of (disposition, effectiveDirective, blockedURI). */
export function fingerprint(cell: ReportCell): string {
  const v = [...new Set(cell.violations.map((x) => `${x.disposition} ${x.effectiveDirective} ${x.blockedURI}`))].sort();
  return `${cell.status} | ${v.join(' ; ')}`;
}
