// The GitHub Action (issue [12]): action.yml's steps run here as GitHub would run them — each
// `run:` script with bash, its `env:` expressions filled from the inputs, GITHUB_ACTION_PATH,
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY set — in a workspace like a user's repository. Checks the
// files the action produces, its outputs, the step summary, what it uploads, and that the run step
// is the same command as `csp-harness run` given the same arguments by hand (the same verdicts).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readReport, runBin } from './helpers/cli.ts';

const ROOT = join(import.meta.dirname, '..');
const TINY = join(import.meta.dirname, 'fixtures/vendor-dirs/tiny-chat');

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  shell?: string;
  env?: Record<string, string>;
  run?: string;
}
interface Action {
  inputs: Record<string, { default?: string; required?: boolean; description: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;

/** `${{ inputs.x }}` filled from the inputs given, else the action's defaults. */
function fill(text: string, inputs: Record<string, string>): string {
  return text.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_m, name: string) => {
    expect(action.inputs, `input ${name} is declared`).toHaveProperty(name);
    return inputs[name] ?? action.inputs[name]!.default ?? '';
  });
}

async function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('bash', ['-c', script], { cwd, env: { ...process.env, ...env }, maxBuffer: 32 * 1024 * 1024, timeout: 600_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('action.yml', { timeout: 900_000 }, () => {
  it('declares the inputs of the issue, as a composite action', () => {
    expect(Object.keys(action.inputs)).toEqual(['policy-file', 'vendors', 'vendor-dirs', 'site', 'baseline', 'browsers', 'reporters', 'out']);
    expect(action.runs.using).toBe('composite');
    for (const step of action.runs.steps) if (step.run) expect(step.shell, step.name).toBe('bash');
  });

  it('runs its steps: reports written, the matrix in the step summary, the report uploaded, the exit code of the run', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'csph-action-'));
    // Genesys's "broken icons" header (no data: in img-src, no font-src) and a vendor folder's vendor.
    writeFileSync(join(workspace, 'csp.txt'), "default-src 'self'; script-src 'self' https://apps.mypurecloud.com https://widget.tiny.test; img-src 'self'\n");
    const inputs = { 'policy-file': 'csp.txt', vendors: 'genesys,tiny-chat', 'vendor-dirs': TINY, browsers: 'chromium' };
    const env = { GITHUB_ACTION_PATH: ROOT, GITHUB_OUTPUT: join(workspace, 'github-output'), GITHUB_STEP_SUMMARY: join(workspace, 'step-summary.md'), CI: '1' };
    const results = new Map<string, { code: number; stdout: string; stderr: string }>();
    const uploads: Record<string, unknown>[] = [];
    let failed = false;
    for (const step of action.runs.steps) {
      // GitHub runs a step after a failure only with `if: always()` (or failure()).
      if (failed && step.if !== 'always()') continue;
      if (step.uses) {
        if (step.uses.startsWith('actions/upload-artifact@')) uploads.push(Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, fill(String(v), inputs)])));
        continue;
      }
      const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, fill(v, inputs)]));
      const result = await bash(fill(step.run!, inputs), workspace, { ...env, ...stepEnv });
      results.set(step.name ?? '', result);
      if (result.code !== 0) failed = true;
    }

    const run = results.get('Run the matrix')!;
    expect(run.code, run.stderr).toBe(1);
    expect(readFileSync(env.GITHUB_OUTPUT, 'utf8')).toBe('exit-code=1\nreport=csp-report/report.json\n');
    const out = join(workspace, 'csp-report');
    for (const file of ['report.json', 'report.md', 'junit.xml', 'report.html']) expect(existsSync(join(out, file)), file).toBe(true);
    expect(readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toBe(readFileSync(join(out, 'report.md'), 'utf8'));
    expect(uploads).toEqual([{ name: 'csp-report', path: 'csp-report' }]);

    const report = readReport(out);
    const icons = report.cells.find((c) => c.id === 'policy/genesys/icons/chromium');
    expect(icons?.status).toBe('fail');
    expect(report.cells.some((c) => c.vendor === 'tiny-chat')).toBe(true);

    // The same command by hand: the one the step printed, run with the CLI.
    const printed = run.stdout.split('\n').find((l) => l.startsWith('csp-harness run '));
    expect(printed).toBe(`csp-harness run --policy-file csp.txt --vendor genesys,tiny-chat --vendor-dir ${TINY} --browser chromium --reporter terminal,json,junit,markdown,html --out csp-report`);
    const byHand = join(workspace, 'by-hand');
    const cli = await runBin(join(ROOT, 'bin', 'csp-harness.js'), ['run', '--policy-file', 'csp.txt', '--vendor', 'genesys,tiny-chat', '--vendor-dir', TINY, '--browser', 'chromium', '--reporter', 'json', '--out', byHand], { cwd: workspace });
    expect(cli.code).toBe(run.code);
    // Without the query: tiny-chat's config request carries a random session id.
    const verdicts = (r: typeof report) => r.cells.map((c) => [c.id, c.status, c.violations.map((v) => `${v.effectiveDirective} ${v.blockedURI.replace(/\?.*$/, '')}`).sort()]);
    expect(verdicts(readReport(byHand))).toEqual(verdicts(report));
  });

  it('says so in the step summary when the run wrote no report (bad input: exit 2)', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'csph-action-bad-'));
    const env = { GITHUB_ACTION_PATH: ROOT, GITHUB_OUTPUT: join(workspace, 'out'), GITHUB_STEP_SUMMARY: join(workspace, 'summary.md'), INPUT_OUT: 'csp-report', INPUT_POLICY_FILE: 'missing.txt', INPUT_BROWSERS: 'chromium' };
    const run = await bash(`bash "${join(ROOT, 'scripts/action/run.sh')}"`, workspace, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/missing\.txt/);
    const summary = await bash(`bash "${join(ROOT, 'scripts/action/summary.sh')}"`, workspace, env);
    expect(summary.code).toBe(0);
    expect(readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toBe("csp-harness wrote no report.md in csp-report: see the run step's log.\n");
  });
});
