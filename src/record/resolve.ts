// `--resolve host=address:port` (curl's --resolve, in the harness's own `=` form): requests to `host`
// go to `address:port`, keeping the Host header and the TLS server name `host`. Pure; never throws.

export interface ResolveTarget {
  /** An IPv4 or IPv6 address (without brackets), or a host name. */
  address: string;
  port: number;
}

export type ResolveResult = { ok: true; targets: Map<string, ResolveTarget> } | { ok: false; problems: string[] };

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f:.]*:[0-9a-f:.]*$/i;

const FORM = 'host=address:port, e.g. widget.acme.com=127.0.0.1:8443 or widget.acme.com=[::1]:8443';

function parseOne(arg: string): ResolveTarget & { host: string } | string {
  const at = arg.indexOf('=');
  if (at < 0) return `--resolve ${JSON.stringify(arg)}: expected ${FORM}`;
  const host = arg.slice(0, at).trim().toLowerCase();
  const target = arg.slice(at + 1).trim();
  if (!HOST.test(host)) return `--resolve ${JSON.stringify(arg)}: ${JSON.stringify(host)} is not a host name (expected ${FORM})`;
  const match = /^(\[([^\]]+)\]|[^:[\]]+):(\d+)$/.exec(target);
  if (!match) return `--resolve ${JSON.stringify(arg)}: ${JSON.stringify(target)} is not address:port (expected ${FORM}; an IPv6 address goes in brackets)`;
  const address = (match[2] ?? match[1]!).toLowerCase();
  const port = Number(match[3]);
  const valid = match[2] !== undefined ? IPV6.test(address) : IPV4.test(address) || (HOST.test(address) && !/^[\d.]+$/.test(address));
  if (!valid) return `--resolve ${JSON.stringify(arg)}: ${JSON.stringify(match[2] ?? match[1])} is not an IP address or host name`;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `--resolve ${JSON.stringify(arg)}: port ${match[3]} is not from 1 to 65535`;
  return { host, address, port };
}

/** Reads every `--resolve` value; a host named twice is a problem (which address would win?). */
export function parseResolve(args: readonly string[]): ResolveResult {
  const problems: string[] = [];
  const targets = new Map<string, ResolveTarget>();
  for (const arg of args) {
    const parsed = parseOne(arg);
    if (typeof parsed === 'string') problems.push(parsed);
    else if (targets.has(parsed.host)) problems.push(`--resolve ${JSON.stringify(arg)}: ${parsed.host} is already sent to ${formatTarget(targets.get(parsed.host)!)}; give each host once`);
    else targets.set(parsed.host, { address: parsed.address, port: parsed.port });
  }
  return problems.length ? { ok: false, problems } : { ok: true, targets };
}

/** `127.0.0.1:8443`, `[::1]:8443`. */
export function formatTarget(target: ResolveTarget): string {
  return target.address.includes(':') ? `[${target.address}]:${target.port}` : `${target.address}:${target.port}`;
}
