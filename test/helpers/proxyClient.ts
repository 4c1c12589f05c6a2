// Node's own HTTP client through the harness proxy: CONNECT, then real TLS checked against the run's CA.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';

export function tunnel(proxyPort: number, host: string, port: number, ca: string): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: proxyPort, method: 'CONNECT', path: `${host}:${port}` });
    req.once('connect', (res, socket: Duplex) => {
      if (res.statusCode !== 200) return reject(new Error(`CONNECT answered ${res.statusCode}`));
      const secure = tls.connect({ socket, servername: host, ca }, () => resolve(secure));
      secure.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

export interface ProxyResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body's bytes (for a binary body). */
  raw: Buffer;
}

export async function fetchViaProxy(
  proxyPort: number,
  ca: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<ProxyResponse> {
  const u = new URL(url);
  const port = Number(u.port || 443);
  const socket = await tunnel(proxyPort, u.hostname, port, ca);
  return new Promise((resolve, reject) => {
    const req = https.request(
      // `defaultPort`: with `createConnection` and no agent Node takes 80 for the default port, and would send `Host: name:80`.
      { host: u.hostname, port, defaultPort: 443, path: u.pathname + u.search, method: init.method ?? 'GET', headers: init.headers, createConnection: () => socket },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw.toString('utf8'), raw });
        });
        res.on('error', reject);
      },
    );
    req.once('error', reject);
    req.end(init.body);
  });
}

/** A WebSocket client for a wss: URL, through the proxy (CONNECT, then TLS checked against the run's CA). */
export async function wsViaProxy(proxyPort: number, ca: string, url: string): Promise<WebSocket> {
  const u = new URL(url);
  const socket = await tunnel(proxyPort, u.hostname, Number(u.port || 443), ca);
  return new WebSocket(url, { createConnection: () => socket } as WebSocket.ClientOptions);
}
