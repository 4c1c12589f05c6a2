// `run` and `serve` share their selection: flags and the config file resolved into one plan.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileChargebeeConfig } from '../policy/chargebee.ts';
import { BROWSERS, type BrowserId, type DeliveryId, type ReportPolicy } from '../reporters/model.ts';
import { DELIVERIES } from '../server/site.ts';
import type { BrowserSource } from '../engines/types.ts';
import type { Vendor } from '../vendors/types.ts';
import { ConfigError, loadConfigFile, mergeConfig, type UserConfig } from '../runner/config.ts';
import { PlanError, parseShard, planForPolicies, planForScenarios, shardCells, type PlannedCell, type Selection } from '../runner/plan.ts';
import { formatScenarioProblem, loadScenarios, type LoadedScenario } from '../runner/scenario.ts';
import { flag, listOption, oneOf, stringOption, type OptionSpec, type Parsed } from './args.ts';
import { UsageError } from './errors.ts';
import { forValidation, loadPolicies, readPolicyFile, readUserFile, type PolicyText } from './policyInput.ts';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES_ROOT = resolve(PACKAGE_ROOT, 'fixtures');

export const SELECTION_OPTIONS: OptionSpec = {
  policy: { type: 'string', multiple: true },
  'policy-file': { type: 'string', multiple: true },
  'chargebee-config': { type: 'string' },
  delivery: { type: 'string' },
  lenient: { type: 'boolean' },
  vendor: { type: 'string', multiple: true },
  feature: { type: 'string', multiple: true },
  param: { type: 'string', multiple: true },
  browser: { type: 'string', multiple: true },
  'browser-source': { type: 'string' },
  config: { type: 'string' },
};

export interface ResolvedSelection {
  config: UserConfig;
  configPath: string | null;
  /** The report's `policies`: the candidates (policy mode) or every scenario's (scenario mode). */
  policies: ReportPolicy[];
  cells: PlannedCell[];
  browsers: BrowserId[];
  browserSource: BrowserSource;
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

function numberOption(args: Parsed, name: string): number | undefined {
  const v = stringOption(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError('CSPH_BAD_VALUE', `--${name} expects a whole number from 1 up; got "${v}".`);
  return n;
}

/** What the flags say, as config keys (unset flags stay undefined, so the file's values survive). */
export function configFromFlags(args: Parsed): UserConfig {
  return {
    scenarios: args.positionals.length > 0 ? args.positionals : undefined,
    policies: listOption(args, 'policy'),
    policyFile: listOption(args, 'policy-file')[0],
    chargebeeConfig: stringOption(args, 'chargebee-config'),
    delivery: stringOption(args, 'delivery') as DeliveryId | undefined,
    lenient: flag(args, 'lenient') ? true : undefined,
    vendors: commaList(listOption(args, 'vendor')),
    features: commaList(listOption(args, 'feature')),
    params: paramsFrom(listOption(args, 'param')),
    browsers: commaList(listOption(args, 'browser')) as BrowserId[],
    browserSource: stringOption(args, 'browser-source') as BrowserSource | undefined,
    reporters: commaList(listOption(args, 'reporter')),
    out: stringOption(args, 'out'),
    baseline: stringOption(args, 'baseline'),
    concurrency: numberOption(args, 'concurrency'),
    timeout: numberOption(args, 'timeout'),
    shard: stringOption(args, 'shard'),
    screenshots: stringOption(args, 'screenshots') as UserConfig['screenshots'],
  };
}

function candidatePolicies(command: string, config: UserConfig, delivery: DeliveryId): ReportPolicy[] | null {
  const texts: PolicyText[] = [
    ...(config.policies ?? []).map((value, i) => ({ value, origin: `--policy #${i + 1}` })),
    ...(config.policyFile ? [readPolicyFile(config.policyFile)] : []),
  ];
  if (config.chargebeeConfig) {
    const text = readUserFile(config.chargebeeConfig, 'chargebee-config');
    const compiled = compileChargebeeConfig(text);
    if (!compiled.ok) {
      const line = (e: (typeof compiled.errors)[number], label: string) => `${config.chargebeeConfig}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ${label}${e.pointer || '(document)'}: ${e.message}`;
      // Warnings often say why it failed (an unknown directive ignored, leaving nothing to compile).
      const lines = [...compiled.errors.map((e) => line(e, '')), ...compiled.warnings.map((w) => line(w, 'warning: '))];
      throw new UsageError('CSPH_BAD_CHARGEBEE_CONFIG', `${command}: the Chargebee config is invalid:\n  ${lines.join('\n  ')}`);
    }
    texts.push({ value: compiled.header, origin: config.chargebeeConfig });
  }
  if (texts.length === 0) return null;
  loadPolicies(texts.map((t) => ({ ...t, value: forValidation(t.value) })), delivery === 'report-only' ? 'report' : 'enforce', delivery === 'meta' ? 'meta' : 'header', config.lenient === true);
  return texts.map((t) => ({ value: t.value, delivery }));
}

/** Scenario policies are checked like flags: a malformed one names its file and field, unless the scenario is lenient. */
function scenarioPolicies(s: LoadedScenario): ReportPolicy[] {
  const delivery = s.delivery ?? 'header';
  if (s.chargebeeConfigPath) {
    const text = readFileSync(s.chargebeeConfigPath, 'utf8');
    const compiled = compileChargebeeConfig(text);
    if (!compiled.ok) throw new UsageError('CSPH_BAD_SCENARIO', `${s.file}: /chargebeeConfig: ${s.chargebeeConfig} does not compile: ${compiled.errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')}`);
    return [{ value: compiled.header, delivery }];
  }
  return (s.policies ?? []).map((p, i) => {
    const d = p.delivery ?? delivery;
    const texts = [{ value: forValidation(p.value), origin: `${s.file}: /policies/${i}/value` }];
    try {
      loadPolicies(texts, d === 'report-only' ? 'report' : 'enforce', d === 'meta' ? 'meta' : 'header', s.lenient === true);
    } catch (error) {
      if (error instanceof UsageError) throw new UsageError('CSPH_BAD_SCENARIO', `${error.message.replace('pass --lenient', 'set "lenient": true in the scenario')}`);
      throw error;
    }
    return { value: p.value, delivery: d };
  });
}


/** Flags + config file → the cells to run. Every bad input is a UsageError (exit 2). */
export async function resolveSelection(command: string, args: Parsed, catalog: readonly Vendor[]): Promise<ResolvedSelection> {
  let loaded: Awaited<ReturnType<typeof loadConfigFile>>;
  try {
    loaded = await loadConfigFile(stringOption(args, 'config'));
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.code, error.message);
    throw error;
  }
  const config = mergeConfig(loaded?.config ?? {}, configFromFlags(args));
  const delivery = oneOf(command, 'delivery', config.delivery ?? 'header', DELIVERIES);
  const browsers = (config.browsers && config.browsers.length > 0 ? config.browsers : [...BROWSERS]).map((b) => oneOf(command, 'browser', b, BROWSERS));
  const browserSource = oneOf(command, 'browser-source', config.browserSource ?? 'auto', ['auto', 'system', 'playwright'] as const);
  const selection: Selection = {
    vendors: config.vendors && config.vendors.length > 0 ? config.vendors : null,
    features: config.features && config.features.length > 0 ? config.features : null,
    params: config.params ?? {},
    browsers: [...new Set(browsers)],
  };
  try {
    const candidates = candidatePolicies(command, config, delivery);
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
    const shard = config.shard ? parseShard(config.shard) : null;
    cells = shardCells(cells, shard);
    if (cells.length === 0) throw new UsageError('CSPH_NOTHING_TO_RUN', `${command}: the selection has no cells (check --vendor, --feature, --browser, --shard).`);
    return { config, configPath: loaded?.path ?? null, policies, cells, browsers: selection.browsers as BrowserId[], browserSource, mode: candidates ? 'policies' : 'scenarios', scenarios };
  } catch (error) {
    if (error instanceof PlanError) throw new UsageError(error.code, `${command}: ${error.message}.`);
    throw error;
  }
}
