// A tiny vendor catalog for the runner's unit tests (the real one lives in src/vendors/).
import { defineVendor } from '../vendors/define.ts';
import type { PolicySource, Vendor, VendorParam } from '../vendors/types.ts';

/** beta's own policy format: `{ "header": "…" }`. */
export const BETA_CONFIG: PolicySource = {
  flag: 'beta-config',
  key: 'betaConfig',
  description: 'beta policy file (JSON)',
  errorCode: 'CSPH_BAD_BETA_CONFIG',
  compile(text) {
    try {
      const header = (JSON.parse(text) as { header?: unknown }).header;
      return typeof header === 'string' ? { ok: true, header, warnings: [] } : { ok: false, errors: [{ pointer: '/header', message: 'must be a string' }], warnings: [] };
    } catch (error) {
      return { ok: false, errors: [{ pointer: '', message: (error as Error).message }], warnings: [] };
    }
  },
};

function vendor(id: string, features: string[], params: readonly VendorParam[], policySources: readonly PolicySource[] = []): Vendor {
  return defineVendor({
    id,
    title: id,
    seed: 'test.txt',
    params,
    features: features.map((f) => ({ id: f, title: f, directives: ['img-src'], seedRef: 'test.txt:1' })),
    routes: [{ kind: 'static', host: `cdn.${id}.test`, dir: 'cdn' }],
    documentedPolicies: [],
    policySources,
    embed: () => ({ loaderUrl: `https://cdn.${id}.test/loader.js`, snippet: '', selfFile: `${id}.js` }),
    feature: (cell) => [{ request: `https://cdn.${id}.test/${cell.feature}.png`, as: 'image' }],
  });
}

export const TEST_CATALOG: Vendor[] = [
  vendor('alpha', ['button', 'window'], [{ key: 'embed', values: ['external', 'inline', 'self'], default: 'external', description: '' }]),
  vendor('beta', ['icons', 'api', 'websocket'], [
    { key: 'embed', values: ['external', 'inline', 'self'], default: 'inline', description: '' },
    { key: 'region', values: ['us-east-1', 'eu-central-1'], default: 'us-east-1', description: '' },
  ], [BETA_CONFIG]),
];
