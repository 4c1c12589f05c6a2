import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, mergeConfig, validateConfig } from './config.ts';

describe('validateConfig', () => {
  it.each([
    ['unknown key', { polices: ['x'] }, /unknown key "polices"/],
    ['wrong type', { concurrency: '3' }, /"concurrency" must be a number; got "3"/],
    ['array of strings', { browsers: ['chromium', 3] }, /"browsers" must be an array of strings/],
    ['record', { params: { region: 1 } }, /"params" must be an object of strings/],
    ['not an object', ['x'], /must be an object \(got array\)/],
  ])('%s', (_n, data, message) => {
    expect(() => validateConfig(data, 'c.json')).toThrow(message);
  });
  it('accepts every key', () => {
    expect(validateConfig({ policies: ['a'], vendors: ['genesys'], params: { region: 'eu-central-1' }, concurrency: 2, lenient: true }, 'c.json').concurrency).toBe(2);
  });
});

describe('mergeConfig: flags win, unset flags keep the file', () => {
  it.each([
    ['flag overrides', { vendors: ['a'] }, { vendors: ['b'] }, { vendors: ['b'] }],
    ['empty flag list keeps the file', { vendors: ['a'] }, { vendors: [] }, { vendors: ['a'] }],
    ['undefined keeps the file', { out: 'x' }, { out: undefined }, { out: 'x' }],
    ['empty params keep the file', { params: { r: '1' } }, { params: {} }, { params: { r: '1' } }],
    ['flags add keys', {}, { timeout: 5 }, { timeout: 5 }],
  ])('%s', (_n, file, flags, want) => expect(mergeConfig(file, flags)).toEqual(want));
});

describe('loadConfigFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csph-cfg-'));
  it('finds csp-harness.config.json in the directory', async () => {
    writeFileSync(join(dir, 'csp-harness.config.json'), JSON.stringify({ vendors: ['genesys'] }));
    expect((await loadConfigFile(undefined, dir))?.config).toEqual({ vendors: ['genesys'] });
  });
  it('loads a .ts config with defineConfig', async () => {
    const path = join(dir, 'my.config.ts');
    writeFileSync(path, `import { defineConfig } from '${join(process.cwd(), 'src/index.ts')}';\nexport default defineConfig({ browsers: ['firefox'], timeout: 5000 });\n`);
    expect((await loadConfigFile(path, dir))?.config).toEqual({ browsers: ['firefox'], timeout: 5000 });
  });
  it.each([
    ['missing file', 'nope.json', '', /no such file/],
    ['bad JSON', 'bad.json', '{', /not valid JSON/],
    ['bad key', 'key.json', '{"vendor": "x"}', /unknown key "vendor"/],
  ])('%s', async (_n, name, text, message) => {
    if (text) writeFileSync(join(dir, name), text);
    await expect(loadConfigFile(name, dir)).rejects.toThrow(ConfigError);
    await expect(loadConfigFile(name, dir)).rejects.toThrow(message);
  });
  it('no file, no config', async () => {
    expect(await loadConfigFile(undefined, mkdtempSync(join(tmpdir(), 'csph-none-')))).toBeNull();
  });
});
