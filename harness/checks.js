// Evaluated through the automation channel after settling, in the top document: the DOM expectations
// of vendor.json (`selector` visible, computed `style`), observed from outside the vendor's code.
// A function expression: call it with [{ selector, visible? } | { style, property, value }], get one
// { ok, detail } per check, in order.
(function checks(list) {
  function visible(el) {
    var style = window.getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || style.visibility === 'collapse' || Number(style.opacity) === 0) return false;
    var box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  }
  var out = [];
  for (var i = 0; i < list.length; i++) {
    var c = list[i] || {};
    var sel = typeof c.selector === 'string' ? c.selector : c.style;
    var el = null;
    try {
      el = document.querySelector(sel);
    } catch (e) {
      out.push({ ok: false, detail: 'not a valid selector: ' + sel });
      continue;
    }
    if (!el) {
      out.push({ ok: false, detail: 'no element matches ' + sel });
      continue;
    }
    if (typeof c.selector === 'string') {
      var want = c.visible !== false;
      var is = visible(el);
      out.push({ ok: is === want, detail: sel + (is ? ' is visible' : ' is not visible') });
    } else {
      var value = window.getComputedStyle(el).getPropertyValue(c.property).trim();
      out.push({ ok: value === String(c.value).trim(), detail: sel + ' has ' + c.property + ': ' + (value || '(empty)') });
    }
  }
  return out;
})
