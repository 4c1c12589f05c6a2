// The engines by browser id.
import type { BrowserId } from '../shared/vocabulary.ts';
import { chromiumEngine } from './chromium.ts';
import { firefoxEngine } from './firefox.ts';
import type { Engine } from './types.ts';
import { webkitEngine } from './webkit.ts';

export const ENGINES: Readonly<Record<BrowserId, Engine>> = {
  chromium: chromiumEngine,
  firefox: firefoxEngine,
  webkit: webkitEngine,
};
