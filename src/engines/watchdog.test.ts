// The watchdog (watchdog.mjs, started by processes.ts) with stand-in processes (`sh`, `sleep`), no
// browser: a stand-in harness (test/fixtures/engines/track-child.ts) tracks them and is SIGKILLed.
// test/sigkill.e2e.test.ts does the same with the three real engines.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { commandLine, descendantsOf, isAlive } from './processes.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../test/fixtures/engines/track-child.ts', import.meta.url));

interface Started {
  child: ChildProcess;
  pids: { group: number[]; plain: number; released: number };
  watchdog: number[];
  stderr: () => string;
  exited: Promise<number | string | null>;
}

const toClean: number[] = [];

afterEach(() => {
  for (const pid of toClean.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

async function start(env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')));
    });
    void exited.then(() => reject(new Error(`the stand-in harness exited early: ${stderr.slice(-2000)}`)));
  });
  const pids = JSON.parse(line) as Started['pids'];
  toClean.push(...pids.group, pids.plain, pids.released);
  const watchdog = descendantsOf(child.pid!).filter((pid) => commandLine(pid).includes('watchdog.mjs'));
  toClean.push(...watchdog);
  return { child, pids, watchdog, stderr: () => stderr, exited };
}

/** Polls until every pid is gone (true), or the time is up (false). */
async function allGone(pids: number[], ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (pids.some(isAlive)) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

describe.runIf(process.platform === 'linux')('the watchdog', () => {
  it('kills every tracked process, its group and its descendants when the harness is SIGKILLed', async () => {
    const { child, pids, watchdog, exited } = await start();
    expect(watchdog, 'one watchdog below the harness').toHaveLength(1);
    child.kill('SIGKILL');
    await exited;
    const ours = [...pids.group, pids.plain];
    expect(await allGone(ours, 10_000), `left: ${ours.filter(isAlive).map((pid) => `${pid} ${commandLine(pid)}`).join(', ')}`).toBe(true);
    // What the harness let go of is not the watchdog's, and the watchdog is gone once done.
    expect(isAlive(pids.released)).toBe(true);
    expect(await allGone(watchdog, 5000), 'the watchdog exits').toBe(true);
  }, 30_000);

  it('is off with CSPH_NO_WATCHDOG=1: then a SIGKILLed harness leaves its processes behind', async () => {
    const { child, pids, watchdog, exited } = await start({ CSPH_NO_WATCHDOG: '1' });
    expect(watchdog).toEqual([]);
    child.kill('SIGKILL');
    await exited;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect([...pids.group, pids.plain].filter(isAlive)).toHaveLength(pids.group.length + 1);
  }, 30_000);

  it('exits quietly after a normal exit, and does not keep the harness alive', async () => {
    const { child, pids, watchdog, exited, stderr } = await start({}, ['exit']);
    expect(watchdog).toHaveLength(1);
    child.stdin!.write('go\n');
    expect(await exited).toBe(0);
    expect(stderr()).toBe('');
    expect(await allGone(watchdog, 3000), 'the watchdog exits').toBe(true);
    expect(await allGone([...pids.group, pids.plain], 1000)).toBe(true);
    expect(isAlive(pids.released)).toBe(true);
  }, 30_000);
});
