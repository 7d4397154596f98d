// Lockout after failed logins (DIGIT's defaults: 5 failures in 30 minutes lock for 60 minutes), its expiry,
// and an administrator's unlock. Small LOCKOUT_* values keep the expiry tests fast.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnApp } from '../helpers.mjs';
import { assertError, login, post, rows, seedWorld } from './support.mjs';

const WRONG = 'not-the-password-1';

async function failures(app, n, user = 'clerk.demo') {
  const answers = [];
  for (let i = 0; i < n; i++) answers.push(await login(app, user, WRONG));
  return answers;
}

const lockedRow = async (app) =>
  (await rows(app, "SELECT account_locked, locked_until FROM users WHERE user_name = 'clerk.demo'"))[0];

test('with the defaults, 4 failures then a success reset the count; 5 failures lock, even against the right password', async (t) => {
  const app = await spawnApp(t);
  await seedWorld(t, app, []);
  for (const r of await failures(app, 4)) assertError(r, 400, 'InvalidCredentials');
  assert.equal((await login(app, 'clerk.demo')).status, 200, 'N-1 failures do not lock');
  assert.deepEqual(await rows(app, 'SELECT * FROM login_failures'), [], 'a success clears the count');
  for (const r of await failures(app, 4)) assertError(r, 400, 'InvalidCredentials', 'the count started again');
  const fifth = await login(app, 'clerk.demo', WRONG);
  const e = assertError(fifth, 400, 'AccountLocked', 'the 5th failure');
  assert.equal(e.message, 'Account locked');
  assert.equal(fifth.body.error, 'invalid_request');
  const right = await login(app, 'clerk.demo');
  assert.equal(assertError(right, 400, 'AccountLocked', 'right password while locked').message, 'Account locked');
  const row = await lockedRow(app);
  assert.equal(row.account_locked, 1);
  const now = Math.floor(Date.now() / 1000);
  assert.ok(Math.abs(row.locked_until - (now + 3600)) <= 5, `locked for 60 minutes: ${row.locked_until - now}s`);
  // Another user of the same tenant is not affected.
  assert.equal((await login(app, 'gp.demo')).status, 200);
});

test('the lock lifts by itself after LOCKOUT_SECONDS, and the count starts from zero again', async (t) => {
  const app = await spawnApp(t, { vars: { LOCKOUT_MAX_FAILURES: '3', LOCKOUT_SECONDS: '2' } });
  await seedWorld(t, app, []);
  const answers = await failures(app, 3);
  assert.deepEqual(answers.map((r) => r.body.Errors[0].code), ['InvalidCredentials', 'InvalidCredentials', 'AccountLocked']);
  assertError(await login(app, 'clerk.demo'), 400, 'AccountLocked', 'right password inside the lock');
  await sleep(3100);
  const r = await login(app, 'clerk.demo');
  assert.equal(r.status, 200, `right password after the lock: ${r.raw}`);
  assert.equal(r.body.UserRequest.accountLocked, false);
  assert.deepEqual(await lockedRow(app), { account_locked: 0, locked_until: null });
  assertError((await failures(app, 1))[0], 400, 'InvalidCredentials', 'one failure after the lock does not re-lock');
});

test('failures older than LOCKOUT_WINDOW_SECONDS do not count towards a lock', async (t) => {
  const app = await spawnApp(t, { vars: { LOCKOUT_MAX_FAILURES: '3', LOCKOUT_WINDOW_SECONDS: '1' } });
  await seedWorld(t, app, []);
  await failures(app, 2);
  await sleep(2100);
  for (const r of await failures(app, 2)) assertError(r, 400, 'InvalidCredentials', 'old failures have left the window');
  assert.equal((await login(app, 'clerk.demo')).status, 200);
});

test('an administrator unlocks with accountLocked:false; a non-administrator cannot', async (t) => {
  const app = await spawnApp(t);
  const { tokens, ids } = await seedWorld(t, app, ['gpDemo', 'citizenDemo']);
  await failures(app, 5);
  assertError(await login(app, 'clerk.demo'), 400, 'AccountLocked');
  const unlock = { user: { id: ids.clerkDemo, accountLocked: false } };

  assertError(await post(app, '/user/users/_updatenovalidate', unlock, tokens.citizenDemo), 401, 'CustomException',
    'a citizen cannot unlock');
  assert.equal((await lockedRow(app)).account_locked, 1);

  const r = await post(app, '/user/users/_updatenovalidate', unlock, tokens.gpDemo);
  assert.equal(r.status, 200, r.raw);
  assert.equal(r.body.user[0].accountLocked, false);
  assert.deepEqual(await lockedRow(app), { account_locked: 0, locked_until: null });
  assert.equal((await login(app, 'clerk.demo')).status, 200, 'the right password works at once');

  // accountLocked:true locks until an administrator unlocks (no expiry).
  const lock = await post(app, '/user/users/_updatenovalidate', { user: { id: ids.clerkDemo, accountLocked: true } }, tokens.gpDemo);
  assert.equal(lock.status, 200);
  assert.deepEqual(await lockedRow(app), { account_locked: 1, locked_until: null });
  assertError(await login(app, 'clerk.demo'), 400, 'AccountLocked', 'locked by an administrator');
});
