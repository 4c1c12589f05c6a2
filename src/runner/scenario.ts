// Scenario files (scenarios/README.md): typed, validated against scenario.schema.json and the vendor
// catalog. Never throws on bad input: every problem names its file, JSON pointer, line and column.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import schema from './scenario.schema.json' with { type: 'json' };
import { jsonSyntaxProblem, lineColumn, locateValues } from '../shared/jsonPositions.ts';
import type { BrowserId, DeliveryId, Expectation } from '../shared/vocabulary.ts';
import type { PolicySource, Vendor } from '../vendors/types.ts';

export interface ExpectedViolation {
  effectiveDirective: string;
  blockedURI?: string;
}

export interface BrowserExpectation {
  status: Expectation;
  violations?: ExpectedViolation[];
  reason: string;
}

export interface FeatureExpectation {
  status: Expectation;
  violations?: ExpectedViolation[];
  reason?: string;
  browsers?: Partial<Record<BrowserId, BrowserExpectation>>;
}

export interface Scenario {
  id: string;
  title: string;
  seedRef?: string;
  kind?: 'documented' | 'troubleshooting' | 'edge-case';
  vendor: string;
  features?: string[];
  params?: Record<string, string>;
  browsers?: BrowserId[];
  policies?: { value: string; delivery?: DeliveryId }[];
  delivery?: DeliveryId;
  lenient?: boolean;
  note?: string;
  expect: { default?: Expectation; features?: Record<string, FeatureExpectation> };
}

export interface LoadedScenario extends Scenario {
  /** Path of the file, as the user will recognise it (relative to the working directory). */
  file: string;
  /** The policy-source file this scenario names instead of `policies` (a vendor's own format), resolved. */
  sourceFile?: { source: PolicySource; key: string; given: string; path: string };
}

export interface ScenarioProblem {
  file: string;
  pointer: string;
  message: string;
  line?: number;
  column?: number;
}

export type ScenarioLoad = { ok: true; scenarios: LoadedScenario[] } | { ok: false; problems: ScenarioProblem[] };

type Ajv2020Class = typeof Ajv2020Module.default;
const Ajv2020: Ajv2020Class =
  (Ajv2020Module as unknown as { default?: Ajv2020Class }).default ?? (Ajv2020Module as unknown as Ajv2020Class);
const validators = new Map<string, ValidateFunction>();
/** The scenario schema, with one string key per policy source of the catalog (`chargebeeConfig`). */
function getValidator(sourceKeys: readonly string[]): ValidateFunction {
  const id = sourceKeys.join(',');
  let validator = validators.get(id);
  if (!validator) {
    const extended = { ...schema, properties: { ...schema.properties, ...Object.fromEntries(sourceKeys.map((k) => [k, { type: 'string', minLength: 1 }])) } };
    validator = new Ajv2020({ allErrors: true, strict: true }).compile(extended as AnySchemaObject);
    validators.set(id, validator);
  }
  return validator;
}

/** Expands files and directories (recursively, `*.json`, sorted) into scenario file paths. */
export function findScenarioFiles(paths: readonly string[]): { files: string[]; problems: ScenarioProblem[] } {
  const files: string[] = [];
  const problems: ScenarioProblem[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.json')) files.push(path);
    }
  };
  for (const path of paths) {
    if (!existsSync(path)) {
      problems.push({ file: path, pointer: '', message: 'no such file or directory' });
      continue;
    }
    if (statSync(path).isDirectory()) walk(path);
    else files.push(path);
  }
  return { files: [...new Set(files)], problems };
}

function describeAjvError(error: ErrorObject): { pointer: string; message: string } {
  const at = error.instancePath;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      return { pointer: `${at}/${key}`, message: `unknown key "${key}"` };
    }
    case 'required':
      return { pointer: at, message: `missing required key "${String((error.params as { missingProperty: string }).missingProperty)}"` };
    case 'enum':
      return { pointer: at, message: `must be one of: ${((error.params as { allowedValues: unknown[] }).allowedValues).map(String).join(', ')}` };
    default:
      return { pointer: at, message: error.message ?? error.keyword };
  }
}

function checkAgainstCatalog(s: Scenario, catalog: readonly Vendor[]): { pointer: string; message: string }[] {
  const vendor = catalog.find((v) => v.id === s.vendor);
  if (!vendor) return [{ pointer: '/vendor', message: `unknown vendor "${s.vendor}"; known: ${catalog.map((v) => v.id).join(', ')}` }];
  const problems: { pointer: string; message: string }[] = [];
  const featureIds = vendor.features.map((f) => f.id);
  s.features?.forEach((f, i) => {
    if (!featureIds.includes(f)) problems.push({ pointer: `/features/${i}`, message: `unknown feature "${f}" of ${vendor.id}; known: ${featureIds.join(', ')}` });
  });
  for (const [key, value] of Object.entries(s.params ?? {})) {
    const param = vendor.params.find((p) => p.key === key);
    if (!param) problems.push({ pointer: `/params/${key}`, message: `${vendor.id} has no parameter "${key}"; known: ${vendor.params.map((p) => p.key).join(', ')}` });
    else if (!param.values.includes(value)) problems.push({ pointer: `/params/${key}`, message: `"${value}" is not a value of ${key}; allowed: ${param.values.join(', ')}` });
  }
  const chosen = s.features ?? featureIds;
  for (const f of Object.keys(s.expect.features ?? {})) {
    if (!chosen.includes(f)) problems.push({ pointer: `/expect/features/${f}`, message: `expectation for "${f}", which this scenario does not run (features: ${chosen.join(', ')})` });
  }
  return problems;
}

/** Loads and validates scenario files. `packageRoot` resolves policy-source paths like `fixtures/…`. */
export function loadScenarios(paths: readonly string[], catalog: readonly Vendor[], packageRoot: string): ScenarioLoad {
  const { files, problems } = findScenarioFiles(paths);
  const sources = catalog.flatMap((v) => v.policySources);
  const validate = getValidator(sources.map((s) => s.key));
  const scenarios: LoadedScenario[] = [];
  const seenIds = new Map<string, string>();
  for (const path of files) {
    const file = relative(process.cwd(), path) || path;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      problems.push({ file, pointer: '', message: `cannot read: ${(error as Error).message}` });
      continue;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      const p = jsonSyntaxProblem(text, error);
      problems.push({ file, ...p });
      continue;
    }
    const at = (pointer: string) => {
      try {
        const offset = locateValues(text).positions.get(pointer);
        return offset === undefined ? {} : lineColumn(text, offset);
      } catch {
        return {};
      }
    };
    const push = (pointer: string, message: string) => problems.push({ file, pointer, message, ...at(pointer) });
    if (!validate(data)) {
      const errors = validate.errors ?? [];
      for (const e of errors) {
        const d = describeAjvError(e);
        push(d.pointer, d.message);
      }
      continue;
    }
    const scenario = data as Scenario;
    const semantic = checkAgainstCatalog(scenario, catalog);
    const named = sources.filter((source) => typeof (data as Record<string, unknown>)[source.key] === 'string');
    if ((scenario.policies === undefined ? 0 : 1) + named.length !== 1) {
      semantic.push({ pointer: '', message: `give exactly one of ${['policies', ...sources.map((x) => x.key)].map((k) => `"${k}"`).join(' and ')}` });
    }
    for (const p of semantic) push(p.pointer, p.message);
    const earlier = seenIds.get(scenario.id);
    if (earlier) push('/id', `id "${scenario.id}" is also used by ${earlier}`);
    seenIds.set(scenario.id, file);
    const loaded: LoadedScenario = { ...scenario, file };
    for (const source of named) {
      const given = (data as Record<string, string>)[source.key]!;
      const candidates = [resolve(dirname(path), given), resolve(packageRoot, given)];
      const found = candidates.find((c) => existsSync(c));
      if (!found) push(`/${source.key}`, `no such file: ${given} (looked beside the scenario and in ${packageRoot})`);
      else loaded.sourceFile = { source, key: source.key, given, path: found };
    }
    if (semantic.length === 0) scenarios.push(loaded);
  }
  if (files.length === 0 && problems.length === 0) problems.push({ file: paths.join(' '), pointer: '', message: 'no scenario files (*.json) found' });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, scenarios };
}

export function formatScenarioProblem(p: ScenarioProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return `${where}: ${p.pointer ? `${p.pointer}: ` : ''}${p.message}`;
}
