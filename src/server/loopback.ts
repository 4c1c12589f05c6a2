// mockttp's start() calls server.listen(port) without a host, which binds every interface.
// The harness must never listen beyond loopback, so while it starts we pin the host to 127.0.0.1.
import net from 'node:net';

let pending: Promise<unknown> = Promise.resolve();

/** Runs `start` with every bare `listen(port)` bound to 127.0.0.1. Serialized: the patch is process-wide. */
export function onLoopback<T>(start: () => Promise<T>): Promise<T> {
  const run = pending.then(async () => {
    const original = net.Server.prototype.listen;
    net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
      if (args.length === 1 && typeof args[0] === 'number') return original.call(this, { port: args[0], host: '127.0.0.1' });
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
