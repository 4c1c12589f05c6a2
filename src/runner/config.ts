// The config file (`csp-harness.config.ts` or `.json`): the same keys as `run`'s flags, so a CI job
// is one line. One resolveConfig(): flags, then the file, then defaults — every default is here.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseRemotes, type RemoteEndpoint } from '../engines/remote.ts';
import type { BrowserSource } from '../engines/types.ts';
import { DEFAULT_REPORTERS, REPORTER_IDS, type ReporterId } from '../reporters/index.ts';
import { BROWSERS, DELIVERIES, HarnessError, type BrowserId, type DeliveryId } from '../shared/vocabulary.ts';
import { DEFAULT_SITE_ORIGIN, siteContext, type SiteContext } from '../site/context.ts';
import { LOOPBACK, parseListen, type ListenAddress } from '../server/loopback.ts';
import type { PolicySource } from '../vendors/types.ts';
import { parseShard, type Shard } from './plan.ts';

export interface UserConfig {
  /** Scenario files or directories (used when no policy is given). */
  scenarios?: string[];
  /** Candidate policies in header syntax; each one is a separate candidate. */
  policies?: string[];
  policyFile?: string;
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
  /** The site's origin the pages are served on (default: the site context's DEFAULT_SITE_ORIGIN). */
  origin?: string;
  /** Users' vendor folders (vendor.json + HAR traffic), relative to the config file's folder; `--vendor-dir` adds to them. */
  vendorDirs?: string[];
  /** Remote engines (`--connect`): Playwright browser servers by engine, e.g. `{ chromium: 'ws://ci-browsers:3000/chromium' }`. */
  connect?: Record<string, string>;
  /** Remote engines (`--webdriver`): WebDriver endpoints by engine, e.g. `{ webkit: 'http://ci-browsers:4444' }`. */
  webdriver?: Record<string, string>;
  /** The address the fixture proxy binds (`--listen`, default 127.0.0.1); anything else is reachable from other machines. */
  listen?: string;
  /** The host remote browsers reach the proxy by (`--proxy-host`; default: the listen address, or this machine's first external one). */
  proxyHost?: string;
  /** A vendor's policy format (`chargebeeConfig`: its file): the keys `csp-harness vendors` lists. */
  [policySourceKey: string]: unknown;
}

export const SCREENSHOT_CHOICES = ['failing', 'all'] as const;
export type ScreenshotChoice = (typeof SCREENSHOT_CHOICES)[number];

/** Identity, for types in `csp-harness.config.ts`: `export default defineConfig({ … })`. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}

export const CONFIG_FILES = ['csp-harness.config.ts', 'csp-harness.config.mjs', 'csp-harness.config.js', 'csp-harness.config.json'];

type KeyKind = 'string' | 'string[]' | 'boolean' | 'number' | 'record';
const KEYS: Record<string, KeyKind> = {
  scenarios: 'string[]',
  policies: 'string[]',
  policyFile: 'string',
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
  origin: 'string',
  vendorDirs: 'string[]',
  connect: 'record',
  webdriver: 'record',
  listen: 'string',
  proxyHost: 'string',
};

/** Bad configuration (a flag, the file, or their values): the CLI exits 2 with the message. */
export class ConfigError extends HarnessError {}

function kindOf(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}

/** Checks keys and value types; a bad key names itself and the value received. `sourceKeys`: the policy sources' keys. */
export function validateConfig(data: unknown, file: string, sourceKeys: readonly string[] = []): UserConfig {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError('CSPH_BAD_CONFIG', `${file}: the config must be an object (got ${kindOf(data)}); e.g. export default defineConfig({ policies: ["…"] })`);
  }
  for (const [key, value] of Object.entries(data)) {
    const kind = KEYS[key] ?? (sourceKeys.includes(key) ? 'string' : undefined);
    if (!kind) throw new ConfigError('CSPH_BAD_CONFIG', `${file}: unknown key "${key}"; known keys: ${[...Object.keys(KEYS), ...sourceKeys].join(', ')}`);
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
export async function loadConfigFile(explicit: string | undefined, sourceKeys: readonly string[] = [], cwd = process.cwd()): Promise<{ path: string; config: UserConfig } | null> {
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
  return { path, config: validateConfig(data, path, sourceKeys) };
}

/** Flags win over the file; the file wins over defaults. Only keys the user set count as set. */
export function mergeConfig(fromFile: UserConfig, fromFlags: UserConfig): UserConfig {
  const out: UserConfig = { ...fromFile };
  for (const [key, value] of Object.entries(fromFlags)) {
    if (value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if ((key === 'params' || key === 'connect' || key === 'webdriver') && typeof value === 'object' && Object.keys(value as object).length === 0) continue;
    (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

export const DEFAULTS = {
  delivery: 'header',
  browserSource: 'auto',
  reporters: DEFAULT_REPORTERS,
  out: 'csp-report',
  concurrency: 3,
  timeoutMs: 15_000,
  screenshots: 'failing',
  origin: DEFAULT_SITE_ORIGIN,
} as const;

export const BROWSER_SOURCES: readonly BrowserSource[] = ['auto', 'system', 'playwright'];

/** Everything a run or serve needs to know, validated, every default filled in. */
export interface ResolvedConfig {
  configPath: string | null;
  /** Scenario files or folders, or null: the default scenarios/. */
  scenarios: string[] | null;
  policies: string[];
  policyFile: string | null;
  /** The policy-source files given (`--chargebee-config`): each compiles to one candidate. */
  sourceFiles: { source: PolicySource; path: string }[];
  delivery: DeliveryId;
  lenient: boolean;
  vendors: string[] | null;
  features: string[] | null;
  params: Record<string, string>;
  browsers: BrowserId[];
  browserSource: BrowserSource;
  reporters: ReporterId[];
  /** Absolute. */
  out: string;
  /** As given (messages name it so); resolve it against the working directory. */
  baseline: string | null;
  concurrency: number;
  timeoutMs: number;
  shard: Shard | null;
  screenshots: ScreenshotChoice;
  site: SiteContext;
  /** Remote engines (`--connect`, `--webdriver`), checked; their reachability is the CLI's to probe. */
  remotes: RemoteEndpoint[];
  /** Where the fixture proxy listens (`--listen`, `--proxy-host`); LOOPBACK by default. */
  listen: ListenAddress;
}

/** A flag's value among the allowed ones, or a ConfigError naming the flag, the value and the choices (exit 2). */
export function oneOf<T extends string>(command: string, option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError('CSPH_BAD_VALUE', `${command}: --${option} "${value}" is not one of: ${allowed.join(', ')}.`);
}

const nonEmpty = <T>(list: T[] | undefined): T[] | null => (list && list.length > 0 ? list : null);

/** Flags over the file over the defaults, validated once. Throws ConfigError (exit 2) naming the option and the value. */
export function resolveConfig(command: string, fromFlags: UserConfig, file: { path: string; config: UserConfig } | null, sources: readonly PolicySource[]): ResolvedConfig {
  const c = mergeConfig(file?.config ?? {}, fromFlags);
  const str = (key: string) => (typeof c[key] === 'string' ? (c[key] as string) : undefined);
  let site: SiteContext;
  try {
    site = siteContext(c.origin ?? DEFAULTS.origin);
  } catch {
    throw new ConfigError('CSPH_BAD_VALUE', `${command}: --origin "${c.origin}" is not an http(s) origin such as https://www.example.com.`);
  }
  const remotes: RemoteEndpoint[] = [];
  // A value the flags did not set came from the file: its messages name the file.
  const unset = (v: unknown) => v === undefined || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
  const fileOf = (...keys: (keyof UserConfig)[]) => (file && keys.some((k) => unset(fromFlags[k]) && file.config[k] !== undefined) ? file.path : undefined);
  for (const via of ['connect', 'webdriver'] as const) {
    const parsed = parseRemotes(via, c[via] ?? {}, fileOf(via));
    if (!parsed.ok) throw new ConfigError('CSPH_BAD_REMOTE', `${command}: ${parsed.message}`);
    remotes.push(...parsed.value);
  }
  const listen = c.listen === undefined && c.proxyHost === undefined ? { ok: true as const, value: LOOPBACK } : parseListen(c.listen, c.proxyHost);
  if (!listen.ok) throw new ConfigError('CSPH_BAD_LISTEN', `${command}: ${fileOf('listen', 'proxyHost') ? `${fileOf('listen', 'proxyHost')}: ` : ''}${listen.message}`);
  return {
    configPath: file?.path ?? null,
    scenarios: nonEmpty(c.scenarios),
    policies: c.policies ?? [],
    policyFile: c.policyFile ?? null,
    sourceFiles: sources.flatMap((source) => (str(source.key) ? [{ source, path: str(source.key)! }] : [])),
    delivery: oneOf(command, 'delivery', c.delivery ?? DEFAULTS.delivery, DELIVERIES),
    lenient: c.lenient === true,
    vendors: nonEmpty(c.vendors),
    features: nonEmpty(c.features),
    params: c.params ?? {},
    browsers: [...new Set((nonEmpty(c.browsers) ?? [...BROWSERS]).map((b) => oneOf(command, 'browser', b, BROWSERS)))],
    browserSource: oneOf(command, 'browser-source', c.browserSource ?? DEFAULTS.browserSource, BROWSER_SOURCES),
    reporters: (nonEmpty(c.reporters) ?? [...DEFAULTS.reporters]).map((r) => oneOf(command, 'reporter', r, REPORTER_IDS)),
    out: resolve(c.out ?? DEFAULTS.out),
    baseline: c.baseline ?? null,
    concurrency: c.concurrency ?? DEFAULTS.concurrency,
    timeoutMs: c.timeout ?? DEFAULTS.timeoutMs,
    shard: c.shard ? parseShard(c.shard) : null,
    screenshots: oneOf(command, 'screenshots', c.screenshots ?? DEFAULTS.screenshots, SCREENSHOT_CHOICES),
    site,
    remotes,
    listen: listen.value,
  };
}
