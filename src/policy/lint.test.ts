import { expect, it } from 'vitest';
import { CspEvaluator } from 'csp_evaluator/dist/evaluator.js';
import { CspParser } from 'csp_evaluator/dist/parser.js';
import { Severity, Type } from 'csp_evaluator/dist/finding.js';
import { Version } from 'csp_evaluator/dist/csp.js';
it('probe', () => {
  const p = new CspParser("script-src 'unsafe-inline'; default-src *").csp;
  const f = new CspEvaluator(p, Version.CSP3).evaluate();
  expect(typeof CspEvaluator).toBe('function');
  expect(Severity.HIGH).toBe(10);
  expect(Type[301]).toBe('SCRIPT_UNSAFE_INLINE');
  expect(f.length).toBe(2);
});
