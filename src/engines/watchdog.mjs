// The harness's watchdog (Linux). processes.ts starts it, detached (its own session and process
// group), with a pipe on stdin, and writes one line per change:
//   track <pid> <1 when the pid leads its own process group, else 0>
//   untrack <pid>
// Whatever ends the harness (a normal exit, a signal, SIGKILL from a CI timeout or `timeout -s KILL`),
// the kernel closes the harness's end of the pipe and this process reads EOF. It then kills what is
// still tracked: each pid, the process group it leads, and everything below them (a /proc scan) —
// SIGTERM, then SIGKILL after a grace — and exits. After a normal exit nothing tracked is left alive,
// so it exits at once, silently.
//
// Self-contained on purpose (node builtins only, plain JavaScript): it runs as `node watchdog.mjs`,
// with no TypeScript loader, and must not depend on the harness that it outlives.
import { readdirSync, readFileSync } from 'node:fs';

const GRACE_MS = 2000;
const POLL_MS = 50;
const debug = process.env.CSPH_DEBUG_ENGINES === '1';

/** pid → { pid, group, start }: `start` (clock ticks after boot) tells a pid from a reused one. */
const tracked = new Map();

/** `{ ppid, pgid, start }` of a live process from /proc/<pid>/stat; null when gone or a zombie. */
function stat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // `pid (comm) state ppid pgrp session … starttime(22nd)`: comm may hold spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return null;
  return { ppid: Number(fields[1]), pgid: Number(fields[2]), start: Number(fields[19]) };
}

function allProcesses() {
  const all = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const s = stat(pid);
    if (s) all.set(pid, s);
  }
  return all;
}

/** Everything still alive that the harness started: tracked pids, their groups, their descendants. */
function leftovers() {
  const all = allProcesses();
  const children = new Map();
  for (const [pid, s] of all) {
    const list = children.get(s.ppid) ?? [];
    list.push(pid);
    children.set(s.ppid, list);
  }
  const out = new Map();
  const add = (root) => {
    const queue = [root];
    while (queue.length > 0) {
      const pid = queue.shift();
      if (out.has(pid) || pid === process.pid) continue;
      out.set(pid, all.get(pid).start);
      queue.push(...(children.get(pid) ?? []));
    }
  };
  for (const t of tracked.values()) {
    if (all.get(t.pid)?.start === t.start) add(t.pid);
    // Members of the group it leads, even when the leader (or a process between) is gone already.
    if (t.group) for (const [pid, s] of all) if (s.pgid === t.pid && s.start >= t.start) add(pid);
  }
  return out;
}

function signal(targets, sig) {
  for (const [pid, start] of targets) {
    if (stat(pid)?.start !== start) continue;
    try {
      process.kill(pid, sig);
    } catch {
      // gone meanwhile
    }
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function cleanUp() {
  const first = leftovers();
  if (first.size === 0) process.exit(0);
  if (debug) process.stderr.write(`csp-harness watchdog: the harness is gone; stopping ${[...first.keys()].join(' ')}\n`);
  signal(first, 'SIGTERM');
  const until = Date.now() + GRACE_MS;
  let alive = first;
  while (Date.now() < until) {
    await sleep(POLL_MS);
    alive = new Map([...first].filter(([pid, start]) => stat(pid)?.start === start));
    for (const [pid, start] of leftovers()) alive.set(pid, start);
    if (alive.size === 0) process.exit(0);
  }
  signal(alive, 'SIGKILL');
  // Whatever a dying process started meanwhile.
  await sleep(POLL_MS);
  signal(leftovers(), 'SIGKILL');
  process.exit(0);
}

function onLine(line) {
  const [verb, pidText, groupText] = line.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 1) return;
  if (verb === 'untrack') {
    tracked.delete(pid);
  } else if (verb === 'track') {
    const s = stat(pid);
    if (s) tracked.set(pid, { pid, group: groupText === '1', start: s.start });
  }
}

// Not ours to obey: a terminal's Ctrl-C or hangup is the harness's to handle (it is in another
// session anyway); only EOF on stdin ends the watch.
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);

let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  let end;
  while ((end = buffered.indexOf('\n')) >= 0) {
    onLine(buffered.slice(0, end));
    buffered = buffered.slice(end + 1);
  }
});
let ended = false;
const onEnd = () => {
  if (ended) return;
  ended = true;
  if (buffered) onLine(buffered);
  void cleanUp();
};
process.stdin.on('end', onEnd);
process.stdin.on('error', onEnd);
