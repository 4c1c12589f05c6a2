// mockttp's own console output, kept to what the user needs.
/**
 * mockttp prints `Response error: read ECONNRESET` (console.log) whenever a browser drops a socket it
 * was still using — a page closed with its WebSocket open. That is the browser's business, not the
 * user's: those lines (ECONNRESET, EPIPE only) are left out; everything else mockttp says is kept.
 */
let quietened = false;
export function quietenSocketResets(): void {
  if (quietened) return;
  quietened = true;
  const log = console.log.bind(console);
  console.log = (...args: unknown[]) => {
    if (args[0] === 'Response error:' && typeof args[1] === 'string' && /\b(ECONNRESET|EPIPE)\b/.test(args[1])) return;
    log(...args);
  };
}
