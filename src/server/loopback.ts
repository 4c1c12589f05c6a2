// mockttp's start() calls server.listen(port) without a host, which binds every interface.
// The harness listens on loopback unless told otherwise (`run --listen`, decisions/0017): while a proxy
// starts, a bare listen(port) is pinned to the address asked for — 127.0.0.1 by default.
import net from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

let pending: Promise<unknown> = Promise.resolve();

/** Where the fixture proxy listens, and the host the browsers are told to use to reach it. */
export interface ListenAddress {
  /** The address bound: 127.0.0.1 (default), 0.0.0.0 / :: (every interface) or one interface's address. */
  host: string;
  /** The host in every lane's proxy URL: what a (remote) browser connects to. */
  advertise: string;
}

export const LOOPBACK: ListenAddress = { host: '127.0.0.1', advertise: '127.0.0.1' };

/** 127.0.0.0/8 and ::1 (also as ::ffff:127.x): reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::1' || /^::ffff:127\.\d+\.\d+\.\d+$/.test(h) || h === 'localhost';
}

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::';

/** `http://host:port`, IPv6 in brackets. */
export function proxyUrlOf(host: string, port: number): string {
  return `http://${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/** A host name or address a remote browser could use: a DNS name, an IPv4 or an IPv6 address. */
function isHostName(value: string): boolean {
  return net.isIP(value) !== 0 || /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(value);
}

/** This machine's first address other browsers could reach (non-internal; IPv4 first). */
export function externalAddress(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string | null {
  const all = Object.values(interfaces).flatMap((list) => list ?? []).filter((i) => !i.internal);
  return all.find((i) => i.family === 'IPv4')?.address ?? all.find((i) => i.family === 'IPv6' && !i.address.startsWith('fe80:'))?.address ?? null;
}

/**
 * `--listen <address>` and `--proxy-host <host>` checked. Never throws. The listen address must be an IP
 * address of this machine (the bind itself says if it is not); the proxy host defaults to the listen
 * address, or for a wildcard to this machine's first external address. `--proxy-host` alone is refused:
 * a loopback proxy cannot be reached by another name.
 */
export function parseListen(listen: string | undefined, proxyHost: string | undefined, interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>): { ok: true; value: ListenAddress } | { ok: false; message: string } {
  const host = (listen ?? LOOPBACK.host).replace(/^\[|\]$/g, '');
  if (listen !== undefined && net.isIP(host) === 0) {
    return { ok: false, message: `--listen "${listen}" is not an IP address; give the address the proxy binds: 127.0.0.1 (default, this machine only), 0.0.0.0 (every interface) or one interface's address, e.g. --listen 10.0.0.5.` };
  }
  if (proxyHost !== undefined && !isHostName(proxyHost.replace(/^\[|\]$/g, ''))) {
    return { ok: false, message: `--proxy-host "${proxyHost}" is not a host name or address; give the name remote browsers reach this machine by, without scheme or port, e.g. --proxy-host ci-runner.internal.` };
  }
  if (isLoopback(host)) {
    if (proxyHost !== undefined && !isLoopback(proxyHost)) {
      return { ok: false, message: `--proxy-host ${proxyHost} names this machine for remote browsers, but the proxy listens on loopback (${host}); add --listen 0.0.0.0 (or this machine's address) to let them reach it.` };
    }
    return { ok: true, value: { host, advertise: proxyHost ?? host } };
  }
  if (proxyHost !== undefined) return { ok: true, value: { host, advertise: proxyHost.replace(/^\[|\]$/g, '') } };
  if (!isWildcard(host)) return { ok: true, value: { host, advertise: host } };
  const external = externalAddress(interfaces);
  if (!external) return { ok: false, message: `--listen ${host}: this machine has no address other machines could reach it by; name one with --proxy-host <host>.` };
  return { ok: true, value: { host, advertise: external } };
}

/** The warning a listen address beyond loopback prints (stderr), or null on loopback. */
export function listenWarning(address: ListenAddress): string | null {
  if (isLoopback(address.host)) return null;
  const where = isWildcard(address.host) ? 'every interface' : address.host;
  return `warning: --listen ${address.host}: the fixture proxy listens on ${where} and is reachable from other machines while the run lasts (one port per browser session); browsers are told to use ${address.advertise}. It answers only the fixture hosts and refuses the rest, but anyone who can reach this machine can use it: run it on a trusted network only.`;
}

/** Runs `start` with every bare `listen(port)` bound to `host` (default 127.0.0.1). Serialized: the patch is process-wide. */
export function onAddress<T>(host: string, start: () => Promise<T>): Promise<T> {
  const run = pending.then(async () => {
    const original = net.Server.prototype.listen;
    net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
      if (args.length === 1 && typeof args[0] === 'number') return original.call(this, { port: args[0], host });
      return (original as (...a: unknown[]) => net.Server).apply(this, args);
    } as typeof original;
    try {
      return await start();
    } finally {
      net.Server.prototype.listen = original;
    }
  });
  pending = run.catch(() => undefined);
  return run;
}

/** Runs `start` with every bare `listen(port)` bound to 127.0.0.1. */
export function onLoopback<T>(start: () => Promise<T>): Promise<T> {
  return onAddress(LOOPBACK.host, start);
}
