// The editable table in the browser's build (www/pkg/grid: enrol-validator with its `grid` feature) gives, for
// every fixture, the issues and the counts of native `enrol validate`: the page's grid and the report agree.
// Then an edit there re-checks what a fresh validation of the corrected CSV says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { enrol, DATA, ROOT } from '../helpers.mjs';

const TODAY = [2026, 11, 24];
const glue = await import(new URL('../../www/pkg/grid/enrol_validator.js', import.meta.url));
await glue.default({ module_or_path: readFileSync(join(ROOT, 'www', 'pkg', 'grid', 'enrol_validator_bg.wasm')) });
const { Grid, Validator } = glue;

function grid(bytes, maxRows, locale = 'en_IN') {
  const g = new Grid(...TODAY, maxRows, locale);
  for (let i = 0; i < bytes.length; i += 7) g.push(bytes.subarray(i, i + 7));
  g.finish();
  return g;
}

/** The grid's issues in the report's order: the file's, then each row's. */
function gridIssues(g) {
  const rows = Uint32Array.from({ length: g.rows() }, (_, k) => k + 1);
  const fileIssues = JSON.parse(g.fileIssuesJson());
  const all = [...fileIssues.filter((i) => i.row == null), ...JSON.parse(g.rowsJson(rows)).flatMap((r) => r.issues)];
  return [...all, ...fileIssues.filter((i) => i.row != null)];
}

const fixtures = readdirSync(DATA).filter((f) => f.endsWith('.csv')).sort();

for (const f of fixtures) {
  test(`the grid's issues are enrol validate's: ${f}`, () => {
    const bytes = new Uint8Array(readFileSync(join(DATA, f)));
    const maxRows = Number(/limit(\d+)/.exec(f)?.[1] ?? 1000);
    const r = enrol(['validate', join(DATA, f), '--format', 'json', '--today', '24-11-2026', '--max-rows', String(maxRows)]);
    const native = JSON.parse(r.stdout);
    const g = grid(bytes, maxRows);
    assert.deepEqual(gridIssues(g), native.issues);
    assert.equal(JSON.parse(g.summaryJson()).rows, native.rows);
  });
}

test('an edit in the grid re-checks as the validator checks the corrected file, in Hindi too', () => {
  const bytes = new Uint8Array(readFileSync(join(DATA, 'duplicates_across_rows.csv')));
  const g = grid(bytes, 1000, 'hi_IN');
  const header = JSON.parse(g.headerJson());
  const touched = [...g.edit(2, header.indexOf('phone'), '9876543219')];
  assert.ok(touched.includes(1) && touched.includes(2), `rows 1 and 2 shared a phone: ${touched}`);
  const v = new Validator(...TODAY, 1000, 'hi_IN');
  v.push(new TextEncoder().encode(g.csv('all', '')));
  const fresh = JSON.parse(v.finish().reportJson()).issues.map(({ line, ...rest }) => rest);
  assert.deepEqual(gridIssues(g).map(({ line, ...rest }) => rest), fresh);
  assert.throws(() => g.edit(99, 0, 'x'), /there is no row 99/);
  assert.throws(() => g.applyFix('guess'), /fix is trim, phone, date, boolean or list/);
});
