import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { check, parsePolicy, REQUEST_TYPES } from '../../policy/index.ts';
import { loadScenarios } from '../../runner/scenario.ts';
import chargebee, { CHARGEBEE_CONTAINER, CHARGEBEE_GTM_SNIPPET, CHARGEBEE_GTM_URL, CHARGEBEE_INLINE_TAGS } from './index.ts';
import { compileChargebeeConfig } from './config.ts';
import customerio from '../customerio/index.ts';
import { catalogRoutes, VENDORS } from '../index.ts';
import type { EmbedForm } from '../types.ts';
import { fixtureFileFor, PAGE_ORIGIN, pageOf, requestsOf, serves, staticDirs, vendorUrls, type FeatureRequest } from '../vendor.testkit.ts';

const ROOT = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');
const FEATURES = ['analytics', 'inline-hashed', 'wildcards'];
const FORMS: EmbedForm[] = ['self', 'external', 'inline'];
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

function hostCovered(host: string): boolean {
  return serves(chargebee, host);
}

function compiled(config: string): string {
  const r = compileChargebeeConfig(read(config));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.header;
}

describe('chargebee catalog entry', () => {
  it('has the feature ids of vendors.md and defaults to first-party GTM', () => {
    expect(chargebee.features.map((f) => f.id)).toEqual(FEATURES);
    expect(chargebee.params).toHaveLength(1);
    expect(chargebee.params[0]).toMatchObject({ key: 'embed', default: 'self' });
  });
  it('documents the three seed configs, which compile to the seed headers', () => {
    expect(chargebee.documentedPolicies.map((p) => p.source)).toEqual([
      { kind: 'chargebee-config', path: 'fixtures/chargebee/configs/analytics.json' },
      { kind: 'chargebee-config', path: 'fixtures/chargebee/configs/hashes.json' },
      { kind: 'chargebee-config', path: 'fixtures/chargebee/configs/wildcards.json' },
    ]);
    // The source kind names the vendor's own policy source (--chargebee-config), which is the config compiler.
    expect(chargebee.policySources.map((s) => [s.flag, s.key])).toEqual([['chargebee-config', 'chargebeeConfig']]);
    expect(chargebee.policySources[0]?.compile(read('fixtures/chargebee/configs/analytics.json'))).toEqual(compileChargebeeConfig(read('fixtures/chargebee/configs/analytics.json')));
    expect(compiled('fixtures/chargebee/configs/analytics.json')).toBe(
      "script-src 'self' https://stats.example.com; connect-src 'self' https://api.stats.example.com; img-src 'self' https://tracker.stats.example.com",
    );
    expect(compiled('fixtures/chargebee/configs/wildcards.json')).toBe(
      "script-src 'self' https://*.tracking-example.com; img-src 'self' data: https://cdn.image-host.com; connect-src 'self' https://*.api-service.com",
    );
  });
  it('routes analytics.example.com to its own folder, layered with the Customer.io proxy\'s (the first folder holding the file answers)', () => {
    expect(staticDirs(chargebee, 'analytics.example.com')).toEqual(['chargebee/analytics.example.com']);
    // Customer.io's proxy serves the npm build (an absolute folder in node_modules), then its own answers.
    const customerioDirs = staticDirs(customerio, 'analytics.example.com');
    expect(customerioDirs.slice(1)).toEqual(['customerio/analytics.example.com']);
    expect(customerioDirs[0]).toMatch(/node_modules\/@customerio\/cdp-analytics-browser\/dist\/umd$/);
    // Chargebee's analytics.js lives in its own fixtures, not in the Customer.io proxy's folders (which the catalog layers first).
    expect(existsSync(new URL('fixtures/chargebee/analytics.example.com/js/analytics.js', ROOT))).toBe(true);
    expect(existsSync(new URL('fixtures/customerio/analytics.example.com/js/analytics.js', ROOT))).toBe(false);
    expect(fixtureFileFor(chargebee, 'https://analytics.example.com/js/analytics.js')).toBe('chargebee/analytics.example.com/js/analytics.js');
    const layers = catalogRoutes(VENDORS).flatMap((r) => (r.kind === 'static' && r.host === 'analytics.example.com' ? [r.dir] : []));
    expect(layers).toEqual([...customerioDirs, 'chargebee/analytics.example.com']);
  });
});

describe('stub-hashes.json', () => {
  const config = JSON.parse(read('fixtures/chargebee/configs/stub-hashes.json')) as { policies: { 'script-src': { hashes: string[] } }[] };
  it('carries the sha256 of every inline tag the GTM container inserts, in order', () => {
    expect(config.policies[0]?.['script-src'].hashes).toEqual(CHARGEBEE_INLINE_TAGS.map(sha256));
  });
  it('is the seed hashes example with only the name and hashes changed', () => {
    const seed = JSON.parse(read('fixtures/chargebee/configs/hashes.json')) as typeof config;
    const strip = (c: typeof config) => JSON.stringify(c, (k, v: unknown) => (k === 'hashes' || k === 'name' ? undefined : v));
    expect(strip(config)).toBe(strip(seed));
  });
  it('compiles without warnings, while the seed example warns about its 33-byte hash', () => {
    const mine = compileChargebeeConfig(read('fixtures/chargebee/configs/stub-hashes.json'));
    expect(mine.ok && mine.warnings).toEqual([]);
    const seed = compileChargebeeConfig(read('fixtures/chargebee/configs/hashes.json'));
    expect(seed.warnings.map((w) => w.pointer)).toEqual(['/policies/0/script-src/hashes/0']);
  });
});

describe('the GTM container', () => {
  it('is the fixture served from www.googletagmanager.com, byte for byte', () => {
    expect(read('fixtures/chargebee/www.googletagmanager.com/gtm.js')).toBe(CHARGEBEE_CONTAINER);
  });
  it('inserts each inline tag with its exact text', () => {
    // Read from the container's `var TAGS = [...]`: the two GTM Custom HTML tags.
    expect(CHARGEBEE_INLINE_TAGS).toHaveLength(2);
    expect(CHARGEBEE_INLINE_TAGS[1]).toContain("s.src = 'https://analytics.example.com/js/analytics.js'");
    for (const tag of CHARGEBEE_INLINE_TAGS) expect(CHARGEBEE_CONTAINER).toContain(JSON.stringify(tag).slice(1, -1));
  });
});

const cells = FEATURES.flatMap((feature) => FORMS.flatMap((embed) => [false, true].map((nonce) => ({ feature, embed, nonce }))));

describe.each(cells)('chargebee $feature embed=$embed nonce=$nonce', ({ feature, embed, nonce }) => {
  const page = pageOf(chargebee, feature, { embed }, { nonce });
  const reqs = requestsOf(chargebee, feature, { embed }, { nonce });
  it('loads GTM in the form asked, with one nonced-if-asked tag', () => {
    expect(page.body).toContain(`data-vendor="chargebee" data-feature="${feature}"`);
    expect(page.body.match(/<script/g)).toHaveLength(1);
    expect(page.body.split('nonce="{{nonce}}"').length - 1).toBe(nonce ? 1 : 0);
    if (embed === 'self') expect(page.files?.['gtm.js']?.body).toBe(CHARGEBEE_CONTAINER);
    if (embed === 'external') expect(page.body).toContain(`src="${CHARGEBEE_GTM_URL.replaceAll('&', '&amp;')}"`);
    expect(page.inlineScripts).toEqual(embed === 'inline' ? [CHARGEBEE_GTM_SNIPPET] : []);
  });
  it('lists requests on served hosts', () => {
    for (const r of reqs) expect(REQUEST_TYPES).toContain(r.type);
    for (const url of vendorUrls(reqs)) expect(hostCovered(url.hostname), url.href).toBe(true);
  });
});

describe('the spec oracle on the configs', () => {
  const allowedAll = (header: string, feature: string) => {
    const policies = parsePolicy(header).policies;
    return requestsOf(chargebee, feature, { embed: 'self' }, { nonce: false }).every((r: FeatureRequest) => {
      const digests = r.content ? { sha256: sha256(r.content) } : undefined;
      const v = check(policies, { type: r.type, url: r.url || undefined, origin: PAGE_ORIGIN, initiator: r.initiator, content: r.content, digests });
      if ('error' in v) throw new Error(v.error);
      return v.allowed;
    });
  };
  it.each([
    ['analytics.json', 'analytics'],
    ['stub-hashes.json', 'inline-hashed'],
    ['wildcards.json', 'wildcards'],
    ['combined.json', 'analytics'],
    ['combined.json', 'wildcards'],
  ])('%s allows every %s request', (config, feature) => {
    expect(allowedAll(compiled(`fixtures/chargebee/configs/${config}`), feature)).toBe(true);
  });
  it("the seed's hashes do not allow the stub's tags", () => {
    expect(allowedAll(compiled('fixtures/chargebee/configs/hashes.json'), 'inline-hashed')).toBe(false);
  });
});

describe('chargebee scenarios', () => {
  it('load against the catalog', () => {
    const loaded = loadScenarios([new URL('scenarios/chargebee', ROOT).pathname], [chargebee], new URL('.', ROOT).pathname);
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
  });
});
