// Logging in and out: /user/oauth/token (password and refresh_token grants), /user/_logout, /user/_details,
// /user/password/_update, and how tokens end (logout, password change, expiry, deactivation).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnApp } from '../helpers.mjs';
import { PASSWORD, USERS, assertError, assertUnchanged, login, post, raw, rows, seedWorld, sha256, snapshot, token } from './support.mjs';

const refresh = (app, refreshToken) => token(app, { grant_type: 'refresh_token', refresh_token: refreshToken });
const details = (app, tok) => post(app, '/user/_details', {}, tok);

test('a good login answers the OAuth fields and the DIGIT user, without any password, hash or token inside it', async (t) => {
  const app = await spawnApp(t);
  await seedWorld(t, app, []);
  const r = await login(app, 'clerk.demo');
  assert.equal(r.status, 200, r.raw);
  assert.deepEqual(Object.keys(r.body).sort(),
    ['ResponseInfo', 'UserRequest', 'access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
  assert.match(r.body.access_token, /^[0-9a-f]{64}$/);
  assert.match(r.body.refresh_token, /^[0-9a-f]{64}$/);
  assert.notEqual(r.body.access_token, r.body.refresh_token);
  assert.equal(r.body.token_type, 'bearer');
  assert.equal(r.body.expires_in, 7 * 24 * 3600);
  const u = r.body.UserRequest;
  assert.equal(u.userName, 'clerk.demo');
  assert.equal(u.tenantId, 'pb.demo');
  assert.equal(u.type, 'EMPLOYEE');
  assert.deepEqual(u.roles, [{ code: 'EMPLOYEE', name: 'EMPLOYEE', tenantId: 'pb.demo' }]);
  assert.ok(!('password' in u) && !r.raw.includes('$argon2') && !r.raw.includes(PASSWORD));
  // Only hashes of the tokens are stored.
  const stored = await rows(app, 'SELECT token_hash, kind FROM sessions ORDER BY kind');
  assert.deepEqual(stored, [
    { token_hash: sha256(r.body.access_token), kind: 'access' },
    { token_hash: sha256(r.body.refresh_token), kind: 'refresh' },
  ]);
});

test('a wrong password, an unknown user and a wrong tenant all get the very same answer', async (t) => {
  const app = await spawnApp(t);
  await seedWorld(t, app, []);
  const wrong = await login(app, 'clerk.demo', 'not-the-password-1');
  const unknown = await login(app, 'nobody.here', 'not-the-password-1');
  const otherTenant = await login(app, 'clerk.demo', PASSWORD, 'pb.other');
  for (const [what, r] of [['wrong password', wrong], ['unknown user', unknown], ['wrong tenant', otherTenant]]) {
    const e = assertError(r, 400, 'InvalidCredentials', what);
    assert.equal(e.message, 'Invalid login credentials');
    assert.equal(r.body.error, 'invalid_request', 'DIGIT\'s error for a failed password login');
  }
  assert.deepEqual(unknown.body, wrong.body);
  assert.deepEqual(otherTenant.body, wrong.body);
  // The user name is matched case-insensitively, and userType narrows the search.
  assert.equal((await login(app, 'CLERK.Demo')).status, 200);
  assert.equal((await login(app, 'clerk.demo', PASSWORD, 'pb.demo', { userType: 'CITIZEN' })).status, 400);
  assert.equal((await login(app, 'sysadmin', PASSWORD, 'pb.demo', { userType: 'EMPLOYEE' })).status, 200,
    'EMPLOYEE logins also find SYSTEM users (DIGIT)');
});

test('a refresh token works once: it ends its session, the new tokens work, and the old refresh token is refused', async (t) => {
  const app = await spawnApp(t);
  await seedWorld(t, app, []);
  const first = (await login(app, 'clerk.demo')).body;
  const r = await refresh(app, first.refresh_token);
  assert.equal(r.status, 200, r.raw);
  assert.equal(r.body.UserRequest.userName, 'clerk.demo');
  assert.notEqual(r.body.access_token, first.access_token);
  assert.notEqual(r.body.refresh_token, first.refresh_token);

  assertError(await details(app, first.access_token), 401, 'Unauthorized', 'access token of the refreshed session');
  assert.equal((await details(app, r.body.access_token)).status, 200);
  // Tokens are not interchangeable: an access token is no refresh token, and the reverse.
  assertError(await refresh(app, r.body.access_token), 400, 'InvalidRefreshToken', 'access token as refresh token');
  assertError(await details(app, r.body.refresh_token), 401, 'Unauthorized', 'refresh token as access token');
  const third = await refresh(app, r.body.refresh_token);
  assert.equal(third.status, 200, 'the new refresh token works (once)');
  // The first refresh token again: a reuse. It is refused, and every session descended from it ends.
  const again = await refresh(app, first.refresh_token);
  assertError(again, 400, 'InvalidRefreshToken', 'reused refresh token');
  assert.equal(again.body.error, 'invalid_grant');
  assertError(await details(app, third.body.access_token), 401, 'Unauthorized', 'a session descended from the reused token');
  assertError(await refresh(app, third.body.refresh_token), 400, 'InvalidRefreshToken', 'its refresh token too');
  assert.equal((await login(app, 'clerk.demo')).status, 200, 'the person logs in again');
});

test('of five concurrent uses of one refresh token at most one succeeds, and the other four, being reuses, end its family', async (t) => {
  const app = await spawnApp(t);
  await seedWorld(t, app, []);
  const first = (await login(app, 'clerk.demo')).body;
  const other = (await login(app, 'clerk.demo')).body;
  const answers = await Promise.all([1, 2, 3, 4, 5].map(() => refresh(app, first.refresh_token)));
  const won = answers.filter((a) => a.status === 200);
  assert.ok(won.length <= 1, answers.map((a) => a.status).join());
  assert.equal(answers.filter((a) => a.status === 400).length, 5 - won.length);
  for (const w of won) assertError(await details(app, w.body.access_token), 401, 'Unauthorized', 'the winner\'s session, revoked by the reuses');
  const sessions = await rows(app, 'SELECT count(DISTINCT session_id) AS n FROM sessions');
  assert.equal(sessions[0].n, 1, 'only the other login\'s session remains');
  assert.equal((await details(app, other.access_token)).status, 200, 'another session of the person is not of that family');
});

test('logout revokes the access AND the refresh token of that session, and only that session', async (t) => {
  const app = await spawnApp(t);
  await seedWorld(t, app, []);
  const a = (await login(app, 'clerk.demo')).body;
  const b = (await login(app, 'clerk.demo')).body;
  const out = await post(app, '/user/_logout', {}, a.access_token);
  assert.equal(out.status, 200, out.raw);
  assert.equal(out.body.ResponseInfo.status, 'Logout successfully');
  assertError(await details(app, a.access_token), 401, 'Unauthorized', 'access token after logout');
  assertError(await refresh(app, a.refresh_token), 400, 'InvalidRefreshToken', 'refresh token after logout');
  assertError(await post(app, '/user/_logout', {}, a.access_token), 401, 'Unauthorized', 'second logout');
  const left = await rows(app, 'SELECT token_hash FROM sessions ORDER BY token_hash');
  assert.deepEqual(left.map((r) => r.token_hash), [sha256(b.access_token), sha256(b.refresh_token)].sort());
  assert.equal((await details(app, b.access_token)).status, 200, 'the other session lives on');
  // DIGIT clients log out with ?access_token= and no body.
  const viaQuery = await raw(app, `/user/_logout?access_token=${b.access_token}`, { method: 'POST' });
  assert.equal(viaQuery.status, 200, viaQuery.raw);
  assert.deepEqual(await rows(app, 'SELECT * FROM sessions'), []);
  assertError(await post(app, '/user/_logout', {}), 401, 'Unauthorized', 'logout without a token');
});

test('_details answers the token owner from a Bearer header, RequestInfo.authToken or ?access_token= (with or without a JSON body), else 401', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['citizenDemo']);
  const tok = tokens.citizenDemo;
  const answers = [
    await post(app, '/user/_details', {}, tok),
    await post(app, '/user/_details', { RequestInfo: { authToken: tok } }),
    await raw(app, `/user/_details?access_token=${tok}`, { method: 'POST' }),
    await raw(app, `/user/_details?access_token=${tok}`, { method: 'POST', headers: { 'content-type': 'application/json' } }),
    await raw(app, '/user/_details', { method: 'POST', headers: { 'content-type': 'Application/JSON; charset=UTF-8' },
      body: JSON.stringify({ RequestInfo: { authToken: tok } }) }),
  ];
  for (const r of answers) {
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.userName, '9876500001');
    assert.equal(r.body.type, 'CITIZEN');
    assert.equal(r.body.uuid, USERS.citizenDemo.uuid);
    assert.deepEqual(r.body.roles, [{ code: 'CITIZEN', name: 'CITIZEN', tenantId: 'pb.demo' }]);
    assert.ok(!r.raw.includes('$argon2') && !r.raw.includes(tok));
  }
  assertError(await post(app, '/user/_details', {}), 401, 'Unauthorized', 'no token');
  assertError(await post(app, '/user/_details', {}, 'f'.repeat(64)), 401, 'Unauthorized', 'forged token');
});

test('a password change: a wrong current password is a counted failure and changes nothing else, weak input changes nothing; then the old password fails, other sessions end, this one stays, defaultPwdChgd is true', async (t) => {
  const app = await spawnApp(t);
  await seedWorld(t, app, []);
  const mine = (await login(app, 'clerk.demo')).body;
  const other = (await login(app, 'clerk.demo')).body;
  const change = (body) => post(app, '/user/password/_update', body, mine.access_token);
  assertError(await change({ existingPassword: 'wrong-password-9', newPassword: 'a fresh passphrase' }), 400, 'PasswordMismatchException');
  const failures = await rows(app, "SELECT f.* FROM login_failures f JOIN users u ON u.id = f.user_id WHERE u.user_name = 'clerk.demo'");
  assert.equal(failures.length, 1, 'a wrong current password counts into the lockout');
  const before = await snapshot(app);
  assertError(await change({ existingPassword: PASSWORD, newPassword: 'short' }), 400, 'INVALID_PWD_LENGTH');
  assertError(await change({ existingPassword: PASSWORD, newPassword: 'password123' }), 400, 'INVALID_PWD_PATTERN');
  for (const weak of ['Qwerty@123', 'Welcome@2026', 'Chocolate@99', 'aaaaaaaaaa', 'Mgramseva@1']) {
    assertError(await change({ existingPassword: PASSWORD, newPassword: weak }), 400, 'INVALID_PWD_PATTERN', weak);
  }
  assertError(await change({ existingPassword: PASSWORD }), 400, 'InvalidLoggedInUserUpdatePasswordRequestException');
  assertError(await post(app, '/user/password/_update', { existingPassword: PASSWORD, newPassword: 'a fresh passphrase' }),
    401, 'Unauthorized');
  await assertUnchanged(app, before, 'a refused password change');

  const ok = await change({ existingPassword: PASSWORD, newPassword: 'a fresh passphrase' });
  assert.equal(ok.status, 200, ok.raw);
  assertError(await login(app, 'clerk.demo'), 400, 'InvalidCredentials', 'old password');
  assert.equal((await login(app, 'clerk.demo', 'a fresh passphrase')).status, 200, 'new password');
  assertError(await details(app, other.access_token), 401, 'Unauthorized', 'the other session');
  assertError(await refresh(app, other.refresh_token), 400, 'InvalidRefreshToken', 'the other session\'s refresh token');
  const me = await details(app, mine.access_token);
  assert.equal(me.status, 200, 'the session that changed the password is kept');
  assert.equal(me.body.defaultPwdChgd, true);
  const [row] = await rows(app, "SELECT default_pwd_chgd, password_hash FROM users WHERE user_name = 'clerk.demo'");
  assert.equal(row.default_pwd_chgd, 1);
  assert.match(row.password_hash, /^\$argon2id\$/);
});

test('an access token expires after ACCESS_TOKEN_SECONDS, its refresh token after REFRESH_TOKEN_SECONDS', async (t) => {
  // The refresh token lives long enough to outlast a loaded machine's slow calls after the first sleep.
  const app = await spawnApp(t, { vars: { ACCESS_TOKEN_SECONDS: '1', REFRESH_TOKEN_SECONDS: '6' } });
  await seedWorld(t, app, []);
  const first = (await login(app, 'clerk.demo')).body;
  assert.equal(first.expires_in, 1);
  await sleep(2100);
  assertError(await details(app, first.access_token), 401, 'Unauthorized', 'expired access token');
  const second = await refresh(app, first.refresh_token);
  assert.equal(second.status, 200, `the refresh token outlives the access token: ${second.raw}`);
  await sleep(6100);
  assertError(await refresh(app, second.body.refresh_token), 400, 'InvalidRefreshToken', 'expired refresh token');
});

test('a deactivated user: its live tokens stop working and the right password gets "Please activate your account"', async (t) => {
  const app = await spawnApp(t);
  const { tokens, ids } = await seedWorld(t, app, ['gpDemo', 'clerkDemo']);
  const off = await post(app, '/user/users/_updatenovalidate', { user: { id: ids.clerkDemo, active: false } }, tokens.gpDemo);
  assert.equal(off.status, 200, off.raw);
  assert.equal(off.body.user[0].active, false);
  assertError(await details(app, tokens.clerkDemo), 401, 'Unauthorized', 'token of a deactivated user');
  const e = assertError(await login(app, 'clerk.demo'), 400, 'AccountInactive', 'login of a deactivated user');
  assert.equal(e.message, 'Please activate your account');
  const on = await post(app, '/user/users/_updatenovalidate', { user: { id: ids.clerkDemo, active: true } }, tokens.gpDemo);
  assert.equal(on.status, 200);
  assert.equal((await login(app, 'clerk.demo')).status, 200);
});
