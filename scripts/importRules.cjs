'use strict';
// The import rules of src/, read from docs/architecture.md's "## Import rules" table and turned into
// dependency-cruiser rules. .dependency-cruiser.cjs is only this: the table is the config.
// CommonJS because dependency-cruiser loads its config with require().

const fs = require('node:fs');
const path = require('node:path');

const HEADING = /^##\s+Import rules\s*$/;
const FOLDER_CELL = /^`src\/([a-z0-9][a-z0-9_-]*)\/`$/i;
/** Test files may import anything (they are still in no-circular). */
const TEST_FILE = '\\.(test|testkit)\\.ts$';
/** Folders with no row on purpose: src/types/ holds ambient .d.ts declarations only. */
const EXEMPT_FOLDERS = ['types'];
/** Pure folders: no node builtin (`node:fs` or `fs`). eslint has its own rule for policy and reporters. */
const PURE_FOLDERS = ['shared', 'policy', 'reporters'];

/**
 * @typedef {{ folder: string, mayImport: string[], line: number }} ImportRow
 * folder and mayImport are bare names: `src/policy/` → "policy".
 */

/**
 * Parses the table under `## Import rules`: rows `| \`src/<folder>/\` | may import |`, the second cell
 * a comma-separated list of `src/<folder>/` in backticks, or the word "nothing".
 * Throws on anything else, so a broken table fails lint instead of silently allowing everything.
 * @param {string} markdown
 * @returns {ImportRow[]}
 */
function parseImportRules(markdown) {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((l) => HEADING.test(l));
  if (start < 0) throw new Error('docs/architecture.md: no "## Import rules" section');
  /** @type {ImportRow[]} */
  const rows = [];
  let inTable = false;
  for (let i = start + 1; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    const where = `docs/architecture.md:${i + 1}`;
    if (/^#{1,6}\s/.test(line)) break;
    if (!line.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    const cells = line.replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
    if (cells.length !== 2) throw new Error(`${where}: an import-rules row has two cells (folder | may import): ${line}`);
    const [folderCell = '', mayCell = ''] = cells;
    if (cells.every((c) => /^:?-{3,}:?$/.test(c))) continue;
    if (folderCell.toLowerCase() === 'folder') continue;
    const m = FOLDER_CELL.exec(folderCell);
    if (!m || !m[1]) throw new Error(`${where}: the folder cell must be \`src/<folder>/\`, got ${folderCell}`);
    const folder = m[1];
    if (rows.some((r) => r.folder === folder)) throw new Error(`${where}: src/${folder}/ has two rows`);
    /** @type {string[]} */
    let mayImport = [];
    if (mayCell.toLowerCase() !== 'nothing') {
      mayImport = mayCell.split(',').map((c) => {
        const d = FOLDER_CELL.exec(c.trim());
        if (!d || !d[1]) throw new Error(`${where}: "may import" lists \`src/<folder>/\` in backticks or says nothing, got ${c.trim()}`);
        return d[1];
      });
    }
    rows.push({ folder, mayImport, line: i + 1 });
  }
  if (rows.length === 0) throw new Error('docs/architecture.md: the "## Import rules" section has no table rows');
  checkTable(rows);
  return rows;
}

/**
 * Every folder named in a "may import" cell has its own row, nobody lists itself, and the layers
 * have no cycle (so "a layer above" means something).
 * @param {ImportRow[]} rows
 */
function checkTable(rows) {
  const byName = new Map(rows.map((r) => [r.folder, r]));
  for (const r of rows) {
    for (const d of r.mayImport) {
      if (d === r.folder) throw new Error(`docs/architecture.md:${r.line}: src/${r.folder}/ lists itself`);
      if (!byName.has(d)) throw new Error(`docs/architecture.md:${r.line}: src/${r.folder}/ may import src/${d}/, which has no row`);
    }
  }
  /** @type {Map<string, 'visiting' | 'done'>} */
  const state = new Map();
  /** @param {string} f @param {string[]} trail */
  const visit = (f, trail) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'visiting') {
      throw new Error(`docs/architecture.md: the import-rules table has a cycle: ${[...trail, f].map((x) => `src/${x}/`).join(' → ')}`);
    }
    state.set(f, 'visiting');
    for (const d of byName.get(f)?.mayImport ?? []) visit(d, [...trail, f]);
    state.set(f, 'done');
  };
  for (const r of rows) visit(r.folder, []);
}

/** @param {string} s */
const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** @param {string[]} names */
const alternation = (names) => names.map(escapeRegex).join('|');
/** @param {string[]} names */
const listFolders = (names) => (names.length ? names.map((f) => `src/${f}/`).join(', ') : 'nothing');

/**
 * dependency-cruiser `forbidden` and `required` rules for the table.
 * @param {ImportRow[]} rows
 */
function buildRules(rows) {
  const known = [...rows.map((r) => r.folder), ...EXEMPT_FOLDERS];
  const forbidden = rows.map((r) => ({
    name: `layer-${r.folder}`,
    severity: 'error',
    comment:
      `src/${r.folder}/ may import ${listFolders(r.mayImport)} of src/ ` +
      '(docs/architecture.md, "Import rules"). Move the code down a layer or change the table.',
    from: { path: `^src/${escapeRegex(r.folder)}/`, pathNot: TEST_FILE },
    // '^src/' also catches src/index.ts (the public API is above every folder) and folders without a row.
    to: { path: '^src/', pathNot: `^src/(${alternation([r.folder, ...r.mayImport, ...EXEMPT_FOLDERS])})/` },
  }));
  forbidden.push(
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles are not allowed anywhere in src/ (type-only imports count; test files too).',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'vendor-not-to-sibling-vendor',
      severity: 'error',
      comment:
        "A vendor's folder src/vendors/<id>/ may use the vendor model (src/vendors/*.ts) but not another vendor's folder.",
      from: { path: '^src/vendors/([^/]+)/', pathNot: TEST_FILE },
      to: { path: '^src/vendors/[^/]+/', pathNot: '^src/vendors/$1/' },
    },
    {
      name: 'pure-no-node-builtins',
      severity: 'error',
      comment: `${listFolders(PURE_FOLDERS)} are pure: no node builtin (node:* or core module names).`,
      from: { path: `^src/(${alternation(PURE_FOLDERS)})/`, pathNot: TEST_FILE },
      to: { dependencyTypes: ['core'] },
    },
  );
  const required = [
    {
      // A "required" rule whose target can never match reports every module it selects: here every
      // module of a src/<folder>/ without a row, whether or not it imports or is imported.
      name: 'folder-without-row',
      severity: 'error',
      comment:
        'Every src/<folder>/ needs a row in docs/architecture.md\'s "Import rules" table (the table is the config).',
      module: { path: '^src/[^/]+/', pathNot: `^src/(${alternation(known)})/` },
      to: { path: '^$' },
    },
  ];
  return { forbidden, required };
}

/**
 * The folders right under src/ that have no row (src/types/ is exempt).
 * @param {string} rootDir
 * @param {ImportRow[]} rows
 */
function foldersWithoutRow(rootDir, rows) {
  const known = new Set([...rows.map((r) => r.folder), ...EXEMPT_FOLDERS]);
  return fs
    .readdirSync(path.join(rootDir, 'src'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && !known.has(e.name))
    .map((e) => e.name)
    .sort();
}

/** @param {string} rootDir */
function readImportRules(rootDir) {
  return parseImportRules(fs.readFileSync(path.join(rootDir, 'docs', 'architecture.md'), 'utf8'));
}

module.exports = {
  parseImportRules,
  buildRules,
  readImportRules,
  foldersWithoutRow,
  EXEMPT_FOLDERS,
  PURE_FOLDERS,
  TEST_FILE,
};
