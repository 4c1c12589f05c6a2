// The `allow` option: which violations a test tolerates. Pure.
import { fallbackList, isKnownDirective } from '../policy/index.ts';
import type { CspAllow, CspAllowRule, CspViolation } from './types.ts';

export function allowRules(allow: CspAllow | undefined): CspAllowRule[] {
  if (allow === undefined) return [];
  return Array.isArray(allow) ? [...(allow as readonly CspAllowRule[])] : [allow as CspAllowRule];
}

/** `'script-src'` covers what falls back to it: `script-src-elem`, `script-src-attr` (and `worker-src`). */
function directiveCovers(rule: string, effectiveDirective: string): boolean {
  const name = rule.trim().toLowerCase();
  return effectiveDirective === name || fallbackList(effectiveDirective).includes(name);
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function isOrigin(text: string): boolean {
  try {
    return new URL(text).origin === text.replace(/\/$/, '');
  } catch {
    return false;
  }
}

function uriMatches(pattern: string | RegExp, blockedURI: string): boolean {
  if (pattern instanceof RegExp) {
    pattern.lastIndex = 0;
    return pattern.test(blockedURI);
  }
  if (pattern.includes('*')) return globToRegExp(pattern).test(blockedURI);
  if (pattern === blockedURI) return true;
  // An origin covers its URLs (a report may carry only the origin of a cross-origin URL: that too).
  if (isOrigin(pattern)) {
    const origin = pattern.replace(/\/$/, '');
    return blockedURI === origin || blockedURI.startsWith(`${origin}/`);
  }
  return false;
}

export function ruleMatches(rule: CspAllowRule, violation: CspViolation): boolean {
  if (typeof rule === 'function') return rule(violation) === true;
  if (rule instanceof RegExp) return uriMatches(rule, violation.blockedURI);
  if (typeof rule === 'string') {
    if (isKnownDirective(rule.trim().toLowerCase())) return directiveCovers(rule, violation.effectiveDirective);
    return uriMatches(rule, violation.blockedURI);
  }
  if (rule.directive === undefined && rule.blockedURI === undefined && rule.disposition === undefined) return false;
  if (rule.directive !== undefined && !directiveCovers(rule.directive, violation.effectiveDirective)) return false;
  if (rule.blockedURI !== undefined && !uriMatches(rule.blockedURI, violation.blockedURI)) return false;
  if (rule.disposition !== undefined && rule.disposition !== violation.disposition) return false;
  return true;
}

export function isAllowed(violation: CspViolation, rules: readonly CspAllowRule[]): boolean {
  return rules.some((rule) => ruleMatches(rule, violation));
}

/** Splits violations into those that count and those the rules allow. */
export function partition(violations: readonly CspViolation[], allow: CspAllow | undefined, reportOnly = true): { counted: CspViolation[]; allowed: CspViolation[] } {
  const rules = allowRules(allow);
  const counted: CspViolation[] = [];
  const allowed: CspViolation[] = [];
  for (const v of violations) {
    if (isAllowed(v, rules) || (!reportOnly && v.disposition === 'report')) allowed.push(v);
    else counted.push(v);
  }
  return { counted, allowed };
}
