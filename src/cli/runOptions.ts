// `run` and `serve` share their selection: flags and the config file resolved (runner/config.ts's
// resolveConfig) into one plan.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { enginesWith, remoteEngine } from '../engines/index.ts';
import { REMOTE_KIND, remoteHint, shownEndpoint } from '../engines/remote.ts';
import type { BrowserSource } from '../engines/types.ts';
import { ConfigError, loadConfigFile, resolveConfig, type ResolvedConfig, type UserConfig } from '../runner/config.ts';
import { PlanError, planForPolicies, planForScenarios, selectVendors, shardCells, type PlannedCell, type Selection } from '../runner/plan.ts';
import { compilePolicySource, PolicySourceError } from '../runner/policySource.ts';
import type { RunOptions } from '../runner/run.ts';
import { formatScenarioProblem, loadScenarios, type LoadedScenario } from '../runner/scenario.ts';
import { isLoopback, listenWarning } from '../server/loopback.ts';
import type { DeliveryId, ReportPolicy } from '../shared/vocabulary.ts';
import { catalogPolicySources } from '../vendors/index.ts';
import type { PolicySource, Vendor } from '../vendors/types.ts';
import { flag, listOption, stringOption, type OptionSpec, type Parsed } from './args.ts';
import { UsageError } from './errors.ts';
import type { Io } from './io.ts';
import { forValidation, loadPolicies, readPolicyFile, type PolicyText } from './policyInput.ts';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES_ROOT = resolve(PACKAGE_ROOT, 'fixtures');

/** The selection options of run and serve; each policy source of the catalog adds its flag. */
export function selectionOptions(sources: readonly PolicySource[]): OptionSpec {
  return {
    policy: { type: 'string', multiple: true },
    'policy-file': { type: 'string', multiple: true },
    ...Object.fromEntries(sources.map((s) => [s.flag, { type: 'string' as const }])),
    delivery: { type: 'string' },
    lenient: { type: 'boolean' },
    vendor: { type: 'string', multiple: true },
    'vendor-dir': { type: 'string', multiple: true },
    feature: { type: 'string', multiple: true },
    param: { type: 'string', multiple: true },
    browser: { type: 'string', multiple: true },
    'browser-source': { type: 'string' },
    origin: { type: 'string' },
    config: { type: 'string' },
  };
}

/** Remote engines and where the proxy listens (decisions/0017): run's and suggest's (`serve` takes --listen only). */
export const REMOTE_OPTIONS: OptionSpec = {
  connect: { type: 'string', multiple: true },
  webdriver: { type: 'string', multiple: true },
  listen: { type: 'string' },
  'proxy-host': { type: 'string' },
};

/** The help lines of --listen and --proxy-host. */
export const LISTEN_HELP = `  --listen <address>         the address the fixture proxy binds (default 127.0.0.1; anything else warns: other
                             machines can reach it)
  --proxy-host <host>        the host remote browsers reach the proxy by (default: the --listen address, or
                             this machine's first external address for 0.0.0.0)`;

/** The help lines of REMOTE_OPTIONS. */
export const REMOTE_HELP = `  --connect <engine=ws://…>  drive a Playwright browser server elsewhere: chromium=ws://host:3000/… or firefox=…
  --webdriver <engine=url>   drive a WebDriver endpoint elsewhere: webkit=http://host:4444 (WebKitWebDriver, Grid)
${LISTEN_HELP}`;

/** The help lines of the policy-source flags. */
export function sourceHelp(sources: readonly PolicySource[]): string {
  return sources.map((s) => `  ${`--${s.flag} <path>`.padEnd(27)}${s.description}`).join('\n');
}

export interface ResolvedSelection {
  config: ResolvedConfig;
  /** The report's `policies`: the candidates (policy mode) or every scenario's (scenario mode). */
  policies: ReportPolicy[];
  cells: PlannedCell[];
  mode: 'policies' | 'scenarios';
  scenarios: LoadedScenario[];
}

const commaList = (values: string[]) => values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');

function paramsFrom(values: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError('CSPH_BAD_PARAM', `--param expects key=value (e.g. region=eu-central-1); got "${v}".`);
    params[v.slice(0, eq).trim()] = v.slice(eq + 1).trim();
  }
  return params;
}

/** `--connect chromium=ws://…` / `--webdriver webkit=http://…`, repeatable: engine → endpoint (checked in resolveConfig). */
function endpointsFrom(flag: 'connect' | 'webdriver', values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const example = flag === 'connect' ? 'chromium=ws://ci-browsers:3000/chromium' : 'webkit=http://ci-browsers:4444';
    if (eq <= 0) throw new UsageError('CSPH_BAD_REMOTE', `--${flag} expects engine=address (e.g. --${flag} ${example}); got "${v}".`);
    const name = v.slice(0, eq).trim();
    if (name in out) throw new UsageError('CSPH_BAD_REMOTE', `--${flag} ${name}= is given twice ("${out[name]}" and "${v.slice(eq + 1).trim()}"); give one endpoint per engine.`);
    out[name] = v.slice(eq + 1).trim();
  }
  return out;
}

function numberOption(args: Parsed, name: string): number | undefined {
  const v = stringOption(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError('CSPH_BAD_VALUE', `--${name} expects a whole number from 1 up; got "${v}".`);
  return n;
}

/** What the flags say, as config keys (unset flags stay undefined, so the file's values survive). */
export function configFromFlags(args: Parsed, sources: readonly PolicySource[] = []): UserConfig {
  return {
    scenarios: args.positionals.length > 0 ? args.positionals : undefined,
    policies: listOption(args, 'policy'),
    policyFile: listOption(args, 'policy-file')[0],
    ...Object.fromEntries(sources.map((s) => [s.key, stringOption(args, s.flag)])),
    delivery: stringOption(args, 'delivery') as DeliveryId | undefined,
    lenient: flag(args, 'lenient') ? true : undefined,
    vendors: commaList(listOption(args, 'vendor')),
    features: commaList(listOption(args, 'feature')),
    params: paramsFrom(listOption(args, 'param')),
    browsers: commaList(listOption(args, 'browser')) as UserConfig['browsers'],
    browserSource: stringOption(args, 'browser-source') as BrowserSource | undefined,
    reporters: commaList(listOption(args, 'reporter')),
    out: stringOption(args, 'out'),
    baseline: stringOption(args, 'baseline'),
    concurrency: numberOption(args, 'concurrency'),
    timeout: numberOption(args, 'timeout'),
    shard: stringOption(args, 'shard'),
    screenshots: stringOption(args, 'screenshots') as UserConfig['screenshots'],
    origin: stringOption(args, 'origin'),
    connect: endpointsFrom('connect', listOption(args, 'connect')),
    webdriver: endpointsFrom('webdriver', listOption(args, 'webdriver')),
    listen: stringOption(args, 'listen'),
    proxyHost: stringOption(args, 'proxy-host'),
  };
}

function validate(texts: PolicyText[], delivery: DeliveryId, lenient: boolean): void {
  loadPolicies(texts.map((t) => ({ ...t, value: forValidation(t.value) })), delivery === 'report-only' ? 'report' : 'enforce', delivery === 'meta' ? 'meta' : 'header', lenient);
}

function candidatePolicies(command: string, config: ResolvedConfig): ReportPolicy[] | null {
  const texts: PolicyText[] = [
    ...config.policies.map((value, i) => ({ value, origin: `--policy #${i + 1}` })),
    ...(config.policyFile ? [readPolicyFile(config.policyFile)] : []),
    ...config.sourceFiles.map(({ source, path }) => {
      try {
        return { value: compilePolicySource(source, path).header, origin: path };
      } catch (error) {
        if (!(error instanceof PolicySourceError)) throw error;
        throw new UsageError(error.code, `${command}: ${error.message}`);
      }
    }),
  ];
  if (texts.length === 0) return null;
  validate(texts, config.delivery, config.lenient);
  return texts.map((t) => ({ value: t.value, delivery: config.delivery }));
}

/** Scenario policies are checked like flags: a malformed one names its file and field, unless the scenario is lenient. */
function scenarioPolicies(s: LoadedScenario): ReportPolicy[] {
  const delivery = s.delivery ?? 'header';
  if (s.sourceFile) {
    const { source, key, given, path } = s.sourceFile;
    try {
      return [{ value: compilePolicySource(source, path, given).header, delivery }];
    } catch (error) {
      throw new UsageError('CSPH_BAD_SCENARIO', `${s.file}: /${key}: ${(error as Error).message}`);
    }
  }
  return (s.policies ?? []).map((p, i) => {
    const d = p.delivery ?? delivery;
    try {
      validate([{ value: p.value, origin: `${s.file}: /policies/${i}/value` }], d, s.lenient === true);
    } catch (error) {
      if (error instanceof UsageError) throw new UsageError('CSPH_BAD_SCENARIO', `${error.message.replace('pass --lenient', 'set "lenient": true in the scenario')}`);
      throw error;
    }
    return { value: p.value, delivery: d };
  });
}

export interface SiteSelection {
  config: ResolvedConfig;
  /** The candidate that replaces the site's policies, or null: the site's own. */
  candidates: ReportPolicy[] | null;
}

/**
 * run --site: flags + config file, without planning cells (a site's cells are known only once its pages
 * have loaded). Vendors and features named are checked against the catalog. Bad input: UsageError.
 */
export async function resolveSiteSelection(command: string, args: Parsed, catalog: readonly Vendor[]): Promise<SiteSelection> {
  const sources = catalogPolicySources(catalog);
  try {
    const file = await loadConfigFile(stringOption(args, 'config'), sources.map((s) => s.key));
    const config = resolveConfig(command, configFromFlags(args, sources), file, sources);
    selectVendors(catalog, { vendors: config.vendors, features: config.features, params: config.params, browsers: config.browsers });
    return { config, candidates: candidatePolicies(command, config) };
  } catch (error) {
    if (error instanceof PlanError) throw new UsageError(error.code, `${command}: ${error.message}.`);
    if (error instanceof ConfigError) throw new UsageError(error.code, error.message);
    throw error;
  }
}

/** Flags + config file → the cells to run. Every bad input is a UsageError (exit 2). */
export async function resolveSelection(command: string, args: Parsed, catalog: readonly Vendor[]): Promise<ResolvedSelection> {
  const sources = catalogPolicySources(catalog);
  try {
    const file = await loadConfigFile(stringOption(args, 'config'), sources.map((s) => s.key));
    const config = resolveConfig(command, configFromFlags(args, sources), file, sources);
    const selection: Selection = { vendors: config.vendors, features: config.features, params: config.params, browsers: config.browsers };
    const candidates = candidatePolicies(command, config);
    let cells: PlannedCell[];
    let policies: ReportPolicy[];
    let scenarios: LoadedScenario[] = [];
    if (candidates) {
      policies = candidates;
      cells = planForPolicies(catalog, candidates.map((p) => [p]), selection);
    } else {
      const paths = config.scenarios ?? [existsSync('scenarios') ? 'scenarios' : resolve(PACKAGE_ROOT, 'scenarios')];
      const load = loadScenarios(paths, catalog, PACKAGE_ROOT);
      if (!load.ok) {
        throw new UsageError('CSPH_BAD_SCENARIO', `${load.problems.length} problem${load.problems.length > 1 ? 's' : ''} in scenario files:\n  ${load.problems.map(formatScenarioProblem).join('\n  ')}`);
      }
      scenarios = load.scenarios;
      const withPolicies = scenarios.map((scenario) => ({ scenario, policies: scenarioPolicies(scenario) }));
      policies = withPolicies.flatMap((s) => s.policies);
      cells = planForScenarios(catalog, withPolicies, selection);
    }
    cells = shardCells(cells, config.shard);
    if (cells.length === 0) {
      const folderOnly = !candidates && catalog.some((v) => v.folder && (config.vendors ?? []).includes(v.id));
      const hint = folderOnly ? ' A --vendor-dir vendor has no scenarios: give the policy to try with --policy or --policy-file.' : '';
      throw new UsageError('CSPH_NOTHING_TO_RUN', `${command}: the selection has no cells (check --vendor, --feature, --browser, --shard).${hint}`);
    }
    return { config, policies, cells, mode: candidates ? 'policies' : 'scenarios', scenarios };
  } catch (error) {
    if (error instanceof PlanError) throw new UsageError(error.code, `${command}: ${error.message}.`);
    if (error instanceof ConfigError) throw new UsageError(error.code, error.message);
    throw error;
  }
}

/**
 * --connect / --webdriver / --listen, before anything starts: each remote engine of a browser this run uses
 * is reached (one that does not answer is exit 2, saying what to start), the listen warning is printed,
 * and the engines and listen address for runCells are returned.
 */
export async function remoteSetup(command: string, config: ResolvedConfig, io: Io): Promise<Pick<RunOptions, 'engines' | 'listen'>> {
  const engines = config.remotes.filter((r) => config.browsers.includes(r.browser)).map(remoteEngine);
  const probed = await Promise.all(engines.map(async (engine) => ({ engine, result: await engine.probe(20_000) })));
  for (const { engine, result } of probed) {
    const { via } = engine.endpoint;
    const named = `--${via} ${engine.browser}=${shownEndpoint(engine.endpoint)}`;
    if (!result.ok && result.answered) throw new UsageError('CSPH_REMOTE_ENGINE', `${command}: ${named}: ${result.reason}.`);
    if (!result.ok) throw new UsageError('CSPH_REMOTE_UNREACHABLE', `${command}: ${named}: the ${REMOTE_KIND[via]} does not answer (${result.reason}); ${remoteHint(engine.endpoint)}.`);
    if (result.note) io.err(`csp-harness: note: ${named}: ${result.note}.`);
    const host = new URL(engine.endpoint.url).hostname;
    if (!isLoopback(host) && isLoopback(config.listen.host)) {
      io.err(`csp-harness: note: ${named} is not a loopback address, and the fixture proxy listens on loopback: a browser on another machine cannot reach it. If it runs elsewhere, add --listen 0.0.0.0 (and --proxy-host <this machine's name> if needed).`);
    }
  }
  const warning = listenWarning(config.listen);
  if (warning) io.err(`csp-harness: ${warning}`);
  return { engines: enginesWith(engines), listen: config.listen };
}
