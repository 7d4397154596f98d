// The user routes as an administrator and as a user: create one, create up to 100 all or nothing, search
// with every filter, update by an administrator (roles replaced, unlock), and one's own profile.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnApp } from '../helpers.mjs';
import { USERS, assertError, assertUnchanged, login, newUser, post, rows, seedWorld, snapshot } from './support.mjs';

const CREATE = '/user/users/_createnovalidate';
const BULK = '/user/users/v110/_create';
const SEARCH = '/user/_search';
const UPDATE = '/user/users/_updatenovalidate';
const PROFILE = '/user/profile/_update';

test('an administrator creates a user with every DIGIT field; the answer masks Aadhaar and holds no password; the user can log in', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const user = {
    tenantId: 'pb.demo', type: 'EMPLOYEE', userName: 'ravi.k', name: 'Ravi Kumar', salutation: 'Mr.',
    mobileNumber: '+91 98765-43210', emailId: 'ravi@example.org', gender: 'male', dob: '01/02/1980',
    aadhaarNumber: '123412341234', pan: 'ABCDE1234F', bloodGroup: 'O+', altContactNumber: '09876543211',
    fatherOrHusbandName: 'Mohan Kumar', permanentAddress: '12 Mall Road', permanentCity: 'Amritsar',
    permanentPinCode: '143001', correspondenceAddress: 'PO Box 7', correspondenceCity: 'Amritsar',
    correspondencePinCode: '143002', locale: 'hi_IN', password: 'a good long password',
    roles: [{ code: 'gp_admin', name: 'GP Admin' }, { code: 'EMPLOYEE', tenantId: 'pb.demo' }],
  };
  const r = await post(app, CREATE, { RequestInfo: { authToken: tokens.gpDemo }, user });
  assert.equal(r.status, 200, r.raw);
  const [u] = r.body.user;
  assert.equal(r.body.user.length, 1);
  assert.match(u.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(u.mobileNumber, '9876543210');
  assert.equal(u.altContactNumber, '09876543211', 'DIGIT keeps the alternate contact number as text');
  assert.equal(u.gender, 'MALE');
  assert.equal(u.aadhaarNumber, 'XXXXXXXX1234');
  assert.equal(u.locale, 'hi_IN');
  assert.equal(u.active, true);
  assert.equal(u.accountLocked, false);
  assert.equal(u.defaultPwdChgd, false);
  assert.equal(u.createdBy, USERS.gpDemo.uuid);
  // DIGIT's dd-MM-yyyy HH:mm:ss (UTC), within a minute of now.
  const [, dd, mm, yyyy, hh, mi, ss] = u.createdDate.match(/^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/) ?? [];
  assert.ok(Math.abs(Date.UTC(yyyy, mm - 1, dd, hh, mi, ss) - Date.now()) < 60_000, `createdDate ${u.createdDate}`);
  assert.equal(u.lastModifiedDate, u.createdDate);
  assert.deepEqual(u.roles, [
    { code: 'EMPLOYEE', name: 'EMPLOYEE', tenantId: 'pb.demo' },
    { code: 'GP_ADMIN', name: 'GP Admin', tenantId: 'pb.demo' },
  ], 'roles come back in code order');
  assert.ok(!('password' in u) && !r.raw.includes('a good long password') && !r.raw.includes('$argon2'));
  const [row] = await rows(app, "SELECT password_hash, aadhaar_number FROM users WHERE user_name = 'ravi.k'");
  assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.equal(row.aadhaar_number, '123412341234');
  const l = await login(app, 'ravi.k', 'a good long password');
  assert.equal(l.status, 200, l.raw);
  assert.equal(l.body.UserRequest.uuid, u.uuid);
});

test('a CITIZEN gets its mobile number as userName and the CITIZEN role when none is given', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const r = await post(app, CREATE, { user: { tenantId: 'pb.demo', type: 'CITIZEN', name: 'Meena', mobileNumber: '7012345678' } },
    tokens.gpDemo);
  assert.equal(r.status, 200, r.raw);
  assert.equal(r.body.user[0].userName, '7012345678');
  assert.deepEqual(r.body.user[0].roles, [{ code: 'CITIZEN', name: 'Citizen', tenantId: 'pb.demo' }]);
});

test('each invalid create is refused with the field named and changes nothing', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['state']);
  const before = await snapshot(app);
  const cases = [
    ['no user', {}, 400, 'InvalidUserCreateException', 'user: required'],
    ['no name', { user: newUser('asha.d', 'pb.demo', { name: '' }) }, 400, 'InvalidUserCreateException', 'user.name: required'],
    ['no userName for an EMPLOYEE', { user: newUser('') }, 400, 'InvalidUserCreateException', 'user.userName: required'],
    ['no type', { user: newUser('asha.d', 'pb.demo', { type: null }) }, 400, 'InvalidUserCreateException', 'user.type: required'],
    ['no roles for an EMPLOYEE', { user: newUser('asha.d', 'pb.demo', { roles: [] }) }, 400, 'InvalidUserCreateException', 'user.roles: at least one role'],
    ['a CITIZEN without a mobile number', { user: newUser('asha.d', 'pb.demo', { type: 'CITIZEN' }) }, 400, 'InvalidUserCreateException', 'user.mobileNumber: required for a CITIZEN'],
    ['a bad mobile number', { user: newUser('asha.d', 'pb.demo', { mobileNumber: '12345' }) }, 400, 'INVALID_MOBILE_NUMBER', 'user.mobileNumber: '],
    ['a common password', { user: newUser('asha.d', 'pb.demo', { password: 'password' }) }, 400, 'INVALID_PWD_PATTERN', 'user.password: '],
    ...['Password1!', 'Qwerty@123', 'Welcome@2026', 'Chocolate@99'].map((password) =>
      [`a common password with digits and symbols (${password})`, { user: newUser('asha.d', 'pb.demo', { password }) }, 400, 'INVALID_PWD_PATTERN', 'user.password: ']),
    ['a date of birth in the future', { user: newUser('asha.d', 'pb.demo', { dob: '01/01/2999' }) }, 400, 'InvalidField', 'user.dob: '],
    ['a tenant that does not exist', { user: newUser('asha.d', 'pb.nowhere') }, 400, 'InvalidTenant', 'user.tenantId: no such tenant'],
    ['a role in a tenant that does not exist', { user: newUser('asha.d', 'pb.demo', { roles: [{ code: 'EMPLOYEE', tenantId: 'pb.ghost' }] }) }, 400, 'InvalidTenant', 'user.roles'],
    ['a userName taken in that tenant (case-insensitively)', { user: newUser('CLERK.Demo') }, 400, 'DuplicateUserNameException', 'user.userName'],
  ];
  for (const [what, body, status, code, message] of cases) {
    const e = assertError(await post(app, CREATE, body, tokens.state), status, code, what);
    assert.ok(e.message.startsWith(message), `${what}: ${e.message}`);
  }
  await assertUnchanged(app, before, 'refused creates');
  // The same userName is free in another tenant, and for another type.
  assert.equal((await post(app, CREATE, { user: newUser('clerk.demo', 'pb.other') }, tokens.state)).status, 200);
  assert.equal((await post(app, CREATE, { user: newUser('clerk.demo', 'pb.demo', { type: 'CITIZEN', mobileNumber: '9000000001' }) },
    tokens.state)).status, 200);
});

test('four concurrent creates of one userName: exactly one is created, the others get DIGIT\'s DuplicateUserNameException (400), never a 500', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['gpDemo', 'state']);
  const answers = await Promise.all([tokens.gpDemo, tokens.state, tokens.gpDemo, tokens.state].map((tok) =>
    post(app, CREATE, { user: newUser('race.user', 'pb.demo', { password: 'a race for one name' }) }, tok)));
  assert.deepEqual(answers.map((r) => r.status).sort(), [200, 400, 400, 400], answers.map((r) => r.raw.slice(0, 120)).join('\n'));
  for (const r of answers.filter((a) => a.status === 400)) assertError(r, 400, 'DuplicateUserNameException');
  assert.deepEqual(await rows(app, "SELECT count(*) AS n FROM users WHERE user_name = 'race.user'"), [{ n: 1 }]);
});

test('search filters by userName, mobileNumber, emailId, uuid, id, roleCodes, userType and active, and pages from 0', async (t) => {
  const app = await spawnApp(t);
  const { tokens, ids } = await seedWorld(t, app, ['state']);
  const find = async (q) => {
    const r = await post(app, SEARCH, { tenantId: 'pb', ...q }, tokens.state);
    assert.equal(r.status, 200, `${JSON.stringify(q)}: ${r.raw}`);
    return r.body.user.map((u) => u.userName);
  };
  assert.deepEqual(await find({}), ['sysadmin', 'stateadmin', 'gp.demo', 'clerk.demo', '9876500001', 'gp.other',
    'clerk.other', '9876500002', 'sys.other'], 'everyone active under pb, in id order');
  assert.deepEqual(await find({ tenantId: 'pb.other' }), ['gp.other', 'clerk.other', '9876500002', 'sys.other']);
  assert.deepEqual(await find({ userName: 'GP.DEMO' }), ['gp.demo']);
  assert.deepEqual(await find({ mobileNumber: '+91 98765 00002' }), ['9876500002']);
  assert.deepEqual(await find({ uuid: [USERS.clerkDemo.uuid, USERS.clerkOther.uuid] }), ['clerk.demo', 'clerk.other']);
  assert.deepEqual(await find({ id: [ids.gpOther] }), ['gp.other']);
  assert.deepEqual(await find({ roleCodes: ['GP_ADMIN', 'STATE_ADMIN'] }), ['stateadmin', 'gp.demo', 'gp.other']);
  assert.deepEqual(await find({ userType: 'CITIZEN' }), ['9876500001', '9876500002']);
  assert.deepEqual(await find({ userType: 'system' }), ['sysadmin', 'sys.other']);
  assert.deepEqual(await find({ pageSize: 4, pageNumber: 0 }), ['sysadmin', 'stateadmin', 'gp.demo', 'clerk.demo']);
  assert.deepEqual(await find({ pageSize: 4, pageNumber: 2 }), ['sys.other']);
  assert.deepEqual(await find({ pageSize: 4, pageNumber: 3 }), []);
  assert.deepEqual(await find({ userName: 'nobody' }), []);
  await rows(app, "UPDATE users SET active = 0 WHERE user_name = 'clerk.other'");
  assert.ok(!(await find({})).includes('clerk.other'), 'inactive users are left out by default');
  assert.deepEqual(await find({ active: false }), ['clerk.other']);
  assert.deepEqual(await find({ emailId: 'x@example.org' }), []);
  await rows(app, "UPDATE users SET email_id = 'gp@example.org' WHERE user_name = 'gp.other'");
  assert.deepEqual(await find({ emailId: 'GP@example.org' }), ['gp.other']);
  for (const [q, field] of [[{ pageSize: 101 }, 'pageSize'], [{ pageSize: 0 }, 'pageSize'], [{ pageNumber: -1 }, 'pageNumber'],
    [{ userType: 'ADMIN' }, 'userType'], [{ tenantId: '' }, 'tenantId']]) {
    const e = assertError(await post(app, SEARCH, { tenantId: 'pb', ...q }, tokens.state), 400, 'InvalidUserSearchCriteriaException', JSON.stringify(q));
    assert.deepEqual(e.params, [field]);
  }
  assertError(await post(app, SEARCH, { tenantId: 'pb.nowhere' }, tokens.state), 400, 'InvalidTenant', 'unknown tenant');
});

test('an administrator updates a user: profile and mobile change, roles are replaced (not added), an empty role list is refused', async (t) => {
  const app = await spawnApp(t);
  const { tokens, ids } = await seedWorld(t, app, ['gpDemo']);
  const r = await post(app, UPDATE, {
    user: {
      uuid: USERS.clerkDemo.uuid, name: 'Kiran Bedi', emailId: 'kiran@example.org', mobileNumber: '9123456780',
      roles: [{ code: 'COLLECTOR' }, { code: 'GP_ADMIN', name: 'Gram Panchayat admin' }],
      userName: 'renamed', type: 'SYSTEM', tenantId: 'pb.other', password: 'sneaky new password',
    },
  }, tokens.gpDemo);
  assert.equal(r.status, 200, r.raw);
  const [u] = r.body.user;
  assert.equal(u.name, 'Kiran Bedi');
  assert.equal(u.emailId, 'kiran@example.org');
  assert.equal(u.mobileNumber, '9123456780');
  assert.equal(u.lastModifiedBy, USERS.gpDemo.uuid);
  assert.deepEqual(await rows(app, `SELECT code, tenant_id, name FROM user_roles WHERE user_id = ${ids.clerkDemo} ORDER BY code`), [
    { code: 'COLLECTOR', tenant_id: 'pb.demo', name: 'COLLECTOR' },
    { code: 'GP_ADMIN', tenant_id: 'pb.demo', name: 'Gram Panchayat admin' },
  ]);
  const [row] = await rows(app, `SELECT user_name, type, tenant_id FROM users WHERE id = ${ids.clerkDemo}`);
  assert.deepEqual(row, { user_name: 'clerk.demo', type: 'EMPLOYEE', tenant_id: 'pb.demo' }, 'userName, type and tenant stay');
  assert.equal((await login(app, 'clerk.demo')).status, 200, 'the password is not changed by this route');

  const before = await snapshot(app);
  for (const [what, user, code] of [
    ['an empty role list', { id: ids.clerkDemo, roles: [] }, 'InvalidUserUpdateException'],
    ['a bad email', { id: ids.clerkDemo, emailId: 'not an email' }, 'InvalidField'],
    ['a bad mobile number', { id: ids.clerkDemo, mobileNumber: '555' }, 'INVALID_MOBILE_NUMBER'],
    ['neither id nor uuid', { name: 'Nobody' }, 'InvalidUserUpdateException'],
    ['a role in a tenant that does not exist', { id: ids.clerkDemo, roles: [{ code: 'X', tenantId: 'pb.demo.ghost' }] }, 'InvalidTenant'],
  ]) {
    assertError(await post(app, UPDATE, { user }, tokens.gpDemo), 400, code, what);
  }
  assertError(await post(app, UPDATE, { user: { id: 999999, name: 'Ghost' } }, tokens.gpDemo), 400, 'UserNotFoundException');
  await assertUnchanged(app, before, 'refused updates');
});

test('profile update changes one\'s own name and email but ignores userName, type, mobileNumber, password, roles, accountLocked, active and tenantId', async (t) => {
  const app = await spawnApp(t);
  const { tokens, ids } = await seedWorld(t, app, ['citizenDemo']);
  const q = `SELECT u.user_name, u.type, u.tenant_id, u.mobile_number, u.password_hash, u.account_locked, u.active,
      (SELECT group_concat(code) FROM user_roles WHERE user_id = u.id) AS roles FROM users u WHERE id = ${ids.citizenDemo}`;
  const [kept] = await rows(app, q);
  const r = await post(app, PROFILE, {
    user: {
      id: ids.citizenDemo, name: 'Meena Kumari', emailId: 'meena@example.org', gender: 'FEMALE',
      userName: 'hacker', type: 'SYSTEM', tenantId: 'pb.other', mobileNumber: '9999999999',
      password: 'a new long password', roles: [{ code: 'SUPERUSER' }], accountLocked: true, active: false,
    },
  }, tokens.citizenDemo);
  assert.equal(r.status, 200, r.raw);
  assert.equal(r.body.user[0].name, 'Meena Kumari');
  assert.equal(r.body.user[0].emailId, 'meena@example.org');
  assert.equal(r.body.user[0].gender, 'FEMALE');
  assert.deepEqual((await rows(app, q))[0], kept);
  assert.equal((await login(app, '9876500001')).status, 200, 'the old password still works');

  const before = await snapshot(app);
  assertError(await post(app, PROFILE, { user: { id: ids.clerkDemo, name: 'Not Me' } }, tokens.citizenDemo), 400, 'UserProfileUpdateDeniedException',
    'someone else\'s id');
  assertError(await post(app, PROFILE, { user: { uuid: USERS.clerkDemo.uuid, name: 'Not Me' } }, tokens.citizenDemo), 400,
    'UserProfileUpdateDeniedException', 'someone else\'s uuid');
  assertError(await post(app, PROFILE, { user: { name: 'Bad\u0007Name' } }, tokens.citizenDemo), 400, 'InvalidField');
  assertError(await post(app, PROFILE, { user: { name: 'Nobody' } }), 401, 'Unauthorized');
  await assertUnchanged(app, before, 'refused profile updates');
});

/** `n` valid users for a bulk create (no passwords: Argon2id for each would only slow the test). */
function bulkUsers(n, prefix = 'bulk', firstMobile = 9000000000) {
  return Array.from({ length: n }, (_, i) => i % 2
    ? { tenantId: 'pb.demo', type: 'CITIZEN', name: `Citizen ${prefix}`, mobileNumber: String(firstMobile + i) }
    : newUser(`${prefix}.${i}`, i % 4 ? 'pb.demo' : 'pb.other', { roles: [{ code: 'EMPLOYEE' }, { code: 'COLLECTOR' }] }));
}

test('a bulk create of 100 where the 100th is invalid answers 400 naming Users[99] and creates no one', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['state']);
  const before = await snapshot(app);
  const users = bulkUsers(100);
  users[99] = { ...users[99], mobileNumber: 'abc' };
  const e = assertError(await post(app, BULK, { Users: users }, tokens.state), 400, 'INVALID_MOBILE_NUMBER');
  assert.match(e.message, /^Users\[99\]\.mobileNumber: /);
  assert.deepEqual(e.params, ['Users[99].mobileNumber']);
  await assertUnchanged(app, before, 'a refused bulk create');
});

test('a bulk create where one user collides with an existing userName, or with another in the request, creates no one', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['state']);
  const before = await snapshot(app);
  const users = bulkUsers(100);
  users[42] = newUser('GP.Demo');
  const e = assertError(await post(app, BULK, { Users: users }, tokens.state), 400, 'DuplicateUserNameException');
  assert.deepEqual(e.params, ['Users[42].userName']);
  const twice = bulkUsers(100);
  twice[70] = newUser('bulk.4', 'pb.demo');
  twice[4] = newUser('BULK.4', 'pb.demo');
  const e2 = assertError(await post(app, BULK, { Users: twice }, tokens.state), 400, 'DuplicateUserNameException');
  assert.equal(e2.message, 'Users[70].userName: the same as Users[4].userName');
  const ghost = bulkUsers(100);
  ghost[99] = newUser('ghost.role', 'pb.demo', { roles: [{ code: 'EMPLOYEE', tenantId: 'pb.ghost' }] });
  assertError(await post(app, BULK, { Users: ghost }, tokens.state), 400, 'InvalidTenant', 'a role in an unknown tenant');
  const outside = bulkUsers(100);
  outside[99] = newUser('outsider', 'hr');
  assertError(await post(app, BULK, { Users: outside }, tokens.state), 401, 'CustomException', 'a tenant outside the caller\'s');
  await assertUnchanged(app, before, 'refused bulk creates');
});

test('a bulk create refuses 101 users and an empty list', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['state']);
  const before = await snapshot(app);
  for (const users of [bulkUsers(101), []]) {
    const e = assertError(await post(app, BULK, { Users: users }, tokens.state), 400, 'InvalidUserCreateException', `${users.length} users`);
    assert.deepEqual(e.params, ['Users']);
  }
  assertError(await post(app, BULK, {}, tokens.state), 400, 'InvalidUserCreateException', 'no Users');
  await assertUnchanged(app, before, 'refused bulk creates');
});

test('a valid bulk create of 100 creates all of them with their roles, in order, on both bulk paths', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['state']);
  const users = bulkUsers(100);
  users[0].password = 'bulk user password';
  const r = await post(app, BULK, { RequestInfo: { authToken: tokens.state }, Users: users });
  assert.equal(r.status, 200, r.raw.slice(0, 500));
  assert.equal(r.body.user.length, 100);
  r.body.user.forEach((u, i) => {
    assert.equal(u.userName, users[i].userName ?? users[i].mobileNumber, `Users[${i}] in order`);
    assert.deepEqual(u.roles.map((x) => x.code), i % 2 ? ['CITIZEN'] : ['COLLECTOR', 'EMPLOYEE']);
  });
  const [{ n }] = await rows(app, "SELECT count(*) AS n FROM users WHERE created_by = '" + USERS.state.uuid + "'");
  assert.equal(n, 100);
  const [{ roles }] = await rows(app, `SELECT count(*) AS roles FROM user_roles r JOIN users u ON u.id = r.user_id
    WHERE u.created_by = '${USERS.state.uuid}'`);
  assert.equal(roles, 150);
  assert.equal((await login(app, 'bulk.0', 'bulk user password', 'pb.other')).status, 200);
  const legacy = await post(app, '/user/users/_create', { Users: bulkUsers(3, 'legacy', 8000000000) }, tokens.state);
  assert.equal(legacy.status, 200, legacy.raw);
  assert.equal(legacy.body.user.length, 3);
});
