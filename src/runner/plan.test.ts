import { describe, expect, it } from 'vitest';
import { parseShard, planForPolicies, planForScenarios, PlanError, shardCells, type Selection } from './plan.ts';
import { TEST_CATALOG } from './testCatalog.ts';
import type { LoadedScenario } from './scenario.ts';

const all: Selection = { vendors: null, features: null, params: {}, browsers: ['chromium', 'firefox', 'webkit'] };
const policy = [{ value: "img-src 'self'", delivery: 'header' as const }];

describe('planForPolicies', () => {
  it.each([
    ['everything', all, 5 * 3],
    ['one vendor', { ...all, vendors: ['beta'] }, 3 * 3],
    ['one feature', { ...all, features: ['icons'] }, 1 * 3],
    ['one browser', { ...all, browsers: ['webkit'] as const }, 5],
    ['a param for the vendor that has it', { ...all, params: { region: 'eu-central-1' } }, 15],
  ] as const)('%s → %i cells', (_n, selection, count) => {
    expect(planForPolicies(TEST_CATALOG, [policy], selection as Selection)).toHaveLength(count);
  });

  it('several candidates multiply the cells and get their own ids', () => {
    const cells = planForPolicies(TEST_CATALOG, [policy, policy], { ...all, browsers: ['chromium'] });
    expect(cells).toHaveLength(10);
    expect(new Set(cells.map((c) => c.id)).size).toBe(10);
    expect(cells.map((c) => c.policyIndex)).toContain(1);
  });

  it('ids name non-default params only', () => {
    const [cell] = planForPolicies(TEST_CATALOG, [policy], { ...all, vendors: ['beta'], features: ['icons'], browsers: ['firefox'], params: { region: 'eu-central-1' } });
    expect(cell?.id).toBe('policy/beta/icons[region=eu-central-1]/firefox');
    expect(cell?.params).toEqual({ embed: 'inline', region: 'eu-central-1' });
  });

  it.each([
    ['unknown vendor', { ...all, vendors: ['gamma'] }, 'CSPH_UNKNOWN_VENDOR', /known: alpha, beta/],
    ['unknown feature', { ...all, features: ['nope'] }, 'CSPH_UNKNOWN_FEATURE', /nope/],
    ['unknown param', { ...all, params: { colour: 'red' } }, 'CSPH_UNKNOWN_PARAM', /colour/],
    ['bad param value', { ...all, params: { region: 'mars' } }, 'CSPH_BAD_PARAM', /us-east-1\|eu-central-1/],
    ['feature of another vendor', { ...all, vendors: ['alpha'], features: ['icons'] }, 'CSPH_UNKNOWN_FEATURE', /alpha: button window/],
  ] as const)('%s → %s', (_n, selection, code, message) => {
    try {
      planForPolicies(TEST_CATALOG, [policy], selection as Selection);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PlanError);
      expect((error as PlanError).code).toBe(code);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe('planForScenarios', () => {
  const scenario: LoadedScenario = {
    id: 'beta-icons',
    title: 't',
    vendor: 'beta',
    features: ['icons', 'api'],
    browsers: ['chromium', 'webkit'],
    policies: policy,
    expect: { default: 'pass', features: { icons: { status: 'fail', violations: [{ effectiveDirective: 'img-src', blockedURI: 'data' }] } } },
    file: 'scenarios/beta.json',
  };
  it('takes features and browsers from the scenario and attaches expectations', () => {
    const cells = planForScenarios(TEST_CATALOG, [{ scenario, policies: policy }], all);
    expect(cells.map((c) => c.id)).toEqual(['beta-icons/beta/icons/chromium', 'beta-icons/beta/icons/webkit', 'beta-icons/beta/api/chromium', 'beta-icons/beta/api/webkit']);
    expect(cells[0]?.expectation?.status).toBe('fail');
    expect(cells[2]?.expectation?.status).toBe('pass');
  });
  it('a --vendor filter drops other vendors’ scenarios', () => {
    expect(planForScenarios(TEST_CATALOG, [{ scenario, policies: policy }], { ...all, vendors: ['alpha'] })).toHaveLength(0);
  });
});

describe('shards', () => {
  const cells = planForPolicies(TEST_CATALOG, [policy], all);
  it.each([1, 2, 3, 4, 7])('%i shards cover every cell exactly once', (n) => {
    const parts = Array.from({ length: n }, (_, i) => shardCells(cells, { index: i + 1, total: n }));
    const ids = parts.flat().map((c) => c.id);
    expect(ids).toHaveLength(cells.length);
    expect(new Set(ids)).toEqual(new Set(cells.map((c) => c.id)));
    for (const p of parts) expect(Math.abs(p.length - cells.length / n)).toBeLessThan(1);
  });
  it('is deterministic whatever the input order', () => {
    const reversed = [...cells].reverse();
    expect(shardCells(reversed, { index: 2, total: 3 }).map((c) => c.id)).toEqual(shardCells(cells, { index: 2, total: 3 }).map((c) => c.id));
  });
  it.each([
    ['1/3', { index: 1, total: 3 }],
    [' 3/3 ', { index: 3, total: 3 }],
  ])('parses %j', (text, want) => expect(parseShard(text)).toEqual(want));
  it.each(['0/3', '4/3', '1/0', 'a/b', '1-3', ''])('rejects %j', (text) => expect(() => parseShard(text)).toThrow(/i\/n/));
});
