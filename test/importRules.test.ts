// The import rules of src/ (docs/architecture.md "## Import rules", enforced by `npm run lint` through
// dependency-cruiser): a small tree in os.tmpdir() with one forbidden import of each kind, cruised with
// the real config and the real table, must be reported under the right rule, and allowed imports not.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface ImportRow {
  folder: string;
  mayImport: string[];
  line: number;
}
interface ImportRulesModule {
  parseImportRules(markdown: string): ImportRow[];
  readImportRules(rootDir: string): ImportRow[];
  foldersWithoutRow(rootDir: string, rows: ImportRow[]): string[];
  EXEMPT_FOLDERS: string[];
}
interface DepcruiseConfig {
  forbidden: Array<{ name: string }>;
  required: Array<{ name: string }>;
  options: { tsPreCompilationDeps?: boolean; tsConfig?: { fileName?: string } };
}
interface Violation {
  type: string;
  from: string;
  to: string;
  rule: { name: string; severity: string };
  cycle?: Array<{ name: string }>;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const rules = require(join(root, 'scripts/importRules.cjs')) as ImportRulesModule;
const depcruiseBin = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** One file of the temporary tree; `imports` become import lines at its top. */
interface TreeFile {
  path: string;
  imports?: string[];
  body?: string;
}

function writeTree(dir: string, files: TreeFile[]): void {
  cpSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  cpSync(join(root, 'scripts/importRules.cjs'), join(dir, 'scripts/importRules.cjs'));
  mkdirSync(join(dir, 'docs'), { recursive: true });
  cpSync(join(root, 'docs/architecture.md'), join(dir, 'docs/architecture.md'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        verbatimModuleSyntax: true,
        allowImportingTsExtensions: true,
        noEmit: true,
      },
      include: ['src'],
    }),
  );
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'import-rules-fixture', private: true, type: 'module' }));
  // npm packages resolve as in the repo (the tree imports typescript)
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    const text = [...(f.imports ?? []), f.body ?? `export const marker = ${JSON.stringify(f.path)};`, ''].join('\n');
    writeFileSync(join(dir, f.path), text);
  }
}

interface DepcruiseRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the depcruise CLI the way `npm run lint` does, with cwd = the tree. */
function depcruise(cwd: string, ...extra: string[]): Promise<DepcruiseRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [depcruiseBin, 'src', '--config', '.dependency-cruiser.cjs', ...extra],
      { cwd, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

// Files whose imports break a rule: [rule, from, to]. For folder-without-row (a module rule) from = to;
// a cycle is one violation, named by the set of its modules.
interface ForbiddenCase {
  what: string;
  rule: string;
  from?: string;
  to?: string;
  cycle?: string[];
}
const forbiddenCases: ForbiddenCase[] = [
  { what: 'src/policy/ importing src/runner/', rule: 'layer-policy', from: 'src/policy/a.ts', to: 'src/runner/b.ts' },
  { what: 'src/engines/ importing src/collectors/', rule: 'layer-engines', from: 'src/engines/c.ts', to: 'src/collectors/d.ts' },
  { what: 'a type-only import a layer up (import type counts)', rule: 'layer-reporters', from: 'src/reporters/r.ts', to: 'src/runner/b.ts' },
  { what: 'src/shared/ importing a layer up', rule: 'layer-shared', from: 'src/shared/s.ts', to: 'src/policy/q.ts' },
  { what: 'a folder importing src/index.ts (the public API)', rule: 'layer-site', from: 'src/site/ctx.ts', to: 'src/index.ts' },
  { what: 'a cycle', rule: 'no-circular', cycle: ['src/runner/cycleA.ts', 'src/runner/cycleB.ts'] },
  { what: 'a cycle of type-only imports', rule: 'no-circular', cycle: ['src/site/t1.ts', 'src/site/t2.ts', 'src/site/t3.ts'] },
  { what: 'a cycle between test files (tests are not exempt from no-circular)', rule: 'no-circular', cycle: ['src/server/x.test.ts', 'src/server/x.testkit.ts'] },
  { what: "a vendor's folder importing a sibling vendor's folder", rule: 'vendor-not-to-sibling-vendor', from: 'src/vendors/alpha/index.ts', to: 'src/vendors/beta/index.ts' },
  // dependency-cruiser names core modules without the node: prefix
  { what: 'src/policy/ importing node:fs', rule: 'pure-no-node-builtins', from: 'src/policy/p.ts', to: 'fs' },
  { what: 'src/shared/ importing a core module by bare name', rule: 'pure-no-node-builtins', from: 'src/shared/s.ts', to: 'path' },
  { what: 'src/reporters/ importing node:crypto', rule: 'pure-no-node-builtins', from: 'src/reporters/r.ts', to: 'crypto' },
  { what: 'a folder with no row (its module)', rule: 'folder-without-row', from: 'src/newthing/x.ts', to: 'src/newthing/x.ts' },
  { what: 'a folder with no row (a module that imports nothing)', rule: 'folder-without-row', from: 'src/newthing/lone.ts', to: 'src/newthing/lone.ts' },
  { what: 'a listed folder importing a folder with no row', rule: 'layer-runner', from: 'src/runner/usesNew.ts', to: 'src/newthing/x.ts' },
];

// Imports the rules allow: [from, to] must not appear in any violation.
const allowedCases: Array<{ what: string; from: string; to: string }> = [
  { what: 'src/runner/ importing src/policy/', from: 'src/runner/ok.ts', to: 'src/policy/p.ts' },
  { what: 'src/cli/ importing src/runner/', from: 'src/cli/main.ts', to: 'src/runner/ok.ts' },
  { what: 'src/policy/ importing src/shared/', from: 'src/policy/p.ts', to: 'src/shared/s.ts' },
  { what: 'src/policy/ importing itself', from: 'src/policy/p.ts', to: 'src/policy/q.ts' },
  { what: 'src/vendors/ importing src/server/', from: 'src/vendors/types.ts', to: 'src/server/routes.ts' },
  { what: 'a vendor folder importing the vendor model', from: 'src/vendors/alpha/index.ts', to: 'src/vendors/types.ts' },
  { what: 'a vendor folder importing itself', from: 'src/vendors/alpha/index.ts', to: 'src/vendors/alpha/hosts.ts' },
  { what: 'src/index.ts importing anything', from: 'src/index.ts', to: 'src/cli/main.ts' },
  { what: 'a test file importing a layer up', from: 'src/policy/a.test.ts', to: 'src/runner/b.ts' },
  { what: 'a test file importing node:fs in a pure folder', from: 'src/policy/a.test.ts', to: 'fs' },
  { what: 'a testkit importing a layer up', from: 'src/engines/e.testkit.ts', to: 'src/collectors/d.ts' },
  { what: 'src/server/ importing node builtins', from: 'src/server/routes.ts', to: 'http' },
  { what: 'src/policy/ importing an npm package', from: 'src/policy/q.ts', to: 'node_modules/typescript/lib/typescript.js' },
];

const treeFiles: TreeFile[] = [
  // forbidden
  { path: 'src/policy/a.ts', imports: ["import { marker as b } from '../runner/b.ts';"], body: 'export const a = b;' },
  { path: 'src/runner/b.ts', body: 'export const marker = 1;\nexport type B = number;' },
  { path: 'src/engines/c.ts', imports: ["import { marker as d } from '../collectors/d.ts';"], body: 'export const c = d;' },
  { path: 'src/collectors/d.ts' },
  { path: 'src/reporters/r.ts', imports: ["import type { B } from '../runner/b.ts';", "import { createHash } from 'node:crypto';"], body: 'export const r: B = createHash("sha256").digest().length;' },
  { path: 'src/shared/s.ts', imports: ["import { join } from 'path';", "import type { Q } from '../policy/q.ts';"], body: 'export const s: Q = join("a").length;' },
  { path: 'src/site/ctx.ts', imports: ["import { api } from '../index.ts';"], body: 'export const ctx = api;' },
  { path: 'src/runner/cycleA.ts', imports: ["import { b } from './cycleB.ts';"], body: 'export const a = (): number => b();' },
  { path: 'src/runner/cycleB.ts', imports: ["import { a } from './cycleA.ts';"], body: 'export const b = (): number => a();' },
  { path: 'src/site/t1.ts', imports: ["import type { T2 } from './t2.ts';"], body: 'export type T1 = T2 | 1;' },
  { path: 'src/site/t2.ts', imports: ["import type { T3 } from './t3.ts';"], body: 'export type T2 = T3 | 2;' },
  { path: 'src/site/t3.ts', imports: ["import type { T1 } from './t1.ts';"], body: 'export type T3 = T1 | 3;' },
  { path: 'src/server/x.test.ts', imports: ["import { kit } from './x.testkit.ts';"], body: 'export const t = kit;' },
  { path: 'src/server/x.testkit.ts', imports: ["import { t } from './x.test.ts';"], body: 'export const kit = (): unknown => t;' },
  { path: 'src/vendors/alpha/index.ts', imports: ["import { marker as beta } from '../beta/index.ts';", "import type { Vendor } from '../types.ts';", "import { hosts } from './hosts.ts';"], body: 'export const alpha: Vendor = { beta, hosts };' },
  { path: 'src/vendors/alpha/hosts.ts', body: 'export const hosts = ["a.example"];' },
  { path: 'src/vendors/beta/index.ts' },
  { path: 'src/policy/p.ts', imports: ["import { readFileSync } from 'node:fs';", "import { s } from '../shared/s.ts';", "import { q } from './q.ts';"], body: 'export type P = number;\nexport const p = [readFileSync, s, q];' },
  { path: 'src/newthing/x.ts' },
  { path: 'src/newthing/lone.ts' },
  { path: 'src/runner/usesNew.ts', imports: ["import { marker } from '../newthing/x.ts';"], body: 'export const n = marker;' },
  // allowed
  { path: 'src/runner/ok.ts', imports: ["import { p } from '../policy/p.ts';"], body: 'export const ok = p;' },
  { path: 'src/cli/main.ts', imports: ["import { ok } from '../runner/ok.ts';"], body: 'export const main = ok;' },
  { path: 'src/policy/q.ts', imports: ["import ts from 'typescript';"], body: 'export type Q = number;\nexport const q = ts.version;' },
  { path: 'src/vendors/types.ts', imports: ["import type { Route } from '../server/routes.ts';"], body: 'export type Vendor = { beta: string; hosts: string[]; route?: Route };' },
  { path: 'src/server/routes.ts', imports: ["import { createServer } from 'node:http';"], body: 'export type Route = string;\nexport const server = createServer;' },
  { path: 'src/index.ts', imports: ["import { main } from './cli/main.ts';"], body: 'export const api = main;' },
  { path: 'src/policy/a.test.ts', imports: ["import { marker } from '../runner/b.ts';", "import { readFileSync } from 'node:fs';"], body: 'export const t = [marker, readFileSync];' },
  { path: 'src/engines/e.testkit.ts', imports: ["import { marker } from '../collectors/d.ts';"], body: 'export const kit = marker;' },
  { path: 'src/types/ambient.d.ts', body: "declare module 'ambient-thing' { export const x: number; }" },
];

describe('import rules: a tree with one forbidden import of each kind', () => {
  let dir = '';
  let violations: Violation[] = [];
  let jsonRun: DepcruiseRun;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'csph-import-rules-'));
    writeTree(dir, treeFiles);
    jsonRun = await depcruise(dir, '--output-type', 'json');
    const result = JSON.parse(jsonRun.stdout) as { summary: { violations: Violation[] } };
    violations = result.summary.violations;
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const key = (c: ForbiddenCase) =>
    c.cycle ? `${c.rule}: cycle of ${[...c.cycle].sort().join(', ')}` : `${c.rule}: ${c.from} → ${c.to}`;
  const violationKey = (v: Violation) =>
    key(v.cycle ? { what: '', rule: v.rule.name, cycle: [...new Set([v.from, ...v.cycle.map((m) => m.name)])] } : { what: '', rule: v.rule.name, from: v.from, to: v.to });
  const found = () => violations.map(violationKey);

  it.each(forbiddenCases)('reports $what under $rule', (c) => {
    expect(found()).toContain(key(c));
    expect(violations.find((v) => violationKey(v) === key(c))?.rule.severity).toBe('error');
  });

  // npm packages resolve through the node_modules symlink to the repo's real path
  const normal = (path: string) => path.replace(/^.*?node_modules\//, 'node_modules/');

  it.each(allowedCases)('allows $what', (c) => {
    expect(violations.filter((v) => !v.cycle && v.from === c.from && normal(v.to) === c.to)).toEqual([]);
  });

  it('the allowed imports really are in the cruised graph (so "not reported" means allowed)', () => {
    const graph = JSON.parse(jsonRun.stdout) as {
      modules: Array<{ source: string; dependencies: Array<{ resolved: string }> }>;
    };
    for (const c of allowedCases) {
      const deps = graph.modules.find((m) => m.source === c.from)?.dependencies.map((d) => normal(d.resolved)) ?? [];
      expect(deps, c.what).toContain(c.to);
    }
  });

  it('reports nothing else', () => {
    expect(found().sort()).toEqual(forbiddenCases.map(key).sort());
  });

  it('fails with a non-zero exit, naming the rule and the import (the output `npm run lint` prints)', async () => {
    // (the json reporter always exits 0; the default "err" reporter, which lint uses, exits with the error count)
    const run = await depcruise(dir);
    expect(run.code).toBe(forbiddenCases.length);
    expect(run.stdout).toContain('error layer-policy: src/policy/a.ts → src/runner/b.ts');
    expect(run.stdout).toContain('error layer-engines: src/engines/c.ts → src/collectors/d.ts');
    expect(run.stdout).toMatch(/error no-circular: src\/runner\/cycleA\.ts →\s+src\/runner\/cycleB\.ts →\s+src\/runner\/cycleA\.ts/);
    expect(run.stdout).toContain('error folder-without-row: src/newthing/x.ts');
    expect(run.stdout).toContain(`${forbiddenCases.length} dependency violations (${forbiddenCases.length} errors, 0 warnings)`);
  }, 120_000);

  it('exits 0 on a tree with only allowed imports', async () => {
    const clean = mkdtempSync(join(tmpdir(), 'csph-import-rules-clean-'));
    try {
      writeTree(clean, [
        { path: 'src/shared/s.ts' },
        { path: 'src/policy/p.ts', imports: ["import { marker } from '../shared/s.ts';"], body: 'export const p = marker;' },
        { path: 'src/runner/ok.ts', imports: ["import type { p } from '../policy/p.ts';", "import { readFileSync } from 'node:fs';"], body: 'export const ok: typeof p = String(readFileSync);' },
      ]);
      const run = await depcruise(clean);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    } finally {
      rmSync(clean, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('import rules: docs/architecture.md is the config', () => {
  const rows = rules.readImportRules(root);

  it('has a row for every folder under src/ (src/types/ exempt)', () => {
    const folders = readdirSync(join(root, 'src'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && !rules.EXEMPT_FOLDERS.includes(e.name))
      .map((e) => e.name);
    expect(folders.length).toBeGreaterThan(0);
    for (const f of folders) expect(rows.map((r) => r.folder), `src/${f}/ has no row`).toContain(f);
    expect(rules.foldersWithoutRow(root, rows)).toEqual([]);
  });

  it('reads the planned layers', () => {
    const byFolder = Object.fromEntries(rows.map((r) => [r.folder, r.mayImport]));
    expect(byFolder['shared']).toEqual([]);
    expect(byFolder['policy']).toEqual(['shared']);
    expect(byFolder['engines']).toEqual(['shared']);
    expect(byFolder['collectors']).toEqual(['shared', 'policy', 'site']);
    expect(byFolder['cli']).toContain('runner');
  });

  it('the config has exactly one layer rule per row, plus the fixed rules, and counts type-only imports', () => {
    const config = require(join(root, '.dependency-cruiser.cjs')) as DepcruiseConfig;
    const layerRules = config.forbidden.map((r) => r.name).filter((n) => n.startsWith('layer-'));
    expect(layerRules.sort()).toEqual(rows.map((r) => `layer-${r.folder}`).sort());
    expect(config.forbidden.map((r) => r.name)).toEqual(
      expect.arrayContaining(['no-circular', 'vendor-not-to-sibling-vendor', 'pure-no-node-builtins']),
    );
    expect(config.required.map((r) => r.name)).toEqual(['folder-without-row']);
    expect(config.options.tsPreCompilationDeps).toBe(true);
    expect(config.options.tsConfig?.fileName).toBe('tsconfig.json');
  });

  it('`npm run lint` runs depcruise with this config', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['lint']).toMatch(/depcruise src --config \.dependency-cruiser\.cjs/);
    expect(existsSync(depcruiseBin)).toBe(true);
  });

  const table = (body: string) => `# A\n\n## Import rules\n\nText.\n\n| folder | may import |\n| --- | --- |\n${body}\n\n## Next\n`;
  it.each([
    { what: 'no section', markdown: '# A\n\n| folder | may import |\n| --- | --- |\n| `src/a/` | nothing |\n', error: /no "## Import rules" section/ },
    { what: 'no rows', markdown: table(''), error: /no table rows/ },
    { what: 'a bad folder cell', markdown: table('| src/a/ | nothing |'), error: /folder cell/ },
    { what: 'a bad may-import cell', markdown: table('| `src/a/` | everything |'), error: /may import/ },
    { what: 'a third cell', markdown: table('| `src/a/` | nothing | x |'), error: /two cells/ },
    { what: 'a folder twice', markdown: table('| `src/a/` | nothing |\n| `src/a/` | nothing |'), error: /two rows/ },
    { what: 'a folder without a row in a may-import cell', markdown: table('| `src/a/` | `src/b/` |'), error: /src\/b\/, which has no row/ },
    { what: 'a folder listing itself', markdown: table('| `src/a/` | `src/a/` |'), error: /lists itself/ },
    { what: 'a cycle of layers', markdown: table('| `src/a/` | `src/b/` |\n| `src/b/` | `src/a/` |'), error: /cycle/ },
  ])('rejects a table with $what', ({ markdown, error }) => {
    expect(() => rules.parseImportRules(markdown)).toThrow(error);
  });

  it('parses a table that ends at the next heading', () => {
    expect(rules.parseImportRules(table('| `src/a/` | nothing |\n| `src/b/` | `src/a/` |'))).toEqual([
      { folder: 'a', mayImport: [], line: 9 },
      { folder: 'b', mayImport: ['a'], line: 10 },
    ]);
  });
});
