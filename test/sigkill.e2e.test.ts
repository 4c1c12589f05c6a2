// No orphans, even on SIGKILL (issue [10]): a harness that launched all three engines is SIGKILLed (a CI
// job timeout, `timeout -s KILL`); nothing it started may outlive it — browsers, their content
// processes, WebKitWebDriver, Xvfb, and the watchdog itself once done. SIGKILL cannot be caught: the
// watchdog (src/engines/watchdog.mjs) does it. `CSPH_NO_WATCHDOG=1 npx vitest run test/sigkill.e2e.test.ts`
// shows this test failing without it (Firefox, WebKitWebDriver, MiniBrowser and Xvfb are left).
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { commandLine, descendantsOf, isAlive } from '../src/engines/processes.ts';
import { spawnUntilReady } from './helpers/readyChild.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/engines/sigint-child.ts', import.meta.url));

let started: number[] = [];

afterEach(() => {
  // Whatever is left (a failing run) is not left for the next test or the machine.
  for (const pid of started) {
    try {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  started = [];
});

describe('cleanup', () => {
  it('leaves nothing behind when the harness is SIGKILLed', async () => {
    const { child, exited } = await spawnUntilReady(CHILD, ROOT);
    const below = descendantsOf(child.pid!);
    // Firefox's crash helper leaves the tree (parent 1, a session of its own) and names the pid it serves.
    const helpers = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((pid) => below.some((served) => `${commandLine(pid)} `.includes(`crashhelper ${served} `)));
    started = [...below, ...helpers];
    const names = new Map(started.map((pid) => [pid, commandLine(pid).slice(0, 100)]));
    for (const needle of ['chromium', 'firefox', 'MiniBrowser', 'WebKitWebDriver', 'Xvfb']) {
      expect([...names.values()].some((n) => n.includes(needle)), `${needle} among the child's processes`).toBe(true);
    }

    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const until = Date.now() + 15_000;
    let alive = started.filter(isAlive);
    while (alive.length > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      alive = started.filter(isAlive);
    }
    expect(alive.map((pid) => `${pid} ${names.get(pid)}`)).toEqual([]);
  }, 240_000);
});
