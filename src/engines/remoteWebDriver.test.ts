import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { EndpointSlots, RemoteWebDriver, gridSlots, isBusyRefusal, isQueueTimeout, probeWebDriver } from './remoteWebDriver.ts';
import { WebDriverError } from './webdriver.ts';

describe('EndpointSlots', () => {
  it('lets any number in until the endpoint refuses one while others live, then as many as lived', async () => {
    const slots = new EndpointSlots();
    await slots.acquire();
    slots.accepted();
    await slots.acquire();
    // The second was refused: it lets go; one accepted session is the capacity.
    slots.release(false);
    expect(slots.refused()).toBe(true);
    let third = false;
    const waiting = slots.acquire().then(() => (third = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(third).toBe(false);
    slots.release(true);
    await waiting;
    expect(third).toBe(true);
  });

  it('a refusal while no session of ours lives is not ours to wait for, even with other launches trying', async () => {
    const slots = new EndpointSlots();
    await slots.acquire();
    await slots.acquire();
    slots.release(false);
    expect(slots.refused()).toBe(false);
    slots.release(false);
    expect(slots.refused()).toBe(false);
  });

  it('takes the capacity an endpoint says (a Grid\'s slots), and wakes launches waiting on a smaller one', async () => {
    const slots = new EndpointSlots();
    slots.limit(1);
    await slots.acquire();
    let second = false;
    const waiting = slots.acquire().then(() => (second = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(second).toBe(false);
    slots.limit(2);
    await waiting;
    expect(second).toBe(true);
    let third = false;
    void slots.acquire().then(() => (third = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(third).toBe(false);
  });
});

describe('EndpointSlots.ask', () => {
  it.each([
    ['capacity unknown (a WebKitWebDriver not yet refusing): one request at a time', null, 1],
    ['capacity told (a Grid with 3 slots): all at once', 3, 3],
  ] as const)('%s', async (_name, capacity, most) => {
    const slots = new EndpointSlots();
    if (capacity !== null) slots.limit(capacity);
    let open = 0;
    let peak = 0;
    const request = async () => {
      peak = Math.max(peak, ++open);
      await new Promise((resolve) => setTimeout(resolve, 20));
      open -= 1;
    };
    // A failed request does not stop the ones behind it.
    await Promise.allSettled([slots.ask(request), slots.ask(() => Promise.reject(new Error('refused'))), slots.ask(request), slots.ask(request)]);
    expect(peak).toBe(most);
  });
});

/** A Grid node in `/status` (Selenium 4.20's shape), its slots' browser names, `*` marking a slot in use. */
const node = (availability: string, ...slots: string[]) => ({
  availability,
  maxSessions: slots.length,
  slots: slots.map((s) => ({ stereotype: { browserName: s.replace('*', '') }, session: s.endsWith('*') ? { sessionId: 'x' } : null })),
});

describe('gridSlots', () => {
  it.each([
    ['a WebKitWebDriver (no nodes)', { ready: true, message: 'No sessions' }, null],
    ['no status at all', null, null],
    ['a Grid relaying to one WebKitWebDriver', { ready: true, message: 'Selenium Grid ready.', nodes: [node('UP', 'MiniBrowser')] }, { slots: 1, free: 1, others: [] }],
    ['its slot taken', { ready: false, nodes: [node('UP', 'MiniBrowser*')] }, { slots: 1, free: 0, others: [] }],
    ['two nodes, one busy; names matched case-blind', { ready: true, nodes: [node('UP', 'MiniBrowser*'), node('UP', 'minibrowser')] }, { slots: 2, free: 1, others: [] }],
    ['a node down or draining does not count', { ready: true, nodes: [node('DOWN', 'MiniBrowser'), node('DRAINING', 'MiniBrowser'), node('UP', 'MiniBrowser')] }, { slots: 1, free: 1, others: [] }],
    ['other browsers only', { ready: true, nodes: [node('UP', 'chrome', 'chrome', 'firefox')] }, { slots: 0, free: 0, others: ['chrome', 'firefox'] }],
    ['no node yet', { ready: false, message: 'Selenium Grid not ready.', nodes: [] }, { slots: 0, free: 0, others: [] }],
  ] as const)('%s', (_name, status, expected) => {
    expect(gridSlots(status, 'MiniBrowser')).toEqual(expected);
  });
});

describe('probeWebDriver', () => {
  it.each([
    ['a WebKitWebDriver, idle', { ready: true, message: 'No sessions' }, { ok: true, version: null, note: null }],
    ['a WebKitWebDriver, busy', { ready: false, message: 'A session already exists' }, { ok: true, note: expect.stringMatching(/not ready \("A session already exists"\)/) }],
    ['a Grid with one free slot', { ready: true, nodes: [node('UP', 'MiniBrowser')] }, { ok: true, note: null, capacity: 1 }],
    ['a Grid with both slots taken', { ready: false, nodes: [node('UP', 'MiniBrowser*'), node('UP', 'MiniBrowser*')] }, { ok: true, note: '2 of its 2 MiniBrowser slots are taken: sessions wait in its queue until they are free', capacity: 2 }],
    ['a Grid without MiniBrowser', { ready: true, nodes: [node('UP', 'chrome')] }, { ok: false, answered: true, reason: expect.stringMatching(/^a Selenium Grid with no slot for browserName MiniBrowser \(its nodes have slots for chrome\)/) }],
  ] as const)('%s', async (_name, value, expected) => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ value })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const result = await probeWebDriver({ browser: 'webkit', via: 'webdriver', url: `http://127.0.0.1:${port}/` }, 2000, 'MiniBrowser');
      expect(result).toMatchObject(expected);
      if (!('capacity' in expected)) expect(result).not.toHaveProperty('capacity');
    } finally {
      server.close();
    }
  });
});

describe('RemoteWebDriver', () => {
  it('closed while its session request waits in a queue: close() waits for the answer and deletes that session', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const answer = (value: unknown) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ value }));
      // A Grid that gives the slot 300 ms later.
      if (req.method === 'POST') setTimeout(() => answer({ sessionId: 'late', capabilities: {} }), 300);
      else answer(null);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const slots = new EndpointSlots();
      await slots.acquire();
      const host = new RemoteWebDriver({ browser: 'webkit', via: 'webdriver', url: `http://127.0.0.1:${port}` }, () => ({ browserName: 'MiniBrowser' }), slots);
      const asked = host.newSession('http://127.0.0.1:1', 5000);
      asked.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await host.close();
      expect(seen).toEqual(['POST /session', 'DELETE /session/late']);
      await expect(asked).rejects.toThrow(/closed/);
    } finally {
      server.close();
    }
  });
});

describe('isQueueTimeout', () => {
  it.each([
    [new WebDriverError('session not created', 'WebDriver POST /session: session not created: Could not start a new session. New session request timed out \nHost info: …'), true],
    [new WebDriverError('session not created', 'WebDriver POST /session: session not created: Maximum number of active sessions'), false],
    [new WebDriverError('transport', 'WebDriver POST /session: no answer within 330000 ms'), false],
  ] as const)('%s → %s', (error, timedOut) => {
    expect(isQueueTimeout(error)).toBe(timedOut);
  });
});

describe('isBusyRefusal', () => {
  it.each([
    [new WebDriverError('session not created', 'WebDriver POST /session: session not created: Maximum number of active sessions'), true],
    [new WebDriverError('session not created', 'WebDriver POST /session: session not created: Failed to match capabilities'), false],
    [new WebDriverError('transport', 'WebDriver POST /session: fetch failed (ECONNREFUSED)'), false],
    [new Error('Maximum number of active sessions'), false],
  ] as const)('%s → %s', (error, busy) => {
    expect(isBusyRefusal(error)).toBe(busy);
  });
});
