// JUnit XML: one testsuite per browser, one testcase per cell; only outcomes that fail the run fail here.
import { escapeXml } from './escape.ts';
import { buildMatrix, cellPage, isProblem, oracleSymbol, SITE_VENDOR } from './matrix.ts';
import type { Report, ReportCell } from './model.ts';
import type { Reporter } from './types.ts';

const attr = (text: string): string => escapeXml(text, true);
const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  ms: number;
}

function kind(cell: ReportCell): 'error' | 'skipped' | 'failure' | 'ok' {
  if (cell.status === 'error') return 'error';
  if (cell.status === 'skipped') return 'skipped';
  return isProblem(cell) ? 'failure' : 'ok';
}

function count(cells: readonly ReportCell[]): Counts {
  const counts: Counts = { tests: cells.length, failures: 0, errors: 0, skipped: 0, ms: 0 };
  for (const cell of cells) {
    const k = kind(cell);
    if (k === 'failure') counts.failures++;
    else if (k === 'error') counts.errors++;
    else if (k === 'skipped') counts.skipped++;
    counts.ms += cell.durationMs;
  }
  return counts;
}

function countAttrs(c: Counts): string {
  return `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${seconds(c.ms)}"`;
}

/**
 * `chromium [embed=external]`; a site run's cell is named by its page, which its classname cannot
 * hold: `site /checkout [chromium]`, `site /vendor genesys messenger [chromium]`.
 */
function testName(cell: ReportCell, showPolicy: boolean): string {
  const params = Object.entries(cell.params).map(([k, v]) => `${k}=${v}`).join(' ');
  const page = cellPage(cell);
  let name: string = cell.browser;
  if (page !== null) name = `${SITE_VENDOR} ${page}${cell.vendor === SITE_VENDOR ? '' : ` ${cell.vendor} ${cell.feature}`} [${cell.browser}]`;
  if (params) name += ` [${params}]`;
  if (showPolicy && cell.policyIndex !== undefined) name += ` policy ${cell.policyIndex + 1}`;
  if (cell.scenario) name += ` (${cell.scenario})`;
  return name;
}

function failureMessage(cell: ReportCell): string {
  if (cell.status === 'pass') {
    const named = cell.expectedViolation
      ? ` (${cell.expectedViolation.effectiveDirective}${cell.expectedViolation.blockedURI ? ` ${cell.expectedViolation.blockedURI}` : ''})`
      : '';
    return `expected to be blocked${named}, but it passed`;
  }
  const enforced = cell.violations.filter((v) => v.disposition === 'enforce');
  if (enforced.length > 0) return enforced.map((v) => `${v.effectiveDirective} blocked ${v.blockedURI}`).join('; ');
  return cell.probe && !cell.probe.ok ? `probe failed: ${cell.probe.detail}` : 'failed';
}

/** The evidence, one fact per line, for a failure body or system-out. */
export function cellDetail(cell: ReportCell): string {
  const lines: string[] = [`cell: ${cell.id}`, `browser: ${cell.browser} ${cell.browserVersion}`.trimEnd()];
  lines.push(`status: ${cell.status}; expected: ${cell.expected ?? 'none'}; outcome: ${cell.outcome ?? 'none'}`);
  for (const v of cell.violations) {
    lines.push(`violation (${v.disposition}): ${v.effectiveDirective} blocked ${v.blockedURI} [${v.kind}; ${v.signals.join(', ')}]`);
  }
  if (cell.probe) lines.push(`probe: ${cell.probe.ok ? 'ok' : 'failed'} — ${cell.probe.detail}`);
  if (cell.oracle) {
    lines.push(`spec: ${oracleSymbol(cell.oracle)}${cell.oracle.explanation ? ` — ${cell.oracle.explanation}` : ''}`);
  }
  const fix = cell.fix ?? cell.oracle?.fix;
  if (fix) lines.push(`fix: ${fix}`);
  if (cell.unexpectedHosts.length > 0) lines.push(`unexpected hosts: ${cell.unexpectedHosts.join(', ')}`);
  if (cell.error) lines.push(`reason: ${cell.error}`);
  if (cell.screenshot) lines.push(`screenshot: ${cell.screenshot}`);
  return lines.join('\n');
}

/** `genesys.icons`; a page of the user's site is of class `site` (its path would read as a package). */
function className(cell: ReportCell): string {
  return cell.vendor === SITE_VENDOR ? SITE_VENDOR : `${cell.vendor}.${cell.feature}`;
}

function testcase(cell: ReportCell, showPolicy: boolean): string {
  const open = `    <testcase name="${attr(testName(cell, showPolicy))}" classname="${attr(className(cell))}" time="${seconds(cell.durationMs)}"`;
  const detail = escapeXml(cellDetail(cell));
  switch (kind(cell)) {
    case 'error':
      return `${open}>\n      <error message="${attr(cell.error ?? 'error')}" type="error">${detail}</error>\n    </testcase>`;
    case 'skipped':
      return `${open}>\n      <skipped message="${attr(cell.error ?? 'skipped')}"/>\n    </testcase>`;
    case 'failure': {
      const type = cell.outcome === 'unexpected' ? 'unexpected' : 'fail';
      return `${open}>\n      <failure message="${attr(failureMessage(cell))}" type="${type}">${detail}</failure>\n    </testcase>`;
    }
    case 'ok':
      // An expected failure is a passing test, but its violations are still worth reading.
      return cell.status === 'fail' ? `${open}>\n      <system-out>${detail}</system-out>\n    </testcase>` : `${open}/>`;
  }
}

export function renderJunit(report: Report): string {
  const { browsers, showPolicy } = buildMatrix(report);
  const timestamp = report.run?.startedAt ? ` timestamp="${attr(report.run.startedAt.replace(/Z$|[+-]\d\d:\d\d$/, ''))}"` : '';
  const suites = browsers.map((browser) => {
    const cells = report.cells.filter((cell) => cell.browser === browser);
    const version = report.run?.browsers.find((b) => b.id === browser)?.version ?? cells[0]?.browserVersion ?? '';
    const properties = [
      `      <property name="browserVersion" value="${attr(version)}"/>`,
      ...report.policies.map(
        (p, i) => `      <property name="policy ${i + 1} (${attr(p.delivery)})" value="${attr(p.value)}"/>`,
      ),
    ];
    return [
      `  <testsuite name="${attr(browser)}" ${countAttrs(count(cells))}${timestamp}>`,
      '    <properties>',
      ...properties,
      '    </properties>',
      ...cells.map((cell) => testcase(cell, showPolicy)),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="csp-harness" ${countAttrs(count(report.cells))}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

export function junitReporter(): Reporter {
  return { id: 'junit', onEnd: (report) => [{ path: 'junit.xml', content: renderJunit(report) }] };
}
