// The command line: dispatch, and the one place where errors become exit codes.
import { HarnessError } from '../shared/vocabulary.ts';
import { EXIT_OK, EXIT_USAGE } from './errors.ts';
import { processIo, type Io } from './io.ts';

type Command = (argv: string[], io: Io) => number | Promise<number>;

// Loaded on demand: `lint` need not load the browsers, `run` need not load csp_evaluator.
const COMMANDS: Record<string, () => Promise<Command>> = {
  explain: async () => (await import('./explain.ts')).explainCommand,
  compile: async () => (await import('./compile.ts')).compileCommand,
  lint: async () => (await import('./lint.ts')).lintCommand,
  run: async () => (await import('./run.ts')).runCommand,
  vendors: async () => (await import('./vendors.ts')).vendorsCommand,
  serve: async () => (await import('./serve.ts')).serveCommand,
  merge: async () => (await import('./merge.ts')).mergeCommand,
  record: async () => (await import('./record.ts')).recordCommand,
  suggest: async () => (await import('./suggest.ts')).suggestCommand,
};

export const MAIN_HELP = `Usage: csp-harness <command> [options]

Does your Content Security Policy break the third-party embeds on your pages?

Commands:
  run       the matrix: every vendor feature under the policy in Chromium, Firefox and WebKit
            (--fix: add what the engines blocked until every cell passes)
  suggest   a policy under which every selected vendor feature works in all three engines, verified
  serve     the fixture proxy and pages, for a browser of your own
  vendors   the bundled vendors, features, parameters and documented policies
  merge     combine the report.json files of --shard runs into one report
  record    a vendor's real traffic (HAR) and a vendor.json, from its embed code
  explain   would a policy allow one request, and which directive decides (spec oracle)
  compile   a vendor's own policy format to its header (see: csp-harness compile --help)
  lint      static findings on a policy

Run 'csp-harness <command> --help' for its options. Exit codes: 0 ok, 1 failed, 2 bad input.`;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(MAIN_HELP);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`csp-harness: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')} (see csp-harness --help).`);
    return EXIT_USAGE;
  }
  try {
    return await (await command())(rest, io);
  } catch (error) {
    if (error instanceof HarnessError) {
      io.err(`csp-harness: ${error.message}`);
      return EXIT_USAGE;
    }
    const detail = process.env.CSP_HARNESS_DEBUG ? `\n${(error as Error).stack}` : ' (set CSP_HARNESS_DEBUG=1 for the stack trace, and please report it)';
    io.err(`csp-harness: internal error in ${name}: ${(error as Error).message ?? String(error)}${detail}`);
    return EXIT_USAGE;
  }
}
