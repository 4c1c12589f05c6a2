// ws-replay: recorded WebSocket conversations played back (routes.ts). mockttp cannot answer an
// upgrade from code (its WebSocket steps echo, listen, reject, close or pass through), so a small
// `ws` server on 127.0.0.1 plays the conversations and each lane forwards the upgrades to it, with
// the browser's Host header kept: the host and the path pick the conversation.
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CompletedRequest, Mockttp } from 'mockttp';
import { RecordedIndex } from './recorded.ts';
import type { WsConversation, WsMessage, WsReplayRoute } from './routes.ts';

/**
 * WebSocket URLs compared without their scheme: the player sees a Host header and a path, not
 * whether the browser said ws: or wss:. (`host` drops the scheme's default port.)
 */
export function wsUrlKey(url: string): string | null {
  try {
    const u = new URL(url);
    return `ws://${u.host}${u.pathname}${u.search}`;
  } catch {
    return null;
  }
}

function send(socket: WebSocket, message: WsMessage): void {
  if (message.opcode === 2) socket.send(Buffer.from(message.data, 'base64'), { binary: true });
  else socket.send(message.data);
}

/**
 * Plays one conversation: the server frames before the first client frame on open; then each client
 * frame, whatever it says, stands for the next recorded client frame and is answered by the server
 * frames recorded after it.
 */
export function play(socket: WebSocket, messages: readonly WsMessage[]): void {
  let next = 0;
  const answer = () => {
    for (; messages[next]?.type === 'receive'; next++) send(socket, messages[next]!);
  };
  answer();
  socket.on('message', () => {
    if (messages[next]?.type !== 'send') return;
    next++;
    answer();
  });
}

/** Said (in the status text: mockttp may cut a rejection's body short) when an upgrade was never recorded. */
const NOT_RECORDED = 'csp-harness: the recorded traffic holds no WebSocket to this URL';

/** Which ws-replay route answers an upgrade URL (the network's precedence decides), if any. */
export type WsReplayRouteOf = (url: string) => WsReplayRoute | undefined;

export class WsReplayer {
  private readonly indexes: Map<WsReplayRoute, RecordedIndex<WsConversation>>;

  private constructor(
    private readonly server: WebSocketServer,
    routes: readonly WsReplayRoute[],
    private readonly routeOf: WsReplayRouteOf,
  ) {
    const index = (route: WsReplayRoute) => new RecordedIndex(route.conversations.map((c) => ({ method: 'GET', url: c.url, answer: c })), wsUrlKey);
    this.indexes = new Map(routes.map((route) => [route, index(route)]));
    server.on('connection', (socket, req) => {
      const url = `ws://${req.headers.host ?? ''}${req.url ?? '/'}`;
      const conversation = this.take(url);
      if (conversation) play(socket, conversation.messages);
      else socket.close(1011, 'csp-harness: no recorded conversation');
    });
  }

  static async start(routes: readonly WsReplayRoute[], routeOf: WsReplayRouteOf): Promise<WsReplayer> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    return new WsReplayer(server, routes, routeOf);
  }

  /** `127.0.0.1:PORT`, where the player listens. */
  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Whether a recorded conversation answers an upgrade URL: undefined when no ws-replay route covers it. */
  recorded(url: string): boolean | undefined {
    const route = this.routeOf(url);
    return route && this.indexes.get(route)?.has('GET', url) === true;
  }

  private take(url: string): WsConversation | undefined {
    const route = this.routeOf(url);
    return route && this.indexes.get(route)?.take('GET', url);
  }

  /**
   * Adds a lane's rules: an upgrade a recording holds goes to the player; one it does not hold is
   * rejected with 404 and reported through `unrecorded`; one it holds is reported through `answered`.
   */
  async addRules(server: Mockttp, report: { unrecorded: (req: CompletedRequest) => void; answered: (req: CompletedRequest) => void }): Promise<void> {
    const { unrecorded } = report;
    const toPlayer = { setProtocol: 'ws' as const, replaceHost: { targetHost: this.host, updateHostHeader: false } };
    await server
      .forAnyWebSocket()
      .matching((req) => {
        if (this.recorded(req.url) !== true) return false;
        report.answered(req);
        return true;
      })
      .always()
      .thenPassThrough({ transformRequest: toPlayer });
    await server
      .forAnyWebSocket()
      .matching((req) => {
        // mockttp may evaluate every rule's matcher: record only what this rule answers.
        if (this.recorded(req.url) !== false) return false;
        unrecorded(req);
        return true;
      })
      .always()
      .thenRejectConnection(404, NOT_RECORDED, { 'content-type': 'text/plain; charset=utf-8' }, `${NOT_RECORDED}; it was recorded as unrecorded.`);
  }

  close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
