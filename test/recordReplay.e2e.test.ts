// Issue [8]'s promise end to end: a vendor the harness has never seen, recorded with `csp-harness
// record` from a local stand-in for the internet (test/helpers/standIn.ts: four hosts, its own CA,
// reached through --resolve), then — with the stand-in shut down — replayed by the proxy with
// `run --vendor-dir` under three policies, in Chromium, Firefox and WebKit.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import type { Report } from '../src/reporters/model.ts';
import type { VendorJson } from '../src/vendorDir/format.ts';
import { ACME_EMBED, ACME_URLS, startStandIn } from './helpers/standIn.ts';

const WORK = mkdtempSync(join(tmpdir(), 'csph-record-replay-'));
const VENDOR = join(WORK, 'vendors', 'acme');

async function cli(args: string[]) {
  const io = captureIo();
  const code = await main(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

/** Each policy, and the features it breaks (every other feature passes). */
const POLICIES: { name: string; value: string; breaks: string[] }[] = [
  {
    name: 'allows Acme',
    value:
      "default-src 'self'; script-src 'self' https://widget.acme.test; style-src 'self' https://cdn.acme.test; img-src 'self' https://cdn.acme.test; connect-src 'self' https://api.acme.test wss://rt.acme.test; frame-src https://widget.acme.test",
    breaks: [],
  },
  {
    // The "broken icons" case, and a connect-src that forgot the WebSocket host.
    name: 'no CDN images, no WebSocket',
    value: "default-src 'self'; script-src 'self' https://widget.acme.test; style-src 'self' https://cdn.acme.test; img-src 'self'; connect-src 'self' https://api.acme.test; frame-src https://widget.acme.test",
    breaks: ['images', 'websockets'],
  },
  {
    // The loader itself is refused: nothing of Acme runs, every feature breaks.
    name: 'no script host',
    value: "default-src 'self'; style-src 'self' https://cdn.acme.test; img-src 'self' https://cdn.acme.test; connect-src 'self' https://api.acme.test wss://rt.acme.test; frame-src https://widget.acme.test",
    breaks: ['scripts', 'styles', 'images', 'connections', 'frames', 'websockets', 'launcher'],
  },
];

describe('record from a stand-in, replay with --vendor-dir, in three engines', () => {
  let vendor: VendorJson;
  beforeAll(async () => {
    const standIn = await startStandIn();
    try {
      const resolve = standIn.resolveArgs.flatMap((r) => ['--resolve', r]);
      const recorded = await cli(['record', '--embed', ACME_EMBED, '--id', 'acme', '--out', VENDOR, ...resolve, '--upstream-ca', standIn.caPemPath]);
      expect(recorded.code, recorded.err).toBe(0);
    } finally {
      // Replay must not need the vendor: from here on nothing answers its hosts but the recording.
      await standIn.close();
    }
    // What a user commits: the derived features, plus one they write for what the eye sees.
    vendor = JSON.parse(readFileSync(join(VENDOR, 'vendor.json'), 'utf8')) as VendorJson;
    vendor.features = {
      ...vendor.features,
      launcher: {
        title: 'The chat button',
        expect: [
          { request: ACME_URLS.loader },
          { selector: '#acme-launcher', visible: true },
          { style: '#acme-launcher', property: 'position', value: 'fixed' },
        ],
      },
    };
    writeFileSync(join(VENDOR, 'vendor.json'), JSON.stringify(vendor, null, 2));
  }, 120_000);

  it('derives one feature per kind of resource from the recording', () => {
    expect(Object.keys(vendor.features ?? {})).toEqual(['scripts', 'styles', 'images', 'connections', 'frames', 'websockets', 'launcher']);
  });

  it('gives every policy its verdicts in Chromium, Firefox and WebKit', { timeout: 600_000 }, async () => {
    const out = join(WORK, 'report');
    const args = ['run', '--vendor-dir', VENDOR, '--vendor', 'acme', ...POLICIES.flatMap((p) => ['--policy', p.value]), '--out', out, '--reporter', 'json'];
    const { code, err } = await cli(args);
    expect(code, err).toBe(1);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    const got = Object.fromEntries(report.cells.map((c) => [`${POLICIES[c.policyIndex ?? 0]!.name} · ${c.feature} · ${c.browser}`, c.status]));
    const want = Object.fromEntries(
      POLICIES.flatMap((p) =>
        Object.keys(vendor.features ?? {}).flatMap((f) => ['chromium', 'firefox', 'webkit'].map((b) => [`${p.name} · ${f} · ${b}`, p.breaks.includes(f) ? 'fail' : 'pass'])),
      ),
    );
    expect(got).toEqual(want);
    for (const cell of report.cells) {
      // The recording answered everything the vendor asked for, and nothing went past loopback.
      expect(cell.unrecordedRequests ?? [], cell.id).toEqual([]);
      expect(cell.unexpectedHosts, cell.id).toEqual([]);
    }
    // The failing cells name what broke them: the directive and the blocked URL.
    const images = report.cells.filter((c) => c.policyIndex === 1 && c.feature === 'images');
    for (const c of images) expect(c.violations.map((v) => `${v.effectiveDirective} ${v.blockedURI}`), c.id).toEqual([`img-src ${ACME_URLS.logo}`]);
    const sockets = report.cells.filter((c) => c.policyIndex === 1 && c.feature === 'websockets');
    for (const c of sockets) expect(c.violations.map((v) => v.effectiveDirective), c.id).toEqual(['connect-src']);
  });
});
