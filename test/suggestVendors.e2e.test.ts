// `csp-harness suggest` for every bundled vendor, two vendors together and a vendor folder (issue [11]),
// each suggestion checked from outside suggest: a plain `run` of the policy passes every cell in
// Chromium, Firefox and WebKit; the policy without any ONE added source fails a cell (all variants in
// one `run`, several --policy); every high-severity csp_evaluator finding is a weak source suggest
// names as forced by a selected vendor.
//
// The exact added sets are what the engines blocked, and each is what the vendor's document (seed, in
// ../shared/seeds/) or stub asks for: see the comment of each case.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lintPolicy } from '../src/policy/lint.ts';
import type { Report } from '../src/reporters/model.ts';
import { readReport, runBin } from './helpers/cli.ts';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'csp-harness.js');
const OUT = mkdtempSync(join(tmpdir(), 'csph-suggest-vendors-'));
const TINY = join(import.meta.dirname, 'fixtures/vendor-dirs/tiny-chat');
const BROWSERS = 'chromium,firefox,webkit';
const BASE = "default-src 'self'";

/**
 * Two CLI processes at a time: a cell spends much of its time waiting (settling, a vendor's next
 * request, one browser launch after another), so a second process fills the gaps. The suggestions are
 * all started up front (`beforeAll`); a test's own runs (`urgent`) go before the suggestions queued.
 */
const PARALLEL = 2;
let active = 0;
const waiting: { urgent: boolean; resume: () => void }[] = [];
async function limited<T>(urgent: boolean, work: () => Promise<T>): Promise<T> {
  if (active >= PARALLEL) {
    await new Promise<void>((resume) => (urgent ? waiting.unshift({ urgent, resume }) : waiting.push({ urgent, resume })));
  } else {
    active++;
  }
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    // The slot passes to the next waiter, or is freed.
    if (next) next.resume();
    else active--;
  }
}

const cli = (...args: string[]) => limited(true, () => runBin(CLI, args, { cwd: ROOT, timeoutMs: 840_000 }));
/** Queued behind the tests' own runs; `seconds` counts from the start of the process, not of the wait. */
const cliQueued = (...args: string[]) =>
  limited(false, async () => {
    const started = Date.now();
    const result = await runBin(CLI, args, { cwd: ROOT, timeoutMs: 840_000 });
    return { ...result, seconds: Math.round((Date.now() - started) / 1000) };
  });

interface SuggestJson {
  policy: string;
  verified: { cells: number; pass: number };
  added: string[];
  forced: string[];
  steps: { round: number; policy?: string; added?: string[]; cells: number }[];
  remaining: { id: string; status: string; reason: string }[];
}

interface Case {
  name: string;
  /** The selection, the same for suggest and for the plain run that checks it. */
  selection: string[];
  cells: number;
  /** `directive source`, in any order. */
  added: string[];
}

// genesys: embed=self, as the seed's "least-privilege" header is written for (no 'unsafe-inline' in
// script-src: the snippet saved as a same-origin file; seed 002 lines 17–24). Its header, less
// `img-src https://apps…` (no image of the stub comes from apps), plus `font-src data:` for the icon
// font (seed's edge case 1: "data: in your img-src or font-src"). Every feature but `authenticated`,
// to keep the file's time down: saved as a file, its init code needs nothing more than `api` does
// (the JWT exchange at https://api…, connect-src) — its nonce is for the inline snippet.
const GENESYS: Case = {
  name: 'genesys',
  selection: ['--vendor', 'genesys', '--feature', 'messenger,websocket,api,styles,icons', '--param', 'embed=self'],
  cells: 15,
  added: [
    'script-src https://apps.mypurecloud.com',
    'style-src https://apps.mypurecloud.com',
    "style-src 'unsafe-inline'",
    'connect-src https://api.mypurecloud.com',
    'connect-src wss://webmessaging.mypurecloud.com',
    'img-src data:',
    'font-src data:',
    'frame-src https://apps.mypurecloud.com',
  ],
};

// velaro: every feature, default params (external embed). Seed 001's "Full CSP directive reference":
// script-src app-cdn; connect-src the *.velaro.com hosts (here the stub's three, https and wss);
// style-src 'unsafe-inline' + fonts.googleapis.com; font-src fonts.gstatic.com; img-src data: (+ the
// headshot from app-cdn); frame-src blob:; media-src app-cdn (sounds); frame-src calendly.com.
const VELARO: Case = {
  name: 'velaro',
  selection: ['--vendor', 'velaro'],
  cells: 24,
  added: [
    'script-src https://app-cdn.velaro.com',
    'connect-src https://api-visitor-us-east.velaro.com',
    'connect-src https://api-engagement-us-east.velaro.com',
    'connect-src https://signalr-engagement-us-east.velaro.com',
    'connect-src wss://signalr-engagement-us-east.velaro.com',
    "style-src 'unsafe-inline'",
    'style-src https://fonts.googleapis.com',
    'font-src https://fonts.gstatic.com',
    'img-src https://app-cdn.velaro.com',
    'img-src data:',
    'media-src https://app-cdn.velaro.com',
    'frame-src blob:',
    'frame-src https://calendly.com',
  ],
};

// provide-support: default params (external loader), every feature but `files`: its upload goes to
// the same https://chat1… origin as `connect` (the same connect-src source), and leaving it out saves
// three cells a round. Seed 000 names script, connect, media and img; the stub's hosts
// (src/vendors/provide-support): the loader and button images from image., XHR and the WebSocket to
// chat1., the messenger frame and sound from messenger. The install code's containers carry style
// attributes and the button an inline onclick (the real code does): 'unsafe-inline' in style-src and
// script-src (the onclick is blocked in Chromium and Firefox).
const PROVIDE_SUPPORT: Case = {
  name: 'provide-support',
  selection: ['--vendor', 'provide-support', '--feature', 'button,window,connect,messages,sounds'],
  cells: 15,
  added: [
    'script-src https://image.providesupport.com',
    "script-src 'unsafe-inline'",
    "style-src 'unsafe-inline'",
    'img-src https://image.providesupport.com',
    'connect-src https://chat1.providesupport.com',
    'connect-src wss://chat1.providesupport.com',
    'media-src https://messenger.providesupport.com',
    'frame-src https://messenger.providesupport.com',
  ],
};

// customerio: embed=self and the `in-app` feature only, to keep the file's time down: it runs the
// real SDK through five rounds (each host is asked for only once the one before it answered), the
// slowest cells of the matrix. `tracking` needs a subset of it (script-src and connect-src
// cdp.customer.io: the same client, identify/page); the default inline snippet would only add a first
// round in which every cell fails on it (script-src 'unsafe-inline', as Genesys' inline embed does).
// Seed 003's US directives: script-src and connect-src cdp.customer.io, connect-src *.cloud.gist.build
// (the two gist hosts the client calls), frame-src renderer.gist.build code.gist.build, style-src
// 'unsafe-inline' (the injected <style>; blocked in Chromium and Firefox).
const CUSTOMERIO: Case = {
  name: 'customerio',
  selection: ['--vendor', 'customerio', '--feature', 'in-app', '--param', 'embed=self'],
  cells: 3,
  added: [
    'script-src https://cdp.customer.io',
    'connect-src https://cdp.customer.io',
    'connect-src https://consumer.cloud.gist.build',
    'connect-src https://realtime.cloud.gist.build',
    "style-src 'unsafe-inline'",
    'frame-src https://renderer.gist.build',
    'frame-src https://code.gist.build',
  ],
};

// chargebee: every feature, default params (first-party GTM container). Seed 004's three examples:
// stats./api.stats./tracker.stats.example.com; analytics./api./tracker.example.com and data:;
// tags.tracking-example.com, events.api-service.com, cdn.image-host.com and data:. The merchant's
// inline scripts, which the seed allows by sha256 hashes, get 'unsafe-inline' (suggest adds no hash).
const CHARGEBEE: Case = {
  name: 'chargebee',
  selection: ['--vendor', 'chargebee'],
  cells: 9,
  added: [
    'script-src https://stats.example.com',
    'script-src https://analytics.example.com',
    'script-src https://tags.tracking-example.com',
    "script-src 'unsafe-inline'",
    'connect-src https://api.stats.example.com',
    'connect-src https://api.example.com',
    'connect-src https://events.api-service.com',
    'img-src https://tracker.stats.example.com',
    'img-src https://tracker.example.com',
    'img-src https://cdn.image-host.com',
    'img-src data:',
  ],
};

// Two vendors in one selection: Genesys' icons with Chargebee's wildcards example — a feature subset to
// keep the time down, chosen so both need `img-src data:`: it must be added once. The union of what
// each needs alone (the single-vendor cases' sources of these features).
const PAIR: Case = {
  name: 'genesys + chargebee',
  selection: ['--vendor', 'genesys,chargebee', '--feature', 'icons,wildcards', '--param', 'embed=self'],
  cells: 6,
  added: [
    'script-src https://apps.mypurecloud.com',
    'img-src data:',
    'font-src data:',
    'script-src https://tags.tracking-example.com',
    'connect-src https://events.api-service.com',
    'img-src https://cdn.image-host.com',
  ],
};

// A vendor folder (test/fixtures/vendor-dirs/tiny-chat), judged from outside its code: what its
// vendor.json expects — the loader from widget., its stylesheet and logo from cdn., the settings call
// and the WebSocket, the chat window's frame from widget.
const VENDOR_DIR: Case = {
  name: 'tiny-chat',
  selection: ['--vendor-dir', TINY, '--vendor', 'tiny-chat'],
  cells: 15,
  added: [
    'script-src https://widget.tiny.test',
    'style-src https://cdn.tiny.test',
    'img-src https://cdn.tiny.test',
    'connect-src https://api.tiny.test',
    'connect-src wss://rt.tiny.test',
    'frame-src https://widget.tiny.test',
  ],
};

const VENDOR_CASES = [GENESYS, VELARO, PROVIDE_SUPPORT, CUSTOMERIO, CHARGEBEE];

/** Directives in order: name (lower case) and values, as written. */
function parseDirectives(policy: string): { name: string; values: string[] }[] {
  return policy
    .split(';')
    .map((piece) => piece.trim().split(/\s+/).filter((t) => t !== ''))
    .filter((tokens) => tokens.length > 0)
    .map(([name, ...values]) => ({ name: name!.toLowerCase(), values }));
}

const serialize = (directives: readonly { name: string; values: readonly string[] }[]) => directives.map((d) => [d.name, ...d.values].join(' ')).join('; ');

/**
 * The policy without one added source. Where suggest created the directive from default-src's list
 * (`img-src 'self' data:`), what stays is that list (`img-src 'self'`); a directive left empty goes.
 */
function withoutSource(policy: string, added: string): string {
  const [directive, source] = added.split(' ') as [string, string];
  const directives = parseDirectives(policy);
  const target = directives.find((d) => d.name === directive);
  if (!target || !target.values.includes(source)) throw new Error(`${added} is not in ${policy}`);
  const values = target.values.filter((v) => v !== source);
  return serialize(directives.flatMap((d) => (d !== target ? [d] : values.length > 0 ? [{ name: d.name, values }] : [])));
}

const sorted = (list: readonly string[]) => [...list].sort();

/** `--skip-proof` where suggest has it: its own removal proof is what this file checks from outside. */
let skipProof: Promise<string[]> | undefined;
const skipProofFlag = () =>
  (skipProof ??= cli('suggest', '--help').then((help) => (help.stdout.includes('--skip-proof') ? ['--skip-proof'] : [])));

function unverifiedByFlowOnly(stdout: string): boolean {
  try {
    const { remaining } = JSON.parse(stdout) as SuggestJson;
    return remaining.length > 0 && remaining.every((r) => r.status === 'fail' && r.reason.startsWith('failed without a CSP violation'));
  } catch {
    return false;
  }
}

interface Suggested {
  json: SuggestJson;
  seconds: number;
}

/** One suggest per case, shared by the tests below. */
const suggestions = new Map<string, Promise<Suggested>>();
function suggest(c: Case): Promise<Suggested> {
  let pending = suggestions.get(c.name);
  if (!pending) {
    pending = (async () => {
      const flags = await skipProofFlag();
      const args = ['suggest', ...c.selection, '--browser', BROWSERS, '--json', ...flags];
      let result = await cliQueued(...args);
      // Not verified only because a cell failed with no CSP violation (suggest: "no source to add"): the
      // vendor's flow did not finish, which says nothing of the policy — seen for customerio/in-app in
      // WebKit on a loaded machine (see expectPlainRunPasses). Once more, said on the console; a cell
      // still blocked by a violation fails the test at once.
      if (result.code === 1 && unverifiedByFlowOnly(result.stdout)) {
        console.warn(`suggest ${c.name}: not verified, only by cells that failed without a CSP violation; running it once more:\n${result.stderr}`);
        result = await cliQueued(...args);
      }
      if (result.code !== 0) throw new Error(`suggest ${c.name} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
      return { json: JSON.parse(result.stdout) as SuggestJson, seconds: result.seconds };
    })();
    suggestions.set(c.name, pending);
  }
  return pending;
}

/** What suggest printed holds together: verified, from default-src 'self', each added source in the policy. */
function expectWellFormed(c: Case, json: SuggestJson) {
  expect(json.remaining).toEqual([]);
  expect(json.verified).toEqual({ cells: c.cells, pass: c.cells });
  expect(json.steps[0]).toMatchObject({ round: 0, policy: BASE, cells: c.cells });
  const directives = parseDirectives(json.policy);
  expect(directives.find((d) => d.name === 'default-src')?.values).toEqual(["'self'"]);
  expect(new Set(directives.map((d) => d.name)).size, 'no directive twice').toBe(directives.length);
  expect(new Set(json.added).size, 'no source added twice').toBe(json.added.length);
  for (const added of json.added) {
    const [directive, source] = added.split(' ') as [string, string];
    expect(directives.find((d) => d.name === directive)?.values, added).toContain(source);
  }
}

const describeCell = (cell: Report['cells'][number]) =>
  `${cell.id}: ${cell.status} ${cell.violations.map((v) => `${v.effectiveDirective} ${v.blockedURI}`).join(', ')} ${cell.probe?.detail ?? ''} ${cell.error ?? ''}`.trim();

/** The selection without its --feature (a re-run names its own). */
const withoutFeature = (selection: readonly string[]) => selection.filter((arg, i) => arg !== '--feature' && selection[i - 1] !== '--feature');

/**
 * A plain run of the policy, the same selection, three engines: every cell passes. A cell that failed
 * with no CSP violation at all (none enforced, none on its page) is not a verdict on the policy but a
 * vendor flow that did not finish — seen once for customerio/in-app in WebKit on a loaded machine: a
 * blank page after 6 s, no violation, the renderer frame never requested. Those cells, and only
 * when every failing cell is such, run once more (said on the console); any violation fails at once.
 */
async function expectPlainRunPasses(c: Case, policy: string): Promise<Report> {
  const out = join(OUT, `verify-${c.name.replace(/\W+/g, '-')}`);
  const run = await cli('run', '--policy', policy, ...c.selection, '--browser', BROWSERS, '--reporter', 'json', '--out', out);
  const report = readReport(out);
  expect(report.policies.map((p) => p.value.trim())).toEqual([policy]);
  expect(report.cells).toHaveLength(c.cells);
  expect(new Set(report.cells.map((cell) => cell.browser))).toEqual(new Set(['chromium', 'firefox', 'webkit']));
  const failing = report.cells.filter((cell) => cell.status !== 'pass');
  const unexplained = (cell: Report['cells'][number]) => cell.status === 'fail' && cell.violations.length === 0 && (cell.otherViolations ?? []).length === 0;
  if (failing.length > 0 && failing.every(unexplained)) {
    console.warn(`run ${c.name}: failed without any CSP violation, running once more: ${failing.map(describeCell).join(' | ')}`);
    const again = `${out}-again`;
    const features = [...new Set(failing.map((cell) => cell.feature))].join(',');
    const browsers = [...new Set(failing.map((cell) => cell.browser))].join(',');
    const rerun = await cli('run', '--policy', policy, ...withoutFeature(c.selection), '--feature', features, '--browser', browsers, '--reporter', 'json', '--out', again);
    const second = readReport(again);
    expect(second.cells.filter((cell) => cell.status !== 'pass').map(describeCell)).toEqual([]);
    expect(rerun.code, rerun.stderr).toBe(0);
    return report;
  }
  expect(failing.map(describeCell)).toEqual([]);
  expect(run.code, run.stderr).toBe(0);
  return report;
}

/** `genesys/styles[embed=self] needs 'unsafe-inline' in style-src (chromium, …)` → directive and source. */
function forcedSources(forced: readonly string[]): { directive: string; source: string }[] {
  return forced.map((line) => {
    const m = /^\S+ needs ('[^']+'|\S+) in (\S+) \(/.exec(line);
    if (!m) throw new Error(`unreadable forced line: ${line}`);
    return { source: m[1]!, directive: m[2]! };
  });
}

describe('csp-harness suggest, vendor by vendor, checked from outside', { timeout: 900_000 }, () => {
  beforeAll(() => {
    // Every suggestion starts now, in the tests' order; a failure is reported by the test that awaits it.
    for (const c of [...VENDOR_CASES, PAIR, VENDOR_DIR]) suggest(c).catch(() => undefined);
  });

  it.each(VENDOR_CASES)('$name: a verified policy, and a plain run of it passes every cell in three engines', async (c) => {
    const { json, seconds } = await suggest(c);
    console.info(`suggest ${c.name}: ${json.verified.pass}/${json.verified.cells} cells, ${json.steps.length - 1} rounds, ${seconds} s: ${json.policy}`);
    expectWellFormed(c, json);
    expect(sorted(json.added)).toEqual(sorted(c.added));
    await expectPlainRunPasses(c, json.policy);
  });

  it('two vendors together: one policy, the shared source added once, a plain run passes', async () => {
    const { json, seconds } = await suggest(PAIR);
    console.info(`suggest ${PAIR.name}: ${json.verified.pass}/${json.verified.cells} cells, ${json.steps.length - 1} rounds, ${seconds} s: ${json.policy}`);
    expectWellFormed(PAIR, json);
    expect(sorted(json.added)).toEqual(sorted(PAIR.added));
    expect(parseDirectives(json.policy).find((d) => d.name === 'img-src')?.values.filter((v) => v === 'data:')).toEqual(['data:']);
    const report = await expectPlainRunPasses(PAIR, json.policy);
    expect(new Set(report.cells.map((cell) => cell.vendor))).toEqual(new Set(['genesys', 'chargebee']));
  });

  // Minimality: the suggested policy (control) and each variant without one added source, all in one
  // run. Chromium only: one failing cell is the proof, and in every suggest run each of these sources
  // was needed in Chromium (suggest names the engines); three engines would triple the run.
  it.each([
    { name: GENESYS.name, c: GENESYS, features: 'messenger,websocket,api,styles,icons', perPolicy: 5 },
    { name: CHARGEBEE.name, c: CHARGEBEE, features: 'analytics,inline-hashed,wildcards', perPolicy: 3 },
  ])('$name: without any one added source, a cell fails', async ({ c, features, perPolicy }) => {
    const { json } = await suggest(c);
    const variants = json.added.map((added) => ({ added, policy: withoutSource(json.policy, added) }));
    expect(variants).toHaveLength(c.added.length);
    const policies = [json.policy, ...variants.map((v) => v.policy)];
    const out = join(OUT, `minimal-${c.name}`);
    const run = await cli('run', ...policies.flatMap((p) => ['--policy', p]), ...withoutFeature(c.selection), '--feature', features, '--browser', 'chromium', '--reporter', 'json', '--out', out);
    expect(run.code, run.stderr).toBe(1);
    const report = readReport(out);
    expect(report.policies.map((p) => p.value.trim())).toEqual(policies);
    expect(report.cells).toHaveLength(policies.length * perPolicy);
    const cellsOf = (index: number) => report.cells.filter((cell) => cell.policyIndex === index);
    // The control: the suggested policy itself passes, so what fails below is the removal.
    expect(cellsOf(0).map((cell) => [cell.id, cell.status])).toEqual(cellsOf(0).map((cell) => [cell.id, 'pass']));
    for (const [i, variant] of variants.entries()) {
      const cells = cellsOf(i + 1);
      expect(cells, variant.added).toHaveLength(perPolicy);
      expect(cells.every((cell) => cell.id.startsWith(`p${i + 2}/`)), variant.added).toBe(true);
      const failing = cells.filter((cell) => cell.status === 'fail');
      expect(failing.length, `without ${variant.added}: ${variant.policy}`).toBeGreaterThan(0);
      // …and blocked by the directive the source was taken from (script-src decides script-src-elem).
      const directive = variant.added.split(' ')[0]!;
      expect(failing.flatMap((cell) => cell.violations.map((v) => v.effectiveDirective)).some((d) => d.startsWith(directive)), `without ${variant.added}: ${failing.map((cell) => cell.violations.map((v) => `${v.effectiveDirective} ${v.blockedURI}`).join(', ')).join('; ')}`).toBe(true);
    }
  });

  // Strictness: csp_evaluator's high-severity findings (lint's errors from csp_evaluator) are weak
  // sources suggest added and names as forced by a selected vendor/feature.
  it.each([...VENDOR_CASES, PAIR])('$name: every high-severity csp_evaluator finding is forced by a selected vendor', async (c) => {
    const { json } = await suggest(c);
    const high = lintPolicy(json.policy).filter((f) => f.source === 'csp_evaluator' && f.severity === 'error');
    const forced = forcedSources(json.forced);
    for (const f of high) {
      expect(forced.some((s) => s.directive === f.directive && s.source === f.value), `${f.code} ${f.directive} ${f.value ?? ''} not named in forced: ${json.forced.join(' | ')}`).toBe(true);
    }
    for (const s of forced) expect(json.added).toContain(`${s.directive} ${s.source}`);
    // The documents that say scripts need no weak source: Velaro ("No unsafe-eval or unsafe-inline is
    // required for scripts"), Genesys saved as a same-origin file ("Do not use unsafe-inline").
    if (c === VELARO || c === GENESYS) expect(high).toEqual([]);
  });

  // A vendor folder (test/fixtures/vendor-dirs/tiny-chat): judged from outside its code. Its cells are
  // the slowest (they wait for every expected request), so no second run here: vendorDir.e2e runs the
  // same sources (less the logo's img-src) and finds only the logo failing.
  it('a vendor folder: a verified policy with what its vendor.json expects', async () => {
    const c = VENDOR_DIR;
    const { json, seconds } = await suggest(c);
    console.info(`suggest ${c.name}: ${json.verified.pass}/${json.verified.cells} cells, ${json.steps.length - 1} rounds, ${seconds} s: ${json.policy}`);
    expectWellFormed(c, json);
    expect(sorted(json.added)).toEqual(sorted(c.added));
    expect(json.forced).toEqual([]);
  });
});
