// Injected before page scripts (Playwright addInitScript): records every securitypolicyviolation
// event into window.__csph.events, in the shape stubs share (see README.md). No node, no imports.
(function () {
  var csph = (window.__csph = window.__csph || { probes: {}, events: [] });
  if (!csph.events) csph.events = [];
  if (csph.listening) return;
  csph.listening = true;
  window.addEventListener(
    'securitypolicyviolation',
    function (e) {
      csph.events.push({
        effectiveDirective: String(e.effectiveDirective || e.violatedDirective || ''),
        blockedURI: String(e.blockedURI || ''),
        disposition: e.disposition === 'report' ? 'report' : 'enforce',
        sample: String(e.sample || ''),
      });
      csph.lastSignalAt = Date.now();
    },
    true,
  );
})();
