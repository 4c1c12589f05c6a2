import { describe, expect, it } from 'vitest';
import type { ReportCell } from '../reporters/model.ts';
import type { AttributedAddition } from '../runner/fixLoop.ts';
import type { PageInline } from '../runner/siteSuggest.ts';
import { parseCommandArgs, type Parsed } from './args.ts';
import { UsageError } from './errors.ts';
import { selectionOptions } from './runOptions.ts';
import { SITE_OPTIONS } from './site.ts';
import { inlineNotes, SITE_BASE, siteCandidateArgs } from './suggestSite.ts';

const parse = (argv: string[]): Parsed =>
  parseCommandArgs('suggest', argv, { ...selectionOptions([]), ...SITE_OPTIONS, from: { type: 'string' }, 'from-file': { type: 'string' }, style: { type: 'string' }, json: { type: 'boolean' } }, true);
const SITE = ['--site', 'http://127.0.0.1:3000'];

describe('siteCandidateArgs: the candidate', () => {
  it.each([
    ['no --from: the site base', [], { policy: [SITE_BASE] }],
    ['--from: the user text', ['--from', "default-src 'none'"], { policy: ["default-src 'none'"] }],
    ['--from-file: as --policy-file', ['--from-file', 'csp.txt'], { 'policy-file': ['csp.txt'] }],
    ['--style allowlist and --delivery header are the default', ['--style', 'allowlist', '--delivery', 'header'], { policy: [SITE_BASE] }],
  ])('%s', (_name, argv, expected) => {
    const args = siteCandidateArgs(parse([...SITE, ...argv]));
    expect({ policy: args.values.policy, 'policy-file': args.values['policy-file'] }).toEqual({ policy: undefined, 'policy-file': undefined, ...expected });
    expect(args.values.site).toBe('http://127.0.0.1:3000');
  });
});

describe('siteCandidateArgs: what makes no sense with --site (exit 2)', () => {
  it.each([
    ['--vendor', ['--vendor', 'genesys'], 'CSPH_BAD_SITE', /--vendor chooses fixture pages of the vendor matrix; with --site your pages decide/],
    ['--feature', ['--feature', 'icons'], 'CSPH_BAD_SITE', /Drop --feature \(or drop --site/],
    ['--param', ['--param', 'embed=self'], 'CSPH_BAD_SITE', /--param chooses fixture pages/],
    ['scenario files', ['scenarios'], 'CSPH_BAD_SITE', /scenario files \(scenarios\) run fixture pages/],
    ["run's --policy", ['--policy', "default-src 'self'"], 'CSPH_BAD_ARGS', /--policy is run's; give suggest your policy with --from/],
    ['report-only', ['--delivery', 'report-only'], 'CSPH_BAD_ARGS', /--delivery is not for suggest/],
    ['--from and --from-file', ['--from', 'a', '--from-file', 'b'], 'CSPH_BAD_ARGS', /give --from or --from-file, not both/],
    ['strict style', ['--style', 'strict'], 'CSPH_SUGGEST_STRICT', /--style strict is not built for --site yet/],
    ['unknown style', ['--style', 'loose'], 'CSPH_BAD_VALUE', /"loose" is not one of: allowlist, strict/],
  ])('%s', (_name, argv, code, message) => {
    let error: unknown = null;
    try {
      siteCandidateArgs(parse([...SITE, ...argv]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe(code);
    expect((error as UsageError).message).toMatch(message);
  });
});

describe('inlineNotes: what each page inline code asked for', () => {
  const add = (directive: string, source: string, cells: string[]): AttributedAddition => ({ entry: 0, policy: 0, directive, source, created: true, round: 1, cells });
  const cell = (id: string, page: string) => ({ id, page }) as ReportCell;
  const cells = [cell('site://chromium', '/'), cell('site://firefox', '/'), cell('site:/m/chromium', '/m'), cell('site:/v/chromium', '/v'), cell('site:/v/genesys/styles/chromium', '/v')];
  const inline = new Map<string, PageInline>([
    ['/', { script: { count: 1, unnonced: [] }, style: { count: 0, unnonced: [] } }],
    ['/m', { script: { count: 2, unnonced: [3, 9] }, style: { count: 0, unnonced: [] } }],
    ['/v', { script: { count: 0, unnonced: [] }, style: { count: 0, unnonced: [] } }],
  ]);
  it.each([
    ['the nonce, once per page', [add('script-src', "'nonce-{{nonce}}'", ['site://chromium', 'site://firefox'])], ["/: every inline <script> carries the site's nonce: script-src 'nonce-{{nonce}}' (your server fills in its fresh nonce)"]],
    ['unsafe-inline with the lines', [add('script-src', "'unsafe-inline'", ['site:/m/chromium'])], ["/m: the inline <script> at lines 3, 9 have no nonce, so script-src needs 'unsafe-inline'; with the site's nonce on them, 'nonce-{{nonce}}' would do"]],
    ["a vendor's injected style, by its page", [add('style-src', "'unsafe-inline'", ['site:/v/chromium', 'site:/v/genesys/styles/chromium'])], ["/v: inline <style> code that is not in the page's HTML (a script added it) needs style-src 'unsafe-inline'"]],
    ['an event handler attribute', [add('script-src-attr', "'unsafe-inline'", ['site:/m/chromium'])], ["/m: an inline event handler attribute needs script-src-attr 'unsafe-inline'; an addEventListener call in a nonced script would not"]],
    ['a host: nothing', [add('frame-src', 'https://apps.mypurecloud.com', ['site:/v/chromium'])], []],
  ])('%s', (_name, additions, expected) => {
    expect(inlineNotes({ additions, inline, cells })).toEqual(expected);
  });
});
