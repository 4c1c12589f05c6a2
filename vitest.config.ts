import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Playwright Test's own suite (run by test/playwrightFixture.e2e.test.ts through `npx playwright test`), never vitest's.
    exclude: [...configDefaults.exclude, 'test/playwright/**', '**/*.spec.ts'],
    testTimeout: 30_000,
    reporters: ['default', './test/summaryReporter.ts'],
  },
});
