// `suggest --style strict`: a nonce and 'strict-dynamic' for scripts (host allow-lists are ignored
// beside it, so no host is ever added to script-src), least privilege for every other type. A
// script the engines still block under it is a vendor that does not work with 'strict-dynamic'
// (a parser-inserted script without the nonce, inline code, an event handler): suggest then falls
// back to host allow-lists and says which vendor/feature made it. Also the strictness statement of
// every suggested policy: csp_evaluator's high-severity findings, each with what forced it. Pure.
import { lintPolicy } from './lint.ts';
import { suggestNeedFor } from './suggest.ts';
import type { Need } from './fixPolicy.ts';
import { NONCE_SOURCE } from '../shared/placeholders.ts';

/** Google's strict CSP (nonce, 'strict-dynamic', no plugins, no <base>), and `'self'` for every other type. */
export const STRICT_BASE = `default-src 'self'; script-src ${NONCE_SOURCE} 'strict-dynamic'; object-src 'none'; base-uri 'none'`;

export const isScriptDirective = (directive: string) => /^script-src(-elem|-attr)?$/i.test(directive);

/** suggest's needs, but none for scripts: under 'strict-dynamic' only the nonce and trust propagation allow them. */
export function strictNeedFor(violation: { effectiveDirective: string; blockedURI: string }): Need | null {
  return isScriptDirective(violation.effectiveDirective) ? null : suggestNeedFor(violation);
}

interface CellLike {
  id: string;
  status: string;
  violations: readonly { disposition: string; effectiveDirective: string; blockedURI: string }[];
}

/** Cell id without its browser, and without the `policy/` prefix of a one-policy run. */
const featureOf = (id: string) => id.slice(0, id.lastIndexOf('/')).replace(/^policy\//, '');
const browserOf = (id: string) => id.slice(id.lastIndexOf('/') + 1);

/**
 * Why strict did not work: per vendor/feature, the scripts the engines blocked under the strict
 * policy — `genesys/launcher: script-src-elem blocked https://… (chromium, firefox)`. Empty when no
 * cell failed on a script.
 */
export function strictBlockers(cells: readonly CellLike[]): string[] {
  const grouped = new Map<string, string[]>();
  for (const cell of cells) {
    if (cell.status !== 'fail') continue;
    for (const v of cell.violations) {
      if (v.disposition !== 'enforce' || !isScriptDirective(v.effectiveDirective)) continue;
      const key = `${featureOf(cell.id)}: ${v.effectiveDirective} blocked ${v.blockedURI}`;
      const browsers = grouped.get(key) ?? [];
      if (!browsers.includes(browserOf(cell.id))) browsers.push(browserOf(cell.id));
      grouped.set(key, browsers);
    }
  }
  return [...grouped].map(([line, browsers]) => `${line} (${browsers.join(', ')})`);
}

/** A high-severity csp_evaluator finding of a suggested policy, and the added sources' cells that forced it (none: nothing did). */
export interface HighFinding {
  directive: string;
  value: string | null;
  message: string;
  forcedBy: string[];
}

/**
 * csp_evaluator's high-severity findings on the policy. A finding is forced when its source is one
 * suggest added for a selected cell (the `forced` lines name them); otherwise it came from the
 * user's --from policy or the base, and `forcedBy` is empty.
 */
export function highFindings(policy: string, additions: readonly { directive: string; source: string; cells: readonly string[] }[]): HighFinding[] {
  return lintPolicy(policy)
    .filter((f) => f.source === 'csp_evaluator' && f.severity === 'error')
    .map((f) => {
      const values = (f.value ?? '').toLowerCase().split(/\s+/).filter((v) => v !== '');
      const forcing = additions.filter((a) => values.includes(a.source.toLowerCase()) && (f.directive === '' || a.directive.toLowerCase().startsWith(f.directive.toLowerCase())));
      const forcedBy = [...new Set(forcing.flatMap((a) => a.cells.map(featureOf)))];
      return { directive: f.directive, value: f.value ?? null, message: f.message, forcedBy };
    });
}
