// `run --site` and `serve --site`: the options that point the harness at the user's own running
// server, checked (exit 2 naming what was wrong).
import { listOption, stringOption, type OptionSpec, type Parsed } from './args.ts';
import { UsageError } from './errors.ts';

export const SITE_OPTIONS: OptionSpec = {
  site: { type: 'string' },
  page: { type: 'string', multiple: true },
  crawl: { type: 'string' },
};

export const SITE_HELP = `  --site <url>               test your own running server (http://localhost:3000) instead of fixture
                             pages: its real HTML, headers and nonces; see "Test your own site" in README.md
  --page <path>              a page of --site to load, repeatable (default /)
  --crawl <n>                follow same-origin links breadth first, up to n pages in all`;

export interface SiteArgs {
  siteUrl: string;
  pages: string[];
  crawl: number;
}

/** The --site options, or null when --site is not given (then --page and --crawl are mistakes). */
export function siteArgs(command: string, args: Parsed): SiteArgs | null {
  const site = stringOption(args, 'site');
  const pages = listOption(args, 'page');
  const crawlText = stringOption(args, 'crawl');
  if (site === undefined) {
    if (pages.length > 0 || crawlText !== undefined) throw new UsageError('CSPH_BAD_SITE', `${command}: --page and --crawl go with --site <url> (your running server).`);
    return null;
  }
  const url = URL.canParse(site) ? new URL(site) : null;
  if (!url || !/^https?:$/.test(url.protocol)) {
    throw new UsageError('CSPH_BAD_SITE', `${command}: --site expects the http(s) URL of your running server, such as http://localhost:3000; got "${site}".`);
  }
  if (url.username || url.password) throw new UsageError('CSPH_BAD_SITE', `${command}: --site must not carry a user name or password; got "${url.protocol}//…@${url.host}${url.pathname}".`);
  for (const page of pages) {
    if (!page.startsWith('/') || page.startsWith('//') || /[\s#]/.test(page)) {
      throw new UsageError('CSPH_BAD_SITE', `${command}: --page expects a path on the site starting with / (such as /checkout or /search?q=x); got "${page}".`);
    }
  }
  let crawl = 0;
  if (crawlText !== undefined) {
    crawl = Number(crawlText);
    if (!Number.isInteger(crawl) || crawl < 1) throw new UsageError('CSPH_BAD_SITE', `${command}: --crawl expects a whole number of pages from 1 up; got "${crawlText}".`);
  }
  // A --site with a path (http://localhost:3000/shop) starts there: that path is the first page.
  const start = url.pathname !== '/' || url.search ? [`${url.pathname}${url.search}`] : [];
  return { siteUrl: url.origin, pages: [...new Set(pages.length > 0 ? pages : start.length > 0 ? start : ['/'])], crawl };
}

/** Options that mean nothing with --site: scenario files plan fixture pages, shards split a plan. */
export function refuseWithSite(command: string, args: Parsed): void {
  if (args.positionals.length > 0) throw new UsageError('CSPH_BAD_SITE', `${command}: scenario files (${args.positionals.join(' ')}) run fixture pages; with --site the pages are your site's. Drop one or the other.`);
  if (stringOption(args, 'shard') !== undefined) throw new UsageError('CSPH_BAD_SITE', `${command}: --shard splits a planned matrix; a --site run discovers its pages as it goes. Split by --page instead.`);
}
