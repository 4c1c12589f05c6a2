// Remote engines (issue [12], decisions/0017) end to end: a Playwright browser server started here
// (`chromium.launchServer`, `firefox.launchServer` on Debian's firefox-esr) driven through `--connect`, and
// a WebKitWebDriver started here (under its own Xvfb, with Debian's MiniBrowser) driven through
// `--webdriver`, directly and through a Selenium Grid 4.20 relaying to it, each give the same verdicts as a
// local launch of the same engine: per cell, its status and its violations (effective directive, blocked
// URI). The remote browser is left running, the WebDriver endpoint (and the Grid) holds no session
// afterwards, and `--listen` binds the proxy where it says, with its warning.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
import { acquireDisplay } from '../src/engines/xvfb.ts';
import type { Report } from '../src/reporters/model.ts';
import { externalAddress } from '../src/server/loopback.ts';
import { FixtureNetwork } from '../src/server/network.ts';
import { readReport, runBin, type CliResult } from './helpers/cli.ts';

const CLI = join(import.meta.dirname, '..', 'bin', 'csp-harness.js');
const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const OUT = mkdtempSync(join(tmpdir(), 'csph-remote-'));
/** Selenium's server jar, shipped inside the npm package (its download-on-install is turned off: package.json allowScripts). */
const SELENIUM_JAR: string = (createRequire(import.meta.url)('@nightwatch/selenium-server') as { path: string }).path;
/**
 * The example, cut to every fourth of its cells (`--shard 1/4`: sorted by id, dealt round-robin):
 * 17 Genesys cells with the snippet served by the site itself, passing and failing ones across four
 * features and four directives. A 30 s cell budget for every run: on a loaded 2-core machine a 15 s cell
 * times out now and then (Firefox most), and an infrastructure error is no verdict to compare.
 */
const MATRIX = ['--vendor', 'genesys', '--param', 'embed=self', '--shard', '1/4', '--reporter', 'json', '--timeout', '30000'];
const cli = (args: string[]) => runBin(CLI, ['run', ...MATRIX, ...args], { timeoutMs: 600_000 });

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

interface Run {
  code: number;
  stderr: string;
  report: Report;
}

async function run(name: string, args: string[]): Promise<Run> {
  const out = join(OUT, name);
  const result: CliResult = await cli([...args, '--out', out]);
  expect([0, 1], result.stderr).toContain(result.code);
  return { code: result.code, stderr: result.stderr, report: readReport(out) };
}

/** Once per engine: the local run every remote case of that engine is compared with (WebKit has two). */
const localRuns = new Map<string, Promise<Run>>();
function localRun(browser: string): Promise<Run> {
  let local = localRuns.get(browser);
  if (!local) localRuns.set(browser, (local = run(`${browser}-local`, ['--browser', browser])));
  return local;
}

async function localAndRemote(name: string, browser: string, remoteArgs: string[]): Promise<{ local: Report; remote: Report; stderr: string }> {
  const local = await localRun(browser);
  const remote = await run(`${name}-remote`, ['--browser', browser, ...remoteArgs]);
  expect(remote.code).toBe(local.code);
  return { local: local.report, remote: remote.report, stderr: remote.stderr };
}

const servers: BrowserServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
});

/** The Chromium browser server and the run through it: the `--connect` case's, and `--listen`'s loopback run. */
let chromiumRemote: Promise<{ server: BrowserServer; runs: { local: Report; remote: Report; stderr: string } }> | null = null;
function connectedChromium() {
  return (chromiumRemote ??= (async () => {
    const server = await chromium.launchServer({ ...chromiumServerOptions(), timeout: 60_000 });
    servers.push(server);
    return { server, runs: await localAndRemote('chromium', 'chromium', ['--connect', `chromium=${server.wsEndpoint()}`]) };
  })());
}

/** Polls `until` every 100 ms for up to `ms`; false when it never held. */
async function waitFor(until: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await until()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** A WebKitWebDriver started here on a free port, under the harness's Xvfb, as README's recipe starts one. */
async function startWebKitDriver(): Promise<{ url: string; client: WebDriverClient; stop: () => Promise<void> }> {
  const display = await acquireDisplay();
  const port = await freePort();
  const driver = spawn(WEBKIT_DRIVER, [`--port=${port}`, '--host=local'], { env: { ...process.env, DISPLAY: display.name }, stdio: 'ignore', detached: true });
  const pid = track(driver, 'WebKitWebDriver (test)', true);
  const stop = async () => {
    if (pid !== null) kill(pid);
    await display.release();
  };
  const client = new WebDriverClient(`http://127.0.0.1:${port}`);
  if (!(await waitFor(() => client.status(500), 30_000))) {
    await stop();
    throw new Error(`${WEBKIT_DRIVER} did not answer on port ${port} within 30 s`);
  }
  return { url: `http://127.0.0.1:${port}`, client, stop };
}

/** `GET /status` of a Grid: whether it is ready, and the sessions its slots hold. */
async function gridStatus(url: string): Promise<{ ready: boolean; slots: number; sessions: string[] }> {
  const status = await new WebDriverClient(url).command<{ ready: boolean; nodes: { slots: { session: { sessionId: string } | null }[] }[] }>('GET', '/status', undefined, 5000);
  const slots = status.nodes.flatMap((n) => n.slots);
  return { ready: status.ready, slots: slots.length, sessions: slots.flatMap((s) => (s.session ? [s.session.sessionId] : [])) };
}

describe('remote engines give the same verdicts as local launches', { timeout: 600_000 }, () => {
  it('--connect chromium=ws://… (chromium.launchServer with the local engine flags)', async () => {
    const { server, runs } = await connectedChromium();
    const { local, remote } = runs;
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
    const driver = await startWebKitDriver();
    try {
      const { local, remote } = await localAndRemote('webkit', 'webkit', ['--webdriver', `webkit=${driver.url}`]);
      expectSameVerdicts(local, remote);
      expect(remote.run?.browsers).toEqual([{ id: 'webkit', version: expect.stringMatching(/^2\./), source: null, status: 'ok', remote: { via: 'webdriver', endpoint: driver.url } }]);
      // The run deleted its session: the driver is alive, idle, ready for the next client.
      expect(await driver.client.command('GET', '/status')).toEqual({ ready: true, message: 'No sessions' });
    } finally {
      await driver.stop();
    }
  });

  it('--webdriver webkit=http://127.0.0.1:<port> (a Selenium Grid 4.20 relaying to a WebKitWebDriver)', async () => {
    const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
    expect(java.error === undefined && java.status === 0, 'java is needed to run the Selenium Grid: run `bash scripts/setup.sh` (it installs Debian\'s default-jre-headless)').toBe(true);
    expect(existsSync(SELENIUM_JAR), `${SELENIUM_JAR} is missing: run \`npm install\` (the jar ships in @nightwatch/selenium-server)`).toBe(true);
    const driver = await startWebKitDriver();
    let grid: ChildProcess | null = null;
    let gridPid: number | null = null;
    try {
      // README's recipe: a standalone Grid whose node relays to the driver, one MiniBrowser slot.
      const port = await freePort();
      const config = join(OUT, 'grid.toml');
      writeFileSync(
        config,
        [
          '[server]',
          'host = "127.0.0.1"',
          `port = ${port}`,
          '',
          '[node]',
          'detect-drivers = false',
          '',
          '[relay]',
          `url = "${driver.url}"`,
          'status-endpoint = "/status"',
          'configs = ["1", "{\\"browserName\\": \\"MiniBrowser\\"}"]',
          '',
        ].join('\n'),
      );
      const log = join(OUT, 'grid.log');
      const logFd = openSync(log, 'w');
      grid = spawn('java', ['-jar', SELENIUM_JAR, 'standalone', '--config', config], { stdio: ['ignore', logFd, logFd], detached: true });
      gridPid = track(grid, 'Selenium Grid (test)', true);
      const url = `http://127.0.0.1:${port}`;
      const up = await waitFor(async () => (await gridStatus(url).catch(() => null))?.slots === 1, 90_000);
      expect(up, `the Grid did not come up with its relay slot within 90 s; its log (${log}):\n${readFileSync(log, 'utf8').slice(-3000)}`).toBe(true);

      const local = await localRun('webkit');
      const remote = await run('webkit-grid', ['--browser', 'webkit', '--webdriver', `webkit=${url}`]);
      expect(remote.code).toBe(local.code);
      expectSameVerdicts(local.report, remote.report);
      expect(remote.report.run?.browsers).toEqual([{ id: 'webkit', version: expect.stringMatching(/^2\./), source: null, status: 'ok', remote: { via: 'webdriver', endpoint: url } }]);
      // Every session the run asked the Grid for was deleted: its slot is free, and so is the driver behind it.
      expect(await gridStatus(url)).toEqual({ ready: true, slots: 1, sessions: [] });
      expect(await driver.client.command('GET', '/status')).toEqual({ ready: true, message: 'No sessions' });
    } finally {
      if (gridPid !== null) kill(gridPid);
      else grid?.kill('SIGKILL');
      await driver.stop();
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
    // The loopback run: the --connect case's run through the same server.
    const { server, runs } = await connectedChromium();
    expect(runs.stderr).not.toMatch(/warning: --listen/);
    const wide = await run('listen-wide', ['--browser', 'chromium', '--connect', `chromium=${server.wsEndpoint()}`, '--listen', '0.0.0.0', '--proxy-host', '127.0.0.1']);
    expect(wide.stderr).toMatch(/csp-harness: warning: --listen 0\.0\.0\.0: the fixture proxy listens on every interface and is reachable from other machines .*browsers are told to use 127\.0\.0\.1/);
    expect(wide.code).toBe((await localRun('chromium')).code);
    expectSameVerdicts(runs.remote, wide.report);
  });
});
