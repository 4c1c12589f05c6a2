// Parsing serialized policies as CSP Level 3 §2.2 does. Never throws: problems become diagnostics.
import { isKnownDirective, isSourceListDirective, META_IGNORED_DIRECTIVES } from './directives.ts';
import { parseSourceExpression } from './source.ts';
import type { Diagnostic, Directive, Disposition, ParseResult, Policy, PolicySource } from './types.ts';

export interface ParseOptions {
  disposition?: Disposition;
  source?: PolicySource;
}

const ASCII_WS = /[\t\n\f\r ]/;

function diag(
  severity: Diagnostic['severity'],
  code: string,
  message: string,
  offset: number | null,
  directive: string | null = null,
  token: string | null = null,
): Diagnostic {
  return { severity, code, message, offset, directive, token };
}

interface Piece {
  text: string;
  offset: number;
}

/** Splits `text` on `sep`, keeping each piece's offset (relative to `base`). */
function splitWithOffsets(text: string, sep: string, base: number): Piece[] {
  const pieces: Piece[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === sep) {
      pieces.push({ text: text.slice(start, i), offset: base + start });
      start = i + 1;
    }
  }
  return pieces;
}

/** Splits on ASCII whitespace, dropping empty tokens, keeping offsets. */
function tokenize(text: string, base: number): Piece[] {
  const tokens: Piece[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const ws = i === text.length || ASCII_WS.test(text[i]!);
    if (ws && start >= 0) {
      tokens.push({ text: text.slice(start, i), offset: base + start });
      start = -1;
    } else if (!ws && start < 0) {
      start = i;
    }
  }
  return tokens;
}

/** Parses one serialized policy (no commas). `base` is its offset in the whole input. */
export function parsePolicy(serialized: string, base = 0, options: ParseOptions = {}): ParseResult {
  const disposition = options.disposition ?? 'enforce';
  const source = options.source ?? 'header';
  const diagnostics: Diagnostic[] = [];
  const policy: Policy = { disposition, source, directives: [] };
  for (const piece of splitWithOffsets(serialized, ';', base)) {
    const tokens = tokenize(piece.text, piece.offset);
    const first = tokens[0];
    if (!first) continue;
    const rawName = first.text;
    if (!/^[A-Za-z0-9-]+$/.test(rawName)) {
      diagnostics.push(
        diag('error', 'CSPH_BAD_DIRECTIVE_NAME', `"${rawName}" is not a directive name (letters, digits and "-" only)`, first.offset, null, rawName),
      );
      continue;
    }
    const name = rawName.toLowerCase();
    // CSP3 "Parse a serialized CSP" step 2.2: a directive that is not an ASCII string is skipped whole.
    const nonAscii = piece.text.search(/[^\x00-\x7f]/);
    if (nonAscii >= 0) {
      diagnostics.push(
        diag('error', 'CSPH_NON_ASCII', `${name} holds a character that is not ASCII, so browsers ignore the whole directive`, piece.offset + nonAscii, name),
      );
      continue;
    }
    if (policy.directives.some((d) => d.name === name)) {
      diagnostics.push(
        diag('warning', 'CSPH_DUPLICATE_DIRECTIVE', `${name} appears again and is ignored: the first ${name} wins`, first.offset, name),
      );
      continue;
    }
    if (!isKnownDirective(name)) {
      diagnostics.push(diag('warning', 'CSPH_UNKNOWN_DIRECTIVE', `unknown directive ${name} (kept, but browsers ignore it)`, first.offset, name));
    }
    if (source === 'meta' && META_IGNORED_DIRECTIVES.has(name)) {
      diagnostics.push(
        diag('warning', 'CSPH_META_IGNORED', `${name} is ignored in a policy delivered by <meta>: send it as a header`, first.offset, name),
      );
      continue;
    }
    const valueTokens = tokens.slice(1);
    const directive: Directive = { name, tokens: valueTokens.map((t) => t.text), sources: null, offset: first.offset };
    if (isSourceListDirective(name)) {
      directive.sources = [];
      for (const token of valueTokens) {
        const parsed = parseSourceExpression(token.text);
        if (parsed.ok) {
          directive.sources.push(parsed.source);
        } else {
          diagnostics.push(diag('error', parsed.code, `${name}: ${parsed.message}`, token.offset + parsed.at, name, token.text));
        }
      }
      const noneCount = directive.sources.filter((s) => s.kind === 'none').length;
      if (noneCount > 0 && directive.sources.length > noneCount) {
        diagnostics.push(
          diag('warning', 'CSPH_NONE_WITH_OTHERS', `${name}: 'none' next to other sources is ignored; the other sources apply`, directive.offset, name, "'none'"),
        );
      }
    }
    policy.directives.push(directive);
  }
  if (source === 'meta' && disposition === 'report') {
    diagnostics.push(
      diag('warning', 'CSPH_META_REPORT_ONLY', 'a report-only policy in <meta> is ignored by browsers: send Content-Security-Policy-Report-Only as a header', base),
    );
    return { policies: [], diagnostics };
  }
  return { policies: [policy], diagnostics };
}

/** Parses a serialized CSP list: one header value, possibly several comma-separated policies. */
export function parsePolicyList(serialized: string, options: ParseOptions = {}): ParseResult {
  const result: ParseResult = { policies: [], diagnostics: [] };
  for (const piece of splitWithOffsets(serialized, ',', 0)) {
    if (piece.text.trim() === '') continue;
    const one = parsePolicy(piece.text, piece.offset, options);
    result.policies.push(...one.policies);
    result.diagnostics.push(...one.diagnostics);
  }
  if (result.policies.length === 0 && result.diagnostics.length === 0) {
    result.diagnostics.push(diag('error', 'CSPH_EMPTY_POLICY', 'the policy is empty', 0));
  }
  return result;
}

export function getDirective(policy: Policy, name: string): Directive | undefined {
  return policy.directives.find((d) => d.name === name);
}
