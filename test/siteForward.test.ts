// forwardToSite against real servers on loopback: a kept-alive connection the server drops as it is
// reused (the race of Node's 5 s keepAliveTimeout, seen once in CI as "read ECONNRESET" on a page
// probe) is retried once on a new connection for GET/HEAD/OPTIONS, never for a POST; a reset on a
// new connection is the server's answer.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { forwardToSite } from '../src/server/siteUpstream.ts';

const ORIGIN = 'https://www.shop.test';

/**
 * A minimal HTTP/1.1 server: it answers the first `answered` requests of each connection (keep-alive)
 * and drops the connection, unanswered, at the next one. Counts the requests it answered.
 */
async function dropping(answered: number): Promise<{ url: URL; served: string[]; close: () => Promise<void> }> {
  const served: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let count = 0;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        buffered = buffered.slice(end + 4 + length);
        count += 1;
        if (count > answered) {
          socket.resetAndDestroy();
          return;
        }
        served.push(head.split(' ').slice(0, 2).join(' '));
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n${head.startsWith('HEAD ') ? '' : 'ok'}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: new URL(`http://127.0.0.1:${port}`),
    served,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let open: { close: () => Promise<void> } | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

describe('forwardToSite on a kept-alive connection the server drops', () => {
  it.each(['GET', 'HEAD', 'OPTIONS'])('%s: sent once more on a new connection, and answered', async (method) => {
    const server = (open = await dropping(1));
    const first = await forwardToSite(server.url, ORIGIN, { method, path: '/a', headers: {} }, 5000);
    expect(first.status).toBe(200);
    // The second request reuses the connection, which the server drops: the retry gets the answer.
    const second = await forwardToSite(server.url, ORIGIN, { method, path: '/b', headers: {} }, 5000);
    expect(second.status).toBe(200);
    expect(server.served).toEqual([`${method} /a`, `${method} /b`]);
  });

  it('POST: not sent again (the server may have acted on it): the reset is the answer', async () => {
    const server = (open = await dropping(1));
    await forwardToSite(server.url, ORIGIN, { method: 'GET', path: '/a', headers: {} }, 5000);
    const error = await forwardToSite(server.url, ORIGIN, { method: 'POST', path: '/form', headers: { 'content-type': 'text/plain' }, body: Buffer.from('x=1') }, 5000).then(
      () => null,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    expect(error?.code).toBe('ECONNRESET');
    expect(server.served).toEqual(['GET /a']);
  });

  it('a reset on a new connection: the error, not sent again (only a reused connection can be stale)', async () => {
    const server = (open = await dropping(0));
    const error = await forwardToSite(server.url, ORIGIN, { method: 'GET', path: '/a', headers: {} }, 5000).then(
      () => null,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    expect(error?.code).toBe('ECONNRESET');
    expect(server.served).toEqual([]);
  });
});
