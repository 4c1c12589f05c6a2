// The harness's own X server for WebKitGTK: started on a free display (Xvfb picks it: -displayfd),
// shared by the WebKit sessions of this process, stopped when the last one lets go.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { kill, track } from './processes.ts';
import { EngineError } from './types.ts';

const XVFB = '/usr/bin/Xvfb';

export interface Display {
  /** `:N` */
  name: string;
  release(): Promise<void>;
}

interface Running {
  process: ChildProcess;
  pid: number;
  name: string;
  users: number;
}

let running: Running | null = null;
let starting: Promise<Running> | null = null;

export function xvfbAvailable(): boolean {
  return existsSync(XVFB);
}

function start(): Promise<Running> {
  return new Promise<Running>((resolve, reject) => {
    const child = spawn(XVFB, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp', '-noreset'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    let errors = '';
    const timer = setTimeout(() => fail(new EngineError('CSPH_ENGINE_LAUNCH', 'csp-harness: Xvfb did not report a display within 5 s')), 5000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      if (child.pid !== undefined) kill(child.pid);
      reject(error);
    };
    child.once('error', (error) => fail(new EngineError('CSPH_ENGINE_LAUNCH', `csp-harness: could not start Xvfb (${error.message}); install it: sudo apt-get install -y xvfb`)));
    child.once('exit', (code) => fail(new EngineError('CSPH_ENGINE_LAUNCH', `csp-harness: Xvfb exited (${code}) before giving a display: ${errors.trim().slice(-300)}`)));
    child.stderr?.on('data', (d: Buffer) => (errors += d.toString()));
    const fd = child.stdio[3] as NodeJS.ReadableStream | null;
    fd?.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /^(\d+)\n/.exec(output);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const pid = track(child, 'Xvfb', true)!;
      child.unref();
      (child.stderr as { unref?: () => void } | null)?.unref?.();
      (fd as { unref?: () => void }).unref?.();
      resolve({ process: child, pid, name: `:${m[1]}`, users: 0 });
    });
  });
}

/** A display for one user; `release()` stops Xvfb after its last user. */
export async function acquireDisplay(): Promise<Display> {
  if (!running || running.process.exitCode !== null || running.process.signalCode !== null) {
    running = null;
    starting ??= start().finally(() => (starting = null));
    running = await starting;
  }
  const current = running;
  current.users += 1;
  let released = false;
  return {
    name: current.name,
    release: async () => {
      if (released) return;
      released = true;
      current.users -= 1;
      if (current.users > 0) return;
      if (running === current) running = null;
      kill(current.pid);
    },
  };
}
