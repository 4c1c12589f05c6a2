// Progress on stderr: one updating line on a terminal, plain lines in CI or when piped; both with the
// rate so far (cells/s) and an estimate of the time left.
import type { ReportCell } from '../reporters/model.ts';
import type { Io } from './io.ts';

/** `42 s`, `3m 05s`, `1h 02m`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `0.52 cells/s · ETA 4m 10s` after `done` of `total` cells in `elapsedMs`; nothing before the first. */
export function pace(done: number, total: number, elapsedMs: number): string {
  if (done === 0 || elapsedMs <= 0) return '';
  const rate = done / (elapsedMs / 1000);
  const left = total - done;
  return `${rate.toFixed(2)} cells/s · ${left === 0 ? `done in ${duration(elapsedMs)}` : `ETA ${duration((left / rate) * 1000)}`}`;
}

export class Progress {
  private done_ = 0;
  private failing = 0;
  private lastPercent = -1;
  private readonly started: number;

  constructor(
    private readonly io: Io,
    private readonly total: number,
    private readonly tty: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  cell(cell: ReportCell): void {
    this.done_ += 1;
    const bad = cell.outcome === 'unexpected' || (cell.outcome === null && (cell.status === 'fail' || cell.status === 'error'));
    if (bad) this.failing += 1;
    const counter = `[${String(this.done_).padStart(String(this.total).length)}/${this.total}]`;
    const speed = pace(this.done_, this.total, this.now() - this.started);
    if (this.tty) {
      process.stderr.write(`\r\x1b[K${counter} ${this.failing} failing · ${speed} · ${cell.id}`);
      return;
    }
    if (bad) {
      const why = cell.error ?? (cell.violations.filter((v) => v.disposition === 'enforce').map((v) => `${v.effectiveDirective} ${v.blockedURI}`).join(', ') || cell.probe?.detail || '');
      this.io.err(`${counter} ${cell.status}${cell.outcome === 'unexpected' ? ' (unexpected)' : ''} ${cell.id}: ${why}`);
      return;
    }
    const percent = Math.floor((this.done_ * 10) / this.total);
    if (percent !== this.lastPercent) {
      this.lastPercent = percent;
      this.io.err(`${counter} ${this.failing} failing so far · ${speed}`);
    }
  }

  done(): void {
    if (this.tty && this.done_ > 0) process.stderr.write('\r\x1b[K');
  }
}
