// `csp-harness merge`: the report.json files of `--shard i/n` jobs → the report of one run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_REPORTERS, REPORTER_IDS, createReporters } from '../reporters/index.ts';
import { parseReport } from '../reporters/json.ts';
import { BROWSERS } from '../reporters/model.ts';
import type { Report, ReportFinding, ReportSite, ReportSitePage } from '../reporters/model.ts';
import { multiplex } from '../reporters/types.ts';
import { mergeReports } from '../runner/baseline.ts';
import { failsRun } from '../runner/expect.ts';
import { oneOf } from '../runner/config.ts';
import { flag, listOption, parseCommandArgs, stringOption } from './args.ts';
import { EXIT_FAIL, EXIT_OK, UsageError } from './errors.ts';
import { readUserFile } from './policyInput.ts';
import type { Io } from './io.ts';

export const MERGE_HELP = `Usage: csp-harness merge <report.json> <report.json> ... [--out <dir>] [--reporter <ids>]

Combines the reports of 'csp-harness run --shard i/n' jobs into one report, as if the matrix had
run in one job, and writes it with the chosen reporters (default terminal,json,html).
Screenshots are referenced relative to --out: copy the shards' screenshots/ folders there.
Exit codes: 0 merged and nothing failed, 1 a cell failed or was unexpected, 2 bad input.`;

export type SiteMergeResult = { ok: true; site?: ReportSite; findings?: ReportFinding[] } | { ok: false; error: string };

/**
 * `run --site` shards: one site (the same server, origin and policy choice), its pages merged by path
 * (statuses concatenated in shard order, requests summed), and the findings of every shard, each once
 * (by page, kind, host, directive and detail; the browsers that saw it joined). Fields no shard has
 * stay absent. Pure.
 */
export function mergeSite(reports: readonly { name: string; report: Pick<Report, 'site' | 'findings'> }[]): SiteMergeResult {
  const out: { site?: ReportSite; findings?: ReportFinding[] } = {};
  const sites = reports.flatMap(({ name, report }) => (report.site ? [{ name, site: report.site }] : []));
  const first = sites[0];
  if (first) {
    const pages = new Map<string, ReportSitePage>();
    let requests = 0;
    for (const { name, site } of sites) {
      for (const field of ['url', 'origin', 'policy'] as const) {
        if (site[field] !== first.site[field]) {
          return { ok: false, error: `${name} tested another site than ${first.name} (${field} ${site[field]}, not ${first.site[field]}): merge only shards of one run` };
        }
      }
      requests += site.requests;
      for (const page of site.pages) {
        const seen = pages.get(page.path);
        if (!seen) pages.set(page.path, { ...page, statuses: [...page.statuses] });
        else {
          seen.statuses.push(...page.statuses);
          seen.requests += page.requests;
          if (seen.redirectedTo === undefined && page.redirectedTo !== undefined) seen.redirectedTo = page.redirectedTo;
        }
      }
    }
    out.site = { ...first.site, requests, pages: [...pages.values()] };
  }
  if (reports.some(({ report }) => report.findings !== undefined)) {
    const findings = new Map<string, ReportFinding>();
    for (const { report } of reports) {
      for (const finding of report.findings ?? []) {
        const key = JSON.stringify([finding.page, finding.kind, finding.host ?? null, finding.directive ?? null, finding.detail]);
        const seen = findings.get(key);
        if (!seen) findings.set(key, { ...finding, ...(finding.browsers ? { browsers: [...finding.browsers] } : {}) });
        else if (finding.browsers) {
          const browsers = new Set([...(seen.browsers ?? []), ...finding.browsers]);
          seen.browsers = BROWSERS.filter((b) => browsers.has(b));
        }
      }
    }
    out.findings = [...findings.values()];
  }
  return { ok: true, ...out };
}

export function mergeCommand(argv: string[], io: Io): number {
  const args = parseCommandArgs('merge', argv, { out: { type: 'string' }, reporter: { type: 'string', multiple: true } }, true);
  if (flag(args, 'help')) {
    io.out(MERGE_HELP);
    return EXIT_OK;
  }
  if (args.positionals.length === 0) throw new UsageError('CSPH_NO_REPORTS', 'merge: give the report.json files of the shards, e.g. csp-harness merge shard-1/report.json shard-2/report.json.');
  const reports = args.positionals.map((path) => {
    const parsed = parseReport(readUserFile(path, 'merge'));
    if (!parsed.ok) throw new UsageError('CSPH_BAD_REPORT', `merge: ${path} is not a report.json: ${parsed.error}`);
    return { name: path, report: parsed.report };
  });
  const merged = mergeReports(reports);
  if (!merged.ok) throw new UsageError('CSPH_MERGE_CONFLICT', `merge: ${merged.error}`);
  // mergeReports combines the cells; a site run's site and findings are combined here.
  const site = mergeSite(reports);
  if (!site.ok) throw new UsageError('CSPH_MERGE_CONFLICT', `merge: ${site.error}`);
  const { run, ...rest } = merged.report;
  const report: Report = {
    ...rest,
    ...(site.site ? { site: site.site } : {}),
    ...(site.findings ? { findings: site.findings } : {}),
    // Last, where an unsharded run's report.json has it.
    ...(run ? { run } : {}),
  };
  const ids = listOption(args, 'reporter').flatMap((r) => r.split(',')).filter((r) => r !== '');
  const reporterIds = (ids.length > 0 ? ids : DEFAULT_REPORTERS).map((r) => oneOf('merge', 'reporter', r, REPORTER_IDS));
  const outDir = resolve(stringOption(args, 'out') ?? 'csp-report');
  const reporters = multiplex(createReporters(reporterIds, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }), (f) => io.err(`csp-harness: reporter ${f.reporter} failed: ${String(f.error)}`));
  for (const output of reporters.onEnd(report)) {
    if ('stdout' in output) io.out(output.stdout);
    else {
      const path = join(outDir, output.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, output.content);
    }
  }
  io.err(`csp-harness: merged ${reports.length} reports (${report.cells.length} cells) into ${outDir}`);
  // As run: a failing cell, or a finding of severity error (run --site), is exit 1.
  return failsRun(report.cells) || (report.findings ?? []).some((f) => f.severity === 'error') ? EXIT_FAIL : EXIT_OK;
}
