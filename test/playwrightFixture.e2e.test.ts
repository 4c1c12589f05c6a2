// csp-harness/playwright inside a real Playwright Test run: `npx playwright test` on the suite in
// test/playwright/ (imported by the package's own name), its JSON report read back. In Chromium and
// Firefox (this machine's: Debian chromium, firefox-esr over BiDi) a clean page passes, the violating
// page's matcher fails naming directive, blocked URI and fix; the webkit project, without
// Playwright's own WebKit, fails (or skips) every test naming the install command.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webkit } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONFIG = 'test/playwright/playwright.config.ts';
const BLOCKED_IMAGE = 'https://cdn.example.net/pixel.png';
const RUN_TIMEOUT_MS = 20 * 60_000;

interface JsonResult {
  status: string;
  errors: { message?: string }[];
  annotations?: { type: string; description?: string }[];
}
interface JsonTest {
  projectName: string;
  status: 'expected' | 'unexpected' | 'flaky' | 'skipped';
  annotations: { type: string; description?: string }[];
  results: JsonResult[];
}
interface JsonSpec {
  title: string;
  file: string;
  tests: JsonTest[];
}
interface JsonSuite {
  title: string;
  specs: JsonSpec[];
  suites?: JsonSuite[];
}
interface JsonReport {
  suites: JsonSuite[];
  errors: { message?: string }[];
  stats: { expected: number; unexpected: number; skipped: number; flaky: number };
}

/** One row per test and project. */
interface Row {
  title: string;
  file: string;
  project: string;
  status: JsonTest['status'];
  errors: string;
  annotations: string[];
}

function rows(report: JsonReport): Row[] {
  const out: Row[] = [];
  const walk = (suite: JsonSuite, path: string[]) => {
    for (const spec of suite.specs) {
      for (const t of spec.tests) {
        out.push({
          title: [...path, spec.title].join(' › '),
          file: spec.file,
          project: t.projectName,
          status: t.status,
          errors: t.results.flatMap((r) => r.errors.map((e) => e.message ?? '')).join('\n'),
          annotations: [...t.annotations, ...t.results.flatMap((r) => r.annotations ?? [])].map((a) => `${a.type}: ${a.description ?? ''}`),
        });
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...path, child.title]);
  };
  for (const suite of report.suites) walk(suite, []);
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const strip = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

/** `npx playwright test --config … --reporter json`, the report written to a file (stdout keeps the webServer's lines). */
async function playwrightTest(dir: string, name: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; report: JsonReport; output: string }> {
  const reportFile = join(dir, `${name}.json`);
  const port = await freePort();
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      'npx',
      ['playwright', 'test', '--config', CONFIG, '--reporter', 'json', ...args],
      {
        cwd: ROOT,
        timeout: RUN_TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, ...env, CI: '1', NO_COLOR: '1', CSPH_PW_PORT: String(port), CSPH_PW_OUTPUT: join(dir, `${name}-output`), PLAYWRIGHT_JSON_OUTPUT_NAME: reportFile },
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });
  if (!existsSync(reportFile)) throw new Error(`no JSON report from npx playwright test (exit ${code}):\n${output}`);
  return { code, report: JSON.parse(readFileSync(reportFile, 'utf8')) as JsonReport, output };
}

const webkitInstalled = (() => {
  try {
    return existsSync(webkit.executablePath());
  } catch {
    return false;
  }
})();

describe('csp-harness/playwright in a real Playwright Test run', () => {
  let dir: string;
  let all: Row[] = [];
  let code = 0;
  let report: JsonReport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'csph-pw-e2e-'));
    ({ code, report } = await playwrightTest(dir, 'all', []));
    all = rows(report);
  }, RUN_TIMEOUT_MS + 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const byProject = (project: string) => all.filter((r) => r.project === project);
  const one = (project: string, title: string) => {
    const found = byProject(project).find((r) => r.title.includes(title));
    if (!found) throw new Error(`no test "${title}" in project ${project}: ${byProject(project).map((r) => r.title).join(' | ')}`);
    return found;
  };

  it('loads the suite (the fixture imported by the package name) with no load error, and exits 1 for the test that fails on purpose', () => {
    expect(report.errors.map((e) => strip(e.message ?? ''))).toEqual([]);
    expect(code).toBe(1);
    expect(all.length).toBeGreaterThan(20);
  });

  describe.each(['chromium', 'firefox'])('%s', (project) => {
    it('a clean page passes, and every other test of csp.spec.ts behaves as written', () => {
      const tests = byProject(project).filter((r) => r.file.endsWith('csp.spec.ts'));
      expect(tests.length).toBe(11);
      expect(tests.filter((r) => r.status !== 'expected').map((r) => `${r.title}: ${r.status}\n${strip(r.errors)}`)).toEqual([]);
      expect(one(project, 'a clean page passes').status).toBe('expected');
      expect(one(project, "cspMode: 'fail' › passes a test whose pages are clean").status).toBe('expected');
    });

    it("the violating page's matcher fails, naming each directive, blocked URI and fix", () => {
      const failing = one(project, 'the violating page fails toHaveNoCspViolations');
      expect(failing.status).toBe('unexpected');
      const message = strip(failing.errors);
      expect(message).toContain(`csp-harness: 2 CSP violations on http://127.0.0.1:`);
      expect(message).toContain(`in ${project}`);
      expect(message).toContain(`img-src blocked ${BLOCKED_IMAGE}`);
      expect(message).toContain("fix: img-src 'self' https://cdn.example.net — add https://cdn.example.net to img-src");
      expect(message).toContain('script-src-elem blocked inline');
      expect(message).toMatch(/fix: script-src 'self' 'nonce-cspharness123' 'sha256-[A-Za-z0-9+/=]+' — add 'sha256-/);
    });

    it("cspMode: 'fail' fails a test that left violations, with the same message", () => {
      const failed = one(project, "cspMode: 'fail' › fails a test that left violations");
      // test.fail(): the failure was expected, so the run counts it as expected.
      expect(failed.status).toBe('expected');
      expect(strip(failed.errors)).toContain(`img-src blocked ${BLOCKED_IMAGE}`);
    });

    it('refuses bypassCSP, saying why', () => {
      const refused = one(project, 'bypassCSP › is refused');
      expect(refused.status).toBe('expected');
      expect(strip(refused.errors)).toContain('csp-harness: bypassCSP is on for this test');
    });

    it('says what it could not see: a page without a policy, and (Firefox over BiDi) unreadable reports', () => {
      expect(one(project, 'a page without a policy passes').annotations).toContain(
        'csp-harness: no Content-Security-Policy was seen on any document of this test: nothing could be violated',
      );
      const violating = one(project, 'csp.violations() returns them typed').annotations.filter((a) => a.startsWith('csp-harness: report:'));
      if (project === 'firefox') expect(violating.join('\n')).toContain('could not be read');
      else expect(violating).toEqual([]);
    });
  });

  it(webkitInstalled ? "webkit: Playwright's own WebKit is installed, so the suite behaves as in the others" : 'webkit: without Playwright\'s WebKit every test fails, naming the install command', () => {
    const tests = byProject('webkit');
    expect(tests.length).toBe(12);
    if (webkitInstalled) {
      expect(tests.filter((r) => r.status !== 'expected' && !r.title.includes('fails on purpose')).map((r) => r.title)).toEqual([]);
      return;
    }
    for (const t of tests) {
      // The bypassCSP group is marked test.fail(): its failure, this one too, is the expected outcome.
      expect(t.status, t.title).toBe(t.title.includes('bypassCSP') ? 'expected' : 'unexpected');
      const message = strip(t.errors);
      expect(message).toContain("csp-harness: cannot run the webkit project: Playwright's own WebKit is not installed");
      expect(message).toContain('`npx playwright install webkit`');
    }
  });

  it.skipIf(webkitInstalled)("webkit with cspMissingBrowser: 'skip': every test skipped, the reason naming the install command", async () => {
    const skipped = await playwrightTest(dir, 'webkit-skip', ['--project', 'webkit'], { CSPH_PW_MISSING: 'skip' });
    const tests = rows(skipped.report);
    expect(tests.length).toBe(12);
    expect(skipped.code).toBe(0);
    for (const t of tests) {
      expect(t.status, t.title).toBe('skipped');
      expect(t.annotations.join('\n')).toContain('skip: csp-harness: cannot run the webkit project');
      expect(t.annotations.join('\n')).toContain('`npx playwright install webkit`');
    }
  }, 5 * 60_000);
});
