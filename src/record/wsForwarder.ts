// WebSockets through the recorder. mockttp cannot answer an upgrade from code, so each upgrade the
// page opens is passed by mockttp to this small server on 127.0.0.1 (Host header kept, the browser's
// scheme as a path prefix); it opens the real upstream (Upstream.connect: --resolve and TLS checks
// as for HTTP), completes the browser's handshake with what the upstream chose, and pipes and records
// every data frame both ways, in order.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import type { HeaderList } from './redact.ts';
import type { RecordedFrame, RecordedWebSocket } from './traffic.ts';
import { forwardedHeaders, pairs, type Upstream, type UpstreamFailure } from './upstream.ts';

/** The path prefix mockttp adds: `/__csph-record/wss/socket` was `wss://host/socket`. */
export const WS_PREFIX = '/__csph-record/';

/** Upgrade headers the `ws` client writes itself. */
const OWN_HEADERS = ['host', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-protocol'];

export interface WsEvents {
  /** The upstream accepted: the browser's handshake is completed next. */
  opened(socket: RecordedWebSocket, remoteAddress: string | undefined): void;
  failed(failure: UpstreamFailure): void;
  /** The upstream answered the upgrade with a status other than 101. */
  rejected(url: string, status: number): void;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** A close code that may be sent on (1005, 1006 and 1015 are never sent). */
function sendable(code: number): number {
  return code >= 1000 && code < 5000 && ![1004, 1005, 1006, 1015].includes(code) ? code : 1000;
}

export class WsForwarder {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (_offered, req) => this.chosen.get(req) ?? false });
  /** The subprotocol the upstream chose, per browser upgrade request. */
  private readonly chosen = new WeakMap<http.IncomingMessage, string>();
  private readonly open = new Set<WebSocket>();

  private constructor(
    private readonly server: http.Server,
    private readonly upstream: Upstream,
    private readonly events: WsEvents,
  ) {
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  static async start(upstream: Upstream, events: WsEvents): Promise<WsForwarder> {
    const server = http.createServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('csp-harness: WebSocket upgrades only'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return new WsForwarder(server, upstream, events);
  }

  /** `127.0.0.1:PORT`. */
  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const match = /^\/__csph-record\/(wss|ws)(\/.*)?$/.exec(req.url ?? '');
    const host = req.headers.host;
    if (!match || !host) {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const url = `${match[1]}://${host}${match[2] ?? '/'}`;
    const requestHeaders: HeaderList = pairs(req.rawHeaders);
    const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
    const startedAt = Date.now();
    const started = performance.now();
    const frames: RecordedFrame[] = [];
    const pending: { data: Buffer; binary: boolean }[] = [];
    let browser: WebSocket | null = null;
    const upstream = new WebSocket(url, protocols, {
      headers: { ...forwardedHeaders(requestHeaders, OWN_HEADERS), host },
      createConnection: () => this.upstream.connect(new URL(url)),
      handshakeTimeout: 30_000,
      perMessageDeflate: true,
    } as WebSocket.ClientOptions);
    this.open.add(upstream);
    upstream.on('message', (raw, binary) => {
      const data = toBuffer(raw);
      frames.push({ type: 'receive', at: Date.now(), opcode: binary ? 2 : 1, data });
      if (browser) browser.send(data, { binary });
      else pending.push({ data, binary });
    });
    let rejected = false;
    upstream.on('error', (error) => {
      if (rejected) return;
      this.events.failed(this.upstream.failureOf(error, url));
      if (!browser) socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      else browser.terminate();
    });
    upstream.once('unexpected-response', (_request, response) => {
      rejected = true;
      this.events.rejected(url, response.statusCode ?? 0);
      socket.end(`HTTP/1.1 ${response.statusCode ?? 502} ${response.statusMessage ?? ''}\r\n\r\n`);
      upstream.terminate();
    });
    upstream.once('upgrade', (response) => {
      const recorded: RecordedWebSocket = {
        startedAt,
        url,
        requestHeaders,
        status: response.statusCode ?? 101,
        statusText: response.statusMessage ?? 'Switching Protocols',
        responseHeaders: pairs(response.rawHeaders),
        connectMs: performance.now() - started,
        frames,
      };
      this.events.opened(recorded, response.socket?.remoteAddress);
    });
    upstream.once('open', () => {
      if (upstream.protocol) this.chosen.set(req, upstream.protocol);
      this.wss.handleUpgrade(req, socket, head, (client) => {
        browser = client;
        this.open.add(client);
        for (const message of pending.splice(0)) client.send(message.data, { binary: message.binary });
        client.on('message', (raw, binary) => {
          const data = toBuffer(raw);
          frames.push({ type: 'send', at: Date.now(), opcode: binary ? 2 : 1, data });
          if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary });
        });
        client.once('close', (code, reason) => {
          this.open.delete(client);
          if (upstream.readyState === WebSocket.OPEN) upstream.close(sendable(code), reason);
        });
        client.once('error', () => upstream.terminate());
      });
    });
    upstream.once('close', (code, reason) => {
      this.open.delete(upstream);
      if (browser?.readyState === WebSocket.OPEN) browser.close(sendable(code), reason);
    });
    socket.once('error', () => upstream.terminate());
  }

  /** Ends every conversation still open, then stops listening. */
  async close(): Promise<void> {
    for (const socket of this.open) socket.terminate();
    this.open.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
