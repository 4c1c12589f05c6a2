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
.reproduction button { color: var(--skipped); }
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
  view.rows.forEach(function (row) { if (vendors.indexOf(row.vendor) < 0) vendors.push(row.vendor); });
  option($('filter-vendor'), '', 'all vendors');
  vendors.forEach(function (v) { option($('filter-vendor'), v, v); });
  option($('filter-browser'), '', 'all browsers');
  view.browsers.forEach(function (b) { option($('filter-browser'), b, b); });
  [['', 'any status'], ['pass', 'pass'], ['fail', 'fail'], ['error', 'error'], ['skipped', 'skipped'],
   ['unexpected', 'unexpected'], ['differs', 'engines or spec disagree']].forEach(function (o) { option($('filter-status'), o[0], o[1]); });

  function cellButton(index, symbol) {
    var cell = report.cells[index];
    var button = el('button', { type: 'button', 'data-cell': String(index), title: cell.id + ' — ' + cell.status + (cell.outcome === 'unexpected' ? ' (unexpected)' : ''), text: symbol });
    button.addEventListener('click', function () { showEvidence(index); });
    return button;
  }

  var head = el('tr', null, [el('th', { text: view.rowHeading || 'vendor / feature' })]);
  view.browsers.forEach(function (b) { head.appendChild(el('th', { 'data-browser': b, text: b })); });
  head.appendChild(el('th', { text: 'spec' }));
  head.appendChild(el('th', { text: '' }));
  $('matrix').querySelector('thead').appendChild(head);
  var body = $('matrix').querySelector('tbody');
  var rowNodes = [];
  var fragment = document.createDocumentFragment();
  view.rows.forEach(function (row, r) {
    var rowButton = el('button', { type: 'button', className: 'row-label', title: 'the engines side by side', text: row.label });
    rowButton.addEventListener('click', function () { showRow(r); });
    var tr = el('tr', { 'data-row': String(r), 'data-vendor': row.vendor, className: row.mark ? 'differs' : '' }, [el('th', { scope: 'row' }, [rowButton])]);
    view.browsers.forEach(function (b) {
      var index = row.cells[b];
      var td = el('td', { 'data-browser': b, className: 'cell' });
      if (index !== undefined) {
        var cell = report.cells[index];
        td.setAttribute('data-status', cell.status);
        td.className += ' s-' + cell.status + (cell.outcome === 'unexpected' ? ' unexpected' : '') + (cell.status === 'fail' && cell.outcome === 'expected' ? ' reproduction' : '');
        td.appendChild(cellButton(index, row.symbols[b]));
      }
      tr.appendChild(td);
    });
    tr.appendChild(el('td', { className: 'spec ' + (row.oracleAllowed === null ? '' : row.oracleAllowed ? 's-pass' : 's-fail'), text: row.oracle }));
    tr.appendChild(el('td', { className: 'mark', title: row.notes.join('\n'), text: row.mark }));
    rowNodes.push(tr);
    fragment.appendChild(tr);
  });
  body.appendChild(fragment);

  function renderDifferences() {
    var list = clear($('differences'));
    var vendor = $('filter-vendor').value;
    var shown = view.rows.filter(function (row) { return row.notes.length > 0 && (!vendor || row.vendor === vendor); });
    if (shown.length === 0) { list.appendChild(el('p', { className: 'muted', text: 'The engines agree with each other and with the spec on every row shown.' })); return; }
    shown.forEach(function (row) {
      var item = el('div', { className: 'diff', 'data-row-key': row.key }, [el('h3', { text: row.label })]);
      var line = el('p');
      view.browsers.forEach(function (b) {
        if (row.cells[b] === undefined) return;
        var cell = report.cells[row.cells[b]];
        var button = cellButton(row.cells[b], b + ' ' + row.symbols[b]);
        button.className = 's-' + cell.status + (cell.outcome === 'unexpected' ? ' unexpected' : '');
        line.appendChild(button);
      });
      line.appendChild(document.createTextNode(' spec: ' + (row.oracle || 'no verdict')));
      item.appendChild(line);
      item.appendChild(el('ul', null, row.notes.map(function (note) { return el('li', { text: note }); })));
      list.appendChild(item);
    });
  }

  // What a row is found by: its label, key and every cell id on it, lower-cased once.
  var haystacks = view.rows.map(function (row) {
    var ids = Object.keys(row.cells).map(function (b) { return report.cells[row.cells[b]].id; });
    return (row.label + ' ' + row.key + ' ' + ids.join(' ')).toLowerCase();
  });

  // The filters, the search and the open cell live in the URL's hash: a reload or a shared link keeps them.
  var STATE_KEYS = ['vendor', 'browser', 'status', 'q', 'cell'];
  var openCell = '';
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
  function writeHash() {
    var state = { vendor: $('filter-vendor').value, browser: $('filter-browser').value, status: $('filter-status').value, q: $('filter-search').value, cell: openCell };
    var parts = STATE_KEYS.filter(function (k) { return state[k]; }).map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(state[k]); });
    var hash = parts.length ? '#' + parts.join('&') : '';
    if (hash === location.hash || (!hash && !location.hash)) return;
    try { history.replaceState(null, '', hash || location.pathname + location.search); } catch (e) { location.hash = hash; }
  }
  function setSelect(id, value) {
    var select = $(id);
    if (Array.prototype.some.call(select.options, function (o) { return o.value === value; })) select.value = value;
  }

  var browserNodes = document.querySelectorAll('#matrix [data-browser]');
  function applyFilters() {
    var vendor = $('filter-vendor').value, browser = $('filter-browser').value, status = $('filter-status').value;
    var terms = $('filter-search').value.toLowerCase().split(/\s+/).filter(Boolean);
    var browsers = browser ? [browser] : view.browsers;
    Array.prototype.forEach.call(browserNodes, function (node) {
      var hide = browsers.indexOf(node.getAttribute('data-browser')) < 0;
      if (node.hidden !== hide) node.hidden = hide;
    });
    var visible = 0;
    view.rows.forEach(function (row, r) {
      var cells = browsers.map(function (b) { return row.cells[b] === undefined ? null : report.cells[row.cells[b]]; }).filter(Boolean);
      var ok = (!vendor || row.vendor === vendor) && terms.every(function (t) { return haystacks[r].indexOf(t) >= 0; });
      if (ok && status === 'differs') ok = row.mark !== '';
      else if (ok && status === 'unexpected') ok = cells.some(function (c) { return c.outcome === 'unexpected'; });
      else if (ok && status) ok = cells.some(function (c) { return c.status === status; });
      if (rowNodes[r].hidden !== !ok) rowNodes[r].hidden = !ok;
      if (ok) visible++;
    });
    $('shown').textContent = visible + ' of ' + view.rows.length + ' rows';
    renderDifferences();
    writeHash();
  }
  ['filter-vendor', 'filter-browser', 'filter-status'].forEach(function (id) { $(id).addEventListener('change', applyFilters); });
  $('filter-search').addEventListener('input', applyFilters);

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

  // One row's engines next to each other: each screenshot beside its evidence (the broken icons at a glance).
  function showRow(r) {
    var row = view.rows[r];
    var box = clear($('evidence'));
    box.hidden = false;
    box.removeAttribute('data-cell-id');
    box.setAttribute('data-row', String(r));
    box.appendChild(el('h2', { text: row.label + ' — side by side' }));
    var grid = el('div', { className: 'side-by-side' });
    view.browsers.forEach(function (b) {
      if (row.cells[b] === undefined) return;
      var cell = report.cells[row.cells[b]];
      var src = screenshotOf(cell);
      var figure = el('figure', { 'data-browser': b }, [el('figcaption', null, [el('strong', { text: b }), ' ' + row.symbols[b] + (cell.outcome === 'unexpected' ? ' (unexpected)' : '')])]);
      figure.appendChild(src ? el('img', { src: src, alt: b + ' screenshot of ' + cell.id })
        : el('p', { className: 'muted', text: cell.status === 'pass' ? 'passed: no screenshot kept (run with --screenshots all to keep one)' : 'no screenshot' }));
      var facts = cell.violations.filter(function (v) { return v.disposition === 'enforce'; }).map(function (v) {
        return el('li', null, [el('code', { text: v.effectiveDirective }), ' blocked ', el('code', { text: v.blockedURI }), ' via ' + v.signals.join(', ')]);
      });
      if (cell.probe && !cell.probe.ok) facts.push(el('li', { text: 'probe: ' + cell.probe.detail }));
      if (cell.error) facts.push(el('li', { text: cell.error }));
      figure.appendChild(el('ul', null, facts.length ? facts : [el('li', { className: 'muted', text: 'no violation' })]));
      figure.appendChild(cellButton(row.cells[b], 'all evidence'));
      grid.appendChild(figure);
    });
    box.appendChild(grid);
    box.appendChild(el('p', null, ['spec: ' + (row.oracle || 'no verdict')]));
  }

  function showEvidence(index) {
    var cell = report.cells[index];
    Array.prototype.forEach.call(document.querySelectorAll('td.selected'), function (n) { n.classList.remove('selected'); });
    var selected = document.querySelector('#matrix button[data-cell="' + index + '"]');
    if (selected) selected.parentNode.classList.add('selected');
    var box = clear($('evidence'));
    box.hidden = false;
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
  applyFilters();
  if (initial.cell) {
    for (var i = 0; i < report.cells.length; i++) if (report.cells[i].id === initial.cell) { showEvidence(i); break; }
  }
})();
`;
