// Listening TCP sockets of a process, read from /proc (Linux): which addresses they are bound to.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export interface ListeningSocket {
  address: string;
  port: number;
  loopback: boolean;
}

function inodesOf(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // the fd closed meanwhile
    }
  }
  return inodes;
}

function decode(hex: string, v6: boolean): string {
  if (!v6) return hex.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join('.');
  const words = hex.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(''));
  return words.join('').match(/.{4}/g)!.join(':');
}

export async function listeningSockets(pid: number): Promise<ListeningSocket[]> {
  const inodes = inodesOf(pid);
  const found: ListeningSocket[] = [];
  for (const [file, v6] of [['/proc/net/tcp', false], ['/proc/net/tcp6', true]] as const) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A' || !inodes.has(cols[9]!)) continue;
      const [addrHex, portHex] = cols[1]!.split(':');
      const address = decode(addrHex!, v6);
      const loopback = v6 ? address === '0000:0000:0000:0000:0000:0000:0000:0001' || /^0000:0000:0000:0000:0000:ffff:7f/i.test(address) : address.startsWith('127.');
      found.push({ address, port: parseInt(portHex!, 16), loopback });
    }
  }
  return found;
}
