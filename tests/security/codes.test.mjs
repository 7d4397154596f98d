// Security regression suite, codes by SMS (issues 15 §1, §3, §4 and 19 §2): each test performs an attack of
// the reviews against the real Worker and D1 and asserts the fixed answer. A code proves control of one phone
// number, the one it was sent to, and opens only an account whose stored number that is; a stranger can
// neither spend the owner's sending budget, nor cancel the owner's code, nor use up its tries; registered
// numbers cannot be listed; and without a right code every answer is the same, so that the password policy
// no longer confirms who owns which number. Codes are read from their sealed outbox rows (the provider is held
// unreachable), as only the SMS sender (or the phone) can.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnApp } from '../helpers.mjs';
import { PASSWORD, USERS, assertError, login, newUser, post, raw, rows, seedWorld } from '../api/support.mjs';
import { HELD_OTP, assertOtpError, codeFor, createCitizen, resetPassword, sendOtp, wrong } from '../api/otp_support.mjs';
import { openCredential } from '../api/upload_support.mjs';

const CITIZEN = USERS.citizenDemo.userName; // 9876500001, a CITIZEN of pb.demo whose user name is its number
const ATTACKER_PHONE = '9812399999'; // the attacking administrator's own phones
const ATTACKER_PHONE2 = '9812399998';
const NEW_PASSWORD = 'river-mango-lantern';
const A = { 'cf-connecting-ip': '203.0.113.7' }; // the stranger's address
const B = { 'cf-connecting-ip': '198.51.100.9' }; // the owner's address
const ONE_ANSWER = ['OTP.VALIDATION_UNSUCCESSFUL', 'OTP.WRONG'];

/** The newest code that reached `phone`, or null when none did. */
async function codeAt(app, phone) {
  const [row] = await rows(app, `SELECT credential, link_code FROM outbox WHERE kind = 'code' AND recipient = '${phone}' AND credential IS NOT NULL
    ORDER BY id DESC LIMIT 1`);
  return row ? openCredential(row.credential, row.link_code) : null;
}

/** nologin/_update from a client address. */
function resetFrom(app, headers, userName, otpReference, newPassword, { tenantId = 'pb.demo', type = 'CITIZEN' } = {}) {
  return raw(app, '/user/password/nologin/_update', {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ RequestInfo: { apiId: 'mgramseva', action: 'create' }, otpReference, userName, newPassword, tenantId, type }),
  });
}

/** The one answer to every request without a right code: nothing about the account, the code or its tries. */
function assertOneAnswer(r, what) {
  assert.equal(r.body?.Errors?.[0]?.code, undefined, `${what}: answered ${r.body?.Errors?.[0]?.code} without a right code`);
  const e = assertOtpError(r, 400, ONE_ANSWER, what);
  assert.equal(e.fields[1].triesLeft, undefined, `${what}: triesLeft counts the guesses`);
  return e;
}

/** Asserts that every answer is the very same (status and body). */
function assertAlike(answers, what) {
  const seen = new Map(answers.map(([name, r]) => [`${r.status} ${r.raw}`, name]));
  assert.equal(seen.size, 1, `${what}: the answers differ:\n${[...seen].map(([a, n]) => `  ${n}: ${a.slice(0, 300)}`).join('\n')}`);
}

test('15 §1: a code proves one phone number: a look-alike user name gets no code for the owner of that number, so neither a citizen\'s login nor a GP_ADMIN\'s password can be taken', async (t) => {
  const app = await spawnApp(t, { vars: HELD_OTP });
  const { tokens, ids } = await seedWorld(t, app, ['gpDemo']);

  await t.test('the citizen 9876500001: an EMPLOYEE named 9876500001 with the attacker\'s phone asks for a login code; it opens no citizen session', async () => {
    const c = await post(app, '/user/users/_createnovalidate', { user: newUser(CITIZEN, 'pb.demo', { mobileNumber: ATTACKER_PHONE }) }, tokens.gpDemo);
    assert.equal(c.status, 200, `step 1, the look-alike EMPLOYEE: ${c.raw}`);
    const s = await sendOtp(app, CITIZEN, 'login', { userType: 'EMPLOYEE' });
    assert.equal(s.status, 201, `step 2, the send: ${s.raw}`);
    const leaked = await codeAt(app, ATTACKER_PHONE);
    const l = await login(app, CITIZEN, leaked ?? '000000', USERS.citizenDemo.tenantId, { userType: 'CITIZEN' });
    assert.ok(!l.body?.access_token, `step 3: the attacker holds the citizen's session with the code sent to its own phone (${l.status})`);
    assert.equal(leaked, null, 'a code for 9876500001 went to another phone');
    for (const r of await rows(app, "SELECT recipient FROM outbox WHERE kind = 'code'")) assert.equal(r.recipient, CITIZEN, 'a code goes only to the number asked for');
    assert.equal((await login(app, CITIZEN, PASSWORD, USERS.citizenDemo.tenantId, { userType: 'CITIZEN' })).status, 200, 'the citizen logs in as before');
  });

  await t.test('the GP_ADMIN of pb.other: a CITIZEN named after its phone, with the attacker\'s phone, asks for a passwordreset code; it sets no password', async () => {
    const victimPhone = '9812300002';
    await rows(app, `UPDATE users SET mobile_number = '${victimPhone}' WHERE id = ${ids.gpOther}`);
    const c = await post(app, '/user/users/_createnovalidate',
      { user: { tenantId: 'pb.demo', type: 'CITIZEN', name: 'Mallory', userName: victimPhone, mobileNumber: ATTACKER_PHONE2 } }, tokens.gpDemo);
    assert.equal(c.status, 200, `step 1, the look-alike CITIZEN: ${c.raw}`);
    const s = await sendOtp(app, victimPhone, 'passwordreset', { userType: 'CITIZEN' });
    assert.equal(s.status, 201, `step 2, the send: ${s.raw}`);
    const leaked = await codeAt(app, ATTACKER_PHONE2);
    const r = await resetPassword(app, USERS.gpOther.userName, leaked ?? '000000', NEW_PASSWORD, { tenantId: 'pb.other', type: 'EMPLOYEE' });
    assert.notEqual(r.status, 200, 'step 3: the attacker set the password of pb.other\'s GP_ADMIN with the code sent to its own phone');
    assert.equal(leaked, null, `a code for ${victimPhone} went to another phone`);
    assert.equal((await login(app, USERS.gpOther.userName, PASSWORD, 'pb.other')).status, 200, 'its password is unchanged');
    assert.equal((await login(app, USERS.gpOther.userName, NEW_PASSWORD, 'pb.other')).status, 400);
  });
});

test('15 §3: a stranger cannot lock the owner out: five sends from address A leave the owner\'s budget whole, and a stranger\'s send does not cancel the owner\'s code', async (t) => {
  const app = await spawnApp(t, { vars: { ...HELD_OTP, OTP_RESEND_SECONDS: '1' } });
  await seedWorld(t, app, []);

  await t.test('five sends from A (all allowed, the sixth is not); then the owner from B gets a code that works', async () => {
    for (let i = 1; i <= 5; i++) {
      if (i > 1) await sleep(1100);
      const r = await sendOtp(app, CITIZEN, 'passwordreset', { headers: A });
      assert.equal(r.status, 201, `the stranger's send ${i}: ${r.raw}`);
    }
    await sleep(1100);
    assertOtpError(await sendOtp(app, CITIZEN, 'passwordreset', { headers: A }), 429, ['OTP.TOO_MANY_REQUESTS'], 'the stranger\'s sixth send');
    const owner = await sendOtp(app, CITIZEN, 'passwordreset', { headers: B });
    assert.equal(owner.status, 201, `the owner, from another address, is locked out: ${owner.raw.slice(0, 300)}`);
    const r = await resetFrom(app, B, CITIZEN, await codeFor(app, CITIZEN), NEW_PASSWORD);
    assert.equal(r.status, 200, `the owner's code: ${r.raw.slice(0, 300)}`);
    assert.equal((await login(app, CITIZEN, NEW_PASSWORD)).status, 200);
  });

  await t.test('the owner asks from B; the stranger asks again from A; the owner\'s code still works (and then every code of the number is spent)', async () => {
    const owner = USERS.citizenOther; // 9876500002, of pb.other
    assert.equal((await sendOtp(app, owner.mobile, 'passwordreset', { tenantId: 'pb.other', headers: B })).status, 201);
    const code = await codeFor(app, owner.mobile);
    await sleep(1100);
    const stranger = await sendOtp(app, owner.mobile, 'passwordreset', { tenantId: 'pb.other', headers: A });
    assert.equal(stranger.status, 201, stranger.raw);
    const strangers = await codeFor(app, owner.mobile);
    const r = await resetFrom(app, B, owner.userName, code, NEW_PASSWORD, { tenantId: 'pb.other' });
    assert.equal(r.status, 200, `the owner's earlier code was cancelled by the stranger's send: ${r.raw.slice(0, 300)}`);
    assert.equal((await login(app, owner.userName, NEW_PASSWORD, 'pb.other')).status, 200);
    if (strangers !== code) {
      const again = await resetFrom(app, B, owner.userName, strangers, 'another-good-password', { tenantId: 'pb.other' });
      assert.equal(again.status, 400, `the later code after the owner's was used: ${again.raw.slice(0, 300)}`);
    }
  });
});

test('15 §3: budgets per client address: IPv6 addresses of one /64 share one budget, of another /64 do not; a number has its own cap over all addresses', async (t) => {
  const app = await spawnApp(t, { vars: { ...HELD_OTP, OTP_IP_SENDS_PER_HOUR: '3', OTP_NUMBER_SENDS_PER_HOUR: '3' } });
  await seedWorld(t, app, []);
  const from = (ip) => ({ headers: { 'cf-connecting-ip': ip } });

  await t.test('three sends from three addresses of 2001:db8:a:b::/64 spend its budget; a fourth address of it is refused, one of 2001:db8:a:c::/64 is not', async () => {
    for (const [i, ip] of ['2001:db8:a:b::1', '2001:db8:a:b::2', '2001:db8:a:b:ffff:ffff:ffff:fffe'].entries()) {
      assert.equal((await sendOtp(app, `98765110${i}0`, 'passwordreset', from(ip))).status, 201, ip);
    }
    const same = await sendOtp(app, '9876511030', 'passwordreset', from('2001:db8:a:b::4'));
    assertOtpError(same, 429, ['OTP.TOO_MANY_REQUESTS'], 'a fourth address of the same /64');
    assert.equal((await sendOtp(app, '9876511030', 'passwordreset', from('2001:db8:a:c::1'))).status, 201, 'an address of another /64');
  });

  await t.test('one number from four IPv4 addresses: the first three pass (no address spends another\'s budget), the fourth meets the number\'s cap', async () => {
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      const r = await sendOtp(app, '9876512000', 'passwordreset', from(ip));
      assert.equal(r.status, 201, `from ${ip}: ${r.raw.slice(0, 300)}`);
    }
    assertOtpError(await sendOtp(app, '9876512000', 'passwordreset', from('192.0.2.4')), 429, ['OTP.TOO_MANY_REQUESTS'], 'the number\'s cap');
  });
});

test('15 §3: registered numbers cannot be listed: `register` answers a known number as a new one, throttled first, and texts the owner; citizen/_create checks the code before saying "duplicate"', async (t) => {
  const app = await spawnApp(t, { vars: HELD_OTP });
  await seedWorld(t, app, []);
  const NEW = '9876522222';

  await t.test('_send register: the known number and a new one get the same 201; the known one\'s owner gets a notice', async () => {
    const known = await sendOtp(app, CITIZEN, 'register', { userType: 'CITIZEN', headers: A });
    const fresh = await sendOtp(app, NEW, 'register', { userType: 'CITIZEN', headers: A });
    assertAlike([['a registered number', known], ['a new number', fresh]], 'register');
    assert.equal(fresh.status, 201, fresh.raw);
    assert.equal((await rows(app, `SELECT count(*) AS n FROM outbox WHERE kind = 'notice' AND recipient = '${CITIZEN}'`))[0].n, 1,
      'the owner is told that they already have an account');
  });

  await t.test('the throttle answers first: the same sends again are refused alike (429), before anything is said about the number', async () => {
    const known = await sendOtp(app, CITIZEN, 'register', { userType: 'CITIZEN', headers: A });
    const fresh = await sendOtp(app, NEW, 'register', { userType: 'CITIZEN', headers: A });
    assertOtpError(known, 429, ['OTP.RESEND_TOO_SOON'], 'a registered number again');
    assertOtpError(fresh, 429, ['OTP.RESEND_TOO_SOON'], 'a new number again');
    assert.equal((await rows(app, `SELECT count(*) AS n FROM outbox WHERE kind = 'notice' AND recipient = '${CITIZEN}'`))[0].n, 1, 'no second notice');
  });

  await t.test('citizen/_create without a right code: a registered number, a new one with a wrong code, a number without any code all get the one answer', async () => {
    const code = await codeFor(app, NEW);
    const answers = [
      ['a registered number', await createCitizen(app, { name: 'Asha Devi', username: CITIZEN, otpReference: '123456' })],
      ['a new number with a wrong code', await createCitizen(app, { name: 'Asha Devi', username: NEW, otpReference: wrong(code) })],
      ['a number nobody asked a code for', await createCitizen(app, { name: 'Asha Devi', username: '9876533334', otpReference: '123456' })],
    ];
    for (const [what, r] of answers) assertOneAnswer(r, what);
    assertAlike(answers, 'citizen/_create');
    const ok = await createCitizen(app, { name: 'Asha Devi', username: NEW, otpReference: code, password: NEW_PASSWORD });
    assert.equal(ok.status, 200, `the new number registers with its code: ${ok.raw.slice(0, 300)}`);
  });

  await t.test('OTP_REVEAL_UNKNOWN_NUMBER=true restores DIGIT\'s OTP.MOBILENUMBER for a registered number', async (t) => {
    const digit = await spawnApp(t, { vars: { ...HELD_OTP, OTP_REVEAL_UNKNOWN_NUMBER: 'true' } });
    await seedWorld(t, digit, []);
    assertOtpError(await sendOtp(digit, CITIZEN, 'register', { userType: 'CITIZEN' }), 400, ['OTP.MOBILENUMBER']);
  });
});

test('15 §4: nologin/_update checks the code before the password policy: the policy answers only to a right code, which it does not use up', async (t) => {
  const app = await spawnApp(t, { vars: HELD_OTP });
  await seedWorld(t, app, []);
  const withPhone = `my${CITIZEN}x`;
  assertOneAnswer(await resetPassword(app, CITIZEN, '123456', withPhone), 'no code asked for, a password with the phone number in it');
  assert.equal((await sendOtp(app, CITIZEN)).status, 201);
  const code = await codeFor(app, CITIZEN);
  assertOneAnswer(await resetPassword(app, CITIZEN, wrong(code), withPhone), 'a wrong code, a password with the phone number in it');
  const e = assertError(await resetPassword(app, CITIZEN, code, withPhone), 400, 'INVALID_PWD_PATTERN', 'the right code');
  assert.match(e.message, /phone number/);
  assertError(await resetPassword(app, CITIZEN, code, 'short1'), 400, 'INVALID_PWD_LENGTH', 'the right code again');
  const ok = await resetPassword(app, CITIZEN, code, NEW_PASSWORD);
  assert.equal(ok.status, 200, `the code still works: ${ok.raw.slice(0, 300)}`);
  assert.equal((await login(app, CITIZEN, NEW_PASSWORD)).status, 200);
});

test('19 §2: the password-policy oracle is closed: without a right code the answer is the same for no code, a wrong code and an unknown user, and a stranger cannot use up the owner\'s tries', async (t) => {
  const app = await spawnApp(t, { vars: HELD_OTP });
  const { ids } = await seedWorld(t, app, []);
  const PHONE = '9800000002';
  const EMP = { tenantId: 'pb.demo', type: 'EMPLOYEE' };
  await rows(app, `UPDATE users SET mobile_number = '${PHONE}' WHERE id = ${ids.clerkDemo}`);
  const emp = USERS.clerkDemo.userName; // clerk.demo, whose phone is now PHONE
  // One password that holds five candidate numbers, the victim's among them.
  const probe = '9800000001-9800000002-9800000003-9800000004-9800000005';
  const guess = (headers, userName, code, pw) => resetFrom(app, headers, userName, code, pw, EMP);

  await t.test('no code, a wrong code, an unknown user: the same answer, whatever the password holds', async () => {
    const answers = [
      ['no code; the password holds the phone', await guess(A, emp, '123456', `Zq-${PHONE}-Xw`)],
      ['no code; the password holds another number', await guess(A, emp, '123456', 'Zq-9800000003-Xw')],
      ['no code; five numbers at once', await guess(A, emp, '123456', probe)],
      ['no code; the reverse: the number as user name, the password holds the user name', await guess(A, PHONE, '123456', `Zq-${emp}-Xw`)],
      ['an unknown user', await guess(A, 'nobody.here', '123456', `Zq-${PHONE}-Xw`)],
    ];
    assert.equal((await sendOtp(app, PHONE, 'passwordreset', { userType: 'EMPLOYEE', headers: B })).status, 201);
    const code = await codeFor(app, PHONE);
    answers.push(
      ['a code is pending; a wrong one, the password holds the phone', await guess(A, emp, wrong(code), `Zq-${PHONE}-Xw`)],
      ['a code is pending; a wrong one, a good password', await guess(A, emp, wrong(code), NEW_PASSWORD)],
    );
    for (const [what, r] of answers) assertOneAnswer(r, what);
    assertAlike(answers, 'nologin/_update without a right code');
  });

  await t.test('twelve wrong guesses from A and elsewhere leave the owner\'s own tries: the owner\'s right code from B works', async () => {
    const code = await codeFor(app, PHONE); // the code sent above, asked for from B
    const guesses = [];
    for (let i = 0; i < 12; i++) {
      const headers = { 'cf-connecting-ip': `203.0.113.${10 + (i % 4)}` };
      guesses.push([`guess ${i + 1}`, await guess(headers, emp, String((Number(code) + 2 + i) % 1e6).padStart(6, '0'), NEW_PASSWORD)]);
    }
    const r = await guess(B, emp, code, NEW_PASSWORD);
    assert.equal(r.status, 200, `the stranger used up the owner's tries: ${r.raw.slice(0, 300)}`);
    assert.equal((await login(app, emp, NEW_PASSWORD)).status, 200);
    for (const [what, g] of guesses) assertOneAnswer(g, what);
    assertAlike(guesses, 'the stranger\'s guesses (wrong, and out of tries)');
  });
});
