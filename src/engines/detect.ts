// What the three engines share around their own launch code: finding the engine (Playwright's own
// build where installed, unless the user asked for the system's, else the system's; when neither, the
// command that installs it), and the frame of launch(): a missing engine or a failed start is an
// EngineError with its code.
import { existsSync } from 'node:fs';
import type { BrowserId } from '../shared/vocabulary.ts';
import { EngineError, type BrowserSource, type Engine, type EngineAvailability, type EngineSession, type LaunchOptions } from './types.ts';

export interface EngineBuilds {
  browser: BrowserId;
  /** For messages: `Chromium`, `Firefox`, `WebKit`. */
  name: string;
  /** Playwright's browser type (`chromium`, `firefox`, `webkit` of the playwright package). */
  playwright: { executablePath(): string };
  /** The system's build: what would run, or null when it is not (fully) installed. */
  system: () => string | null;
  /** The commands that install either build. */
  install: { system: string; playwright: string };
}

/** Playwright's own build of the browser, when it is on this machine. */
function playwrightExecutable(builds: EngineBuilds): string | null {
  try {
    const path = builds.playwright.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function detectBuild(builds: EngineBuilds, source: BrowserSource): EngineAvailability {
  const own = source === 'system' ? null : playwrightExecutable(builds);
  const system = source === 'playwright' || own ? null : builds.system();
  const executable = own ?? system;
  const { install } = builds;
  return {
    browser: builds.browser,
    available: executable !== null,
    source: own ? 'playwright' : system ? 'system' : null,
    executable,
    install: executable ? null : source === 'playwright' ? install.playwright : source === 'system' ? install.system : `${install.system} (or: ${install.playwright})`,
  };
}

/** What an engine's own code does once its build is found: start a session on it. */
export type StartEngine = (found: EngineAvailability & { executable: string }, options: LaunchOptions) => Promise<EngineSession>;

/**
 * An engine: detect() finds its build; launch() refuses a missing one (`CSPH_ENGINE_MISSING`), then
 * starts it — whatever stops `start` is rethrown as `CSPH_ENGINE_LAUNCH` with the same message.
 */
export function defineEngine(builds: EngineBuilds, start: StartEngine): Engine {
  return {
    browser: builds.browser,

    async detect(source: BrowserSource): Promise<EngineAvailability> {
      return detectBuild(builds, source);
    },

    async launch(options: LaunchOptions): Promise<EngineSession> {
      const found = detectBuild(builds, options.source);
      const executable = found.executable;
      if (!found.available || executable === null) throw new EngineError('CSPH_ENGINE_MISSING', `csp-harness: ${builds.name} is not installed; install it: ${found.install}`);
      try {
        return await start({ ...found, executable }, options);
      } catch (error) {
        if (error instanceof EngineError && error.code === 'CSPH_ENGINE_LAUNCH') throw error;
        throw new EngineError('CSPH_ENGINE_LAUNCH', error instanceof Error ? error.message : String(error), { cause: error });
      }
    },
  };
}
