import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VENDORS } from '../vendors/index.ts';
import { withVendorFolders } from './index.ts';
import { loadVendorFolder, VendorFolderError, withNonces, inlineScriptsOf } from './load.ts';

const TINY = new URL('../../test/fixtures/vendor-dirs/tiny-chat/', import.meta.url).pathname;
const TINY_HAR = readFileSync(join(TINY, 'traffic.har'), 'utf8');
const TINY_JSON = JSON.parse(readFileSync(join(TINY, 'vendor.json'), 'utf8')) as Record<string, unknown>;

/** A vendor folder in a temp dir: vendor.json (text or object) and files. */
function folder(vendor: unknown, files: Record<string, string> = { 'traffic.har': TINY_HAR }): string {
  const dir = mkdtempSync(join(tmpdir(), 'csph-vendor-'));
  writeFileSync(join(dir, 'vendor.json'), typeof vendor === 'string' ? vendor : JSON.stringify(vendor, null, 2));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function problemsOf(dir: string, taken?: Map<string, string>) {
  try {
    loadVendorFolder(dir, { takenIds: taken });
  } catch (error) {
    if (error instanceof VendorFolderError) return error.problems.map((p) => ({ file: p.file.slice(dir.length + 1), pointer: p.pointer, line: p.line, message: p.message }));
    throw error;
  }
  return [];
}

describe('loadVendorFolder: a good folder', () => {
  it('gives the features, routes and pages of the tiny-chat fixture', () => {
    const v = loadVendorFolder(TINY);
    expect(v.id).toBe('tiny-chat');
    expect(v.folder).toBe(TINY.replace(/\/$/, ''));
    expect(v.features.map((f) => f.id)).toEqual(['launcher', 'logo', 'config', 'window', 'realtime']);
    expect(v.features.find((f) => f.id === 'launcher')?.directives).toEqual(['script-src', 'style-src']);
    expect(v.routes.map((r) => `${r.kind} ${r.host}`)).toEqual(['replay widget.tiny.test', 'replay cdn.tiny.test', 'replay api.tiny.test', 'ws-replay rt.tiny.test']);
    expect(v.expectations({ feature: 'logo', params: {}, nonce: false })).toEqual([{ request: 'https://cdn.tiny.test/logo.png', as: 'image' }]);
    expect(v.expectations({ feature: 'window', params: {}, nonce: false })).toEqual([{ frame: 'https://widget.tiny.test/frame/**', example: 'https://widget.tiny.test/frame/chat.html' }]);
    expect(v.page({ feature: 'logo', params: {}, nonce: true }).body).toContain('<script nonce="{{nonce}}" src="https://widget.tiny.test/loader.js" async>');
    expect(v.page({ feature: 'logo', params: {}, nonce: false }).body).toContain('<script src="https://widget.tiny.test/loader.js" async>');
  });

  it('derives one feature per kind of resource when vendor.json has none', () => {
    const v = loadVendorFolder(folder({ ...TINY_JSON, features: undefined }));
    expect(v.features.map((f) => f.id)).toEqual(['scripts', 'styles', 'images', 'connections', 'frames', 'websockets']);
    expect(v.expectations({ feature: 'connections', params: {}, nonce: false })).toEqual([{ request: 'https://api.tiny.test/v1/config', as: 'connect' }]);
    expect(v.features[0]!.seedRef).toMatch(/derived from the traffic/);
  });

  it.each([
    ['DevTools ("Save all as HAR with content")', 'devtools.har', ['widget.acme.test', 'rt.acme.test']],
    ["Playwright's recordHar", 'playwright.har', ['app.pwvendor.test', 'rt.pwvendor.test']],
  ])('accepts a HAR saved by %s as its traffic', (_, file, hosts) => {
    const har = readFileSync(new URL(`../../test/fixtures/har/${file}`, import.meta.url), 'utf8');
    const v = loadVendorFolder(folder({ id: 'saved', title: 'Saved', embed: '<p></p>', traffic: ['saved.har'] }, { 'saved.har': har }));
    expect([...new Set(v.routes.map((r) => r.host))].sort()).toEqual([...hosts].sort());
    expect(v.features.length).toBeGreaterThan(0);
  });

  it('joins the catalog after the bundled vendors', () => {
    const catalog = withVendorFolders(VENDORS, [TINY]);
    expect(catalog.map((v) => v.id).slice(-1)).toEqual(['tiny-chat']);
    expect(catalog.length).toBe(VENDORS.length + 1);
  });
});

describe('loadVendorFolder: bad input names the file, the pointer, the line', () => {
  const base = { id: 'acme', title: 'Acme', embed: '<script src="https://widget.tiny.test/loader.js"></script>', traffic: ['traffic.har'] };
  it.each([
    ['not JSON', '{ "id": "acme", ', [{ file: 'vendor.json', pointer: '', line: 1, message: expect.stringMatching(/JSON|end/i) }]],
    ['no id', { ...base, id: undefined }, [{ file: 'vendor.json', pointer: '', line: 1, message: '"id" is required' }]],
    ['a bad id', { ...base, id: 'Acme Chat' }, [{ file: 'vendor.json', pointer: '/id', line: 2, message: expect.stringContaining('lower-case') }]],
    ['an unknown key', { ...base, colour: 'red' }, [{ file: 'vendor.json', pointer: '/colour', line: 8, message: 'unknown key "colour"' }]],
    [
      'an unknown expectation kind',
      { ...base, features: { chat: { title: 'Chat', expect: [{ request: 'https://widget.tiny.test/loader.js' }, { screenshot: '#x' }] } } },
      [{ file: 'vendor.json', pointer: '/features/chat/expect/1', line: 15, message: expect.stringContaining('unknown expectation kind "screenshot"') }],
    ],
    [
      'two kinds in one expectation',
      { ...base, features: { chat: { title: 'Chat', expect: [{ request: 'https://a.test/x', frame: 'https://a.test/y' }] } } },
      [{ file: 'vendor.json', pointer: '/features/chat/expect/0', line: 12, message: 'one kind per expectation, this one has request and frame' }],
    ],
    [
      'a style without its value',
      { ...base, features: { chat: { title: 'Chat', expect: [{ style: '#x', property: 'position' }] } } },
      [{ file: 'vendor.json', pointer: '/features/chat/expect/0', line: 12, message: 'a style expectation needs "value"' }],
    ],
    [
      'a relative request URL',
      { ...base, features: { chat: { title: 'Chat', expect: [{ request: '/loader.js' }] } } },
      [{ file: 'vendor.json', pointer: '/features/chat/expect/0/request', line: 13, message: expect.stringContaining('absolute URL pattern') }],
    ],
    ['a missing HAR', { ...base, traffic: ['missing.har'] }, [{ file: 'vendor.json', pointer: '/traffic/0', line: 6, message: expect.stringContaining('no such file: missing.har') }]],
  ])('%s', (_, vendor, expected) => {
    expect(problemsOf(folder(vendor))).toEqual(expected);
  });

  it('a corrupt HAR: its syntax error by line and column', () => {
    const problems = problemsOf(folder(base, { 'traffic.har': '{"log": {"entries": [\n  {"request": }\n]}}' }));
    expect(problems).toEqual([{ file: 'traffic.har', pointer: '', line: 2, message: expect.stringMatching(/^not a HAR: /) }]);
  });

  it('a HAR entry with a wrong field: its pointer and line', () => {
    const har = JSON.parse(TINY_HAR) as { log: { entries: { response: { status: unknown } }[] } };
    har.log.entries[2]!.response.status = 'ok';
    const problems = problemsOf(folder(base, { 'traffic.har': JSON.stringify(har, null, 2) }));
    expect(problems).toEqual([{ file: 'traffic.har', pointer: '/log/entries/2/response/status', line: expect.any(Number), message: 'not an HTTP status' }]);
    expect(problems[0]!.line).toBeGreaterThan(50);
  });

  it('an id that clashes with a bundled vendor', () => {
    expect(() => withVendorFolders(VENDORS, [folder({ ...base, id: 'velaro' })])).toThrow(/\/id.*the id "velaro" is already a bundled vendor/s);
  });

  it('an id clash is named together with the other problems of vendor.json', () => {
    const vendor = { ...base, id: 'velaro', features: { chat: { title: 'Chat', expect: [{ pixel: '#x' }] } } };
    expect(problemsOf(folder(vendor), new Map([['velaro', 'a bundled vendor']])).map((p) => p.pointer)).toEqual(['/id', '/features/chat/expect/0']);
  });

  it('two folders with one id', () => {
    expect(() => withVendorFolders(VENDORS, [folder(base), folder(base)])).toThrow(/already the id of the vendor folder/);
  });

  it('no such folder, and a folder without vendor.json', () => {
    expect(() => loadVendorFolder('/nonexistent/acme')).toThrow(/no such folder/);
    expect(() => loadVendorFolder(mkdtempSync(join(tmpdir(), 'csph-empty-')))).toThrow(/vendor\.json.*missing/s);
  });
});

describe('embed helpers', () => {
  it.each([
    ['<script src="a.js"></script>', '<script nonce="{{nonce}}" src="a.js"></script>'],
    ['<SCRIPT>x()</SCRIPT><style>p{}</style>', '<SCRIPT nonce="{{nonce}}">x()</SCRIPT><style nonce="{{nonce}}">p{}</style>'],
    ['<script nonce="own">x()</script>', '<script nonce="own">x()</script>'],
    ['<div>no scripts</div>', '<div>no scripts</div>'],
  ])('withNonces(%s)', (html, expected) => {
    expect(withNonces(html)).toBe(expected);
  });

  it('inlineScriptsOf keeps inline blocks only', () => {
    expect(inlineScriptsOf('<script src="a.js"></script><script>one()</script><script type="module">two()</script>')).toEqual(['one()', 'two()']);
  });
});
