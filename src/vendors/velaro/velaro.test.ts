import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check, parsePolicyList, REQUEST_TYPES } from '../../policy/index.ts';
import { inlineHash } from '../../site/placeholders.ts';
import velaro, { VELARO_EMBED_URL, VELARO_ICON_URL, VELARO_SNIPPET } from './index.ts';
import { echoes, firstBlocked, fixtureFileFor, PAGE_ORIGIN, pageOf, requestsOf, serves } from '../vendor.testkit.ts';


const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FEATURES = ['widget', 'realtime', 'api', 'styles', 'fonts', 'images', 'sounds', 'calendly'];
const FORMS = ['external', 'inline', 'self'] as const;


describe('velaro catalog entry', () => {
  it('has the contract ids, features and params', () => {
    expect(velaro.id).toBe('velaro');
    expect(velaro.features.map((f) => f.id)).toEqual(FEATURES);
    expect(velaro.params.map((p) => p.key)).toEqual(['embed', 'signalr', 'widgetVersion', 'nonceOnTag']);
    expect(velaro.params.find((p) => p.key === 'embed')?.default).toBe('external');
    for (const p of velaro.params) expect(p.values).toContain(p.default);
    expect(velaro.seed).toBe('001_1abeb4a377821cb3.txt');
  });

  it('keeps the seed policies verbatim, bugs included', () => {
    const byId = Object.fromEntries(velaro.documentedPolicies.map((p) => [p.id, p]));
    expect(Object.keys(byId)).toEqual(['velaro-allowlist', 'velaro-nonce-aspnet', 'velaro-nonce', 'velaro-hash', 'velaro-report-only']);
    expect(byId['velaro-allowlist']?.value).toBe("script-src 'self' https://app-cdn.velaro.com;");
    expect(byId['velaro-nonce-aspnet']?.value).toBe(
      "script-src 'nonce-{{nonce}}' 'strict-dynamic'; connect-src https://.velaro.com wss://.velaro.com https://app-cdn.velaro.com https://*.service.signalr.net;",
    );
    expect(byId['velaro-nonce']?.value).toBe("script-src 'nonce-{{nonce}}' 'strict-dynamic'; connect-src https://.velaro.com wss://.velaro.com https://app-cdn.velaro.com;");
    expect(byId['velaro-hash']?.value).toBe("script-src 'self' 'sha256-HASH_VALUE' 'strict-dynamic';");
    expect(byId['velaro-hash']?.params.embed).toBe('inline');
    expect(byId['velaro-report-only']?.delivery).toBe('report-only');
    // The lost '*': the parser reports the two invalid host sources.
    const parsed = parsePolicyList(byId['velaro-nonce']!.value!.replaceAll('{{nonce}}', 'csphTestNonce000000000000'), { disposition: 'enforce', source: 'header' });
    expect(parsed.diagnostics.filter((d) => d.severity === 'error').map((d) => d.token)).toEqual(['https://.velaro.com', 'wss://.velaro.com']);
    // Every documented policy's seed line exists.
    for (const p of velaro.documentedPolicies) expect(p.seedRef).toMatch(/^001_1abeb4a377821cb3\.txt:\d+$/);
  });
});

describe.each(FEATURES)('velaro %s', (feature) => {
  it.each(FORMS)('embed=%s: the page is well formed, with the cell marker and the embed', (embed) => {
    const page = pageOf(velaro, feature, { embed }, { nonce: false });
    expect(page.body).toContain(`data-vendor="velaro" data-feature="${feature}"`);
    expect(page.body).not.toContain('nonce=');
    expect((page.body.match(/<script/g) ?? []).length).toBe(1);
    expect((page.body.match(/<\/script>/g) ?? []).length).toBe(1);
    if (embed === 'external') expect(page.body).toContain(`<script src="${VELARO_EMBED_URL}"></script>`);
    if (embed === 'inline') expect(page.inlineScripts).toEqual([VELARO_SNIPPET]);
    else expect(page.inlineScripts).toEqual([]);
    if (embed === 'self') expect(page.files?.['velaro-embed.js']?.body).toBe(VELARO_SNIPPET);
    // No inline <style> block on the page (the page has inline scripts only: VendorPage.inlineScripts).
    expect(page.body).not.toMatch(/<style/i);
  });

  it.each(FORMS)('embed=%s: the nonce goes on the embed tag only', (embed) => {
    const page = pageOf(velaro, feature, { embed }, { nonce: true });
    expect(page.body.match(/nonce="\{\{nonce\}\}"/g)).toHaveLength(1);
    expect(page.body).toMatch(/<script[^>]* nonce="\{\{nonce\}\}">/);
  });

  it.each(FORMS)('embed=%s: every request parses, is a known type and has a host route', (embed) => {
    for (const signalr of ['velaro', 'azure']) {
      const requests = requestsOf(velaro, feature, { embed, signalr }, { nonce: true });
      expect(requests.length).toBeGreaterThan(0);
      for (const r of requests) {
        expect(REQUEST_TYPES).toContain(r.type);
        if (r.type === 'inline-script' || r.type === 'inline-style' || r.type === 'style-attr') {
          expect(r.content).toBeTruthy();
          continue;
        }
        const url = new URL(r.url);
        if (url.protocol === 'data:' || url.protocol === 'blob:' || url.origin === PAGE_ORIGIN) continue;
        expect(serves(velaro, url.hostname), r.url).toBe(true);
        if (r.type === 'websocket') expect(echoes(velaro, url.hostname), r.url).toBe(true);
      }
      // Every feature loads the trust chain embed → shim.js → frame.js.
      const scripts = requests.filter((r) => r.type === 'script').map((r) => r.url);
      expect(scripts.slice(-2)).toEqual(['https://app-cdn.velaro.com/shim.js', 'https://app-cdn.velaro.com/frame.js']);
    }
  });

  it('GET requests to vendor hosts are served by fixture files', () => {
    for (const r of requestsOf(velaro, feature, {}, { nonce: false })) {
      if (!['script', 'style', 'font', 'image', 'media', 'frame'].includes(r.type)) continue;
      const url = new URL(r.url);
      if (url.protocol !== 'https:' || url.origin === PAGE_ORIGIN) continue;
      const file = fixtureFileFor(velaro, r.url);
      expect(file, r.url).toBeDefined();
      expect(existsSync(join(root, 'fixtures', file!)), r.url).toBe(true);
    }
  });
});

describe('velaro embed nonce parameter', () => {
  it.each([
    ['policy', true, true],
    ['policy', false, false],
    ['missing', true, false],
    ['fresh', false, true],
  ] as const)('nonceOnTag=%s with a policy nonce %s: tag nonced %s', (nonceOnTag, nonce, tagged) => {
    const page = pageOf(velaro, 'widget', { nonceOnTag }, { nonce });
    expect(page.body.includes('nonce="{{nonce}}"')).toBe(tagged);
    expect(requestsOf(velaro, 'widget', { nonceOnTag }, { nonce })[0]?.nonced).toBe(tagged);
  });

  it('rejects unknown features and parameter values', () => {
    expect(() => pageOf(velaro, 'video', {}, { nonce: false })).toThrow(/unknown feature/);
    expect(() => pageOf(velaro, 'widget', { signalr: 'pusher' }, { nonce: false })).toThrow(/not a value of signalr/);
    expect(() => requestsOf(velaro, 'video', {}, { nonce: false })).toThrow(/unknown feature/);
    expect(() => requestsOf(velaro, 'widget', { signalr: 'pusher' }, { nonce: false })).toThrow(/not a value of signalr/);
  });
});

describe('velaro requests against the spec oracle', () => {
  const oracle = (value: string, feature: string, params: Record<string, string>, nonce: boolean) => {
    const blockedRequest = firstBlocked(value, requestsOf(velaro, feature, params, { nonce }));
    return { allowed: blockedRequest === null, blockedRequest };
  };

  it("the strict-dynamic chain is allowed by the nonce on the embed tag alone", () => {
    expect(oracle("script-src 'nonce-{{nonce}}' 'strict-dynamic'", 'widget', {}, true).allowed).toBe(true);
    expect(oracle("script-src 'nonce-{{nonce}}'", 'widget', {}, true).blockedRequest?.url).toBe('https://app-cdn.velaro.com/shim.js');
  });

  it("the seed's nonce header refuses the *.velaro.com connections", () => {
    const seed = velaro.documentedPolicies.find((p) => p.id === 'velaro-nonce')!.value!;
    expect(oracle(seed, 'widget', {}, true).allowed).toBe(true);
    expect(oracle(seed, 'realtime', {}, true).blockedRequest?.url).toMatch(/^https:\/\/signalr-engagement-us-east\.velaro\.com\//);
    expect(oracle(seed, 'api', {}, true).allowed).toBe(false);
  });

  it('CSP3 lets https://*.service.signalr.net match the Azure wss: socket (Chromium and Firefox refuse it: scenario velaro-nonce-corrected-azure)', () => {
    const value = "script-src 'nonce-{{nonce}}' 'strict-dynamic'; connect-src https://*.velaro.com wss://*.velaro.com https://*.service.signalr.net";
    expect(oracle(value, 'realtime', { signalr: 'azure' }, true).allowed).toBe(true);
  });

  it.each([
    ['current', true],
    ['legacy', false],
  ])("widgetVersion=%s under the domain allow-list (no 'unsafe-eval'): allowed %s", (widgetVersion, allowed) => {
    const allowlist = velaro.documentedPolicies.find((p) => p.id === 'velaro-allowlist')!.value!;
    const verdict = oracle(allowlist, 'widget', { widgetVersion }, false);
    expect(verdict.allowed).toBe(allowed);
    if (!allowed) expect(verdict.blockedRequest?.type).toBe('eval');
    expect(oracle("script-src 'self' https://app-cdn.velaro.com 'unsafe-eval';", 'widget', { widgetVersion }, false).allowed).toBe(true);
  });

  it('the legacy widget compiles its templates with new Function in frame.js', () => {
    const frame = readFileSync(join(root, 'fixtures/velaro/app-cdn.velaro.com/frame.js'), 'utf8');
    expect(frame).toMatch(/widgetVersion === 'legacy'[\s\S]*new Function\(/);
  });

  it('the hash alternative matches the stub snippet', () => {
    const value = `script-src 'self' ${inlineHash(VELARO_SNIPPET)} 'strict-dynamic';`;
    expect(oracle(value, 'widget', { embed: 'inline' }, false).allowed).toBe(true);
    expect(oracle("script-src 'self' 'sha256-HASH_VALUE' 'strict-dynamic';", 'widget', { embed: 'inline' }, false).allowed).toBe(false);
  });

  it('the data: icon is the one frame.js draws', () => {
    const frame = readFileSync(join(root, 'fixtures/velaro/app-cdn.velaro.com/frame.js'), 'utf8');
    const svg = Buffer.from(VELARO_ICON_URL.replace('data:image/svg+xml;base64,', ''), 'base64').toString('utf8');
    expect(frame).toContain(svg);
    const verdict = check(parsePolicyList("img-src 'self' data:", { disposition: 'enforce', source: 'header' }).policies, { type: 'image', url: VELARO_ICON_URL, origin: PAGE_ORIGIN });
    expect('allowed' in verdict && verdict.allowed).toBe(true);
  });
});

describe('velaro scenarios', () => {
  const dir = join(root, 'scenarios', 'velaro');
  it('cover every documented policy and every troubleshooting row', () => {
    const scenarios = ['allowlist', 'nonce-aspnet', 'nonce', 'hash', 'report-only', 'ts-script-src', 'ts-nonce-missing', 'ts-connect-src', 'ts-img-src', 'ts-static-nonce', 'ts-font-src', 'ts-frame-src-blob', 'ts-unsafe-eval'].map(
      (name) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { id: string; vendor: string; kind: string; features?: string[] },
    );
    for (const s of scenarios) {
      expect(s.vendor).toBe('velaro');
      for (const f of s.features ?? []) expect(FEATURES).toContain(f);
    }
    expect(scenarios.filter((s) => s.kind === 'troubleshooting')).toHaveLength(8);
  });
});
