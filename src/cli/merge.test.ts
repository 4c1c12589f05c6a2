import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReport, renderJson } from '../reporters/json.ts';
import type { Report, ReportFinding, ReportSite } from '../reporters/model.ts';
import { summarize } from '../reporters/model.ts';
import { siteReport } from '../reporters/testReport.ts';
import { captureIo } from './io.ts';
import { mergeCommand, mergeSite } from './merge.ts';

type Part = Pick<Report, 'site' | 'findings'>;

const site = (pages: ReportSite['pages'], requests: number, change: Partial<ReportSite> = {}): ReportSite => ({
  url: 'http://127.0.0.1:3000',
  origin: 'https://www.shop.test',
  policy: 'site',
  requests,
  pages,
  ...change,
});

const nonce: ReportFinding = { page: '/missing-nonce', kind: 'nonce-missing', severity: 'error', detail: 'an inline <script> has no nonce', browsers: ['firefox'] };
const unknown: ReportFinding = { page: '/vendor', kind: 'unknown-third-party', severity: 'warning', detail: 'cdn.unknown.test is no vendor’s', host: 'cdn.unknown.test', directive: 'img-src' };

const shards = (...parts: Part[]) => parts.map((report, i) => ({ name: `shard-${i + 1}/report.json`, report }));

describe('mergeSite', () => {
  it.each<[string, Part[], Part]>([
    ['pages by path: statuses in shard order, requests summed; new pages appended', [
      { site: site([{ path: '/', statuses: [200, 200], requests: 5 }, { path: '/a', statuses: [200], requests: 2 }], 9) },
      { site: site([{ path: '/a', statuses: [304], requests: 3 }, { path: '/b', statuses: [404], requests: 1 }], 6) },
    ], { site: site([{ path: '/', statuses: [200, 200], requests: 5 }, { path: '/a', statuses: [200, 304], requests: 5 }, { path: '/b', statuses: [404], requests: 1 }], 15) }],
    ['a redirect any shard saw is kept', [
      { site: site([{ path: '/old', statuses: [200], requests: 1 }], 1) },
      { site: site([{ path: '/old', statuses: [301], requests: 1, redirectedTo: 'https://elsewhere.test/' }], 1) },
    ], { site: site([{ path: '/old', statuses: [200, 301], requests: 2, redirectedTo: 'https://elsewhere.test/' }], 2) }],
    ['findings concatenated, each once; browsers that saw one joined in engine order', [
      { findings: [nonce, unknown] },
      { findings: [{ ...nonce, browsers: ['webkit', 'chromium'] }, { ...unknown, detail: 'another sentence' }] },
      { findings: [unknown, { ...nonce, page: '/other' }] },
    ], { findings: [{ ...nonce, browsers: ['chromium', 'firefox', 'webkit'] }, unknown, { ...unknown, detail: 'another sentence' }, { ...nonce, page: '/other' }] }],
    ['a finding differing only in host or directive is another finding', [
      { findings: [unknown] },
      { findings: [{ ...unknown, host: 'cdn2.unknown.test' }, { ...unknown, directive: 'script-src' }] },
    ], { findings: [unknown, { ...unknown, host: 'cdn2.unknown.test' }, { ...unknown, directive: 'script-src' }] }],
    ['shards without a site or findings: both stay absent', [{}, {}], {}],
    ['an empty findings list stays an empty list', [{ findings: [] }, {}], { findings: [] }],
  ])('%s', (_name, parts, expected) => {
    expect(mergeSite(shards(...parts))).toEqual({ ok: true, ...expected });
  });

  it('changes none of its inputs', () => {
    const parts = shards({ site: site([{ path: '/', statuses: [200], requests: 1 }], 1), findings: [nonce] }, { site: site([{ path: '/', statuses: [200], requests: 1 }], 1), findings: [{ ...nonce, browsers: ['chromium'] }] });
    const before = structuredClone(parts);
    mergeSite(parts);
    expect(parts).toEqual(before);
  });

  it.each<[string, Partial<ReportSite>, RegExp]>([
    ['another server', { url: 'http://127.0.0.1:4000' }, /^shard-2\/report\.json tested another site than shard-1\/report\.json \(url http:\/\/127\.0\.0\.1:4000, not http:\/\/127\.0\.0\.1:3000\)/],
    ['another origin', { origin: 'https://staging.shop.test' }, /\(origin https:\/\/staging\.shop\.test, not https:\/\/www\.shop\.test\)/],
    ['a candidate policy against the site’s own', { policy: 'candidate' }, /\(policy candidate, not site\)/],
  ])('refuses shards of %s', (_name, change, error) => {
    const result = mergeSite(shards({ site: site([], 0) }, { site: site([], 0, change) }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });
});

describe('mergeCommand: a site run in two shards', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csph-merge-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const whole = siteReport();
  const split = (browser: 'chromium' | 'firefox', index: number): Report => {
    const cells = whole.cells.filter((c) => c.browser === browser);
    const findings = whole.findings!.filter((f) => !f.browsers || f.browsers.includes(browser)).map((f) => (f.browsers ? { ...f, browsers: [browser] } : f));
    const pages = whole.site!.pages.map((p) => ({ ...p, statuses: p.statuses.slice(0, 1), requests: Math.ceil(p.requests / 2) }));
    return { ...whole, cells, summary: summarize(cells), site: { ...whole.site!, pages, requests: pages.reduce((n, p) => n + p.requests, 0) }, findings, run: { ...whole.run!, shard: { index, total: 2 } } };
  };

  it('writes one report with the cells, the site and the findings of both', () => {
    const paths = (['chromium', 'firefox'] as const).map((browser, i) => {
      const path = join(dir, `${browser}.json`);
      writeFileSync(path, renderJson(split(browser, i + 1)));
      return path;
    });
    const io = captureIo();
    const code = mergeCommand([...paths, '--reporter', 'json', '--out', join(dir, 'merged')], io);
    expect(code).toBe(1);
    const parsed = parseReport(readFileSync(join(dir, 'merged', 'report.json'), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error);
    const merged = parsed.report;
    expect(merged.cells).toHaveLength(whole.cells.length);
    expect(merged.site?.pages.map((p) => [p.path, p.statuses, p.requests])).toEqual([
      ['/', [200, 200], 10],
      ['/checkout', [200, 200], 12],
      ['/vendor', [200, 200], 12],
      ['/missing-nonce', [302, 302], 10],
    ]);
    expect(merged.site?.requests).toBe(44);
    // Findings of both shards each once; the one both browsers saw names both again.
    expect(merged.findings?.map((f) => [f.page, f.kind, f.browsers])).toEqual([
      ['/vendor', 'unknown-third-party', ['chromium', 'firefox']],
      ['/missing-nonce', 'nonce-missing', ['chromium']],
      ['/', 'static-nonce', undefined],
      ['/vendor', 'report-only-only', undefined],
    ]);
    expect(Object.keys(merged).slice(-3)).toEqual(['site', 'findings', 'run']);
  });

  it('refuses shards of two sites, as it refuses shards of two policies', () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, renderJson(split('chromium', 1)));
    const other = split('firefox', 2);
    other.site!.origin = 'https://staging.shop.test';
    writeFileSync(b, renderJson(other));
    expect(() => mergeCommand([a, b, '--reporter', 'json', '--out', join(dir, 'nope')], captureIo())).toThrow(/merge: .*b\.json tested another site than .*a\.json \(origin/);
  });
});
