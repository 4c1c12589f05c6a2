// A tiny W3C WebDriver (classic, HTTP) client: the few commands the WebKit engine needs, a free loopback
// port for the driver to listen on, and the hosts a WebKit session runs on: the WebKitWebDriver this
// process starts (LocalDriver), or one someone else started (remoteWebDriver.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { commandLine, descendantsOf, isAlive, kill, track } from './processes.ts';
import { sleep } from './settle.ts';
import { EngineError } from './types.ts';
import type { Display } from './xvfb.ts';

export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export class WebDriverError extends Error {
  readonly code = 'CSPH_WEBDRIVER';
  constructor(
    /** The W3C error code (`invalid session id`, `timeout` …) or `transport` when the driver did not answer. */
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

export class WebDriverClient {
  constructor(readonly baseUrl: string) {}

  async command<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, timeoutMs = 10_000): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      // fetch() says only "fetch failed": the socket's reason (ECONNREFUSED, ENOTFOUND …) is its cause.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${(error as Error).message}${cause?.code ? ` (${cause.code})` : cause?.message ? ` (${cause.message})` : ''}`;
      throw new WebDriverError('transport', `WebDriver ${method} ${path}: ${reason}`);
    }
    const text = await response.text();
    let json: { value?: unknown } = {};
    try {
      json = JSON.parse(text) as { value?: unknown };
    } catch {
      throw new WebDriverError('transport', `WebDriver ${method} ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
    }
    const value = json.value as { error?: string; message?: string } | undefined;
    if (!response.ok || (value && typeof value === 'object' && typeof value.error === 'string')) {
      throw new WebDriverError(value?.error ?? `http ${response.status}`, `WebDriver ${method} ${path}: ${value?.error ?? response.status}: ${value?.message ?? text.slice(0, 200)}`);
    }
    return json.value as T;
  }

  async status(timeoutMs = 1000): Promise<boolean> {
    try {
      await this.command('GET', '/status', undefined, timeoutMs);
      return true;
    } catch {
      return false;
    }
  }

  async newSession(capabilities: Record<string, unknown>, timeoutMs: number): Promise<{ sessionId: string; capabilities: Record<string, unknown> }> {
    return this.command('POST', '/session', { capabilities: { alwaysMatch: capabilities } }, timeoutMs);
  }

  async deleteSession(sessionId: string, timeoutMs = 5000): Promise<void> {
    await this.command('DELETE', `/session/${sessionId}`, undefined, timeoutMs);
  }

  async setTimeouts(sessionId: string, timeouts: { pageLoad?: number; script?: number; implicit?: number }): Promise<void> {
    await this.command('POST', `/session/${sessionId}/timeouts`, timeouts);
  }

  async navigate(sessionId: string, url: string, timeoutMs: number): Promise<void> {
    await this.command('POST', `/session/${sessionId}/url`, { url }, timeoutMs);
  }

  async executeSync<T>(sessionId: string, script: string, args: unknown[] = [], timeoutMs = 5000): Promise<T> {
    return this.command<T>('POST', `/session/${sessionId}/execute/sync`, { script, args }, timeoutMs);
  }

  /** A PNG of the viewport. */
  async screenshot(sessionId: string, timeoutMs = 5000): Promise<Buffer> {
    return Buffer.from(await this.command<string>('GET', `/session/${sessionId}/screenshot`, undefined, timeoutMs), 'base64');
  }
}

/**
 * Where a WebKit session's WebDriver runs: a WebKitWebDriver this process starts (webkit.ts) or an
 * endpoint someone else started (`--webdriver`, remote.ts). The session code is the same for both.
 */
export interface WebDriverHost {
  /** Someone else's driver (remote): commands in flight end before its session is deleted; never killed. */
  readonly shared: boolean;
  /** The driver's client, once it runs (null before the first start). */
  readonly client: WebDriverClient | null;
  /** Starts the driver when it is not running (a remote one is simply there). */
  ensure(timeoutMs: number): Promise<WebDriverClient>;
  /** False: the driver's process is gone (a remote one cannot be watched: true until closed). */
  alive(): boolean;
  /** False: the driver's browser is gone (a remote one cannot be watched: true until closed). */
  browserAlive(): boolean;
  /** A new WebDriver session for a browser that goes through `proxyUrl`. */
  newSession(proxyUrl: string, timeoutMs: number): Promise<{ sessionId: string; capabilities: Record<string, unknown> }>;
  /** After a failure: a local driver is killed (its browser with it); a remote one's session is deleted. */
  reset(): void;
  /** Idempotent: what `reset` does, and whatever the host holds (Xvfb, a slot on the endpoint) let go. */
  close(): Promise<void>;
}

/** The WebKitWebDriver this process starts (WebKitGTK), under its own Xvfb, with Debian's MiniBrowser. */
export class LocalDriver implements WebDriverHost {
  readonly shared = false;
  private process: ChildProcess | null = null;
  private pid: number | null = null;
  client: WebDriverClient | null = null;

  constructor(
    private readonly display: Display,
    private readonly binary: string,
    /** The command that installs the driver, for messages. */
    private readonly install: string,
  ) {}

  async ensure(timeoutMs: number): Promise<WebDriverClient> {
    if (this.client && this.alive()) return this.client;
    this.reset();
    const deadline = Date.now() + timeoutMs;
    const port = await freePort();
    const child = spawn(WEBKIT_DRIVER, [`--port=${port}`, '--host=local'], {
      env: { ...process.env, DISPLAY: this.display.name },
      stdio: 'ignore',
      detached: true,
    });
    const pid = track(child, 'WebKitWebDriver', true);
    if (pid === null) throw new EngineError('CSPH_ENGINE_LAUNCH', `csp-harness: could not start ${WEBKIT_DRIVER}; install it: ${this.install}`);
    child.unref();
    const client = new WebDriverClient(`http://127.0.0.1:${port}`);
    while (!(await client.status(500))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        kill(pid);
        throw new EngineError('CSPH_ENGINE_LAUNCH', `csp-harness: WebKitWebDriver did not start within ${timeoutMs} ms`);
      }
      await sleep(30);
    }
    this.process = child;
    this.pid = pid;
    this.client = client;
    return client;
  }

  alive(): boolean {
    const child = this.process;
    return child !== null && this.pid !== null && child.exitCode === null && child.signalCode === null && isAlive(this.pid);
  }

  /** The driver's MiniBrowser still runs (a killed one leaves the driver answering `unknown error`). */
  browserAlive(): boolean {
    return this.pid !== null && descendantsOf(this.pid).some((pid) => commandLine(pid).includes('MiniBrowser'));
  }

  async newSession(proxyUrl: string, timeoutMs: number): Promise<{ sessionId: string; capabilities: Record<string, unknown> }> {
    if (!this.client) throw new Error('no driver');
    return this.client.newSession(
      {
        acceptInsecureCerts: true,
        pageLoadStrategy: 'normal',
        'webkitgtk:browserOptions': { binary: this.binary, args: ['--automation', `--proxy=${proxyUrl}`, '--ignore-tls-errors'] },
      },
      timeoutMs,
    );
  }

  reset(): void {
    if (this.pid !== null) kill(this.pid);
    this.pid = null;
    this.process = null;
    this.client = null;
  }

  async close(): Promise<void> {
    this.reset();
    await this.display.release();
  }
}
