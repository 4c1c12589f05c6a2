// Evaluated through the automation channel after settling (the page's policy does not restrict it).
// A function expression: call it, get { probes, events, resources, readyState }.
(function read() {
  var csph = window.__csph || {};
  var probes = [];
  var table = csph.probes && typeof csph.probes === 'object' ? csph.probes : {};
  for (var feature in table) {
    if (!Object.prototype.hasOwnProperty.call(table, feature)) continue;
    var p = table[feature] || {};
    var state = p.state === 'ok' || p.state === 'failed' ? p.state : 'pending';
    probes.push({ feature: String(feature), state: state, detail: String(p.detail == null ? '' : p.detail) });
  }
  var events = Array.isArray(csph.events) ? csph.events.slice() : [];
  var resources = 0;
  try {
    resources = performance.getEntriesByType('resource').length;
  } catch (e) {
    resources = -1;
  }
  return { probes: probes, events: events, resources: resources, readyState: document.readyState, listening: csph.listening === true };
})
