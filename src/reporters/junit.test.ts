import { describe, expect, it } from 'vitest';
import { renderJunit } from './junit.ts';
import type { ReportCell } from './model.ts';
import { summarize } from './model.ts';
import { EVIL_URI, siteReport, testReport } from './testReport.ts';
import { parseXmlStrict } from './testXml.ts';
import type { XmlElement } from './testXml.ts';

const NUMBER = /^\d+$/;
const SECONDS = /^\d+(\.\d+)?$/;

/** The parts of the common JUnit schema (Jenkins/Ant junit-10.xsd) CI readers rely on. */
function checkJunitSchema(root: XmlElement): void {
  expect(root.name).toBe('testsuites');
  for (const attr of ['name', 'tests', 'failures', 'errors', 'skipped', 'time']) expect(root.attributes).toHaveProperty(attr);
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const suite of root.children) {
    expect(suite.name).toBe('testsuite');
    expect(suite.attributes.name).toBeTruthy();
    for (const attr of ['tests', 'failures', 'errors', 'skipped']) expect(suite.attributes[attr]).toMatch(NUMBER);
    expect(suite.attributes.time).toMatch(SECONDS);
    const allowed = ['properties', 'testcase', 'system-out', 'system-err'];
    const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    for (const child of suite.children) {
      expect(allowed).toContain(child.name);
      if (child.name === 'properties') {
        for (const property of child.children) {
          expect(property.name).toBe('property');
          expect(Object.keys(property.attributes).sort()).toEqual(['name', 'value']);
        }
        continue;
      }
      if (child.name !== 'testcase') continue;
      counts.tests++;
      expect(child.attributes.name).toBeTruthy();
      expect(child.attributes.classname).toBeTruthy();
      expect(child.attributes.time).toMatch(SECONDS);
      const outcomes = child.children.filter((c) => ['failure', 'error', 'skipped'].includes(c.name));
      expect(outcomes.length).toBeLessThanOrEqual(1);
      for (const c of child.children) expect(['failure', 'error', 'skipped', 'system-out', 'system-err']).toContain(c.name);
      const outcome = outcomes[0];
      if (outcome?.name === 'failure') counts.failures++;
      if (outcome?.name === 'error') counts.errors++;
      if (outcome?.name === 'skipped') counts.skipped++;
      if (outcome && outcome.name !== 'skipped') expect(outcome.attributes.message).toBeTruthy();
    }
    for (const key of ['tests', 'failures', 'errors', 'skipped'] as const) {
      expect(Number(suite.attributes[key]), `${suite.attributes.name} ${key}`).toBe(counts[key]);
      totals[key] += counts[key];
    }
  }
  for (const key of ['tests', 'failures', 'errors', 'skipped'] as const) expect(Number(root.attributes[key])).toBe(totals[key]);
}

function testcases(root: XmlElement): XmlElement[] {
  return root.children.flatMap((suite) => suite.children.filter((c) => c.name === 'testcase'));
}

describe('renderJunit', () => {
  const xml = renderJunit(testReport());
  const root = parseXmlStrict(xml);

  it('is well-formed JUnit XML with consistent counts', () => {
    checkJunitSchema(root);
    expect(root.children.map((s) => s.attributes.name)).toEqual(['chromium', 'firefox', 'webkit']);
    expect(root.attributes).toMatchObject({ tests: '18', failures: '4', errors: '1', skipped: '1' });
  });

  const find = (classname: string, browser: string): XmlElement => {
    const found = testcases(root).find((t) => t.attributes.classname === classname && t.attributes.name?.startsWith(browser));
    if (!found) throw new Error(`no testcase ${classname} ${browser}`);
    return found;
  };

  it.each([
    // classname, browser, child element, message (or null)
    ['genesys.icons', 'chromium', 'system-out', null],
    ['velaro.widget', 'chromium', null, null],
    ['velaro.realtime', 'firefox', 'failure', 'connect-src blocked wss://visitor.velaro.com/signalr'],
    ['velaro.styles', 'webkit', 'failure', 'style-src-attr blocked inline'],
    ['velaro.fonts', 'firefox', 'error', 'navigation failed: net::ERR_TIMED_OUT after 30000 ms'],
    ['velaro.fonts', 'webkit', 'skipped', 'webkit is not installed: run `npx playwright install webkit`'],
  ])('%s on %s → <%s>', (classname, browser, child, message) => {
    const testcase = find(classname, browser);
    expect(testcase.children[0]?.name ?? null).toBe(child);
    if (message !== null) expect(testcase.children[0]?.attributes.message).toBe(message);
  });

  it('names the test by browser and params, and puts the evidence in the failure body', () => {
    const testcase = find('velaro.styles', 'chromium');
    expect(testcase.attributes.name).toBe('chromium [embed=external]');
    const body = testcase.children[0]?.text ?? '';
    expect(body).toContain(`img-src blocked ${EVIL_URI}`);
    expect(body).toContain('probe: failed — widget position: static (expected fixed) <div style="…">');
    expect(body).toContain("fix: style-src 'self' 'unsafe-inline'");
  });

  it('reports an unexpected pass as a failure', () => {
    const report = testReport();
    const cell = report.cells.find((c) => c.vendor === 'genesys') as ReportCell;
    Object.assign(cell, { status: 'pass', outcome: 'unexpected', violations: [] });
    report.summary = summarize(report.cells);
    const failure = parseXmlStrict(renderJunit(report));
    const testcase = testcases(failure).find((t) => t.attributes.classname === 'genesys.icons');
    expect(testcase?.children[0]?.attributes.message).toBe('expected to be blocked (img-src data), but it passed');
  });

  it('stays well-formed with control characters, lone surrogates and markup in report text', () => {
    const report = testReport();
    const nasty = 'https://x.test/\u0000\u0008\u001b[31m\ud800\uffff]]><!--&amp;"\'\r\n\t</testcase>';
    for (const cell of report.cells) {
      cell.violations = [{ disposition: 'enforce', effectiveDirective: 'img-src', blockedURI: nasty, kind: 'url', signals: ['event'] }];
      cell.error = nasty;
      cell.params = { [`k"<`]: nasty };
      cell.status = cell.status === 'pass' ? 'fail' : cell.status;
      cell.outcome = 'unexpected';
    }
    report.policies[0] = { value: nasty, delivery: 'header' };
    report.summary = summarize(report.cells);
    const parsed = parseXmlStrict(renderJunit(report));
    checkJunitSchema(parsed);
    const message = testcases(parsed).find((t) => t.children[0]?.name === 'failure')?.children[0]?.attributes.message ?? '';
    expect(message).toContain(']]><!--&amp;"\'');
    expect(message).toContain('\\u{0}');
  });
});

describe('renderJunit: a site run', () => {
  const root = parseXmlStrict(renderJunit(siteReport()));

  it('is well-formed, and names each test by its page', () => {
    checkJunitSchema(root);
    const chromium = root.children.find((s) => s.attributes.name === 'chromium')!;
    expect(chromium.children.filter((c) => c.name === 'testcase').map((t) => `${t.attributes.classname} | ${t.attributes.name}`)).toEqual([
      'site | site / [chromium]',
      'genesys.messenger | site / genesys messenger [chromium]',
      'site | site /checkout [chromium]',
      'genesys.messenger | site /vendor genesys messenger [chromium]',
      'site | site /vendor [chromium]',
      'site | site /missing-nonce [chromium]',
    ]);
  });

  it('fails the page or vendor feature that failed, by name', () => {
    const failed = testcases(root).filter((t) => t.children[0]?.name === 'failure').map((t) => t.attributes.name);
    expect(failed).toEqual(['site /missing-nonce [chromium]', 'site /vendor genesys messenger [firefox]', 'site /missing-nonce [firefox]']);
  });
});
