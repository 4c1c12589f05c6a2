// The pure CSP model: parse, serialize, merge, match (the spec oracle), lint.
export * from './types.ts';
export { parsePolicy, parsePolicyList, getDirective } from './parse.ts';
export type { ParseOptions } from './parse.ts';
export { parseSourceExpression, serializeSource } from './source.ts';
export { serializePolicy, serializePolicyList, mergePolicies } from './serialize.ts';
export { fallbackList, isKnownDirective, isSourceListDirective, FETCH_DIRECTIVES } from './directives.ts';
export { urlMatchesExpression, findMatchingExpression, schemePartMatches, hostPartMatches, portPartMatches, pathPartMatches } from './match.ts';
export { check, checkPolicy, effectiveDirectiveFor, isInlineType, isUrlType } from './evaluate.ts';
export type { CheckInputError } from './evaluate.ts';
export { lintPolicy } from './lint.ts';
export type { LintFinding } from './lint.ts';
