// `csp-harness vendors`: the catalog — vendors, features, params, hosts, documented policies.
import type { Route } from '../server/routes.ts';
import { VENDORS, type Vendor } from '../vendors/index.ts';
import { flag, parseCommandArgs } from './args.ts';
import { loadCatalog, VENDOR_DIR_HELP } from './catalog.ts';
import { EXIT_OK } from './errors.ts';
import type { Io } from './io.ts';

export const VENDORS_HELP = `Usage: csp-harness vendors [--vendor-dir <dir> ...] [--json]

Lists the bundled vendors and your vendor folders: their features (the --feature ids), parameters
(--param key=value), the hosts they answer for, and the policies their documents give.
${VENDOR_DIR_HELP}
  --config <path>            a config file whose vendorDirs are listed too
  --json                     the same as one JSON document, for scripts`;

/** Each host the vendor serves once, marked when it also answers WebSockets (today's `vendors --json` shape). */
function hostsOf(v: Vendor): { host: string; websocket: boolean }[] {
  const hosts = [...new Set(v.routes.filter((r) => r.kind !== 'refuse').map((r) => r.host))];
  return hosts.map((host) => ({ host, websocket: v.routes.some((r) => (r.kind === 'ws-echo' || r.kind === 'ws-replay') && r.host === host) }));
}

/** A route as JSON: recorded traffic by its size, not its bodies. */
function routeJson(r: Route): Record<string, unknown> {
  if (r.kind === 'replay') return { kind: r.kind, host: r.host, entries: r.entries.length };
  if (r.kind === 'ws-replay') return { kind: r.kind, host: r.host, conversations: r.conversations.length };
  return { ...r };
}

export function catalogJson(catalog: readonly Vendor[] = VENDORS) {
  return {
    vendors: catalog.map((v) => ({
      id: v.id,
      title: v.title,
      seed: v.seed,
      ...(v.folder ? { folder: v.folder } : {}),
      features: v.features.map((f) => ({ id: f.id, title: f.title, directives: [...f.directives], seedRef: f.seedRef })),
      params: v.params.map((p) => ({ key: p.key, values: [...p.values], default: p.default, description: p.description })),
      hosts: hostsOf(v),
      routes: v.routes.map(routeJson),
      policySources: v.policySources.map((p) => ({ flag: `--${p.flag}`, key: p.key, description: p.description })),
      // A policy in a vendor's own format names its file under that format's key, as scenario files do.
      documentedPolicies: v.documentedPolicies.map(({ source, ...p }) => ({ ...p, ...(source ? { [v.policySources.find((s) => s.flag === source.kind)?.key ?? source.kind]: source.path } : {}) })),
    })),
  };
}

export async function vendorsCommand(argv: string[], io: Io): Promise<number> {
  const args = parseCommandArgs('vendors', argv, { json: { type: 'boolean' }, 'vendor-dir': { type: 'string', multiple: true }, config: { type: 'string' } });
  if (flag(args, 'help')) {
    io.out(VENDORS_HELP);
    return EXIT_OK;
  }
  const catalog = await loadCatalog(args);
  if (flag(args, 'json')) {
    io.out(JSON.stringify(catalogJson(catalog), null, 2));
    return EXIT_OK;
  }
  const lines: string[] = [];
  for (const v of catalog) {
    lines.push(`${v.id} — ${v.title}   (${v.folder ? `folder ${v.folder}` : `seed ${v.seed}`})`);
    for (const f of v.features) lines.push(`  feature ${f.id.padEnd(14)} ${f.title}  [${f.directives.join(', ')}]`);
    for (const p of v.params) lines.push(`  param   ${p.key}=${p.values.join('|')}  (default ${p.default})`);
    lines.push(`  hosts   ${hostsOf(v).map((h) => (h.websocket ? `wss://${h.host}` : h.host)).join(', ')}`);
    for (const p of v.policySources) lines.push(`  format  --${p.flag} <path> (config key ${p.key}): ${p.description}`);
    for (const p of v.documentedPolicies) lines.push(`  policy  ${p.id}: ${p.title}`);
    lines.push('');
  }
  io.out(lines.join('\n'));
  return EXIT_OK;
}
