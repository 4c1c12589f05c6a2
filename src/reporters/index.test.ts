import { describe, expect, it } from 'vitest';
import { createReporters, DEFAULT_REPORTERS, isReporterId, multiplex, REPORTER_IDS, REPORTERS } from './index.ts';
import { siteReport, testReport } from './testReport.ts';

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

  it('all together draw a site run too, each naming a finding and the pages', () => {
    const all = multiplex(createReporters(REPORTER_IDS, { color: false }));
    const outputs = all.onEnd(siteReport());
    expect(all.errors).toEqual([]);
    const text = (id: string) => outputs.map((o) => ('path' in o ? [o.path, o.content] : ['stdout', o.stdout])).find(([path]) => path === id)?.[1] ?? '';
    for (const id of ['stdout', 'report.md', 'report.html']) {
      expect(text(id), id).toContain('the nonce is the same on every load: generate one per response');
      expect(text(id), id).toContain('/vendor · genesys · messenger');
    }
    expect(text('junit.xml')).toContain('name="site /vendor genesys messenger [firefox]"');
    expect(text('report.json')).toContain('"findings": [');
  });
});
