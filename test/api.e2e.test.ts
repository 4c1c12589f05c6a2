// The programmatic API (issue [12]): README's examples, run as written. Each ```ts block of the
// section "From your own code" is written to a file inside the project (so `import … from
// 'csp-harness'` resolves to this package by its "exports") and run with tsx; what it prints must be
// its `// →` lines. Then what the API does with bad input: the CLI's code and message, thrown.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CspHarnessError, explain, runMatrix, suggest } from '../src/index.ts';
import { runBin } from './helpers/cli.ts';

const ROOT = join(import.meta.dirname, '..');
const DIR = join(ROOT, '.api-examples');

/** The ```ts blocks of README's API section, with the lines each says it prints. */
function examples(): { code: string; expected: string[] }[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### From your own code');
  expect(start, 'README has the API section').toBeGreaterThan(0);
  const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map(([, code]) => ({
    code: code!,
    expected: code!.split('\n').filter((l) => l.startsWith('// → ')).map((l) => l.slice('// → '.length)),
  }));
}

describe('the programmatic API', { timeout: 600_000 }, () => {
  afterAll(() => rmSync(DIR, { recursive: true, force: true }));

  it('runs every README example as written and prints what it says', async () => {
    const blocks = examples();
    expect(blocks.map((b) => b.code.match(/import \{ (\w+) \} from 'csp-harness'/)?.[1])).toEqual(['explain', 'runMatrix', 'suggest']);
    mkdirSync(DIR, { recursive: true });
    for (const [index, block] of blocks.entries()) {
      const file = join(DIR, `example${index + 1}.mts`);
      writeFileSync(file, block.code);
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env: { ...process.env, CI: '1' }, timeout: 300_000 });
      expect(stdout.trimEnd().split('\n'), `README example ${index + 1}`).toEqual(block.expected);
    }
  });

  it('gives the CLI results: runMatrix on a scenario file is the report `run` writes', async () => {
    const scenario = join(ROOT, 'scenarios', 'genesys');
    const viaApi = await runMatrix({ scenarios: [scenario], features: ['icons'], browsers: ['chromium'] });
    const out = join(DIR, 'cli');
    const viaCli = await runBin(join(ROOT, 'bin', 'csp-harness.js'), ['run', scenario, '--feature', 'icons', '--browser', 'chromium', '--reporter', 'json', '--out', out], { cwd: ROOT });
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as typeof viaApi.report;
    expect(viaApi.exitCode).toBe(viaCli.code);
    const verdicts = (r: typeof report) => r.cells.map((c) => [c.id, c.status, c.outcome, c.violations.map((v) => `${v.effectiveDirective} ${v.blockedURI}`).sort()]);
    expect(verdicts(viaApi.report)).toEqual(verdicts(report));
    expect(viaApi.report.cells.length).toBeGreaterThan(0);
  });

  it.each<[string, () => Promise<unknown>, string, RegExp]>([
    ['an unknown vendor', () => runMatrix({ policy: "default-src 'self'", vendors: ['nope'] }), 'CSPH_UNKNOWN_VENDOR', /unknown vendor "nope"/],
    ['explain without a URL', () => explain({ policy: "img-src 'self'", type: 'image' }), 'CSPH_NO_URL', /a image request needs --url/],
    ['an endpoint that does not answer', () => runMatrix({ policy: "default-src 'self'", vendors: ['genesys'], browsers: ['chromium'], connect: { chromium: 'ws://127.0.0.1:9/' } }), 'CSPH_REMOTE_UNREACHABLE', /chromium=ws:\/\/127\.0\.0\.1:9\b.*does not answer/],
    ['a --webdriver engine other than webkit', () => suggest({ vendors: ['genesys'], browsers: ['chromium'], webdriver: { chromium: 'http://127.0.0.1:9' } as never }), 'CSPH_BAD_REMOTE', /webdriver/],
    ['a listen address that is not an IP', () => runMatrix({ policy: "default-src 'self'", vendors: ['genesys'], listen: 'everywhere' }), 'CSPH_BAD_LISTEN', /--listen "everywhere" is not an IP address/],
    ['a malformed policy', () => explain({ policy: "img-src 'self", type: 'image', url: 'https://a.test/x.png' }), 'CSPH_MALFORMED_POLICY', /never closed/],
  ])('throws CspHarnessError for %s, with the CLI code and message', async (_name, call, code, message) => {
    const error = await call().then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(CspHarnessError);
    expect((error as CspHarnessError).code).toBe(code);
    expect((error as CspHarnessError).message).toMatch(message);
  });
});
