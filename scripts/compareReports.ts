// Compares two report.json files cell by cell: the verdicts a change must not move.
//   npx tsx scripts/compareReports.ts before/report.json after/report.json [--fields status,outcome,…]
// Prints the count of cells compared and every difference; exit 0 when the verdicts are the same,
// 1 when any differ, 2 on unreadable input.
import { readFileSync } from 'node:fs';
import { parseReport } from '../src/reporters/json.ts';
import type { ReportCell } from '../src/reporters/model.ts';

type Field = 'status' | 'outcome' | 'expected' | 'violations' | 'oracle' | 'probe';
const ALL: Field[] = ['status', 'outcome', 'expected', 'violations', 'oracle', 'probe'];

const VIEW: Record<Field, (c: ReportCell) => unknown> = {
  status: (c) => c.status,
  outcome: (c) => c.outcome,
  expected: (c) => c.expected,
  // Which violations: not in which order the engine sent them, nor on how many channels, nor the
  // query of the blocked URL (stubs put a per-run session id there, e.g. Provide Support's ps_s).
  violations: (c) => c.violations.map((v) => `${v.disposition} ${v.effectiveDirective} ${v.blockedURI.replace(/\?.*$/, '')} ${v.kind}`).sort(),
  oracle: (c) => (c.oracle ? { allowed: c.oracle.allowed, decidedBy: c.oracle.decidedBy } : null),
  probe: (c) => c.probe?.ok ?? null,
};

function load(path: string): Map<string, ReportCell> {
  const parsed = parseReport(readFileSync(path, 'utf8'));
  if (!parsed.ok) {
    console.error(`csp-harness: ${path} is not a report.json: ${parsed.error}`);
    process.exit(2);
  }
  return new Map(parsed.report.cells.map((c) => [c.id, c]));
}

const [beforePath, afterPath, ...rest] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  console.error('usage: tsx scripts/compareReports.ts BEFORE/report.json AFTER/report.json [--fields status,outcome,expected,violations,oracle,probe]');
  process.exit(2);
}
const fieldsArg = rest[0] === '--fields' ? rest[1] : undefined;
const fields = (fieldsArg ? fieldsArg.split(',') : ALL) as Field[];
const before = load(beforePath);
const after = load(afterPath);
const differences: string[] = [];
for (const id of new Set([...before.keys(), ...after.keys()])) {
  const a = before.get(id);
  const b = after.get(id);
  if (!a || !b) {
    differences.push(`${id}: only in ${a ? 'before' : 'after'}`);
    continue;
  }
  for (const f of fields) {
    const x = JSON.stringify(VIEW[f](a));
    const y = JSON.stringify(VIEW[f](b));
    if (x !== y) differences.push(`${id}: ${f} ${x} → ${y}`);
  }
}
const count = (m: Map<string, ReportCell>, s: string) => [...m.values()].filter((c) => c.status === s).length;
console.log(`before: ${before.size} cells (${count(before, 'pass')} pass, ${count(before, 'fail')} fail, ${count(before, 'error')} error)`);
console.log(`after:  ${after.size} cells (${count(after, 'pass')} pass, ${count(after, 'fail')} fail, ${count(after, 'error')} error)`);
console.log(`compared ${fields.join(', ')}: ${differences.length === 0 ? 'identical' : `${differences.length} difference(s)`}`);
for (const d of differences) console.log(`  ${d}`);
process.exit(differences.length === 0 ? 0 : 1);
