import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, loadConfigFile, mergeConfig, resolveConfig, validateConfig } from './config.ts';
import { BETA_CONFIG } from './testCatalog.ts';

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
    expect((await loadConfigFile(undefined, [], dir))?.config).toEqual({ vendors: ['genesys'] });
  });
  it('loads a .ts config with defineConfig', async () => {
    const path = join(dir, 'my.config.ts');
    writeFileSync(path, `import { defineConfig } from '${join(process.cwd(), 'src/index.ts')}';\nexport default defineConfig({ browsers: ['firefox'], timeout: 5000 });\n`);
    expect((await loadConfigFile(path, [], dir))?.config).toEqual({ browsers: ['firefox'], timeout: 5000 });
  });
  it.each([
    ['missing file', 'nope.json', '', /no such file/],
    ['bad JSON', 'bad.json', '{', /not valid JSON/],
    ['bad key', 'key.json', '{"vendor": "x"}', /unknown key "vendor"/],
  ])('%s', async (_n, name, text, message) => {
    if (text) writeFileSync(join(dir, name), text);
    await expect(loadConfigFile(name, [], dir)).rejects.toThrow(ConfigError);
    await expect(loadConfigFile(name, [], dir)).rejects.toThrow(message);
  });
  it('no file, no config', async () => {
    expect(await loadConfigFile(undefined, [], mkdtempSync(join(tmpdir(), 'csph-none-')))).toBeNull();
  });
});

describe('resolveConfig: flags over the file over DEFAULTS, validated once', () => {
  const file = { path: 'c.json', config: { concurrency: 2, reporters: ['json'], out: 'from-file', betaConfig: 'b.json' } };

  it('fills every default', () => {
    const c = resolveConfig('run', {}, null, []);
    expect(c).toMatchObject({
      delivery: DEFAULTS.delivery,
      browserSource: DEFAULTS.browserSource,
      reporters: [...DEFAULTS.reporters],
      out: resolve(DEFAULTS.out),
      concurrency: DEFAULTS.concurrency,
      timeoutMs: DEFAULTS.timeoutMs,
      screenshots: DEFAULTS.screenshots,
      browsers: ['chromium', 'firefox', 'webkit'],
      shard: null,
      baseline: null,
      sourceFiles: [],
    });
    expect(c.site.origin).toBe(DEFAULTS.origin);
  });

  it.each([
    ['the file over the defaults', {}, { concurrency: 2, reporters: ['json'], out: resolve('from-file') }],
    ['flags over the file', { concurrency: 5, out: 'flag' }, { concurrency: 5, reporters: ['json'], out: resolve('flag') }],
    ['empty flag lists leave the file', { reporters: [] }, { reporters: ['json'] }],
  ])('%s', (_name, flags, want) => {
    expect(resolveConfig('run', flags, file, [])).toMatchObject(want);
  });

  it('parses the shard once, and the origin into the site context', () => {
    const c = resolveConfig('run', { shard: '2/3', origin: 'https://www.example.com' }, null, []);
    expect(c.shard).toEqual({ index: 2, total: 3 });
    expect([c.site.origin, c.site.secondOrigin]).toEqual(['https://www.example.com', 'https://other.example.com']);
  });

  it('picks up a policy source by its key', () => {
    expect(resolveConfig('run', {}, file, [BETA_CONFIG]).sourceFiles).toEqual([{ source: BETA_CONFIG, path: 'b.json' }]);
  });

  it.each([
    [{ delivery: 'smoke' as never }, /--delivery "smoke" is not one of: header, meta, report-only, header\+meta/],
    [{ browsers: ['safari' as never] }, /--browser "safari" is not one of/],
    [{ reporters: ['pdf'] }, /--reporter "pdf" is not one of/],
    [{ screenshots: 'some' as never }, /--screenshots "some" is not one of: failing, all/],
    [{ origin: 'ftp://x' }, /--origin "ftp:\/\/x" is not an http\(s\) origin/],
  ])('refuses %j', (flags, message) => {
    expect(() => resolveConfig('run', flags, null, [])).toThrow(message);
    expect(() => resolveConfig('run', flags, null, [])).toThrow(ConfigError);
  });

  it('refuses a bad shard with the planner’s message', () => {
    expect(() => resolveConfig('run', { shard: '4/3' }, null, [])).toThrow(/--shard expects i\/n/);
  });
});
