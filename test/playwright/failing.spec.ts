// Fails on purpose: test/playwrightFixture.e2e.test.ts reads the matcher's failure message as
// Playwright's reporter prints it.
import { expect, test } from 'csp-harness/playwright';

test('the violating page fails toHaveNoCspViolations (fails on purpose)', async ({ page }) => {
  await page.goto('/violation.html');
  await expect(page).toHaveNoCspViolations();
});
