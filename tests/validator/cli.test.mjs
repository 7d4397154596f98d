// `enrol validate`, `enrol template` and `enrol gen` as a script or an administrator would use them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enrol, DATA } from '../helpers.mjs';

const cases = [
  ['a clean file exits 0', ['validate', join(DATA, 'admin_clean_two_rows.csv')], 0, /^2 data rows, 0 errors in 0 rows, 0 warnings$/m],
  ['a file with issues exits 1 and lists them as text', ['validate', join(DATA, 'admin_known_problems.csv')], 1, /^row 2, line 3, phone: error invalid_phone: /m],
  ['warnings alone still exit 0', ['validate', join(DATA, 'formula_cells.csv')], 0, /warning formula_like/],
  ['a missing file exits 2', ['validate', join(DATA, 'no-such-file.csv')], 2, /^$/],
  ['an unknown option exits 2', ['validate', join(DATA, 'empty.csv'), '--colour', 'red'], 2, /^$/],
  ['Hindi messages', ['validate', join(DATA, 'admin_known_problems.csv'), '--locale', 'hi_IN'], 1, /मान्य भारतीय मोबाइल नंबर नहीं/],
  ['--max-rows names the limit', ['validate', join(DATA, 'admin_known_problems.csv'), '--max-rows', '2'], 1, /more than 2 rows/],
];

for (const [what, args, status, out] of cases) {
  test(`enrol: ${what}`, () => {
    const r = enrol(args);
    assert.equal(r.status, status, r.stderr);
    assert.match(r.stdout, out);
    if (status === 2) assert.match(r.stderr, /^enrol: /);
  });
}

test('enrol validate --format json has rows and issues with every field, file-level ones with row null', () => {
  const r = enrol(['validate', join(DATA, 'header_unknown_duplicate_missing.csv'), '--format', 'json']);
  assert.equal(r.status, 1);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(report), ['rows', 'issues']);
  assert.ok(report.issues.length > 0);
  for (const i of report.issues) {
    assert.deepEqual(Object.keys(i), ['row', 'line', 'column', 'code', 'severity', 'value', 'message']);
  }
  assert.ok(report.issues.some((i) => i.row === null && i.code === 'unknown_column'));
});

test('enrol gen writes the rows asked for, about the error rate asked for, and the same file for the same seed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'enrol-gen-'));
  const a = enrol(['gen', '--rows', '2000', '--error-rate', '0.05', '--seed', '9']).stdout;
  assert.equal(a, enrol(['gen', '--rows', '2000', '--error-rate', '0.05', '--seed', '9']).stdout);
  writeFileSync(join(dir, 'gen.csv'), a);
  const report = JSON.parse(enrol(['validate', join(dir, 'gen.csv'), '--format', 'json', '--max-rows', '5000']).stdout);
  assert.equal(report.rows, 2000);
  const bad = new Set(report.issues.filter((i) => i.severity === 'error').map((i) => i.row)).size;
  assert.ok(bad > 40 && bad < 200, `${bad} rows with errors of 2000 at rate 0.05`);
  assert.equal(a.split('\r\n')[0], enrol(['template']).stdout.trimEnd());
});

test('enrol gen --full yes fills every cell but the password, and the file is clean', () => {
  const dir = mkdtempSync(join(tmpdir(), 'enrol-gen-'));
  const csv = enrol(['gen', '--rows', '500', '--error-rate', '0', '--full', 'yes']).stdout;
  writeFileSync(join(dir, 'full.csv'), csv);
  const report = JSON.parse(enrol(['validate', join(dir, 'full.csv'), '--format', 'json']).stdout);
  assert.deepEqual([report.rows, report.issues], [500, []]);
  // A quoted cell may hold commas; the empty cells are what is between two commas outside quotes.
  const blanks = new Set();
  for (const line of csv.split('\r\n').slice(1, -1)) {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g).slice(0, 22).map((c) => c.replace(/,$/, ''));
    cells.forEach((c, i) => { if (c === '') blanks.add(i); });
  }
  assert.deepEqual([...blanks], [5], 'only the password column is blank');
  assert.equal(enrol(['gen', '--rows', '1', '--full', 'maybe']).status, 2);
});
