// The pages the Playwright suite of csp-harness/playwright loads: one clean, some with violations.
// Plain ESM on node:http, started by playwright.config.ts's webServer:
//   node test/playwright/server.mjs --port 4873
// GET /reports lists the report-uri POSTs that reached the server (the fixture intercepts them where
// the browser's protocol lets it read them, so in Chromium none should arrive here).
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

/** The policy every page but /meta-policy.html sends as a header. */
export const POLICY = "default-src 'self'; img-src 'self'; script-src 'self' 'nonce-cspharness123'; style-src 'self'; report-uri /csp-report";
/** A blocked image (never fetched: CSP refuses it before any DNS lookup). */
export const BLOCKED_IMAGE = 'https://cdn.example.net/pixel.png';
/** The inline script /violation.html runs without a nonce. */
export const INLINE_SCRIPT = "document.title = 'inline script ran';";

const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

function page(title, body, head = '') {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}</body></html>`;
}

const PAGES = {
  '/clean.html': {
    policy: POLICY,
    html: page('clean', `<h1>clean</h1><img src="/pixel.png" alt=""><script nonce="cspharness123">document.body.dataset.ready = 'yes';</script>`),
  },
  '/violation.html': {
    policy: POLICY,
    html: page('violation', `<h1>violation</h1><img src="${BLOCKED_IMAGE}" alt=""><script>${INLINE_SCRIPT}</script><script nonce="cspharness123">document.body.dataset.ready = 'yes';</script>`),
  },
  // The same blocked image under a policy delivered by <meta> (no report-uri there: browsers ignore it).
  '/meta-policy.html': {
    policy: null,
    html: page('meta', `<h1>meta</h1><img src="${BLOCKED_IMAGE}" alt="">`, `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; img-src 'self' data:">`),
  },
  // No policy at all.
  '/no-policy.html': { policy: null, html: page('no policy', `<h1>no policy</h1><img src="/pixel.png" alt="">`) },
};

export function startServer(port = 0) {
  const reports = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/csp-report') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        reports.push({ contentType: req.headers['content-type'] ?? '', body });
        res.writeHead(204).end();
      });
      return;
    }
    if (url.pathname === '/reports') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reports));
      return;
    }
    if (url.pathname === '/pixel.png') {
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' }).end(PIXEL);
      return;
    }
    const found = PAGES[url.pathname];
    if (!found) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
    if (found.policy) headers['content-security-policy'] = found.policy;
    res.writeHead(200, headers).end(found.html);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--port');
  const port = i >= 0 ? Number(process.argv[i + 1]) : 4873;
  const server = await startServer(port);
  const address = server.address();
  process.stdout.write(`csp-harness playwright pages on http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/\n`);
}
