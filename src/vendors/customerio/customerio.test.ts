import { describe, expect, it } from 'vitest';
import { check, parsePolicy, REQUEST_TYPES } from '../../policy/index.ts';
import { loadScenarios } from '../../runner/scenario.ts';
import customerio, {
  CUSTOMERIO_GIST_STYLE,
  CUSTOMERIO_US_POLICY,
  customerioClientUrl,
  customerioPackageBundle,
  customerioSnippet,
} from './index.ts';
import { readFileSync } from 'node:fs';
import { PAGE_ORIGIN, pageOf, requestsOf, serves, type FeatureRequest } from '../vendor.testkit.ts';

const ROOT = new URL('../../../', import.meta.url);
const FEATURES = ['tracking', 'in-app'];
const HOST = { us: 'cdp.customer.io', eu: 'cdp-eu.customer.io' } as const;

function hostCovered(host: string): boolean {
  return serves(customerio, host);
}

const cells = FEATURES.flatMap((feature) =>
  (['us', 'eu'] as const).flatMap((region) =>
    (['snippet', 'package', 'proxy'] as const).flatMap((install) =>
      (['external', 'inline', 'self'] as const).flatMap((embed) => [false, true].map((nonce) => ({ feature, region, install, embed, nonce }))),
    ),
  ),
);

describe('customerio catalog entry', () => {
  it('has the feature ids of vendors.md', () => {
    expect(customerio.features.map((f) => f.id)).toEqual(FEATURES);
  });
  it('defaults to the inline snippet, US, snippet install', () => {
    expect(Object.fromEntries(customerio.params.map((p) => [p.key, p.default]))).toEqual({ embed: 'inline', region: 'us', install: 'snippet' });
  });
  it('documents the seed policies verbatim', () => {
    expect(CUSTOMERIO_US_POLICY).toBe(
      "script-src cdp.customer.io; connect-src cdp.customer.io *.api.gist.build *.cloud.gist.build; frame-src renderer.gist.build code.gist.build; style-src 'unsafe-inline';",
    );
    expect(customerio.documentedPolicies.map((p) => p.id)).toEqual(['customerio-us', 'customerio-eu', 'customerio-nonce', 'customerio-package', 'customerio-proxy']);
    for (const p of customerio.documentedPolicies) {
      const errors = parsePolicy((p.value ?? '').replaceAll('{{nonce}}', 'AAAAAAAAAAAAAAAAAAAAAAAA')).diagnostics.filter((d) => d.severity === 'error');
      expect(errors, p.id).toEqual([]);
    }
  });
});

describe.each(cells)('customerio $feature $region install=$install embed=$embed nonce=$nonce', ({ feature, region, install, embed, nonce }) => {
  const params = { region, install, embed };
  const page = pageOf(customerio, feature, params, { nonce });
  const reqs = requestsOf(customerio, feature, params, { nonce });
  const host = install === 'proxy' ? 'analytics.example.com' : HOST[region];

  it('carries the marker and one nonced-if-asked script tag', () => {
    expect(page.body).toContain(`data-vendor="customerio" data-feature="${feature}"`);
    expect(page.body.match(/<script/g)).toHaveLength(1);
    expect(page.body.split('nonce="{{nonce}}"').length - 1).toBe(nonce ? 1 : 0);
  });

  it('installs the client as the install mode says', () => {
    if (install === 'package') {
      expect(page.body).toContain('<script src="app.js"');
      expect(page.files?.['app.js']?.body).toBe(customerioPackageBundle(feature, region));
      expect(page.inlineScripts).toEqual([]);
      return;
    }
    const snippet = customerioSnippet(feature, host, install);
    expect(snippet).toContain(`t.src="https://${host}/v1/analytics-js/snippet/"`);
    if (embed === 'inline') expect(page.inlineScripts).toEqual([snippet]);
    if (embed === 'self') expect(page.files?.['customerio-snippet.js']?.body).toBe(snippet);
    if (embed === 'external') expect(page.body).toContain(`src="${customerioClientUrl(host)}"`);
  });

  it('lists requests on served hosts', () => {
    for (const r of reqs) {
      expect(REQUEST_TYPES).toContain(r.type);
      if (r.type.startsWith('inline')) continue;
      const url = new URL(r.url);
      if (url.origin === PAGE_ORIGIN) continue;
      expect(hostCovered(url.hostname), r.url).toBe(true);
    }
    const scripts = reqs.filter((r) => r.type === 'script' && !r.url.startsWith(`${PAGE_ORIGIN}/`));
    if (install === 'package') expect(scripts).toEqual([]);
    else expect(scripts.every((r) => new URL(r.url).hostname === host)).toBe(true);
    expect(reqs.some((r) => r.type === 'connect' && new URL(r.url).hostname === (install === 'package' ? HOST[region] : host))).toBe(true);
  });
});

describe('package bundle', () => {
  it('queues the calls of the snippet and embeds the fixture client and in-app plugin', () => {
    const body = customerioPackageBundle('tracking', 'us');
    expect(body).toContain('window.cioanalytics = [["identify", "csph-user-1", {"email": "shopper@example.com"}], ["track", "Checkout Started"], ["page"]]');
    expect(body).toContain('"apiHost": "cdp.customer.io/v1"');
    expect(body).toContain("__cioBundles = window.__cioBundles || {})['customerio-in-app-plugin']");
    expect(body).toContain(CUSTOMERIO_GIST_STYLE);
  });
  it('the plugin fixture injects the style the requests name', () => {
    expect(readFileSync(new URL('fixtures/customerio/cdp/analytics-next/bundles/customerio-in-app-plugin.bundle.js', ROOT), 'utf8')).toContain(CUSTOMERIO_GIST_STYLE);
  });
});

describe('the spec oracle on the seed policies', () => {
  const verdict = (policy: string, r: FeatureRequest) => {
    const v = check(parsePolicy(policy).policies, { type: r.type, url: r.url || undefined, origin: PAGE_ORIGIN, initiator: r.initiator, content: r.content });
    if ('error' in v) throw new Error(v.error);
    return v.allowed;
  };
  it.each(FEATURES)('US directives allow every %s request of the external client', (feature) => {
    for (const r of requestsOf(customerio, feature, { embed: 'external' }, { nonce: false })) expect(verdict(CUSTOMERIO_US_POLICY, r), r.url).toBe(true);
  });
  it.each(customerio.documentedPolicies)('$id allows the form it was written for', (p) => {
    const value = (p.value ?? '').replaceAll('{{nonce}}', 'AAAAAAAAAAAAAAAAAAAAAAAA');
    for (const feature of FEATURES)
      for (const r of requestsOf(customerio, feature, p.params, { nonce: value.includes('nonce-') })) {
        const request = { type: r.type, url: r.url || undefined, origin: PAGE_ORIGIN, initiator: r.initiator, content: r.content, nonce: r.nonced ? 'AAAAAAAAAAAAAAAAAAAAAAAA' : undefined };
        const v = check(parsePolicy(value).policies, request);
        if ('error' in v) throw new Error(v.error);
        expect(v.allowed, `${p.id} ${feature} ${r.type} ${r.url}`).toBe(true);
      }
  });
});

describe('customerio scenarios', () => {
  it('load against the catalog', () => {
    const loaded = loadScenarios([new URL('scenarios/customerio', ROOT).pathname], [customerio], new URL('.', ROOT).pathname);
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
  });
});
