import { describe, expect, it } from 'vitest';
import { EndpointSlots, isBusyRefusal } from './remoteWebDriver.ts';
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
