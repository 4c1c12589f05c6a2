// `csp-harness merge`: the report.json files of `--shard i/n` jobs → the report of one run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_REPORTERS, REPORTER_IDS, createReporters } from '../reporters/index.ts';
import { parseReport } from '../reporters/json.ts';
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
  const ids = listOption(args, 'reporter').flatMap((r) => r.split(',')).filter((r) => r !== '');
  const reporterIds = (ids.length > 0 ? ids : DEFAULT_REPORTERS).map((r) => oneOf('merge', 'reporter', r, REPORTER_IDS));
  const outDir = resolve(stringOption(args, 'out') ?? 'csp-report');
  const reporters = multiplex(createReporters(reporterIds, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }), (f) => io.err(`csp-harness: reporter ${f.reporter} failed: ${String(f.error)}`));
  for (const output of reporters.onEnd(merged.report)) {
    if ('stdout' in output) io.out(output.stdout);
    else {
      const path = join(outDir, output.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, output.content);
    }
  }
  io.err(`csp-harness: merged ${reports.length} reports (${merged.report.cells.length} cells) into ${outDir}`);
  return failsRun(merged.report.cells) ? EXIT_FAIL : EXIT_OK;
}
