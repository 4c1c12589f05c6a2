// Chargebee hosted-page CSP configurations (seed 004): validate the JSON against Chargebee's schema
// (chargebee.schema.json, the contract) and the rules its prose states, then compile the one header.
// Never throws: every problem becomes a ConfigProblem named by its JSON pointer.
import Ajv2020Module from 'ajv/dist/2020.js';
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import schema from './config.schema.json' with { type: 'json' };
import { mergePolicies, parsePolicyList, serializePolicy, serializeSource, type Directive, type Policy, type SourceExpression } from '../../policy/index.ts';
import { escapePointer, jsonSyntaxProblem, lineColumn, locateValues, type JsonProblem, type Located } from '../../shared/jsonPositions.ts';
import { checkDirective, describe, entryCount, isObject } from './configChecks.ts';

/** A problem in the configuration (JSON pointer, line and column). */
export type ConfigProblem = JsonProblem;

export type ChargebeeResult =
  | { ok: true; header: string; policy: Policy; warnings: ConfigProblem[] }
  | { ok: false; errors: ConfigProblem[]; warnings: ConfigProblem[] };

/** Seed 004: "The minified version of the configuration JSON must not exceed 5000 characters." */
export const CHARGEBEE_MAX_MINIFIED_LENGTH = 5000;

/** The directives a policy may hold: the schema's policy properties other than name and type. */
const DIRECTIVES: readonly string[] = Object.keys(schema.$defs.policy.properties).filter((k) => k !== 'name' && k !== 'type');
const POLICY_KEYS = new Set(Object.keys(schema.$defs.policy.properties));
const ROOT_KEYS = new Set(Object.keys(schema.properties));

// ajv is CommonJS: under NodeNext the default import is module.exports, whose `.default` is the class;
// some loaders hand over the class itself. Accept both.
type Ajv2020Class = typeof Ajv2020Module.default;
const Ajv2020: Ajv2020Class =
  (Ajv2020Module as unknown as { default?: Ajv2020Class }).default ?? (Ajv2020Module as unknown as Ajv2020Class);

let validator: ValidateFunction | null = null;
function getValidator(): ValidateFunction {
  validator ??= new Ajv2020({ allErrors: true, strict: true }).compile(schema as AnySchemaObject);
  return validator;
}

export function compileChargebeeConfig(text: string): ChargebeeResult {
  try {
    return compile(text);
  } catch (error) {
    // Not expected; the promise is never to throw.
    const reason = error instanceof Error ? error.message : 'unknown failure';
    return { ok: false, errors: [{ pointer: '', message: `internal error while compiling the configuration: ${reason}` }], warnings: [] };
  }
}

class Problems {
  readonly errors: ConfigProblem[] = [];
  readonly warnings: ConfigProblem[] = [];
  constructor(
    private readonly text: string,
    private readonly located: Located | null,
  ) {}

  error(pointer: string, message: string): void {
    this.errors.push(this.make(pointer, message));
  }

  warning(pointer: string, message: string): void {
    this.warnings.push(this.make(pointer, message));
  }

  /** Orders problems as they appear in the text (stable; problems without a place keep their order). */
  sort(): void {
    for (const list of [this.errors, this.warnings]) {
      const sorted = list
        .map((p, i) => ({ p, i }))
        .sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || (a.p.column ?? 0) - (b.p.column ?? 0) || a.i - b.i);
      list.splice(0, list.length, ...sorted.map((x) => x.p));
    }
  }

  private make(pointer: string, message: string): ConfigProblem {
    const problem: ConfigProblem = { pointer, message };
    const offset = this.offsetOf(pointer);
    if (offset !== null) Object.assign(problem, lineColumn(this.text, offset));
    return problem;
  }

  /** The offset of the value at `pointer`, or of its nearest ancestor that exists. */
  private offsetOf(pointer: string): number | null {
    if (!this.located) return null;
    let p = pointer;
    for (;;) {
      const at = this.located.positions.get(p);
      if (at !== undefined) return at;
      if (p === '') return null;
      p = p.slice(0, p.lastIndexOf('/'));
    }
  }
}

function compile(input: unknown): ChargebeeResult {
  if (typeof input !== 'string') {
    return { ok: false, errors: [{ pointer: '', message: `the configuration must be JSON text, received ${typeof input}` }], warnings: [] };
  }
  // A UTF-8 byte order mark is not JSON whitespace, but editors write it; read past it.
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;

  // (a) JSON syntax.
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [jsonSyntaxProblem(text, error)], warnings: [] };
  }

  let located: Located | null = null;
  try {
    located = locateValues(text);
  } catch {
    located = null; // only line/column numbers are lost
  }
  const problems = new Problems(text, located);
  for (const d of located?.duplicates ?? []) {
    problems.warning(d.pointer, `the key "${d.key}" appears more than once in the same object: JSON parsers keep only the last one`);
  }

  // (b) the minified size limit.
  let minified: string;
  try {
    minified = JSON.stringify(parsed);
  } catch {
    problems.error('', 'the configuration is nested too deeply to process');
    return { ok: false, errors: problems.errors, warnings: problems.warnings };
  }
  if (minified.length > CHARGEBEE_MAX_MINIFIED_LENGTH) {
    problems.error(
      '',
      `the minified configuration is ${minified.length} characters; Chargebee's limit is ${CHARGEBEE_MAX_MINIFIED_LENGTH} (${minified.length - CHARGEBEE_MAX_MINIFIED_LENGTH} too many)`,
    );
  }

  // (c) the JSON Schema.
  const validate = getValidator();
  if (!validate(parsed)) {
    for (const e of validate.errors ?? []) problems.error(e.instancePath, schemaMessage(e, parsed));
  }

  // (d) rules the schema states only in prose, and (e) the sources each policy contributes.
  const policies = checkAndCollect(parsed, problems);

  problems.sort();
  if (problems.errors.length > 0) return { ok: false, errors: problems.errors, warnings: problems.warnings };

  const merged = mergePolicies(policies);
  for (const d of merged.directives) {
    if (!d.sources) continue;
    d.sources = stableSortBy(d.sources, (s) => KIND_RANK[s.kind] ?? 4);
    d.tokens = d.sources.map(serializeSource);
  }
  const header = serializePolicy(merged);
  if (header === '') {
    problems.error('/policies', 'the configuration compiles to an empty header: no policy has a directive with any hosts, expressions or hashes');
    return { ok: false, errors: problems.errors, warnings: problems.warnings };
  }
  // Parse the header back: the returned policy is exactly what a browser would read.
  const reparsed = parsePolicyList(header);
  const policy = reparsed.policies[0];
  const broken = reparsed.diagnostics.filter((d) => d.severity === 'error');
  if (!policy || broken.length > 0) {
    for (const d of broken) problems.error('', `internal error: the compiled header does not parse: ${d.message}`);
    if (!policy) problems.error('', 'internal error: the compiled header does not parse');
    return { ok: false, errors: problems.errors, warnings: problems.warnings };
  }
  return { ok: true, header, policy, warnings: problems.warnings };
}

/** Order of values inside a directive: keywords, hashes, schemes, hosts (seed 004's headers). */
const KIND_RANK: Partial<Record<SourceExpression['kind'], number>> = { keyword: 0, hash: 1, scheme: 2, host: 3 };

function stableSortBy<T>(items: T[], rank: (item: T) => number): T[] {
  return items
    .map((item, index) => ({ item, index, r: rank(item) }))
    .sort((a, b) => a.r - b.r || a.index - b.index)
    .map((x) => x.item);
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let value = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) value = value[Number(key)];
    else if (isObject(value)) value = Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
    else return undefined;
  }
  return value;
}

function schemaMessage(e: ErrorObject, root: unknown): string {
  const received = describe(valueAt(root, e.instancePath));
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing the required property "${String(params.missingProperty)}"`;
    case 'type': {
      const types = Array.isArray(params.type) ? params.type.map(String) : [String(params.type)];
      return `must be ${types.map(withArticle).join(' or ')}, received ${received}`;
    }
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map((v) => JSON.stringify(v)).join(', ') : '';
      return `received ${received}; allowed values: ${allowed}`;
    }
    case 'minItems':
      return `must hold at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}, received ${received}`;
    default:
      return `${e.message ?? `fails the schema's ${e.keyword} rule`}, received ${received}`;
  }
}

/**
 * Checks what the schema describes only in prose and builds one Policy per config policy, each
 * directive's sources in config order. Tolerates values the schema already rejected (skips them).
 */
function checkAndCollect(root: unknown, problems: Problems): Policy[] {
  const policies: Policy[] = [];
  if (!isObject(root)) return policies;
  for (const key of Object.keys(root)) {
    if (!ROOT_KEYS.has(key)) problems.warning(`/${escapePointer(key)}`, `unknown property "${key}" is not in Chargebee's schema (allowed: "policies"); it is ignored`);
  }
  const list = root.policies;
  if (!Array.isArray(list)) return policies;
  const names = new Map<string, number>();
  list.forEach((raw, i) => {
    const at = `/policies/${i}`;
    if (!isObject(raw)) return;
    if (typeof raw.name === 'string') {
      const first = names.get(raw.name);
      if (first !== undefined) problems.warning(`${at}/name`, `the policy name "${raw.name}" is also the name of /policies/${first}; names should be unique`);
      else names.set(raw.name, i);
    }
    const policy: Policy = { disposition: 'enforce', source: 'header', directives: [] };
    for (const key of Object.keys(raw)) {
      const dAt = `${at}/${escapePointer(key)}`;
      if (!POLICY_KEYS.has(key)) {
        const lower = key.toLowerCase();
        const hint = DIRECTIVES.includes(lower) ? ` (directive names are lower-case: "${lower}")` : '';
        problems.warning(dAt, `"${key}" is not a directive Chargebee accepts${hint}; it is ignored. Directives: ${DIRECTIVES.join(', ')}`);
        continue;
      }
      if (key === 'name' || key === 'type') continue;
      const value = raw[key];
      const sources = checkDirective(value, dAt, problems);
      if (sources === null) continue;
      if (sources.length === 0) {
        // Entries that were rejected are already errors; an empty directive is worth a warning.
        if (entryCount(value) === 0) problems.warning(dAt, `${key} has no hosts, expressions or hashes; it adds nothing and is left out of the header`);
        continue;
      }
      const directive: Directive = { name: key, tokens: sources.map(serializeSource), sources, offset: 0 };
      policy.directives.push(directive);
    }
    const written = DIRECTIVES.filter((d) => entryCount(raw[d]) > 0);
    if (written.length === 0) problems.warning(at, 'this policy has no directive with hosts, expressions or hashes; it adds nothing to the header');
    policies.push(policy);
  });
  return policies;
}
