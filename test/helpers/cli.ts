// The CLI as a user runs it, in its own process: its exit code and output (never throws on exit ≠ 0).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseReport } from '../../src/reporters/json.ts';
import type { Report } from '../../src/reporters/model.ts';

const exec = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node <bin> …args` with CI=1 and NO_COLOR=1. */
export async function runBin(bin: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec('node', [bin, ...args], { cwd: options.cwd, env: { ...process.env, CI: '1', NO_COLOR: '1' }, maxBuffer: 32 * 1024 * 1024, timeout: options.timeoutMs ?? 600_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `<dir>/report.json`, validated. */
export function readReport(dir: string): Report {
  const parsed = parseReport(readFileSync(join(dir, 'report.json'), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.report;
}
