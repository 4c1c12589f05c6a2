// Starts a TypeScript fixture in its own node process and waits until it prints READY.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ReadyChild {
  child: ChildProcess;
  /** Resolves with the exit signal or code. */
  exited: Promise<number | string | null>;
  /** What it printed on stderr so far. */
  stderr: () => string;
}

export async function spawnUntilReady(script: string, cwd: string): Promise<ReadyChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  let output = '';
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('READY')) resolve();
    });
    void exited.then(() => reject(new Error(`child exited before READY: ${output.slice(-2000)}`)));
  });
  return { child, exited, stderr: () => output };
}
