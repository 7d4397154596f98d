// The administrator's own spreadsheet, the whole way (issue 16, "What must show it"), in Chromium against the
// real Worker and D1: an .xlsx with a title row and the office's own headings is read by the Rust reader, its
// mapping proposed and one column placed by hand, three mistakes fixed on the page (one cell edited with the
// keyboard, two by safe fixes), the corrected rows uploaded and created as corrected, the record naming the
// workbook they came from; the next workbook of the tenant gets the mapping confirmed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA } from '../helpers.mjs';
import { rows } from '../api/support.mjs';
import {
  checkState, downloadText, signedInAdmin, waitRules, chooseSheet, mapping, waitErrors,
} from './admin-page.mjs';

const FILE = 'office_three_mistakes.xlsx'; // Staff: a title, headings on row 2, four people on rows 3 to 6

test('an .xlsx of the office\'s own: mapping confirmed, three mistakes fixed on the page, uploaded as corrected, the mapping remembered', async (t) => {
  const { app, page } = await signedInAdmin(t);

  // The mapping: five headings placed by their names, "Ward" by nobody until the administrator chooses.
  await chooseSheet(page, FILE);
  assert.deepEqual(await mapping(page), [
    ['Name of Employee', 'firstName'], ['Surname', 'lastName'], ['Mobile No.', 'phone'], ['DOB (dd/mm/yyyy)', 'DOB'],
    ['Gender', 'gender'], ['Ward', ''],
  ]);
  await page.selectOption('#mapping-table select[data-column="5"]', 'location');
  await page.locator('#mapping-problems', { hasText: 'Every needed column is there.' }).waitFor();
  await page.click('#mapping-apply');

  // The three mistakes, in the grid, named by the sheet's own rows.
  await page.locator('#grid-box').waitFor({ state: 'visible', timeout: 15_000 });
  await waitErrors(page, 3);
  assert.ok(await page.locator('#upload').isDisabled(), 'nothing is uploaded with errors');
  assert.deepEqual(await page.locator('#grid-body [role=row] [role=rowheader]').allTextContents(), ['4', '5', '6'],
    'the rows as the spreadsheet numbers them');
  assert.equal(await page.locator('#fixes button[data-fix=phone]').textContent(), 'Phone numbers to 10 digits (1)');
  assert.equal(await page.locator('#fixes button[data-fix=date]').textContent(), 'Dates as DD-MM-YYYY (1)');

  // One cell edited with the keyboard alone: the 9-digit phone of row 5 (a phone is never guessed).
  await page.focus('#leave-out');
  await page.keyboard.press('Tab'); // the grid's one tab stop: row 4's first cell
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-invalid')), 'true', 'row 5\'s phone');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.value), '987654321');
  await page.keyboard.press('End');
  await page.keyboard.type('2');
  await page.keyboard.press('Enter');
  await waitErrors(page, 2);

  // The other two by safe fixes.
  await page.click('#fixes button[data-fix=phone]');
  await waitErrors(page, 1);
  await page.click('#fixes button[data-fix=date]');
  await waitErrors(page, 0);
  await checkState(page, 'journey-fixed');

  await page.waitForFunction(() => !document.getElementById('upload').disabled, null, { timeout: 15_000 });
  await page.click('#upload');
  await page.waitForFunction(() => document.getElementById('outcome-status').dataset.status
    && document.getElementById('uploading').hidden, null, { timeout: 30_000 });
  assert.equal(await page.locator('#outcome-status').getAttribute('data-status'), 'COMPLETED');
  await page.locator('#uploads li').first().waitFor({ timeout: 15_000 });
  const created = await rows(app, `SELECT name, mobile_number, dob, gender, json_extract(attributes, '$.location') AS location
    FROM users WHERE mobile_number LIKE '98765432%' ORDER BY mobile_number`);
  assert.deepEqual(created.map((p) => [p.name, p.mobile_number, p.dob, p.gender, p.location]), [
    ['Asha Devi', '9876543210', '12/10/1992', 'FEMALE', 'Ward 1'], ['Ravi Kumar', '9876543211', '01/01/1990', 'MALE', 'Ward 2'],
    ['Meena Singh', '9876543212', '15/08/1985', 'FEMALE', 'Ward 1'], ['Kumar Yadav', '9876543213', '12/10/1992', 'MALE', 'Ward 3'],
  ], 'every person created with the corrected values, the ward where the administrator placed it');
  const [record] = await rows(app, 'SELECT file_name, sha256, original_file_name, original_sha256 FROM uploads');
  assert.deepEqual([record.file_name, record.original_file_name, record.original_sha256],
    ['office_three_mistakes.csv', FILE, createHash('sha256').update(readFileSync(join(DATA, FILE))).digest('hex')],
    'the record keeps the administrator\'s own file: its name and hash');
  assert.match(record.sha256, /^[0-9a-f]{64}$/);
  assert.notEqual(record.sha256, record.original_sha256, 'beside the hash of the corrected CSV that was sent');
  const result = (await downloadText(page, '#download-result')).trim().split('\r\n').map((l) => l.split(',').slice(0, 2));
  assert.deepEqual(result, [['row', 'userName'], ['3', '9876543210'], ['4', '9876543211'], ['5', '9876543212'], ['6', '9876543213']],
    'the result names the rows as the sheet numbers them');

  // The next workbook of this tenant: the mapping as confirmed, "Ward" placed as last time.
  await page.reload();
  await waitRules(page);
  await chooseSheet(page, FILE);
  assert.deepEqual((await mapping(page))[5], ['Ward', 'location']);
  assert.match(await page.locator('#mapping-table tbody tr').nth(5).textContent(), /as last time/);
});
