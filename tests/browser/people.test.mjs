// The People view on /admin as an administrator lives it (issue 17), in Chromium against the real Worker, D1,
// queue and a stand-in SMS provider: an upload of which some messages fail and some people log in; the funnel
// shows it with its numbers and a text equivalent; "not delivered" finds those who did not get their message;
// one number is fixed and the credentials re-sent to the selection, by keyboard, after a confirmation with the
// count; the messages arrive; the audit log shows the upload, the change and the re-sends. axe-core finds no
// violation at 1280 and 360 px, in English and in Hindi.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnApp } from '../helpers.mjs';
import { PASSWORD, USERS, login, seedWorld } from '../api/support.mjs';
import { get, upload } from '../api/upload_support.mjs';
import { providerServer, until } from '../api/provider_server.mjs';
import { openAdmin, signIn, checkState, tableRows } from './admin-page.mjs';

const PHONE = (i) => String(9876540000 + i);
const N = 10;
const FAILING = [2, 5, 7];
const LOGGING_IN = [0, 1, 3, 4, 6];

test('the day after: funnel, "not delivered", fix a number, re-send to the selection, audit log; keyboard, axe, Hindi', async (t) => {
  const provider = await providerServer(t);
  const app = await spawnApp(t, { vars: provider.vars('msg91') });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const sheet = ['firstName,lastName,phone', ...Array.from({ length: N }, (_, i) => `P${String.fromCharCode(97 + i)},Kumar,${PHONE(i)}`)].join('\n');
  provider.mode('refuse', { spare: Array.from({ length: N }, (_, i) => i).filter((i) => !FAILING.includes(i)).map((i) => `91${PHONE(i)}`) });
  const up = await upload(app, tokens.gpDemo, sheet, { fileName: 'ward-staff.csv' });
  assert.equal(up.status, 200, up.raw);
  await until(async () => (await get(app, `/v1/upload/status/${up.body.processId}`, tokens.gpDemo)).body.sms.queued === 0, 60_000, 'the welcomes');
  provider.mode('ok');
  const password = (i) => provider.received.filter((m) => m.to === `91${PHONE(i)}`).at(-1).fields.recipients[0].password;
  for (const i of LOGGING_IN) assert.equal((await login(app, PHONE(i), password(i))).status, 200);

  const { page } = await openAdmin(t, app);
  await signIn(page, USERS.gpDemo.userName, PASSWORD, 'pb.demo');
  await page.locator('#people-table tbody tr').first().waitFor({ timeout: 15_000 });

  // The funnel of this upload: by its file name in the search, its process id for the funnel.
  await page.fill('#people-upload', up.body.processId);
  await page.press('#people-upload', 'Enter');
  await page.locator('[data-testid=funnel-text]', { hasText: `Of ${N} created` }).waitFor({ timeout: 15_000 });
  const text = await page.locator('[data-testid=funnel-text]').textContent();
  assert.ok(text.startsWith(`Of ${N} created, ${N - FAILING.length} got their message, ${LOGGING_IN.length} logged in and 0 set their own password. ${FAILING.length} messages were not delivered.`), text);
  assert.match(text, /Median time from creation to first login: \d+ s\.$/);
  const bars = await page.locator('#funnel-chart svg text').allTextContents();
  assert.deepEqual(bars, [`Created: ${N}`, `Sent: ${N - FAILING.length}`, `First login: ${LOGGING_IN.length}`, 'Own password: 0'], 'the numbers are written on the chart');
  assert.equal(await page.locator('#funnel-chart svg').getAttribute('aria-hidden'), 'true', 'the list below is its text');
  await checkState(page, 'people-funnel');

  // "Not delivered" by keyboard: the filter, then Enter in the search form.
  await page.focus('#people-filter');
  await page.selectOption('#people-filter', 'not-delivered');
  await page.press('#people-q', 'Enter');
  await page.locator('[data-testid=people-status]', { hasText: `${FAILING.length} people.` }).waitFor({ timeout: 15_000 });
  const found = await page.locator('#people-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.cells[1].textContent));
  assert.deepEqual(found.map((c) => c.split(' · ')[1]).sort(), FAILING.map(PHONE).sort());
  await checkState(page, 'people-not-delivered');

  // One number was wrong: change it (and re-send there), from its row's button.
  const wrong = PHONE(FAILING[0]);
  await page.locator(`#people-table tbody tr:has-text("${wrong}") button`, { hasText: 'Change contact' }).focus();
  await page.keyboard.press('Enter');
  await page.locator('#people-dialog[open]').waitFor();
  await page.fill('#people-mobile', '9876549999');
  await checkState(page, 'people-contact-dialog');
  await page.keyboard.press('Enter');
  await until(() => provider.received.some((m) => m.to === '919876549999'), 30_000, 'the message to the new number');

  // The other two: ticked with the keyboard, re-sent after a confirmation that says how many.
  await page.locator('[data-testid=people-status]', { hasText: 'Change contact: done for 1.' }).waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('#people-table tbody tr').count(), FAILING.length - 1, 'the fixed one is no longer "not delivered"');
  for (const i of FAILING.slice(1)) {
    await page.locator(`#people-table tbody tr:has-text("${PHONE(i)}") input[type=checkbox]`).focus();
    await page.keyboard.press('Space');
  }
  await page.focus('#sel-reissue');
  await page.keyboard.press('Enter');
  await page.locator('#people-dialog[open]').waitFor();
  assert.equal(await page.locator('#people-ask').textContent(), 'Re-send credentials: 2 people. Continue?');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'people-confirm', 'the focus is on Confirm');
  await page.keyboard.press('Enter');
  await until(() => FAILING.slice(1).every((i) => provider.received.filter((m) => m.to === `91${PHONE(i)}`).length === 1), 30_000, 'the two re-sent messages');
  await page.locator('[data-testid=people-status]', { hasText: 'done for 2' }).waitFor();

  // The audit log: the upload, the change of contact and the three re-sends.
  await page.locator('#audit-table tbody tr').first().waitFor();
  const audit = (await tableRows(page, '#audit-table')).map((r) => `${r[1]} ${r[2]} ${r[4]}`);
  for (const line of ['gp.demo Upload ok', 'gp.demo Change of contact ok', 'gp.demo Administrator sign-in ok']) assert.ok(audit.includes(line), `${line} in ${audit}`);
  assert.equal(audit.filter((l) => l === 'gp.demo Re-send credentials ok').length, 3, audit.join('\n'));
  await checkState(page, 'people-audit');

  // Filtered, by keyboard: the re-sends to one person (by user name), then today's uploads by gp.demo.
  const entriesShown = async (n) => page.locator('#audit-status', { hasText: n === 0 ? 'No entries match.' : `${n} entries.` }).waitFor({ timeout: 15_000 });
  await page.focus('#audit-action');
  await page.selectOption('#audit-action', 'reissue');
  await page.fill('#audit-subject', PHONE(FAILING[1]));
  await page.press('#audit-subject', 'Enter');
  await entriesShown(1);
  assert.deepEqual((await tableRows(page, '#audit-table')).map((r) => `${r[1]} ${r[2]} ${r[4]}`), ['gp.demo Re-send credentials ok']);
  await page.fill('#audit-subject', '');
  await page.selectOption('#audit-action', 'upload');
  await page.fill('#audit-actor', USERS.gpDemo.userName);
  const today = new Date();
  const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  await page.fill('#audit-since', day);
  await page.fill('#audit-until', day);
  await page.press('#audit-actor', 'Enter');
  await entriesShown(1);
  await page.fill('#audit-actor', 'nobody');
  await page.press('#audit-actor', 'Enter');
  await entriesShown(0);
  await checkState(page, 'people-audit-filtered');

  // In Hindi, the same view.
  await page.selectOption('#locale', 'hi_IN');
  assert.equal(await page.locator('#people-title').textContent(), 'लोग');
  assert.match(await page.locator('[data-testid=funnel-text]').textContent(), /बनाए गए में से/);
  await checkState(page, 'people-hindi');
});
