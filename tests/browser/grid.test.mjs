// Mistakes fixed on /admin (issue 16 §3), in Chromium against the real Worker and D1: a file with three problems
// is fixed in the grid (one cell edited with the keyboard alone, two by safe fixes, one of them undone and done
// again) and uploaded as corrected; or its rows with problems are left out and downloadable.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rows, seedWorld, tokenOf, USERS, PASSWORD } from '../api/support.mjs';
import { spawnApp } from '../helpers.mjs';
import { choose, checkState, downloadText, signedInAdmin, errors, waitErrors, openAdmin, signIn, waitRules } from './admin-page.mjs';

const FILE = 'grid_three_problems.csv'; // rows 2 (0091…), 3 (9 digits) and 4 (12.10.1992)

async function signedInWithFile(t) {
  const { app, page } = await signedInAdmin(t);
  await choose(page, FILE);
  await page.locator('#grid-box').waitFor({ state: 'visible', timeout: 15_000 });
  await page.locator('#grid-body [role=row]').first().waitFor();
  return { app, page };
}

/** The focused element, described: its role, its row's number and its column's place. */
const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  const cell = a.closest('[role=gridcell], [role=rowheader]');
  return {
    tag: a.tagName, inGrid: Boolean(a.closest('#grid')), role: cell?.getAttribute('role') ?? null,
    row: cell ? cell.parentElement.firstChild.textContent : null, col: cell ? Number(cell.getAttribute('aria-colindex')) : null,
  };
});

async function uploadAndWait(page) {
  await page.waitForFunction(() => !document.getElementById('upload').disabled, null, { timeout: 15_000 });
  await page.click('#upload');
  await page.waitForFunction(() => document.getElementById('outcome-status').dataset.status
    && document.getElementById('uploading').hidden, null, { timeout: 30_000 });
  // The page then loads the tenant's uploads: D1 is read by this test only once that is over (the test's own
  // handle on the local D1 and the Worker's read at the same moment made the Worker answer 500, SQLITE_BUSY).
  await page.locator('#uploads li').first().waitFor({ timeout: 15_000 });
  return page.locator('#outcome-status').getAttribute('data-status');
}

test('three problems: one cell edited with the keyboard, two by safe fixes, Undo, and the corrected rows uploaded', async (t) => {
  const { app, page } = await signedInWithFile(t);
  assert.equal(await errors(page), '3');
  assert.ok(await page.locator('#upload').isDisabled());
  const rowsShown = await page.locator('#grid-body [role=row] [role=rowheader]').allTextContents();
  assert.deepEqual(rowsShown, ['2', '3', '4'], 'only the rows with problems, by the file\'s own numbers');
  assert.equal(await page.locator('#fixes button[data-fix=phone]').textContent(), 'Phone numbers to 10 digits (1)');
  assert.equal(await page.locator('#fixes button[data-fix=date]').textContent(), 'Dates as DD-MM-YYYY (1)');
  await checkState(page, 'grid');

  // Keyboard only: Tab reaches the grid at its one tab stop, arrows move, Enter edits, Escape cancels.
  await page.focus('#leave-out');
  await page.keyboard.press('Tab');
  assert.deepEqual(await focused(page), { tag: 'DIV', inGrid: true, role: 'gridcell', row: '2', col: 2 });
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await focused(page), { tag: 'DIV', inGrid: true, role: 'gridcell', row: '3', col: 4 });
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.value), '987654321');
  await page.keyboard.type('12345');
  await page.keyboard.press('Escape');
  assert.deepEqual(await focused(page), { tag: 'DIV', inGrid: true, role: 'gridcell', row: '3', col: 4 });
  assert.equal(await errors(page), '3', 'Escape changed nothing');
  await page.keyboard.press('Enter');
  await page.keyboard.type('9876543212');
  await page.keyboard.press('Enter');
  await waitErrors(page, 2);
  assert.deepEqual(await focused(page), { tag: 'DIV', inGrid: true, role: 'gridcell', row: '3', col: 4 });
  assert.equal(await page.locator('#grid-body [data-i="1"] [data-c="3"]').textContent(), '9876543212');
  assert.equal(await page.locator('#grid-body [data-i="1"] [data-c="3"]').getAttribute('aria-invalid'), null);
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).inGrid, false, 'Tab leaves the grid');

  // The safe fixes, one undone and applied again.
  await page.click('#fixes button[data-fix=phone]');
  await waitErrors(page, 1);
  await page.locator('#fixes button[data-fix=phone]:disabled', { hasText: '(0)' }).waitFor();
  await page.click('#fixes button[data-fix=date]');
  await waitErrors(page, 0);
  await page.click('#grid-undo');
  await waitErrors(page, 1);
  await page.locator('#fixes button[data-fix=date]', { hasText: 'Dates as DD-MM-YYYY (1)' }).waitFor();
  await page.click('#fixes button[data-fix=date]');
  await waitErrors(page, 0);
  assert.match(await page.locator('#status').textContent(), /has no errors now/);
  await checkState(page, 'grid-fixed');

  // Every row fixed: "only rows with problems" lists none; every row when it is unchecked.
  await page.locator('#grid-shown', { hasText: 'No rows to show.' }).waitFor();
  await page.uncheck('#only-problems');
  await page.locator('#grid-body [role=rowheader]', { hasText: /^4$/ }).waitFor();
  assert.deepEqual(await page.locator('#grid-body [role=rowheader]').allTextContents(), ['1', '2', '3', '4']);
  assert.equal(await page.locator('#grid-shown').textContent(), '4 of 4 rows shown.');

  const corrected = await downloadText(page, '#download-corrected');
  assert.equal(corrected, 'firstName,lastName,phone,DOB,gender\r\nAsha,Devi,9876543210,12-10-1992,Female\r\n'
    + 'Ravi,Kumar,9876543211,01-01-1990,Male\r\nMeena,Singh,9876543212,15-08-1985,Female\r\n'
    + 'Kumar,Yadav,9876543213,12-10-1992,Male\r\n');

  assert.equal(await uploadAndWait(page), 'COMPLETED');
  const created = await rows(app, "SELECT name, mobile_number, dob FROM users WHERE mobile_number LIKE '98765432%' ORDER BY mobile_number");
  assert.deepEqual(created.map((p) => [p.name, p.mobile_number, p.dob]), [
    ['Asha Devi', '9876543210', '12/10/1992'], ['Ravi Kumar', '9876543211', '01/01/1990'],
    ['Meena Singh', '9876543212', '15/08/1985'], ['Kumar Yadav', '9876543213', '12/10/1992'],
  ], 'every person created with the corrected values');
});

test('leaving out the rows with problems: the others are uploaded, the left-out ones downloadable; Hindi', async (t) => {
  const { app, page } = await signedInWithFile(t);
  // Remove row 4 with the keyboard: its last cell holds the Remove button.
  await page.focus('#leave-out');
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Remove row 4');
  await page.keyboard.press('Enter');
  await waitErrors(page, 2);
  assert.deepEqual(await page.locator('#grid-body [role=rowheader]').allTextContents(), ['2', '3']);
  assert.ok(await page.locator('#upload').isDisabled(), 'never the default: rows with problems block the upload');

  // Find and replace in one column (lastName), then undone.
  await page.selectOption('#replace-column', { label: 'lastName' });
  await page.fill('#replace-find', 'Singh');
  await page.locator('#replace-count', { hasText: '1 cell holds it.' }).waitFor();
  await page.fill('#replace-with', 'Sinha');
  await page.click('#replace-form button[type=submit]');
  await page.locator('#replace-count', { hasText: 'Replaced in 1 cell.' }).waitFor();
  await page.locator('#grid-body [role=gridcell]', { hasText: /^Sinha$/ }).waitFor();
  await page.click('#grid-undo');
  await page.locator('#grid-body [role=gridcell]', { hasText: /^Singh$/ }).waitFor();

  await page.check('#leave-out');
  await page.locator('#left-out', { hasText: '2 rows with problems will be left out of the upload.' }).waitFor();
  const leftOut = await downloadText(page, '#download-left-out');
  const lines = leftOut.trimEnd().split('\r\n');
  assert.equal(lines[0], 'firstName,lastName,phone,DOB,gender,Problems');
  assert.deepEqual(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(',')), ['Ravi,Kumar,0091 98765 43211', 'Meena,Singh,987654321']);
  assert.match(lines[2], /phone: Not a valid Indian mobile number/);

  await page.selectOption('#locale', 'hi_IN');
  await page.locator('#grid-title', { hasText: 'समस्या वाली पंक्तियाँ ठीक करें' }).waitFor();
  await page.locator('#grid-body [role=row]', { hasText: 'मान्य भारतीय मोबाइल नंबर नहीं' }).first().waitFor({ timeout: 10_000 });
  assert.deepEqual(await page.locator('#grid-body [role=rowheader]').allTextContents(), ['2', '3'], 'the removal is kept');
  assert.ok(await page.locator('#mapping').isHidden(), 'a file under the template\'s headings shows no mapping step in Hindi either');
  const problemsHi = await downloadText(page, '#download-problems');
  assert.match(problemsHi.split('\r\n')[0], /,समस्याएँ$/);
  await checkState(page, 'grid-hi');
  await page.selectOption('#locale', 'en_IN');
  await page.locator('#grid-title', { hasText: 'Fix the rows with problems' }).waitFor();

  assert.equal(await uploadAndWait(page), 'COMPLETED');
  assert.match(await page.locator('#status').textContent(), /1 users created, 2 rows with problems left out/);
  assert.equal(await page.locator('[data-testid=outcome-left-out]').textContent(), '2');
  const [record] = await rows(app, 'SELECT rows, created, left_out FROM uploads');
  assert.deepEqual({ ...record }, { rows: 1, created: 1, left_out: 2 }, 'the upload record says how many were left out');
  const created = await rows(app, "SELECT mobile_number FROM users WHERE mobile_number LIKE '98765432%' ORDER BY mobile_number");
  assert.deepEqual(created.map((p) => p.mobile_number), ['9876543210'], 'only the row without problems (row 4 was removed)');
});

test('another tenant chosen after an edit: the grid keeps the edit and judges every row by that tenant\'s rules', async (t) => {
  // pb.demo and a ward below it that takes at most 3 rows (the file has 4).
  const app = await spawnApp(t);
  await seedWorld(t, app, []);
  await rows(app, "INSERT INTO tenants (id, name, parent_id) VALUES ('pb.demo.w1', 'Ward 1', 'pb.demo')");
  const put = await app.fetch('/v1/tenant/pb.demo.w1/upload-config', {
    method: 'PUT', body: JSON.stringify({ maxRows: 3 }),
    headers: { authorization: `Bearer ${await tokenOf(app, 'gpDemo')}`, 'content-type': 'application/json' },
  });
  assert.equal(put.status, 200, await put.text());
  const { page } = await openAdmin(t, app);
  await signIn(page, USERS.gpDemo.userName, PASSWORD, USERS.gpDemo.tenantId);
  await waitRules(page);
  await choose(page, FILE);
  await page.locator('#grid-body [role=row]').first().waitFor({ timeout: 15_000 });
  assert.equal(await errors(page), '3');
  await page.uncheck('#only-problems'); // every row listed, in place, whatever the rules say of it
  await page.locator('#grid-body [role=rowheader]', { hasText: /^1$/ }).waitFor();
  const phone = page.locator('#grid-body [data-i="2"] [data-c="3"]'); // row 3's phone, 9 digits
  assert.equal(await phone.textContent(), '987654321');
  await phone.click();
  await page.keyboard.press('Enter');
  await page.keyboard.type('9876543212');
  await page.keyboard.press('Enter');
  await waitErrors(page, 2);

  await page.selectOption('#tenant', 'pb.demo.w1');
  await waitErrors(page, 3); // the two left, and a file of 4 rows where 3 are allowed
  assert.equal(await phone.textContent(), '9876543212', 'the edit is kept');
  assert.match(await page.locator('#file-problems').textContent(), /3/, 'the row limit is said');
  assert.ok(await page.locator('#upload').isDisabled());

  await page.selectOption('#tenant', 'pb.demo');
  await waitErrors(page, 2);
  assert.equal(await phone.textContent(), '9876543212', 'still kept');
  assert.equal(await page.locator('#file-problems-box').isHidden(), true);
  await page.click('#grid-undo');
  await waitErrors(page, 3);
});
