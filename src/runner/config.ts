// The config file (`csp-harness.config.ts` or `.json`): the same keys as `run`'s flags, so a CI job
// is one line. One resolveConfig(): flags, then the file, then defaults.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserId, DeliveryId } from '../reporters/model.ts';
import type { BrowserSource } from '../engines/types.ts';

export interface UserConfig {
  /** Scenario files or directories (used when no policy is given). */
  scenarios?: string[];
  /** Candidate policies in header syntax; each one is a separate candidate. */
  policies?: string[];
  policyFile?: string;
  chargebeeConfig?: string;
  delivery?: DeliveryId;
  lenient?: boolean;
  vendors?: string[];
  features?: string[];
  params?: Record<string, string>;
  browsers?: BrowserId[];
  browserSource?: BrowserSource;
  reporters?: string[];
  out?: string;
  baseline?: string;
  concurrency?: number;
  timeout?: number;
  shard?: string;
  /** Which cells get a screenshot: the failing ones (default) or all. */
  screenshots?: ScreenshotChoice;
}

export const SCREENSHOT_CHOICES = ['failing', 'all'] as const;
export type ScreenshotChoice = (typeof SCREENSHOT_CHOICES)[number];

/** Identity, for types in `csp-harness.config.ts`: `export default defineConfig({ … })`. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}

export const CONFIG_FILES = ['csp-harness.config.ts', 'csp-harness.config.mjs', 'csp-harness.config.js', 'csp-harness.config.json'];

type KeyKind = 'string' | 'string[]' | 'boolean' | 'number' | 'record';
const KEYS: Record<keyof UserConfig, KeyKind> = {
  scenarios: 'string[]',
  policies: 'string[]',
  policyFile: 'string',
  chargebeeConfig: 'string',
  delivery: 'string',
  lenient: 'boolean',
  vendors: 'string[]',
  features: 'string[]',
  params: 'record',
  browsers: 'string[]',
  browserSource: 'string',
  reporters: 'string[]',
  out: 'string',
  baseline: 'string',
  concurrency: 'number',
  timeout: 'number',
  shard: 'string',
  screenshots: 'string',
};

export class ConfigError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function kindOf(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}

/** Checks keys and value types; a bad key names itself and the value received. */
export function validateConfig(data: unknown, file: string): UserConfig {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError('CSPH_BAD_CONFIG', `${file}: the config must be an object (got ${kindOf(data)}); e.g. export default defineConfig({ policies: ["…"] })`);
  }
  for (const [key, value] of Object.entries(data)) {
    const kind = KEYS[key as keyof UserConfig];
    if (!kind) throw new ConfigError('CSPH_BAD_CONFIG', `${file}: unknown key "${key}"; known keys: ${Object.keys(KEYS).join(', ')}`);
    const ok =
      kind === 'string[]'
        ? Array.isArray(value) && value.every((v) => typeof v === 'string')
        : kind === 'record'
          ? typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string')
          : typeof value === kind;
    if (!ok) throw new ConfigError('CSPH_BAD_CONFIG', `${file}: "${key}" must be ${kind === 'record' ? 'an object of strings' : kind === 'string[]' ? 'an array of strings' : `a ${kind}`}; got ${JSON.stringify(value)}`);
  }
  return data as UserConfig;
}

/** Loads an explicit `--config` path, or the first default file in `cwd`; null when there is none. */
export async function loadConfigFile(explicit: string | undefined, cwd = process.cwd()): Promise<{ path: string; config: UserConfig } | null> {
  const path = explicit ? resolve(cwd, explicit) : CONFIG_FILES.map((f) => resolve(cwd, f)).find((f) => existsSync(f));
  if (!path) return null;
  if (!existsSync(path)) throw new ConfigError('CSPH_NO_CONFIG', `--config ${explicit}: no such file`);
  let data: unknown;
  if (path.endsWith('.json')) {
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ConfigError('CSPH_BAD_CONFIG', `${path}: not valid JSON: ${(error as Error).message}`);
    }
  } else {
    try {
      const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
      data = mod.default;
    } catch (error) {
      throw new ConfigError('CSPH_BAD_CONFIG', `${path}: could not be loaded: ${(error as Error).message}`);
    }
  }
  return { path, config: validateConfig(data, path) };
}

/** Flags win over the file; the file wins over defaults. Only keys the user set count as set. */
export function mergeConfig(fromFile: UserConfig, fromFlags: UserConfig): UserConfig {
  const out: UserConfig = { ...fromFile };
  for (const [key, value] of Object.entries(fromFlags)) {
    if (value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (key === 'params' && typeof value === 'object' && Object.keys(value as object).length === 0) continue;
    (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
