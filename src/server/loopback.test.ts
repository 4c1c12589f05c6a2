import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { externalAddress, isLoopback, listenWarning, parseListen, proxyUrlOf } from './loopback.ts';

const iface = (address: string, family: 'IPv4' | 'IPv6', internal = false) => ({ address, family, internal, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo;
const MACHINE = { lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)], eth0: [iface('fe80::1', 'IPv6'), iface('10.0.0.5', 'IPv4')] };
const LOOPBACK_ONLY = { lo: [iface('127.0.0.1', 'IPv4', true)] };

const ROWS: [string, string | undefined, string | undefined, NodeJS.Dict<NetworkInterfaceInfo[]>, { host: string; advertise: string } | RegExp][] = [
  ['the default', undefined, undefined, MACHINE, { host: '127.0.0.1', advertise: '127.0.0.1' }],
  ['loopback named', '127.0.0.1', undefined, MACHINE, { host: '127.0.0.1', advertise: '127.0.0.1' }],
  ['IPv6 loopback', '::1', undefined, MACHINE, { host: '::1', advertise: '::1' }],
  ['every interface: the first external IPv4 advertised', '0.0.0.0', undefined, MACHINE, { host: '0.0.0.0', advertise: '10.0.0.5' }],
  ['every interface with a proxy host', '0.0.0.0', 'ci-runner.internal', MACHINE, { host: '0.0.0.0', advertise: 'ci-runner.internal' }],
  ['one interface', '10.0.0.5', undefined, MACHINE, { host: '10.0.0.5', advertise: '10.0.0.5' }],
  ['IPv6 wildcard in brackets', '[::]', 'runner', MACHINE, { host: '::', advertise: 'runner' }],
  ['every interface on a machine with none', '0.0.0.0', undefined, LOOPBACK_ONLY, /no address other machines could reach it by; name one with --proxy-host/],
  ['a name, not an address', 'localhost', undefined, MACHINE, /--listen "localhost" is not an IP address/],
  ['host:port', '0.0.0.0:8080', undefined, MACHINE, /--listen "0\.0\.0\.0:8080" is not an IP address/],
  ['a proxy host with a scheme', '0.0.0.0', 'http://runner:80', MACHINE, /--proxy-host "http:\/\/runner:80" is not a host name/],
  ['a proxy host on a loopback proxy', undefined, 'ci-runner.internal', MACHINE, /--proxy-host ci-runner\.internal names this machine .* listens on loopback .*--listen 0\.0\.0\.0/],
];

describe('parseListen', () => {
  it.each(ROWS)('%s', (_name, listen, proxyHost, interfaces, expected) => {
    const parsed = parseListen(listen, proxyHost, interfaces);
    if (expected instanceof RegExp) {
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.message).toMatch(expected);
    } else expect(parsed).toEqual({ ok: true, value: expected });
  });
});

describe('the rest of the listen address', () => {
  it('knows loopback', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.5', 'runner'].some(isLoopback)).toBe(false);
  });
  it('writes proxy URLs, IPv6 in brackets', () => {
    expect(proxyUrlOf('10.0.0.5', 8080)).toBe('http://10.0.0.5:8080');
    expect(proxyUrlOf('::1', 8080)).toBe('http://[::1]:8080');
    expect(proxyUrlOf('runner.internal', 1)).toBe('http://runner.internal:1');
  });
  it('finds an external address, IPv4 first, never link-local', () => {
    expect(externalAddress(MACHINE)).toBe('10.0.0.5');
    expect(externalAddress({ eth0: [iface('fe80::1', 'IPv6'), iface('2001:db8::5', 'IPv6')] })).toBe('2001:db8::5');
    expect(externalAddress(LOOPBACK_ONLY)).toBeNull();
  });
  it('warns beyond loopback only, naming what is reachable', () => {
    expect(listenWarning({ host: '127.0.0.1', advertise: '127.0.0.1' })).toBeNull();
    expect(listenWarning({ host: '0.0.0.0', advertise: '10.0.0.5' })).toMatch(/^warning: --listen 0\.0\.0\.0: the fixture proxy listens on every interface and is reachable from other machines.*10\.0\.0\.5/);
  });
});
