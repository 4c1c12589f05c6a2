// The package's public API: runMatrix, explain and suggest (the CLI's commands, typed), the config
// helper and types, and the pure policy model.
export { CspHarnessError, explain, runMatrix, suggest } from './api/index.ts';
export type { ExplainOptions, ExplainResult, MatrixOptions, MatrixResult, SelectionOptions, SuggestOptions, SuggestResult } from './api/index.ts';
export { defineConfig, type UserConfig } from './runner/config.ts';
export type { Report, ReportCell, ReportViolation } from './reporters/model.ts';
export * from './policy/index.ts';
