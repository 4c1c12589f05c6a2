import { describe, expect, it } from 'vitest';
import type { ReportCell } from '../reporters/model.ts';
import { captureIo } from './io.ts';
import { duration, pace, Progress } from './progress.ts';

describe('duration', () => {
  it.each([
    [0, '0 s'],
    [41_600, '42 s'],
    [185_000, '3m 05s'],
    [3_725_000, '1h 02m'],
  ])('%d ms → %s', (ms, text) => {
    expect(duration(ms)).toBe(text);
  });
});

describe('pace', () => {
  it.each([
    [0, 10, 5000, ''],
    [1, 10, 2000, '0.50 cells/s · ETA 18 s'],
    [66, 663, 120_000, '0.55 cells/s · ETA 18m 05s'],
    [10, 10, 4000, '2.50 cells/s · done in 4 s'],
  ])('%d of %d in %d ms → %s', (done, total, ms, text) => {
    expect(pace(done, total, ms)).toBe(text);
  });
});

describe('Progress in CI (plain lines)', () => {
  const cell = (status: ReportCell['status']): ReportCell =>
    ({ id: `c-${status}`, status, outcome: null, violations: [], probe: { ok: status === 'pass', detail: 'probe detail' }, error: null }) as unknown as ReportCell;

  it('prints every tenth with the rate and the time left, and every failing cell with its reason', () => {
    const io = captureIo();
    let t = 0;
    const progress = new Progress(io, 20, false, () => t);
    for (let i = 0; i < 20; i++) {
      t += 500;
      progress.cell(cell(i === 4 ? 'fail' : 'pass'));
    }
    expect(io.stderr[0]).toBe('[ 1/20] 0 failing so far · 2.00 cells/s · ETA 10 s');
    expect(io.stderr).toContain('[ 5/20] fail c-fail: probe detail');
    expect(io.stderr.at(-1)).toBe('[20/20] 1 failing so far · 2.00 cells/s · done in 10 s');
    // Eleven progress lines (the first cell, then each tenth) and the failing cell's.
    expect(io.stderr).toHaveLength(12);
  });
});
