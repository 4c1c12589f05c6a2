// Every process the harness starts (driver, Xvfb, a browser found under this process) is tracked here
// and killed on close, on process exit and on SIGINT/SIGTERM/SIGHUP: no browser outlives a run.
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

interface Tracked {
  pid: number;
  /** Spawned `detached`: the pid leads its own process group, kill the group. */
  group: boolean;
  label: string;
}

const tracked = new Map<number, Tracked>();
let installed = false;

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
  if (typeof child !== 'number') child.once('exit', () => tracked.delete(pid));
  return pid;
}

export function untrack(pid: number): void {
  tracked.delete(pid);
}

/** Kill one tracked process now (close paths); safe on a pid that is gone. */
export function kill(pid: number): void {
  const t = tracked.get(pid);
  killTree(pid, t?.group ?? false);
  tracked.delete(pid);
}

/** Direct children of this process whose command line contains `needle`, newest last. */
export function childrenMatching(needle: string): number[] {
  return descendantsOf(process.pid).filter((pid) => parentOf(pid) === process.pid && commandLine(pid).includes(needle));
}
