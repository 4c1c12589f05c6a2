// `csp-harness lint`'s brain: Google's csp_evaluator findings, plus csp-harness's own where it is silent.
// Pure: never throws; a check that fails becomes a finding.
//
// csp_evaluator is CommonJS (no "exports" map, no "type"), so ESM may deep-import its dist files. Node
// (and so vitest and `node --import tsx`) finds the named exports with cjs-module-lexer, since tsc emits
// each as a plain `exports.Name = …` assignment: named imports work at run time and keep its types.
import { CspEvaluator, DEFAULT_CHECKS, STRICTCSP_CHECKS } from 'csp_evaluator/dist/evaluator.js';
import { Severity as EvaluatorSeverity, Type as EvaluatorType } from 'csp_evaluator/dist/finding.js';
import type { Finding as EvaluatorFinding } from 'csp_evaluator/dist/finding.js';
import { CspParser } from 'csp_evaluator/dist/parser.js';
import { Version } from 'csp_evaluator/dist/csp.js';
import { isKnownDirective } from './directives.ts';
import { parsePolicyList } from './parse.ts';
import type { Policy } from './types.ts';
import { own, diagnosticFinding, POLICY_CHECKS, sameValue, type Draft, type LintFinding } from './lintChecks.ts';

export type { LintFinding } from './lintChecks.ts';
type LintSeverity = LintFinding['severity'];

// ---------------------------------------------------------------------------------------------
// csp_evaluator

const SEVERITY_MAP: ReadonlyMap<EvaluatorSeverity, LintSeverity> = new Map([
  [EvaluatorSeverity.HIGH, 'error'],
  [EvaluatorSeverity.SYNTAX, 'error'],
  [EvaluatorSeverity.MEDIUM, 'warning'],
  [EvaluatorSeverity.HIGH_MAYBE, 'warning'],
  [EvaluatorSeverity.STRICT_CSP, 'warning'],
  [EvaluatorSeverity.MEDIUM_MAYBE, 'warning'],
  [EvaluatorSeverity.INFO, 'info'],
  // Severity.NONE (the "ignored because of a nonce / 'strict-dynamic'" notes) is dropped: checks (d) and (e) say it.
]);

/**
 * Findings csp_evaluator makes that csp-harness leaves out. REQUIRE_TRUSTED_TYPES_FOR_SCRIPTS fires on every
 * policy without `require-trusted-types-for 'script'`, and turning Trusted Types on breaks most third-party
 * embeds, which is what this tool tests: as a default suggestion it is noise here.
 */
const DROPPED_TYPES: ReadonlySet<EvaluatorType> = new Set([EvaluatorType.REQUIRE_TRUSTED_TYPES_FOR_SCRIPTS]);

/** Internal: a finding plus what reconciliation needs to know about it. */


function evaluatorCode(type: EvaluatorType): string {
  return `CSP_EVALUATOR_${EvaluatorType[type] ?? String(type)}`;
}

/** `directive NUL token`: how a rejected token is remembered. */
const tokenKey = (directive: string, token: string) => `${directive}\u0000${token}`;

/**
 * Runs csp_evaluator (CSP3) on one serialized policy (no commas), as browsers read it: without the tokens
 * csp-harness's parser rejected (`rejected`), which it reports itself with their column. Left in, they only
 * draw vaguer findings ("seems to be an invalid CSP keyword") or make a check throw (checkIpSource calls
 * `new URL()` on every source). Each check also runs on its own, so one that throws costs only its own
 * findings. `label` names the policy in a failure message.
 */
function evaluatorFindings(text: string, label: string, rejected: ReadonlySet<string>): Draft[] {
  const parsed = new CspParser(text).csp;
  for (const [name, values] of Object.entries(parsed.directives)) {
    if (values) parsed.directives[name] = values.filter((v) => !rejected.has(tokenKey(name, v)));
  }
  // The strict-CSP checks run on the policy as written: on the "effective" policy csp_evaluator has already
  // removed the 'unsafe-inline' and host fall-backs they look for, and would advise adding what is there.
  const runs = [
    ...STRICTCSP_CHECKS.map((check) => ({ check, run: () => new CspEvaluator(parsed, Version.CSP3).evaluate([check], []) })),
    ...DEFAULT_CHECKS.map((check) => ({ check, run: () => new CspEvaluator(parsed, Version.CSP3).evaluate(undefined, [check]) })),
  ];
  const drafts: Draft[] = [];
  for (const { check, run } of runs) {
    let findings: EvaluatorFinding[];
    try {
      findings = run();
    } catch (error) {
      drafts.push(
        own(
          'warning',
          'CSPH_EVALUATOR_FAILED',
          '',
          `csp_evaluator's ${check.name || 'check'} could not run on ${label} (${describe(error)}), so its findings are missing: fix the errors reported for this policy and lint again.`,
        ),
      );
      continue;
    }
    for (const f of findings) {
      const severity = SEVERITY_MAP.get(f.severity);
      if (severity === undefined || DROPPED_TYPES.has(f.type)) continue;
      const draft: Draft = {
        severity,
        directive: f.directive ?? '',
        message: f.description,
        code: evaluatorCode(f.type),
        source: 'csp_evaluator',
        evaluatorType: f.type,
      };
      if (f.value !== undefined) draft.value = f.value;
      drafts.push(draft);
    }
  }
  return drafts;
}

/** The comma-separated members of a CSP list, as parsePolicyList splits them (blank members skipped). */
function splitPolicyList(serialized: string): string[] {
  return serialized.split(',').filter((piece) => piece.trim() !== '');
}

// ---------------------------------------------------------------------------------------------
// csp-harness's own checks. Each takes one parsed policy and returns findings.

function reconcile(drafts: Draft[]): Draft[] {
  const ours = drafts.filter((f) => f.source === 'csp-harness');
  const theirs = drafts.filter((f) => f.source === 'csp_evaluator');
  const tokenFindings = ours.filter((f) => f.severity === 'error' || f.code === 'CSPH_NONCE_PLACEHOLDER');
  return drafts.filter((f) => {
    if (f.source === 'csp_evaluator') {
      // csp_evaluator 1.1.8 predates some CSP3 directives (fenced-frame-src): do not call them unknown.
      if (f.evaluatorType === EvaluatorType.UNKNOWN_DIRECTIVE && isKnownDirective(f.directive)) return false;
      // A nonce csp-harness calls a placeholder (or a token its parser rejected, should one slip through):
      // csp_evaluator's "invalid keyword", "nonce charset" and "nonce length" on the same token add nothing.
      const tokenTypes = [EvaluatorType.INVALID_KEYWORD, EvaluatorType.NONCE_CHARSET, EvaluatorType.NONCE_LENGTH];
      if (f.evaluatorType !== undefined && tokenTypes.includes(f.evaluatorType)) {
        return !tokenFindings.some((o) => o.directive === f.directive && o.value !== undefined && sameValue(o.value, f.value));
      }
      return true;
    }
    if (f.code === 'CSPH_UNKNOWN_DIRECTIVE') {
      const said = [EvaluatorType.UNKNOWN_DIRECTIVE, EvaluatorType.DEPRECATED_DIRECTIVE];
      return !theirs.some((t) => t.directive === f.directive && t.evaluatorType !== undefined && said.includes(t.evaluatorType));
    }
    if (f.code === 'CSPH_NONCE_TOO_SHORT') {
      return !theirs.some((t) => t.evaluatorType === EvaluatorType.NONCE_LENGTH && t.directive === f.directive && sameValue(t.value, f.value));
    }
    return true;
  });
}

/** (i) One finding per code + directive + value. */
function dedupe(findings: LintFinding[]): LintFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}\u0000${f.directive}\u0000${f.value ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const RANK: Record<LintSeverity, number> = { error: 0, warning: 1, info: 2 };

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Lints a serialized CSP list (one header value; comma-separated policies are linted one by one).
 * Errors first, then warnings, then info; never throws.
 */
export function lintPolicy(serialized: string): LintFinding[] {
  const text = typeof serialized === 'string' ? serialized : String(serialized);
  const evaluatorDrafts: Draft[] = [];
  const ownDrafts: Draft[] = [];

  let policies: Policy[] = [];
  const rejected = new Set<string>();
  try {
    const parsed = parsePolicyList(text);
    policies = parsed.policies;
    ownDrafts.push(...parsed.diagnostics.map(diagnosticFinding));
    for (const d of parsed.diagnostics) {
      if (d.severity === 'error' && d.directive !== null && d.token !== null) rejected.add(tokenKey(d.directive, d.token));
    }
  } catch (error) {
    ownDrafts.push(own('warning', 'CSPH_LINT_CHECK_FAILED', '', `csp-harness could not parse this policy (${describe(error)}); please report this as a bug.`));
  }

  splitPolicyList(text).forEach((piece, i, all) => {
    const label = all.length > 1 ? `policy #${i + 1} of the list` : 'this policy';
    try {
      evaluatorDrafts.push(...evaluatorFindings(piece, label, rejected));
    } catch (error) {
      evaluatorDrafts.push(own('warning', 'CSPH_EVALUATOR_FAILED', '', `csp_evaluator could not read ${label} (${describe(error)}), so its findings are missing: fix the errors reported for it and lint again.`));
    }
  });
  const drafts: Draft[] = [...evaluatorDrafts, ...ownDrafts];

  for (const policy of policies) {
    for (const check of POLICY_CHECKS) {
      try {
        drafts.push(...check(policy));
      } catch (error) {
        drafts.push(own('warning', 'CSPH_LINT_CHECK_FAILED', '', `csp-harness's ${check.name} check failed (${describe(error)}); please report this as a bug.`));
      }
    }
  }

  const findings: LintFinding[] = reconcile(drafts).map(({ evaluatorType: _type, ...finding }) => finding);
  return dedupe(findings)
    .map((f, i) => ({ f, i }))
    .sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);
}
