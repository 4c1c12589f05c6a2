// Remote engines (issue [12], decisions/0017) end to end: a Playwright browser server started here
// (`chromium.launchServer`, `firefox.launchServer` on Debian's firefox-esr) driven through `--connect`, and
// a WebKitWebDriver started here (under its own Xvfb, with Debian's MiniBrowser) driven through
// `--webdriver`, each give the same verdicts as a local launch of the same engine: per cell, its status and
// its violations (effective directive, blocked URI). The remote browser is left running, the WebDriver
// endpoint holds no session afterwards, and `--listen` binds the proxy where it says, with its warning.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, firefox, type BrowserServer } from 'playwright';
import { afterAll, describe, expect, it } from 'vitest';
import { browserServerOptions as chromiumServerOptions } from '../src/engines/chromium.ts';
import { browserServerOptions as firefoxServerOptions } from '../src/engines/firefox.ts';
import { kill, track } from '../src/engines/processes.ts';
import { WebDriverClient, freePort } from '../src/engines/webdriver.ts';
import { WEBKIT_DRIVER } from '../src/engines/webkit.ts';
import { acquireDisplay, type Display } from '../src/engines/xvfb.ts';
import type { Report } from '../src/reporters/model.ts';
import { externalAddress } from '../src/server/loopback.ts';
import { FixtureNetwork } from '../src/server/network.ts';
import { readReport, runBin } from './helpers/cli.ts';

const CLI = join(import.meta.dirname, '..', 'bin', 'csp-harness.js');
const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const OUT = mkdtempSync(join(tmpdir(), 'csph-remote-'));
/**
 * The matrix of the example: every Genesys scenario cell with the snippet served by the site itself.
 * A 30 s cell budget for both runs: on a loaded 2-core machine a 15 s cell times out now and then (Firefox
 * most), and an infrastructure error is no verdict to compare.
 */
const MATRIX = ['--vendor', 'genesys', '--param', 'embed=self', '--reporter', 'json', '--timeout', '30000'];
const cli = (args: string[]) => runBin(CLI, ['run', ...MATRIX, ...args], { timeoutMs: 1_500_000 });

/** What a verdict is: the status and the violations (effective directive, blocked URI) of every cell. */
function verdicts(report: Report): Map<string, string> {
  return new Map(report.cells.map((c) => [c.id, JSON.stringify({ status: c.status, violations: c.violations.map((v) => `${v.effectiveDirective} ${v.blockedURI}`).sort() })]));
}

/** Both runs' cells, the same ids, and no verdict that differs. Cells that errored are listed, not hidden. */
function expectSameVerdicts(local: Report, remote: Report): void {
  const errored = [...local.cells, ...remote.cells].filter((c) => c.status === 'error' || c.status === 'skipped');
  expect(errored.map((c) => `${c.id}: ${c.error}`), 'no cell errored or was skipped in either run').toEqual([]);
  const a = verdicts(local);
  const b = verdicts(remote);
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  const differing = [...a].filter(([id, verdict]) => b.get(id) !== verdict).map(([id, verdict]) => `${id}\n  local:  ${verdict}\n  remote: ${b.get(id)}`);
  expect(differing, 'cells whose verdict differs').toEqual([]);
  // Not a vacuous match: the matrix holds passing and failing cells, and failing ones name violations.
  expect(local.summary.pass).toBeGreaterThan(0);
  expect(local.summary.fail).toBeGreaterThan(0);
  expect(local.cells.some((c) => c.violations.length > 0)).toBe(true);
}

async function localAndRemote(name: string, browser: string, remoteArgs: string[]): Promise<{ local: Report; remote: Report; stderr: string }> {
  const local = await cli(['--browser', browser, '--out', join(OUT, `${name}-local`)]);
  expect([0, 1], local.stderr).toContain(local.code);
  const remote = await cli(['--browser', browser, ...remoteArgs, '--out', join(OUT, `${name}-remote`)]);
  expect([0, 1], remote.stderr).toContain(remote.code);
  expect(remote.code).toBe(local.code);
  return { local: readReport(join(OUT, `${name}-local`)), remote: readReport(join(OUT, `${name}-remote`)), stderr: remote.stderr };
}

const servers: BrowserServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
});

describe('remote engines give the same verdicts as local launches', { timeout: 1_800_000 }, () => {
  it('--connect chromium=ws://… (chromium.launchServer with the local engine flags)', async () => {
    const server = await chromium.launchServer({ ...chromiumServerOptions(), timeout: 60_000 });
    servers.push(server);
    const { local, remote } = await localAndRemote('chromium', 'chromium', ['--connect', `chromium=${server.wsEndpoint()}`]);
    expectSameVerdicts(local, remote);
    expect(local.run?.browsers).toEqual([expect.objectContaining({ id: 'chromium', source: 'system', status: 'ok' })]);
    const port = new URL(server.wsEndpoint()).port;
    // The endpoint's path is the server's secret: the report shows its origin only.
    expect(remote.run?.browsers).toEqual([{ id: 'chromium', version: expect.stringMatching(/^\d+\./), source: null, status: 'ok', remote: { via: 'connect', endpoint: `ws://127.0.0.1:${port}/…` } }]);
    // Not ours to kill: the browser server still serves after the run.
    const again = await chromium.connect(server.wsEndpoint(), { timeout: 30_000 });
    expect(again.isConnected()).toBe(true);
    await again.close();
  });

  it('--connect firefox=ws://… (firefox.launchServer on Debian firefox-esr, BiDi)', async () => {
    const server = await firefox.launchServer({ ...firefoxServerOptions(), timeout: 180_000 });
    servers.push(server);
    const { local, remote } = await localAndRemote('firefox', 'firefox', ['--connect', `firefox=${server.wsEndpoint()}`]);
    expectSameVerdicts(local, remote);
    expect(remote.run?.browsers?.[0]).toMatchObject({ id: 'firefox', source: null, remote: { via: 'connect' } });
  });

  it('--webdriver webkit=http://127.0.0.1:<port> (a WebKitWebDriver started here, under Xvfb)', async () => {
    const display: Display = await acquireDisplay();
    const port = await freePort();
    const driver = spawn(WEBKIT_DRIVER, [`--port=${port}`, '--host=local'], { env: { ...process.env, DISPLAY: display.name }, stdio: 'ignore', detached: true });
    const pid = track(driver, 'WebKitWebDriver (test)', true);
    try {
      const client = new WebDriverClient(`http://127.0.0.1:${port}`);
      const until = Date.now() + 30_000;
      while (!(await client.status(500)) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
      const { local, remote } = await localAndRemote('webkit', 'webkit', ['--webdriver', `webkit=http://127.0.0.1:${port}`]);
      expectSameVerdicts(local, remote);
      expect(remote.run?.browsers).toEqual([{ id: 'webkit', version: expect.stringMatching(/^2\./), source: null, status: 'ok', remote: { via: 'webdriver', endpoint: `http://127.0.0.1:${port}` } }]);
      // The run deleted its session: the driver is alive, idle, ready for the next client.
      expect(await client.command('GET', '/status')).toEqual({ ready: true, message: 'No sessions' });
    } finally {
      if (pid !== null) kill(pid);
      await display.release();
    }
  });
});

describe('--listen', { timeout: 600_000 }, () => {
  it('binds the proxy where it says: loopback by default, every interface with 0.0.0.0', async () => {
    const external = externalAddress();
    const reaches = (host: string, port: number) =>
      new Promise<boolean>((resolve) => {
        const socket = tcpConnect({ host, port }, () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
    const loopback = await FixtureNetwork.start({ fixturesRoot: FIXTURES });
    const wide = await FixtureNetwork.start({ fixturesRoot: FIXTURES, listen: { host: '0.0.0.0', advertise: '127.0.0.1' } });
    try {
      const a = await loopback.openLane();
      const b = await wide.openLane();
      expect(a.proxyUrl).toBe(`http://127.0.0.1:${a.port}`);
      expect(b.proxyUrl).toBe(`http://127.0.0.1:${b.port}`);
      expect(await reaches('127.0.0.1', a.port)).toBe(true);
      expect(await reaches('127.0.0.1', b.port)).toBe(true);
      if (external) {
        expect(await reaches(external, a.port), `${external}: the default proxy is not reachable by this machine's other address`).toBe(false);
        expect(await reaches(external, b.port), `${external}: --listen 0.0.0.0 is`).toBe(true);
      }
    } finally {
      await loopback.close();
      await wide.close();
    }
  });

  it('runs through a proxy on every interface, warns on stderr, and gives the same verdicts', async () => {
    const server = await chromium.launchServer({ ...chromiumServerOptions(), timeout: 60_000 });
    servers.push(server);
    const args = ['--feature', 'icons,api', '--browser', 'chromium', '--connect', `chromium=${server.wsEndpoint()}`];
    const near = await cli([...args, '--out', join(OUT, 'listen-loopback')]);
    expect(near.stderr).not.toMatch(/warning: --listen/);
    const wide = await cli([...args, '--listen', '0.0.0.0', '--proxy-host', '127.0.0.1', '--out', join(OUT, 'listen-wide')]);
    expect(wide.stderr).toMatch(/csp-harness: warning: --listen 0\.0\.0\.0: the fixture proxy listens on every interface and is reachable from other machines .*browsers are told to use 127\.0\.0\.1/);
    expect(wide.code).toBe(near.code);
    expectSameVerdicts(readReport(join(OUT, 'listen-loopback')), readReport(join(OUT, 'listen-wide')));
  });
});
