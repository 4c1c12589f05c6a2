import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordError } from './errors.ts';
import { DEFAULT_WAIT_MS, recordOptions, type RecordFlags } from './options.ts';

const EMBED = '<script src="https://widget.acme.test/loader.js" async></script>';
const fresh = () => join(mkdtempSync(join(tmpdir(), 'csph-record-options-')), 'acme');

function codeOf(flags: RecordFlags): string {
  try {
    recordOptions(flags);
    return 'ok';
  } catch (error) {
    if (error instanceof RecordError) return error.code;
    throw error;
  }
}

describe('recordOptions', () => {
  it('defaults: chromium, the id as title, a wait, secrets redacted', () => {
    const options = recordOptions({ embed: EMBED, id: 'acme', out: fresh() });
    expect(options).toMatchObject({ browser: 'chromium', title: 'acme', waitMs: DEFAULT_WAIT_MS, keepSecrets: false, force: false, upstreamCaPaths: [] });
    expect(options.resolve.size).toBe(0);
  });

  it.each<[RecordFlags, string]>([
    [{ embed: '', id: 'acme' }, 'CSPH_RECORD_BAD_EMBED'],
    [{ embed: '   ', id: 'acme' }, 'CSPH_RECORD_BAD_EMBED'],
    [{ embed: EMBED }, 'CSPH_RECORD_BAD_ID'],
    [{ embed: EMBED, id: 'Acme' }, 'CSPH_RECORD_BAD_ID'],
    [{ embed: EMBED, id: 'acme chat' }, 'CSPH_RECORD_BAD_ID'],
    [{ embed: EMBED, id: 'acme_chat' }, 'CSPH_RECORD_BAD_ID'],
    [{ embed: EMBED, id: 'acme-chat-2' }, 'ok'],
    [{ embed: EMBED, id: 'acme', wait: '-1' }, 'CSPH_RECORD_BAD_WAIT'],
    [{ embed: EMBED, id: 'acme', wait: '1.5' }, 'CSPH_RECORD_BAD_WAIT'],
    [{ embed: EMBED, id: 'acme', wait: '2s' }, 'CSPH_RECORD_BAD_WAIT'],
    [{ embed: EMBED, id: 'acme', wait: '99999999' }, 'CSPH_RECORD_BAD_WAIT'],
    [{ embed: EMBED, id: 'acme', wait: '0' }, 'ok'],
    [{ embed: EMBED, id: 'acme', wait: '5000' }, 'ok'],
    [{ embed: EMBED, id: 'acme', browser: 'safari' }, 'CSPH_RECORD_BAD_BROWSER'],
    [{ embed: EMBED, id: 'acme', browser: 'webkit' }, 'ok'],
    [{ embed: EMBED, id: 'acme', resolve: ['widget.acme.test'] }, 'CSPH_RECORD_BAD_RESOLVE'],
    [{ embed: EMBED, id: 'acme', resolve: ['widget.acme.test=127.0.0.1:8443'] }, 'ok'],
  ])('%j → %s', (flags, code) => {
    expect(codeOf({ out: fresh(), ...flags })).toBe(code);
  });

  it('needs --out', () => {
    expect(codeOf({ embed: EMBED, id: 'acme' })).toBe('CSPH_RECORD_BAD_OUT');
  });

  it.each(['vendor.json', 'traffic.har'])('refuses an --out holding %s unless --force, naming the file and the flag', (file) => {
    const out = mkdtempSync(join(tmpdir(), 'csph-record-options-'));
    writeFileSync(join(out, file), '{}');
    expect(() => recordOptions({ embed: EMBED, id: 'acme', out })).toThrow(new RegExp(`${file.replace('.', '\\.')} exists already.*--force`));
    expect(codeOf({ embed: EMBED, id: 'acme', out })).toBe('CSPH_RECORD_EXISTS');
    expect(recordOptions({ embed: EMBED, id: 'acme', out, force: true }).force).toBe(true);
  });
});
