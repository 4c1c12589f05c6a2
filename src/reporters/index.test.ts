import { describe, expect, it } from 'vitest';
import { createReporters, DEFAULT_REPORTERS, isReporterId, multiplex, REPORTER_IDS, REPORTERS } from './index.ts';
import { testReport } from './testReport.ts';

describe('REPORTERS', () => {
  it('has one factory per id, each reporter naming itself', () => {
    expect([...REPORTER_IDS]).toEqual(['terminal', 'json', 'junit', 'markdown', 'html']);
    for (const id of REPORTER_IDS) expect(REPORTERS[id]({}).id).toBe(id);
    expect(DEFAULT_REPORTERS.every(isReporterId)).toBe(true);
    expect(isReporterId('xml')).toBe(false);
  });

  it('all together write one file each and print the matrix', () => {
    const all = multiplex(createReporters(REPORTER_IDS, { color: false }));
    const outputs = all.onEnd(testReport());
    expect(all.errors).toEqual([]);
    expect(outputs.map((o) => ('path' in o ? o.path : 'stdout'))).toEqual(['stdout', 'report.json', 'junit.xml', 'report.md', 'report.html']);
  });
});
