// The administrator's own spreadsheet on /admin, in Chromium against the real Worker and D1: a workbook is
// read by the Rust reader (loaded only for it), its sheet and heading mapping are proposed, the administrator
// changes a column, and the CSV made from it is checked and uploaded: the Worker's verdict on the same bytes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DATA } from '../helpers.mjs';
import { rows } from '../api/support.mjs';
import {
  openAdmin, waitChecked, tableRows, checkState, signedInAdmin, waitRules, chooseSheet, mapping,
} from './admin-page.mjs';

test('a workbook: the sheet and the mapping are proposed, cells are named by their place, Hindi too', async (t) => {
  const { page } = await openAdmin(t);
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname); });
  await page.setInputFiles('#file', join(DATA, 'admin_clean_two_rows.csv'));
  await waitChecked(page, 'admin_clean_two_rows.csv');
  assert.ok(await page.locator('#mapping').isHidden(), 'the template CSV goes straight to the check');
  assert.ok(!wasm.some((p) => p.includes('sheet')), `a CSV does not load the spreadsheet reader: ${wasm}`);

  // Excel's "Unicode Text" of an office's own sheet: a title row, English and Hindi headings, remapped to CSV.
  await chooseSheet(page, 'own_headings_title_row_utf16.txt');
  assert.ok(await page.locator('#sheet-choice').isHidden());
  assert.deepEqual(await mapping(page), [
    ['Name of Employee', 'firstName'], ['उपनाम', 'lastName'], ['मोबाइल नंबर', 'phone'], ['(no heading, column D)', 'gender'],
    ['Designation', 'position'],
  ]);
  await page.click('#mapping-apply');
  await waitChecked(page, 'own_headings_title_row_utf16.csv');
  assert.equal(await page.locator('[data-testid=errors]').textContent(), '3', 'the short phone, and one phone on two rows');
  assert.ok(!wasm.some((p) => p.includes('sheet')), `a text file does not load the spreadsheet reader: ${wasm}`);

  // A zip renamed .csv is tried as a workbook and is none: the check says it is no CSV either.
  await page.setInputFiles('#file', join(DATA, 'xlsx_renamed.csv'));
  await waitChecked(page, 'xlsx_renamed.csv');
  assert.equal(await page.locator('[data-testid=errors]').textContent(), '1');
  assert.match((await tableRows(page))[0][4], /not a CSV file/);

  await chooseSheet(page, 'office_staff_list.xlsx');
  assert.equal(wasm.at(-1), '/pkg/sheet/xlsx/enrol_sheet_bg.wasm', `the .xlsx reader is loaded for an xlsx: ${wasm}`);
  assert.ok(!wasm.some((p) => p.includes('/sheet/xls/')), `and the .xls reader is not: ${wasm}`);
  const options = await page.locator('#sheet-select option').evaluateAll((os) => os.map((o) => [o.textContent, o.selected]));
  assert.deepEqual(options, [['Notes (1 rows)', false], ['Old (2 rows, hidden)', false], ['Staff (6 rows)', true]]);
  assert.deepEqual(await mapping(page), [
    ['Name of Employee', 'firstName'], ['उपनाम', 'lastName'], ['Mobile No.', 'phone'], ['DOB (dd/mm/yyyy)', 'DOB'],
    ['Gender', 'gender'], ['Designation', 'position'], ['Posting', ''], ['Posting', ''],
  ]);
  const notes = await page.locator('#sheet-notes li').allTextContents();
  assert.equal(notes.length, 2, notes.join('\n'));
  assert.match(notes[0], /^Staff, row 6, column F ‘Designation’: TEACHER — This cell is a formula/);
  assert.match(notes[1], /^Staff, row 7, column C ‘Mobile No\.’: #N\/A — This cell shows a spreadsheet error/);
  assert.equal(await page.locator('#mapping-problems').textContent(), 'Every needed column is there.');
  await checkState(page, 'sheet-mapping');

  // Leaving the phone out is said plainly, before anything is checked.
  await page.selectOption('#mapping-table select[data-column="2"]', '');
  await page.locator('#mapping-problems', { hasText: 'Still needed: phone / email.' }).waitFor();
  assert.ok(await page.locator('#mapping-apply').isDisabled());
  await page.selectOption('#mapping-table select[data-column="2"]', 'phone');
  await page.selectOption('#mapping-table select[data-column="6"]', 'location');
  await page.locator('#mapping-problems', { hasText: 'Every needed column is there.' }).waitFor();

  await page.selectOption('#locale', 'hi_IN');
  await page.locator('#sheet-notes li', { hasText: 'Staff, पंक्ति 7, कॉलम C ‘Mobile No.’' }).waitFor();
  assert.equal(await page.locator('#mapping-title').textContent(), 'कॉलम मिलाएँ');
  await checkState(page, 'sheet-mapping-hi');
  await page.selectOption('#locale', 'en_IN');

  await page.click('#mapping-apply');
  await waitChecked(page, 'office_staff_list.csv');
  assert.equal(await page.locator('[data-testid=errors]').textContent(), '2');
  const issues = (await tableRows(page)).map((r) => r.slice(0, 3));
  assert.deepEqual(issues, [['3', '4', 'Staff, row 6, column C ‘Mobile No.’'], ['4', '5', 'Staff, row 7, column C ‘Mobile No.’']],
    'the short phone and the #N/A, named where they are in the sheet');
});

test('two headings on the phone: one is left out, and the sheet is uploaded as the CSV the page checked', async (t) => {
  const { app, page } = await signedInAdmin(t);

  await chooseSheet(page, 'office_two_phone_columns.xlsx');
  assert.ok(await page.locator('#sheet-choice').isHidden(), 'one sheet: nothing to choose');
  assert.deepEqual(await mapping(page), [
    ['Name of Employee', 'firstName'], ['Mobile No.', 'phone'], ['Phone', 'phone'], ['Village', 'location'],
  ]);
  assert.equal(await page.locator('#mapping-problems').textContent(),
    'Mobile No., Phone all go to phone: choose one.');
  assert.ok(await page.locator('#mapping-apply').isDisabled());
  await page.selectOption('#mapping-table select[data-column="2"]', '');
  await page.locator('#mapping-problems', { hasText: 'Every needed column is there.' }).waitFor();
  await page.click('#mapping-apply');
  await waitChecked(page, 'office_two_phone_columns.csv');
  assert.equal(await page.locator('[data-testid=errors]').textContent(), '0');
  await page.waitForFunction(() => !document.getElementById('upload').disabled, null, { timeout: 15_000 });
  await page.click('#upload');
  await page.waitForFunction(() => document.getElementById('outcome-status').dataset.status
    && document.getElementById('uploading').hidden, null, { timeout: 30_000 });
  assert.equal(await page.locator('#outcome-status').getAttribute('data-status'), 'COMPLETED');
  const users = await rows(app, `SELECT name, mobile_number FROM users WHERE mobile_number IN ('9876543210', '9876543211')
    ORDER BY mobile_number`);
  assert.deepEqual(users.map((u) => [u.name, u.mobile_number]), [['आशा', '9876543210'], ['Ravi', '9876543211']]);
  const [upload] = await rows(app, 'SELECT file_name, mapping FROM uploads');
  assert.equal(upload.file_name, 'office_two_phone_columns.csv');
  assert.deepEqual(JSON.parse(upload.mapping).map((m) => [m.heading, m.field]).sort(),
    [['Mobile No.', 'phone'], ['Name of Employee', 'firstName'], ['Phone', null], ['Village', 'location']], 'the record keeps the confirmed mapping');

  // The next file of this tenant gets the mapping confirmed: "Phone" is left out as last time, nothing to fix.
  await page.reload();
  await waitRules(page);
  await chooseSheet(page, 'office_two_phone_columns.xlsx');
  assert.deepEqual(await mapping(page), [
    ['Name of Employee', 'firstName'], ['Mobile No.', 'phone'], ['Phone', ''], ['Village', 'location'],
  ]);
  assert.match(await page.locator('#mapping-table tbody tr').nth(2).textContent(), /as last time/);
  await page.locator('#mapping-problems', { hasText: 'Every needed column is there.' }).waitFor();
  assert.ok(await page.locator('#mapping-apply').isEnabled());
  await checkState(page, 'sheet-remembered-mapping');
});

// The same staff list saved by LibreOffice as .xls and as .ods (scripts/fixtures/office-formats.sh): each is read
// by the module of its family (an OLE file by www/pkg/sheet/xls/, an OpenDocument zip by www/pkg/sheet/ods/, each
// fetched only for its own), and reaches the .xlsx's sheet, mapping and problems. calamine fills merged cells for xlsx
// only, so the second "Posting" column has no heading here; an .xls formula's cached text reads as 0; an .ods
// `#N/A` is LibreOffice's formula =NA(), so it is a formula's note (the phone is still refused).
test('an .xls and an .ods: each read by its own module, to the same mapping and problems as the .xlsx', async (t) => {
  const { page } = await openAdmin(t);
  const wasm = [];
  page.on('request', (r) => { if (r.url().includes('/pkg/sheet/')) wasm.push(new URL(r.url()).pathname); });
  const cases = [
    ['office_staff_list.xls', '/pkg/sheet/xls/enrol_sheet_bg.wasm', '0', /This cell shows a spreadsheet error/],
    ['office_staff_list.ods', '/pkg/sheet/ods/enrol_sheet_bg.wasm', 'TEACHER', /This cell is a formula/],
  ];
  for (const [fixture, module, designation, na] of cases) {
    await chooseSheet(page, fixture);
    assert.equal(wasm.filter((p) => p.endsWith('.wasm')).at(-1), module, `${fixture}: ${wasm}`);
    const options = await page.locator('#sheet-select option').evaluateAll((os) => os.map((o) => [o.textContent, o.selected]));
    assert.deepEqual(options, [['Notes (1 rows)', false], ['Old (2 rows, hidden)', false], ['Staff (6 rows)', true]], fixture);
    assert.deepEqual(await mapping(page), [
      ['Name of Employee', 'firstName'], ['उपनाम', 'lastName'], ['Mobile No.', 'phone'], ['DOB (dd/mm/yyyy)', 'DOB'],
      ['Gender', 'gender'], ['Designation', 'position'], ['Posting', ''], ['(no heading, column H)', ''],
    ], fixture);
    const notes = await page.locator('#sheet-notes li').allTextContents();
    assert.equal(notes.length, 2, notes.join('\n'));
    assert.ok(notes[0].startsWith(`Staff, row 6, column F ‘Designation’: ${designation} — This cell is a formula`), notes[0]);
    assert.ok(notes[1].startsWith('Staff, row 7, column C ‘Mobile No.’: #N/A — '), notes[1]);
    assert.match(notes[1], na);
    assert.equal(await page.locator('#mapping-problems').textContent(), 'Every needed column is there.');
    await page.click('#mapping-apply');
    const csv = fixture.replace(/\.\w+$/, '.csv');
    await waitChecked(page, csv);
    assert.equal(await page.locator('[data-testid=errors]').textContent(), '2', fixture);
    const issues = (await tableRows(page)).map((r) => r.slice(0, 3));
    assert.deepEqual(issues, [['3', '4', 'Staff, row 6, column C ‘Mobile No.’'], ['4', '5', 'Staff, row 7, column C ‘Mobile No.’']],
      `${fixture}: the short phone and the #N/A, named where they are in the sheet`);
  }
  assert.deepEqual(wasm.filter((p) => p.endsWith('.wasm')), cases.map((c) => c[1]), 'each module fetched once, only for its own file');
});
