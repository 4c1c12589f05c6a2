// Prints one plain closing line, `tests: N passed, N failed, N skipped`, that any CI can read.
// A test that never ran because its suite failed around it (a beforeAll that threw or timed out)
// counts as failed, not skipped: the line must never read "0 failed" on a failing run.
import type { Reporter, TestCase, TestModule } from 'vitest/node';

function suiteFailed(test: TestCase): boolean {
  for (let parent = test.parent; ; parent = parent.parent) {
    if (parent.state() === 'failed') return true;
    if (parent.type === 'module') return false;
  }
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') count.passed++;
        else if (state === 'failed' || suiteFailed(test)) count.failed++;
        else count.skipped++;
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) count.failed++;
    }
    process.stdout.write(`\ntests: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped\n`);
  }
}
