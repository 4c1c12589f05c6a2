import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { check, compileChargebeeConfig, parsePolicy, REQUEST_TYPES } from '../policy/index.ts';
import { loadScenarios } from '../runner/scenario.ts';
import { chargebee, CHARGEBEE_GTM_SNIPPET, CHARGEBEE_GTM_URL, CHARGEBEE_INLINE_TAGS, chargebeeContainer } from './chargebee.ts';
import { customerio } from './customerio.ts';
import type { EmbedForm, FeatureRequest } from './types.ts';

const ROOT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');
const FEATURES = ['analytics', 'inline-hashed', 'wildcards'];
const FORMS: EmbedForm[] = ['self', 'external', 'inline'];
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

function hostCovered(host: string): boolean {
  return chargebee.hosts.some((h) => (h.pattern.startsWith('*.') ? host.endsWith(h.pattern.slice(1)) : h.pattern === host));
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
    expect(chargebee.documentedPolicies.map((p) => p.chargebeeConfig)).toEqual([
      'fixtures/chargebee/configs/analytics.json',
      'fixtures/chargebee/configs/hashes.json',
      'fixtures/chargebee/configs/wildcards.json',
    ]);
    expect(compiled('fixtures/chargebee/configs/analytics.json')).toBe(
      "script-src 'self' https://stats.example.com; connect-src 'self' https://api.stats.example.com; img-src 'self' https://tracker.stats.example.com",
    );
    expect(compiled('fixtures/chargebee/configs/wildcards.json')).toBe(
      "script-src 'self' https://*.tracking-example.com; img-src 'self' data: https://cdn.image-host.com; connect-src 'self' https://*.api-service.com",
    );
  });
  it('routes analytics.example.com exactly as the Customer.io proxy does (the fixture network takes the first match)', () => {
    const mine = chargebee.hosts.filter((h) => h.pattern === 'analytics.example.com');
    const theirs = customerio.hosts.filter((h) => h.pattern === 'analytics.example.com');
    expect(mine).toEqual(theirs);
    expect(mine).toHaveLength(1);
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
    expect(read('fixtures/chargebee/www.googletagmanager.com/gtm.js')).toBe(chargebeeContainer());
  });
  it('inserts each inline tag with its exact text', () => {
    for (const tag of CHARGEBEE_INLINE_TAGS) expect(chargebeeContainer()).toContain(JSON.stringify(tag).slice(1, -1));
  });
});

const cells = FEATURES.flatMap((feature) => FORMS.flatMap((embed) => [false, true].map((nonce) => ({ feature, embed, nonce }))));

describe.each(cells)('chargebee $feature embed=$embed nonce=$nonce', ({ feature, embed, nonce }) => {
  const page = chargebee.page(feature, { embed }, { nonce });
  const reqs = chargebee.requests(feature, { embed }, { nonce });
  it('loads GTM in the form asked, with one nonced-if-asked tag', () => {
    expect(page.body).toContain(`data-vendor="chargebee" data-feature="${feature}"`);
    expect(page.body.match(/<script/g)).toHaveLength(1);
    expect(page.body.split('nonce="{{nonce}}"').length - 1).toBe(nonce ? 1 : 0);
    if (embed === 'self') expect(page.files?.['gtm.js']?.body).toBe(chargebeeContainer());
    if (embed === 'external') expect(page.body).toContain(`src="${CHARGEBEE_GTM_URL.replaceAll('&', '&amp;')}"`);
    expect(page.inlineScripts).toEqual(embed === 'inline' ? [CHARGEBEE_GTM_SNIPPET] : []);
  });
  it('lists requests on served hosts', () => {
    for (const r of reqs) {
      expect(REQUEST_TYPES).toContain(r.type);
      if (r.type.startsWith('inline')) continue;
      const url = new URL(r.url);
      if (url.protocol === 'data:' || url.hostname === 'www.shop.test') continue;
      expect(hostCovered(url.hostname), r.url).toBe(true);
    }
  });
});

describe('the spec oracle on the configs', () => {
  const allowedAll = (header: string, feature: string) => {
    const policies = parsePolicy(header).policies;
    return chargebee.requests(feature, { embed: 'self' }, { nonce: false }).every((r: FeatureRequest) => {
      const digests = r.content ? { sha256: sha256(r.content) } : undefined;
      const v = check(policies, { type: r.type, url: r.url || undefined, initiator: r.initiator, content: r.content, digests });
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
