// Run in every frame of a finished cell's page, before the next cell uses the same browser context
// (decisions/0013): what the page and its vendors stored must not reach the next cell. Cookies,
// HttpOnly ones too, are cleared by the engine; the HTTP cache holds nothing (the proxy answers
// everything no-store). Each step on its own: one a frame denies must not stop the others.
(async function clear() {
  try { localStorage.clear(); } catch (e) {}
  try { sessionStorage.clear(); } catch (e) {}
  try { window.name = ''; } catch (e) {}
  try { document.cookie.split(';').forEach(function (c) { var n = c.split('=')[0].trim(); if (n) document.cookie = n + '=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/'; }); } catch (e) {}
  try { if (indexedDB.databases) for (const d of await indexedDB.databases()) if (d.name) indexedDB.deleteDatabase(d.name); } catch (e) {}
  try { if (self.caches) for (const k of await caches.keys()) await caches.delete(k); } catch (e) {}
  try { if (navigator.serviceWorker) for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister(); } catch (e) {}
  // The page is left next: what its pagehide/unload handlers would store (an analytics queue kept
  // for the next visit) goes nowhere. Cookies set meanwhile are cleared after the page is gone.
  try { Storage.prototype.setItem = function () {}; } catch (e) {}
  try { Object.defineProperty(document, 'cookie', { configurable: true, get: function () { return ''; }, set: function () {} }); } catch (e) {}
  return true;
});
