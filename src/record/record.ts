// `csp-harness record`: the harness's page (the site's origin, no policy) carrying the embed, loaded
// once in one engine through the recording proxy; what the embed's hosts answered is written as
// `traffic.har`, and a `vendor.json` with the features derived from it (vendor-format.md, "Recording").
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINES } from '../engines/index.ts';
import { EngineError, type BrowserSource, type Engine } from '../engines/types.ts';
import { parseHar } from '../server/har.ts';
import type { PageSpec } from '../server/page.ts';
import type { BrowserId } from '../shared/vocabulary.ts';
import { siteContext, type SiteContext } from '../site/context.ts';
import { deriveFeatures, type TrafficItem } from '../vendorDir/derive.ts';
import type { VendorJson } from '../vendorDir/format.ts';
import { RecordError, type RecordErrorCode } from './errors.ts';
import { buildHar, renderHar } from './harWriter.ts';
import { TRAFFIC_FILE, VENDOR_FILE, type RecordOptions } from './options.ts';
import { RecordingProxy, type RecordingLog } from './proxy.ts';
import { upstreamTrust } from './trust.ts';
import { Upstream, type FailureKind, type UpstreamFailure } from './upstream.ts';

/** The page's load may take this long beyond `--wait` before the recording is cut (a widget that never goes quiet). */
const LOAD_BUDGET_MS = 30_000;

const SCHEMA_FILE = fileURLToPath(new URL('../vendorDir/vendor.schema.json', import.meta.url));

function harnessVersion(): string {
  try {
    const json = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return json.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Keeps the page's settling going until `waitMs` after `load`: a pending probe whose detail changes
 * counts as activity to every engine's settle (src/engines/settle.ts), so requests the embed makes
 * late (timers, lazy frames) are caught. The only markup the page carries beyond the embed.
 */
export function waitScript(waitMs: number): string {
  return `<script>
(function () {
  var csph = (window.__csph = window.__csph || { probes: {}, events: [] });
  if (!csph.probes) csph.probes = {};
  var probe = (csph.probes['csp-harness record --wait'] = { state: 'pending', detail: '' });
  addEventListener('load', function () {
    var end = Date.now() + ${waitMs};
    (function tick() {
      var left = end - Date.now();
      if (left <= 0) { probe.state = 'ok'; probe.detail = 'waited ${waitMs} ms after load'; return; }
      probe.detail = String(left);
      setTimeout(tick, Math.min(100, left));
    })();
  });
})();
</script>`;
}

export interface RecordEnvironment {
  /** Default: the bundled engines. */
  engines?: Readonly<Record<BrowserId, Engine>>;
  browserSource?: BrowserSource;
  /** Default: the default site context (the page is served where `run` serves it). */
  site?: SiteContext;
  /** Lines for stderr: the hosts let through and where they went, warnings. */
  log: (line: string) => void;
}

export interface RecordResult {
  harPath: string;
  vendorPath: string;
  requests: number;
  webSockets: number;
  /** Hosts let through, in the order first contacted. */
  hosts: string[];
  features: string[];
}

const FAILURE_CODES: Record<FailureKind, RecordErrorCode> = {
  dns: 'CSPH_RECORD_DNS',
  tls: 'CSPH_RECORD_TLS',
  refused: 'CSPH_RECORD_REFUSED',
  other: 'CSPH_RECORD_UPSTREAM',
};

function failureMessage(failure: UpstreamFailure): string {
  const { host, url, destination, detail } = failure;
  switch (failure.kind) {
    case 'dns':
      return `${host} does not resolve (${detail}), asked for ${url}. If it is a staging or local server, send it to its address: --resolve ${host}=<ip>:<port>.`;
    case 'tls':
      return `the TLS certificate of ${host} (${destination}) is not trusted: ${detail}. If a CA of your own signed it (a staging server), add --upstream-ca <ca.pem>; trusted are node's roots, the system's, NODE_EXTRA_CA_CERTS and each --upstream-ca.`;
    case 'refused':
      return `${host} (${destination}) refused the connection, asked for ${url}. Is the server running there? Check its address (--resolve ${host}=<ip>:<port>).`;
    default:
      return `${url} (${destination}) failed: ${detail}.`;
  }
}

/** One error for every upstream that failed: the first one's code, every host named. */
export function failuresError(failures: readonly UpstreamFailure[]): RecordError {
  const first = failures[0]!;
  const others = [...new Map(failures.slice(1).filter((f) => f.host !== first.host || f.kind !== first.kind).map((f) => [`${f.kind} ${f.host}`, f])).values()];
  const also = others.length ? ` Also: ${others.map((f) => `${f.host} (${f.kind === 'other' ? f.detail : f.kind})`).join(', ')}.` : '';
  return new RecordError(FAILURE_CODES[first.kind], `record: ${failureMessage(first)}${also} Nothing was written.`);
}

/** `$schema` of a written vendor.json: the harness's schema, relative to the vendor folder. */
function schemaPath(outDir: string): string {
  return relative(resolve(outDir), SCHEMA_FILE).split(sep).join('/');
}

/** Records the embed's traffic and writes the vendor folder. Throws RecordError / EngineError. */
export async function record(options: RecordOptions, env: RecordEnvironment): Promise<RecordResult> {
  const trust = upstreamTrust(options.upstreamCaPaths);
  const site = env.site ?? siteContext();
  const engine = (env.engines ?? ENGINES)[options.browser];
  const page: PageSpec = { id: options.id, title: options.title, policies: [], head: waitScript(options.waitMs), body: options.embed };
  const hosts: string[] = [];
  const log: RecordingLog = {
    letThrough: (host, where) => {
      hosts.push(host);
      env.log(`csp-harness: let through ${host} → ${where}`);
    },
    warn: (message) => env.log(`csp-harness: warning: ${message}`),
  };
  env.log(`csp-harness: recording ${options.id} in ${options.browser}: the hosts the page contacts are let through to the network${options.resolve.size ? ' (or to their --resolve address)' : ''}.`);
  const proxy = await RecordingProxy.start({ site, page, upstream: new Upstream(options.resolve, trust.context), log });
  let pageStartedAt = 0;
  try {
    const session = await engine.launch({ proxyUrl: proxy.proxyUrl, source: env.browserSource ?? 'auto', isCspMessage: () => false }).catch((error: unknown) => {
      // Engines word their messages for the whole harness (`csp-harness: …`); main adds that prefix itself.
      if (error instanceof EngineError) throw new EngineError(error.code, `record: ${error.message.replace(/^csp-harness: /, '')}`, { cause: error });
      throw error;
    });
    try {
      pageStartedAt = Date.now();
      const observation = await proxy.during(() => session.loadCell({ cellId: options.id, url: proxy.pageUrl, timeoutMs: options.waitMs + LOAD_BUDGET_MS }));
      if (observation.error && proxy.failures.length === 0) throw new RecordError('CSPH_RECORD_LOAD', `record: ${options.browser} could not load the page carrying the embed: ${observation.error.message.replace(/^csp-harness: /, '')}`);
    } finally {
      await session.close();
    }
  } finally {
    await proxy.close();
  }
  if (proxy.background.size) env.log(`csp-harness: refused browser background requests (outside the page load): ${[...proxy.background].join(', ')}`);
  if (proxy.failures.length) throw failuresError(proxy.failures);
  if (proxy.exchanges.length === 0 && proxy.webSockets.length === 0) {
    throw new RecordError('CSPH_RECORD_NOTHING', `record: the embed contacted no host but the page's own while the page loaded (${options.browser}, load + ${options.waitMs} ms); nothing was written. Check --embed (is it the vendor's real snippet, with an absolute https: URL?), or give it longer with --wait <ms>.`);
  }

  const har = buildHar({ pageUrl: proxy.pageUrl, pageStartedAt, exchanges: proxy.exchanges, webSockets: proxy.webSockets, redact: !options.keepSecrets, creatorVersion: harnessVersion() });
  const harText = renderHar(har);
  const parsed = parseHar(harText);
  if (!parsed.ok) throw new Error(`the HAR written does not read back: ${parsed.problems.map((p) => `${p.pointer} ${p.message}`).join('; ')}`);
  const items: TrafficItem[] = [
    // A CORS preflight is the browser's, not a resource of the vendor's.
    ...parsed.entries.filter((e) => e.method !== 'OPTIONS').map((e) => ({ url: e.url, resourceType: e.resourceType ?? null, contentType: e.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? null })),
    ...parsed.conversations.map((c) => ({ url: c.url, resourceType: 'websocket' })),
  ];
  const features = deriveFeatures(items);
  const vendor: VendorJson = { $schema: schemaPath(options.outDir), id: options.id, title: options.title, embed: options.embed, traffic: [TRAFFIC_FILE], features };
  const harPath = join(options.outDir, TRAFFIC_FILE);
  const vendorPath = join(options.outDir, VENDOR_FILE);
  try {
    mkdirSync(options.outDir, { recursive: true });
    writeFileSync(harPath, harText);
    writeFileSync(vendorPath, `${JSON.stringify(vendor, null, 2)}\n`);
  } catch (error) {
    throw new RecordError('CSPH_RECORD_WRITE', `record: cannot write into --out ${options.outDir}: ${(error as Error).message}`);
  }
  return { harPath, vendorPath, requests: parsed.entries.length, webSockets: parsed.conversations.length, hosts, features: Object.keys(features) };
}
