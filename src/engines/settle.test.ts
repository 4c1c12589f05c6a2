import { describe, expect, it } from 'vitest';
import { cellFailure, cellObservation, DeadlineError, quietNeeded, SESSION_CLOSED, within } from './settle.ts';
import { EngineError } from './types.ts';

const how = { crashed: false, timedOut: false, timeoutMs: 2500, navigating: false };

describe('cellFailure', () => {
  it('names a crash first, then a timeout, each with its code and the first line of the cause', () => {
    const error = new Error('Target page, context or browser has been closed\nCall log: …');
    expect(cellFailure('firefox', error, { ...how, crashed: true, timedOut: true })).toEqual({
      code: 'CSPH_ENGINE_CRASHED',
      message: 'csp-harness: firefox crashed or was killed while loading the cell (Target page, context or browser has been closed)',
    });
    expect(cellFailure('webkit', new DeadlineError('cell x: no answer within 2500 ms'), { ...how, timedOut: true })).toEqual({
      code: 'CSPH_CELL_TIMEOUT',
      message: 'csp-harness: timed out after 2500 ms (cell x: no answer within 2500 ms)',
    });
  });

  it('tells a failed navigation from any other failure, and keeps an EngineError its code', () => {
    const error = new Error('page.goto: net::ERR_PROXY_CONNECTION_FAILED at https://shop.test/');
    expect(cellFailure('chromium', error, { ...how, navigating: true })).toEqual({ code: 'CSPH_NAVIGATION', message: `csp-harness: chromium: ${error.message}` });
    expect(cellFailure('chromium', new Error('page.evaluate: Execution context was destroyed'), how).code).toBe('CSPH_ENGINE_ERROR');
    expect(cellFailure('chromium', new EngineError('CSPH_SESSION_CLOSED', 'the engine session is closed'), how)).toEqual({
      code: 'CSPH_SESSION_CLOSED',
      message: 'csp-harness: chromium: the engine session is closed',
    });
  });
});

describe('cellObservation', () => {
  it("puts the engine's signals before the page's events", () => {
    const event = { channel: 'event', effectiveDirective: 'img-src', blockedURI: 'data', disposition: 'enforce', sample: '' } as const;
    const state = { probes: [{ feature: 'chat', state: 'ok', detail: '' }], events: [event], resources: 1, readyState: 'complete' } as const;
    const observation = cellObservation(Date.now(), [{ channel: 'console', text: 'x' }], null, { ...state, probes: [...state.probes], events: [...state.events] });
    expect(observation.signals).toEqual([{ channel: 'console', text: 'x' }, event]);
    expect(observation.probes).toEqual(state.probes);
    expect(observation.screenshot).toBeNull();
    expect(cellObservation(Date.now(), [], SESSION_CLOSED, null)).toMatchObject({ signals: [], probes: [], error: SESSION_CLOSED });
  });
});

describe('within', () => {
  it('rejects with a DeadlineError, an EngineError coded CSPH_CELL_TIMEOUT', async () => {
    const error = await within(new Promise(() => undefined), 5, 'waiting').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect(error).toMatchObject({ code: 'CSPH_CELL_TIMEOUT', message: 'waiting: no answer within 5 ms' });
  });
});

describe('quietNeeded: a pending probe waits longer, unless the cell is already decided by an enforced violation', () => {
  const probe = (state: 'ok' | 'failed' | 'pending') => ({ feature: 'f', state, detail: '' });
  const event = (disposition: 'enforce' | 'report') => ({ channel: 'event' as const, effectiveDirective: 'img-src', blockedURI: 'data', disposition, sample: '' });
  it.each([
    ['nothing pending', [probe('ok')], [], false, false, 300],
    ['a pending probe', [probe('pending')], [], false, false, 1000],
    ['a pending probe, an enforced violation seen in the page', [probe('pending')], [event('enforce')], false, false, 300],
    ['a pending probe, only a report-only violation', [probe('pending')], [event('report')], false, false, 1000],
    ['a pending probe, an enforced violation reported to the proxy', [probe('pending')], [], false, true, 300],
    ['an unmet observed expectation, whatever was seen', [], [event('enforce')], true, true, 1000],
    ['a failed probe', [probe('failed')], [], false, false, 300],
  ])('%s', (_name, probes, events, waiting, violated, ms) => {
    expect(quietNeeded({ probes, events }, waiting, violated)).toBe(ms);
  });
});
