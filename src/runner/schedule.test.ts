import { describe, expect, it } from 'vitest';
import { pickBrowser } from './schedule.ts';
import type { BrowserId } from '../shared/vocabulary.ts';

const m = (o: Partial<Record<BrowserId, number>>) => new Map(Object.entries(o) as [BrowserId, number][]);

describe('pickBrowser', () => {
  it.each([
    ['keeps its browser while it has cells', 'chromium', { chromium: 1, firefox: 50 }, { chromium: 1, firefox: 1 }, 'chromium'],
    ['a new worker takes the most loaded browser', null, { chromium: 10, firefox: 10, webkit: 10 }, {}, 'firefox'],
    ['new workers spread: firefox already has one', null, { chromium: 10, firefox: 10, webkit: 10 }, { firefox: 1 }, 'chromium'],
    ['a free worker moves to the browser with work left', 'chromium', { chromium: 0, firefox: 30 }, { firefox: 1 }, 'firefox'],
    ['…but not for a few cells another session already serves', 'chromium', { chromium: 0, firefox: 4 }, { firefox: 1 }, null],
    ['…and always to a browser nobody serves', 'chromium', { chromium: 0, webkit: 1 }, { chromium: 1 }, 'webkit'],
    ['nothing left: the worker stops', 'webkit', { chromium: 0, webkit: 0 }, {}, null],
  ] as const)('%s', (_n, current, remaining, workers, want) => {
    expect(pickBrowser(current, { remaining: m(remaining), workers: m(workers) })).toBe(want);
  });
});
