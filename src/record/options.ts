// `record`'s options as the user gave them → checked options, or a RecordError that names the flag,
// what was wrong with it and what to write instead.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BROWSERS, type BrowserId } from '../shared/vocabulary.ts';
import { RecordError } from './errors.ts';
import { parseResolve, type ResolveTarget } from './resolve.ts';

export const DEFAULT_WAIT_MS = 1500;
/** Longer than any reasonable wait for late requests; a typo (`--wait 150000000`) is refused. */
export const MAX_WAIT_MS = 10 * 60 * 1000;
export const TRAFFIC_FILE = 'traffic.har';
export const VENDOR_FILE = 'vendor.json';

export interface RecordFlags {
  embed?: string;
  id?: string;
  out?: string;
  title?: string;
  browser?: string;
  resolve?: readonly string[];
  wait?: string;
  keepSecrets?: boolean;
  upstreamCa?: readonly string[];
  force?: boolean;
}

export interface RecordOptions {
  embed: string;
  id: string;
  title: string;
  outDir: string;
  browser: BrowserId;
  resolve: Map<string, ResolveTarget>;
  waitMs: number;
  keepSecrets: boolean;
  upstreamCaPaths: string[];
  force: boolean;
}

const ID = /^[a-z0-9-]+$/;

/** Checks every flag before anything starts; the output folder's files are checked here too (nothing is lost). */
export function recordOptions(flags: RecordFlags): RecordOptions {
  const embed = flags.embed?.trim() ?? '';
  if (!embed) throw new RecordError('CSPH_RECORD_BAD_EMBED', `record: --embed is required: the HTML the site pastes into its <body>, e.g. --embed '<script src="https://widget.acme.com/loader.js" async></script>'.`);
  const id = flags.id ?? '';
  if (!ID.test(id)) throw new RecordError('CSPH_RECORD_BAD_ID', `record: --id ${id ? JSON.stringify(id) : 'is required and'} must be lower-case letters, digits and hyphens ([a-z0-9-]+), e.g. --id acme-chat.`);
  if (!flags.out) throw new RecordError('CSPH_RECORD_BAD_OUT', `record: --out <dir> is required: the vendor folder to write ${VENDOR_FILE} and ${TRAFFIC_FILE} into, e.g. --out vendors/${id}.`);
  const browser = (flags.browser ?? 'chromium') as BrowserId;
  if (!BROWSERS.includes(browser)) throw new RecordError('CSPH_RECORD_BAD_BROWSER', `record: --browser ${JSON.stringify(flags.browser)} is not one of ${BROWSERS.join(', ')}.`);
  let waitMs = DEFAULT_WAIT_MS;
  if (flags.wait !== undefined) {
    waitMs = /^\d+$/.test(flags.wait.trim()) ? Number(flags.wait.trim()) : Number.NaN;
    if (!Number.isSafeInteger(waitMs) || waitMs > MAX_WAIT_MS) throw new RecordError('CSPH_RECORD_BAD_WAIT', `record: --wait ${JSON.stringify(flags.wait)} must be a whole number of milliseconds from 0 to ${MAX_WAIT_MS}, e.g. --wait 3000.`);
  }
  const resolved = parseResolve(flags.resolve ?? []);
  if (!resolved.ok) throw new RecordError('CSPH_RECORD_BAD_RESOLVE', `record: ${resolved.problems.join('; ')}.`);
  const force = flags.force === true;
  if (!force) {
    for (const file of [VENDOR_FILE, TRAFFIC_FILE]) {
      const path = join(flags.out, file);
      if (existsSync(path)) throw new RecordError('CSPH_RECORD_EXISTS', `record: ${path} exists already; nothing was recorded. Add --force to overwrite it, or choose another --out.`);
    }
  }
  return {
    embed,
    id,
    title: flags.title?.trim() || id,
    outDir: flags.out,
    browser,
    resolve: resolved.targets,
    waitMs,
    keepSecrets: flags.keepSecrets === true,
    upstreamCaPaths: [...(flags.upstreamCa ?? [])],
    force,
  };
}
