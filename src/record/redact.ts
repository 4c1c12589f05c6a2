// Secrets kept out of a recording (decisions/0007): the values of the headers that carry credentials
// are replaced, request and response alike, unless `--keep-secrets`. Pure.

export const REDACTED = '[redacted by csp-harness]';

/** Header names (lower case) whose values are credentials. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

export type HeaderList = readonly (readonly [name: string, value: string])[];

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** The headers, in order, with every secret header's value replaced (names and order kept). */
export function redactHeaders(headers: HeaderList): [string, string][] {
  return headers.map(([name, value]) => [name, isSecretHeader(name) ? REDACTED : value]);
}
