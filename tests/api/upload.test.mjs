// The bulk upload end to end against the real Worker and D1: a clean file creates every person with their
// roles, a one-time password and a welcome message, at once; a file with one bad row, or one person who
// already exists, creates nobody; the same upload twice is one; two overlapping uploads at the same moment
// cannot both commit; other tenants' administrators can neither upload nor look.

import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnApp } from '../helpers.mjs';
import { USERS, assertError, login, post, rows, seedWorld } from './support.mjs';
import { HELD, created, get, oneTimePassword, sheet, upload } from './upload_support.mjs';

const THREE = sheet([
  ['Asha', 'Devi', '+91 98765-43210', '', '', '', 'GP_ADMIN,EMPLOYEE'],
  ['Ravi', 'Kumar', '9876543211', 'ravi@gp.example.in', 'ravi.kumar', '', ''],
  ['Meena', '', '', 'meena@gp.example.in', 'meena.k', 'Given-Pass-2026', ''],
]);

test('a clean 3-row file creates 3 users with roles, one-time passwords and one outbox row each', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const r = await upload(app, tokens.gpDemo, THREE, { fileName: 'three people.csv' });
  assert.equal(r.status, 200, r.raw);
  const s = r.body;
  assert.equal(s.status, 'COMPLETED');
  assert.deepEqual(s.counts, { rows: 3, created: 3, failed: 0 });
  assert.equal(s.tenantId, 'pb.demo');
  assert.equal(s.userType, 'EMPLOYEE');
  assert.equal(s.fileName, 'three people.csv');
  assert.equal(s.createdBy, USERS.gpDemo.uuid);
  assert.match(s.sha256, /^[0-9a-f]{64}$/);
  assert.match(s.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(s.successResult.map((x) => [x.row, x.userName]), [[1, '9876543210'], [2, 'ravi.kumar'], [3, 'meena.k']]);
  for (const x of s.successResult) assert.match(x.uuid, /^[0-9a-f-]{36}$/);
  // The password in row 3 is only a warning (it becomes a one-time password).
  assert.deepEqual(s.failureResult.map((i) => [i.row, i.column, i.code]), [[3, 'password', 'password_in_file']]);
  assert.deepEqual(s.sms, { queued: 3, sent: 0, delivered: 0, failed: 0 });
  assert.deepEqual(s.successResult.map((x) => [x.message.channel, x.message.state]), [['sms', 'pending'], ['sms', 'pending'], ['email', 'pending']]);

  // Found by /user/_search with DIGIT's user model and their roles at the tenant.
  const found = await post(app, '/user/_search', { tenantId: 'pb.demo', uuid: s.successResult.map((x) => x.uuid) }, tokens.gpDemo);
  assert.equal(found.status, 200, found.raw);
  const byName = Object.fromEntries(found.body.user.map((u) => [u.userName, u]));
  assert.equal(byName['9876543210'].name, 'Asha Devi');
  assert.equal(byName['9876543210'].mobileNumber, '9876543210');
  assert.deepEqual(byName['9876543210'].roles.map((x) => [x.code, x.tenantId]).sort(), [['EMPLOYEE', 'pb.demo'], ['GP_ADMIN', 'pb.demo']]);
  assert.deepEqual(byName['ravi.kumar'].roles.map((x) => x.code), ['EMPLOYEE'], 'no roles in the file: the type\'s own');
  assert.equal(byName['ravi.kumar'].emailId, 'ravi@gp.example.in');
  assert.equal(byName['meena.k'].mobileNumber, null);
  for (const u of found.body.user) {
    assert.equal(u.type, 'EMPLOYEE');
    assert.equal(u.defaultPwdChgd, false);
  }

  // One outbox row each: SMS to a phone, email where there is no phone; the credential sealed, never plain.
  const outbox = await rows(app, `SELECT o.channel, o.recipient, o.kind, o.state, o.credential, o.link_code, u.user_name
    FROM outbox o JOIN users u ON u.id = o.user_id ORDER BY u.upload_row`);
  assert.deepEqual(outbox.map((o) => [o.user_name, o.channel, o.recipient, o.kind, o.state]), [
    ['9876543210', 'sms', '9876543210', 'welcome', 'pending'],
    ['ravi.kumar', 'sms', '9876543211', 'welcome', 'pending'],
    ['meena.k', 'email', 'meena@gp.example.in', 'welcome', 'pending'],
  ]);
  const stored = await rows(app, "SELECT otp_hash, password_hash FROM users WHERE upload_id IS NOT NULL");
  for (const o of outbox) assert.match(o.link_code, /^[A-HJ-NP-Za-km-z2-9]{10}$/);
  const passwords = await Promise.all(outbox.map((o) => oneTimePassword(app, o.user_name)));
  assert.equal(passwords[2], 'Given-Pass-2026', 'a password from the file is the one-time password');
  for (const p of passwords.slice(0, 2)) assert.match(p, /^[A-HJ-NP-Za-km-z2-9]{12}$/, 'no look-alikes (0 O 1 l I)');
  for (const o of outbox) for (const p of passwords) assert.ok(!o.credential.includes(p));
  for (const u of stored) {
    assert.match(u.otp_hash, /^[0-9a-f]{64}$/);
    assert.equal(u.password_hash, null);
    for (const p of passwords) assert.ok(!u.otp_hash.includes(p));
  }

  // Each logs in with their one-time password; then chooses their own, and the one-time one stops working.
  const first = await login(app, 'ravi.kumar', passwords[1]);
  assert.equal(first.status, 200, first.raw);
  assert.equal(first.body.UserRequest.defaultPwdChgd, false);
  assert.equal((await login(app, 'ravi.kumar', 'not-the-password')).status, 400);
  const changed = await post(app, '/user/password/_update',
    { existingPassword: passwords[1], newPassword: 'my own tea garden', tenantId: 'pb.demo', type: 'EMPLOYEE' },
    first.body.access_token);
  assert.equal(changed.status, 200, changed.raw);
  const own = await login(app, 'ravi.kumar', 'my own tea garden');
  assert.equal(own.status, 200, own.raw);
  assert.equal(own.body.UserRequest.defaultPwdChgd, true);
  assertError(await login(app, 'ravi.kumar', passwords[1]), 400, 'InvalidCredentials', 'the used one-time password');
  const [after] = await rows(app, "SELECT otp_hash, password_hash LIKE '$argon2id$%' AS argon FROM users WHERE user_name = 'ravi.kumar'");
  assert.deepEqual(after, { otp_hash: null, argon: 1 });
  assert.equal((await login(app, '9876543210', passwords[0])).status, 200, 'a phone is the login id when userName is blank');
  assert.equal((await login(app, 'meena.k', passwords[2])).status, 200);

  // The status route answers the same, and the tenant's list shows the upload.
  const again = await get(app, `/v1/upload/status/${s.processId}`, tokens.gpDemo);
  assert.equal(again.status, 200);
  assert.deepEqual(again.body.successResult.map((x) => x.uuid), s.successResult.map((x) => x.uuid));
  const list = await get(app, '/v1/uploads?tenantId=pb.demo', tokens.gpDemo);
  assert.equal(list.status, 200, list.raw);
  assert.deepEqual(list.body.uploads.map((u) => u.processId), [s.processId]);
  assert.equal(list.body.total, 1);
});

test('a file with one bad row creates nothing and is recorded as FAILED with every issue', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const before = await created(app);
  const bad = sheet([
    ['Asha', 'Devi', '9876543210', '', '', '', ''],
    ['Ravi', 'Kumar', '12345', '', '', '', ''],
    ['Meena', '', '9876543212', '', '', '', 'NO_SUCH_ROLE'],
  ]);
  const r = await upload(app, tokens.gpDemo, bad, { locale: 'hi_IN' });
  assert.equal(r.status, 422, r.raw);
  assert.equal(r.body.status, 'FAILED');
  assert.deepEqual(r.body.counts, { rows: 3, created: 0, failed: 2 });
  assert.deepEqual(r.body.failureResult.map((i) => [i.row, i.line, i.column, i.code]),
    [[2, 3, 'phone', 'invalid_phone'], [3, 4, 'roles', 'unknown_value']]);
  assert.match(r.body.failureResult[0].message, /मोबाइल/, 'messages in the language asked for');
  assert.deepEqual(r.body.successResult, []);
  assert.deepEqual(await created(app), before, 'nothing was created');
  const [rec] = await rows(app, 'SELECT status, idempotency_key FROM uploads');
  assert.deepEqual(rec, { status: 'FAILED', idempotency_key: null });
});

test('a common password in a cell fails the upload there, breach-list ones too (which the page\'s validator does not know)', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const before = await created(app);
  const r = await upload(app, tokens.gpDemo, sheet([
    ['Asha', 'Devi', '9876543210', '', '', 'Chocolate@99', ''],
    ['Ravi', 'Kumar', '9876543211', '', '', 'Welcome@2026', ''],
    ['Meena', '', '9876543212', '', '', 'Given-Pass-2026', ''],
  ]));
  assert.equal(r.status, 422, r.raw);
  assert.deepEqual(r.body.failureResult.filter((i) => i.code === 'common_password').map((i) => [i.row, i.line, i.column]),
    [[1, 2, 'password'], [2, 3, 'password']]);
  assert.deepEqual(await created(app), before, 'nothing was created');
});

test('a person who already exists in the tenant fails the whole upload, naming row and column', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const one = await upload(app, tokens.gpDemo, sheet([['Asha', 'Devi', '9876543210', 'asha@x.in', '', '', '']]));
  assert.equal(one.status, 200, one.raw);
  const api = await post(app, '/user/users/_createnovalidate', { user: { tenantId: 'pb.demo', type: 'EMPLOYEE', name: 'Api Made',
    userName: 'api.made', mobileNumber: '9876543299', roles: [{ code: 'EMPLOYEE' }] } }, tokens.gpDemo);
  assert.equal(api.status, 200, api.raw);
  const before = await created(app);
  const clash = sheet([
    ['Ravi', 'Kumar', '9876543211', '', '', '', ''],
    ['Asha', 'Again', '+91 98765 43210', '', '', '', ''], // the same phone, spelled otherwise
    ['Clerk', 'Two', '9876543213', 'ASHA@x.in', '', '', ''], // the same email in another case
    ['Clerk', 'Three', '9876543214', '', 'Clerk.Demo', '', ''], // an API-made user's userName
    ['Api', 'Made', '9876543299', '', '', '', ''], // an API-made user's mobile number
  ]);
  const r = await upload(app, tokens.gpDemo, clash);
  assert.equal(r.status, 422, r.raw);
  assert.deepEqual(r.body.failureResult.map((i) => [i.row, i.line, i.column, i.code, i.value]), [
    [2, 3, 'phone', 'already_exists', '9876543210'],
    [3, 4, 'email', 'already_exists', 'ASHA@x.in'],
    [4, 5, 'userName', 'already_exists', 'Clerk.Demo'],
    [5, 6, 'phone', 'already_exists', '9876543299'],
  ]);
  assert.match(r.body.failureResult[0].message, /already has this value/);
  assert.deepEqual(r.body.counts, { rows: 5, created: 0, failed: 4 });
  assert.deepEqual(await created(app), before, 'nothing was created');
  // The same people as CITIZENs are other users (DIGIT keeps user types apart).
  const citizens = await upload(app, tokens.gpDemo, sheet([['Asha', 'Devi', '9876543210', '', '', '', 'CITIZEN']]), { userType: 'CITIZEN' });
  assert.equal(citizens.status, 200, citizens.raw);
});

test('the same upload twice is one; the same key with other bytes is refused', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const a = await upload(app, tokens.gpDemo, THREE);
  assert.equal(a.status, 200, a.raw);
  const before = await created(app);
  const b = await upload(app, tokens.gpDemo, THREE);
  assert.equal(b.status, 200, b.raw);
  assert.equal(b.body.processId, a.body.processId, 'the default key is the file and its target');
  assert.deepEqual(await created(app), before);

  const keyed = await upload(app, tokens.gpDemo, sheet([['Gita', '', '9876543220', '', '', '', '']]), { key: 'batch-7' });
  assert.equal(keyed.status, 200, keyed.raw);
  const again = await upload(app, tokens.gpDemo, sheet([['Gita', '', '9876543220', '', '', '', '']]), { key: 'batch-7' });
  assert.equal(again.body.processId, keyed.body.processId);
  const mid = await created(app);
  const other = await upload(app, tokens.gpDemo, sheet([['Hari', '', '9876543221', '', '', '', '']]), { key: 'batch-7' });
  assertError(other, 409, 'IdempotencyKeyReused');
  assert.deepEqual(await created(app), mid);
  assertError(await upload(app, tokens.gpDemo, THREE, { key: 'bad key with spaces' }), 400, 'InvalidIdempotencyKey');
  // Five identical uploads at once: one upload, its users once.
  const same = sheet([['Isha', '', '9876543230', '', '', '', ''], ['Jai', '', '9876543231', '', '', '', '']]);
  const five = await Promise.all([1, 2, 3, 4, 5].map(() => upload(app, tokens.gpDemo, same)));
  assert.deepEqual(five.map((x) => x.status), [200, 200, 200, 200, 200], five.map((x) => x.raw.slice(0, 200)).join('\n'));
  assert.equal(new Set(five.map((x) => x.body.processId)).size, 1);
  assert.equal((await rows(app, "SELECT count(*) AS n FROM users WHERE mobile_number IN ('9876543230', '9876543231')"))[0].n, 2);
});

test('two overlapping uploads at the same moment: one COMPLETED, the other FAILED naming the clash, nothing partial', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo', 'state']);
  for (let round = 0; round < 3; round++) {
    const shared = `98765432${40 + round}`;
    const a = sheet([[`A${'x'.repeat(round)}`, '', `98765433${10 + round}`, '', '', '', ''], ['Shared', 'Person', shared, '', '', '', '']]);
    const b = sheet([['Shared', 'Person', shared, '', '', '', ''], [`B${'x'.repeat(round)}`, '', `98765433${50 + round}`, '', '', '', '']]);
    const [ra, rb] = await Promise.all([upload(app, tokens.gpDemo, a), upload(app, tokens.state, b)]);
    const statuses = [ra.status, rb.status].sort();
    assert.deepEqual(statuses, [200, 422], `${ra.raw.slice(0, 300)}\n${rb.raw.slice(0, 300)}`);
    const failed = ra.status === 422 ? ra : rb;
    const clash = failed.body.failureResult.find((i) => i.code === 'already_exists');
    assert.equal(clash?.column, 'phone', failed.raw);
    assert.equal(clash.value, shared);
    assert.equal(clash.row, failed === ra ? 2 : 1);
    const people = await rows(app, `SELECT count(*) AS n FROM users WHERE mobile_number = '${shared}'`);
    assert.equal(people[0].n, 1, 'the shared person exists once');
    const orphans = await rows(app, `SELECT count(*) AS n FROM users WHERE upload_id = '${failed.body.processId}'`);
    assert.equal(orphans[0].n, 0, 'the failed upload left no one behind');
  }
});

test('another tenant\'s administrator can neither upload into the tenant nor read its uploads; non-admins cannot upload', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo', 'gpOther', 'clerkDemo', 'state', 'sys']);
  const ok = await upload(app, tokens.gpDemo, THREE);
  assert.equal(ok.status, 200, ok.raw);
  const before = await created(app);
  assertError(await upload(app, tokens.gpOther, sheet([['Z', '', '9876543290', '', '', '', '']]), { tenantId: 'pb.demo' }), 403, 'Forbidden');
  assertError(await upload(app, tokens.clerkDemo, sheet([['Z', '', '9876543290', '', '', '', '']])), 403, 'NotAdmin');
  assertError(await get(app, `/v1/upload/status/${ok.body.processId}`, tokens.gpOther), 404, 'UploadNotFound');
  assertError(await get(app, `/v1/upload/status/${ok.body.processId}`, tokens.clerkDemo), 404, 'UploadNotFound');
  assertError(await get(app, '/v1/upload/status/00000000-0000-4000-8000-000000000000', tokens.gpDemo), 404, 'UploadNotFound');
  assertError(await get(app, '/v1/uploads?tenantId=pb.demo', tokens.gpOther), 404, 'TenantNotFound');
  assertError(await get(app, `/v1/upload/status/${ok.body.processId}`), 401, 'Unauthorized');
  assert.deepEqual(await created(app), before);
  // Administrators above the tenant see it.
  assert.equal((await get(app, `/v1/upload/status/${ok.body.processId}`, tokens.state)).status, 200);
  assert.equal((await get(app, `/v1/upload/status/${ok.body.processId}`, tokens.sys)).status, 200);
});

test('a one-time password expires: the login says so in its own code, and the password cannot be changed with it', async (t) => {
  const app = await spawnApp(t, { vars: { ...HELD, ONE_TIME_PASSWORD_SECONDS: '2' } });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const r = await upload(app, tokens.gpDemo, sheet([['Asha', '', '9876543210', '', 'asha.d', '', '']]));
  assert.equal(r.status, 200, r.raw);
  const otp = await oneTimePassword(app, 'asha.d');
  const fresh = await login(app, 'asha.d', otp);
  assert.equal(fresh.status, 200, fresh.raw);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const e = assertError(await login(app, 'asha.d', otp), 400, 'OneTimePasswordExpired', 'expired');
  assert.match(e.message, /expired/);
  assertError(await login(app, 'asha.d', 'wrong-guess-123'), 400, 'InvalidCredentials', 'a wrong one is still just wrong');
  assertError(await post(app, '/user/password/_update', { existingPassword: otp, newPassword: 'my own tea garden' },
    fresh.body.access_token), 400, 'OneTimePasswordExpired');
  const [u] = await rows(app, "SELECT default_pwd_chgd, password_hash FROM users WHERE user_name = 'asha.d'");
  assert.deepEqual(u, { default_pwd_chgd: 0, password_hash: null });
});

test('tenants and upload configuration: the caller\'s subtree, inherited and raised limits, and who may change them', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo', 'state', 'clerkDemo', 'gpOther']);
  const mine = await get(app, '/v1/tenants', tokens.state);
  assert.equal(mine.status, 200, mine.raw);
  assert.deepEqual(mine.body.tenants.map((x) => x.id), ['pb', 'pb.demo', 'pb.other']);
  assert.deepEqual((await get(app, '/v1/tenants', tokens.gpDemo)).body.tenants, [{ id: 'pb.demo', name: 'Demo', parentId: 'pb' }]);
  assertError(await get(app, '/v1/tenants', tokens.clerkDemo), 403, 'NotAdmin');
  assertError(await get(app, '/v1/tenants'), 401, 'Unauthorized');

  const def = await get(app, '/v1/tenant/pb.demo/upload-config', tokens.gpDemo);
  assert.equal(def.status, 200, def.raw);
  assert.equal(def.body.maxRows, 1000);
  assert.ok(def.body.roles.includes('GP_ADMIN') && def.body.languages.includes('Hindi'));
  assertError(await get(app, '/v1/tenant/pb.other/upload-config', tokens.gpDemo), 404, 'TenantNotFound');
  assertError(await get(app, '/v1/tenant/nope/upload-config', tokens.state), 404, 'TenantNotFound');

  const put = (tok, tenant, body) => app.fetch(`/v1/tenant/${tenant}/upload-config`, {
    method: 'PUT', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, body: await res.json() }));
  const raised = await put(tokens.state, 'pb', { maxRows: 2, roles: ['EMPLOYEE', 'Pump Operator'] });
  assert.equal(raised.status, 200, JSON.stringify(raised.body));
  const inherited = await get(app, '/v1/tenant/pb.demo/upload-config', tokens.gpDemo);
  assert.equal(inherited.body.maxRows, 2, 'a sub-tenant inherits its state\'s configuration');
  assert.deepEqual(inherited.body.roles, ['EMPLOYEE', 'Pump Operator']);
  assert.equal((await put(tokens.gpDemo, 'pb.demo', { maxRows: 100001 })).status, 400);
  assert.equal((await put(tokens.gpDemo, 'pb.demo', { roles: ['A,B'] })).status, 400);
  assert.equal((await put(tokens.gpDemo, 'pb.demo', { nonsense: 1 })).status, 400);
  assert.equal((await put(tokens.gpOther, 'pb.demo', { maxRows: 5 })).status, 404);
  assert.equal((await put(tokens.clerkDemo, 'pb.demo', { maxRows: 5 })).status, 403);

  // The Worker validates with it: three rows are too many, and a role outside the list is unknown.
  const r = await upload(app, tokens.gpDemo, sheet([
    ['A', '', '9876543210', '', '', '', 'pump operator'], ['B', '', '9876543211', '', '', '', 'GP_ADMIN'], ['C', '', '9876543212', '', '', '', ''],
  ]));
  assert.equal(r.status, 422, r.raw);
  assert.deepEqual(r.body.failureResult.map((i) => [i.row, i.column, i.code]), [[null, null, 'too_many_rows'], [2, 'roles', 'unknown_value']]);
  const two = await upload(app, tokens.gpDemo, sheet([['A', '', '9876543210', '', '', '', 'pump operator'], ['B', '', '9876543211', '', '', '', '']]));
  assert.equal(two.status, 200, two.raw);
  const [role] = await rows(app, "SELECT r.code FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.user_name = '9876543210'");
  assert.equal(role.code, 'PUMP OPERATOR');
});

test('an upload says how many rows the page left out of the file: kept on the record, 0 when not said, a bad count refused', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const one = sheet([['Asha', 'Devi', '9876543210', '', '', '', '']]);
  const r = await upload(app, tokens.gpDemo, one, { fileName: 'fixed on the page.csv', extra: [['leftOut', '2']] });
  assert.equal(r.status, 200, r.raw);
  assert.equal(r.body.leftOut, 2);
  assert.deepEqual(r.body.counts, { rows: 1, created: 1, failed: 0 }, 'the rows sent are the upload\'s rows');
  const [record] = await rows(app, 'SELECT left_out FROM uploads');
  assert.equal(record.left_out, 2);
  const list = await get(app, '/v1/uploads?tenantId=pb.demo', tokens.gpDemo);
  assert.equal(list.body.uploads[0].leftOut, 2);
  const status = await get(app, `/v1/upload/status/${r.body.processId}`, tokens.gpDemo);
  assert.equal(status.body.leftOut, 2);
  const [audit] = await rows(app, "SELECT detail FROM audit_log WHERE action = 'upload'");
  assert.equal(JSON.parse(audit.detail).leftOut, 2);

  const plain = await upload(app, tokens.gpDemo, sheet([['Ravi', 'Kumar', '9876543211', '', '', '', '']]));
  assert.equal(plain.status, 200, plain.raw);
  assert.equal(plain.body.leftOut, 0, 'not said: none');
  for (const bad of ['-1', 'two', '1000001', '1.5']) {
    const refused = await upload(app, tokens.gpDemo, one, { extra: [['leftOut', bad]] });
    assertError(refused, 400, 'InvalidField', `leftOut ${bad}`);
  }
  assert.equal((await rows(app, 'SELECT COUNT(*) AS n FROM uploads'))[0].n, 2, 'a refused request records nothing');
});

test('an upload made from the administrator\'s own file keeps that file\'s name and SHA-256 beside those of what was sent; half of it, or a bad hash, is refused', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const hash = 'AB'.repeat(32);
  const one = sheet([['Asha', 'Devi', '9876543210', '', '', '', '']]);
  const r = await upload(app, tokens.gpDemo, one, {
    fileName: 'Staff list.csv', extra: [['originalFileName', 'C:\\Users\\bdo\\Staff list.xlsx'], ['originalSha256', hash]],
  });
  assert.equal(r.status, 200, r.raw);
  const original = { fileName: 'Staff list.xlsx', sha256: hash.toLowerCase() };
  assert.deepEqual(r.body.original, original, 'its name without the path, its hash in lowercase');
  assert.equal(r.body.fileName, 'Staff list.csv');
  assert.equal(r.body.sha256, createHash('sha256').update(one).digest('hex'), 'the hash of what was sent, by the Worker');
  const list = await get(app, '/v1/uploads?tenantId=pb.demo', tokens.gpDemo);
  assert.deepEqual(list.body.uploads[0].original, original);
  const [audit] = await rows(app, "SELECT detail FROM audit_log WHERE action = 'upload'");
  assert.equal(JSON.parse(audit.detail).originalFileName, 'Staff list.xlsx');

  const plain = await upload(app, tokens.gpDemo, sheet([['Ravi', 'Kumar', '9876543211', '', '', '', '']]));
  assert.equal(plain.status, 200, plain.raw);
  assert.equal(plain.body.original, null, 'the file itself was sent');
  const other = sheet([['Meena', 'Singh', '9876543212', '', '', '', '']]);
  for (const [extra, why] of [
    [[['originalFileName', 'Staff list.xlsx']], 'a name without its hash'],
    [[['originalSha256', hash]], 'a hash without its name'],
    [[['originalFileName', 'Staff list.xlsx'], ['originalSha256', 'ab'.repeat(31)]], 'a hash too short'],
    [[['originalFileName', 'Staff list.xlsx'], ['originalSha256', 'zz'.repeat(32)]], 'not hexadecimal'],
  ]) {
    assertError(await upload(app, tokens.gpDemo, other, { extra }), 400, 'InvalidField', why);
  }
  assert.equal((await rows(app, 'SELECT COUNT(*) AS n FROM uploads'))[0].n, 2, 'a refused request records nothing');
  assert.equal((await rows(app, "SELECT COUNT(*) AS n FROM users WHERE mobile_number = '9876543212'"))[0].n, 0);
});

test('an upload says the row numbers of the administrator\'s own file (fileRows): its result names them, created or failed; a wrong count or form is refused', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const three = sheet([['Asha', 'Devi', '9876543210', '', '', '', ''], ['Ravi', 'Kumar', '9876543211', '', '', '', ''],
    ['Meena', 'Singh', '9876543212', '', '', '', '']]);
  const r = await upload(app, tokens.gpDemo, three, { extra: [['fileRows', '4-5, 9']] });
  assert.equal(r.status, 200, r.raw);
  assert.deepEqual(r.body.successResult.map((s) => [s.row, s.fileRow]), [[1, 4], [2, 5], [3, 9]]);
  const [record] = await rows(app, 'SELECT file_rows FROM uploads');
  assert.equal(record.file_rows, '4-5,9');

  const bad = sheet([['Kumar', 'Yadav', '9876543213', '', '', '', ''], ['Sita', 'Rani', '98765', '', '', '', '']]);
  const failed = await upload(app, tokens.gpDemo, bad, { extra: [['fileRows', '11-12']] });
  assert.equal(failed.status, 422, failed.raw);
  assert.deepEqual(failed.body.failureResult.map((i) => [i.row, i.fileRow, i.column]), [[2, 12, 'phone']]);
  const again = await get(app, `/v1/upload/status/${failed.body.processId}`, tokens.gpDemo);
  assert.equal(again.body.failureResult[0].fileRow, 12, 'kept on the record');

  const plain = await upload(app, tokens.gpDemo, sheet([['Kumar', 'Yadav', '9876543213', '', '', '', '']]));
  assert.equal(plain.status, 200, plain.raw);
  assert.deepEqual(plain.body.successResult.map((s) => [s.row, 'fileRow' in s]), [[1, false]], 'not said: none');

  const other = sheet([['Gita', 'Devi', '9876543214', '', '', '', ''], ['Hari', 'Lal', '9876543215', '', '', '', '']]);
  for (const [value, why] of [['3', 'one number for two rows'], ['3-5', 'three for two'], ['0-1', 'no row 0'],
    ['5-4', 'a range backwards'], ['a,b', 'not numbers'], ['1-99999999', 'too many'], ['', 'nothing'], ['1--2', 'a broken range']]) {
    assertError(await upload(app, tokens.gpDemo, other, { extra: [['fileRows', value]] }), 400, 'InvalidField', why);
  }
  assert.equal((await rows(app, 'SELECT COUNT(*) AS n FROM uploads'))[0].n, 3, 'a refused request records nothing');
  assert.equal((await rows(app, "SELECT COUNT(*) AS n FROM users WHERE mobile_number = '9876543214'"))[0].n, 0);
});
