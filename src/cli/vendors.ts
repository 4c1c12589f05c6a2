// `csp-harness vendors`: the catalog — vendors, features, params, hosts, documented policies.
import { VENDORS, type Vendor } from '../vendors/index.ts';
import { flag, parseCommandArgs } from './args.ts';
import { EXIT_OK } from './errors.ts';
import type { Io } from './io.ts';

export const VENDORS_HELP = `Usage: csp-harness vendors [--json]

Lists the bundled vendors: their features (the --feature ids), parameters (--param key=value),
the hosts their stubs stand for, and the policies their documents give.
  --json   the same as one JSON document, for scripts`;

/** Each host the vendor serves once, marked when it also answers WebSockets (today's `vendors --json` shape). */
function hostsOf(v: Vendor): { host: string; websocket: boolean }[] {
  const hosts = [...new Set(v.routes.filter((r) => r.kind !== 'refuse').map((r) => r.host))];
  return hosts.map((host) => ({ host, websocket: v.routes.some((r) => r.kind === 'ws-echo' && r.host === host) }));
}

export function catalogJson() {
  return {
    vendors: VENDORS.map((v) => ({
      id: v.id,
      title: v.title,
      seed: v.seed,
      features: v.features.map((f) => ({ id: f.id, title: f.title, directives: [...f.directives], seedRef: f.seedRef })),
      params: v.params.map((p) => ({ key: p.key, values: [...p.values], default: p.default, description: p.description })),
      hosts: hostsOf(v),
      routes: v.routes.map((r) => ({ ...r })),
      policySources: v.policySources.map((p) => ({ flag: `--${p.flag}`, key: p.key, description: p.description })),
      // A policy in a vendor's own format names its file under that format's key, as scenario files do.
      documentedPolicies: v.documentedPolicies.map(({ source, ...p }) => ({ ...p, ...(source ? { [v.policySources.find((s) => s.flag === source.kind)?.key ?? source.kind]: source.path } : {}) })),
    })),
  };
}

export function vendorsCommand(argv: string[], io: Io): number {
  const args = parseCommandArgs('vendors', argv, { json: { type: 'boolean' } });
  if (flag(args, 'help')) {
    io.out(VENDORS_HELP);
    return EXIT_OK;
  }
  if (flag(args, 'json')) {
    io.out(JSON.stringify(catalogJson(), null, 2));
    return EXIT_OK;
  }
  const lines: string[] = [];
  for (const v of VENDORS) {
    lines.push(`${v.id} — ${v.title}   (seed ${v.seed})`);
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
