// The reporter contract: every hook optional, outputs are data (the CLI writes files and prints).
import type { BrowserId, Report, ReportCell } from './model.ts';

export interface RunPlan {
  /** Number of cells the run will produce. */
  total: number;
  browsers?: readonly BrowserId[];
  shard?: { index: number; total: number } | null;
}

/** A file to write under `--out` (path relative to it), or text to print. */
export type ReporterOutput =
  | { path: string; content: string | Uint8Array }
  | { stdout: string };

export interface Reporter {
  readonly id: string;
  onBegin?(plan: RunPlan): void;
  onCell?(cell: ReportCell): void;
  onEnd?(report: Report): ReporterOutput[] | void;
}

export type ReporterHook = 'onBegin' | 'onCell' | 'onEnd';

export interface ReporterFailure {
  reporter: string;
  hook: ReporterHook;
  error: unknown;
}

export interface Multiplexer extends Reporter {
  /** Every error a reporter threw, in order; a broken reporter never stops the others. */
  readonly errors: readonly ReporterFailure[];
  onBegin(plan: RunPlan): void;
  onCell(cell: ReportCell): void;
  onEnd(report: Report): ReporterOutput[];
}

export function multiplex(
  reporters: readonly Reporter[],
  onError?: (failure: ReporterFailure) => void,
): Multiplexer {
  const errors: ReporterFailure[] = [];
  const fail = (reporter: Reporter, hook: ReporterHook, error: unknown): void => {
    const failure = { reporter: reporter.id, hook, error };
    errors.push(failure);
    try {
      onError?.(failure);
    } catch {
      // The error callback itself must not break the run either.
    }
  };
  return {
    id: 'multiplex',
    errors,
    onBegin(plan) {
      for (const reporter of reporters) {
        try {
          reporter.onBegin?.(plan);
        } catch (error) {
          fail(reporter, 'onBegin', error);
        }
      }
    },
    onCell(cell) {
      for (const reporter of reporters) {
        try {
          reporter.onCell?.(cell);
        } catch (error) {
          fail(reporter, 'onCell', error);
        }
      }
    },
    onEnd(report) {
      const outputs: ReporterOutput[] = [];
      for (const reporter of reporters) {
        try {
          const result = reporter.onEnd?.(report);
          if (result) outputs.push(...result);
        } catch (error) {
          fail(reporter, 'onEnd', error);
        }
      }
      return outputs;
    },
  };
}
