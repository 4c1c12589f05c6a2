// What every answer of the proxy loses on its way to the browser (decisions/0013).
/** Headers no answer of the proxy keeps: each would let one cell's answer outlive it in the browser. */
const CELL_BOUND_HEADERS = new Set(['cache-control', 'expires', 'age', 'pragma', 'strict-transport-security', 'alt-svc']);

/**
 * Every answer `no-store`, without HSTS or Alt-Svc (decisions/0013): a cell shares its browser context
 * with the cells before it, and every request of every cell must reach the proxy — a feature judged by
 * what the proxy answered would fail on a cached script, and a recorded answer's max-age would do that.
 */
export function uncached<T extends { headers?: Record<string, string | string[] | undefined> }>(response: T): T {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) if (value !== undefined && !CELL_BOUND_HEADERS.has(name.toLowerCase())) headers[name] = value;
  headers['cache-control'] = 'no-store';
  return { ...response, headers };
}
