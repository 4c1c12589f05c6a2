// The engines by browser id, and detection of all of them at once.
import type { BrowserId } from '../reporters/model.ts';
import { chromiumEngine } from './chromium.ts';
import { firefoxEngine } from './firefox.ts';
import type { BrowserSource, Engine, EngineAvailability } from './types.ts';
import { webkitEngine } from './webkit.ts';

export const ENGINES: Readonly<Record<BrowserId, Engine>> = {
  chromium: chromiumEngine,
  firefox: firefoxEngine,
  webkit: webkitEngine,
};

export async function detectAll(source: BrowserSource, browsers: readonly BrowserId[] = ['chromium', 'firefox', 'webkit']): Promise<EngineAvailability[]> {
  return Promise.all(browsers.map((b) => ENGINES[b].detect(source)));
}

export { CHROMIUM_BACKGROUND_HOSTS } from './chromium.ts';
export type * from './types.ts';
