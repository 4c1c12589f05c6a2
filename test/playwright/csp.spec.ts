// The fixture against real pages (server.mjs): a clean one passes, a violating one fails the matcher
// with each violation's directive, blocked URI and smallest fix. Run in every project of the config.
import { expect, test, type CspViolation } from 'csp-harness/playwright';

const BLOCKED_IMAGE = 'https://cdn.example.net/pixel.png';

/** The matcher's error on a page, or null when it passed. */
async function matcherError(run: () => Promise<void>): Promise<Error | null> {
  return run().then(
    () => null,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
}

test('a clean page passes', async ({ page, csp }) => {
  await page.goto('/clean.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'yes');
  await expect(page).toHaveNoCspViolations();
  expect(await csp.violations()).toEqual([]);
  expect(csp.policies().map((p) => [p.source, p.disposition])).toEqual([['header', 'enforce']]);
});

test('the matcher names directive, blocked URI and fix of each violation', async ({ page }) => {
  await page.goto('/violation.html');
  const error = await matcherError(() => expect(page).toHaveNoCspViolations());
  expect(error, 'the matcher fails').not.toBeNull();
  const message = error!.message;
  expect(message).toContain('2 CSP violations on http://127.0.0.1:');
  expect(message).toContain(`img-src blocked ${BLOCKED_IMAGE}`);
  expect(message).toContain("fix: img-src 'self' https://cdn.example.net — add https://cdn.example.net to img-src");
  expect(message).toContain('script-src-elem blocked inline');
  expect(message).toMatch(/fix: script-src 'self' 'nonce-cspharness123' 'sha256-[A-Za-z0-9+/=]+'/);
});

test('csp.violations() returns them typed', async ({ page, csp }) => {
  await page.goto('/violation.html');
  const violations: CspViolation[] = await csp.violations();
  expect(violations.map((v) => [v.disposition, v.effectiveDirective, v.blockedURI, v.kind])).toEqual([
    ['enforce', 'img-src', BLOCKED_IMAGE, 'url'],
    ['enforce', 'script-src-elem', 'inline', 'inline'],
  ]);
  const [image, inline] = violations;
  expect(image!.documentURL).toMatch(/\/violation\.html$/);
  expect(image!.fix).toMatchObject({ directive: 'img-src', add: 'https://cdn.example.net', result: "img-src 'self' https://cdn.example.net" });
  expect(image!.signals).toContain('event');
  expect(inline!.fix?.directive).toBe('script-src');
  expect(inline!.fix?.add).toMatch(/^'sha256-[A-Za-z0-9+/=]+'$/);
});

test('allow tolerates what the test names, and nothing else', async ({ page }) => {
  await page.goto('/violation.html');
  await expect(page).toHaveNoCspViolations({ allow: ['https://cdn.example.net', { directive: 'script-src', blockedURI: 'inline' }] });
  await expect(page).toHaveNoCspViolations({ allow: [(v) => v.effectiveDirective === 'img-src', /^inline$/] });
  await expect(page).not.toHaveNoCspViolations({ allow: ['img-src'] });
});

test.describe('cspAllow', () => {
  test.use({ cspAllow: ['img-src', 'script-src'] });
  test('applies to every check of the test', async ({ page }) => {
    await page.goto('/violation.html');
    await expect(page).toHaveNoCspViolations();
  });
});

test('a policy delivered by <meta>: the fix extends it', async ({ page, csp }) => {
  await page.goto('/meta-policy.html');
  const violations = await csp.violations();
  expect(violations.map((v) => [v.effectiveDirective, v.blockedURI])).toEqual([['img-src', BLOCKED_IMAGE]]);
  expect(violations[0]!.fix?.result).toBe("img-src 'self' data: https://cdn.example.net");
  expect(csp.policies().map((p) => p.source)).toEqual(['meta']);
});

test('says which channels it read', async ({ page, csp, browserName, channel }) => {
  await page.goto('/violation.html');
  const violations = await csp.violations();
  const signals = Object.fromEntries(csp.signals().map((s) => [s.signal, s]));
  expect(signals.event?.collected).toBe(true);
  const bidi = browserName === 'firefox' && channel === 'moz-firefox';
  // Playwright over WebDriver BiDi gives no request body: the report goes on to the server, unread — and the fixture says so.
  expect(signals.report?.collected).toBe(!bidi);
  if (bidi) expect(signals.report?.note).toContain('could not be read');
  const image = violations.find((v) => v.effectiveDirective === 'img-src')!;
  expect(image.signals).toEqual(
    browserName === 'chromium' ? ['console', 'event', 'report'] : bidi ? ['pageerror', 'event'] : expect.arrayContaining(['event', 'report']),
  );
});

test('a page without a policy passes, and the test is annotated', async ({ page }) => {
  await page.goto('/no-policy.html');
  await expect(page).toHaveNoCspViolations();
});

test.describe("cspMode: 'fail'", () => {
  test.use({ cspMode: 'fail' });
  test('fails a test that left violations (expected to fail)', async ({ page }) => {
    test.fail();
    await page.goto('/violation.html');
  });
  test('passes a test whose pages are clean', async ({ page }) => {
    await page.goto('/clean.html');
  });
});

test.describe('bypassCSP', () => {
  test.use({ bypassCSP: true });
  test.fail(true, 'the fixture refuses a context that ignores the page policy');
  test('is refused: nothing could be violated (expected to fail)', async ({ page }) => {
    await page.goto('/violation.html');
  });
});
