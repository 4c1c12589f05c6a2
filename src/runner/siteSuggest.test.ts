import { describe, expect, it } from 'vitest';
import type { ReportCell } from '../reporters/model.ts';
import type { SiteExchange } from '../server/siteUpstream.ts';
import type { ReportViolation } from '../shared/vocabulary.ts';
import { applySiteNeed, decidingDirective, pageInlineOf, siteNeedFor, suggestForSite, withoutSources, type PageInline, type SiteRound } from './siteSuggest.ts';

const NONCE = "'nonce-{{nonce}}'";
const inline = (script: number[] | number, style: number[] | number = 0): PageInline => ({
  script: typeof script === 'number' ? { count: script, unnonced: [] } : { count: script.length + 1, unnonced: script },
  style: typeof style === 'number' ? { count: style, unnonced: [] } : { count: style.length + 1, unnonced: style },
});

describe('pageInlineOf: the inline elements of each page, from the harness own fetches', () => {
  const exchange = (url: string, by: 'harness' | 'browser', elements: SiteExchange['elements']) => ({ url, by, elements }) as SiteExchange;
  it.each([
    ['nonced script and style', [{ tag: 'script', url: null, nonce: 'abc', line: 1 }, { tag: 'style', url: null, nonce: 'abc', line: 2 }], { script: { count: 1, unnonced: [] }, style: { count: 1, unnonced: [] } }],
    ['a script without, an external one ignored', [{ tag: 'script', url: null, nonce: null, line: 3 }, { tag: 'script', url: '/app.js', nonce: null, line: 4 }], { script: { count: 1, unnonced: [3] }, style: { count: 0, unnonced: [] } }],
    ['an empty nonce counts as none', [{ tag: 'style', url: null, nonce: '', line: 7 }], { script: { count: 0, unnonced: [] }, style: { count: 1, unnonced: [7] } }],
  ] as const)('%s', (_name, elements, expected) => {
    const pages = pageInlineOf([exchange('https://www.shop.test/x?q=1', 'harness', [...elements]), exchange('https://www.shop.test/y', 'browser', [...elements])], 'https://www.shop.test');
    expect([...pages.keys()]).toEqual(['/x?q=1']);
    expect(pages.get('/x?q=1')).toEqual(expected);
  });
});

describe('decidingDirective and withoutSources: the text as written', () => {
  it.each([
    ["default-src 'self'", 'script-src-elem', { name: 'default-src', values: ["'self'"] }],
    ["default-src 'self'; script-src 'nonce-x' 'self'", 'script-src-attr', { name: 'script-src', values: ["'nonce-x'", "'self'"] }],
    ["img-src 'self'", 'script-src-elem', null],
  ] as const)('%s decides %s', (policy, effective, expected) => {
    expect(decidingDirective(policy, effective)).toEqual(expected);
  });
  it.each([
    ["default-src 'self'; script-src 'self' 'nonce-{{nonce}}' https://a.test", 'script-src', [NONCE], "default-src 'self'; script-src 'self' https://a.test"],
    ["default-src 'self';  script-src  'NONCE-{{nonce}}'  'self' ;", 'script-src', [NONCE], "default-src 'self';  script-src  'self' ;"],
    ["script-src 'self'", 'style-src', [NONCE], "script-src 'self'"],
  ] as const)('%s without %s %s', (policy, directive, drop, expected) => {
    expect(withoutSources(policy, directive, drop)).toBe(expected);
  });
});

describe('siteNeedFor: the nonce where the page carries it, else suggest need', () => {
  const blocked = (effectiveDirective: string, blockedURI = 'inline') => ({ effectiveDirective, blockedURI });
  it.each([
    ['all inline scripts nonced: the nonce', blocked('script-src-elem'), inline(2), "default-src 'self'", { effectiveDirective: 'script-src-elem', source: NONCE }],
    ['a script without: unsafe-inline', blocked('script-src-elem'), inline([1]), "default-src 'self'", { effectiveDirective: 'script-src-elem', source: "'unsafe-inline'" }],
    ['styles nonced, Firefox names style-src', blocked('style-src'), inline(0, 1), "default-src 'self'", { effectiveDirective: 'style-src-elem', source: NONCE }],
    ['no inline style in the HTML (a script added it): unsafe-inline', blocked('style-src-elem'), inline(1, 0), "default-src 'self'", { effectiveDirective: 'style-src-elem', source: "'unsafe-inline'" }],
    ['the nonce already there, still blocked: unsafe-inline', blocked('script-src-elem'), inline(1), `default-src 'self'; script-src 'self' ${NONCE}`, { effectiveDirective: 'script-src-elem', source: "'unsafe-inline'" }],
    ['an attribute: never a nonce', blocked('script-src-attr'), inline(1), "default-src 'self'", { effectiveDirective: 'script-src-attr', source: "'unsafe-inline'" }],
    ['a URL: its origin', blocked('frame-src', 'https://apps.mypurecloud.com/x'), inline(1), "default-src 'self'", { effectiveDirective: 'frame-src', source: 'https://apps.mypurecloud.com' }],
    ['no HTML read: unsafe-inline', blocked('script-src-elem'), undefined, "default-src 'self'", { effectiveDirective: 'script-src-elem', source: "'unsafe-inline'" }],
  ] as const)('%s', (_name, violation, page, policy, expected) => {
    expect(siteNeedFor(violation, page, policy)).toEqual(expected);
  });
});

describe('applySiteNeed: what a need writes, takes out or refuses', () => {
  const unsafe = (effectiveDirective: string) => ({ effectiveDirective, source: "'unsafe-inline'" });
  const nonce = (effectiveDirective: string) => ({ effectiveDirective, source: NONCE });
  const ours = [{ directive: 'style-src', source: NONCE }];
  it.each([
    ['a nonce: a new style-src from default-src', "default-src 'self'", nonce('style-src-elem'), [], "default-src 'self'; style-src 'self' 'nonce-{{nonce}}'", [], null],
    ['unsafe-inline takes out the nonce suggest added', `default-src 'self'; style-src 'self' ${NONCE}`, unsafe('style-src-elem'), ours, "default-src 'self'; style-src 'self' 'unsafe-inline'", [`style-src ${NONCE}`], null],
    ["the user's nonce stays: refused", `default-src 'self'; style-src 'self' ${NONCE}`, unsafe('style-src-elem'), [], `default-src 'self'; style-src 'self' ${NONCE}`, [], "browsers ignore 'unsafe-inline' beside 'nonce-{{nonce}}' in style-src (your policy's)"],
    ['an attribute: its own -attr directive', `default-src 'self'; script-src 'self' ${NONCE}`, unsafe('script-src-attr'), [], `default-src 'self'; script-src 'self' ${NONCE}; script-src-attr 'unsafe-inline'`, [], null],
    ['a nonce beside unsafe-inline: nothing (it would turn it off)', "default-src 'self'; script-src 'self' 'unsafe-inline'", nonce('script-src-elem'), [], "default-src 'self'; script-src 'self' 'unsafe-inline'", [], null],
    ['each policy of a comma list', "default-src 'self', script-src https://a.test", unsafe('script-src-elem'), [], "default-src 'self'; script-src 'self' 'unsafe-inline', script-src https://a.test 'unsafe-inline'", [], null],
  ] as const)('%s', (_name, text, need, owned, expected, removed, refused) => {
    const edit = applySiteNeed(text, need, owned);
    expect(edit.text).toBe(expected);
    expect(edit.removed.map((r) => `${r.directive} ${r.source}`)).toEqual(removed);
    expect(edit.refused).toBe(refused);
  });
});

// The loop, with a fake site: each page says which violations it shows under a policy.
type Page = (policy: string) => ReportViolation[];
const v = (effectiveDirective: string, blockedURI: string): ReportViolation => ({ disposition: 'enforce', effectiveDirective, blockedURI, kind: blockedURI === 'inline' ? 'inline' : 'url', signals: ['event'] });
const cellOf = (page: string, violations: ReportViolation[], status?: ReportCell['status'], errorCode?: string): ReportCell =>
  ({ id: `site:${page}/chromium`, vendor: 'site', feature: page, page, browser: 'chromium', status: status ?? (violations.length > 0 ? 'fail' : 'pass'), violations, probe: { ok: true, detail: '' }, ...(errorCode ? { errorCode, error: 'the site answered 500' } : {}) }) as ReportCell;

function fakeSite(pages: Record<string, Page | 'error'>, inlines: Record<string, PageInline>) {
  const loads: (readonly string[] | null)[] = [];
  const load = async (policy: string, asked: readonly string[] | null): Promise<SiteRound> => {
    loads.push(asked);
    const list = asked ?? Object.keys(pages);
    const cells = list.map((p) => (pages[p] === 'error' ? cellOf(p, [], 'error', 'CSPH_SITE_STATUS') : cellOf(p, (pages[p] as Page)(policy))));
    return { cells, pages: [...list], inline: new Map(Object.entries(inlines).filter(([p]) => list.includes(p))), interrupted: false };
  };
  return { load, loads };
}

describe('suggestForSite: the loop', () => {
  const has = (policy: string, directive: string, source: string) => policy.split(';').some((d) => d.trim().startsWith(`${directive} `) && d.includes(source));
  it("the nonce for a nonced page, then 'unsafe-inline' in its place when a vendor's inline style needs it: every page again", async () => {
    const site = fakeSite(
      {
        '/': (p) => [...(has(p, 'script-src', NONCE) || has(p, 'script-src', "'unsafe-inline'") ? [] : [v('script-src-elem', 'inline')]), ...(has(p, 'style-src', NONCE) || has(p, 'style-src', "'unsafe-inline'") ? [] : [v('style-src-elem', 'inline')])],
        '/chat': (p) => (has(p, 'script-src', 'https://chat.test') ? (has(p, 'style-src', "'unsafe-inline'") && !has(p, 'style-src', NONCE) ? [] : [v('style-src-elem', 'inline')]) : [v('script-src-elem', 'https://chat.test/loader.js')]),
        '/error': 'error',
      },
      { '/': inline(1, 1), '/chat': inline(0, 0) },
    );
    const outcome = await suggestForSite({ base: "default-src 'self'", maxRounds: 10, load: site.load });
    expect(outcome.policy).toBe("default-src 'self'; script-src 'self' 'nonce-{{nonce}}' https://chat.test; style-src 'self' 'unsafe-inline'");
    expect(outcome.steps.map((s) => [s.round, s.added, s.removed])).toEqual([
      [0, undefined, undefined],
      [1, [`script-src ${NONCE}`, `style-src ${NONCE}`, 'script-src https://chat.test'], undefined],
      [2, ["style-src 'unsafe-inline'"], [`style-src ${NONCE}`]],
    ]);
    // Crawled once; the failing pages, then every page after a source was taken out; the site's own error never again.
    expect(site.loads).toEqual([null, ['/', '/chat'], ['/', '/chat', '/error']]);
    expect(outcome.additions.map((a) => `${a.directive} ${a.source} ← ${a.cells.join(' ')}`)).toEqual([
      `script-src ${NONCE} ← site://chromium`,
      'script-src https://chat.test ← site:/chat/chromium',
      "style-src 'unsafe-inline' ← site:/chat/chromium",
    ]);
    expect(outcome.remaining).toEqual([{ id: 'site:/error/chromium', status: 'error', reason: 'error CSPH_SITE_STATUS: the site answered 500; no policy change addresses that' }]);
  });

  it.each([
    ["the user's nonce: refused, named with the line", `script-src 'self' ${NONCE}`, 10, "script-src-elem blocked inline: browsers ignore 'unsafe-inline' beside 'nonce-{{nonce}}' in script-src (your policy's); put the site's nonce on the page's inline code (the inline <script> at line 4 has none)", 0],
    ['a round cap', "default-src 'self'", 1, 'img-src blocked https://b.test/x.png: still blocked after 1 round', 1],
  ] as const)('%s', async (_name, base, maxRounds, reason, rounds) => {
    const site = fakeSite({ '/p': (p) => [...(p.includes('https://a.test') ? [v('img-src', 'https://b.test/x.png')] : [v('img-src', 'https://a.test/x.png')]), ...(p.includes(NONCE) ? [v('script-src-elem', 'inline')] : [])] }, { '/p': inline([4]) });
    const outcome = await suggestForSite({ base, maxRounds, load: site.load });
    expect(outcome.rounds).toBe(rounds);
    expect(outcome.remaining[0]?.reason).toContain(reason);
  });
});
