import { describe, expect, it } from 'vitest';
import { testReport } from './testReport.ts';
import { multiplex } from './types.ts';
import type { Reporter, ReporterFailure } from './types.ts';

describe('multiplex', () => {
  it('calls every reporter, collects outputs, and survives one that throws in every hook', () => {
    const seen: string[] = [];
    const broken: Reporter = {
      id: 'broken',
      onBegin: () => {
        throw new Error('begin');
      },
      onCell: () => {
        throw new Error('cell');
      },
      onEnd: () => {
        throw new Error('end');
      },
    };
    const good: Reporter = {
      id: 'good',
      onBegin: (plan) => seen.push(`begin ${plan.total}`),
      onCell: (cell) => seen.push(cell.id),
      onEnd: () => [{ stdout: 'done\n' }, { path: 'a.txt', content: 'a' }],
    };
    const silent: Reporter = { id: 'silent' };
    const failures: ReporterFailure[] = [];
    const all = multiplex([broken, good, silent], (failure) => failures.push(failure));
    const report = testReport();
    all.onBegin({ total: report.cells.length });
    all.onCell(report.cells[0] as (typeof report.cells)[number]);
    expect(all.onEnd(report)).toEqual([{ stdout: 'done\n' }, { path: 'a.txt', content: 'a' }]);
    expect(seen).toEqual(['begin 18', 'genesys/icons/region=us-east-1/chromium']);
    expect(failures.map((f) => `${f.reporter}.${f.hook}: ${(f.error as Error).message}`)).toEqual([
      'broken.onBegin: begin',
      'broken.onCell: cell',
      'broken.onEnd: end',
    ]);
    expect(all.errors).toEqual(failures);
  });

  it('does not let a throwing error callback escape', () => {
    const all = multiplex([{ id: 'x', onBegin: () => { throw new Error('x'); } }], () => {
      throw new Error('callback');
    });
    expect(() => all.onBegin({ total: 0 })).not.toThrow();
    expect(all.errors).toHaveLength(1);
  });
});
