// Writing policies back as header values, and merging policies per directive.
import { serializeSource } from './source.ts';
import type { Directive, Policy } from './types.ts';

function directiveValues(directive: Directive): string[] {
  const values = directive.sources ? directive.sources.map(serializeSource) : directive.tokens;
  return [...new Set(values)];
}

/** One policy in normal form: `name value value; name value`. */
export function serializePolicy(policy: Policy): string {
  return policy.directives.map((d) => [d.name, ...directiveValues(d)].join(' ')).join('; ');
}

/** Several policies as one header value (comma-separated, as CSP3 serializes a list). */
export function serializePolicyList(policies: Policy[]): string {
  return policies.map(serializePolicy).join(', ');
}

/**
 * Merges policies into one: per directive, the union of their values, deduplicated, in order of
 * first appearance (seed 004: "If the same directive appears in multiple policies, Chargebee combines their values").
 * `'none'` is dropped from a directive that gains other values.
 */
export function mergePolicies(policies: Policy[]): Policy {
  const merged: Policy = { disposition: policies[0]?.disposition ?? 'enforce', source: policies[0]?.source ?? 'header', directives: [] };
  for (const policy of policies) {
    for (const d of policy.directives) {
      const existing = merged.directives.find((m) => m.name === d.name);
      if (!existing) {
        merged.directives.push({ name: d.name, tokens: [...d.tokens], sources: d.sources ? [...d.sources] : null, offset: d.offset });
        continue;
      }
      existing.tokens.push(...d.tokens);
      if (existing.sources && d.sources) existing.sources.push(...d.sources);
    }
  }
  for (const d of merged.directives) {
    if (d.sources) {
      const seen = new Set<string>();
      d.sources = d.sources.filter((s) => {
        const key = serializeSource(s);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      if (d.sources.some((s) => s.kind !== 'none')) d.sources = d.sources.filter((s) => s.kind !== 'none');
      d.tokens = d.sources.map(serializeSource);
    } else {
      d.tokens = [...new Set(d.tokens)];
    }
  }
  return merged;
}
