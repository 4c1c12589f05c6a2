// `npm run bench:replay`: how fast a recorded vendor's traffic loads and answers (issue [8]'s "a HAR
// of 5,000 entries loads and matches fast" — a figure, never a timed test). Prints parse, index and
// match times for HARs of 5,000 and 50,000 entries, medians of 5 rounds.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHar, replayRoutes } from '../../src/server/har.ts';
import { loadVendorFolder } from '../../src/vendorDir/load.ts';
import { Replay } from '../../src/server/replay.ts';
import type { ReplayRoute } from '../../src/server/routes.ts';

function har(n: number): string {
  const entries = Array.from({ length: n }, (_, i) => ({
    request: { method: i % 10 === 0 ? 'POST' : 'GET', url: `https://big.test/asset/${i}.js?v=${i}` },
    response: { status: 200, headers: [{ name: 'content-type', value: 'text/javascript' }], content: { size: 0, mimeType: 'text/javascript', text: `/* ${i} */` } },
  }));
  return JSON.stringify({ log: { version: '1.2', entries } });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

for (const n of [5_000, 50_000]) {
  const text = har(n);
  const parse: number[] = [];
  const index: number[] = [];
  const match: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    const parsed = parseHar(text);
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('; '));
    const t1 = performance.now();
    const replay = new Replay(replayRoutes(parsed)[0] as ReplayRoute);
    const t2 = performance.now();
    for (let i = 0; i < n; i++) {
      // Half by full URL, half with a query the recording never had (matched with the query dropped).
      const url = i % 2 ? `https://big.test/asset/${i}.js?v=${i}` : `https://big.test/asset/${i}.js?cache=${round}`;
      if (!replay.answer({ method: i % 10 === 0 ? 'POST' : 'GET', url, headers: {} })) throw new Error(`no answer for ${url}`);
    }
    const t3 = performance.now();
    parse.push(t1 - t0);
    index.push(t2 - t1);
    match.push(t3 - t2);
  }
  // The whole vendor folder as `--vendor-dir` loads it: vendor.json checked, the HAR read, features derived.
  const dir = mkdtempSync(join(tmpdir(), 'csph-bench-vendor-'));
  writeFileSync(join(dir, 'traffic.har'), text);
  writeFileSync(join(dir, 'vendor.json'), JSON.stringify({ id: 'big', title: 'Big', embed: '<script src="https://big.test/asset/1.js"></script>', traffic: ['traffic.har'] }));
  const folder: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    loadVendorFolder(dir);
    folder.push(performance.now() - t0);
  }
  const mb = (Buffer.byteLength(text) / 2 ** 20).toFixed(1);
  console.log(`HAR of ${n.toLocaleString('en')} entries (${mb} MiB): parse ${median(parse).toFixed(0)} ms, index ${median(index).toFixed(0)} ms, ${n.toLocaleString('en')} requests matched in ${median(match).toFixed(0)} ms (${((median(match) * 1000) / n).toFixed(1)} µs each)`);
  console.log(`  the vendor folder holding it (--vendor-dir: vendor.json checked, the HAR read from disk, features derived): ${median(folder).toFixed(0)} ms`);
}
