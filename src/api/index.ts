// The programmatic API: `runMatrix`, `explain` and `suggest`, typed. Each turns its options into the
// command's own arguments and runs that command in-process, so a result is the CLI's — the same
// validation, the same messages, the same report.json — not a second implementation that can drift.
// Bad input throws `CspHarnessError` (the CLI's exit 2), with the CLI's code and message.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Io } from '../cli/io.ts';
import type { Fix } from '../policy/advise.ts';
import type { Verdict } from '../policy/index.ts';
import type { Report } from '../reporters/model.ts';
import { HarnessError, type BrowserId } from '../shared/vocabulary.ts';

/** Bad input or set-up (the CLI's exit code 2): `code` is the CLI's stable `CSPH_…` code. */
export class CspHarnessError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CspHarnessError';
  }
}

/** What selects the cells, as `run` and `suggest` take it. */
export interface SelectionOptions {
  vendors?: string[];
  features?: string[];
  /** Vendor parameters: `{ embed: 'self', region: 'eu-central-1' }`. */
  params?: Record<string, string>;
  browsers?: BrowserId[];
  /** Folders with a vendor.json each (bring your own vendor). */
  vendorDirs?: string[];
  concurrency?: number;
  timeoutMs?: number;
  /** A config file (default: csp-harness.config.* in the working directory, if present). */
  config?: string;
  /** Playwright browser servers to drive instead of local launches (`--connect`): `{ chromium: 'ws://…' }`. */
  connect?: Partial<Record<'chromium' | 'firefox', string>>;
  /** WebDriver endpoints (a WebKitWebDriver, a Selenium Grid) to drive (`--webdriver`): `{ webkit: 'http://…' }`. */
  webdriver?: Partial<Record<'webkit', string>>;
  /** Where the fixture proxy listens (`--listen`; default 127.0.0.1), and the host remote browsers reach it by (`--proxy-host`). */
  listen?: string;
  proxyHost?: string;
  /** Each progress line the CLI would print on stderr. */
  onProgress?: (line: string) => void;
}

export interface MatrixOptions extends SelectionOptions {
  /** Candidate policies, header syntax; several compare candidates. Without one, `scenarios` run. */
  policy?: string | string[];
  policyFile?: string;
  /** Scenario files or folders (default: the bundled scenarios/ when no policy is given). */
  scenarios?: string[];
  delivery?: 'header' | 'meta' | 'report-only' | 'header+meta';
  /** Where report.json (and any other reporter's output) goes; default a new temporary folder. */
  out?: string;
  /** More reporters beside json: terminal, html, markdown, junit, github … (see `csp-harness run --help`). */
  reporters?: string[];
  baseline?: string;
  /** `2/3`: the second of three deterministic slices. */
  shard?: string;
  /** Your own running server instead of the fixture pages, and the pages to load or crawl. */
  site?: string;
  pages?: string[];
  crawl?: number;
  origin?: string;
  /** After the run, add what the engines blocked until every cell passes (writes <out>/fixed-policy.txt). */
  fix?: boolean;
}

export interface MatrixResult {
  /** report.json, the contract of ../shared/design/cli.md. */
  report: Report;
  /** The folder report.json is in. */
  out: string;
  /** 0 every cell passed (or was as expected), 1 a cell failed, 130 interrupted — as the CLI exits. */
  exitCode: number;
  ok: boolean;
}

export interface ExplainOptions {
  policy: string | string[];
  type: string;
  url?: string;
  origin?: string;
  initiator?: 'parser' | 'script';
  nonce?: string;
  content?: string;
  reportOnly?: boolean;
  lenient?: boolean;
}

export type ExplainResult = Verdict & { fix: Fix | null; warnings: string[] };

export interface SuggestOptions extends SelectionOptions {
  /** Start from your policy: every source of it is kept. */
  from?: string;
  fromFile?: string;
  style?: 'allowlist' | 'strict';
  skipProof?: boolean;
  site?: string;
  pages?: string[];
  crawl?: number;
}

export interface SuggestResult {
  policy: string;
  style?: 'allowlist' | 'strict';
  strictBlockers?: string[];
  verified: { cells: number; pass: number };
  added: string[];
  forced: string[];
  proof?: { source: string; needed: boolean; failingWithout: string[]; ran: number }[] | null;
  dropped?: string[];
  unneeded?: string[] | null;
  evaluator?: { directive: string; value: string | null; message: string; forcedBy: string[] }[];
  steps: { round: number; policy?: string; added?: string[]; cells: number }[];
  remaining: { id: string; status: string; reason: string }[];
  /** 0 verified, 1 a cell still fails under the policy. */
  exitCode: number;
}

type Command = (argv: string[], io: Io) => number | Promise<number>;

const list = (flag: string, values: readonly string[] | undefined) => (values && values.length > 0 ? [flag, values.join(',')] : []);
const each = (flag: string, values: readonly string[] | undefined) => (values ?? []).flatMap((v) => [flag, v]);
const one = (flag: string, value: string | number | undefined) => (value === undefined ? [] : [flag, String(value)]);
const on = (flag: string, value: boolean | undefined) => (value ? [flag] : []);
const asArray = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function selectionArgs(o: SelectionOptions): string[] {
  return [
    ...list('--vendor', o.vendors),
    ...list('--feature', o.features),
    ...Object.entries(o.params ?? {}).flatMap(([k, v]) => ['--param', `${k}=${v}`]),
    ...list('--browser', o.browsers),
    ...each('--vendor-dir', o.vendorDirs),
    ...one('--concurrency', o.concurrency),
    ...one('--timeout', o.timeoutMs),
    ...one('--config', o.config),
    ...Object.entries(o.connect ?? {}).flatMap(([engine, url]) => ['--connect', `${engine}=${url}`]),
    ...Object.entries(o.webdriver ?? {}).flatMap(([engine, url]) => ['--webdriver', `${engine}=${url}`]),
    ...one('--listen', o.listen),
    ...one('--proxy-host', o.proxyHost),
  ];
}

const siteArgs = (o: { site?: string; pages?: string[]; crawl?: number }) => [...one('--site', o.site), ...each('--page', o.pages), ...one('--crawl', o.crawl)];

/** Runs one command in-process: stdout collected, stderr lines to onProgress, HarnessError thrown as CspHarnessError. */
async function invoke(command: Command, argv: string[], onProgress?: (line: string) => void): Promise<{ code: number; stdout: string }> {
  const stdout: string[] = [];
  const io: Io = { out: (text) => stdout.push(text), err: (text) => onProgress?.(text.replace(/\n$/, '')) };
  try {
    const code = await command(argv, io);
    return { code, stdout: stdout.join('\n') };
  } catch (error) {
    if (error instanceof HarnessError) throw new CspHarnessError(error.code, error.message);
    throw error;
  }
}

/** The matrix, as `csp-harness run` runs it: resolves to report.json's model and the CLI's exit code. */
export async function runMatrix(options: MatrixOptions = {}): Promise<MatrixResult> {
  const { runCommand } = await import('../cli/run.ts');
  const out = resolve(options.out ?? mkdtempSync(join(tmpdir(), 'csp-harness-')));
  const reporters = [...new Set(['json', ...(options.reporters ?? [])])];
  const argv = [
    ...(options.scenarios ?? []),
    ...each('--policy', asArray(options.policy)),
    ...one('--policy-file', options.policyFile),
    ...one('--delivery', options.delivery),
    ...selectionArgs(options),
    ...siteArgs(options),
    ...one('--origin', options.origin),
    ...one('--baseline', options.baseline),
    ...one('--shard', options.shard),
    ...on('--fix', options.fix),
    '--reporter', reporters.join(','),
    '--out', out,
  ];
  const { code } = await invoke(runCommand, argv, options.onProgress);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
  return { report, out, exitCode: code, ok: code === 0 };
}

/** Would the policy allow this one request, and which directive decides — the CSP3 oracle, no browser. */
export async function explain(options: ExplainOptions): Promise<ExplainResult> {
  const { explainCommand } = await import('../cli/explain.ts');
  const argv = [
    ...each('--policy', asArray(options.policy)),
    ...one('--type', options.type),
    ...one('--url', options.url),
    ...one('--origin', options.origin),
    ...one('--initiator', options.initiator),
    ...one('--nonce', options.nonce),
    ...one('--content', options.content),
    ...on('--report-only', options.reportOnly),
    ...on('--lenient', options.lenient),
    '--json',
  ];
  const { stdout } = await invoke(explainCommand, argv);
  return JSON.parse(stdout) as ExplainResult;
}

/** A policy under which every selected feature works in every selected engine, verified by running it. */
export async function suggest(options: SuggestOptions = {}): Promise<SuggestResult> {
  const { suggestCommand } = await import('../cli/suggest.ts');
  const argv = [
    ...one('--from', options.from),
    ...one('--from-file', options.fromFile),
    ...one('--style', options.style),
    ...on('--skip-proof', options.skipProof),
    ...selectionArgs(options),
    ...siteArgs(options),
    '--json',
  ];
  const { code, stdout } = await invoke(suggestCommand, argv, options.onProgress);
  if (code === 130) throw new CspHarnessError('CSPH_INTERRUPTED', 'suggest was interrupted');
  return { ...(JSON.parse(stdout) as Omit<SuggestResult, 'exitCode'>), exitCode: code };
}
