import { describe, expect, it } from 'vitest';
import { defineEngine, type EngineBuilds, type StartEngine } from './detect.ts';
import { EngineError, type BrowserSource, type EngineSession, type LaunchOptions } from './types.ts';

const INSTALL = { system: 'sudo apt-get install -y thing', playwright: 'npx playwright install thing' };

function builds(playwright: string | Error, system: string | null): EngineBuilds {
  return {
    browser: 'chromium',
    name: 'Thing',
    playwright: {
      executablePath: () => {
        if (playwright instanceof Error) throw playwright;
        return playwright;
      },
    },
    system: () => system,
    install: INSTALL,
  };
}

const OWN = process.execPath; // a file that exists
const notStarted: StartEngine = () => Promise.reject(new Error('not reached'));
const detect = (b: EngineBuilds, source: BrowserSource) => defineEngine(b, notStarted).detect(source);
const launch = (b: EngineBuilds, start: StartEngine) => defineEngine(b, start).launch(options);
const options: LaunchOptions = { proxyUrl: 'http://127.0.0.1:1', source: 'auto', isCspMessage: () => false };

describe('detect', () => {
  it("prefers Playwright's own build unless the system's is asked for", async () => {
    expect(await detect(builds(OWN, '/usr/bin/thing'), 'auto')).toEqual({ browser: 'chromium', available: true, source: 'playwright', executable: OWN, install: null });
    expect(await detect(builds(OWN, '/usr/bin/thing'), 'system')).toEqual({ browser: 'chromium', available: true, source: 'system', executable: '/usr/bin/thing', install: null });
  });

  it("falls back to the system's build when Playwright's is absent or throws", async () => {
    expect((await detect(builds('/nowhere/thing', '/usr/bin/thing'), 'auto')).source).toBe('system');
    expect((await detect(builds(new Error('no registry'), '/usr/bin/thing'), 'auto')).source).toBe('system');
  });

  it('says what to install for the source asked for', async () => {
    const none = builds('/nowhere/thing', null);
    expect(await detect(none, 'playwright')).toEqual({ browser: 'chromium', available: false, source: null, executable: null, install: INSTALL.playwright });
    expect((await detect(builds('/nowhere/thing', '/usr/bin/thing'), 'playwright')).install).toBe(INSTALL.playwright);
    expect((await detect(none, 'system')).install).toBe(INSTALL.system);
    expect((await detect(none, 'auto')).install).toBe(`${INSTALL.system} (or: ${INSTALL.playwright})`);
  });
});

describe('launch', () => {
  it('refuses a missing engine with CSPH_ENGINE_MISSING and the install hint', async () => {
    const error = await launch(builds('/nowhere/thing', null), notStarted).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'CSPH_ENGINE_MISSING', message: `csp-harness: Thing is not installed; install it: ${INSTALL.system} (or: ${INSTALL.playwright})` });
  });

  it('rethrows whatever stops the start as CSPH_ENGINE_LAUNCH, with the same message', async () => {
    const cause = new Error('browserType.launch: Timeout 30000ms exceeded.');
    const error = await launch(builds('/nowhere/thing', '/usr/bin/thing'), () => Promise.reject(cause)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'CSPH_ENGINE_LAUNCH', message: cause.message, cause });
    const own = new EngineError('CSPH_ENGINE_LAUNCH', 'csp-harness: Xvfb exited (1) before giving a display: ');
    await expect(launch(builds('/nowhere/thing', '/usr/bin/thing'), () => Promise.reject(own))).rejects.toBe(own);
  });

  it('starts the found build', async () => {
    const session = { browser: 'chromium', version: '1' } as EngineSession;
    let started: string | null = null;
    const launched = await launch(builds('/nowhere/thing', '/usr/bin/thing'), async (found, given) => {
      started = `${found.source} ${found.executable} ${given.proxyUrl}`;
      return session;
    });
    expect(launched).toBe(session);
    expect(started).toBe('system /usr/bin/thing http://127.0.0.1:1');
  });
});
