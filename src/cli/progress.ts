// Progress on stderr: one updating line on a terminal, plain lines in CI or when piped.
import type { ReportCell } from '../reporters/model.ts';
import type { Io } from './io.ts';

export class Progress {
  private done_ = 0;
  private failing = 0;
  private lastPercent = -1;

  constructor(
    private readonly io: Io,
    private readonly total: number,
    private readonly tty: boolean,
  ) {}

  cell(cell: ReportCell): void {
    this.done_ += 1;
    const bad = cell.outcome === 'unexpected' || (cell.outcome === null && (cell.status === 'fail' || cell.status === 'error'));
    if (bad) this.failing += 1;
    const counter = `[${String(this.done_).padStart(String(this.total).length)}/${this.total}]`;
    if (this.tty) {
      process.stderr.write(`\r\x1b[K${counter} ${this.failing} failing · ${cell.id}`);
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
      this.io.err(`${counter} ${this.failing} failing so far`);
    }
  }

  done(): void {
    if (this.tty && this.done_ > 0) process.stderr.write('\r\x1b[K');
  }
}
