// Where things are in a JSON text: line and column of a syntax error, and of every value by JSON pointer.
/** A problem in a JSON document: its JSON pointer, and line and column where known. */
export interface JsonProblem {
  /** JSON pointer (RFC 6901) of the value at fault, e.g. `/policies/0/img-src/expressions/1/value`; `""` is the whole document. */
  pointer: string;
  message: string;
  /** 1-based line of the value (or of the JSON syntax error) in the text. */
  line?: number;
  /** 1-based column, in UTF-16 code units. */
  column?: number;
}

/** RFC 6901: `~` and `/` in a key are escaped in a JSON pointer. */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export interface Located {
  /** Offset of each value, by JSON pointer. */
  positions: Map<string, number>;
  duplicates: { pointer: string; key: string }[];
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const at = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: at - lineStart + 1 };
}

/**
 * The problem for a JSON.parse failure. V8 names the place as "at position N" (Node 20),
 * "(line L column C)" (newer V8) or "Unexpected end of JSON input"; its "Unexpected token 'x', "…" is
 * not valid JSON" form names none, so the text is then scanned here to find the offending character.
 */
export function jsonSyntaxProblem(text: string, error: unknown, what = 'the configuration'): JsonProblem {
  const raw = error instanceof Error ? error.message : String(error);
  let where: { line: number; column: number } | null = null;
  const lc = /\(line (\d+) column (\d+)\)/.exec(raw);
  const pos = /at position (\d+)/.exec(raw);
  if (lc) where = { line: Number(lc[1]), column: Number(lc[2]) };
  else if (pos) where = lineColumn(text, Number(pos[1]));
  else if (/Unexpected end of JSON input/i.test(raw)) where = lineColumn(text, text.length);
  if (!where) {
    const offset = syntaxErrorOffset(text);
    if (offset !== null) where = lineColumn(text, offset);
  }
  const reason = raw
    .replace(/,\s*(\.\.\.)?".*" is not valid JSON$/s, '')
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s*in JSON at position \d+/, '')
    .replace(/\s*at position \d+/, '')
    .trim();
  const place = where ? ` at line ${where.line}, column ${where.column}` : '';
  const problem: JsonProblem = { pointer: '', message: `${what} is not valid JSON${place}: ${reason || 'syntax error'}` };
  if (where) Object.assign(problem, where);
  return problem;
}

class ScanError {
  constructor(readonly offset: number) {}
}

/** Where `text` stops being JSON, or null if it is JSON (or too deep to scan). */
function syntaxErrorOffset(text: string): number | null {
  try {
    new Scanner(text).document();
    return null;
  } catch (error) {
    return error instanceof ScanError ? error.offset : null;
  }
}

export function locateValues(text: string): Located {
  const scanner = new Scanner(text);
  scanner.document();
  return { positions: scanner.positions, duplicates: scanner.duplicates };
}

/** A minimal JSON (RFC 8259) scanner that records where each value starts. */
class Scanner {
  readonly positions = new Map<string, number>();
  readonly duplicates: { pointer: string; key: string }[] = [];
  private i = 0;
  constructor(private readonly text: string) {}

  document(): void {
    this.value('');
    this.space();
    if (this.i < this.text.length) throw new ScanError(this.i);
  }

  private space(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i]!)) this.i++;
  }

  private expect(char: string): void {
    if (this.text[this.i] !== char) throw new ScanError(this.i);
    this.i++;
  }

  private value(pointer: string): void {
    this.space();
    this.positions.set(pointer, this.i);
    const c = this.text[this.i];
    if (c === '{') this.object(pointer);
    else if (c === '[') this.array(pointer);
    else if (c === '"') this.string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.number();
    else this.literal();
  }

  private object(pointer: string): void {
    this.i++;
    this.space();
    if (this.text[this.i] === '}') {
      this.i++;
      return;
    }
    const seen = new Set<string>();
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"') throw new ScanError(this.i);
      const key = this.string();
      const child = `${pointer}/${escapePointer(key)}`;
      if (seen.has(key)) this.duplicates.push({ pointer: child, key });
      seen.add(key);
      this.space();
      this.expect(':');
      this.value(child);
      this.space();
      if (this.text[this.i] === ',') {
        this.i++;
        continue;
      }
      this.expect('}');
      return;
    }
  }

  private array(pointer: string): void {
    this.i++;
    this.space();
    if (this.text[this.i] === ']') {
      this.i++;
      return;
    }
    for (let index = 0; ; index++) {
      this.value(`${pointer}/${index}`);
      this.space();
      if (this.text[this.i] === ',') {
        this.i++;
        continue;
      }
      this.expect(']');
      return;
    }
  }

  /** Scans a string literal and returns its decoded value. */
  private string(): string {
    const start = this.i;
    this.i++;
    for (;;) {
      const c = this.text.charCodeAt(this.i);
      if (Number.isNaN(c) || c < 0x20) throw new ScanError(this.i);
      if (c === 0x22) {
        this.i++;
        return JSON.parse(this.text.slice(start, this.i)) as string;
      }
      if (c === 0x5c) {
        const e = this.text[this.i + 1];
        if (e === 'u') {
          if (!/^[0-9A-Fa-f]{4}$/.test(this.text.slice(this.i + 2, this.i + 6))) throw new ScanError(this.i);
          this.i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          this.i += 2;
        } else {
          throw new ScanError(this.i);
        }
        continue;
      }
      this.i++;
    }
  }

  private number(): void {
    const re = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
    re.lastIndex = this.i;
    const m = re.exec(this.text);
    if (!m) throw new ScanError(this.i);
    this.i += m[0].length;
  }

  private literal(): void {
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return;
      }
    }
    // Point at the first character that cannot continue a literal.
    const word = ['true', 'false', 'null'].find((w) => w[0] === this.text[this.i]);
    if (word) {
      let k = 0;
      while (k < word.length && this.text[this.i + k] === word[k]) k++;
      throw new ScanError(this.i + k);
    }
    throw new ScanError(this.i);
  }
}
