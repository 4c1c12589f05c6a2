// Table-driven tests of the --site options of `run` (and `serve`): what they give, and the usage
// errors (CSPH_BAD_SITE, exit 2) that name what was wrong.
import { describe, expect, it } from 'vitest';
import { parseCommandArgs, type Parsed } from './args.ts';
import { EXIT_USAGE, UsageError } from './errors.ts';
import { refuseWithSite, SITE_OPTIONS, siteArgs, type SiteArgs } from './site.ts';

/** `run`'s parse of argv, with the options --site is checked against. */
function parse(argv: string[]): Parsed {
  return parseCommandArgs('run', argv, { ...SITE_OPTIONS, shard: { type: 'string' }, browser: { type: 'string', multiple: true } }, true);
}

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError, got none');
}

describe('siteArgs: good input', () => {
  it.each([
    { name: 'no --site: null', argv: [], expected: null },
    { name: 'no --site, other options: null', argv: ['--browser', 'chromium', 'a.yaml'], expected: null },
    { name: '--site alone: page /', argv: ['--site', 'http://localhost:3000'], expected: { siteUrl: 'http://localhost:3000', pages: ['/'], crawl: 0 } },
    { name: '--site with a trailing slash: page /', argv: ['--site', 'http://localhost:3000/'], expected: { siteUrl: 'http://localhost:3000', pages: ['/'], crawl: 0 } },
    { name: 'https, with --site=…', argv: ['--site=https://dev.shop.test'], expected: { siteUrl: 'https://dev.shop.test', pages: ['/'], crawl: 0 } },
    { name: 'the URL is normalized to its origin', argv: ['--site', 'HTTP://LocalHost:80'], expected: { siteUrl: 'http://localhost', pages: ['/'], crawl: 0 } },
    { name: 'an IPv6 host', argv: ['--site', 'http://[::1]:8080'], expected: { siteUrl: 'http://[::1]:8080', pages: ['/'], crawl: 0 } },
    { name: 'a path and query on --site: the first page', argv: ['--site', 'http://h:3000/shop?x=1'], expected: { siteUrl: 'http://h:3000', pages: ['/shop?x=1'], crawl: 0 } },
    { name: 'a query on the root', argv: ['--site', 'http://h:3000/?lang=de'], expected: { siteUrl: 'http://h:3000', pages: ['/?lang=de'], crawl: 0 } },
    { name: 'a fragment on --site is not a page', argv: ['--site', 'http://h:3000/#top'], expected: { siteUrl: 'http://h:3000', pages: ['/'], crawl: 0 } },
    { name: '--page wins over the path of --site', argv: ['--site', 'http://h:3000/shop', '--page', '/cart'], expected: { siteUrl: 'http://h:3000', pages: ['/cart'], crawl: 0 } },
    {
      name: 'pages in order, duplicates once',
      argv: ['--site', 'http://h:3000', '--page', '/b', '--page', '/a', '--page', '/b', '--page', '/search?q=x'],
      expected: { siteUrl: 'http://h:3000', pages: ['/b', '/a', '/search?q=x'], crawl: 0 },
    },
    { name: '--crawl 1', argv: ['--site', 'http://h:3000', '--crawl', '1'], expected: { siteUrl: 'http://h:3000', pages: ['/'], crawl: 1 } },
    { name: '--crawl 25', argv: ['--site', 'http://h:3000', '--crawl=25'], expected: { siteUrl: 'http://h:3000', pages: ['/'], crawl: 25 } },
  ])('$name', ({ argv, expected }) => {
    expect(siteArgs('run', parse(argv))).toEqual(expected as SiteArgs | null);
  });
});

describe('siteArgs: usage errors', () => {
  it.each([
    { name: '--page without --site', argv: ['--page', '/x'], named: '--site' },
    { name: '--crawl without --site', argv: ['--crawl', '3'], named: '--site' },
    { name: 'not a URL', argv: ['--site', 'localhost:3000'], named: '"localhost:3000"' },
    { name: 'a bare host name', argv: ['--site', 'shop'], named: '"shop"' },
    { name: 'ftp:', argv: ['--site', 'ftp://h/'], named: '"ftp://h/"' },
    { name: 'file:', argv: ['--site', 'file:///srv/www'], named: '"file:///srv/www"' },
    { name: 'an empty --site', argv: ['--site', ''], named: '""' },
    { name: 'credentials (user and password)', argv: ['--site', 'http://u:p@h:3000'], named: 'user name or password' },
    { name: 'credentials (user only)', argv: ['--site', 'http://u@h:3000'], named: 'user name or password' },
    { name: 'a page not starting with /', argv: ['--site', 'http://h:3000', '--page', 'checkout'], named: '"checkout"' },
    { name: 'a page that is a full URL', argv: ['--site', 'http://h:3000', '--page', 'http://h:3000/x'], named: '"http://h:3000/x"' },
    { name: 'a protocol-relative page (//evil)', argv: ['--site', 'http://h:3000', '--page', '//evil.test/x'], named: '"//evil.test/x"' },
    { name: 'a page with a fragment', argv: ['--site', 'http://h:3000', '--page', '/a#b'], named: '"/a#b"' },
    { name: 'a page with a space', argv: ['--site', 'http://h:3000', '--page', '/a b'], named: '"/a b"' },
    { name: 'a bad page after a good one', argv: ['--site', 'http://h:3000', '--page', '/ok', '--page', 'bad'], named: '"bad"' },
    { name: 'an empty page', argv: ['--site', 'http://h:3000', '--page', ''], named: '""' },
    { name: 'crawl 0', argv: ['--site', 'http://h:3000', '--crawl', '0'], named: '"0"' },
    { name: 'crawl -1', argv: ['--site', 'http://h:3000', '--crawl=-1'], named: '"-1"' },
    { name: 'crawl 1.5', argv: ['--site', 'http://h:3000', '--crawl', '1.5'], named: '"1.5"' },
    { name: 'crawl x', argv: ['--site', 'http://h:3000', '--crawl', 'x'], named: '"x"' },
    { name: 'crawl empty', argv: ['--site', 'http://h:3000', '--crawl='], named: '""' },
    { name: 'crawl Infinity', argv: ['--site', 'http://h:3000', '--crawl', 'Infinity'], named: '"Infinity"' },
  ])('$name', ({ argv, named }) => {
    const error = usageError(() => siteArgs('run', parse(argv)));
    expect(error.code).toBe('CSPH_BAD_SITE');
    expect(error.exitCode).toBe(EXIT_USAGE);
    expect(error.message).toMatch(/^run: /);
    expect(error.message).toContain(named);
  });

  it('names the command it was given', () => {
    expect(usageError(() => siteArgs('serve', parse(['--page', '/x']))).message).toMatch(/^serve: /);
  });
});

describe('refuseWithSite', () => {
  it.each([
    { name: 'nothing else: fine', argv: ['--site', 'http://h:3000'] },
    { name: 'other options: fine', argv: ['--site', 'http://h:3000', '--browser', 'firefox', '--page', '/a'] },
  ])('$name', ({ argv }) => {
    expect(() => refuseWithSite('run', parse(argv))).not.toThrow();
  });

  it.each([
    { name: 'a scenario file', argv: ['--site', 'http://h:3000', 'checkout.yaml'], named: 'checkout.yaml' },
    { name: 'two scenario files', argv: ['a.yaml', '--site', 'http://h:3000', 'b.yaml'], named: 'a.yaml b.yaml' },
    { name: '--shard', argv: ['--site', 'http://h:3000', '--shard', '1/2'], named: '--shard' },
  ])('$name: CSPH_BAD_SITE', ({ argv, named }) => {
    const error = usageError(() => refuseWithSite('run', parse(argv)));
    expect(error.code).toBe('CSPH_BAD_SITE');
    expect(error.exitCode).toBe(EXIT_USAGE);
    expect(error.message).toMatch(/^run: /);
    expect(error.message).toContain(named);
  });
});
