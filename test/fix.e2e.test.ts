// `csp-harness run --fix` end to end, in the three real engines: the Genesys broken-icons scenario and
// the Provide Support `default-src *` trap repaired (exit 0, fixed-policy.txt, a plain run of it passes),
// and a cell no source can fix reported as such (exit 1).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReport, runBin } from './helpers/cli.ts';

const cli = (...args: string[]) => runBin(CLI, args, { cwd: ROOT });
const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'csp-harness.js');
const OUT = mkdtempSync(join(tmpdir(), 'csph-fix-'));
const BROWSERS = 'chromium,firefox,webkit';

/** The directive's values in a policy text. */
function directive(policy: string, name: string): string[] {
  const piece = policy.split(';').map((p) => p.trim().split(/\s+/)).find((t) => t[0] === name);
  return piece ? piece.slice(1) : [];
}

const TRAP = "default-src *; img-src * data:; connect-src 'self'";

describe('csp-harness run --fix', { timeout: 900_000 }, () => {
  it('repairs the Genesys broken-icons scenario (no data: in img-src, no font-src) in every engine', async () => {
    const out = join(OUT, 'genesys');
    const fixed = await cli('run', 'scenarios/genesys/broken-icons.json', '--fix', '--browser', BROWSERS, '--reporter', 'terminal,json', '--out', out);
    expect(fixed.code, fixed.stderr).toBe(0);
    const policy = readFileSync(join(out, 'fixed-policy.txt'), 'utf8').trim();
    expect(directive(policy, 'img-src')).toContain('data:');
    expect(directive(policy, 'font-src')).toEqual(["'self'", 'data:']);
    expect(fixed.stdout).toContain(`Fixed policy:\n  ${policy}`);
    expect(fixed.stdout).toMatch(/img-src\s+\+ data:/);
    expect(fixed.stdout).toMatch(/font-src data:\s+← genesys-broken-icons\/genesys\/icons\[embed=self\] \((chromium|firefox|webkit)/);
    const report = readReport(out);
    expect(report.cells.map((c) => [c.id, c.status])).toEqual(report.cells.map((c) => [c.id, 'pass']));
    expect(report.policies[0]?.value.trim()).toBe(policy);

    const again = await cli('run', '--policy-file', join(out, 'fixed-policy.txt'), '--vendor', 'genesys', '--feature', 'icons', '--param', 'embed=self', '--browser', BROWSERS, '--reporter', 'json', '--out', join(out, 'verify'));
    expect(again.code, again.stderr).toBe(0);
    expect(readReport(join(out, 'verify')).cells.length).toBe(3);
  });

  it("repairs the Provide Support trap: default-src * overridden by connect-src 'self'", async () => {
    const out = join(OUT, 'provide-support');
    const args = ['--vendor', 'provide-support', '--param', 'embed=external', '--feature', 'connect,messages,files,sounds', '--browser', BROWSERS, '--reporter', 'json'];
    const fixed = await cli('run', '--policy', TRAP, '--fix', ...args, '--out', out);
    expect(fixed.code, fixed.stderr).toBe(0);
    const policy = readFileSync(join(out, 'fixed-policy.txt'), 'utf8').trim();
    // The engines' evidence: the https: API and the wss: socket, each by its own scheme.
    expect(directive(policy, 'connect-src')).toEqual(expect.arrayContaining(["'self'", 'https://chat1.providesupport.com', 'wss://chat1.providesupport.com']));
    expect(directive(policy, 'default-src')).toEqual(['*']);
    expect(fixed.stdout).toMatch(/connect-src\s+\+ https:\/\/chat1\.providesupport\.com wss:\/\/chat1\.providesupport\.com|connect-src\s+\+ wss:\/\/chat1\.providesupport\.com https:\/\/chat1\.providesupport\.com/);
    expect(readReport(out).cells.every((c) => c.status === 'pass')).toBe(true);

    const again = await cli('run', '--policy', policy, ...args, '--out', join(out, 'verify'));
    expect(again.code, again.stderr).toBe(0);
  });

  it('exits 1 and names the cells it could not fix (inline attributes need the page changed, not a source)', async () => {
    const out = join(OUT, 'unfixable');
    const result = await cli('run', '--policy', TRAP, '--fix', '--vendor', 'provide-support', '--param', 'embed=external', '--feature', 'button,connect', '--browser', 'chromium', '--reporter', 'json', '--out', out);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/--fix could not make every cell pass; 1 cell still fails:\n {2}policy\/provide-support\/button\/chromium: .*style-src-attr blocked inline.*: no source allows that/);
    const remaining = result.stderr.slice(result.stderr.indexOf('still fails:'), result.stderr.indexOf('the policy with the fixes'));
    expect(remaining).not.toContain('policy/provide-support/connect/chromium');
    // What did work is kept: the connect cell's source.
    expect(directive(readFileSync(join(out, 'fixed-policy.txt'), 'utf8'), 'connect-src')).toContain('https://chat1.providesupport.com');
    const report = readReport(out);
    expect(report.cells.find((c) => c.feature === 'connect')?.status).toBe('pass');
    expect(report.cells.find((c) => c.feature === 'button')?.status).toBe('fail');
  });
});
