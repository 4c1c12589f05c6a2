// The reporters by id, for `--reporter`.
import { htmlReporter } from './html.ts';
import type { HtmlOptions } from './html.ts';
import { jsonReporter } from './json.ts';
import { junitReporter } from './junit.ts';
import { markdownReporter } from './markdown.ts';
import { terminalReporter } from './terminal.ts';
import type { TerminalOptions } from './terminal.ts';
import type { Reporter } from './types.ts';

export const REPORTER_IDS = ['terminal', 'json', 'junit', 'markdown', 'html'] as const;
export type ReporterId = (typeof REPORTER_IDS)[number];
export const DEFAULT_REPORTERS: readonly ReporterId[] = ['terminal', 'json', 'html'];

export type ReporterOptions = TerminalOptions & HtmlOptions;

export const REPORTERS: Readonly<Record<ReporterId, (options: ReporterOptions) => Reporter>> = {
  terminal: (options) => terminalReporter({ color: options.color }),
  json: () => jsonReporter(),
  junit: () => junitReporter(),
  markdown: () => markdownReporter(),
  html: (options) => htmlReporter({ screenshots: options.screenshots, title: options.title }),
};

export function isReporterId(id: string): id is ReporterId {
  return (REPORTER_IDS as readonly string[]).includes(id);
}

export function createReporters(ids: readonly ReporterId[], options: ReporterOptions = {}): Reporter[] {
  return ids.map((id) => REPORTERS[id](options));
}

export { multiplex } from './types.ts';
export type { Multiplexer, Reporter, ReporterFailure, ReporterOutput, RunPlan } from './types.ts';
export { parseReport, renderJson } from './json.ts';
export type { ParseReportResult } from './json.ts';
