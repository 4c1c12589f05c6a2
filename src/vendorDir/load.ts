// A user's vendor folder (vendor-format.md: vendor.json + HAR traffic + optional static files) → the
// Vendor the harness uses, exactly like a bundled one. Everything wrong with the folder is named by
// file, JSON pointer, line and column, and thrown as one VendorFolderError (exit 2).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { parseHar, replayRoutes } from '../server/har.ts';
import type { ReplayEntry, Route, WsConversation } from '../server/routes.ts';
import { escapePointer, jsonSyntaxProblem, lineColumn, locateValues, type JsonProblem, type Located } from '../shared/jsonPositions.ts';
import { NONCE_ATTRIBUTE } from '../shared/placeholders.ts';
import { urlMatches } from '../shared/urlPattern.ts';
import { HarnessError } from '../shared/vocabulary.ts';
import { cellMarker } from '../vendors/embed.ts';
import type { CellContext, ExpectEntry, Vendor, VendorFeature } from '../vendors/types.ts';
import { deriveFeatures, TRAFFIC_KINDS, trafficKindOf, type TrafficKind } from './derive.ts';
import { EXPECT_KINDS, type ExpectJson, type FeatureJson, type VendorJson } from './format.ts';
import schema from './vendor.schema.json' with { type: 'json' };

/** The schema users point `$schema` at (shipped with the harness). */
export const VENDOR_SCHEMA_PATH = new URL('./vendor.schema.json', import.meta.url);

/** A problem in one file of a vendor folder. */
export interface FolderProblem extends JsonProblem {
  /** The file, as the user named the folder (`vendors/acme-chat/vendor.json`). */
  file: string;
}

export class VendorFolderError extends HarnessError {
  constructor(
    readonly dir: string,
    readonly problems: FolderProblem[],
  ) {
    super('CSPH_BAD_VENDOR_DIR', `the vendor folder ${dir} cannot be used:\n${problems.map(formatProblem).join('\n')}`);
  }
}

export function formatProblem(p: FolderProblem): string {
  const place = p.line !== undefined ? `:${p.line}:${p.column ?? 1}` : '';
  const where = p.pointer ? ` (at ${p.pointer})` : '';
  return `  ${p.file}${place}${where}: ${p.message}`;
}

type Ajv2020Class = typeof Ajv2020Module.default;
const Ajv2020: Ajv2020Class = (Ajv2020Module as unknown as { default?: Ajv2020Class }).default ?? (Ajv2020Module as unknown as Ajv2020Class);
let validator: ValidateFunction | null = null;
function validate(value: unknown): ErrorObject[] {
  validator ??= new Ajv2020({ allErrors: true, strict: true }).compile(schema as AnySchemaObject);
  return validator(value) ? [] : [...(validator.errors ?? [])];
}

/** Where a pointer's value (or its nearest ancestor's) is in the text. */
function placeOf(text: string, located: Located | null, pointer: string): { line?: number; column?: number } {
  if (!located) return {};
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const at = located.positions.get(p);
    if (at !== undefined) return lineColumn(text, at);
    if (p === '') return {};
  }
}

function ajvMessage(e: ErrorObject): { pointer: string; message: string } {
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return { pointer: `${e.instancePath}/${escapePointer(extra)}`, message: `unknown key "${extra}"` };
  }
  if (e.keyword === 'required') return { pointer: e.instancePath, message: `"${(e.params as { missingProperty: string }).missingProperty}" is required` };
  if (e.keyword === 'propertyNames') {
    const name = (e.params as { propertyName: string }).propertyName;
    return { pointer: `${e.instancePath}/${escapePointer(name)}`, message: `"${name}" is not allowed here: ${e.instancePath === '/static' ? 'an origin such as https://cdn.example.com is' : 'an id of lower-case letters, digits and dashes is'}` };
  }
  if (e.keyword === 'pattern' && e.instancePath === '/id') return { pointer: e.instancePath, message: 'an id is lower-case letters, digits and dashes (acme-chat)' };
  if (e.keyword === 'pattern') return { pointer: e.instancePath, message: 'not an absolute URL pattern (https://host/path, wss://host/path)' };
  return { pointer: e.instancePath, message: e.message ?? e.keyword };
}

/** Checks what the schema cannot say well: each `expect` entry has exactly one known kind, with its own keys. */
function expectProblems(json: unknown): { pointer: string; message: string }[] {
  const features = (json as { features?: unknown }).features;
  if (typeof features !== 'object' || features === null) return [];
  const out: { pointer: string; message: string }[] = [];
  for (const [id, feature] of Object.entries(features)) {
    const list = (feature as { expect?: unknown } | null)?.expect;
    if (!Array.isArray(list)) continue;
    list.forEach((entry: unknown, i) => {
      const pointer = `/features/${escapePointer(id)}/expect/${i}`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return out.push({ pointer, message: `an expectation is an object such as {"request": "https://…"}; kinds: ${EXPECT_KINDS.join(', ')}` });
      const keys = Object.keys(entry);
      const kinds = keys.filter((k) => (EXPECT_KINDS as readonly string[]).includes(k));
      if (kinds.length === 0) return out.push({ pointer, message: `unknown expectation kind "${keys[0] ?? ''}"; kinds: ${EXPECT_KINDS.join(', ')}` });
      if (kinds.length > 1) return out.push({ pointer, message: `one kind per expectation, this one has ${kinds.join(' and ')}` });
      const allowed: Record<string, string[]> = { request: ['request'], frame: ['frame'], websocket: ['websocket'], selector: ['selector', 'visible'], style: ['style', 'property', 'value'] };
      const kind = kinds[0]!;
      for (const k of keys) if (!allowed[kind]!.includes(k)) out.push({ pointer: `${pointer}/${escapePointer(k)}`, message: `"${k}" does not belong to a ${kind} expectation (keys: ${allowed[kind]!.join(', ')})` });
      if (kind === 'style') for (const k of ['property', 'value']) if (!(k in entry)) out.push({ pointer, message: `a style expectation needs "${k}"` });
    });
  }
  return out;
}

export interface LoadOptions {
  /** Ids already taken (bundled vendors, folders loaded before). */
  takenIds?: ReadonlyMap<string, string>;
  /** How the folder is named in messages (default: as given). */
  display?: string;
}

interface Traffic {
  entries: ReplayEntry[];
  conversations: WsConversation[];
}

/** Loads and checks one vendor folder. Throws VendorFolderError naming every problem found. */
export function loadVendorFolder(dirGiven: string, options: LoadOptions = {}): Vendor {
  const dir = resolve(dirGiven);
  const shown = options.display ?? dirGiven.replace(/\/+$/, '');
  const file = (name: string) => (isAbsolute(name) ? name : join(shown, name));
  const problems: FolderProblem[] = [];
  const fail = (): never => {
    throw new VendorFolderError(shown, problems);
  };
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    problems.push({ file: shown, pointer: '', message: 'no such folder: --vendor-dir names a folder holding vendor.json (see csp-harness record to make one)' });
    fail();
  }
  const jsonPath = join(dir, 'vendor.json');
  const jsonFile = file('vendor.json');
  if (!existsSync(jsonPath)) {
    problems.push({ file: jsonFile, pointer: '', message: 'missing: a vendor folder holds vendor.json (../shared/design/vendor-format.md)' });
    fail();
  }
  const raw = readFileSync(jsonPath, 'utf8');
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    problems.push({ file: jsonFile, ...jsonSyntaxProblem(text, error, 'vendor.json') });
    fail();
  }
  let located: Located | null = null;
  try {
    located = locateValues(text);
  } catch {
    located = null;
  }
  const at = (pointer: string, message: string) => problems.push({ file: jsonFile, pointer, message, ...placeOf(text, located, pointer) });
  // An id a bundled vendor (or an earlier folder) has is named with everything else that is wrong.
  const givenId = (json as { id?: unknown } | null)?.id;
  const clash = typeof givenId === 'string' ? options.takenIds?.get(givenId) : undefined;
  if (clash) at('/id', `the id "${givenId}" is already ${clash}: give this vendor another id`);
  const manual = expectProblems(json);
  for (const p of manual) at(p.pointer, p.message);
  for (const e of validate(json)) {
    // An expectation checked by hand above is not reported twice (ajv's own words are vaguer).
    if (manual.some((m) => e.instancePath === m.pointer || e.instancePath.startsWith(`${m.pointer}/`))) continue;
    const { pointer, message } = ajvMessage(e);
    at(pointer, message);
  }
  if (problems.length) fail();
  const vj = json as VendorJson;

  // Traffic: every HAR parses, its problems named by pointer, line and column.
  const traffic: Traffic = { entries: [], conversations: [] };
  vj.traffic.forEach((name, i) => {
    const path = resolve(dir, name);
    if (!existsSync(path) || !statSync(path).isFile()) return at(`/traffic/${i}`, `no such file: ${name} (relative to the vendor folder)`);
    const harText = readFileSync(path, 'utf8');
    const har = parseHar(harText);
    if (!har.ok) {
      let harLocated: Located | null = null;
      try {
        harLocated = locateValues(harText);
      } catch {
        harLocated = null;
      }
      for (const p of har.problems) {
        const syntax = p.pointer === '' && p.message.startsWith('not JSON') ? (() => {
          try {
            JSON.parse(harText);
            return null;
          } catch (error) {
            return jsonSyntaxProblem(harText, error, 'the file');
          }
        })() : null;
        problems.push(syntax ? { file: file(name), ...syntax, message: `not a HAR: ${syntax.message}` } : { file: file(name), pointer: p.pointer, message: p.message, ...placeOf(harText, harLocated, p.pointer) });
      }
      return;
    }
    traffic.entries.push(...har.entries);
    traffic.conversations.push(...har.conversations);
  });
  const statics: Route[] = [];
  for (const [origin, folder] of Object.entries(vj.static ?? {})) {
    const path = resolve(dir, folder);
    if (!existsSync(path) || !statSync(path).isDirectory()) at(`/static/${escapePointer(origin)}`, `no such folder: ${folder} (relative to the vendor folder)`);
    else statics.push({ kind: 'static', host: new URL(origin).hostname.toLowerCase(), dir: path });
  }
  if (problems.length) fail();
  if (traffic.entries.length === 0 && traffic.conversations.length === 0 && statics.length === 0) {
    at('/traffic', 'the traffic holds no answered request: record it again (csp-harness record) or add static files');
    fail();
  }

  const items: Item[] = [...traffic.entries.map((e) => ({ url: e.url, resourceType: e.resourceType ?? null, contentType: headerOf(e, 'content-type') })), ...traffic.conversations.map((c) => ({ url: c.url, resourceType: 'websocket' }))];
  const featuresJson: Record<string, FeatureJson> = vj.features ?? deriveFeatures(items);
  const derived = vj.features === undefined;
  const recording = new Recording(items);
  const expectations = new Map(Object.entries(featuresJson).map(([id, f]) => [id, f.expect.map((e) => toEntry(e, recording))]));
  const features: VendorFeature[] = Object.entries(featuresJson).map(([id, f]) => ({
    id,
    title: f.title,
    directives: [...new Set(expectations.get(id)!.flatMap(directivesOf))],
    seedRef: derived ? `${jsonFile} (derived from the traffic)` : `${jsonFile}:${placeOf(text, located, `/features/${escapePointer(id)}`).line ?? 1}`,
  }));
  return {
    id: vj.id,
    title: vj.title,
    seed: '',
    folder: dir,
    params: [],
    features,
    routes: [...statics, ...replayRoutes(traffic)],
    documentedPolicies: [],
    policySources: [],
    page(cell: CellContext) {
      const body = cell.nonce ? withNonces(vj.embed) : vj.embed;
      return { body: `${cellMarker(vj.id, cell.feature, cell.params)}\n${body}`, inlineScripts: inlineScriptsOf(vj.embed) };
    },
    expectations(cell: CellContext): ExpectEntry[] {
      const list = expectations.get(cell.feature);
      if (!list) throw new HarnessError('CSPH_BAD_VENDOR_INPUT', `${vj.id}: unknown feature "${cell.feature}"; known: ${[...expectations.keys()].join(', ')}`);
      return list;
    },
  };
}

function headerOf(entry: ReplayEntry, name: string): string | null {
  return entry.headers.find(([n]) => n.toLowerCase() === name)?.[1] ?? null;
}

type Item = { url: string; resourceType?: string | null; contentType?: string | null };

/** The recorded requests, looked up by URL without query (a pattern without wildcards) or scanned (with). */
class Recording {
  private readonly byUrl = new Map<string, Item>();
  constructor(readonly items: readonly Item[]) {
    for (const item of items) {
      const key = item.url.replace(/[?#].*$/, '').toLowerCase();
      if (!this.byUrl.has(key)) this.byUrl.set(key, item);
    }
  }

  /** The first recorded request a pattern matches, and its kind. */
  find(pattern: string): { url: string; kind: TrafficKind | null } | null {
    const hit = pattern.includes('*') || pattern.includes('?') ? this.items.find((i) => urlMatches(pattern, i.url)) : this.byUrl.get(pattern.toLowerCase());
    return hit ? { url: hit.url, kind: trafficKindOf(hit) } : null;
  }
}

function guessKind(url: string): TrafficKind {
  const path = url.replace(/[?#].*$/, '').toLowerCase();
  if (/\.m?js$/.test(path)) return 'scripts';
  if (/\.css$/.test(path)) return 'styles';
  if (/\.(png|jpe?g|gif|svg|webp|ico|avif)$/.test(path)) return 'images';
  if (/\.(woff2?|ttf|otf|eot)$/.test(path)) return 'fonts';
  if (/\.(mp3|mp4|webm|ogg|wav)$/.test(path)) return 'media';
  return 'connections';
}

/** A vendor.json expectation as the harness's ExpectEntry: a request's kind from the recording (else its extension). */
function toEntry(e: ExpectJson, items: Recording): ExpectEntry {
  if ('request' in e) {
    const hit = items.find(e.request);
    const kind = hit?.kind && hit.kind !== 'frames' && hit.kind !== 'websockets' ? hit.kind : guessKind(e.request);
    const as = TRAFFIC_KINDS[kind].as as Extract<ExpectEntry, { request: string }>['as'];
    return { request: e.request, as, ...(hit && e.request.includes('*') ? { example: hit.url } : {}) };
  }
  if ('frame' in e) {
    const hit = items.find(e.frame);
    return { frame: e.frame, ...(hit && e.frame.includes('*') ? { example: hit.url } : {}) };
  }
  if ('websocket' in e) {
    const hit = items.find(e.websocket);
    return { websocket: e.websocket, ...(hit && e.websocket.includes('*') ? { example: hit.url } : {}) };
  }
  if ('selector' in e) return e.visible === undefined ? { selector: e.selector } : { selector: e.selector, visible: e.visible };
  return { style: e.style, property: e.property, value: e.value };
}

const DIRECTIVE_OF: Record<string, string> = { script: 'script-src', style: 'style-src', image: 'img-src', font: 'font-src', connect: 'connect-src', media: 'media-src', frame: 'frame-src', websocket: 'connect-src' };

function directivesOf(entry: ExpectEntry): string[] {
  if ('request' in entry) return [DIRECTIVE_OF[entry.as] ?? 'default-src'];
  if ('frame' in entry) return ['frame-src'];
  if ('websocket' in entry) return ['connect-src'];
  return [];
}

/** Every <script> and <style> start tag of the embed carries the response's nonce (vendor-format.md). */
export function withNonces(html: string): string {
  return html.replace(/<(script|style)\b([^>]*)>/gi, (tag, name: string, attrs: string) => (/\snonce\s*=/i.test(attrs) ? tag : `<${name}${NONCE_ATTRIBUTE}${attrs}>`));
}

/** The text of each inline <script> block of the embed (for `{{inline-hashes}}`). */
export function inlineScriptsOf(html: string): string[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter((m) => !/\ssrc\s*=/i.test(m[1] ?? '')).map((m) => m[2] ?? '');
}

/** The folder of a vendor as a user names it relative to the working directory (messages). */
export function shownFolder(dir: string, cwd = process.cwd()): string {
  const rel = relative(cwd, dir);
  return rel && !rel.startsWith('..') ? rel : dir;
}
