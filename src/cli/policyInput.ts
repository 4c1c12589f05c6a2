// Reading the candidate policy from the command line or a file, and refusing malformed ones clearly.
import { readFileSync } from 'node:fs';
import { parsePolicyList, type Diagnostic, type Disposition, type Policy, type PolicySource } from '../policy/index.ts';
import { fillPlaceholders as fillSite, INLINE_HASHES, inlineHash, NONCE, NONCE_SOURCE } from '../site/placeholders.ts';
import { listOption, type OptionSpec, type Parsed } from './args.ts';
import { UsageError } from './errors.ts';

export interface PolicyText {
  value: string;
  /** Where it came from, for messages: `--policy #1` or a file path. */
  origin: string;
}

/** Reads a file the user named with `--option`, or stops with a message saying why it cannot be read. */
export function readUserFile(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UsageError('CSPH_UNREADABLE_FILE', `cannot read --${option} ${path}: ${reason}.`);
  }
}

/** The options every command that takes a policy accepts. */
export const POLICY_OPTIONS: OptionSpec = {
  policy: { type: 'string', multiple: true },
  'policy-file': { type: 'string', multiple: true },
  lenient: { type: 'boolean' },
};

/** The policies given with --policy and --policy-file, at least one. */
export function policyTexts(command: string, args: Parsed): PolicyText[] {
  const texts: PolicyText[] = [
    ...listOption(args, 'policy').map((value, i) => ({ value, origin: `--policy #${i + 1}` })),
    ...listOption(args, 'policy-file').map(readPolicyFile),
  ];
  if (texts.length === 0) throw new UsageError('CSPH_NO_POLICY', `${command}: give a policy with --policy "<value>" or --policy-file <path>.`);
  return texts;
}

/**
 * Stands in for `{{nonce}}` when no nonce is given: a valid nonce that no element carries, as long as
 * the placeholder, so that a caret under a later token of the policy still points at it.
 */
const UNCARRIED_NONCE = 'n0nceN0nc';
const NO_HASHES = ' '.repeat(INLINE_HASHES.length);

/**
 * Fills the placeholders `run` fills per response, for a policy copied from a scenario or `vendors`:
 * `{{nonce}}` is the response's nonce (the element carries it when `nonce` is given), `{{inline-hashes}}`
 * the hash of the inline `content`. `shown` turns the stand-in nonce back into the placeholder.
 */
export function fillCopiedPlaceholders(
  texts: PolicyText[],
  given: { nonce?: string; content?: string } = {},
): { texts: PolicyText[]; shown: (text: string) => string; notes: string[]; load: (disposition: Disposition, source: PolicySource, lenient: boolean) => LoadedPolicies } {
  const notes: string[] = [];
  if (texts.some((t) => t.value.includes(NONCE))) {
    notes.push(
      given.nonce === undefined
        ? `${NONCE_SOURCE} is the response's fresh nonce; without --nonce the element does not carry it.`
        : `${NONCE_SOURCE} is the response's nonce, here ${given.nonce}, the one the element carries.`,
    );
  }
  if (texts.some((t) => t.value.includes(INLINE_HASHES)) && given.content === undefined) notes.push(`${INLINE_HASHES} stands for the hashes of the inline text; without --content it is empty.`);
  const inlineHashes = given.content === undefined ? NO_HASHES : inlineHash(given.content);
  const filled = texts.map((t) => ({ ...t, value: fillSite(t.value, { nonce: given.nonce ?? UNCARRIED_NONCE, inlineHashes }) }));
  const shown = (text: string) => text.replaceAll(UNCARRIED_NONCE, NONCE);
  return {
    texts: filled,
    shown,
    notes,
    // loadPolicies, with a malformed policy's message showing the placeholder the user wrote.
    load: (disposition, source, lenient) => {
      try {
        return loadPolicies(filled, disposition, source, lenient);
      } catch (error) {
        if (error instanceof UsageError) error.message = shown(error.message);
        throw error;
      }
    },
  };
}

/** A policy value with `run`'s placeholders filled for parsing only: same length, so columns in messages stay true. */
export function forValidation(value: string): string {
  return fillCopiedPlaceholders([{ value, origin: '' }]).texts[0]!.value;
}

export function readPolicyFile(path: string): PolicyText {
  const text = readUserFile(path, 'policy-file');
  // A file may hold the value over several lines, as the vendors' docs print them; a header name is dropped.
  const value = text
    .replace(/^\s*Content-Security-Policy(-Report-Only)?\s*:/i, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .join(' ');
  return { value, origin: path };
}

/** Points at `offset` in `value` with a caret, for messages. */
export function caret(value: string, offset: number): string {
  const start = Math.max(0, offset - 40);
  const end = Math.min(value.length, offset + 40);
  const prefix = start > 0 ? '…' : '';
  const shown = prefix + value.slice(start, end) + (end < value.length ? '…' : '');
  return `    ${shown}\n    ${' '.repeat(prefix.length + offset - start)}^`;
}

export function formatDiagnostic(text: PolicyText, d: Diagnostic): string {
  const where = d.offset === null ? text.origin : `${text.origin}, column ${d.offset + 1}`;
  const pointer = d.offset === null ? '' : `\n${caret(text.value, d.offset)}`;
  return `${where}: ${d.message}${pointer}`;
}

export interface LoadedPolicies {
  policies: Policy[];
  diagnostics: { text: PolicyText; diagnostic: Diagnostic }[];
}

/**
 * Parses each policy text. Errors (tokens browsers would drop) stop the command with exit 2 unless
 * `lenient`, in which case the policy runs as browsers would read it: without those tokens.
 */
export function loadPolicies(texts: PolicyText[], disposition: Disposition, source: PolicySource, lenient: boolean): LoadedPolicies {
  const loaded: LoadedPolicies = { policies: [], diagnostics: [] };
  for (const text of texts) {
    if (text.value.trim() === '') throw new UsageError('CSPH_EMPTY_POLICY', `${text.origin} is empty: give a policy such as "default-src 'self'".`);
    const result = parsePolicyList(text.value, { disposition, source });
    loaded.policies.push(...result.policies);
    loaded.diagnostics.push(...result.diagnostics.map((diagnostic) => ({ text, diagnostic })));
  }
  const errors = loaded.diagnostics.filter((d) => d.diagnostic.severity === 'error');
  if (errors.length > 0 && !lenient) {
    const lines = errors.map((e) => formatDiagnostic(e.text, e.diagnostic));
    throw new UsageError(
      'CSPH_MALFORMED_POLICY',
      `the policy is malformed (${errors.length} problem${errors.length > 1 ? 's' : ''}):\n  ${lines.join('\n  ')}\nFix it, or pass --lenient to go on as browsers would, ignoring ${errors.length > 1 ? 'those tokens' : 'that token'}.`,
    );
  }
  return loaded;
}
