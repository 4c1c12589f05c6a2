// A realistic report for the reporters' tests: every status, outcome and disagreement they must draw.
import { summarize } from './model.ts';
import type { BrowserId, Report, ReportCell, ReportViolation } from './model.ts';

const VERSIONS: Record<BrowserId, string> = { chromium: '139.0.7258.5', firefox: '142.0', webkit: '26.0' };

export const EVIL_URI = 'https://evil.test/a?b=<script>&c="x"|y';

function cell(
  vendor: string,
  feature: string,
  params: Record<string, string>,
  browser: BrowserId,
  fields: Partial<ReportCell>,
): ReportCell {
  const paramPart = Object.entries(params).map(([k, v]) => `${k}=${v}`).join(',');
  return {
    id: `${vendor}/${feature}/${paramPart}/${browser}`,
    vendor,
    feature,
    params,
    browser,
    browserVersion: VERSIONS[browser],
    status: 'pass',
    expected: 'pass',
    outcome: 'expected',
    violations: [],
    probe: { ok: true, detail: 'loaded' },
    oracle: { allowed: true, decidedBy: 'script-src', explanation: 'allowed by script-src' },
    unexpectedHosts: [],
    screenshot: null,
    durationMs: 800,
    ...fields,
  };
}

const dataImage: ReportViolation = {
  disposition: 'enforce',
  effectiveDirective: 'img-src',
  blockedURI: 'data',
  kind: 'url',
  signals: ['console', 'event', 'report'],
};

const iconsOracle = {
  allowed: false,
  decidedBy: 'img-src',
  explanation: "img-src 'self' https://*.mypurecloud.com does not match data:",
  fix: 'img-src: add data:',
};

function icons(region: string, browser: BrowserId): ReportCell {
  return cell('genesys', 'icons', { region }, browser, {
    status: 'fail',
    expected: 'fail',
    expectedViolation: { effectiveDirective: 'img-src', blockedURI: 'data' },
    violations: [dataImage],
    probe: { ok: false, detail: '3 of 3 icons did not load' },
    oracle: iconsOracle,
    fix: "img-src 'self' https://*.mypurecloud.com data:",
    screenshot: `screenshots/genesys-icons-${region}-${browser}.png`,
    durationMs: 1234,
  });
}

function realtime(browser: BrowserId): ReportCell {
  if (browser !== 'firefox') {
    return cell('velaro', 'realtime', { embed: 'external' }, browser, {
      oracle: { allowed: true, decidedBy: 'connect-src', explanation: "wss://*.velaro.com matches connect-src" },
    });
  }
  return cell('velaro', 'realtime', { embed: 'external' }, browser, {
    status: 'fail',
    outcome: 'unexpected',
    violations: [
      {
        disposition: 'enforce',
        effectiveDirective: 'connect-src',
        blockedURI: 'wss://visitor.velaro.com/signalr',
        kind: 'url',
        signals: ['console', 'event'],
      },
    ],
    probe: { ok: false, detail: 'WebSocket closed before open (code 1006)' },
    oracle: { allowed: true, decidedBy: 'connect-src', explanation: "wss://*.velaro.com matches connect-src" },
    unexpectedHosts: ['tracker.example'],
  });
}

function styles(browser: BrowserId): ReportCell {
  return cell('velaro', 'styles', { embed: 'external' }, browser, {
    status: 'fail',
    outcome: 'unexpected',
    violations: [
      { disposition: 'enforce', effectiveDirective: 'style-src-attr', blockedURI: 'inline', kind: 'inline', signals: ['event'] },
      { disposition: 'report', effectiveDirective: 'img-src', blockedURI: EVIL_URI, kind: 'url', signals: ['report'] },
    ],
    probe: { ok: false, detail: 'widget position: static (expected fixed) <div style="…">' },
    oracle: { allowed: false, decidedBy: 'style-src', explanation: "no 'unsafe-inline' in style-src", fix: "style-src: add 'unsafe-inline'" },
    fix: "style-src 'self' 'unsafe-inline'",
  });
}

function fonts(browser: BrowserId): ReportCell {
  if (browser === 'firefox') {
    return cell('velaro', 'fonts', { embed: 'external' }, browser, {
      status: 'error',
      expected: 'pass',
      outcome: 'unexpected',
      probe: null,
      error: 'navigation failed: net::ERR_TIMED_OUT after 30000 ms',
      durationMs: 30000,
    });
  }
  if (browser === 'webkit') {
    return cell('velaro', 'fonts', { embed: 'external' }, browser, {
      status: 'skipped',
      outcome: null,
      probe: null,
      browserVersion: '',
      error: 'webkit is not installed: run `npx playwright install webkit`',
      durationMs: 0,
    });
  }
  return cell('velaro', 'fonts', { embed: 'external' }, browser, {});
}

export function testReport(): Report {
  const cells: ReportCell[] = [];
  const each = (make: (browser: BrowserId) => ReportCell): void => {
    for (const browser of ['chromium', 'firefox', 'webkit'] as const) cells.push(make(browser));
  };
  each((b) => icons('us-east-1', b));
  each((b) => icons('eu-central-1', b));
  each((b) => cell('velaro', 'widget', { embed: 'external' }, b, { durationMs: 950 }));
  each(realtime);
  each(styles);
  each(fonts);
  return {
    schemaVersion: 1,
    policies: [
      {
        value:
          "default-src 'self'; script-src 'self' 'nonce-{{nonce}}' https://*.velaro.com https://apps.mypurecloud.com; img-src 'self' https://*.mypurecloud.com; connect-src 'self' https://*.velaro.com wss://*.velaro.com; style-src 'self'",
        delivery: 'header',
      },
    ],
    cells,
    summary: summarize(cells),
    run: {
      startedAt: '2025-01-01T00:00:00.000Z',
      durationMs: 41000,
      browsers: [
        { id: 'chromium', version: VERSIONS.chromium, source: 'system', status: 'ok' },
        { id: 'firefox', version: VERSIONS.firefox, source: 'playwright', status: 'ok' },
        { id: 'webkit', version: VERSIONS.webkit, source: 'playwright', status: 'ok' },
      ],
      shard: null,
    },
  };
}

/**
 * testReport as a scenario run: genesys's two regions are two scenarios, velaro's features a third
 * (`genesys-eu` is not among `scenarios`: a group falls back to the id).
 */
export function scenarioReport(): Report {
  const report = testReport();
  for (const cell of report.cells) {
    cell.scenario = cell.vendor === 'velaro' ? 'velaro-allowlist' : cell.params.region === 'us-east-1' ? 'genesys-us' : 'genesys-eu';
  }
  report.scenarios = [
    { id: 'genesys-us', title: 'Genesys icons, US region', kind: 'troubleshooting', seedRef: '001_genesys.txt:45', file: 'scenarios/genesys/us.json' },
    { id: 'velaro-allowlist', title: 'Velaro behind an allowlist', kind: 'documented', file: 'scenarios/velaro/allowlist.json' },
  ];
  return report;
}

function siteCell(page: string, browser: BrowserId, fields: Partial<ReportCell> = {}, vendor?: { vendor: string; feature: string }): ReportCell {
  const base = vendor
    ? cell(vendor.vendor, vendor.feature, {}, browser, { id: `site/${page}/${vendor.vendor}/${vendor.feature}/${browser}` })
    : cell('site', page, {}, browser, { id: `site/${page}/${browser}` });
  return { ...base, page, expected: null, outcome: null, oracle: null, probe: { ok: true, detail: 'loaded' }, ...fields };
}

const nonceViolation: ReportViolation = {
  disposition: 'enforce',
  effectiveDirective: 'script-src-elem',
  blockedURI: 'inline',
  kind: 'inline',
  signals: ['console', 'event'],
};

/**
 * A `run --site` report: four pages of the user's site in chromium and firefox, genesys/messenger
 * contacted from two of them (two rows, not one), the site server's answers and what was found.
 */
export function siteReport(): Report {
  const cells: ReportCell[] = [];
  const browsers = ['chromium', 'firefox'] as const;
  for (const browser of browsers) {
    cells.push(siteCell('/', browser));
    cells.push(siteCell('/', browser, {}, { vendor: 'genesys', feature: 'messenger' }));
    cells.push(siteCell('/checkout', browser));
    cells.push(
      siteCell('/vendor', browser, browser === 'firefox'
        ? { status: 'fail', violations: [{ ...dataImage, blockedURI: 'https://api.mypurecloud.com/x.png' }], probe: { ok: false, detail: 'messenger did not open' } }
        : {}, { vendor: 'genesys', feature: 'messenger' }),
    );
    cells.push(siteCell('/vendor', browser));
    cells.push(siteCell('/missing-nonce', browser, { status: 'fail', violations: [nonceViolation], probe: null }));
  }
  return {
    schemaVersion: 1,
    policies: [],
    cells,
    summary: summarize(cells),
    site: {
      url: 'http://127.0.0.1:3000',
      origin: 'https://www.shop.test',
      policy: 'site',
      requests: 41,
      pages: [
        { path: '/', statuses: [200, 200, 200], requests: 9 },
        { path: '/checkout', statuses: [200, 200, 200], requests: 12 },
        { path: '/vendor', statuses: [200, 200, 200], requests: 11 },
        { path: '/missing-nonce', statuses: [302, 302, 302], requests: 9, redirectedTo: '/missing-nonce/' },
      ],
    },
    findings: [
      {
        page: '/vendor',
        kind: 'unknown-third-party',
        severity: 'warning',
        detail: 'cdn.unknown.test is contacted by no known vendor: img-src allows it; check that it should be',
        host: 'cdn.unknown.test',
        directive: 'img-src',
        browsers: ['chromium', 'firefox'],
      },
      {
        page: '/missing-nonce',
        kind: 'nonce-missing',
        severity: 'error',
        detail: 'an inline <script> has no nonce: add nonce="{{nonce}}" | the policy blocks it',
        browsers: ['chromium'],
      },
      { page: '/', kind: 'static-nonce', severity: 'error', detail: 'the nonce is the same on every load: generate one per response' },
      { page: '/vendor', kind: 'report-only-only', severity: 'warning', detail: 'only a report-only policy is sent: nothing is enforced' },
    ],
    run: {
      startedAt: '2025-01-01T00:00:00.000Z',
      durationMs: 12000,
      browsers: [
        { id: 'chromium', version: VERSIONS.chromium, source: 'system', status: 'ok' },
        { id: 'firefox', version: VERSIONS.firefox, source: 'playwright', status: 'ok' },
      ],
      shard: null,
    },
  };
}
