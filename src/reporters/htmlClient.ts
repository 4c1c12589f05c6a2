// The HTML report's stylesheet and script, kept as constants so their CSP hashes are stable.
// The script builds every node with textContent: report text (blocked URLs) never becomes markup.

export const HTML_STYLE = String.raw`
:root { color-scheme: light dark; --pass: #1a7f37; --fail: #cf222e; --error: #bc4c00; --skipped: #6e7781; --line: #d0d7de; --hi: #fff8c5; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; padding: 16px 24px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 20px 0 8px; } h3 { font-size: 14px; margin: 12px 0 4px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; overflow-wrap: anywhere; }
[hidden] { display: none !important; }
#filters { display: flex; gap: 16px; flex-wrap: wrap; align-items: center; padding: 8px 0; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: Canvas; z-index: 2; }
#layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(280px, 2fr); gap: 24px; align-items: start; }
#layout:has(> #evidence[hidden]) { grid-template-columns: minmax(0, 1fr); }
@media (max-width: 900px) { #layout { grid-template-columns: 1fr; } }
main { overflow-x: auto; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; white-space: nowrap; }
tbody th { white-space: normal; min-width: 14em; }
thead th { position: sticky; top: 44px; background: Canvas; }
td.cell button, .diff button { font: inherit; border: 1px solid transparent; border-radius: 4px; background: none; padding: 1px 6px; cursor: pointer; color: inherit; }
td.cell button:hover, td.cell button:focus { border-color: var(--line); }
.s-pass { color: var(--pass); } .s-fail { color: var(--fail); } .s-error { color: var(--error); } .s-skipped { color: var(--skipped); }
td.cell.reproduction button { color: var(--skipped); }
.unexpected button, button.unexpected { background: var(--fail) !important; color: #fff !important; font-weight: 600; }
tr.differs td.mark { font-weight: 700; color: var(--error); }
button.row-label { font: inherit; font-weight: 600; text-align: left; border: 0; background: none; padding: 0; cursor: pointer; color: inherit; }
button.row-label:hover, button.row-label:focus { text-decoration: underline; }
.side-by-side { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; }
.side-by-side figure { margin: 0; } .side-by-side img { max-width: 100%; border: 1px solid var(--line); }
#vendor-summary td, #vendor-summary th, #findings td, #findings th { white-space: normal; vertical-align: top; }
#findings tr.sev-error td.severity { color: var(--fail); font-weight: 600; } #findings tr.sev-warning td.severity { color: var(--error); }
#site-pages tr.never td { color: var(--fail); }
#vendor-summary tr.unexpected th, #vendor-summary tr.unexpected td { box-shadow: inset 3px 0 0 var(--fail); }
#vendor-summary tr.unexpected strong { color: var(--fail); }
td.selected button { outline: 2px solid Highlight; }
#evidence { position: sticky; top: 56px; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; max-height: calc(100vh - 72px); overflow: auto; }
#evidence img { max-width: 100%; border: 1px solid var(--line); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; } dt { color: var(--skipped); }
ul { margin: 4px 0; padding-left: 20px; }
.muted { color: var(--skipped); }
:root { --focus: #0969da; --group: rgba(127, 127, 127, 0.1); }
@media (prefers-color-scheme: dark) { :root { --focus: #58a6ff; } }
:focus-visible { outline: 3px solid var(--focus) !important; outline-offset: 1px; }
td.cell button:focus-visible, button.row-label:focus-visible { outline-offset: -1px; }
#views { display: flex; gap: 8px; flex-wrap: wrap; margin: 20px 0 0; }
#views button, #group-tools button, .group-toggle, #evidence button.close { font: inherit; border: 1px solid var(--line); border-radius: 6px; background: none; color: inherit; padding: 3px 10px; cursor: pointer; }
#views button[aria-pressed="true"] { border-color: currentColor; font-weight: 600; box-shadow: inset 0 -3px 0 var(--focus); }
tbody.group-head th { background: var(--group); padding: 8px; border-bottom: 2px solid var(--line); white-space: normal; }
.group-toggle { border: 0 !important; padding: 0 6px 0 0 !important; font-weight: 600 !important; text-align: left; }
.group-toggle .twisty { display: inline-block; width: 1.2em; }
.group-head .detail, .group-head .params, .group-head .tally, .group-head .shown { color: var(--skipped); margin-left: 10px; font-weight: normal; }
.group-head .policy { display: block; margin: 2px 0 0 1.5em; font-weight: normal; }
tbody.group-rows th { padding-left: 24px; }
.diff { border-top: 1px solid var(--line); padding: 4px 0 8px; }
.diff ul.engines { list-style: none; padding-left: 0; }
.view.off { content-visibility: hidden; }
.diff .agrees-no { color: var(--fail); font-weight: 600; }
#baseline li { margin: 2px 0; }
#baseline button.cell-link { font: inherit; border: 0; background: none; padding: 0; cursor: pointer; color: inherit; text-decoration: underline; }
#evidence button.close { float: right; }
`;


export const HTML_SCRIPT = String.raw`
(function () {
  'use strict';
  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  var report = data('report-data'), view = data('view-data'), shots = data('screenshot-data');
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var key in attrs) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'className') node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    }
    (children || []).forEach(function (child) { if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child); });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function option(select, value, label) { select.appendChild(el('option', { value: value, text: label })); }

  $('summary').textContent = view.summary;
  report.policies.forEach(function (policy, i) {
    $('policies').appendChild(el('p', null, [
      'Policy ' + (report.policies.length > 1 ? (i + 1) + ' ' : '') + '(' + policy.delivery + '): ',
      el('code', { text: policy.value }),
    ]));
  });
  if (report.run) {
    var parts = ['started ' + report.run.startedAt, 'took ' + (report.run.durationMs / 1000).toFixed(1) + ' s'];
    report.run.browsers.forEach(function (b) {
      parts.push(b.id + ' ' + (b.status === 'ok' ? (b.version || '') : 'missing' + (b.install ? ' (install: ' + b.install + ')' : '')));
    });
    $('run').textContent = parts.join(' · ');
  }

  var vendors = [];
  var seenVendor = {};
  view.rows.forEach(function (row) { if (!seenVendor[row.vendor]) { seenVendor[row.vendor] = true; vendors.push(row.vendor); } });
  option($('filter-vendor'), '', 'all vendors');
  vendors.forEach(function (v) { option($('filter-vendor'), v, v); });
  option($('filter-browser'), '', 'all browsers');
  view.browsers.forEach(function (b) { option($('filter-browser'), b, b); });
  [['', 'any status'], ['pass', 'pass'], ['fail', 'fail'], ['error', 'error'], ['skipped', 'skipped'],
   ['unexpected', 'unexpected'], ['differs', 'engines or spec disagree']].forEach(function (o) { option($('filter-status'), o[0], o[1]); });

  // What opened the evidence (a cell or a row's button): Escape closes it and puts the focus back there.
  var opener = null;
  function cellButton(index, symbol, browser) {
    var cell = report.cells[index];
    var status = cell.status + (cell.outcome === 'unexpected' ? ', unexpected' : cell.status === 'fail' && cell.outcome === 'expected' ? ', expected' : '');
    var button = el('button', { type: 'button', 'data-cell': String(index), title: cell.id + ' — ' + status, 'aria-label': (browser ? browser + ': ' : '') + symbol + ' (' + status + ')', text: symbol });
    button.addEventListener('click', function () { opener = button; showEvidence(index); });
    return button;
  }

  // The matrix: one pair of tbody per group (its header, its rows); a collapsed group hides its rows' tbody.
  var table = $('matrix');
  var columns = view.browsers.length + 3;
  var head = el('tr', null, [el('th', { scope: 'col', text: view.rowHeading || 'vendor / feature' })]);
  view.browsers.forEach(function (b) { head.appendChild(el('th', { scope: 'col', 'data-browser': b, text: b })); });
  head.appendChild(el('th', { scope: 'col', text: 'spec' }));
  head.appendChild(el('th', { scope: 'col', text: '', 'aria-label': 'disagreement' }));
  table.querySelector('thead').appendChild(head);

  var rowNodes = [];      // by row index
  var rowFocus = [];      // by row: [its row button, then one cell button or null per browser]
  var cellButtons = {};   // by cell index: its matrix button
  var groupHeads = [], groupBodies = [], groupToggles = [], groupShown = [];
  var collapsed = {};     // group key → true
  var fragment = document.createDocumentFragment();
  view.groups.forEach(function (group, g) {
    var toggle = el('button', { type: 'button', className: 'group-toggle', 'aria-expanded': 'true', 'aria-controls': 'group-' + g, 'data-group': group.key },
      [el('span', { className: 'twisty', 'aria-hidden': 'true', text: '\u25be' }), group.title]);
    toggle.addEventListener('click', function () { setCollapsed(g, !collapsed[group.key]); afterCollapse(); });
    var th = el('th', { scope: 'rowgroup', colspan: String(columns) }, [toggle]);
    if (group.detail) th.appendChild(el('span', { className: 'detail', text: group.detail }));
    if (group.params) th.appendChild(el('span', { className: 'params mono', text: group.params }));
    th.appendChild(el('span', { className: 'tally', text: group.tally }));
    var shown = el('span', { className: 'shown' });
    th.appendChild(shown);
    if (group.policy !== null) th.appendChild(el('code', { className: 'policy', text: group.policy }));
    var headBody = el('tbody', { className: 'group-head', 'data-group': group.key }, [el('tr', null, [th])]);
    var rowsBody = el('tbody', { id: 'group-' + g, className: 'group-rows', 'data-group': group.key });
    for (var r = group.start; r < group.start + group.count; r++) rowsBody.appendChild(drawRow(r));
    groupHeads.push(headBody);
    groupBodies.push(rowsBody);
    groupToggles.push(toggle);
    groupShown.push(shown);
    fragment.appendChild(headBody);
    fragment.appendChild(rowsBody);
  });
  table.appendChild(fragment);

  function drawRow(r) {
    var row = view.rows[r];
    var rowButton = el('button', { type: 'button', className: 'row-label', title: row.label + ': the engines side by side', text: row.short, tabindex: '-1' });
    rowButton.addEventListener('click', function () { opener = rowButton; showRow(r); });
    rowButton.gridRow = r; rowButton.gridCol = 0;
    var focusable = [rowButton];
    var tr = el('tr', { 'data-row': String(r), 'data-vendor': row.vendor, className: row.mark ? 'differs' : '' }, [el('th', { scope: 'row' }, [rowButton])]);
    view.browsers.forEach(function (b, i) {
      var index = row.cells[b];
      var td = el('td', { 'data-browser': b, className: 'cell' });
      var button = null;
      if (index !== undefined) {
        var cell = report.cells[index];
        td.setAttribute('data-status', cell.status);
        td.className += ' s-' + cell.status + (cell.outcome === 'unexpected' ? ' unexpected' : '') + (cell.status === 'fail' && cell.outcome === 'expected' ? ' reproduction' : '');
        button = cellButton(index, row.symbols[b], b);
        button.setAttribute('tabindex', '-1');
        button.gridRow = r; button.gridCol = i + 1;
        cellButtons[index] = button;
        td.appendChild(button);
      }
      focusable.push(button);
      tr.appendChild(td);
    });
    tr.appendChild(el('td', { className: 'spec ' + (row.oracleAllowed === null ? '' : row.oracleAllowed ? 's-pass' : 's-fail'), text: row.oracle }));
    tr.appendChild(el('td', { className: 'mark', title: row.notes.join('\n'), text: row.mark }));
    rowNodes[r] = tr;
    rowFocus[r] = focusable;
    return tr;
  }

  // Engines vs spec: one entry per disagreeing row, shown or hidden with the filters like its matrix row.
  var specItems = [];
  (function drawSpec() {
    var list = $('differences');
    var none = el('p', { className: 'muted', id: 'no-differences', text: 'The engines agree with each other and with the spec on every row shown.' });
    list.appendChild(none);
    view.spec.forEach(function (entry) {
      var row = view.rows[entry.row];
      var item = el('div', { className: 'diff', 'data-row-key': row.key, 'data-row': String(entry.row) }, [el('h3', { text: row.label })]);
      var spec = entry.spec;
      var verdict = spec ? (spec.allowed ? '\u2713 allowed' : '\u2717 blocked' + (spec.decidedBy ? ' by ' + spec.decidedBy : '')) : 'no verdict';
      var specLine = el('p', { className: 'spec-verdict' }, [el('strong', { text: 'spec: ' }), el('span', { className: spec ? (spec.allowed ? 's-pass' : 's-fail') : 'muted', text: verdict })]);
      if (spec && spec.decidedBy) specLine.appendChild(document.createTextNode(' (decided by ' + spec.decidedBy + ')'));
      if (spec && spec.explanation) specLine.appendChild(el('span', { className: 'explanation', text: ' \u2014 ' + spec.explanation }));
      item.appendChild(specLine);
      if (spec && spec.fix) item.appendChild(el('p', null, ['smallest change: ', el('code', { text: spec.fix })]));
      // Each engine: its cell, its verdict, what it blocked, and whether that is what the spec says.
      item.appendChild(el('ul', { className: 'engines' }, entry.engines.map(function (e) {
        var button = cellButton(e.cell, e.browser + ' ' + e.symbol, null);
        var cell = report.cells[e.cell];
        button.className = 's-' + cell.status + (cell.outcome === 'unexpected' ? ' unexpected' : '');
        var parts = [button, ' ' + e.verdict + (e.detail ? ' (' + e.detail + ')' : '')];
        e.blocked.forEach(function (b, i) { parts.push(i ? '; ' : ': ', el('code', { text: b.directive }), ' blocked ', el('code', { className: 'blocked-uri', text: b.uri })); });
        parts.push(' — ', e.agreesWithSpec === null ? el('span', { className: 'muted', text: 'not judged against the spec' })
          : e.agreesWithSpec ? el('span', { text: '✓ agrees with the spec' }) : el('span', { className: 'agrees-no', text: '≠spec disagrees with the spec' }));
        return el('li', { 'data-browser': e.browser }, parts);
      })));
      item.appendChild(el('ul', { className: 'notes' }, entry.notes.map(function (note) { return el('li', { text: note }); })));
      list.appendChild(item);
      specItems.push({ row: entry.row, node: item });
    });
  })();

  // Against the baseline: drawn when first shown.
  var baselineDrawn = false;
  function drawBaseline() {
    if (baselineDrawn || !view.baseline || !$('baseline')) return;
    baselineDrawn = true;
    var box = $('baseline');
    var b = view.baseline;
    box.appendChild(el('p', null, ['Compared with ', el('code', { text: b.path || 'a baseline' }), ': ' + b.counts + '.']));
    [['regressions', 'Regressed (passed in the baseline, fail or error now)'], ['fixed', 'Fixed (failed in the baseline, pass now)'], ['added', 'New (not in the baseline)']].forEach(function (kind) {
      var entries = b[kind[0]];
      box.appendChild(el('h3', { text: kind[1] + ': ' + entries.length }));
      if (entries.length === 0) { box.appendChild(el('p', { className: 'muted', id: 'baseline-' + kind[0], text: 'none' })); return; }
      box.appendChild(el('ul', { id: 'baseline-' + kind[0] }, entries.map(function (entry) {
        var params = Object.keys(entry.params).map(function (k) { return k + '=' + entry.params[k]; }).join(' ');
        var id = entry.cell >= 0 ? el('button', { type: 'button', className: 'cell-link mono', text: entry.id }) : el('code', { text: entry.id });
        if (entry.cell >= 0) id.addEventListener('click', function () { opener = id; showEvidence(entry.cell); });
        var what = entry.cell >= 0 ? ' \u2014 ' + entry.vendor + '/' + entry.feature + (params ? ' ' + params : '') + ' on ' + entry.browser + ': ' : ' \u2014 ';
        return el('li', { 'data-cell-id': entry.id }, [id, what, el('span', { className: 'now', text: entry.now })]);
      })));
    });
  }

  // What a row is found by: its label, key, every cell id on it and its scenario's title, lower-cased once.
  var haystacks = view.rows.map(function (row) {
    var ids = Object.keys(row.cells).map(function (b) { return report.cells[row.cells[b]].id; });
    var group = view.groups[row.group];
    return (row.label + ' ' + row.key + ' ' + ids.join(' ') + (group.kind === 'scenario' ? ' ' + group.title : '')).toLowerCase();
  });

  // The filters, the search, the view, the collapsed groups and the open cell live in the URL's hash:
  // a reload or a shared link keeps them. Collapsed groups by key, one per line (%0A).
  var STATE_KEYS = ['vendor', 'browser', 'status', 'q', 'view', 'collapsed', 'cell'];
  var openCell = '';
  var currentView = 'matrix';
  function readHash() {
    var out = {};
    var raw = location.hash.replace(/^#/, '');
    // A bare cell id (#policy/genesys/icons/chromium, the older link form) opens that cell.
    if (raw && raw.indexOf('=') < 0) { try { out.cell = decodeURIComponent(raw); } catch (e) { /* ignored */ } return out; }
    raw.split('&').forEach(function (part) {
      var at = part.indexOf('=');
      if (at > 0) { try { out[decodeURIComponent(part.slice(0, at))] = decodeURIComponent(part.slice(at + 1)); } catch (e) { /* a hand-mangled hash: ignored */ } }
    });
    return out;
  }
  function collapsedKeys() {
    return view.groups.filter(function (g) { return collapsed[g.key]; }).map(function (g) { return g.key; }).join('\n');
  }
  function writeHash() {
    var state = { vendor: $('filter-vendor').value, browser: $('filter-browser').value, status: $('filter-status').value, q: $('filter-search').value,
      view: currentView === 'matrix' ? '' : currentView, collapsed: collapsedKeys(), cell: openCell };
    var parts = STATE_KEYS.filter(function (k) { return state[k]; }).map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(state[k]); });
    var hash = parts.length ? '#' + parts.join('&') : '';
    if (hash === location.hash || (!hash && !location.hash)) return;
    try { history.replaceState(null, '', hash || location.pathname + location.search); } catch (e) { location.hash = hash; }
  }
  function setSelect(id, value) {
    var select = $(id);
    if (Array.prototype.some.call(select.options, function (o) { return o.value === value; })) select.value = value;
  }

  // Rows are filtered once each, groups counted in the same pass: O(rows + groups), never rows × groups.
  var browserNodes = document.querySelectorAll('#matrix [data-browser]');
  var rowOk = [];
  var groupCount = [];
  var shownColumns = [];
  function applyFilters() {
    var vendor = $('filter-vendor').value, browser = $('filter-browser').value, status = $('filter-status').value;
    var terms = $('filter-search').value.toLowerCase().split(/\s+/).filter(Boolean);
    var browsers = browser ? [browser] : view.browsers;
    Array.prototype.forEach.call(browserNodes, function (node) {
      var hide = browsers.indexOf(node.getAttribute('data-browser')) < 0;
      if (node.hidden !== hide) node.hidden = hide;
    });
    shownColumns = [0];
    view.browsers.forEach(function (b, i) { if (browsers.indexOf(b) >= 0) shownColumns.push(i + 1); });
    var visible = 0;
    var filtered = !!(vendor || browser || status || terms.length);
    for (var g = 0; g < view.groups.length; g++) groupCount[g] = 0;
    view.rows.forEach(function (row, r) {
      var cells = browsers.map(function (b) { return row.cells[b] === undefined ? null : report.cells[row.cells[b]]; }).filter(Boolean);
      var ok = (!vendor || row.vendor === vendor) && terms.every(function (t) { return haystacks[r].indexOf(t) >= 0; });
      if (ok && status === 'differs') ok = row.mark !== '';
      else if (ok && status === 'unexpected') ok = cells.some(function (c) { return c.outcome === 'unexpected'; });
      else if (ok && status) ok = cells.some(function (c) { return c.status === status; });
      rowOk[r] = ok;
      if (rowNodes[r].hidden !== !ok) rowNodes[r].hidden = !ok;
      if (ok) { visible++; groupCount[row.group]++; }
    });
    view.groups.forEach(function (group, g) {
      var empty = groupCount[g] === 0;
      if (groupHeads[g].hidden !== empty) groupHeads[g].hidden = empty;
      var hideRows = empty || !!collapsed[group.key];
      if (groupBodies[g].hidden !== hideRows) groupBodies[g].hidden = hideRows;
      var text = filtered && !empty ? groupCount[g] + ' of ' + group.count + ' shown' : '';
      if (groupShown[g].textContent !== text) groupShown[g].textContent = text;
    });
    var specShown = 0;
    specItems.forEach(function (item) {
      var hide = !rowOk[item.row];
      if (item.node.hidden !== hide) item.node.hidden = hide;
      if (!hide) specShown++;
    });
    $('no-differences').hidden = specShown > 0;
    $('shown').textContent = visible + ' of ' + view.rows.length + ' rows';
    keepActive();
    writeHash();
  }
  ['filter-vendor', 'filter-browser', 'filter-status'].forEach(function (id) { $(id).addEventListener('change', applyFilters); });
  $('filter-search').addEventListener('input', applyFilters);

  function setCollapsed(g, yes) {
    var key = view.groups[g].key;
    if (yes) collapsed[key] = true; else delete collapsed[key];
    groupToggles[g].setAttribute('aria-expanded', yes ? 'false' : 'true');
    groupToggles[g].firstChild.textContent = yes ? '\u25b8' : '\u25be';
    var hideRows = yes || groupCount[g] === 0;
    if (groupBodies[g].hidden !== hideRows) groupBodies[g].hidden = hideRows;
  }
  function afterCollapse() { keepActive(); writeHash(); }
  $('collapse-all').addEventListener('click', function () { view.groups.forEach(function (_, g) { setCollapsed(g, true); }); afterCollapse(); });
  $('expand-all').addEventListener('click', function () { view.groups.forEach(function (_, g) { setCollapsed(g, false); }); afterCollapse(); });

  // Keyboard: the matrix is one tab stop (a roving tabindex); the arrow keys move between its cells,
  // Home/End to a row's ends (with Ctrl, the matrix's), Enter or Space opens a cell, Escape closes it.
  var active = null;
  function rowShown(r) { return !rowNodes[r].hidden && !groupBodies[view.rows[r].group].hidden; }
  function setActive(node) {
    if (active === node) return;
    if (active) active.setAttribute('tabindex', '-1');
    active = node;
    if (node) node.setAttribute('tabindex', '0');
  }
  function firstIn(r, from, step) {
    var focus = rowFocus[r];
    var cols = shownColumns.length ? shownColumns : [0];
    var at = from;
    while (at >= 0 && at < cols.length) { if (focus[cols[at]]) return focus[cols[at]]; at += step; }
    return null;
  }
  // The button nearest column position p of row r: p itself, else the nearest to its left, else to its right.
  function nearestIn(r, p) {
    var cols = shownColumns.length ? shownColumns : [0];
    p = Math.min(p, cols.length - 1);
    return firstIn(r, p, -1) || firstIn(r, p, 1);
  }
  // From row r on, stepping by step, the first shown row's button nearest column position p.
  function rowFrom(r, step, p) {
    for (var at = r; at >= 0 && at < view.rows.length; at += step) {
      if (!rowShown(at)) continue;
      var found = nearestIn(at, p);
      if (found) return found;
    }
    return null;
  }
  function keepActive() {
    if (active && active.gridRow !== undefined && rowShown(active.gridRow) && shownColumns.indexOf(active.gridCol) >= 0) return;
    for (var r = 0; r < view.rows.length; r++) if (rowShown(r)) { setActive(nearestIn(r, 1)); return; }
    setActive(null);
  }
  function move(node) { if (!node) return; setActive(node); node.focus(); }
  table.addEventListener('focusin', function (event) { if (event.target.gridRow !== undefined) setActive(event.target); });
  table.addEventListener('keydown', function (event) {
    var node = event.target;
    if (node.gridRow === undefined || event.altKey || event.metaKey) return;
    var r = node.gridRow, p = Math.max(0, shownColumns.indexOf(node.gridCol)), next;
    switch (event.key) {
      case 'ArrowRight': next = firstIn(r, p + 1, 1); break;
      case 'ArrowLeft': next = firstIn(r, p - 1, -1); break;
      case 'ArrowDown': next = rowFrom(r + 1, 1, p); break;
      case 'ArrowUp': next = rowFrom(r - 1, -1, p); break;
      case 'Home': next = event.ctrlKey ? rowFrom(0, 1, p) : firstIn(r, 0, 1); break;
      case 'End': next = event.ctrlKey ? rowFrom(view.rows.length - 1, -1, p) : firstIn(r, shownColumns.length - 1, -1); break;
      default: return;
    }
    event.preventDefault();
    move(next);
  });
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape' || $('evidence').hidden) return;
    event.preventDefault();
    closeEvidence();
  });

  // Views: the matrix, engines vs spec, against the baseline. Buttons, one pressed.
  var viewButtons = document.querySelectorAll('#views button[data-view]');
  function showView(name) {
    if (!$('view-' + name)) name = 'matrix';
    currentView = name;
    Array.prototype.forEach.call(viewButtons, function (button) {
      var id = button.getAttribute('data-view');
      var on = id === name;
      button.setAttribute('aria-pressed', on ? 'true' : 'false');
      var panel = $('view-' + id);
      if (!panel) return;
      // The matrix is not taken out of the layout but skipped (content-visibility): coming back to it
      // does not lay out thousands of rows again.
      if (id === 'matrix') { panel.classList.toggle('off', !on); if (on) panel.removeAttribute('aria-hidden'); else panel.setAttribute('aria-hidden', 'true'); }
      else panel.hidden = !on;
    });
    if (name === 'baseline') drawBaseline();
    writeHash();
  }
  Array.prototype.forEach.call(viewButtons, function (button) {
    button.addEventListener('click', function () { showView(button.getAttribute('data-view')); });
  });

  function safeRelative(path) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(path) || /^[\\/]/.test(path)) return null;
    return path.split('/').map(encodeURIComponent).join('/');
  }

  // As the matrix names rows (matrix.ts rowName): a page of the user's site by its path.
  function cellName(cell) {
    if (cell.page === undefined) return cell.vendor + '/' + cell.feature;
    return cell.vendor === 'site' ? cell.page : cell.page + ' \u00b7 ' + cell.vendor + ' \u00b7 ' + cell.feature;
  }

  function section(title, children) { return el('section', null, [el('h3', { text: title })].concat(children)); }

  function screenshotOf(cell) {
    if (!cell.screenshot) return null;
    return shots[cell.screenshot] || safeRelative(cell.screenshot);
  }

  var selectedTd = null;
  function select(td) {
    if (selectedTd) selectedTd.classList.remove('selected');
    selectedTd = td;
    if (td) td.classList.add('selected');
  }
  function openBox() {
    var box = clear($('evidence'));
    box.hidden = false;
    var close = el('button', { type: 'button', className: 'close', 'aria-label': 'Close the evidence (Escape)', text: '\u00d7 close' });
    close.addEventListener('click', closeEvidence);
    box.appendChild(close);
    return box;
  }
  function closeEvidence() {
    var box = clear($('evidence'));
    box.hidden = true;
    box.removeAttribute('data-cell-id');
    box.removeAttribute('data-row');
    select(null);
    openCell = '';
    writeHash();
    if (opener && document.body.contains(opener) && opener.offsetParent !== null) opener.focus();
  }

  // One row's engines next to each other: each screenshot beside its evidence (the broken icons at a glance).
  function showRow(r) {
    var row = view.rows[r];
    var box = openBox();
    box.removeAttribute('data-cell-id');
    box.setAttribute('data-row', String(r));
    select(null);
    if (openCell) { openCell = ''; writeHash(); }
    box.appendChild(el('h2', { text: row.label + ' — side by side' }));
    var grid = el('div', { className: 'side-by-side' });
    view.browsers.forEach(function (b) {
      if (row.cells[b] === undefined) return;
      var cell = report.cells[row.cells[b]];
      var src = screenshotOf(cell);
      var figure = el('figure', { 'data-browser': b }, [el('figcaption', null, [el('strong', { text: b }), ' ' + row.symbols[b] + (cell.outcome === 'unexpected' ? ' (unexpected)' : '')])]);
      figure.appendChild(src ? el('img', { src: src, alt: b + ' screenshot of ' + cell.id })
        : el('p', { className: 'muted', text: cell.status === 'pass' ? 'passed: no screenshot kept (run with --screenshots all to keep one)' : 'no screenshot' }));
      // Where this feature passed in this engine under another scenario or policy: that screenshot beside it.
      if (cell.status !== 'pass') {
        var peer = null;
        row.peers.some(function (p) {
          var i = view.rows[p].cells[b];
          var other = i === undefined ? null : report.cells[i];
          if (other && other.status === 'pass' && screenshotOf(other)) { peer = { row: view.rows[p], cell: other }; return true; }
          return false;
        });
        if (peer) {
          figure.appendChild(el('p', { className: 'passed-peer', text: 'where it passed: ' + peer.row.label }));
          figure.appendChild(el('img', { className: 'passed-peer', src: screenshotOf(peer.cell), alt: b + ' screenshot of ' + peer.cell.id + ' (passed)' }));
        }
      }
      var facts = cell.violations.filter(function (v) { return v.disposition === 'enforce'; }).map(function (v) {
        return el('li', null, [el('code', { text: v.effectiveDirective }), ' blocked ', el('code', { text: v.blockedURI }), ' via ' + v.signals.join(', ')]);
      });
      if (cell.probe && !cell.probe.ok) facts.push(el('li', { text: 'probe: ' + cell.probe.detail }));
      if (cell.error) facts.push(el('li', { text: cell.error }));
      figure.appendChild(el('ul', null, facts.length ? facts : [el('li', { className: 'muted', text: 'no violation' })]));
      figure.appendChild(cellButton(row.cells[b], 'all evidence', null));
      grid.appendChild(figure);
    });
    box.appendChild(grid);
    box.appendChild(el('p', null, ['spec: ' + (row.oracle || 'no verdict')]));
  }

  function showEvidence(index) {
    var cell = report.cells[index];
    var button = cellButtons[index];
    select(button ? button.parentNode : null);
    var box = openBox();
    box.removeAttribute('data-row');
    box.setAttribute('data-cell-id', cell.id);
    openCell = cell.id;
    writeHash();
    box.appendChild(el('h2', { text: cellName(cell) + ' — ' + cell.browser + ' ' + cell.browserVersion }));
    var facts = [['cell', cell.id]];
    if (cell.page !== undefined) facts.push(['page', cell.page]);
    facts = facts.concat([['status', cell.status], ['expected', cell.expected || 'none'], ['outcome', cell.outcome || 'none'],
      ['duration', cell.durationMs + ' ms']]);
    var params = Object.keys(cell.params).map(function (k) { return k + '=' + cell.params[k]; }).join(' ');
    if (params) facts.push(['params', params]);
    if (cell.scenario) facts.push(['scenario', cell.scenario]);
    if (cell.policyIndex !== undefined && report.policies[cell.policyIndex]) facts.push(['policy', report.policies[cell.policyIndex].value]);
    if (cell.error) facts.push([cell.status === 'skipped' ? 'why skipped' : 'error', cell.error]);
    var dl = el('dl');
    facts.forEach(function (f) { dl.appendChild(el('dt', { text: f[0] })); dl.appendChild(el('dd', { className: 'mono', text: f[1] })); });
    box.appendChild(dl);

    var bySignal = {};
    cell.violations.forEach(function (v) {
      (v.signals.length ? v.signals : ['(no signal)']).forEach(function (s) { (bySignal[s] = bySignal[s] || []).push(v); });
    });
    var signals = Object.keys(bySignal);
    box.appendChild(section('Violations', signals.length === 0 ? [el('p', { className: 'muted', text: 'none recorded' })] : signals.map(function (s) {
      return el('div', { className: 'signal', 'data-signal': s }, [el('strong', { text: s }), el('ul', null, bySignal[s].map(function (v) {
        return el('li', null, [v.disposition === 'report' ? 'report-only ' : '', el('code', { text: v.effectiveDirective }), ' blocked ',
          el('code', { className: 'blocked-uri', text: v.blockedURI }), ' (' + v.kind + ')']);
      }))]);
    })));
    if (cell.probe) box.appendChild(section('Probe', [el('p', { className: cell.probe.ok ? 's-pass' : 's-fail' }, [cell.probe.ok ? '✓ ' : '✗ ', el('span', { className: 'probe-detail', text: cell.probe.detail })])]));
    if (cell.oracle) {
      var verdict = cell.oracle.allowed ? '✓ allowed' : '✗ blocked' + (cell.oracle.decidedBy ? ' by ' + cell.oracle.decidedBy : '');
      var oracle = [el('p', { className: cell.oracle.allowed ? 's-pass' : 's-fail', text: verdict })];
      if (cell.oracle.explanation) oracle.push(el('p', { text: cell.oracle.explanation }));
      if (cell.oracle.fix) oracle.push(el('p', null, ['smallest change: ', el('code', { text: cell.oracle.fix })]));
      box.appendChild(section('Spec oracle', oracle));
    }
    if (cell.fix) box.appendChild(section('Fix', [el('code', { className: 'fix', text: cell.fix })]));
    if (cell.otherViolations && cell.otherViolations.length) box.appendChild(section('Other violations on the page (not this feature\u2019s)', [el('ul', null, cell.otherViolations.map(function (v) {
      return el('li', null, [el('code', { text: v.effectiveDirective }), ' blocked ', el('code', { text: v.blockedURI })]);
    }))]));
    if (cell.unrecordedRequests && cell.unrecordedRequests.length) box.appendChild(section('Not in the recording (answered 404: record again)', [el('ul', null, cell.unrecordedRequests.map(function (u) { return el('li', { className: 'mono', text: u }); }))]));
    if (cell.unexpectedHosts.length) box.appendChild(section('Unexpected hosts', [el('ul', null, cell.unexpectedHosts.map(function (h) { return el('li', { className: 'mono', text: h }); }))]));
    if (cell.screenshot) {
      var src = screenshotOf(cell);
      box.appendChild(section('Screenshot', src ? [el('a', { href: src, target: '_blank' }, [el('img', { src: src, alt: 'screenshot of ' + cell.id })])]
        : [el('p', { className: 'muted', text: 'not shown: ' + cell.screenshot + ' is not a relative path' })]));
    }
  }

  var initial = readHash();
  setSelect('filter-vendor', initial.vendor || '');
  setSelect('filter-browser', initial.browser || '');
  setSelect('filter-status', initial.status || '');
  $('filter-search').value = initial.q || '';
  if (initial.collapsed) {
    var keys = {};
    initial.collapsed.split('\n').forEach(function (k) { keys[k] = true; });
    view.groups.forEach(function (group, g) { if (keys[group.key]) setCollapsed(g, true); });
  }
  applyFilters();
  if (initial.view) showView(initial.view);
  if (initial.cell) {
    for (var i = 0; i < report.cells.length; i++) if (report.cells[i].id === initial.cell) { showEvidence(i); break; }
  }
})();
`;
