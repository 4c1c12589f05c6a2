import { describe, expect, it } from 'vitest';
import { serveRemotes } from './serve.ts';

type Row = [string, string[], { browser: 'chromium' | 'firefox' | 'webkit'; via: 'connect' | 'webdriver' }[], string | null, { refuse: RegExp } | { note: RegExp } | null];

const ROWS: Row[] = [
  ['nothing remote', [], [], null, null],
  ['--connect as a flag', ['connect'], [], null, { refuse: /^serve: --connect drives a browser for run and suggest; serve drives none.*Drop --connect.*--listen 0\.0\.0\.0/ }],
  ['--webdriver as a flag', ['webdriver'], [], null, { refuse: /^serve: --webdriver drives a browser .*Drop --webdriver/ }],
  ['a flag wins over the file', ['webdriver'], [{ browser: 'chromium', via: 'connect' }], '/w/csp-harness.config.json', { refuse: /--webdriver/ }],
  ['the config file\'s connect', [], [{ browser: 'chromium', via: 'connect' }, { browser: 'firefox', via: 'connect' }], '/w/csp-harness.config.json', { note: /^note: serve: "connect" \(chromium, firefox\) in \/w\/csp-harness\.config\.json is for run and suggest and not used here: serve drives no browser/ }],
  ['the config file\'s connect and webdriver', [], [{ browser: 'chromium', via: 'connect' }, { browser: 'webkit', via: 'webdriver' }], '/w/c.json', { note: /"connect" \(chromium\) and "webdriver" \(webkit\) in \/w\/c\.json are for run and suggest/ }],
];

describe('serve and remote engines', () => {
  it.each(ROWS)('%s', (_name, given, remotes, configPath, expected) => {
    const result = serveRemotes(given, remotes, configPath);
    if (expected === null) return expect(result).toBeNull();
    if ('refuse' in expected) {
      expect(result && 'refuse' in result ? result.refuse : result).toMatch(expected.refuse);
    } else {
      expect(result && 'note' in result ? result.note : result).toMatch(expected.note);
    }
  });
});
