// The day after the upload (issue 17), against the real Worker, its D1, its queue and a stand-in provider:
// each person's onboarding steps (first login and own password now recorded), search and filters, the
// funnel, the actions that help those who did not get in (re-send, change of contact, deactivate, activate,
// unlock) for one person, a list or a filter, the daily re-send limit, and the audit log: an entry for every
// action, written in the action's own batch (none when the action fails), refusals recorded, read by the
// tenant's administrators only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnApp } from '../helpers.mjs';
import { USERS, assertError, assertUnchanged, login, post, raw, rows, seedWorld, snapshot } from './support.mjs';
import { get, upload } from './upload_support.mjs';
import { providerServer, until } from './provider_server.mjs';

const PHONE = (i) => String(9876540000 + i);
/** A sheet of `n` people: P0 Kumar … with phones 98765400{i}. */
function people(n, from = 0) {
  const lines = ['firstName,lastName,phone'];
  const letter = (k) => String.fromCharCode(97 + (k % 26));
  for (let i = from; i < from + n; i++) lines.push(`P${letter(i)}${letter(Math.floor(i / 26))}${letter(Math.floor(i / 676))},Kumar,${PHONE(i)}`);
  return lines.join('\n') + '\n';
}

const auth = (token) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
const act = (app, token, action, body) => raw(app, `/v1/people/${action}`, { method: 'POST', headers: auth(token), body: JSON.stringify(body) });
const patch = (app, token, uuid, body) => raw(app, `/v1/people/${uuid}`, { method: 'PATCH', headers: auth(token), body: JSON.stringify(body) });
const uuidOf = async (app, phone) => (await rows(app, `SELECT uuid FROM users WHERE user_name = '${phone}'`))[0].uuid;
const entries = (app, where = '1') => rows(app, `SELECT * FROM audit_log WHERE ${where} ORDER BY id`);

/** The latest one-time password the provider received for `phone` (MSG91's variables). */
function lastPassword(provider, phone) {
  const m = provider.received.filter((r) => r.to === `91${phone}`).at(-1);
  assert.ok(m, `a message reached ${phone}`);
  return m.fields.recipients[0].password;
}

/** Uploads `n` people with the provider refusing those of `failing` (indexes), and waits until all are settled. */
async function onboard(app, provider, token, n, failing = [], ms = 60_000) {
  const spare = [];
  for (let i = 0; i < n; i++) if (!failing.includes(i)) spare.push(`91${PHONE(i)}`);
  provider.mode(failing.length ? 'refuse' : 'ok', { spare });
  const r = await upload(app, token, people(n), { fileName: 'staff.csv' });
  assert.equal(r.status, 200, r.raw);
  // Read from D1, not from the upload's status (tested in upload.test.mjs): in the full suite a status request
  // polled every 200 ms while the welcomes went out once went unanswered for 300 s.
  await until(async () => (await rows(app, `SELECT count(*) AS n FROM outbox WHERE upload_id = '${r.body.processId}'
    AND state IN ('pending', 'sending')`))[0].n === 0, ms, 'the welcomes to settle');
  provider.mode('ok');
  return r.body.processId;
}

test('each person\'s onboarding steps, search, filters and the funnel follow what really happened', async (t) => {
  const provider = await providerServer(t);
  const app = await spawnApp(t, { vars: provider.vars('msg91') });
  const { tokens } = await seedWorld(t, app, ['gpDemo', 'gpOther']);
  const processId = await onboard(app, provider, tokens.gpDemo, 6, [1, 4]);

  // Three log in with their one-time password; one of them then chooses their own.
  const logged = {};
  for (const i of [0, 2, 3]) {
    const r = await login(app, PHONE(i), lastPassword(provider, PHONE(i)));
    assert.equal(r.status, 200, r.raw);
    logged[i] = r.body.access_token;
  }
  const changed = await post(app, '/user/password/_update', { existingPassword: lastPassword(provider, PHONE(0)), newPassword: 'a long chosen password' }, logged[0]);
  assert.equal(changed.status, 200, changed.raw);
  const [first] = await rows(app, `SELECT first_login_at, own_password_at, created_at FROM users WHERE user_name = '${PHONE(0)}'`);
  assert.ok(first.first_login_at >= first.created_at && first.own_password_at >= first.first_login_at, JSON.stringify(first));
  // A second login does not move the first login's time.
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await login(app, PHONE(0), 'a long chosen password')).status, 200);
  assert.equal((await rows(app, `SELECT first_login_at FROM users WHERE user_name = '${PHONE(0)}'`))[0].first_login_at, first.first_login_at);

  const list = async (qs, token = tokens.gpDemo) => get(app, `/v1/people?tenantId=pb.demo&${qs}`, token);
  const names = (r) => r.body.people.map((p) => p.userName).sort();

  const all = await list(`upload=${processId}`);
  assert.equal(all.status, 200, all.raw);
  assert.equal(all.body.people.length, 6);
  const byName = Object.fromEntries(all.body.people.map((p) => [p.userName, p]));
  const p0 = byName[PHONE(0)].steps;
  assert.equal(p0.created.upload.processId, processId);
  assert.equal(p0.created.upload.fileName, 'staff.csv');
  assert.equal(p0.created.by.userName, USERS.gpDemo.userName);
  assert.equal(p0.sent.channel, 'sms');
  assert.equal(p0.sent.state, 'sent');
  assert.equal(p0.notDelivered, null);
  assert.match(p0.firstLogin, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(p0.ownPassword, /Z$/);
  const p1 = byName[PHONE(1)];
  assert.equal(p1.steps.notDelivered.reason.length > 0, true);
  assert.equal(p1.steps.firstLogin, null);
  assert.equal(p1.active, true);
  assert.equal(p1.locked, false);
  assert.equal(JSON.stringify(all.body).includes('password_hash'), false);
  assert.equal(JSON.stringify(all.body).includes('otp'), false, 'no one-time password or its hash');

  await rows(app, `UPDATE users SET email_id = 'Pd.Kumar@Example.in' WHERE user_name = '${PHONE(3)}'`);
  for (const [qs, expected, why] of [
    [`filter=not-delivered&upload=${processId}`, [PHONE(1), PHONE(4)], 'the provider refused two'],
    [`filter=not-logged-in&upload=${processId}`, [PHONE(1), PHONE(4), PHONE(5)], 'three never logged in'],
    [`filter=not-logged-in&days=3&upload=${processId}`, [], 'none of them is three days old'],
    [`filter=no-own-password&upload=${processId}`, [PHONE(2), PHONE(3)], 'two logged in but kept the one-time password'],
    [`filter=locked&upload=${processId}`, [], 'nobody is locked'],
    [`filter=inactive&upload=${processId}`, [], 'nobody is inactive'],
    [`q=${encodeURIComponent('+91 98765-40003')}`, [PHONE(3)], 'a mobile number as people write it'],
    [`q=${PHONE(5)}`, [PHONE(5)], 'a user name'],
    ['q=pca', [PHONE(2)], 'the beginning of a name, any case'],
    ['q=Pc%25', [], 'a % in the search is a character, not a wildcard'],
    ['upload=staff.csv&filter=not-delivered', [PHONE(1), PHONE(4)], 'by the upload\'s file name'],
    ['upload=other.csv', [], 'another file name finds nobody'],
    ['q=pd.kumar%40EXAMPLE.IN', [PHONE(3)], 'an email, any case'],
    ['q=pd.kumar', [], 'an email is found whole, not by its beginning'],
    [`q=${USERS.gpOther.userName}`, [], 'a user name of another subtree is not found'],
    ['q=p&filter=no-own-password', [PHONE(2), PHONE(3)], 'a search and a filter together'],
  ]) {
    const r = await list(qs);
    assert.equal(r.status, 200, `${why}: ${r.raw}`);
    assert.deepEqual(names(r), expected.sort(), why);
  }

  // Paging by cursor, for a search and for an upload too (each finds its people from an index of its own).
  for (const qs of ['q=p', 'upload=staff.csv']) {
    const first = await list(`${qs}&limit=4`);
    assert.equal(first.body.people.length, 4, qs);
    const second = await list(`${qs}&limit=4&cursor=${first.body.next}`);
    assert.equal(second.body.next, null, qs);
    const both = [...first.body.people, ...second.body.people].map((p) => p.userName);
    assert.deepEqual(both.sort(), [0, 1, 2, 3, 4, 5].map(PHONE).sort(), `${qs}: every person once, newest first`);
  }

  // Paging by cursor: pages of 4 go through every person of pb.demo exactly once.
  const seen = [];
  let cursor = '';
  for (let page = 0; page < 10; page++) {
    const r = await list(`limit=4${cursor}`);
    seen.push(...r.body.people.map((p) => p.uuid));
    if (r.body.next == null) break;
    cursor = `&cursor=${r.body.next}`;
  }
  const everyone = await rows(app, "SELECT uuid FROM users WHERE tenant_id = 'pb.demo' AND type != 'SYSTEM'");
  assert.equal(new Set(seen).size, seen.length, 'no one twice');
  assert.ok(everyone.every((u) => seen.includes(u.uuid)), 'everyone the administrator reaches, once');

  const funnel = await get(app, `/v1/onboarding/funnel?tenantId=pb.demo&processId=${processId}`, tokens.gpDemo);
  assert.equal(funnel.status, 200, funnel.raw);
  assert.deepEqual({ ...funnel.body, medianSecondsToFirstLogin: undefined },
    { tenantId: 'pb.demo', processId, created: 6, sent: 4, delivered: 0, failed: 2, queued: 0, loggedIn: 3, ownPassword: 1, medianSecondsToFirstLogin: undefined });
  assert.ok(Number.isInteger(funnel.body.medianSecondsToFirstLogin) && funnel.body.medianSecondsToFirstLogin >= 0);
  const tenantWide = await get(app, '/v1/onboarding/funnel?tenantId=pb', tokens.gpDemo);
  assert.equal(tenantWide.status, 404, 'pb is above the GP administrator of pb.demo');

  const one = await get(app, `/v1/people/${await uuidOf(app, PHONE(1))}`, tokens.gpDemo);
  assert.equal(one.status, 200, one.raw);
  assert.equal(one.body.messages[0].state, 'failed');
  assert.deepEqual(one.body.history, []);
  assertError(await get(app, `/v1/people/${await uuidOf(app, PHONE(1))}`, tokens.gpOther), 404, 'UserNotFound');
  assertError(await list('filter=banana'), 400, 'InvalidField');
  assertError(await get(app, '/v1/people?tenantId=pb.other', tokens.gpDemo), 404, 'TenantNotFound');
});

test('re-send: for a filter with its count confirmed, exactly once each, old one-time passwords stop working, a daily limit', async (t) => {
  const provider = await providerServer(t);
  const app = await spawnApp(t, { vars: provider.vars('msg91', { RESEND_PER_DAY: '2' }) });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const processId = await onboard(app, provider, tokens.gpDemo, 5, [1, 3]);
  const filter = { tenantId: 'pb.demo', filter: 'not-delivered', upload: processId };

  const dry = await act(app, tokens.gpDemo, '_reissue', { filter });
  assert.equal(dry.status, 200, dry.raw);
  assert.deepEqual(dry.body, { dryRun: true, count: 2 });
  const before = await snapshot(app);
  const stale = await act(app, tokens.gpDemo, '_reissue', { filter, confirm: 3 });
  assertError(stale, 409, 'CountChanged');
  await assertUnchanged(app, before, 'a count that is not the filter\'s');

  const oldPassword = lastPassword(provider, PHONE(0));
  const sentBefore = provider.received.length;
  const done = await act(app, tokens.gpDemo, '_reissue', { filter, confirm: 2 });
  assert.equal(done.status, 200, done.raw);
  assert.equal(done.body.count, 2);
  await until(() => provider.received.length === sentBefore + 2, 30_000, 'the two re-sent messages');
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(provider.received.slice(sentBefore).map((m) => m.to).sort(), [`91${PHONE(1)}`, `91${PHONE(3)}`], 'exactly once each, only them');
  assert.equal((await login(app, PHONE(1), lastPassword(provider, PHONE(1)))).status, 200, 'the new one works');
  assert.equal((await get(app, `/v1/people?tenantId=pb.demo&filter=not-delivered&upload=${processId}`, tokens.gpDemo)).body.people.length, 0);

  // One person by uuid: the old one-time password stops working, the new one works.
  const p0 = await uuidOf(app, PHONE(0));
  assert.equal((await act(app, tokens.gpDemo, '_reissue', { tenantId: 'pb.demo', uuids: [p0, p0] })).status, 200);
  await until(() => provider.received.filter((m) => m.to === `91${PHONE(0)}`).length === 2, 30_000, 'the re-sent message');
  assertError(await login(app, PHONE(0), oldPassword), 400, 'InvalidCredentials');
  assert.equal((await login(app, PHONE(0), lastPassword(provider, PHONE(0)))).status, 200);

  // RESEND_PER_DAY=2: the second works, the third is refused, changes nothing and is recorded as refused.
  assert.equal((await act(app, tokens.gpDemo, '_reissue', { tenantId: 'pb.demo', uuids: [p0] })).status, 200);
  const limited = await snapshot(app);
  assertError(await act(app, tokens.gpDemo, '_reissue', { tenantId: 'pb.demo', uuids: [p0] }), 429, 'ResendLimit');
  assertError(await raw(app, `/v1/user/${p0}/reissue`, { method: 'POST', headers: auth(tokens.gpDemo) }), 429, 'ResendLimit');
  await assertUnchanged(app, limited, 'a re-send past the daily limit');
  const refused = await entries(app, "action = 'reissue' AND outcome = 'refused'");
  assert.deepEqual(refused.map((e) => JSON.parse(e.detail).reason), ['CountChanged', 'ResendLimit'], 'the refusals of /v1/people are recorded');
  assert.equal(JSON.parse(refused.at(-1).detail).reason, 'ResendLimit');
  const ok = await entries(app, `action = 'reissue' AND outcome = 'ok' AND subject_uuid = '${p0}'`);
  assert.equal(ok.length, 2);
  assert.equal(ok[0].actor_name, USERS.gpDemo.userName);
  assert.equal(ok[0].tenant_id, 'pb.demo');
});

// 250 in the suite; PEOPLE_BULK=1000 runs the 1,000 (34 s when it passes). With 1,000 the local Worker
// failed to answer the dry run once in the full suite (an answer that was not JSON, while 1,000 welcomes had just
// gone out), and once went unanswered for 300 s under heavy load: wrangler 4.86's local runtime leaves sockets
// behind for each message sent (BENCHMARKS.md, "How many people one database holds"). The 1,000 limit itself
// is tested in tests/security/people.test.mjs (1,001 people refused) without sending a thousand messages.
const BULK = Number(process.env.PEOPLE_BULK ?? 250);

test(`a re-send to the ${BULK} people of an upload by a filter: exactly ${BULK} new messages, and every old one-time password stops working`, async (t) => {
  const provider = await providerServer(t);
  const app = await spawnApp(t, { vars: provider.vars('msg91') });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const N = BULK;
  const processId = await onboard(app, provider, tokens.gpDemo, N, [], 300_000);
  assert.equal(provider.received.length, N);
  const before = new Map((await rows(app, `SELECT uuid, otp_hash FROM users WHERE upload_id = '${processId}'`)).map((u) => [u.uuid, u.otp_hash]));
  const filter = { tenantId: 'pb.demo', upload: processId };
  const dry = await act(app, tokens.gpDemo, '_reissue', { filter });
  assert.deepEqual(dry.body, { dryRun: true, count: N }, `${dry.status} ${dry.raw.slice(0, 300)}`);
  const done = await act(app, tokens.gpDemo, '_reissue', { filter, confirm: N });
  assert.equal(done.status, 200, done.raw.slice(0, 300));
  assert.equal(done.body.count, N);
  await until(() => provider.received.length >= 2 * N, 300_000, 'the re-sent messages');
  await new Promise((r) => setTimeout(r, 2000));
  const again = provider.received.slice(N);
  if (again.length !== N) {
    // Say which person got two, and what the outbox and the provider saw of them, so that a failure explains itself.
    const counts = new Map();
    for (const m of again) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
    const twice = [...counts].filter(([, n]) => n > 1).map(([to]) => to);
    const seen = await rows(app, `SELECT o.id, o.recipient, o.state, o.attempts, o.last_error, o.created_at, o.updated_at
      FROM outbox o WHERE o.upload_id = '${processId}' AND ('91' || o.recipient) IN (SELECT value FROM json_each('${JSON.stringify(twice)}'))`);
    const tried = provider.attempts.filter((a) => twice.includes(a.to));
    assert.fail(`${again.length} messages for ${N} people; twice: ${JSON.stringify(twice)}\noutbox: ${JSON.stringify(seen)}\nprovider: ${JSON.stringify(tried.map((a) => a.at))}`);
  }
  assert.equal(new Set(again.map((m) => m.to)).size, N, 'one each');
  const after = await rows(app, `SELECT uuid, otp_hash FROM users WHERE upload_id = '${processId}'`);
  assert.ok(after.every((u) => u.otp_hash && u.otp_hash !== before.get(u.uuid)), 'every one-time password is new');
  assertError(await login(app, PHONE(7), provider.received.find((m) => m.to === `91${PHONE(7)}`).fields.recipients[0].password), 400, 'InvalidCredentials');
  assert.equal((await login(app, PHONE(7), lastPassword(provider, PHONE(7)))).status, 200);
  assert.equal((await entries(app, "action = 'reissue' AND outcome = 'ok'")).length, N, 'an entry each');
});

test('the daily limit holds against concurrent re-sends: one batch wins, the others change nothing', async (t) => {
  const provider = await providerServer(t);
  const app = await spawnApp(t, { vars: provider.vars('msg91', { RESEND_PER_DAY: '1' }) });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  await onboard(app, provider, tokens.gpDemo, 1);
  const p0 = await uuidOf(app, PHONE(0));
  const answers = await Promise.all(Array.from({ length: 6 }, () => act(app, tokens.gpDemo, '_reissue', { tenantId: 'pb.demo', uuids: [p0] })));
  assert.deepEqual(answers.map((a) => a.status).sort(), [200, 429, 429, 429, 429, 429], answers.map((a) => a.raw).join('\n'));
  assert.equal((await entries(app, "action = 'reissue' AND outcome = 'ok'")).length, 1);
  assert.equal((await rows(app, `SELECT count(*) AS n FROM outbox WHERE kind = 'welcome'`))[0].n, 2, 'the upload\'s and one re-send');
});

test('deactivate ends sessions at once, activate lets the person back in, unlock lifts a lockout; each recorded', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['gpDemo', 'clerkDemo']);
  const clerk = USERS.clerkDemo.uuid;
  const body = { tenantId: 'pb.demo', uuids: [clerk] };

  const off = await act(app, tokens.gpDemo, '_deactivate', body);
  assert.equal(off.status, 200, off.raw);
  assert.deepEqual(off.body, { action: 'deactivate', count: 1, skipped: [] });
  assertError(await post(app, '/user/_details', {}, tokens.clerkDemo), 401, 'Unauthorized');
  assert.equal((await rows(app, `SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.uuid = '${clerk}'`))[0].n, 0);
  assertError(await login(app, USERS.clerkDemo.userName), 400, 'AccountInactive');
  assert.deepEqual((await get(app, '/v1/people?tenantId=pb.demo&filter=inactive', tokens.gpDemo)).body.people.map((p) => p.uuid), [clerk]);
  assert.equal((await act(app, tokens.gpDemo, '_deactivate', body)).body.count, 0, 'already inactive: nothing to do');
  assertError(await act(app, tokens.gpDemo, '_deactivate', { tenantId: 'pb.demo', uuids: [USERS.gpDemo.uuid] }), 400, 'OwnAccount');

  assert.equal((await act(app, tokens.gpDemo, '_activate', body)).status, 200);
  assert.equal((await login(app, USERS.clerkDemo.userName)).status, 200);

  for (let i = 0; i < 5; i++) await login(app, USERS.clerkDemo.userName, 'wrong password!');
  assertError(await login(app, USERS.clerkDemo.userName), 400, 'AccountLocked');
  assert.deepEqual((await get(app, '/v1/people?tenantId=pb.demo&filter=locked', tokens.gpDemo)).body.people.map((p) => p.uuid), [clerk]);
  assert.equal((await act(app, tokens.gpDemo, '_unlock', body)).status, 200);
  assert.equal((await login(app, USERS.clerkDemo.userName)).status, 200);

  const log = await entries(app, `subject_uuid = '${clerk}'`);
  assert.deepEqual(log.map((e) => `${e.action} ${e.outcome} ${e.actor_name ?? 'system'}`),
    ['deactivate ok gp.demo', 'activate ok gp.demo', 'lockout ok system', 'unlock ok gp.demo']);
  // The GP administrator's own sign-in is recorded (an administrator), the clerk's is not.
  assert.equal((await entries(app, `action = 'signin' AND actor_uuid = '${USERS.gpDemo.uuid}'`)).length, 1);
  assert.equal((await entries(app, `action = 'signin' AND actor_uuid = '${clerk}'`)).length, 0);
  await login(app, USERS.gpDemo.userName, 'not the password');
  const failed = await entries(app, "action = 'signin.failed'");
  assert.equal(failed.length, 1);
  assert.equal(failed[0].outcome, 'failed');
  for (const e of await entries(app)) assert.doesNotMatch(e.detail, /demo-Password|wrong password|not the password/);
});

test('a new mobile number is checked as the upload checks it, then the credentials go there, in one batch', async (t) => {
  const provider = await providerServer(t);
  const app = await spawnApp(t, { vars: provider.vars('msg91') });
  const { tokens } = await seedWorld(t, app, ['gpDemo', 'gpOther']);
  await onboard(app, provider, tokens.gpDemo, 3, [1]);
  const p1 = await uuidOf(app, PHONE(1));
  const before = await snapshot(app);
  for (const [body, status, code, why] of [
    [{ mobileNumber: '12345' }, 400, 'InvalidField', 'not a mobile number'],
    [{ mobileNumber: PHONE(2) }, 409, 'ContactInUse', 'another person of the tenant has it'],
    [{ emailId: 'not an email' }, 400, 'InvalidField', 'not an email address'],
    [{}, 400, 'InvalidField', 'nothing to change'],
    [{ mobileNumber: '9876549999', banana: 1 }, 400, 'InvalidJson', 'an unknown field'],
  ]) {
    assertError(await patch(app, tokens.gpDemo, p1, body), status, code, why);
  }
  assertError(await patch(app, tokens.gpOther, p1, { mobileNumber: '9876549999' }), 404, 'UserNotFound', 'another tenant\'s administrator');
  await assertUnchanged(app, before, 'refused changes of contact');
  assert.equal((await entries(app, "action = 'contact.change' AND outcome = 'refused'")).length, 6);

  const sent = provider.received.length;
  const ok = await patch(app, tokens.gpDemo, p1, { mobileNumber: '+91 98765 49999' });
  assert.equal(ok.status, 200, ok.raw);
  assert.deepEqual(ok.body.changed, ['mobileNumber']);
  await until(() => provider.received.length === sent + 1, 30_000, 'the message to the new number');
  assert.equal(provider.received.at(-1).to, '919876549999');
  assert.equal((await login(app, PHONE(1), lastPassword(provider, '9876549999'))).status, 200, 'the login id stays; the password arrived');
  assert.deepEqual(await rows(app, `SELECT k.value FROM identity_keys k JOIN users u ON u.id = k.user_id WHERE u.uuid = '${p1}' AND k.kind = 'phone'`), [{ value: '9876549999' }]);
  // The old number is free again; the new one is taken.
  assertError(await patch(app, tokens.gpDemo, await uuidOf(app, PHONE(0)), { mobileNumber: '9876549999' }), 409, 'ContactInUse');
  assert.equal((await patch(app, tokens.gpDemo, await uuidOf(app, PHONE(0)), { mobileNumber: PHONE(1), resend: false })).status, 200);
  const log = await entries(app, `subject_uuid = '${p1}' AND outcome = 'ok'`);
  assert.deepEqual(log.map((e) => e.action), ['contact.change', 'reissue']);
  assert.equal(log[0].detail, '{"fields":["mobileNumber"]}');
});

test('no action without its entry, no entry without its action: an action that fails after its entry leaves neither', async (t) => {
  const app = await spawnApp(t, { vars: { SMS_PROVIDER: 'msg91', MSG91_API_URL: 'http://127.0.0.1:9/api/v5/flow', MSG91_AUTH_KEY: 'k', SMS_RETRY_BASE_SECONDS: '3600' } });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const clerk = USERS.clerkDemo.uuid;
  // The test's own D1 fails the statement that comes after the audit entry in each action's batch.
  await rows(app, `CREATE TRIGGER test_fail_deactivate BEFORE UPDATE OF active ON users WHEN new.active = 0
    BEGIN SELECT RAISE(ABORT, 'test: the action fails after its entry'); END`);
  await rows(app, `CREATE TRIGGER test_fail_outbox BEFORE INSERT ON outbox WHEN new.recipient = '9876500001'
    BEGIN SELECT RAISE(ABORT, 'test: the action fails after its entry'); END`);
  await rows(app, `CREATE TRIGGER test_fail_upload BEFORE INSERT ON outbox WHEN new.recipient = '9876541111'
    BEGIN SELECT RAISE(ABORT, 'test: the action fails after its entry'); END`);
  const before = await snapshot(app);
  const entriesBefore = await entries(app);

  assert.equal((await act(app, tokens.gpDemo, '_deactivate', { tenantId: 'pb.demo', uuids: [clerk] })).status, 500);
  assert.equal((await act(app, tokens.gpDemo, '_reissue', { tenantId: 'pb.demo', uuids: [USERS.citizenDemo.uuid] })).status, 500);
  assert.equal((await raw(app, `/v1/user/${USERS.citizenDemo.uuid}/reissue`, { method: 'POST', headers: auth(tokens.gpDemo) })).status, 500);
  assert.equal((await upload(app, tokens.gpDemo, 'firstName,lastName,phone\nAsha,Devi,9876541111\n')).status, 500);
  await assertUnchanged(app, before, 'failed actions');
  assert.deepEqual(await entries(app), entriesBefore, 'no entry for an action that did not happen');
  assert.equal((await rows(app, 'SELECT count(*) AS n FROM uploads'))[0].n, 0);

  // The same actions once the failure is gone: each with its entry.
  await rows(app, 'DROP TRIGGER test_fail_deactivate');
  await rows(app, 'DROP TRIGGER test_fail_outbox');
  await rows(app, 'DROP TRIGGER test_fail_upload');
  assert.equal((await act(app, tokens.gpDemo, '_deactivate', { tenantId: 'pb.demo', uuids: [clerk] })).status, 200);
  assert.equal((await act(app, tokens.gpDemo, '_reissue', { tenantId: 'pb.demo', uuids: [USERS.citizenDemo.uuid] })).status, 200);
  assert.equal((await upload(app, tokens.gpDemo, 'firstName,lastName,phone\nAsha,Devi,9876541111\n')).status, 200);
  assert.deepEqual((await entries(app)).slice(entriesBefore.length).map((e) => `${e.action} ${e.outcome}`), ['deactivate ok', 'reissue ok', 'upload ok']);

  // Append-only: the table refuses a change and an early removal, whoever asks.
  await assert.rejects(rows(app, "UPDATE audit_log SET outcome = 'refused'"), /append-only/);
  await assert.rejects(rows(app, 'DELETE FROM audit_log'), /kept at least a year/);
});

test('GET /v1/audit: the subtree\'s entries for its administrators, filtered, paged, and as CSV; an old entry goes with the sweep', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['sys', 'state', 'gpDemo', 'gpOther']);
  for (const action of ['_deactivate', '_activate']) {
    assert.equal((await act(app, tokens.gpDemo, action, { tenantId: 'pb.demo', uuids: [USERS.clerkDemo.uuid] })).status, 200);
  }
  assert.equal((await act(app, tokens.gpOther, '_deactivate', { tenantId: 'pb.other', uuids: [USERS.clerkOther.uuid] })).status, 200);
  const demo = await get(app, '/v1/audit?tenantId=pb.demo', tokens.gpDemo);
  assert.equal(demo.status, 200, demo.raw);
  assert.ok(demo.body.entries.every((e) => e.tenantId === 'pb.demo'), 'only pb.demo');
  assert.deepEqual(demo.body.entries.filter((e) => e.subjectUuid === USERS.clerkDemo.uuid).map((e) => e.action), ['activate', 'deactivate']);
  const state = await get(app, '/v1/audit?tenantId=pb&action=deactivate', tokens.state);
  assert.deepEqual(state.body.entries.map((e) => e.tenantId).sort(), ['pb.demo', 'pb.other'], 'the state administrator sees its whole subtree');
  assertError(await get(app, '/v1/audit?tenantId=pb.demo', tokens.gpOther), 404, 'TenantNotFound');
  assertError(await get(app, '/v1/audit?tenantId=pb', tokens.gpDemo), 404, 'TenantNotFound');
  const clerk = (await login(app, USERS.clerkDemo.userName)).body.access_token; // reactivation revives no session
  assertError(await get(app, '/v1/audit?tenantId=pb.demo', clerk), 403, 'NotAdmin');
  assertError(await get(app, '/v1/audit', tokens.gpDemo), 400, 'InvalidField');

  const pages = [];
  let next = '';
  for (let i = 0; i < 20; i++) {
    const r = await get(app, `/v1/audit?tenantId=pb&limit=2${next}`, tokens.state);
    pages.push(...r.body.entries.map((e) => e.id));
    if (r.body.next == null) break;
    next = `&cursor=${r.body.next}`;
  }
  const all = (await get(app, '/v1/audit?tenantId=pb', tokens.state)).body.entries.map((e) => e.id);
  assert.deepEqual(pages, all, 'pages of 2 give every entry once, newest first');

  const csv = await app.fetch('/v1/audit?tenantId=pb.demo&format=csv', { headers: { authorization: `Bearer ${tokens.gpDemo}` } });
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  const lines = (await csv.text()).trim().split('\r\n');
  assert.equal(lines[0], 'id,at,actorUuid,actorName,tenantId,subjectUuid,action,outcome,client,detail');
  assert.equal(lines.length, demo.body.entries.length + 1);

  // An entry older than AUDIT_RETENTION_DAYS goes with the cron sweep; a younger one stays.
  await rows(app, `INSERT INTO audit_log (at, tenant_id, action, outcome) VALUES (unixepoch() - 800 * 86400, 'pb.demo', 'old', 'ok'),
    (unixepoch() - 400 * 86400, 'pb.demo', 'kept', 'ok')`);
  assert.equal(await app.scheduled(), 'ok');
  assert.deepEqual((await entries(app, "action IN ('old', 'kept')")).map((e) => e.action), ['kept']);
});
