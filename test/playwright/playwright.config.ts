// The Playwright Test suite of csp-harness/playwright, run by test/playwrightFixture.e2e.test.ts:
//   npx playwright test --config test/playwright/playwright.config.ts
// It imports the fixture by the package's own name, as a user's suite does.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cspProjects, defineConfig, type CspTestOptions, type CspWorkerOptions } from 'csp-harness/playwright';

const port = Number(process.env.CSPH_PW_PORT ?? 4873);

export default defineConfig<CspTestOptions, CspWorkerOptions>({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: process.env.CSPH_PW_OUTPUT ?? join(tmpdir(), 'csp-harness-playwright-results'),
  // A 2-core machine that runs other browsers too: one browser at a time, generous timeouts.
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  retries: 0,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // The e2e test runs the webkit project once more with 'skip' to see both ways a missing browser is said.
    cspMissingBrowser: process.env.CSPH_PW_MISSING === 'skip' ? 'skip' : 'fail',
  },
  webServer: {
    command: `node server.mjs --port ${port}`,
    cwd: import.meta.dirname,
    url: `http://127.0.0.1:${port}/clean.html`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
  projects: cspProjects(),
});
