// The heading mapping through the browser's wasm: an office's own file (a title row, English and Hindi
// headings, a column without one, saved as Excel's "Unicode Text") is proposed a mapping, and once remapped
// gives byte for byte the report of the same sheet written as enrol's CSV, in wasm and natively.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enrol, DATA, ROOT } from '../helpers.mjs';

const TODAY = [2026, 11, 24];
const glue = await import(new URL('../../www/pkg/enrol_validator.js', import.meta.url));
await glue.default({ module_or_path: readFileSync(join(ROOT, 'www', 'pkg', 'enrol_validator_bg.wasm')) });

function wasmReport(bytes) {
  const v = new glue.Validator(...TODAY, 1000, 'en_IN');
  v.push(bytes);
  return v.finish().reportJson() + '\n';
}

test('an office file is proposed a mapping: title row passed, names, Hindi synonyms and content', () => {
  const bytes = new Uint8Array(readFileSync(join(DATA, 'own_headings_title_row_utf16.txt')));
  const p = JSON.parse(glue.proposeMapping(bytes, ...TODAY, ''));
  assert.equal(p.exact, false);
  assert.equal(p.headerRecord, 1);
  assert.equal(p.headerLine, 2);
  assert.deepEqual(p.columns.map((c) => [c.heading, c.field, c.basis]), [
    ['Name of Employee', 'firstName', 'synonym'],
    ['उपनाम', 'lastName', 'synonym'],
    ['मोबाइल नंबर', 'phone', 'synonym'],
    ['', 'gender', 'content'],
    ['Designation', 'position', 'synonym'],
  ]);
  assert.deepEqual(p.columns[3].samples, ['female', 'female', 'female', 'female', 'female']);
  assert.ok(p.columns[3].confidence <= 80 && p.columns[0].confidence === 90, JSON.stringify(p.columns));
  assert.deepEqual([p.missing, p.duplicates], [[], []]);
});

test('remapped, the office file gives the report of its CSV twin, in wasm and natively', () => {
  const bytes = new Uint8Array(readFileSync(join(DATA, 'own_headings_title_row_utf16.txt')));
  const p = JSON.parse(glue.proposeMapping(bytes, ...TODAY, ''));
  const csv = glue.remap(bytes, p.headerRecord, p.columns.map((c) => c.field ?? '').join(','));
  const twin = new Uint8Array(readFileSync(join(DATA, 'excel_twin_hindi.csv')));
  const report = wasmReport(csv);
  assert.equal(report, wasmReport(twin));
  assert.equal(JSON.parse(report).issues.length, 3, report);
  const file = join(mkdtempSync(join(tmpdir(), 'enrol-mapping-')), 'remapped.csv');
  writeFileSync(file, csv);
  const native = enrol(['validate', file, '--format', 'json', '--today', '24-11-2026']);
  assert.equal(native.stdout, report);
});

test('the template needs no mapping, and a required column no heading gives is said', () => {
  const exact = JSON.parse(glue.proposeMapping(new TextEncoder().encode('firstName,phone\nAsha,9876543210\n'), ...TODAY, ''));
  assert.equal(exact.exact, true);
  const p = JSON.parse(glue.proposeMapping(new TextEncoder().encode('Mobile,Phone\n9876543210,9876543211\n'), ...TODAY, ''));
  assert.deepEqual(p.missing, ['firstName']);
  assert.deepEqual(p.duplicates, [{ field: 'phone', columns: [0, 1] }]);
  assert.throws(() => glue.remap(new Uint8Array(), 0, 'firstName,nope'), /no column nope/);
});

test('enrol validate takes a workbook and the office\'s own headings, prints the mapping it used, and reports as the page does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'enrol-cli-mapping-'));
  const twin = join(dir, 'twin.csv');
  writeFileSync(twin, 'firstName,lastName,phone,DOB,gender,position,,\n'
    + 'आशा,देवी,9876543210,05-03-1990,Female,Anganwadi worker,Rampur,Kheri\n'
    + 'Ravi,Kumar,9876543211,31-12-1985,male,Teacher,Rampur,Bhira\n'
    + 'सीता,शर्मा,98765,12-10-1992,female,TEACHER,Rampur,Kheri\n'
    + 'Mira,Singh,#N/A,01-01-1979,female,Clerk,Rampur,Palia\n');
  const today = ['--today', '24-11-2026'];
  const book = enrol(['validate', join(DATA, 'office_staff_list.xlsx'), '--format', 'json', ...today]);
  const csv = enrol(['validate', twin, '--format', 'json', ...today]);
  assert.equal(book.status, 1, book.stderr);
  assert.equal(book.stdout, csv.stdout, 'the report of the same data as CSV, byte for byte');
  assert.match(book.stderr, /^mapping used:\n {2}Name of Employee -> firstName \(synonym\)\n/);
  assert.match(book.stderr, /Mobile No\. -> phone \(synonym\)\n.*\n.*\n.*\n {2}Posting -> \(left out\) \(none\)\n/);
  assert.equal(csv.stderr, '', 'the template needs no mapping');
  // The text report says it first; a sheet chosen by name; one that is not there.
  const text = enrol(['validate', join(DATA, 'office_staff_list.xlsx'), '--sheet', 'Staff', ...today]);
  assert.match(text.stdout, /^mapping used:\n[\s\S]*row 3, line 4, phone: error invalid_phone/);
  const none = enrol(['validate', join(DATA, 'office_staff_list.xlsx'), '--sheet', 'Nope', ...today]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no sheet named “Nope”/);

  // Headings it is not sure of: exit 2, naming them; with --mapping, checked.
  const own = join(dir, 'own.csv');
  writeFileSync(own, 'Staff of Rampur\nS.No.,Naam,Mob\n1,Asha,9876543210\n');
  const unsure = enrol(['validate', own, ...today]);
  assert.equal(unsure.status, 2);
  assert.match(unsure.stderr, /do not give firstName with certainty; headings not placed: “S\.No\.”, “Naam”/);
  const map = join(dir, 'mapping.json');
  writeFileSync(map, JSON.stringify({ Naam: 'firstName', 'S.No.': null }));
  const placed = enrol(['validate', own, '--mapping', map, ...today]);
  assert.equal(placed.status, 0, placed.stdout + placed.stderr);
  assert.equal(placed.stdout, 'mapping used:\n  S.No. -> (left out) (given)\n  Naam -> firstName (given)\n  Mob -> phone (synonym)\n1 data rows, 0 errors in 0 rows, 0 warnings\n');
  writeFileSync(map, '{"Naam": "name"}');
  const bad = enrol(['validate', own, '--mapping', map, ...today]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /mapping: “Naam”: no column name/);
});
