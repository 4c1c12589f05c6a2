// The quick parts of `npm run reliability` (scripts/reliability/): a burst of 1000 reports, and Ctrl-C
// mid-run on a small selection — every planned cell reported, exit 130, no browser left behind.
import { describe, expect, it } from 'vitest';
import { interruptRun, reportBurst } from '../scripts/reliability/common.ts';

describe('reliability', () => {
  it('stores all of 1000 reports posted 50 at a time, and still answers a page', async () => {
    const b = await reportBurst(1000, 50);
    expect(b).toMatchObject({ accepted: 1000, stored: 1000, parsed: 1000, distinct: 1000, pageAfter: 200 });
  }, 60_000);

  it('Ctrl-C mid-run: exit 130, every planned cell in report.json, unstarted ones skipped, no process left', async () => {
    const r = await interruptRun(['--vendor', 'genesys', '--feature', 'icons,api', '--browser', 'chromium,webkit', '--policy', "img-src 'self'", '--concurrency', '1'], 1);
    expect(r.sentAfter).toBeGreaterThanOrEqual(1);
    expect(r.code).toBe(130);
    expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
    expect(r.skipped).toBeGreaterThanOrEqual(1);
    expect(r.skippedNotInterrupted).toEqual([]);
    expect(r.leftovers.map((p) => `${p.name}[${p.pid}]`)).toEqual([]);
  }, 60_000);
});
