import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePolicyList, REQUEST_TYPES } from '../../policy/index.ts';
import providesupport, { PROVIDESUPPORT_LOADER_URL, PROVIDESUPPORT_SNIPPET } from './index.ts';
import { echoes, type FeatureRequest, firstBlocked, fixtureFileFor, PAGE_ORIGIN, pageOf, requestsOf, serves } from '../vendor.testkit.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FEATURES = ['button', 'window', 'connect', 'messages', 'files', 'sounds'];
const FORMS = ['external', 'inline', 'self'] as const;

describe('provide-support catalog entry', () => {
  it('has the contract ids, features and params', () => {
    expect(providesupport.id).toBe('provide-support');
    expect(providesupport.seed).toBe('000_6ac6f83f6945e180.txt');
    expect(providesupport.features.map((f) => f.id)).toEqual(FEATURES);
    expect(providesupport.params.map((p) => [p.key, p.default])).toEqual([['embed', 'external']]);
    for (const r of providesupport.routes) expect(r.host).toMatch(/\.providesupport\.com$/);
  });

  it('ships the two documented policies', () => {
    expect(providesupport.documentedPolicies.map((p) => [p.id, p.value])).toEqual([
      ['provide-support-lax', 'default-src *; img-src * data:'],
      ['provide-support-full-list', 'script-src *; connect-src *; media-src *; default-src *;'],
    ]);
    for (const p of providesupport.documentedPolicies) {
      expect(p.params.embed).toBe('external');
      expect(parsePolicyList(p.value!, { disposition: 'enforce', source: 'header' }).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    }
  });
});

describe.each(FEATURES)('provide-support %s', (feature) => {
  it.each(FORMS)('embed=%s: the page is well formed, with the cell marker and the embed', (embed) => {
    const page = pageOf(providesupport, feature, { embed }, { nonce: false });
    expect(page.body).toContain(`data-vendor="provide-support" data-feature="${feature}"`);
    expect((page.body.match(/<script/g) ?? []).length).toBe(1);
    expect((page.body.match(/<\/script>/g) ?? []).length).toBe(1);
    expect((page.body.match(/<div/g) ?? []).length).toBe((page.body.match(/<\/div>/g) ?? []).length);
    expect(page.body).not.toContain('nonce=');
    if (embed === 'external') expect(page.body).toContain(`<script src="${PROVIDESUPPORT_LOADER_URL}"></script>`);
    if (embed === 'inline') expect(page.inlineScripts).toEqual([PROVIDESUPPORT_SNIPPET]);
    else expect(page.inlineScripts).toEqual([]);
    if (embed === 'self') expect(page.files?.['providesupport-chat.js']?.body).toBe(PROVIDESUPPORT_SNIPPET);
    // The install code's containers (with their style attributes) come with the button.
    expect(page.body.includes('id="scshop"')).toBe(feature === 'button');
  });

  it.each(FORMS)('embed=%s: the nonce goes on the embed tag only', (embed) => {
    const page = pageOf(providesupport, feature, { embed }, { nonce: true });
    expect(page.body.match(/nonce="\{\{nonce\}\}"/g)).toHaveLength(1);
    expect(page.body).toMatch(/<script[^>]* nonce="\{\{nonce\}\}">/);
    expect(requestsOf(providesupport, feature, { embed }, { nonce: true })[0]?.nonced).toBe(true);
  });

  it.each(FORMS)('embed=%s: every request parses, is a known type and has a host route', (embed) => {
    const requests = requestsOf(providesupport, feature, { embed }, { nonce: false });
    expect(requests.length).toBeGreaterThan(1);
    for (const r of requests) {
      expect(REQUEST_TYPES).toContain(r.type);
      if (r.type === 'inline-script') {
        expect(r.content).toBe(PROVIDESUPPORT_SNIPPET);
        continue;
      }
      // The attributes the oracle is asked about are the ones the page and the loader really carry.
      if (r.type === 'style-attr') {
        expect(pageOf(providesupport, feature, { embed }, { nonce: false }).body).toContain(`style="${r.content}"`);
        continue;
      }
      if (r.type === 'script-attr') {
        expect(readFileSync(join(root, 'fixtures/provide-support/image.providesupport.com/js/shoptest/safe-standard.js'), 'utf8')).toContain(`onclick="${r.content}"`);
        continue;
      }
      const url = new URL(r.url);
      if (url.origin === PAGE_ORIGIN) continue;
      expect(serves(providesupport, url.hostname), r.url).toBe(true);
      if (r.type === 'websocket') expect(echoes(providesupport, url.hostname), r.url).toBe(true);
    }
    expect(requests.some((r) => r.type === 'script' && r.url.startsWith(PROVIDESUPPORT_LOADER_URL))).toBe(true);
  });

  it('GET requests to vendor hosts are served by fixture files', () => {
    for (const r of requestsOf(providesupport, feature, {}, { nonce: false })) {
      if (!['script', 'image', 'media', 'frame'].includes(r.type)) continue;
      const file = fixtureFileFor(providesupport, r.url);
      expect(file, r.url).toBeDefined();
      expect(existsSync(join(root, 'fixtures', file!)), r.url).toBe(true);
    }
  });
});

describe('provide-support requests against the spec oracle', () => {
  const blocked = (value: string, feature: string, embed = 'external') => firstBlocked(value, requestsOf(providesupport, feature, { embed }, { nonce: false }));

  const isAttr = (r: FeatureRequest) => r.type === 'style-attr' || r.type === 'script-attr';

  it.each(FEATURES)('the lax fix and the full list allow what %s loads with the external loader', (feature) => {
    for (const p of providesupport.documentedPolicies) {
      expect(firstBlocked(p.value!, requestsOf(providesupport, feature, { embed: 'external' }, { nonce: false }).filter((r) => !isAttr(r)))).toBeNull();
    }
  });

  it("neither documented policy allows the button's inline attributes (no 'unsafe-inline'); adding it does", () => {
    for (const p of providesupport.documentedPolicies) expect(blocked(p.value!, 'button')?.type).toBe('style-attr');
    const attrs = requestsOf(providesupport, 'button', { embed: 'external' }, { nonce: false }).filter(isAttr);
    expect(attrs.map((r) => r.type)).toEqual(['style-attr', 'style-attr', 'style-attr', 'script-attr']);
    expect(firstBlocked("default-src * 'unsafe-inline'; img-src * data:", attrs)).toBeNull();
  });

  it.each([
    ["default-src *; img-src * data:; script-src 'self'", 'button', PROVIDESUPPORT_LOADER_URL],
    ["default-src *; img-src * data:; connect-src 'self'", 'messages', 'wss://chat1.providesupport.com/'],
    ["default-src *; img-src * data:; connect-src 'self'", 'files', 'https://chat1.providesupport.com/'],
    ["default-src *; img-src * data:; media-src 'self'", 'sounds', 'https://messenger.providesupport.com/'],
  ])('the trap %s blocks %s at %s', (value, feature, url) => {
    expect(blocked(value, feature)?.url.startsWith(url)).toBe(true);
  });

  it('the lax fix refuses the inline install snippet', () => {
    expect(blocked('default-src *; img-src * data:', 'button', 'inline')?.type).toBe('inline-script');
  });
});

describe('provide-support scenarios', () => {
  it('cover both documented policies and the three override traps', () => {
    const dir = join(root, 'scenarios', 'provide-support');
    const ids = ['lax', 'full-list', 'trap-script-src', 'trap-connect-src', 'trap-media-src'].map(
      (name) => (JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { id: string }).id,
    );
    expect(ids).toEqual(['provide-support-lax', 'provide-support-full-list', 'provide-support-trap-script-src', 'provide-support-trap-connect-src', 'provide-support-trap-media-src']);
  });
});
