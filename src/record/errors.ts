// What stops a recording, with a stable code each: scripts and tests match on the code, the message
// says what was wrong, where, and what to do (printed by src/cli/main.ts as exit 2, no stack).
import { HarnessError } from '../shared/vocabulary.ts';

/**
 * - `CSPH_RECORD_BAD_ID`, `CSPH_RECORD_BAD_WAIT`, `CSPH_RECORD_BAD_RESOLVE`, `CSPH_RECORD_BAD_CA`,
 *   `CSPH_RECORD_BAD_EMBED`, `CSPH_RECORD_BAD_OUT`, `CSPH_RECORD_BAD_BROWSER`: a flag's value is wrong;
 * - `CSPH_RECORD_EXISTS`: `--out` already holds a recording and `--force` was not given;
 * - `CSPH_RECORD_DNS`, `CSPH_RECORD_TLS`, `CSPH_RECORD_REFUSED`, `CSPH_RECORD_UPSTREAM`: a host the
 *   embed contacted could not be reached (name not found, certificate not trusted, connection
 *   refused, anything else);
 * - `CSPH_RECORD_NOTHING`: the embed contacted no host but the page's while it loaded;
 * - `CSPH_RECORD_LOAD`: the browser could not load the page;
 * - `CSPH_RECORD_WRITE`: the output could not be written.
 */
export type RecordErrorCode =
  | 'CSPH_RECORD_BAD_ID'
  | 'CSPH_RECORD_BAD_WAIT'
  | 'CSPH_RECORD_BAD_RESOLVE'
  | 'CSPH_RECORD_BAD_CA'
  | 'CSPH_RECORD_BAD_EMBED'
  | 'CSPH_RECORD_BAD_OUT'
  | 'CSPH_RECORD_BAD_BROWSER'
  | 'CSPH_RECORD_EXISTS'
  | 'CSPH_RECORD_DNS'
  | 'CSPH_RECORD_TLS'
  | 'CSPH_RECORD_REFUSED'
  | 'CSPH_RECORD_UPSTREAM'
  | 'CSPH_RECORD_NOTHING'
  | 'CSPH_RECORD_LOAD'
  | 'CSPH_RECORD_WRITE';

export class RecordError extends HarnessError {
  declare readonly code: RecordErrorCode;
  constructor(code: RecordErrorCode, message: string) {
    super(code, message);
  }
}
