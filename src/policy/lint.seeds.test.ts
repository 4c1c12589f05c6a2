// `lintPolicy` on the vendor policies of the seed documents (/work/shared/seeds/), copied here verbatim
// so the tests stand alone.
import { describe, expect, it } from 'vitest';
import { lintPolicy } from './index.ts';
import { find, NONCE } from './lint.testkit.ts';

// The seed documents' policies, verbatim (header values).
const VELARO_NONCE = `script-src 'nonce-${NONCE}' 'strict-dynamic'; connect-src https://.velaro.com wss://.velaro.com https://app-cdn.velaro.com https://*.service.signalr.net;`;
const VELARO_REPORT_ONLY = "script-src 'nonce-' 'strict-dynamic'; connect-src https://.velaro.com wss://.velaro.com https://app-cdn.velaro.com; report-uri https://your-reporting-endpoint/csp";
const VELARO_HASH = "script-src 'self' 'sha256-HASH_VALUE' 'strict-dynamic';";
const GENESYS_US_EAST_1 = [
  "default-src 'self';",
  "script-src 'self' https://apps.mypurecloud.com;",
  "style-src 'self' 'unsafe-inline' https://apps.mypurecloud.com;",
  "connect-src 'self' wss://webmessaging.mypurecloud.com https://api.mypurecloud.com;",
  "img-src 'self' https://apps.mypurecloud.com data:;",
  "frame-src 'self' https://apps.mypurecloud.com;",
].join(' ');
const GENESYS_NONCE = "script-src 'self' 'nonce-EDN218...';";
const CUSTOMER_IO_US = "script-src cdp.customer.io; connect-src cdp.customer.io *.api.gist.build *.cloud.gist.build; frame-src renderer.gist.build code.gist.build; style-src 'unsafe-inline';";
const CUSTOMER_IO_NONCE = "script-src 'nonce-your-random-nonce-value' cdp.customer.io;";
const PROVIDE_SUPPORT_LAX = 'default-src *; img-src * data:';
const CHARGEBEE_HASHES =
  "script-src 'self' 'sha256-k9v+1rD48p+PyMPVGFijWfgSnkelbj/APH3uJacPuoB0=' 'sha256-0QF6XTN2zxURUBa+L8+AMfQzCALzVVwaW9xEOsMf/X0=' https://analytics.example.com; connect-src 'self' https://api.example.com; img-src 'self' data: https://tracker.example.com;";

describe('seed policies', () => {
  it("Velaro's nonce + 'strict-dynamic' header: the https://.velaro.com and wss://.velaro.com hosts are invalid", () => {
    const findings = lintPolicy(VELARO_NONCE);
    const bad = find(findings, 'CSPH_BAD_HOST', 'connect-src');
    expect(bad.map((f) => f.value)).toEqual(['https://.velaro.com', 'wss://.velaro.com']);
    expect(bad[0]!.severity).toBe('error');
    // The column is the bad host's, just after "https://".
    expect(bad[0]!.message).toMatch(/did you mean "\*\.velaro\.com"\?.*\(column 103\)/);
    expect(VELARO_NONCE.indexOf('https://.velaro.com') + 'https://'.length).toBe(102);
    // csp_evaluator: a nonce needs base-uri, and no object-src is set.
    expect(find(findings, 'CSP_EVALUATOR_MISSING_DIRECTIVES').map((f) => f.directive).sort()).toEqual(['base-uri', 'object-src']);
    // The nonce is a good one, and script-src lists no hosts that 'strict-dynamic' would ignore.
    expect(find(findings, 'CSPH_NONCE_TOO_SHORT')).toEqual([]);
    expect(find(findings, 'CSPH_NONCE_PLACEHOLDER')).toEqual([]);
    expect(find(findings, 'CSPH_STRICT_DYNAMIC_IGNORES_ALLOWLIST')).toEqual([]);
  });

  it("Velaro's Report-Only example: 'nonce-' was never filled in", () => {
    const findings = lintPolicy(VELARO_REPORT_ONLY);
    expect(find(findings, 'CSPH_NONCE_PLACEHOLDER', 'script-src')).toHaveLength(1);
    expect(find(findings, 'CSPH_BAD_NONCE', 'script-src')[0]?.severity).toBe('error');
    expect(find(findings, 'CSP_EVALUATOR_STRICT_DYNAMIC_NOT_STANDALONE', 'script-src')).toHaveLength(1);
    expect(find(findings, 'CSPH_BAD_HOST')).toHaveLength(2);
  });

  it("Velaro's hash example: 'sha256-HASH_VALUE' can never match, and 'self' is ignored next to 'strict-dynamic'", () => {
    const findings = lintPolicy(VELARO_HASH);
    expect(find(findings, 'CSPH_HASH_WRONG_LENGTH', 'script-src')[0]?.value).toBe("'sha256-HASH_VALUE'");
    expect(find(findings, 'CSPH_STRICT_DYNAMIC_IGNORES_ALLOWLIST', 'script-src')[0]?.value).toBe("'self'");
  });

  it("Genesys us-east-1 header: no errors; csp_evaluator's allow-list warnings; nothing overrides default-src 'self'", () => {
    const findings = lintPolicy(GENESYS_US_EAST_1);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(find(findings, 'CSP_EVALUATOR_STRICT_DYNAMIC', 'script-src')).toHaveLength(1);
    expect(find(findings, 'CSP_EVALUATOR_SCRIPT_ALLOWLIST_BYPASS', 'script-src').map((f) => f.value)).toEqual(["'self'", 'https://apps.mypurecloud.com']);
    expect(findings.filter((f) => f.source === 'csp-harness')).toEqual([]);
  });

  it("Genesys's authenticated-messaging nonce 'nonce-EDN218...' is a placeholder", () => {
    expect(find(lintPolicy(GENESYS_NONCE), 'CSPH_NONCE_PLACEHOLDER', 'script-src')).toHaveLength(1);
  });

  it('Customer.io US: object-src is missing; the host allow-list draws warnings, no errors of csp-harness', () => {
    const findings = lintPolicy(CUSTOMER_IO_US);
    expect(find(findings, 'CSP_EVALUATOR_MISSING_DIRECTIVES', 'object-src')[0]?.severity).toBe('error');
    expect(find(findings, 'CSP_EVALUATOR_SCRIPT_ALLOWLIST_BYPASS', 'script-src')[0]?.value).toBe('cdp.customer.io');
    expect(findings.filter((f) => f.source === 'csp-harness')).toEqual([]);
  });

  it("Customer.io's nonce example 'nonce-your-random-nonce-value' is a placeholder", () => {
    expect(find(lintPolicy(CUSTOMER_IO_NONCE), 'CSPH_NONCE_PLACEHOLDER', 'script-src')).toHaveLength(1);
  });

  it("Provide Support's lax fix: '*' is an error for csp_evaluator, and fonts, media and frames get no data:/blob:", () => {
    const findings = lintPolicy(PROVIDE_SUPPORT_LAX);
    expect(find(findings, 'CSP_EVALUATOR_PLAIN_WILDCARD', 'default-src')).toHaveLength(1);
    expect(find(findings, 'CSPH_STAR_EXCLUDES_DATA', 'default-src')[0]?.message).toMatch(/data: URLs for fonts and media/);
    expect(find(findings, 'CSPH_STAR_EXCLUDES_DATA', 'img-src')[0]?.message).toMatch(/blob: URLs for images/);
    expect(find(findings, 'CSPH_OVERRIDES_DEFAULT_SRC')).toEqual([]);
  });

  it("Chargebee's second example: its first hash is 33 bytes and can never match, its second is fine", () => {
    const findings = find(lintPolicy(CHARGEBEE_HASHES), 'CSPH_HASH_WRONG_LENGTH');
    expect(findings.map((f) => f.value)).toEqual(["'sha256-k9v+1rD48p+PyMPVGFijWfgSnkelbj/APH3uJacPuoB0='"]);
  });
});
