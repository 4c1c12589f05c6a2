import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatScenarioProblem, loadScenarios } from './scenario.ts';
import { TEST_CATALOG } from './testCatalog.ts';

const good = {
  id: 'beta-icons',
  title: 'Beta icons',
  vendor: 'beta',
  features: ['icons'],
  policies: [{ value: "img-src 'self'", delivery: 'header' }],
  expect: { features: { icons: { status: 'fail', violations: [{ effectiveDirective: 'img-src', blockedURI: 'data' }] } } },
};

function load(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'csph-scn-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { dir, result: loadScenarios([dir], TEST_CATALOG, dir) };
}

describe('loadScenarios', () => {
  it('loads a good file, recursively', () => {
    const { result } = load({ 'beta/icons.json': JSON.stringify(good, null, 2) });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.scenarios.map((s) => s.id)).toEqual(['beta-icons']);
  });

  const bad = (patch: Record<string, unknown>) => JSON.stringify({ ...good, ...patch }, null, 2);
  it.each([
    ['truncated JSON', '{"id": "x",', '', /line 1|column|JSON/],
    ['unknown key', bad({ colour: 'red' }), '/colour', /unknown key "colour"/],
    ['missing vendor', JSON.stringify({ ...good, vendor: undefined }), '', /missing required key "vendor"/],
    ['bad id', bad({ id: 'Bad Id' }), '/id', /pattern/],
    ['unknown vendor', bad({ vendor: 'gamma' }), '/vendor', /unknown vendor "gamma"; known: alpha, beta/],
    ['unknown feature', bad({ features: ['nope'] }), '/features/0', /unknown feature "nope"/],
    ['bad param value', bad({ params: { region: 'mars' } }), '/params/region', /allowed: us-east-1, eu-central-1/],
    ['unknown param', bad({ params: { colour: 'red' } }), '/params/colour', /no parameter "colour"/],
    ['both policies and config', bad({ betaConfig: 'x.json' }), '', /exactly one of "policies" and "betaConfig"/],
    ['a policy source the catalog does not have', bad({ gammaConfig: 'x.json' }), '/gammaConfig', /unknown key "gammaConfig"/],
    ['neither policies nor config', JSON.stringify({ ...good, policies: undefined }), '', /exactly one of/],
    ['bad status', bad({ expect: { features: { icons: { status: 'maybe' } } } }), '/expect/features/icons/status', /pass, fail/],
    ['expectation of a feature not run', bad({ expect: { features: { api: { status: 'pass' } } } }), '/expect/features/api', /does not run/],
    ['browser override without a reason', bad({ expect: { features: { icons: { status: 'fail', browsers: { webkit: { status: 'pass' } } } } } }), '/expect/features/icons/browsers/webkit', /reason/],
    ['unknown browser', bad({ browsers: ['safari'] }), '/browsers/0', /chromium, firefox, webkit/],
    ['missing policy-source file', JSON.stringify({ ...good, policies: undefined, betaConfig: 'nope.json' }), '/betaConfig', /no such file/],
  ])('%s', (_name, text, pointer, message) => {
    const { result } = load({ 's.json': text });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const p = result.problems.find((x) => x.pointer === pointer && message.test(x.message));
    expect(p, JSON.stringify(result.problems)).toBeDefined();
    expect(formatScenarioProblem(p!)).toMatch(/s\.json/);
  });

  it('gives line and column of the field at fault', () => {
    const { result } = load({ 's.json': bad({ vendor: 'gamma' }) });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(formatScenarioProblem(result.problems[0]!)).toMatch(/s\.json:4:13: \/vendor: unknown vendor/);
  });

  it('refuses two scenarios with one id', () => {
    const { result } = load({ 'a.json': JSON.stringify(good), 'b.json': JSON.stringify(good) });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.message).toMatch(/also used by/);
  });

  it('refuses an empty directory and a missing path', () => {
    expect(load({}).result.ok).toBe(false);
    const r = loadScenarios(['/nonexistent/scenarios'], TEST_CATALOG, '/');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]?.message).toMatch(/no such file/);
  });
});

describe('a scenario naming a policy source', () => {
  it('resolves the file beside the scenario and keeps the source', () => {
    const { dir, result } = load({ 'beta/s.json': JSON.stringify({ ...good, policies: undefined, betaConfig: 'beta.cfg' }), 'beta/beta.cfg': '{"header": "img-src data:"}' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.scenarios[0]?.sourceFile).toMatchObject({ key: 'betaConfig', given: 'beta.cfg', path: join(dir, 'beta/beta.cfg') });
    expect(result.scenarios[0]?.sourceFile?.source.flag).toBe('beta-config');
  });
});
