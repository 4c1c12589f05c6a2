import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePolicySource, describeProblem, PolicySourceError } from './policySource.ts';
import { BETA_CONFIG } from './testCatalog.ts';

const dir = mkdtempSync(join(tmpdir(), 'csph-source-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('compilePolicySource: one path, one message format, the source’s own code', () => {
  it('compiles a good file to its header', () => {
    expect(compilePolicySource(BETA_CONFIG, file('good.json', '{"header": "img-src data:"}'))).toEqual({ header: 'img-src data:', warnings: [] });
  });

  it.each([
    ['an invalid file', 'bad.json', '{"header": 5}', 'CSPH_BAD_BETA_CONFIG', /bad\.json is not a valid beta policy file \(JSON\); 1 problem:\n {2}.*bad\.json at \/header: must be a string/],
    ['a file that is not JSON', 'broken.json', '{', 'CSPH_BAD_BETA_CONFIG', /broken\.json: .*JSON/],
  ])('%s: code and message', (_name, name, text, code, message) => {
    const path = file(name, text);
    let thrown: unknown;
    try {
      compilePolicySource(BETA_CONFIG, path);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PolicySourceError);
    expect((thrown as PolicySourceError).code).toBe(code);
    expect((thrown as Error).message).toMatch(message);
  });

  it('a missing file names the flag', () => {
    expect(() => compilePolicySource(BETA_CONFIG, join(dir, 'nope.json'), 'nope.json')).toThrow(/cannot read --beta-config nope\.json: no such file/);
  });

  it.each([
    [{ pointer: '', message: 'm' }, 'f.json: m'],
    [{ pointer: '/a', message: 'm', line: 2 }, 'f.json:2 at /a: m'],
    [{ pointer: '/a/0', message: 'm', line: 2, column: 7 }, 'f.json:2:7 at /a/0: m'],
  ])('describeProblem %j', (problem, line) => {
    expect(describeProblem('f.json', problem)).toBe(line);
  });
});
