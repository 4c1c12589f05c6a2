// A tiny vendor catalog for the runner's unit tests (the real one lives in src/vendors/).
import type { Vendor } from '../vendors/types.ts';

function vendor(id: string, features: string[], params: Vendor['params']): Vendor {
  return {
    id,
    title: id,
    seed: 'test.txt',
    params,
    features: features.map((f) => ({ id: f, title: f, directives: ['img-src'], seedRef: 'test.txt:1' })),
    hosts: [{ pattern: `cdn.${id}.test`, dir: `${id}/cdn` }],
    documentedPolicies: [],
    page: (feature) => ({ body: `<p>${feature}</p>`, inlineScripts: [], inlineStyles: [] }),
    requests: (feature) => [{ type: 'image', url: `https://cdn.${id}.test/${feature}.png` }],
  };
}

export const TEST_CATALOG: Vendor[] = [
  vendor('alpha', ['button', 'window'], [{ key: 'embed', values: ['external', 'inline', 'self'], default: 'external', description: '' }]),
  vendor('beta', ['icons', 'api', 'websocket'], [
    { key: 'embed', values: ['external', 'inline', 'self'], default: 'inline', description: '' },
    { key: 'region', values: ['us-east-1', 'eu-central-1'], default: 'us-east-1', description: '' },
  ]),
];
