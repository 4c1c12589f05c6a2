// A tiny W3C WebDriver (classic, HTTP) client: the few commands the WebKit engine needs, and a free
// loopback port for the driver to listen on.
import { createServer } from 'node:net';

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
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error as Error).message;
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
