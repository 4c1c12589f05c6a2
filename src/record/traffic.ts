// What the recording proxy saw, before it is written down: one exchange per HTTP request forwarded,
// one conversation per WebSocket. Plain data: harWriter.ts turns it into HAR.
import type { HeaderList } from './redact.ts';

export interface RecordedExchange {
  /** When the request reached the proxy, ms since the epoch. */
  startedAt: number;
  method: string;
  /** Absolute URL as the browser asked for it. */
  url: string;
  /** `HTTP/1.1`. */
  httpVersion: string;
  requestHeaders: HeaderList;
  requestBody: Buffer;
  status: number;
  statusText: string;
  responseHttpVersion: string;
  /** As the upstream sent them (content-encoding included: `body` is decoded, as DevTools' HAR holds it). */
  responseHeaders: HeaderList;
  /** The decoded body (content-encoding undone). */
  body: Buffer;
  /** The body's size on the wire (still encoded). */
  transferSize: number;
  /** From the request forwarded to the response's headers, and from there to its last byte. */
  waitMs: number;
  receiveMs: number;
  /** The address the upstream connection went to. */
  serverAddress?: string;
}

export interface RecordedFrame {
  /** `send`: the browser sent it; `receive`: the server did. */
  type: 'send' | 'receive';
  /** ms since the epoch. */
  at: number;
  /** 1 text, 2 binary. */
  opcode: 1 | 2;
  data: Buffer;
}

export interface RecordedWebSocket {
  startedAt: number;
  /** `wss://host/path` as the browser asked for it. */
  url: string;
  requestHeaders: HeaderList;
  status: number;
  statusText: string;
  responseHeaders: HeaderList;
  /** Time to the upstream's 101. */
  connectMs: number;
  /** Data frames, in the order the proxy saw them, both directions. */
  frames: RecordedFrame[];
  serverAddress?: string;
}
