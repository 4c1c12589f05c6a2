import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, parsePolicy, REQUEST_TYPES } from '../../policy/index.ts';
import { loadScenarios } from '../../runner/scenario.ts';
import type { ReplayRoute } from '../../server/routes.ts';
import customerio, {
  CUSTOMERIO_EU_POLICY,
  CUSTOMERIO_GIST_STYLE,
  CUSTOMERIO_IN_APP_CHUNKS,
  CUSTOMERIO_PACKAGE_DIR,
  CUSTOMERIO_US_POLICY,
  CUSTOMERIO_WRITE_KEYS,
  customerioClientUrl,
  customerioPackageBundle,
  customerioPackageEntry,
  customerioSnippet,
  GIST,
} from './index.ts';
import type { ExpectEntry } from '../types.ts';
import { PAGE_ORIGIN, pageOf, requestsOf as testkitRequests, type FeatureRequest } from '../vendor.testkit.ts';

const ROOT = new URL('../../../', import.meta.url);
const FEATURES = ['tracking', 'in-app'] as const;
const HOST = { us: 'cdp.customer.io', eu: 'cdp-eu.customer.io' } as const;
const UMD = join(CUSTOMERIO_PACKAGE_DIR, 'dist', 'umd');

/** The requests as the run's spec oracle asks about them: a wildcard pattern by its `example` (src/runner/oracle.ts). */
function requestsOf(vendor: typeof customerio, feature: string, given: Record<string, string>, options: { nonce: boolean }): FeatureRequest[] {
  const full = Object.fromEntries(vendor.params.map((p) => [p.key, given[p.key] ?? p.default]));
  const concrete = vendor
    .expectations({ feature, params: full, nonce: options.nonce })
    .map((e): ExpectEntry => ('request' in e && e.example ? { ...e, request: e.example } : 'frame' in e && e.example ? { ...e, frame: e.example } : e));
  return testkitRequests({ ...vendor, expectations: () => concrete }, feature, given, options);
}

/** Whether some route answers a host over HTTP (replay and static routes alike). */
function hostCovered(host: string): boolean {
  return customerio.routes.some((r) => (r.kind === 'static' || r.kind === 'replay') && r.host === host);
}

function replayOf(host: string): ReplayRoute {
  const route = customerio.routes.find((r): r is ReplayRoute => r.kind === 'replay' && r.host === host);
  if (!route) throw new Error(`no replay route for ${host}`);
  return route;
}

/** The answer a replay host gives to a GET or POST of a URL (full URL, then without the query). */
function answerOf(method: string, url: string) {
  const u = new URL(url);
  const entries = replayOf(u.hostname).entries.filter((e) => e.method === method);
  return entries.find((e) => e.url === url) ?? entries.find((e) => e.url.split('?')[0] === `${u.origin}${u.pathname}`);
}

const header = (entry: { headers: [string, string][] } | undefined, name: string) => entry?.headers.find(([n]) => n.toLowerCase() === name)?.[1];

// install=package builds the npm ESM build with esbuild (about a second per feature and region): the
// table below covers the snippet and proxy installs in all three forms, the package install once per region.
const cells = FEATURES.flatMap((feature) =>
  (['us', 'eu'] as const).flatMap((region) => [
    ...(['snippet', 'proxy'] as const).flatMap((install) =>
      (['external', 'inline', 'self'] as const).flatMap((embed) => [false, true].map((nonce) => ({ feature, region, install, embed, nonce }))),
    ),
    { feature, region, install: 'package' as const, embed: 'inline' as const, nonce: false },
  ]),
);

describe('customerio catalog entry', () => {
  it('has the feature ids of vendors.md and is judged by observation (real code, no probe)', () => {
    expect(customerio.features.map((f) => f.id)).toEqual([...FEATURES]);
    for (const feature of FEATURES) expect(customerio.expectations({ feature, params: {}, nonce: false }).some((e) => 'probe' in e)).toBe(false);
  });
  it('defaults to the inline snippet, US, snippet install', () => {
    expect(Object.fromEntries(customerio.params.map((p) => [p.key, p.default]))).toEqual({ embed: 'inline', region: 'us', install: 'snippet' });
  });
  it('keeps the seed directives verbatim; the documented policies add the seed nonce where the snippet is inline', () => {
    expect(CUSTOMERIO_US_POLICY).toBe(
      "script-src cdp.customer.io; connect-src cdp.customer.io *.api.gist.build *.cloud.gist.build; frame-src renderer.gist.build code.gist.build; style-src 'unsafe-inline';",
    );
    expect(CUSTOMERIO_EU_POLICY).toBe(CUSTOMERIO_US_POLICY.replaceAll('cdp.customer.io', 'cdp-eu.customer.io'));
    expect(customerio.documentedPolicies.map((p) => p.id)).toEqual(['customerio-us', 'customerio-eu', 'customerio-nonce', 'customerio-package', 'customerio-proxy']);
    for (const p of customerio.documentedPolicies) {
      const errors = parsePolicy((p.value ?? '').replaceAll('{{nonce}}', 'AAAAAAAAAAAAAAAAAAAAAAAA')).diagnostics.filter((d) => d.severity === 'error');
      expect(errors, p.id).toEqual([]);
      if (p.params.embed === 'inline') expect(p.value, p.id).toContain("'nonce-{{nonce}}'");
    }
  });
});

describe('routes: the package files unchanged, the servers stubbed', () => {
  it.each(['cdp.customer.io', 'cdp-eu.customer.io'])('%s serves dist/umd byte for byte at the CDN paths', (host) => {
    for (const key of Object.values(CUSTOMERIO_WRITE_KEYS)) {
      expect(answerOf('GET', customerioClientUrl(host, key))?.body.equals(readFileSync(join(UMD, 'standalone.js')))).toBe(true);
    }
    for (const chunk of CUSTOMERIO_IN_APP_CHUNKS) expect(answerOf('GET', `https://${host}/v1/analytics-js/${chunk}`)?.body.equals(readFileSync(join(UMD, chunk)))).toBe(true);
  });
  it.each([
    // host, key, apiHost the settings name, whether they enable in-app
    ['cdp.customer.io', 'csphWriteKey0001', 'cdp.customer.io/v1', true],
    ['cdp.customer.io', 'csphWriteKey0002', 'cdp.customer.io/v1', false],
    ['cdp-eu.customer.io', 'csphWriteKey0001', 'cdp-eu.customer.io/v1', true],
    ['cdp-eu.customer.io', 'csphWriteKey0002', 'cdp-eu.customer.io/v1', false],
  ] as const)('%s settings of %s: apiHost %s, in-app %s', (host, key, apiHost, inApp) => {
    const settings = answerOf('GET', `https://${host}/v1/projects/${key}/settings`);
    expect(header(settings, 'access-control-allow-origin')).toBe('*');
    const json = JSON.parse(settings!.body.toString('utf8')) as { integrations: Record<string, { apiHost?: string; siteId?: string }> };
    expect(json.integrations['Customer.io Data Pipelines']?.apiHost).toBe(apiHost);
    expect(json.integrations['Customer.io In-App Plugin']?.siteId !== undefined).toBe(inApp);
  });
  it.each(['i', 't', 'p', 'm'])('the tracking API /v1/%s answers 200 with CORS on every cdp host', (path) => {
    for (const host of ['cdp.customer.io', 'cdp-eu.customer.io']) {
      const answer = answerOf('POST', `https://${host}/v1/${path}`);
      expect(answer?.status).toBe(200);
      expect(header(answer, 'access-control-allow-origin')).toBe('*');
    }
  });
  it('the proxy domain (shared with Chargebee) is static layers: dist/umd at /v1/analytics-js/, then the US settings', () => {
    const layers = customerio.routes.filter((r) => r.host === 'analytics.example.com');
    expect(layers.map((r) => r.kind)).toEqual(['static', 'static']);
    const [pkg, answers] = layers as Extract<(typeof layers)[number], { kind: 'static' }>[];
    expect(pkg).toMatchObject({ dir: UMD, mount: '/v1/analytics-js/' });
    for (const key of Object.values(CUSTOMERIO_WRITE_KEYS)) {
      expect(pkg!.files?.[`/v1/analytics-js/snippet/${key}/analytics.min.js`]).toBe(join(UMD, 'standalone.js'));
      const settings = readFileSync(new URL(`fixtures/${answers!.dir}/v1/projects/${key}/settings`, ROOT), 'utf8');
      expect(settings).toBe(answerOf('GET', `https://cdp.customer.io/v1/projects/${key}/settings`)!.body.toString('utf8'));
    }
  });
  it('the gist queue answers one message, for the page origin, exposing X-CIO-Use-SSE', () => {
    const queue = answerOf('POST', `${GIST.queue}?sessionId=x`);
    expect(header(queue, 'content-type')).toBe('application/json');
    expect(header(queue, 'access-control-allow-origin')).toBe(PAGE_ORIGIN);
    expect(header(queue, 'x-cio-use-sse')).toBe('true');
    expect(header(queue, 'access-control-expose-headers')).toContain('X-CIO-Use-SSE');
    expect(header(queue, 'x-cio-inbox-enabled')).toBeUndefined();
    expect((JSON.parse(queue!.body.toString('utf8')) as { inAppMessages: unknown[] }).inAppMessages).toHaveLength(1);
    expect(answerOf('POST', GIST.queueLog)?.status).toBe(200);
    const sse = answerOf('GET', `${GIST.realtime}?userToken=x`);
    expect(header(sse, 'content-type')).toBe('text/event-stream');
    expect(sse?.body.toString('utf8')).toMatch(/^retry: \d+\n\nevent: connected\n/);
  });
  it('serves the renderer stand-ins, and nothing for engine.api.gist.build (the page never contacts it)', () => {
    expect(existsSync(new URL('fixtures/customerio/renderer.gist.build/3.0/index.html', ROOT))).toBe(true);
    expect(existsSync(new URL('fixtures/customerio/code.gist.build/renderer/3.0/index.html', ROOT))).toBe(true);
    expect(hostCovered('engine.api.gist.build')).toBe(false);
  });
});

describe.each(cells)('customerio $feature $region install=$install embed=$embed nonce=$nonce', ({ feature, region, install, embed, nonce }) => {
  const params = { region, install, embed };
  const page = pageOf(customerio, feature, params, { nonce });
  const reqs = requestsOf(customerio, feature, params, { nonce });
  const host = install === 'proxy' ? 'analytics.example.com' : HOST[region];
  const key = CUSTOMERIO_WRITE_KEYS[feature];

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
    expect(snippet).toContain(`analytics.load("${key}"`);
    if (install === 'proxy') expect(snippet).toContain('"cdnURL": "https://analytics.example.com"');
    if (embed === 'inline') expect(page.inlineScripts).toEqual([snippet]);
    if (embed === 'self') expect(page.files?.['customerio-snippet.js']?.body).toBe(snippet);
    if (embed === 'external') expect(page.body).toContain(`src="${customerioClientUrl(host, key)}"`);
  });

  it('lists requests on served hosts, from the host the client is loaded from', () => {
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
    expect(reqs.some((r) => r.type === 'connect' && r.url === `https://${host}/v1/projects/${key}/settings`)).toBe(true);
  });

  it('expects what the real code does for the feature', () => {
    const urls = reqs.map((r) => `${r.type} ${r.url}`);
    if (feature === 'tracking') {
      for (const p of ['i', 't', 'p']) expect(urls).toContain(`connect https://${host}/v1/${p}`);
      expect(urls.some((u) => u.includes('gist.build'))).toBe(false);
      return;
    }
    const chunks = CUSTOMERIO_IN_APP_CHUNKS.map((c) => `script https://${host}/v1/analytics-js/${c}`);
    for (const c of chunks) expect(urls.includes(c)).toBe(install !== 'package');
    expect(urls).toEqual(expect.arrayContaining([`frame ${GIST.renderer}`, `frame ${GIST.code}`, `connect ${GIST.queueLog}`, `connect https://${host}/v1/t`]));
    expect(urls.some((u) => u.startsWith(`connect ${GIST.queue}?sessionId=`))).toBe(true);
    expect(urls.some((u) => u.startsWith(`connect ${GIST.realtime}?`))).toBe(true);
    expect(urls.some((u) => u.includes('engine.api.gist.build'))).toBe(false);
    expect(reqs.filter((r) => r.type === 'inline-style').map((r) => r.content)).toEqual([CUSTOMERIO_GIST_STYLE]);
    const checks = customerio.expectations({ feature, params, nonce }).filter((e) => 'selector' in e || 'style' in e);
    expect(checks).toEqual([{ selector: '#gist-overlay.gist-visible' }, { style: '#gist-overlay', property: 'position', value: 'fixed' }]);
  });
});

describe('package install', () => {
  it.each(['us', 'eu'] as const)('bundles the npm build (%s): no cdp script, no CSP fallback, the site calls', (region) => {
    const entry = customerioPackageEntry('tracking', region);
    expect(entry).toContain("from '@customerio/cdp-analytics-browser'");
    expect(entry).toContain('writeKey: "csphWriteKey0002"');
    expect(entry.includes('cdnURL: "https://cdp-eu.customer.io"')).toBe(region === 'eu');
    const body = customerioPackageBundle('tracking', region);
    expect(body).not.toMatch(/\bimport\(/);
    expect(body).not.toContain('analytics.classic.js');
    expect(body).toContain('Checkout Started');
  });
});

describe('the spec oracle on the seed policies', () => {
  const verdict = (policy: string, r: FeatureRequest) => {
    const v = check(parsePolicy(policy).policies, { type: r.type, url: r.url || undefined, origin: PAGE_ORIGIN, initiator: r.initiator, content: r.content });
    if ('error' in v) throw new Error(v.error);
    return v.allowed;
  };
  it.each(FEATURES)('the US directives taken literally refuse the inline snippet (%s)', (feature) => {
    const snippet = requestsOf(customerio, feature, { embed: 'inline' }, { nonce: false }).find((r) => r.type === 'inline-script')!;
    expect(verdict(CUSTOMERIO_US_POLICY, snippet)).toBe(false);
  });
  it.each(FEATURES)('without *.api.gist.build the US directives still allow every %s request', (feature) => {
    const trimmed = CUSTOMERIO_US_POLICY.replace(' *.api.gist.build', '');
    for (const r of requestsOf(customerio, feature, { embed: 'self' }, { nonce: false }).filter((x) => !x.url.startsWith(`${PAGE_ORIGIN}/`))) {
      expect(verdict(trimmed, r), r.url).toBe(true);
    }
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
