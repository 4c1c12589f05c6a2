'use strict';
// Import rules for src/, enforced by `npm run lint` (depcruise src --config .dependency-cruiser.cjs).
// The rules are not written here: they are read from the "## Import rules" table in
// docs/architecture.md (scripts/importRules.cjs parses it), so the table is the config.
// To change what a folder may import, edit the table. Tests: test/importRules.test.ts.

const { buildRules, readImportRules } = require('./scripts/importRules.cjs');

const { forbidden, required } = buildRules(readImportRules(__dirname));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden,
  required,
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports (`import type`) are dependencies too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
