import { describe, expect, it } from 'vitest';
import { suggestJson, suggestText, type SuggestResult } from './suggestOutput.ts';

const base: SuggestResult = {
  policy: "default-src 'self'; img-src 'self' data:",
  style: 'allowlist',
  strictBlockers: null,
  fromUser: false,
  cells: 2,
  pass: 2,
  browsers: ['chromium', 'firefox'],
  additions: [{ entry: 0, policy: 0, directive: 'img-src', source: 'data:', created: true, round: 1, cells: ['policy/v/icons/chromium', 'policy/v/icons/firefox'] }],
  proofs: [{ directive: 'img-src', source: 'data:', failing: ['policy/v/icons/chromium'], ran: 2 }],
  dropped: [],
  uses: null,
  evaluator: [],
  steps: [{ round: 0, policy: "default-src 'self'", cells: 2 }],
  remaining: [],
};

describe('suggestText', () => {
  it.each<[string, Partial<SuggestResult>, string[], string[]]>([
    ['verified, with its proof', {}, ['Added:', "  img-src data:  ← policy/v/icons (chromium, firefox)", 'Each added source is needed — without it:', '  img-src data:  policy/v/icons (chromium) fails', 'csp_evaluator: no high-severity finding', 'verified: 2 cells pass in chromium, firefox'], ['not verified']],
    ['nothing added, verified', { additions: [], proofs: [] }, ['Added: nothing (the base policy already passes)'], ['Each added source']],
    ['nothing added, your policy', { additions: [], proofs: [], fromUser: true }, ['Added: nothing (your policy already passes)'], []],
    ['nothing added, not verified', { additions: [], proofs: null, pass: 1, remaining: [{ id: 'policy/v/x/chromium', status: 'fail', reason: 'r' }] }, ['Added: nothing', 'not verified: 1 of 2 cells pass in chromium, firefox; still failing:', '  policy/v/x/chromium: r'], ['already passes']],
    ['a source no cell needed, taken out', { proofs: [{ directive: 'img-src', source: 'https://a.test', failing: [], ran: 2 }], dropped: [{ directive: 'img-src', source: 'https://a.test', failing: [], ran: 2 }] }, ['  img-src https://a.test  no cell failed (2 ran): taken out, and the policy without it passed every cell'], []],
    ['a source no cell needed alone, kept', { proofs: [{ directive: 'img-src', source: 'https://a.test', failing: [], ran: 2 }] }, ['  img-src https://a.test  no cell failed (2 ran) — kept: without every such source, a cell failed'], []],
    ['strict fell back', { strictBlockers: ['p/button: script-src-attr blocked inline (chromium)'] }, ["--style strict does not work for every selected feature: under 'strict-dynamic' the engines blocked", '  p/button: script-src-attr blocked inline (chromium)', 'so this policy uses host allow-lists.', 'Suggested policy:'], ['(strict:']],
    ['strict', { style: 'strict' }, ["Suggested policy (strict: nonce and 'strict-dynamic'):"], []],
    ['a forced high finding', { evaluator: [{ directive: 'script-src', value: "'unsafe-inline'", message: 'm.', forcedBy: ['p/button'] }] }, ['csp_evaluator high-severity findings:', "  script-src 'unsafe-inline': m. — forced by p/button"], ['no high-severity']],
    ['a high finding from your policy', { fromUser: true, evaluator: [{ directive: 'script-src', value: "'unsafe-inline'", message: 'm.', forcedBy: [] }] }, ["  script-src 'unsafe-inline': m. — from your policy"], []],
    ['your sources, one not needed', { uses: { ran: 4, sources: [{ directive: 'img-src', source: 'https://old.test', cells: [] }, { directive: 'img-src', source: 'data:', cells: ['policy/v/icons/chromium'] }] } }, ['Not needed by any selected cell in any engine (a report-only copy without your URL sources, 4 cells in chromium, firefox, reported no request that only it allowed):', '  img-src https://old.test'], []],
    ['your sources, all needed', { uses: { ran: 4, sources: [{ directive: 'img-src', source: 'data:', cells: ['policy/v/icons/chromium'] }] } }, ['Every URL source of your policy was needed (a report-only copy without your URL sources, 4 cells in chromium, firefox).'], ['Not needed']],
  ])('%s', (_name, change, present, absent) => {
    const lines = suggestText({ ...base, ...change }).split('\n');
    for (const line of present) expect(lines).toContain(line);
    for (const text of absent) expect(lines.some((l) => l.includes(text)), text).toBe(false);
  });
});

describe('suggestJson', () => {
  it('holds the contract fields and the additions', () => {
    const json = JSON.parse(suggestJson({ ...base, uses: { ran: 2, sources: [{ directive: 'img-src', source: 'https://old.test', cells: [] }] } })) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['policy', 'style', 'verified', 'added', 'forced', 'proof', 'dropped', 'unneeded', 'evaluator', 'steps', 'remaining']);
    expect(json).toMatchObject({ verified: { cells: 2, pass: 2 }, added: ['img-src data:'], proof: [{ source: 'img-src data:', needed: true, failingWithout: ['policy/v/icons/chromium'], ran: 2 }], unneeded: ['img-src https://old.test'] });
  });
});
