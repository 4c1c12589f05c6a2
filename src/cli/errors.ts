import { HarnessError } from '../shared/vocabulary.ts';

/** Exit codes of the contract (docs/cli.md): 0 ok, 1 a cell failed / lint error, 2 bad input or set-up. */
export const EXIT_OK = 0;
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;

/**
 * A problem with what the user gave us: printed as one `csp-harness:` message, exit code 2, no stack.
 * Every HarnessError that reaches main (a config, plan, policy-source or engine set-up error) is one too.
 */
export class UsageError extends HarnessError {
  readonly exitCode = EXIT_USAGE;
}
