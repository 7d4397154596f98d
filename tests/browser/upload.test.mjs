// The Upload journey on /admin, end to end: the page in Chromium, the real Worker, a real local D1. Every state
// of the page is checked with axe-core at 1280 and 360 px wide, with a screenshot of each in tests/artifacts/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnApp, DATA } from '../helpers.mjs';
import { seedWorld, rows, PASSWORD, USERS } from '../api/support.mjs';
import { openAdmin, choose, drop, signIn, tableRows, downloadText, checkState } from './admin-page.mjs';

/** Two clean rows whose phones (9876543210, 9876543211) no seeded user has. */
const CLEAN = 'admin_clean_two_rows.csv';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function world(t) {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const { page } = await openAdmin(t, app);
  return { app, page, tokens };
}

async function signInAs(page, key) {
  await signIn(page, USERS[key].userName, PASSWORD, USERS[key].tenantId);
}

/** Waits until the chosen tenant's rules are loaded and the file checked by them: Upload is on. */
async function uploadReady(page) {
  await page.waitForFunction(() => !document.getElementById('upload').disabled, null, { timeout: 15_000 });
}

async function uploadAndWait(page) {
  await page.click('#upload');
  await page.waitForFunction(() => document.getElementById('outcome-status').dataset.status
    && document.getElementById('uploading').hidden, null, { timeout: 30_000 });
}

/** The users of the clean fixture in D1. */
const uploadedUsers = (app) => rows(app, `SELECT uuid, user_name, mobile_number, tenant_id, type, upload_id
  FROM users WHERE mobile_number IN ('9876543210', '9876543211') ORDER BY mobile_number`);

test('an administrator signs in, uploads a clean file, downloads the result, and opens it again from earlier uploads', async (t) => {
  const { app, page } = await world(t);
  await checkState(page, 'signed-out');

  // Checking works before signing in; Upload does not.
  await drop(page, 'admin_known_problems.csv');
  assert.equal(await page.locator('[data-testid=errors]').textContent(), '8');
  await checkState(page, 'issues');

  await signInAs(page, 'gpDemo');
  assert.match(await page.locator('[data-testid=who]').textContent(), /Signed in as .*\(gp\.demo, pb\.demo\)/);
  const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('enrol.session'), local: localStorage.length }));
  assert.ok(JSON.parse(stored.session).token, 'the access token is in sessionStorage');
  assert.equal(stored.local, 0, 'nothing in localStorage');
  const tenants = await page.locator('#tenant option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(tenants.includes('pb.demo'), `tenants offered: ${tenants}`);
  assert.equal(await page.inputValue('#tenant'), 'pb.demo', "the administrator's own tenant is chosen");
  assert.equal(await page.inputValue('#user-type'), 'EMPLOYEE');
  await page.locator('[data-testid=rules]', { hasText: /at most/ }).waitFor({ timeout: 15_000 });
  await page.locator('#status').filter({ hasText: 'admin_known_problems.csv has errors' }).waitFor({ timeout: 15_000 });
  await checkState(page, 'signed-in');

  await choose(page, CLEAN);
  await uploadReady(page);
  await checkState(page, 'clean');

  // Hold the request until the uploading state has been looked at. (Only held: a route that fetches the request
  // itself would lose the file, which Chromium does not hand over with the intercepted body.)
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/v1/user/upload*', async (route) => { await held; await route.continue(); });
  await page.click('#upload');
  await page.locator('#uploading').waitFor({ timeout: 5_000 });
  assert.ok(await page.locator('#upload').isDisabled(), 'Upload is off while the request runs');
  assert.match(await page.locator('#status').textContent(), /Uploading 2 rows of admin_clean_two_rows\.csv…/);
  await checkState(page, 'uploading');
  const answered = page.waitForResponse((r) => r.url().includes('/v1/user/upload'));
  release();
  assert.equal((await answered).status(), 200);
  await page.waitForFunction(() => document.getElementById('outcome-status').dataset.status, null, { timeout: 30_000 });
  await page.unroute('**/v1/user/upload*');

  assert.equal(await page.locator('[data-testid=outcome-status]').getAttribute('data-status'), 'COMPLETED');
  assert.equal(await page.locator('[data-testid=outcome-status]').textContent(), 'Completed');
  assert.equal(await page.locator('[data-testid=outcome-created]').textContent(), '2');
  assert.equal(await page.locator('[data-testid=outcome-failed]').textContent(), '0');
  assert.match(await page.locator('#status').textContent(), /uploaded: 2 users created/);
  assert.ok(await page.locator('#upload').isDisabled(), 'the same file is not uploaded twice');

  const table = await tableRows(page, '#outcome-table');
  assert.equal(table.length, 2);
  assert.deepEqual(table.map((r) => [r[0], r[3]]), [['1', 'created'], ['2', 'created']]);
  for (const r of table) assert.match(r[2], UUID);

  // The users exist in D1, in the chosen tenant, as the table says.
  const users = await uploadedUsers(app);
  assert.equal(users.length, 2, 'both users were created');
  assert.ok(users.every((u) => u.tenant_id === 'pb.demo' && u.type === 'EMPLOYEE' && u.upload_id));
  assert.deepEqual(users.map((u) => u.uuid).sort(), table.map((r) => r[2]).sort());
  assert.deepEqual(table.map((r) => r[1]).sort(), users.map((u) => u.user_name).sort());

  // The result as CSV: the table's columns, no credentials, no cell a spreadsheet would run.
  const csv = await downloadText(page, '#download-result');
  const lines = csv.trimEnd().split('\r\n');
  assert.equal(lines[0], 'row,userName,uuid,status,problem');
  assert.equal(lines.length, 3);
  const cells = lines.slice(1).map((l) => l.split(','));
  assert.deepEqual(cells.map((c) => c[3]), ['created', 'created']);
  assert.deepEqual(cells.map((c) => c[2]).sort(), users.map((u) => u.uuid).sort());
  assert.ok(cells.flat().every((c) => !/^[=+\-@\t\r]/.test(c)), `no cell starts a formula: ${csv}`);
  assert.ok(!/token|password|Bearer/i.test(csv), 'no credentials in the result');

  await page.locator('#uploads li', { hasText: CLEAN }).waitFor({ timeout: 10_000 });
  await checkState(page, 'result');

  // A reload keeps the session (sessionStorage) and lists the upload; opening it shows its result.
  await page.reload();
  await page.locator('#uploads li', { hasText: CLEAN }).waitFor({ timeout: 15_000 });
  assert.ok(await page.locator('#outcome').isHidden());
  assert.match(await page.locator('[data-testid=history-note]').textContent(), /Uploads 1–1 of 1/);
  await checkState(page, 'earlier-uploads');
  // Its status answers as if two more messages still waited in the SMS queue, so that the page has to ask for
  // the counts again (every 5 s), until none is queued.
  const isStatus = (r) => r.url().includes('/v1/upload/status/');
  await page.route('**/v1/upload/status/**', async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    body.sms = { ...body.sms, queued: body.sms.queued + 2 };
    await route.fulfill({ response, json: body });
  }, { times: 1 });
  await page.click(`#uploads button:has-text("${CLEAN}")`);
  await page.locator('[data-testid=outcome-status][data-status=COMPLETED]').waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('[data-testid=outcome-file]').textContent(), CLEAN);
  assert.deepEqual((await tableRows(page, '#outcome-table')).map((r) => r[2]).sort(), users.map((u) => u.uuid).sort());

  assert.ok(Number(await page.locator('[data-testid=sms-queued]').textContent()) >= 2);
  const polled = await page.waitForResponse(isStatus, { timeout: 15_000 });
  const sms = (await polled.json()).sms;
  await page.waitForFunction((q) => document.getElementById('sms-queued').textContent === String(q), sms.queued);
  for (const k of ['sent', 'delivered', 'failed']) {
    assert.equal(await page.locator(`[data-testid=sms-${k}]`).textContent(), String(sms[k]), `sms.${k}`);
  }
  if (sms.queued === 0) {
    let more = 0;
    const count = (r) => { if (isStatus(r)) more += 1; };
    page.on('request', count);
    await page.waitForTimeout(6_000);
    page.off('request', count);
    assert.equal(more, 0, 'polling stops when nothing is queued');
  }

  await page.selectOption('#locale', 'hi_IN');
  await page.locator('[data-testid=outcome-status]', { hasText: 'पूरा हुआ' }).waitFor({ timeout: 10_000 });
  await page.locator('#outcome-table td', { hasText: 'बनाया गया' }).first().waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('h1').textContent(), 'उपयोगकर्ता अपलोड करें');
  await checkState(page, 'hindi');
});

test('a user who is not an administrator is told so and signed out; a wrong password is named', async (t) => {
  const { app, page } = await world(t);
  await signIn(page, 'gp.demo', 'not-the-password');
  assert.match(await page.locator('[data-testid=signin-error]').textContent(), /Invalid login credentials/);

  await signInAs(page, 'clerkDemo');
  await page.locator('[data-testid=signin-error]', { hasText: 'clerk.demo is not an administrator' }).waitFor({ timeout: 10_000 });
  assert.ok(await page.locator('#session').isHidden());
  assert.ok(await page.locator('#signin').isVisible());
  assert.equal(await page.evaluate(() => sessionStorage.getItem('enrol.session')), null, 'the token is forgotten');
  const sessions = await rows(app, `SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE u.user_name = 'clerk.demo'`);
  assert.equal(sessions[0].n, 0, 'and ended on the server (/user/_logout)');
  await checkState(page, 'not-admin');

  await page.selectOption('#locale', 'hi_IN');
  await signInAs(page, 'clerkDemo');
  await page.locator('[data-testid=signin-error]', { hasText: 'व्यवस्थापक नहीं हैं' }).waitFor({ timeout: 10_000 });
});

test('a revoked session brings the sign-in back, keeps the checked file, and Upload works after signing in again', async (t) => {
  const { app, page } = await world(t);
  await signInAs(page, 'gpDemo');
  await choose(page, CLEAN);
  await uploadReady(page);

  await rows(app, 'DELETE FROM sessions');
  await page.click('#upload');
  await page.locator('#signin').waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await page.locator('[data-testid=signin-error]').textContent(), /session has ended/);
  assert.ok(await page.locator('#upload').isDisabled());
  assert.equal(await page.locator('[data-testid=rows]').textContent(), '2', 'the check is kept');
  assert.equal(await page.locator('[data-testid=errors]').textContent(), '0');
  assert.equal(await page.$eval('#file', (i) => i.files[0]?.name), CLEAN, 'the file is kept');
  assert.equal((await uploadedUsers(app)).length, 0, 'nothing was created');
  await checkState(page, 'session-ended');

  await signInAs(page, 'gpDemo');
  await uploadReady(page);
  assert.equal(await page.locator('[data-testid=rows]').textContent(), '2');
  await uploadAndWait(page);
  assert.equal(await page.locator('[data-testid=outcome-status]').getAttribute('data-status'), 'COMPLETED');
  assert.equal((await uploadedUsers(app)).length, 2);
});

test('an upload the server refuses (the people exist already) shows FAILED and every problem, and creates nobody', async (t) => {
  const { app, page, tokens } = await world(t);
  // The same file uploaded first from outside the page.
  const form = new FormData();
  form.append('file', new Blob([readFileSync(join(DATA, CLEAN))], { type: 'text/csv' }), CLEAN);
  form.append('tenantId', 'pb.demo');
  form.append('userType', 'EMPLOYEE');
  const first = await app.fetch('/v1/user/upload', { method: 'POST', body: form, headers: { authorization: `Bearer ${tokens.gpDemo}` } });
  assert.equal(first.status, 200, await first.text());
  const before = await rows(app, 'SELECT count(*) AS n FROM users');

  await signInAs(page, 'gpDemo');
  await choose(page, CLEAN);
  await uploadReady(page);
  await uploadAndWait(page);
  assert.equal(await page.locator('[data-testid=outcome-status]').getAttribute('data-status'), 'FAILED');
  assert.equal(await page.locator('[data-testid=outcome-created]').textContent(), '0');
  assert.match(await page.locator('#status').textContent(), /was not uploaded: nothing was created/);
  const table = await tableRows(page, '#outcome-table');
  assert.ok(table.length >= 2, `every clash is listed: ${JSON.stringify(table)}`);
  assert.ok(table.every((r) => r[3] === 'failed'));
  assert.ok(table.some((r) => r[4].startsWith('phone: ')), 'the column is named');
  assert.deepEqual(await rows(app, 'SELECT count(*) AS n FROM users'), before, 'nobody was created');
  await page.locator('#uploads li').nth(1).waitFor({ timeout: 10_000 });
  await checkState(page, 'failed');
});

test("the page checks a file by the chosen tenant's rules, and finds what the Worker's upload finds", async (t) => {
  const { app, page, tokens } = await world(t);
  const auth = { authorization: `Bearer ${tokens.gpDemo}` };
  const put = await app.fetch('/v1/tenant/pb.demo/upload-config', {
    method: 'PUT', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ maxRows: 1, roles: ['EMPLOYEE'] }),
  });
  assert.equal(put.status, 200, await put.text());

  // Before signing in the validator's defaults apply: the file is clean.
  await choose(page, CLEAN);
  assert.equal(await page.locator('[data-testid=errors]').textContent(), '0');

  // pb.demo allows one row and the role EMPLOYEE only: row 2 is one too many, row 1's GP_ADMIN not allowed.
  await signInAs(page, 'gpDemo');
  await page.locator('[data-testid=rules]', { hasText: /at most 1 rows/ }).waitFor({ timeout: 15_000 });
  await page.locator('#status').filter({ hasText: `${CLEAN} has errors` }).waitFor({ timeout: 15_000 });
  assert.ok(await page.locator('#upload').isDisabled());
  const inPage = (await downloadText(page, '#download-issues')).trimEnd().split('\r\n').slice(1)
    .map((l) => l.split(',')).map((c) => `${c[0]}|${c[2]}|${c[3]}`).sort();
  assert.ok(inPage.some((i) => i.includes('|roles|')), `a roles issue: ${inPage}`);
  await checkState(page, 'tenant-rules');

  const form = new FormData();
  form.append('file', new Blob([readFileSync(join(DATA, CLEAN))], { type: 'text/csv' }), CLEAN);
  form.append('tenantId', 'pb.demo');
  form.append('userType', 'EMPLOYEE');
  const res = await app.fetch('/v1/user/upload', { method: 'POST', body: form, headers: auth });
  assert.equal(res.status, 422);
  const byWorker = (await res.json()).failureResult.map((i) => `${i.row ?? ''}|${i.column ?? ''}|${i.code}`).sort();
  assert.deepEqual(inPage, byWorker, 'the page and the Worker find the same issues in the same file');
});
