// Security regression suite, logins and sessions (issues 15 §3-§4 and 19 §3): each test performs an attack
// of the reviews against the real Worker and D1 and asserts that it no longer works: the lockout cannot be
// raced, sidestepped by unknown names or by /user/password/_update; locking and deactivating end sessions;
// an administrator's lock outlives a reset by code; a reused refresh token ends its descendants; credentials
// and tokens stay out of query strings; answers carry no-store, nosniff and HSTS; and a welcome link stops
// revealing the login id once its one-time password is replaced, used or expired.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnApp } from '../helpers.mjs';
import { PASSWORD, USERS, assertError, assertUnchanged, login, post, raw, rows, seedWorld, sha256, snapshot, token } from '../api/support.mjs';
import { HELD_OTP, codeFor, resetPassword, sendOtp } from '../api/otp_support.mjs';
import { HELD, get, oneTimePassword, sheet, upload } from '../api/upload_support.mjs';

const WRONG = 'not-the-password-1';
const NEW_PASSWORD = 'kettle-orchid-lumen-47';
const CITIZEN = USERS.citizenDemo.userName; // 9876500001, a CITIZEN of pb.demo whose user name is its number
const HSTS = 'max-age=31536000; includeSubDomains';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };

const refresh = (app, refreshToken) => token(app, { grant_type: 'refresh_token', refresh_token: refreshToken });
const details = (app, tok) => post(app, '/user/_details', {}, tok);
const update = (app, user, tok) => post(app, '/user/users/_updatenovalidate', { user }, tok);
const codeOf = (r) => r.body?.Errors?.[0]?.code ?? `${r.status} ${r.raw.slice(0, 80)}`;
const sessionsOf = async (app, id) => (await rows(app, `SELECT count(*) AS n FROM sessions WHERE user_id = ${id}`))[0].n;

async function failures(app, n, user, tenantId = 'pb.demo') {
  const answers = [];
  for (let i = 0; i < n; i++) answers.push(await login(app, user, WRONG, tenantId));
  return answers;
}

/** Asserts that a refresh token is refused as OAuth says (400 invalid_grant). */
function assertRefused(r, what) {
  assertError(r, 400, null, what);
  assert.equal(r.body.error, 'invalid_grant', `${what}: ${r.raw.slice(0, 200)}`);
  assert.ok(!r.body.access_token, `${what} issued a token`);
}

// ---------------------------------------------------------------------------------------------------------
// The lockout
// ---------------------------------------------------------------------------------------------------------

test('the lockout cannot be raced: 29 wrong passwords at once and the right one 20 ms later get no token; then the right password answers "Account locked"', async (t) => {
  const app = await spawnApp(t);
  const { ids } = await seedWorld(t, app, []);
  const wrongs = Array.from({ length: 29 }, () => login(app, 'clerk.demo', WRONG));
  // The right one goes while the wrong ones are still being answered: 20 ms after them, and not before five of
  // them have reached the Worker (on a loaded machine 29 connections can take longer than 20 ms to open).
  await sleep(20);
  for (const until = Date.now() + 10_000; (await rows(app, `SELECT count(*) AS n FROM login_failures WHERE user_id = ${ids.clerkDemo}`))[0].n < 5;) {
    assert.ok(Date.now() < until, 'five of the wrong passwords reached the Worker within 10 s');
  }
  const right = await login(app, 'clerk.demo');
  const answers = await Promise.all(wrongs);
  assert.ok(!right.body?.access_token, `the right password got a token during the race (${right.status})`);
  assert.equal(assertError(right, 400, 'AccountLocked', 'the right password, counted after 29 failures').message, 'Account locked');
  assert.equal(right.body.error, 'invalid_request');
  const codes = answers.map(codeOf);
  assert.ok(codes.every((c) => c === 'InvalidCredentials' || c === 'AccountLocked'), codes.join());
  assert.ok(codes.filter((c) => c === 'InvalidCredentials').length <= 4, `at most 4 failures before the lock: ${codes.join()}`);
  assert.equal(await sessionsOf(app, ids.clerkDemo), 0, 'no session was begun');
  assertError(await login(app, 'clerk.demo'), 400, 'AccountLocked', 'the right password after the race');
});

test('an unknown user name is counted like a real one (per tenant, case-insensitively): its 5th failure answers "Account locked" in the very same words', async (t) => {
  const app = await spawnApp(t);
  await seedWorld(t, app, []);
  const known = await failures(app, 5, 'clerk.demo');
  const unknown = [];
  for (const name of ['nobody.here', 'NOBODY.here', 'Nobody.Here', 'nobody.HERE', 'nobody.here']) {
    unknown.push(await login(app, name, WRONG));
  }
  const expected = ['InvalidCredentials', 'InvalidCredentials', 'InvalidCredentials', 'InvalidCredentials', 'AccountLocked'];
  for (const [what, answers] of [['a known name', known], ['an unknown name', unknown]]) {
    assert.deepEqual(answers.map(codeOf), expected, what);
  }
  for (let i = 0; i < 5; i++) assert.deepEqual(unknown[i].body, known[i].body, `answer ${i + 1} tells the names apart`);
  assertError(await login(app, 'nobody.here', PASSWORD), 400, 'AccountLocked', 'an unknown name stays locked');
  // The count is the name's, in its tenant: another unknown name, or the same one elsewhere, starts at zero.
  assertError(await login(app, 'nobody.else', WRONG), 400, 'InvalidCredentials', 'another unknown name');
  assertError(await login(app, 'nobody.here', WRONG, 'pb.other'), 400, 'InvalidCredentials', 'the name in another tenant');
});

test('/user/password/_update: guessing the current password counts into the lockout; the 5th wrong guess locks and ends every session', async (t) => {
  const app = await spawnApp(t);
  const { ids } = await seedWorld(t, app, []);
  const mine = (await login(app, 'clerk.demo')).body;
  const other = (await login(app, 'clerk.demo')).body;
  const [hashBefore] = await rows(app, `SELECT password_hash FROM users WHERE id = ${ids.clerkDemo}`);
  const guess = (existingPassword) =>
    post(app, '/user/password/_update', { existingPassword, newPassword: NEW_PASSWORD }, mine.access_token);
  for (let i = 1; i <= 5; i++) assertError(await guess(`guess-number-${i}`), 400, 'PasswordMismatchException', `guess ${i}`);
  // A sixth guess, the right one, must find the token dead: the lock ended the session it came with.
  assertError(await guess(PASSWORD), 401, 'Unauthorized', 'the right guess after 5 wrong ones');
  assertError(await details(app, other.access_token), 401, 'Unauthorized', 'the other session');
  assertRefused(await refresh(app, other.refresh_token), 'the other session\'s refresh token');
  assert.equal(await sessionsOf(app, ids.clerkDemo), 0, 'every session ended');
  assertError(await login(app, 'clerk.demo'), 400, 'AccountLocked', 'login after the guesses');
  assert.deepEqual(await rows(app, `SELECT password_hash FROM users WHERE id = ${ids.clerkDemo}`), [hashBefore], 'the password is unchanged');
});

// ---------------------------------------------------------------------------------------------------------
// Locking and deactivating end sessions
// ---------------------------------------------------------------------------------------------------------

test('locking (by an administrator or by the lockout) and deactivating end every session at once; lifting it does not revive them', async (t) => {
  const app = await spawnApp(t);
  const { tokens, ids } = await seedWorld(t, app, ['gpDemo', 'gpOther']);
  const cases = [
    { what: 'locked by an administrator', key: 'clerkDemo',
      off: () => update(app, { id: ids.clerkDemo, accountLocked: true }, tokens.gpDemo),
      on: () => update(app, { id: ids.clerkDemo, accountLocked: false }, tokens.gpDemo) },
    { what: 'deactivated', key: 'clerkOther',
      off: () => update(app, { id: ids.clerkOther, active: false }, tokens.gpOther),
      on: () => update(app, { id: ids.clerkOther, active: true }, tokens.gpOther) },
    { what: 'locked by 5 failed logins', key: 'citizenDemo',
      off: async () => (await failures(app, 5, CITIZEN)).at(-1),
      on: () => update(app, { id: ids.citizenDemo, accountLocked: false }, tokens.gpDemo) },
  ];
  for (const c of cases) await t.test(c.what, async () => {
    const u = USERS[c.key];
    const a = await login(app, u.userName, PASSWORD, u.tenantId);
    assert.equal(a.status, 200, `${c.what}: login ${a.raw}`);
    const s = a.body;
    const off = await c.off();
    if (c.key === 'citizenDemo') assertError(off, 400, 'AccountLocked', c.what);
    else assert.equal(off.status, 200, `${c.what}: ${off.raw}`);
    assertError(await details(app, s.access_token), 401, 'Unauthorized', `${c.what}: the access token`);
    assertRefused(await refresh(app, s.refresh_token), `${c.what}: the refresh token`);
    const on = await c.on();
    assert.equal(on.status, 200, `${c.what}: lifted ${on.raw}`);
    assertError(await details(app, s.access_token), 401, 'Unauthorized', `${c.what}, then lifted: the old access token`);
    assertRefused(await refresh(app, s.refresh_token), `${c.what}, then lifted: the old refresh token`);
    assert.deepEqual(await rows(app, `SELECT kind FROM sessions WHERE token_hash IN ('${sha256(s.access_token)}', '${sha256(s.refresh_token)}')`),
      [], `${c.what}: the old session is gone from the database`);
    assert.equal((await login(app, u.userName, PASSWORD, u.tenantId)).status, 200, `${c.what}, then lifted: a new login`);
  });
});

test('an administrator\'s lock outlives the person\'s own password reset by code: the new password answers "Account locked" until an administrator unlocks', async (t) => {
  const app = await spawnApp(t, { vars: HELD_OTP });
  const { tokens, ids } = await seedWorld(t, app, ['gpDemo']);
  const lock = await update(app, { id: ids.citizenDemo, accountLocked: true }, tokens.gpDemo);
  assert.equal(lock.status, 200, lock.raw);
  const sent = await sendOtp(app, CITIZEN, 'passwordreset', { userType: 'CITIZEN' });
  assert.equal(sent.status, 201, sent.raw);
  const reset = await resetPassword(app, CITIZEN, await codeFor(app, CITIZEN), NEW_PASSWORD);
  assert.equal(reset.status, 200, reset.raw);
  const e = assertError(await login(app, CITIZEN, NEW_PASSWORD), 400, 'AccountLocked', 'the new password while locked by an administrator');
  assert.equal(e.message, 'Account locked');
  assert.deepEqual(await rows(app, `SELECT account_locked, locked_until FROM users WHERE id = ${ids.citizenDemo}`),
    [{ account_locked: 1, locked_until: null }], 'the administrator\'s lock is still set, without an end');
  assert.equal(await sessionsOf(app, ids.citizenDemo), 0);
  // Only an administrator lifts it.
  assert.equal((await update(app, { id: ids.citizenDemo, accountLocked: false }, tokens.gpDemo)).status, 200);
  assert.equal((await login(app, CITIZEN, NEW_PASSWORD)).status, 200, 'the new password after the unlock');
});

// ---------------------------------------------------------------------------------------------------------
// Refresh tokens
// ---------------------------------------------------------------------------------------------------------

test('refresh-token reuse ends every session that descends from the reused token (reusing the first, or one in the middle, of a chain)', async (t) => {
  const app = await spawnApp(t);
  const { ids } = await seedWorld(t, app, []);
  const chain = async () => {
    const links = [(await login(app, 'clerk.demo')).body];
    for (let i = 0; i < 2; i++) {
      const r = await refresh(app, links.at(-1).refresh_token);
      assert.equal(r.status, 200, r.raw);
      links.push(r.body);
    }
    return links; // a login and two refreshes: only the last session lives
  };
  for (const [what, reused] of [['the login\'s refresh token', 0], ['the first refresh\'s refresh token', 1]]) await t.test(what, async () => {
    const links = await chain();
    const last = links.at(-1);
    assert.equal((await details(app, last.access_token)).status, 200, `${what}: the newest session works before the reuse`);
    assertRefused(await refresh(app, links[reused].refresh_token), `${what}, used again`);
    assertError(await details(app, last.access_token), 401, 'Unauthorized', `${what}: the descendant's access token`);
    assertRefused(await refresh(app, last.refresh_token), `${what}: the descendant's refresh token`);
  });
  assert.equal(await sessionsOf(app, ids.clerkDemo), 0, 'no session of either chain is left');
});

// ---------------------------------------------------------------------------------------------------------
// Query strings
// ---------------------------------------------------------------------------------------------------------

test('/user/oauth/token refuses credentials in the query string: 400 invalid_request, no session, no failure counted', async (t) => {
  const app = await spawnApp(t);
  await seedWorld(t, app, []);
  const fields = { username: 'clerk.demo', grant_type: 'password', scope: 'read', tenantId: 'pb.demo' };
  const qs = (o) => new URLSearchParams(o).toString();
  const before = await snapshot(app);
  const cases = [
    ['everything in the query, no body', `?${qs({ ...fields, password: PASSWORD })}`, ''],
    ['the password in the query, the rest in the body', `?${qs({ password: PASSWORD })}`, qs(fields)],
    ['user name and password in the query, the rest in the body',
      `?${qs({ username: 'clerk.demo', password: PASSWORD })}`, qs({ grant_type: 'password', scope: 'read', tenantId: 'pb.demo' })],
    ...Array.from({ length: 5 }, (_, i) => [`a wrong password in the query (${i + 1})`, `?${qs({ ...fields, password: WRONG })}`, '']),
  ];
  const answers = [];
  for (const [what, query, body] of cases) {
    const r = await raw(app, `/user/oauth/token${query}`, { method: 'POST', headers: FORM, body });
    answers.push([what, `${r.status} ${r.body?.error}${r.body?.access_token ? ' WITH A TOKEN' : ''}`]);
  }
  assert.deepEqual(answers, cases.map(([what]) => [what, '400 invalid_request']));
  await assertUnchanged(app, before, 'credentials in the query string');
  assert.equal((await login(app, 'clerk.demo')).status, 200, 'the account is not locked; the body still works');
});

test('access_token as a query parameter works only on /user/_details and /user/_logout; elsewhere it is ignored (401)', async (t) => {
  const app = await spawnApp(t);
  const { tokens, ids } = await seedWorld(t, app, ['gpDemo']);
  const q = `access_token=${tokens.gpDemo}`;
  const json = (body) => ({ method: 'POST', headers: JSON_TYPE, body: JSON.stringify(body) });
  const before = await snapshot(app);
  const elsewhere = [
    ['POST /user/_search', `/user/_search?${q}`, json({ tenantId: 'pb.demo' })],
    ['POST /user/users/_updatenovalidate', `/user/users/_updatenovalidate?${q}`, json({ user: { id: ids.clerkDemo, active: false } })],
    ['POST /user/profile/_update', `/user/profile/_update?${q}`, json({ user: { id: ids.gpDemo, name: 'Changed Name' } })],
    ['GET /v1/tenants', `/v1/tenants?${q}`, {}],
    ['GET /v1/uploads', `/v1/uploads?tenantId=pb.demo&${q}`, {}],
    ['GET /v1/tenant/pb.demo/upload-config', `/v1/tenant/pb.demo/upload-config?${q}`, {}],
    ['POST /v1/user/{uuid}/reissue', `/v1/user/${USERS.citizenDemo.uuid}/reissue?${q}`, { method: 'POST' }],
  ];
  const answers = [];
  for (const [what, path, init] of elsewhere) answers.push([what, (await raw(app, path, init)).status]);
  assert.deepEqual(answers, elsewhere.map(([what]) => [what, 401]), 'with ?access_token= and no other token');
  await assertUnchanged(app, before, 'requests with ?access_token= on other routes');
  const d = await raw(app, `/user/_details?${q}`, { method: 'POST' });
  assert.equal(d.status, 200, `_details: ${d.raw}`);
  assert.equal(d.body.userName, 'gp.demo');
  const out = await raw(app, `/user/_logout?${q}`, { method: 'POST' });
  assert.equal(out.status, 200, `_logout: ${out.raw}`);
  assertError(await details(app, tokens.gpDemo), 401, 'Unauthorized', 'the token after the logout');
});

// ---------------------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------------------

test('answers carry cache-control no-store (the token and authenticated JSON), nosniff and HSTS (every API answer), and the pages nosniff and HSTS', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const api = [
    ['the token answer', () => login(app, 'clerk.demo')],
    ['a refused login', () => login(app, 'clerk.demo', WRONG)],
    ['POST /user/_details', () => details(app, tokens.gpDemo)],
    ['POST /user/_search', () => post(app, '/user/_search', { tenantId: 'pb.demo' }, tokens.gpDemo)],
    ['GET /v1/tenants', () => get(app, '/v1/tenants', tokens.gpDemo)],
    ['GET /v1/uploads', () => get(app, '/v1/uploads?tenantId=pb.demo', tokens.gpDemo)],
    ['a 401', () => details(app, null)],
    ['a 404', () => post(app, '/user/no-such-route', {})],
    ['GET /healthz', () => raw(app, '/healthz')],
  ];
  const problems = [];
  const expect = (what, h, header, ok) => { if (!ok(h.get(header) ?? '')) problems.push(`${what}: ${header} is ${JSON.stringify(h.get(header))}`); };
  for (const [what, call] of api) {
    const r = await call();
    assert.ok(r.status < 500, `${what}: ${r.status}`);
    expect(what, r.headers, 'cache-control', (v) => /\bno-store\b/.test(v));
    expect(what, r.headers, 'x-content-type-options', (v) => v === 'nosniff');
    expect(what, r.headers, 'strict-transport-security', (v) => v === HSTS);
  }
  for (const page of ['/', '/login']) {
    const r = await app.fetch(page, { redirect: 'manual' });
    await r.arrayBuffer();
    assert.equal(r.status, 200, page);
    expect(`GET ${page}`, r.headers, 'x-content-type-options', (v) => v === 'nosniff');
    expect(`GET ${page}`, r.headers, 'strict-transport-security', (v) => v === HSTS);
  }
  assert.deepEqual(problems, [], 'headers missing or wrong');
});

// ---------------------------------------------------------------------------------------------------------
// Welcome links
// ---------------------------------------------------------------------------------------------------------

test('/l/{code} stops revealing the login id once its one-time password is replaced (re-issue), used (own password set) or expired', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const people = [['Asha', 'Devi', '9876543210'], ['Ravi', 'Kumar', '9876543211'], ['Meena', 'Rani', '9876543212']];
  const up = await upload(app, tokens.gpDemo, sheet(people.map((p) => [...p, '', '', '', ''])));
  assert.equal(up.status, 200, up.raw);
  const uuid = Object.fromEntries(up.body.successResult.map((x) => [x.userName, x.uuid]));
  const linkOf = async (phone) => (await rows(app, `SELECT o.link_code FROM outbox o JOIN users u ON u.id = o.user_id
    WHERE u.user_name = '${phone}' AND o.kind = 'welcome' ORDER BY o.id DESC LIMIT 1`))[0].link_code;
  const follow = async (code) => {
    const r = await app.fetch(`/l/${code}`, { redirect: 'manual' });
    await r.arrayBuffer();
    assert.equal(r.status, 302);
    return r.headers.get('location');
  };
  const opened = (phone) => `/login?user=${phone}&tenant=pb.demo&lang=en_IN`;
  const cases = [
    ['replaced by a re-issue', '9876543210', async (phone) => {
      const r = await raw(app, `/v1/user/${uuid[phone]}/reissue`, { method: 'POST', headers: { authorization: `Bearer ${tokens.gpDemo}` } });
      assert.equal(r.status, 200, r.raw);
      assert.equal(await follow(await linkOf(phone)), opened(phone), 'the new link opens the login page for the person');
    }],
    ['used: the person set their own password', '9876543211', async (phone) => {
      const first = await login(app, phone, await oneTimePassword(app, phone));
      assert.equal(first.status, 200, first.raw);
      const own = await post(app, '/user/password/_update',
        { existingPassword: await oneTimePassword(app, phone), newPassword: NEW_PASSWORD }, first.body.access_token);
      assert.equal(own.status, 200, own.raw);
    }],
    ['expired', '9876543212', async (phone) => {
      await rows(app, `UPDATE users SET otp_expires_at = unixepoch() - 1 WHERE user_name = '${phone}'`);
    }],
  ];
  for (const [what, phone, act] of cases) await t.test(what, async () => {
    const code = await linkOf(phone);
    assert.equal(await follow(code), opened(phone), `${what}: the link works before`);
    await act(phone);
    assert.equal(await follow(code), '/login', `${what}: the old link still names the login id`);
  });
});
