// Argument parsing on node:util parseArgs, with messages that say what to do.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseCommandArgs(command: string, argv: string[], options: OptionSpec, allowPositionals = false): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError('CSPH_BAD_ARGS', `${command}: ${message.replace(/\. To specify a positional.*$/s, '')}. See 'csp-harness ${command} --help'.`);
  }
}

export function stringOption(parsed: Parsed, name: string): string | undefined {
  const v = parsed.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOption(parsed: Parsed, name: string): string[] {
  const v = parsed.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

export function flag(parsed: Parsed, name: string): boolean {
  return parsed.values[name] === true;
}
