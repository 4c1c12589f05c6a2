// The package's public API: the config helper and types, and the pure policy model.
export { defineConfig, type UserConfig } from './runner/config.ts';
export type { Report, ReportCell, ReportViolation } from './reporters/model.ts';
export * from './policy/index.ts';
