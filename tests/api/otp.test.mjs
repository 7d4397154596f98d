// Codes by SMS against the real Worker and D1: /user-otp/v1/_send, /user/password/nologin/_update,
// /user/citizen/_create and citizen login by code. Codes are read from their sealed outbox rows (the provider
// is held unreachable), as only the SMS sender can.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnApp } from '../helpers.mjs';
import { PASSWORD, USERS, assertError, login, post, rows, seedWorld, sha256 } from './support.mjs';
import { HELD_OTP, assertOtpError, codeFor, createCitizen, resetPassword, sendOtp, wrong } from './otp_support.mjs';

const CITIZEN = USERS.citizenDemo.userName; // 9876500001, a CITIZEN of pb.demo whose user name is the number
const NEW_PASSWORD = 'river-mango-lantern';

test('a passwordreset code: 201 as DIGIT answers, stored only as a keyed hash; it sets the password, ends every session, clears a lockout and the one-time password, and works once', async (t) => {
  const app = await spawnApp(t, { vars: HELD_OTP });
  const { tokens, ids } = await seedWorld(t, app, ['citizenDemo']);
  // Lock the account and give it a one-time password, as a re-issue would leave it.
  await rows(app, `UPDATE users SET account_locked = 1, locked_until = unixepoch() + 3600, otp_hash = 'x', otp_expires_at = unixepoch() + 99 WHERE id = ${ids.citizenDemo}`);
  await rows(app, `INSERT INTO login_failures (user_id, at) VALUES (${ids.citizenDemo}, unixepoch())`);
  const r = await sendOtp(app, CITIZEN, 'passwordreset', { userType: 'CITIZEN' });
  assert.equal(r.status, 201, r.raw);
  assert.deepEqual(r.body, { responseInfo: null, isSuccessful: true });
  const code = await codeFor(app, CITIZEN);
  assert.match(code, /^\d{6}$/);
  const [stored] = await rows(app, `SELECT * FROM otp_codes WHERE mobile = '${CITIZEN}'`);
  assert.deepEqual([stored.state, stored.purpose, stored.attempts, stored.used_at], ['pb', 'passwordreset', 0, null]);
  assert.match(stored.code_hash, /^[0-9a-f]{64}$/);
  assert.notEqual(stored.code_hash, sha256(code), 'a keyed hash, not a bare one');
  const now = Math.floor(Date.now() / 1000);
  assert.ok(Math.abs(stored.expires_at - (now + 600)) <= 5, 'valid 10 minutes');
  const dump = JSON.stringify(await rows(app, 'SELECT * FROM otp_codes')) + JSON.stringify(await rows(app, 'SELECT * FROM otp_sends'));
  assert.ok(!dump.includes(code), 'the code is nowhere in clear');

  const ok = await resetPassword(app, CITIZEN, code, NEW_PASSWORD);
  assert.equal(ok.status, 200, ok.raw);
  assert.equal(ok.body.responseInfo.status, '200');
  const [u] = await rows(app, `SELECT account_locked, locked_until, otp_hash, default_pwd_chgd FROM users WHERE id = ${ids.citizenDemo}`);
  assert.deepEqual(u, { account_locked: 0, locked_until: null, otp_hash: null, default_pwd_chgd: 1 });
  assert.deepEqual(await rows(app, `SELECT * FROM sessions WHERE user_id = ${ids.citizenDemo}`), [], 'every session ended');
  assert.deepEqual(await rows(app, `SELECT * FROM login_failures WHERE user_id = ${ids.citizenDemo}`), []);
  assert.equal((await post(app, '/user/_details', {}, tokens.citizenDemo)).status, 401, 'the old token no longer works');
  assert.equal((await login(app, CITIZEN, NEW_PASSWORD)).status, 200, 'the new password logs in');
  assertError(await login(app, CITIZEN, PASSWORD), 400, 'InvalidCredentials');
  assertOtpError(await resetPassword(app, CITIZEN, code, 'another-good-password'), 400,
    ['OTP.VALIDATION_UNSUCCESSFUL', 'OTP.USED'], 'the same code again');
  assert.ok(!app.log().includes(code), 'the code never reaches the log');
});

test('a code expires (OTP_SECONDS), and an expired code says so', async (t) => {
  const app = await spawnApp(t, { vars: { ...HELD_OTP, OTP_SECONDS: '2' } });
  await seedWorld(t, app, []);
  assert.equal((await sendOtp(app, CITIZEN)).status, 201);
  const code = await codeFor(app, CITIZEN);
  await sleep(3000);
  assertOtpError(await resetPassword(app, CITIZEN, code, NEW_PASSWORD), 400, ['OTP.VALIDATION_UNSUCCESSFUL', 'OTP.EXPIRED']);
  assert.equal((await login(app, CITIZEN, PASSWORD)).status, 200, 'the password is unchanged');
});

test('brute force: 5 tries per code from the address that asked for it, counted before they are compared (concurrent guesses too); then even the right code is refused, with the same answer as a wrong one, and a new one cannot be had before the throttle allows', async (t) => {
  const app = await spawnApp(t, { vars: HELD_OTP });
  await seedWorld(t, app, []);
  assert.equal((await sendOtp(app, CITIZEN)).status, 201);
  const code = await codeFor(app, CITIZEN);
  const first = await resetPassword(app, CITIZEN, wrong(code), NEW_PASSWORD);
  const e = assertOtpError(first, 400, ['OTP.VALIDATION_UNSUCCESSFUL', 'OTP.WRONG']);
  assert.equal(e.fields[1].triesLeft, undefined, 'the answer does not tell a stranger that a code is pending');
  // Ten guesses at once: only four more are compared; every answer is the same.
  const guesses = await Promise.all(Array.from({ length: 10 }, (_, i) =>
    resetPassword(app, CITIZEN, String((Number(code) + 2 + i) % 1e6).padStart(6, '0'), NEW_PASSWORD)));
  assert.deepEqual(new Set(guesses.map((g) => `${g.status} ${g.body.error.fields.map((f) => f.code)}`)),
    new Set(['400 OTP.VALIDATION_UNSUCCESSFUL,OTP.WRONG']));
  const [row] = await rows(app, `SELECT attempts, foreign_attempts FROM otp_codes WHERE mobile = '${CITIZEN}'`);
  assert.deepEqual(row, { attempts: 5, foreign_attempts: 0 }, 'no more than 5 tries were counted');
  assertOtpError(await resetPassword(app, CITIZEN, code, NEW_PASSWORD), 400,
    ['OTP.VALIDATION_UNSUCCESSFUL', 'OTP.WRONG'], 'the right code after the limit');
  const again = await sendOtp(app, CITIZEN);
  assertOtpError(again, 429, ['OTP.RESEND_TOO_SOON'], 'a new code at once');
  const wait = Number(again.headers.get('retry-after'));
  assert.ok(wait > 20 && wait <= 30, `Retry-After ${wait}`);
  assert.equal((await login(app, CITIZEN, PASSWORD)).status, 200, 'the password is unchanged');
});

test('throttles: one send per number and address per OTP_RESEND_SECONDS, OTP_SENDS_PER_HOUR per number and address, OTP_IP_SENDS_PER_HOUR per client address; an older code keeps working beside a new one, and using one ends both', async (t) => {
  const app = await spawnApp(t, { vars: { ...HELD_OTP, OTP_RESEND_SECONDS: '2', OTP_SENDS_PER_HOUR: '3', OTP_IP_SENDS_PER_HOUR: '6' } });
  await seedWorld(t, app, []);
  const ip = { 'cf-connecting-ip': '203.0.113.7' };
  assert.equal((await sendOtp(app, CITIZEN, 'passwordreset', { headers: ip })).status, 201);
  const old = await codeFor(app, CITIZEN);
  assertOtpError(await sendOtp(app, CITIZEN, 'passwordreset', { headers: ip }), 429, ['OTP.RESEND_TOO_SOON']);
  await sleep(2100);
  assert.equal((await sendOtp(app, CITIZEN, 'passwordreset', { headers: ip })).status, 201, 'after the wait');
  const fresh = await codeFor(app, CITIZEN);
  assert.equal((await rows(app, `SELECT * FROM otp_codes WHERE mobile = '${CITIZEN}' AND used_at IS NULL`)).length, 2,
    'two live codes: a later send does not cancel the first');
  await sleep(2100);
  assert.equal((await sendOtp(app, CITIZEN, 'passwordreset', { headers: ip })).status, 201, 'the third in the hour');
  await sleep(2100);
  const hour = await sendOtp(app, CITIZEN, 'passwordreset', { headers: ip });
  assertOtpError(hour, 429, ['OTP.TOO_MANY_REQUESTS'], 'the fourth in the hour');
  assert.ok(Number(hour.headers.get('retry-after')) > 3500);
  // The address: 3 sends so far; 3 more to other numbers pass, the 7th does not, while another address may.
  for (const n of ['9876511001', '9876511002', '9876511003']) assert.equal((await sendOtp(app, n, 'passwordreset', { headers: ip })).status, 201);
  assertOtpError(await sendOtp(app, '9876511004', 'passwordreset', { headers: ip }), 429, ['OTP.TOO_MANY_REQUESTS'], 'the address');
  assert.equal((await sendOtp(app, '9876511004', 'passwordreset', { headers: { 'cf-connecting-ip': '203.0.113.8' } })).status, 201);
  // The first code still works; using it ends the others.
  assert.equal((await resetPassword(app, CITIZEN, old, NEW_PASSWORD)).status, 200, 'the first code, after two more sends');
  if (old !== fresh) {
    assertOtpError(await resetPassword(app, CITIZEN, fresh, 'another-good-password'), 400,
      ['OTP.VALIDATION_UNSUCCESSFUL', 'OTP.USED'], 'a later code, ended by the use of the first');
  }
});

test('passwordreset for an unknown number answers exactly as for a known one (status, body, time) and sends nothing; OTP_REVEAL_UNKNOWN_NUMBER restores DIGIT\'s answer', async (t) => {
  // The code's enqueue runs after the answer (waitUntil), and the consumer's attempt after that: both only for
  // the known number, and both overlap the next samples. They are switched off so that the samples time the
  // answers alone; that the code is stored and queued for the known number is tested above.
  const app = await spawnApp(t, { vars: { ...HELD_OTP, OTP_RESEND_SECONDS: '0', OTP_SENDS_PER_HOUR: '1000', ENROL_TEST_SKIP_ENQUEUE: '1' } });
  await seedWorld(t, app, []);
  const known = []; const unknown = [];
  for (let i = 0; i < 20; i++) {
    for (const [mobile, into] of (i % 2 ? [[CITIZEN, known], ['9876599999', unknown]] : [['9876599999', unknown], [CITIZEN, known]])) {
      const start = performance.now();
      const r = await sendOtp(app, mobile);
      into.push({ ms: performance.now() - start, status: r.status, raw: r.raw });
    }
  }
  assert.deepEqual(new Set(known.concat(unknown).map((x) => `${x.status} ${x.raw}`)),
    new Set(['201 {"responseInfo":null,"isSuccessful":true}']), 'one status and body for both');
  const median = (xs) => xs.map((x) => x.ms).sort((a, b) => a - b)[xs.length >> 1];
  const diff = Math.abs(median(known) - median(unknown));
  t.diagnostic(`median known ${median(known).toFixed(1)} ms, unknown ${median(unknown).toFixed(1)} ms`);
  // What this guards against is work done for one kind only (a hash, a send: tens of milliseconds or more, every
  // time); a loaded machine's noise moves both medians, so the bound grows with them.
  const bound = Math.max(15, 0.25 * Math.min(median(known), median(unknown)));
  assert.ok(diff < bound, `the answers take the same time: medians differ by ${diff.toFixed(1)} ms (at most ${bound.toFixed(1)})`);
  assert.deepEqual(await rows(app, "SELECT * FROM outbox WHERE recipient = '9876599999'"), [], 'nothing is sent to an unknown number');
  // nologin/_update for the unknown number answers as a wrong code does.
  assertOtpError(await resetPassword(app, '9876599999', '123456', NEW_PASSWORD), 400, ['OTP.VALIDATION_UNSUCCESSFUL', 'OTP.WRONG']);

  const digit = await spawnApp(t, { vars: { ...HELD_OTP, OTP_REVEAL_UNKNOWN_NUMBER: 'true' } });
  await seedWorld(t, digit, []);
  const e = assertOtpError(await sendOtp(digit, '9876599999'), 400, ['OTP.UNKNOWN_MOBILE_NUMBER']);
  assert.equal(e.message, 'OTP request for password reset failed');
});

test('a password that fails the policy does not use up the code (checked after the code, each a counted try); the request is checked as DIGIT checks it', async (t) => {
  const app = await spawnApp(t, { vars: HELD_OTP });
  await seedWorld(t, app, []);
  assert.equal((await sendOtp(app, CITIZEN)).status, 201);
  const code = await codeFor(app, CITIZEN);
  for (const [pw, why, code_] of [['short1', '8 to 64', 'INVALID_PWD_LENGTH'], ['password123', 'too common', 'INVALID_PWD_PATTERN'],
    [`my${CITIZEN}x`, 'phone number', 'INVALID_PWD_PATTERN'], ['x'.repeat(65), '8 to 64', 'INVALID_PWD_LENGTH']]) {
    const e = assertError(await resetPassword(app, CITIZEN, code, pw), 400, code_, pw);
    assert.match(e.message, new RegExp(why));
  }
  assertError(await resetPassword(app, CITIZEN, '', NEW_PASSWORD), 400, 'InvalidNonLoggedInUserUpdatePasswordRequestException');
  assertError(await resetPassword(app, CITIZEN, code, NEW_PASSWORD, { type: 'nobody' }), 400, 'InvalidNonLoggedInUserUpdatePasswordRequestException');
  const [row] = await rows(app, `SELECT attempts, used_at FROM otp_codes WHERE mobile = '${CITIZEN}'`);
  assert.deepEqual(row, { attempts: 4, used_at: null }, 'the code was checked (a try each) before the policy');
  assert.equal((await resetPassword(app, CITIZEN, code, NEW_PASSWORD)).status, 200, 'the code still works');
  assertOtpError(await sendOtp(app, 'abc'), 400, ['OTP.MOBILE_NUMBER_INVALID']);
  assertOtpError(await sendOtp(app, CITIZEN, 'nonsense'), 400, ['OTP.REQUEST_TYPE_MANDATORY']);
  assertOtpError(await sendOtp(app, CITIZEN, 'passwordreset', { tenantId: 'zz' }), 400, ['OTP.TENANT_ID_INVALID']);
});

test('registration: a known number is answered as a new one and its owner is told (OTP.MOBILENUMBER only with OTP_REVEAL_UNKNOWN_NUMBER); a new one gets a code, becomes a CITIZEN of the state with tokens; the same number again is a duplicate, said only to the holder of a right code', async (t) => {
  const app = await spawnApp(t, { vars: HELD_OTP });
  await seedWorld(t, app, []);
  const known = await sendOtp(app, CITIZEN, 'register', { userType: 'CITIZEN' });
  assert.equal(known.status, 201, known.raw);
  assert.deepEqual(known.body, { responseInfo: null, isSuccessful: true });
  const [notice] = await rows(app, `SELECT kind, credential FROM outbox WHERE recipient = '${CITIZEN}'`);
  assert.deepEqual(notice, { kind: 'notice', credential: null }, 'the owner is told they have an account; no code');
  assert.deepEqual(await rows(app, `SELECT * FROM otp_codes WHERE mobile = '${CITIZEN}'`), []);
  const mobile = '9876522222';
  // The type defaults to register.
  assert.equal((await sendOtp(app, mobile, '')).status, 201);
  const code = await codeFor(app, mobile);
  assertOtpError(await createCitizen(app, { name: 'Asha Devi', username: mobile, otpReference: wrong(code), password: NEW_PASSWORD }),
    400, ['OTP.VALIDATION_UNSUCCESSFUL', 'OTP.WRONG']);
  const r = await createCitizen(app, { name: 'Asha Devi', username: mobile, otpReference: code, password: NEW_PASSWORD });
  assert.equal(r.status, 200, r.raw);
  assert.equal(r.body.token_type, 'bearer');
  assert.equal(r.body.UserRequest.type, 'CITIZEN');
  assert.equal(r.body.UserRequest.tenantId, 'pb', 'a citizen belongs to the state, as in DIGIT');
  assert.equal(r.body.UserRequest.defaultPwdChgd, true);
  assert.deepEqual(r.body.UserRequest.roles.map((x) => x.code), ['CITIZEN']);
  assert.equal((await post(app, '/user/_details', {}, r.body.access_token)).status, 200, 'signed in');
  assert.equal((await login(app, mobile, NEW_PASSWORD, 'pb', { userType: 'CITIZEN' })).status, 200);
  assertOtpError(await createCitizen(app, { name: 'Asha Devi', username: mobile, otpReference: code }), 400,
    ['OTP.VALIDATION_UNSUCCESSFUL', 'OTP.USED'], 'the used code again: the code is checked first');
  // Registration without login (DIGIT's flag off) answers the user; a second live code of the number, used
  // after the registration, learns that the number is taken.
  const plain = await spawnApp(t, { vars: { ...HELD_OTP, CITIZEN_REGISTRATION_WITH_LOGIN: 'false', OTP_RESEND_SECONDS: '0' } });
  await seedWorld(t, plain, []);
  assert.equal((await sendOtp(plain, mobile, 'register')).status, 201);
  const firstCode = await codeFor(plain, mobile);
  assert.equal((await sendOtp(plain, mobile, 'register')).status, 201);
  const secondCode = await codeFor(plain, mobile);
  const p = await createCitizen(plain, { name: 'Asha', username: mobile, otpReference: firstCode });
  assert.equal(p.status, 200, p.raw);
  assert.equal(p.body.user[0].userName, mobile);
  assert.equal(p.body.access_token, undefined);
  if (secondCode !== firstCode) {
    assertOtpError(await createCitizen(plain, { name: 'Asha', username: mobile, otpReference: secondCode }), 400,
      ['OTP.VALIDATION_UNSUCCESSFUL', 'OTP.USED'], 'registering ended every code of the number');
  }
  // DIGIT's answers, when a deployment asks for them.
  const digit = await spawnApp(t, { vars: { ...HELD_OTP, OTP_REVEAL_UNKNOWN_NUMBER: 'true' } });
  await seedWorld(t, digit, []);
  const e = assertOtpError(await sendOtp(digit, CITIZEN, 'register', { userType: 'CITIZEN' }), 400, ['OTP.MOBILENUMBER']);
  assert.equal(e.message, 'OTP request for register failed');
});

test('CITIZEN_LOGIN: a login code is a citizen\'s password (either, the default; code), or is not (password)', async (t) => {
  for (const mode of ['either', 'code', 'password']) {
    await t.test(mode, async (t) => {
      const app = await spawnApp(t, { vars: { ...HELD_OTP, CITIZEN_LOGIN: mode } });
      await seedWorld(t, app, []);
      assert.equal((await sendOtp(app, CITIZEN, 'login', { userType: 'CITIZEN' })).status, 201);
      const code = await codeFor(app, CITIZEN);
      const byCode = await login(app, CITIZEN, code, 'pb.demo', { userType: 'CITIZEN' });
      const byPassword = await login(app, CITIZEN, PASSWORD, 'pb.demo', { userType: 'CITIZEN' });
      assert.equal(byCode.status, mode === 'password' ? 400 : 200, `code: ${byCode.raw}`);
      assert.equal(byPassword.status, mode === 'code' ? 400 : 200, `password: ${byPassword.raw}`);
      if (mode !== 'password') {
        assertError(await login(app, CITIZEN, code, 'pb.demo', { userType: 'CITIZEN' }), 400, 'InvalidCredentials', 'a code logs in once');
      }
    });
  }
});

test('mGramSeva\'s first login, unchanged: the one-time password logs in, /user/_search says defaultPwdChgd false, a passwordreset code and nologin/_update set the password', async (t) => {
  const app = await spawnApp(t, { vars: HELD_OTP });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const { upload, oneTimePassword } = await import('./upload_support.mjs');
  const up = await upload(app, tokens.gpDemo, 'firstName,lastName,phone,roles\nRavi,Kumar,9876533333,EMPLOYEE\n', { userType: 'EMPLOYEE' });
  assert.equal(up.status, 200, up.raw);
  const otp = await oneTimePassword(app, '9876533333');
  const l = await login(app, '9876533333', otp, 'pb.demo', { userType: 'EMPLOYEE' });
  assert.equal(l.status, 200, l.raw);
  const u = l.body.UserRequest;
  const s = await post(app, '/user/_search', { RequestInfo: { authToken: l.body.access_token }, tenantId: u.tenantId, id: [u.id], mobileNumber: u.mobileNumber }, l.body.access_token);
  assert.equal(s.status, 200, s.raw);
  assert.equal(s.body.user[0].defaultPwdChgd, false);
  assert.equal((await sendOtp(app, u.userName, 'passwordreset', { tenantId: u.tenantId, userType: u.type, locale: 'hi_IN' })).status, 201);
  const [row] = await rows(app, "SELECT locale FROM outbox WHERE kind = 'code'");
  assert.equal(row.locale, 'hi_IN', 'the code SMS is in the language asked for');
  const r = await resetPassword(app, u.userName, await codeFor(app, '9876533333'), 'Rvk#Tea@4821', { tenantId: u.tenantId, type: u.type });
  assert.equal(r.status, 200, r.raw);
  const again = await login(app, '9876533333', 'Rvk#Tea@4821', 'pb.demo', { userType: 'EMPLOYEE' });
  assert.equal(again.status, 200);
  assertError(await login(app, '9876533333', otp, 'pb.demo', { userType: 'EMPLOYEE' }), 400, 'InvalidCredentials', 'the one-time password no longer works');
  const s2 = await post(app, '/user/_search', { tenantId: 'pb.demo', id: [u.id] }, again.body.access_token);
  assert.equal(s2.body.user[0].defaultPwdChgd, true);
});

test('GET /v1/offices: the offices a citizen chooses from, by name, public and cached; OFFICES=state lists the states only', async (t) => {
  const app = await spawnApp(t);
  await seedWorld(t, app, []);
  const res = await app.fetch('/v1/offices');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
  const { offices } = await res.json();
  assert.deepEqual(offices.map((o) => [o.id, o.name, o.stateId, o.stateName]), [
    ['pbx', 'Pbx', 'pbx', 'Pbx'],
    ['pb', 'Punjab', 'pb', 'Punjab'], ['pb.demo', 'Demo', 'pb', 'Punjab'], ['pb.other', 'Other', 'pb', 'Punjab'],
  ], 'each state by name, then the tenants right below it, by name');
  const states = await spawnApp(t, { vars: { OFFICES: 'state' } });
  await seedWorld(t, states, []);
  assert.deepEqual((await (await states.fetch('/v1/offices')).json()).offices.map((o) => o.id), ['pbx', 'pb']);
});

test('the deployment\'s mobile rule everywhere (issue 18 §1): with MOBILE_FIRST_DIGITS=0123456789 a number starting with 0 gets a code, resets a password and registers; refusals and /v1/offices state the configured rule', async (t) => {
  const app = await spawnApp(t, { vars: { ...HELD_OTP, MOBILE_FIRST_DIGITS: '0123456789' } });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const created = await post(app, '/user/users/_createnovalidate', { user: { tenantId: 'pb.demo', type: 'EMPLOYEE', name: 'Zero Start',
    userName: 'zero.start', mobileNumber: '0123456789', roles: [{ code: 'EMPLOYEE' }] } }, tokens.gpDemo);
  assert.equal(created.status, 200, created.raw);
  const sent = await sendOtp(app, '0123456789', 'passwordreset', { userType: 'EMPLOYEE' });
  assert.equal(sent.status, 201, `DIGIT 2.9's rule: ${sent.raw}`);
  const reset = await resetPassword(app, 'zero.start', await codeFor(app, '0123456789'), NEW_PASSWORD, { type: 'EMPLOYEE' });
  assert.equal(reset.status, 200, reset.raw);
  assert.equal((await sendOtp(app, '0012345678', 'register')).status, 201);
  const citizen = await createCitizen(app, { name: 'Asha Devi', username: '0012345678', otpReference: await codeFor(app, '0012345678'), password: NEW_PASSWORD });
  assert.equal(citizen.status, 200, citizen.raw);
  const bad = assertOtpError(await sendOtp(app, '12345', 'passwordreset'), 400, ['OTP.MOBILE_NUMBER_INVALID']);
  assert.match(bad.fields[0].message, /10 digits/);
  assert.doesNotMatch(bad.fields[0].message, /6/, 'the configured rule, not the default one');
  assertError(await createCitizen(app, { name: 'Asha Devi', username: '12345', otpReference: '123456' }), 400, 'UserNameNotValidException');
  const { mobile } = await (await app.fetch('/v1/offices')).json();
  assert.deepEqual(mobile, { digits: 10, firstDigits: '0123456789' }, 'the pages check and state the same rule');
  // And the default deployment refuses that number with its own rule in words.
  const plain = await spawnApp(t, { vars: HELD_OTP });
  await seedWorld(t, plain, []);
  const refused = assertOtpError(await sendOtp(plain, '0123456789', 'passwordreset'), 400, ['OTP.MOBILE_NUMBER_INVALID']);
  assert.match(refused.fields[0].message, /10 digits starting with 6-9/);
});
