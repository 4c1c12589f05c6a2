// Static routes: a vendor's files from fixtures/ (through the run's http-server, layered when several
// vendors serve one host) or from an absolute folder (a user's vendor folder, a published package).
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve, sep } from 'node:path';
import type { StaticRoute } from './routes.ts';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.svg': 'image/svg+xml', '.webp': 'image/webp', '.ico': 'image/x-icon', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.otf': 'font/otf',
  '.mp3': 'audio/mpeg', '.mp4': 'video/mp4', '.webm': 'video/webm', '.wasm': 'application/wasm', '.txt': 'text/plain; charset=utf-8', '.map': 'application/json',
};

/** A file below an absolute folder (a user's vendor folder), never outside it; null when there is none. */
export function fromFolder(dir: string, pathname: string): { body: Buffer; contentType: string } | null {
  let path: string;
  try {
    path = resolve(dir, `.${decodeURIComponent(pathname)}`);
  } catch {
    return null;
  }
  if (path !== dir && !path.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return null;
  try {
    if (!statSync(path).isFile()) return null;
    return { body: readFileSync(path), contentType: CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}

/** Every stub answer allows any origin: vendors' CDNs and APIs do. */
export const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, OPTIONS',
  'access-control-allow-headers': '*',
};

/**
 * The first layer holding the file answers: an exact file (`files`), an absolute folder at its
 * mount, or the fixtures folder through the run's static server.
 */
export async function serveStatic(layers: readonly StaticRoute[], url: URL, staticOrigin: string) {
  let response: Response | null = null;
  let body = Buffer.alloc(0);
  for (const layer of layers) {
    const exact = layer.files?.[url.pathname];
    if (exact) {
      const file = fromFolder(dirname(exact), `/${basename(exact)}`);
      if (file) return { statusCode: 200, headers: { ...CORS, 'cache-control': 'no-store', 'content-type': file.contentType }, rawBody: file.body };
    }
    if (isAbsolute(layer.dir)) {
      const mount = layer.mount ?? '/';
      if (!url.pathname.startsWith(mount)) continue;
      const file = fromFolder(layer.dir, `/${url.pathname.slice(mount.length)}`);
      if (!file) continue;
      return { statusCode: 200, headers: { ...CORS, 'cache-control': 'no-store', 'content-type': file.contentType }, rawBody: file.body };
    }
    try {
      response = await fetch(`${staticOrigin}/${layer.dir}${url.pathname}`);
      body = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      // Only while the network closes (Ctrl-C): answer the browser, instead of mockttp printing a warning.
      return { statusCode: 503, headers: { 'content-type': 'text/plain' }, body: `csp-harness: the fixture server did not answer (${(error as Error).message}).` };
    }
    if (response.status !== 404) break;
  }
  if (!response) return { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: 'csp-harness: no such fixture file' };
  const headers: Record<string, string> = { ...CORS, 'cache-control': 'no-store' };
  const type = response.headers.get('content-type');
  if (type) headers['content-type'] = type;
  return { statusCode: response.status, headers, rawBody: body };
}
