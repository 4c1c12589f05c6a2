import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { check, parsePolicy, REQUEST_TYPES } from '../../policy/index.ts';
import { loadScenarios } from '../../runner/scenario.ts';
import genesys, {
  GENESYS_ICON_FONT_URL,
  GENESYS_ICON_URLS,
  GENESYS_INLINE_STYLE,
  GENESYS_REGIONS,
  GENESYS_US_EAST_1_HEADER,
  genesysLoaderUrl,
  genesysSnippet,
  type GenesysRegion,
} from './index.ts';
import type { EmbedForm } from '../types.ts';
import { PAGE_ORIGIN, pageOf, requestsOf, serves, vendorUrls, type FeatureRequest } from '../vendor.testkit.ts';

const ROOT = new URL('../../../', import.meta.url);
const FEATURES = ['messenger', 'websocket', 'api', 'styles', 'icons', 'authenticated'];
const REGIONS = Object.keys(GENESYS_REGIONS) as GenesysRegion[];
const FORMS: EmbedForm[] = ['external', 'inline', 'self'];
const STUB = readFileSync(new URL('fixtures/genesys/apps/genesys-bootstrap/genesys.min.js', ROOT), 'utf8');

function hostCovered(host: string): boolean {
  return serves(genesys, host);
}

const cells = FEATURES.flatMap((feature) => REGIONS.flatMap((region) => FORMS.flatMap((embed) => [false, true].map((nonce) => ({ feature, region, embed, nonce })))));

describe('genesys catalog entry', () => {
  it('has the feature ids of vendors.md, in order', () => {
    expect(genesys.features.map((f) => f.id)).toEqual(FEATURES);
  });
  it('defaults to the inline snippet in us-east-1', () => {
    expect(genesys.params.find((p) => p.key === 'embed')?.default).toBe('inline');
    expect(genesys.params.find((p) => p.key === 'region')).toMatchObject({ default: 'us-east-1', values: REGIONS });
  });
  it.each(REGIONS)('serves apps, api and a WebSocket echo on webmessaging for %s', (region) => {
    const d = GENESYS_REGIONS[region].domain;
    expect(genesys.routes).toContainEqual({ kind: 'static', host: `apps.${d}`, dir: 'genesys/apps' });
    expect(genesys.routes).toContainEqual({ kind: 'static', host: `api.${d}`, dir: 'genesys/api' });
    expect(genesys.routes).toContainEqual({ kind: 'static', host: `webmessaging.${d}`, dir: 'genesys/webmessaging' });
    expect(genesys.routes).toContainEqual({ kind: 'ws-echo', host: `webmessaging.${d}` });
  });
  it('keeps the seed header verbatim (no font-src: the seed finding)', () => {
    expect(GENESYS_US_EAST_1_HEADER).toContain("img-src 'self' https://apps.mypurecloud.com data:;");
    expect(GENESYS_US_EAST_1_HEADER).not.toContain('font-src');
    for (const p of genesys.documentedPolicies) {
      const value = (p.value ?? '').replaceAll('{{nonce}}', 'AAAAAAAAAAAAAAAAAAAAAAAA');
      expect(parsePolicy(value).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    }
  });
});

describe.each(cells)('genesys $feature $region embed=$embed nonce=$nonce', ({ feature, region, embed, nonce }) => {
  const params = { region, embed };
  const page = pageOf(genesys, feature, params, { nonce });
  const reqs = requestsOf(genesys, feature, params, { nonce });

  it('carries the cell marker and exactly one embed tag, nonced only when asked', () => {
    expect(page.body).toContain(`data-vendor="genesys" data-feature="${feature}"`);
    expect(page.body.match(/<script/g)).toHaveLength(1);
    expect(page.body.split('nonce="{{nonce}}"').length - 1).toBe(nonce ? 1 : 0);
  });

  it('puts the snippet where the embed form says', () => {
    const snippet = genesysSnippet(region, feature === 'authenticated');
    if (embed === 'inline') {
      expect(page.inlineScripts).toEqual([snippet]);
      expect(page.body).toContain(`>${snippet}</script>`);
    } else expect(page.inlineScripts).toEqual([]);
    if (embed === 'self') expect(page.files?.['genesys-messenger.js']?.body).toBe(snippet);
    if (embed === 'external') expect(page.body).toContain(`src="${genesysLoaderUrl(region)}"`);
    expect(snippet.includes("'AuthProvider'")).toBe(feature === 'authenticated');
  });

  it('lists requests the oracle can read, on hosts the fixture network serves', () => {
    for (const r of reqs) expect(REQUEST_TYPES).toContain(r.type);
    for (const url of vendorUrls(reqs)) {
      expect(hostCovered(url.hostname), url.href).toBe(true);
      expect(url.hostname.endsWith(GENESYS_REGIONS[region].domain)).toBe(true);
    }
    expect(reqs.filter((r) => r.nonced)).toHaveLength(nonce ? 1 : 0);
  });
});

describe('genesys stub and requests agree', () => {
  it('the stub loads the icons, font and style the requests name', () => {
    for (const url of GENESYS_ICON_URLS) expect(STUB).toContain(url);
    expect(STUB).toContain(`'${GENESYS_ICON_FONT_URL}`);
    expect(STUB).toContain(GENESYS_INLINE_STYLE);
  });
  it('the icon font is a real WOFF', () => {
    const b64 = /data:font\/woff;base64,([A-Za-z0-9+/=]+)/.exec(STUB)?.[1] ?? '';
    const bytes = Buffer.from(b64, 'base64');
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('wOFF');
    expect(bytes.readUInt32BE(8)).toBe(bytes.length);
  });
});

describe('the spec oracle on the seed header', () => {
  const policies = parsePolicy(GENESYS_US_EAST_1_HEADER).policies;
  const verdict = (r: FeatureRequest) => {
    const v = check(policies, { type: r.type, url: r.url || undefined, origin: PAGE_ORIGIN, initiator: r.initiator, content: r.content });
    if ('error' in v) throw new Error(v.error);
    return v;
  };
  it.each(FEATURES)('%s with embed=self: allowed except the data: icon font', (feature) => {
    for (const r of requestsOf(genesys, feature, { embed: 'self' }, { nonce: false })) {
      expect(verdict(r).allowed, `${r.type} ${r.url}`).toBe(r.type !== 'font');
    }
  });
  it('refuses the inline snippet', () => {
    const [snippet] = requestsOf(genesys, 'messenger', { embed: 'inline' }, { nonce: false });
    expect(snippet && verdict(snippet).allowed).toBe(false);
  });
});

describe('genesys scenarios', () => {
  it('load against the catalog', () => {
    const loaded = loadScenarios([new URL('scenarios/genesys', ROOT).pathname], [genesys], new URL('.', ROOT).pathname);
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
    if (loaded.ok) expect(loaded.scenarios.length).toBeGreaterThanOrEqual(8);
  });
});
