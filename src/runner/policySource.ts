// A vendor's policy format (seed 004's Chargebee configuration) → one header: the one path every
// caller takes (run's flag, scenario files, `compile`), one message format, the source's own code.
import { readFileSync } from 'node:fs';
import { HarnessError } from '../shared/vocabulary.ts';
import type { PolicySource, SourceProblem } from '../vendors/types.ts';

/** The file does not compile (or cannot be read): exit 2 with the source's own code. */
export class PolicySourceError extends HarnessError {}

/** `path:line:column at /pointer: message`. */
export function describeProblem(path: string, p: SourceProblem): string {
  const at = p.line !== undefined ? `:${p.line}${p.column !== undefined ? `:${p.column}` : ''}` : '';
  const pointer = p.pointer === '' ? '' : ` at ${p.pointer}`;
  return `${path}${at}${pointer}: ${p.message}`;
}

export interface CompiledPolicy {
  header: string;
  /** Each one line, in describeProblem's format. */
  warnings: string[];
}

/** Reads and compiles a policy-source file, or throws a PolicySourceError naming every problem (warnings too: they often say why). */
export function compilePolicySource(source: PolicySource, path: string, shownAs: string = path): CompiledPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new PolicySourceError('CSPH_UNREADABLE_FILE', `cannot read --${source.flag} ${shownAs}: ${reason}.`);
  }
  const result = source.compile(text);
  const warnings = result.warnings.map((w) => describeProblem(shownAs, w));
  if (!result.ok) {
    const lines = [...result.errors.map((e) => describeProblem(shownAs, e)), ...warnings.map((w) => `warning: ${w}`)];
    const n = result.errors.length;
    throw new PolicySourceError(source.errorCode, `${shownAs} is not a valid ${source.description}; ${n} problem${n > 1 ? 's' : ''}:\n  ${lines.join('\n  ')}`);
  }
  return { header: result.header, warnings };
}
