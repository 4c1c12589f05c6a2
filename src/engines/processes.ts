// Every process the harness starts (driver, Xvfb, a browser found under this process) is tracked here
// and killed on close, on process exit and on SIGINT/SIGTERM/SIGHUP: no browser outlives a run.
// SIGKILL gives no process a last word, so a watchdog (watchdog.mjs) is told of every pid too: it
// outlives the harness and kills what is left when the harness is gone, however it died.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

interface Tracked {
  pid: number;
  /** Spawned `detached`: the pid leads its own process group, kill the group. */
  group: boolean;
  label: string;
}

const tracked = new Map<number, Tracked>();
let installed = false;

const WATCHDOG_SCRIPT = fileURLToPath(new URL('./watchdog.mjs', import.meta.url));
/** `undefined`: none running (not started yet, or gone); `null`: none wanted (not Linux, CSPH_NO_WATCHDOG=1). */
let watchdog: ChildProcess | null | undefined;

/**
 * Starts the watchdog: one small node process, detached (its own session, so neither the terminal's
 * Ctrl-C nor a kill of the harness's process group reaches it), reading pids on a pipe. EOF on that
 * pipe means the harness is gone, whatever the signal. Linux only: it reads /proc; elsewhere there is
 * none, and a SIGKILLed harness may leave browsers behind. `CSPH_NO_WATCHDOG=1` turns it off, only
 * to show that test/sigkill.e2e.test.ts fails without it.
 */
function startWatchdog(): ChildProcess | null {
  if (process.platform !== 'linux' || process.env.CSPH_NO_WATCHDOG === '1') return null;
  const env = { ...process.env };
  // The harness's loader flags (tsx) are not needed by a plain .mjs: start it lean.
  delete env.NODE_OPTIONS;
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [WATCHDOG_SCRIPT], {
      detached: true,
      cwd: '/',
      env,
      stdio: ['pipe', 'ignore', env.CSPH_DEBUG_ENGINES === '1' ? 'inherit' : 'ignore'],
    });
  } catch {
    return null;
  }
  // Gone (it failed to start, or someone killed it): the next change starts another.
  const gone = () => {
    if (watchdog === child) watchdog = undefined;
  };
  child.once('error', gone);
  child.once('exit', gone);
  child.stdin?.on('error', () => undefined);
  // Neither the process nor its pipe keeps the harness alive; the pipe closes when the harness exits.
  child.unref();
  (child.stdin as Socket | null)?.unref();
  return child;
}

/** One line to the watchdog (written at once: a small write to an empty pipe does not wait). */
function tell(line: string): void {
  if (watchdog === undefined) {
    watchdog = startWatchdog();
    // A new watchdog (the first, or one after its predecessor died) learns everything tracked so far.
    for (const t of tracked.values()) write(`track ${t.pid} ${t.group ? 1 : 0}`);
  }
  write(line);
}

function write(line: string): void {
  const stdin = watchdog?.stdin;
  if (!stdin || stdin.destroyed || !stdin.writable) return;
  stdin.write(`${line}\n`);
}

/** Parent pid of a process, from /proc (Linux); null when it is gone. */
export function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return null;
  }
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

export function isAlive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/s.test(state);
  } catch {
    return false;
  }
}

/** All live processes below `root` (children, grandchildren …), by a scan of /proc. */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const parent = parentOf(pid);
    if (parent === null) continue;
    const list = children.get(parent) ?? [];
    list.push(pid);
    children.set(parent, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    for (const child of children.get(pid) ?? []) {
      if (isAlive(child)) out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** SIGKILLs a process, its group when it leads one, and everything below it. Synchronous. */
function killTree(pid: number, group = false): void {
  const below = descendantsOf(pid);
  if (group) signal(-pid, 'SIGKILL');
  signal(pid, 'SIGKILL');
  for (const child of below) signal(child, 'SIGKILL');
}

function killAll(): void {
  for (const t of [...tracked.values()].reverse()) killTree(t.pid, t.group);
  tracked.clear();
}

function onSignal(sig: NodeJS.Signals): void {
  killAll();
  process.removeListener(sig, onSignal);
  // Nobody else handles it: behave as if we had not been listening (exit by the signal).
  if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
}

/** Kill this process (and its group / descendants) when the harness exits or is interrupted. */
export function track(child: ChildProcess | number, label: string, group = false): number | null {
  const pid = typeof child === 'number' ? child : child.pid;
  if (pid === undefined) return null;
  install();
  tracked.set(pid, { pid, group, label });
  tell(`track ${pid} ${group ? 1 : 0}`);
  if (typeof child !== 'number') child.once('exit', () => untrack(pid));
  return pid;
}

export function untrack(pid: number): void {
  if (tracked.delete(pid)) tell(`untrack ${pid}`);
}

/** Kill one tracked process now (close paths); safe on a pid that is gone. */
export function kill(pid: number): void {
  const t = tracked.get(pid);
  killTree(pid, t?.group ?? false);
  untrack(pid);
}

/** Direct children of this process whose command line contains `needle`, newest last. */
export function childrenMatching(needle: string): number[] {
  return descendantsOf(process.pid).filter((pid) => parentOf(pid) === process.pid && pid !== watchdog?.pid && commandLine(pid).includes(needle));
}
