// What runs in every document of a fixture context before the page's own scripts: the harness's own
// securitypolicyviolation listener (harness/listener.js, as the engines inject it), preceded by a
// prelude that forwards what it records to the fixture at once (through a binding, so events of a
// document the test navigated away from are not lost), says which documents it ran in, and sends
// the document's <meta> policies. Nothing here changes the page's policy (no bypassCSP).
import { LISTENER_JS } from '../engines/settle.ts';

/** The binding the prelude calls (Playwright exposeBinding). */
export const BINDING = '__cspHarnessSignal';

/** What the prelude sends. */
export type InitMessage =
  | { type: 'hello'; url: string }
  | { type: 'meta'; url: string; policies: string[] }
  | { type: 'event'; url: string; event: { effectiveDirective: string; blockedURI: string; disposition: 'enforce' | 'report'; sample: string } };

const PRELUDE = `(function () {
  var send = window[${JSON.stringify(BINDING)}];
  if (typeof send !== 'function' || window.__csph) return;
  var post = function (message) {
    try {
      var sent = send(message);
      if (sent && typeof sent.catch === 'function') sent.catch(function () {});
    } catch (_) {}
  };
  var events = [];
  events.push = function (event) {
    Array.prototype.push.call(events, event);
    post({ type: 'event', url: String(location.href), event: event });
    return events.length;
  };
  window.__csph = { probes: {}, events: events };
  var url = String(location.href);
  if (url === '' || url === 'about:blank') return;
  post({ type: 'hello', url: url });
  var metas = function () {
    var found = [];
    var tags = document.querySelectorAll('meta[http-equiv]');
    for (var i = 0; i < tags.length; i++) {
      if (String(tags[i].getAttribute('http-equiv')).toLowerCase() === 'content-security-policy') found.push(String(tags[i].getAttribute('content') || ''));
    }
    if (found.length > 0) post({ type: 'meta', url: url, policies: found });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', metas, { once: true });
  else metas();
})();`;

export const INIT_SCRIPT = `${PRELUDE}\n${LISTENER_JS}`;

/** Checks what the page sent (a page could call the binding itself). */
export function readInitMessage(payload: unknown): InitMessage | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as Record<string, unknown>;
  if (typeof p.url !== 'string') return null;
  if (p.type === 'hello') return { type: 'hello', url: p.url };
  if (p.type === 'meta' && Array.isArray(p.policies)) return { type: 'meta', url: p.url, policies: p.policies.filter((x): x is string => typeof x === 'string') };
  if (p.type === 'event' && typeof p.event === 'object' && p.event !== null) {
    const e = p.event as Record<string, unknown>;
    return {
      type: 'event',
      url: p.url,
      event: {
        effectiveDirective: String(e.effectiveDirective ?? ''),
        blockedURI: String(e.blockedURI ?? ''),
        disposition: e.disposition === 'report' ? 'report' : 'enforce',
        sample: String(e.sample ?? ''),
      },
    };
  }
  return null;
}
