// A local stand-in for the internet: one HTTPS server on 127.0.0.1 (a random port) playing a
// vendor, "Acme", on four host names, with a certificate authority of its own — as a real vendor
// or a staging server would be, only local. Point a client at it with `--resolve <host>=127.0.0.1:<port>`
// (`resolveArgs`) and trust its CA with `--upstream-ca <caPemPath>`; without them the hosts do not
// resolve (`.test` never does) and its certificates are not trusted.
//
//   widget.acme.test  /loader.js        the embed's script (gzip when accepted; sets a cookie):
//                                       adds the stylesheet, the logo, fetches the config (with an
//                                       Authorization header: a CORS preflight first), opens the
//                                       chat frame and the WebSocket, and shows #acme-launcher
//                     /frame/chat.html  the chat frame's document
//   cdn.acme.test     /widget.css       #acme-launcher { position: fixed; … }
//                     /logo.png         a real 16×16 PNG
//   api.acme.test     /v1/config        JSON; CORS answered for the asking origin
//   rt.acme.test      /socket           WebSocket: says "welcome" on open, answers "hello" with
//                                       "echo:hello" and a binary frame with its bytes reversed
//
// Each connection must name its host by SNI and again in the Host header (421 otherwise): a client
// that sent the address instead of the name, as --resolve must not, fails. Every request is logged
// in `requests` (`GET https://cdn.acme.test/widget.css`, `WS wss://rt.acme.test/socket`).
// Self-contained: the end-to-end tests of `record` and of replay use it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { deflateSync, gzipSync } from 'node:zlib';
import { generateCACertificate } from 'mockttp';
import { WebSocketServer } from 'ws';

export const ACME_HOSTS = ['widget.acme.test', 'cdn.acme.test', 'api.acme.test', 'rt.acme.test'] as const;

/** What a site pastes to embed Acme. */
export const ACME_EMBED = '<script src="https://widget.acme.test/loader.js" async></script>';

/** The cookie loader.js sets, and the token its config fetch sends: what redaction must hide. */
export const ACME_SECRETS = { cookie: 'acme_session=s3cr3t-session-id', authorization: 'Bearer acme-demo-token-42' } as const;

export const ACME_URLS = {
  loader: 'https://widget.acme.test/loader.js',
  frame: 'https://widget.acme.test/frame/chat.html',
  css: 'https://cdn.acme.test/widget.css',
  logo: 'https://cdn.acme.test/logo.png',
  config: 'https://api.acme.test/v1/config',
  socket: 'wss://rt.acme.test/socket',
} as const;

export interface StandIn {
  port: number;
  /** The stand-in's CA certificate (PEM), for `--upstream-ca`. */
  caPemPath: string;
  /** `['widget.acme.test=127.0.0.1:PORT', …]`, one per host, for `--resolve`. */
  resolveArgs: string[];
  hosts: readonly string[];
  /** Every request answered, in order: `GET https://cdn.acme.test/widget.css`, `WS wss://rt.acme.test/socket`. */
  requests: string[];
  close(): Promise<void>;
}

export const ACME_LOADER_JS = `(function () {
  var css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = '${ACME_URLS.css}';
  document.head.appendChild(css);
  var launcher = document.createElement('div');
  launcher.id = 'acme-launcher';
  launcher.textContent = 'Chat with Acme';
  document.body.appendChild(launcher);
  var logo = document.createElement('img');
  logo.src = '${ACME_URLS.logo}';
  logo.alt = 'Acme';
  launcher.appendChild(logo);
  // Assembled here, so that the token appears in the recording only where redaction must catch it.
  fetch('${ACME_URLS.config}', { headers: { Authorization: ${ACME_SECRETS.authorization.split('-').map((part) => `'${part}'`).join(" + '-' + ")} } })
    .then(function (r) { return r.json(); })
    .then(function (config) { launcher.setAttribute('data-greeting', config.greeting); });
  var frame = document.createElement('iframe');
  frame.src = '${ACME_URLS.frame}';
  frame.title = 'Acme chat';
  document.body.appendChild(frame);
  var socket = new WebSocket('${ACME_URLS.socket}');
  socket.binaryType = 'arraybuffer';
  socket.onopen = function () {
    socket.send('hello');
    socket.send(new Uint8Array([1, 2, 3, 4]));
  };
  socket.onmessage = function (event) {
    launcher.setAttribute('data-socket', (launcher.getAttribute('data-socket') || '') + (typeof event.data === 'string' ? event.data : '[binary]') + ' ');
  };
})();
`;

export const ACME_CSS = '#acme-launcher { position: fixed; right: 16px; bottom: 16px; padding: 12px; background: #0a6; color: #fff; }\n';
export const ACME_FRAME_HTML = '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Acme chat</title></head><body><p id="chat">Acme chat</p></body></html>\n';

let crcTable: number[] | null = null;
function crc32(bytes: Buffer): number {
  crcTable ??= Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real PNG: `size`×`size`, RGB, one colour. */
export function solidPng(size = 16, rgb: [number, number, number] = [0, 170, 102]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => rgb).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

export const ACME_LOGO_PNG = solidPng();

/**
 * Leaf certificates signed by the stand-in's CA. mockttp exports `generateCACertificate` but not its
 * leaf generator; this reaches into mockttp's own (pinned version) file for it rather than adding a
 * certificate library. If mockttp moves it, this throws and says so.
 */
async function leafSigner(ca: { key: string; cert: string }): Promise<(host: string) => Promise<{ key: string; cert: string }>> {
  const require = createRequire(import.meta.url);
  const file = join(dirname(require.resolve('mockttp')), 'util', 'certificates.js');
  const { getCA } = require(file) as { getCA?: (o: { key: string; cert: string }) => Promise<{ generateCertificate(host: string): Promise<{ key: string; cert: string }> }> };
  if (typeof getCA !== 'function') throw new Error(`test/helpers/standIn.ts: mockttp no longer has getCA in ${file}; generate leaf certificates another way`);
  const authority = await getCA(ca);
  return (host) => authority.generateCertificate(host);
}

function hostOf(req: IncomingMessage): string {
  return (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
}

function answer(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: Buffer | string = ''): void {
  let bytes = Buffer.from(body);
  const out: Record<string, string | string[]> = { 'cache-control': 'no-store', ...headers };
  // Compressed when the client takes it: the recording must undo it.
  if (bytes.length > 0 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) && /javascript|css|json|html/.test(String(headers['content-type'] ?? ''))) {
    bytes = gzipSync(bytes);
    out['content-encoding'] = 'gzip';
    out.vary = 'Accept-Encoding';
  }
  res.writeHead(status, { ...out, 'content-length': String(bytes.length) });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

function cors(req: IncomingMessage): Record<string, string> {
  return { 'access-control-allow-origin': String(req.headers.origin ?? '*'), 'access-control-allow-credentials': 'true', vary: 'Origin' };
}

function route(req: IncomingMessage, res: ServerResponse): void {
  const host = hostOf(req);
  const path = new URL(req.url ?? '/', 'https://x').pathname;
  const at = `${host}${path}`;
  if (at === 'widget.acme.test/loader.js') {
    return answer(req, res, 200, { 'content-type': 'text/javascript; charset=utf-8', 'set-cookie': `${ACME_SECRETS.cookie}; Path=/; Secure; HttpOnly; SameSite=None` }, ACME_LOADER_JS);
  }
  if (at === 'widget.acme.test/frame/chat.html') return answer(req, res, 200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': 'frame-ancestors *' }, ACME_FRAME_HTML);
  if (at === 'cdn.acme.test/widget.css') return answer(req, res, 200, { 'content-type': 'text/css; charset=utf-8', 'access-control-allow-origin': '*' }, ACME_CSS);
  if (at === 'cdn.acme.test/logo.png') return answer(req, res, 200, { 'content-type': 'image/png' }, ACME_LOGO_PNG);
  if (at === 'api.acme.test/v1/config') {
    if (req.method === 'OPTIONS') return answer(req, res, 204, { ...cors(req), 'access-control-allow-methods': 'GET', 'access-control-allow-headers': 'authorization', 'access-control-max-age': '600' });
    return answer(req, res, 200, { ...cors(req), 'content-type': 'application/json' }, JSON.stringify({ greeting: 'Hi from Acme', launcher: true }));
  }
  answer(req, res, 404, { 'content-type': 'text/plain' }, `stand-in: nothing at https://${at}`);
}

export async function startStandIn(): Promise<StandIn> {
  const dir = mkdtempSync(join(tmpdir(), 'csph-stand-in-'));
  const ca = await generateCACertificate({ subject: { commonName: 'csp-harness stand-in CA (tests only)' }, bits: 2048 });
  const caPemPath = join(dir, 'stand-in-ca.pem');
  writeFileSync(caPemPath, ca.cert);
  const sign = await leafSigner(ca);
  const contexts = new Map<string, tls.SecureContext>();
  for (const host of ACME_HOSTS) {
    const leaf = await sign(host);
    contexts.set(host, tls.createSecureContext({ key: leaf.key, cert: leaf.cert }));
  }
  const requests: string[] = [];
  const server = https.createServer({
    // No default certificate: a client that names no host (or another one) gets no handshake.
    SNICallback: (name, done) => {
      const context = contexts.get(name.toLowerCase());
      if (context) done(null, context);
      else done(new Error(`stand-in: no certificate for ${JSON.stringify(name)}`));
    },
  });
  const misdirected = (req: IncomingMessage) => {
    const sni = (req.socket as tls.TLSSocket).servername;
    return typeof sni !== 'string' || sni.toLowerCase() !== hostOf(req);
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} https://${req.headers.host ?? ''}${req.url ?? ''}`);
    if (misdirected(req)) return answer(req, res, 421, { 'content-type': 'text/plain' }, 'stand-in: the Host header does not name the TLS server name');
    route(req, res);
  });
  const sockets = new WebSocketServer({ noServer: true });
  sockets.on('connection', (socket) => {
    socket.send('welcome');
    socket.on('message', (data, binary) => {
      if (binary) socket.send(Buffer.from(data as Buffer).reverse(), { binary: true });
      else socket.send(`echo:${data.toString()}`);
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    requests.push(`WS wss://${req.headers.host ?? ''}${req.url ?? ''}`);
    if (misdirected(req) || hostOf(req) !== 'rt.acme.test' || !(req.url ?? '').startsWith('/socket')) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    caPemPath,
    resolveArgs: ACME_HOSTS.map((host) => `${host}=127.0.0.1:${port}`),
    hosts: ACME_HOSTS,
    requests,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
