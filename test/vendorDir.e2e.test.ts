// A vendor folder (vendor.json + a HAR written by hand: test/fixtures/vendor-dirs/tiny-chat) replayed
// by the proxy in Chromium, Firefox and WebKit, judged from outside its code (proxy log, frame tree,
// DOM checks); and the folder's bad input, each exit 2 naming the file and the place.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import type { Report } from '../src/reporters/model.ts';

const TINY = join(import.meta.dirname, 'fixtures/vendor-dirs/tiny-chat');
const POLICY =
  "default-src 'self'; script-src 'self' https://widget.tiny.test; style-src 'self' https://cdn.tiny.test; img-src 'self'; connect-src 'self' https://api.tiny.test wss://rt.tiny.test; frame-src https://widget.tiny.test";

async function cli(args: string[]) {
  const io = captureIo();
  const code = await main(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('a vendor folder in three engines', () => {
  it('replays the traffic and judges every feature from outside: only the logo breaks (img-src)', { timeout: 240_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'csph-tiny-'));
    const { code } = await cli(['run', '--vendor-dir', TINY, '--vendor', 'tiny-chat', '--policy', POLICY, '--out', out, '--reporter', 'json']);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    const verdicts = Object.fromEntries(report.cells.map((c) => [c.id.replace('policy/tiny-chat/', ''), c.status]));
    expect(verdicts).toEqual(
      Object.fromEntries(['config', 'launcher', 'logo', 'realtime', 'window'].flatMap((f) => ['chromium', 'firefox', 'webkit'].map((b) => [`${f}/${b}`, f === 'logo' ? 'fail' : 'pass']))),
    );
    expect(code).toBe(1);
    for (const cell of report.cells) {
      expect(cell.unrecordedRequests ?? [], cell.id).toEqual([]);
      if (cell.feature === 'logo') {
        // The image never reached the proxy in any engine: blocked before the fetch.
        expect(cell.probe?.detail).toBe('never answered: https://cdn.tiny.test/logo.png');
        expect(cell.violations.map((v) => `${v.effectiveDirective} ${v.blockedURI}`)).toEqual(['img-src https://cdn.tiny.test/logo.png']);
        expect(cell.fix).toContain('https://cdn.tiny.test');
      } else {
        // Every feature runs on the page: the logo's violation is listed, and fails nothing else.
        expect(cell.violations, cell.id).toEqual([]);
        expect(cell.otherViolations?.map((v) => v.blockedURI), cell.id).toEqual(['https://cdn.tiny.test/logo.png']);
      }
    }
  });
});

describe('a vendor folder: bad input exits 2, naming the file and the place, without a stack trace', () => {
  const broken = (patch: (dir: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'csph-bad-vendor-'));
    cpSync(TINY, dir, { recursive: true });
    patch(dir);
    return dir;
  };
  it.each([
    ['a corrupt HAR', (d: string) => writeFileSync(join(d, 'traffic.har'), '{"log": {"entries": [\n  {"request": oops}\n]}}'), /traffic\.har:2:\d+: not a HAR/],
    [
      'an unknown expectation kind',
      (d: string) => {
        const v = JSON.parse(readFileSync(join(d, 'vendor.json'), 'utf8'));
        v.features.logo.expect.push({ pixel: '#logo' });
        writeFileSync(join(d, 'vendor.json'), JSON.stringify(v, null, 2));
      },
      /vendor\.json:\d+:\d+ \(at \/features\/logo\/expect\/1\): unknown expectation kind "pixel"/,
    ],
    [
      'an id clashing with a bundled vendor',
      (d: string) => {
        const v = JSON.parse(readFileSync(join(d, 'vendor.json'), 'utf8'));
        v.id = 'genesys';
        writeFileSync(join(d, 'vendor.json'), JSON.stringify(v, null, 2));
      },
      /vendor\.json:3:\d+ \(at \/id\): the id "genesys" is already a bundled vendor/,
    ],
  ])('%s', async (_, patch, message) => {
    const dir = broken(patch);
    for (const command of [['vendors'], ['run', '--policy', "img-src 'self'", '--vendor', 'tiny-chat']]) {
      const { code, err } = await cli([...command, '--vendor-dir', dir]);
      expect(code).toBe(2);
      expect(err).toMatch(/^csp-harness: the vendor folder .* cannot be used:/);
      expect(err).toMatch(message);
      expect(err).not.toMatch(/\n\s+at /);
    }
  });
});
