// Conformance with DIGIT's clients: every request here is shaped as DIGIT's clients send it (mGramSeva's app
// and bulk loader, DIGIT's UIs): a RequestInfo with every field they fill, string booleans and numbers,
// blood groups by enum name, free-text locales, roles without a tenantId. Each row expects DIGIT's status
// and `Errors[0].code` (egov-user's refusals are all 400 through its tracer; its gateway answers 401 with
// "You are not authorized to access this resource" for a tenant or an action out of the caller's reach).
// A second test runs a client written for DIGIT 2.9 (any 10-digit mobile) end to end.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnApp } from '../helpers.mjs';
import { USERS, PASSWORD, assertError, login, post, seedWorld } from './support.mjs';

/** RequestInfo as mGramSeva fills it (lib/utils/models.dart), token and userInfo included. */
function requestInfo(token, user = USERS.gpDemo, action = '_create') {
  return {
    apiId: 'mgramseva', ver: '.01', ts: Date.now(), action, did: '1', key: '', msgId: '20170310130900|en_IN',
    authToken: token,
    userInfo: {
      id: 7, uuid: user.uuid, userName: user.userName, name: 'Test', mobileNumber: '9876500000', emailId: null,
      locale: null, type: user.type, tenantId: user.tenantId,
      roles: user.roles.map((code) => ({ name: code, code, tenantId: user.tenantId })),
    },
  };
}

/** A user as mGramSeva's consumer/employee screens and its loader send it. */
function digitUser(n, over = {}) {
  return {
    tenantId: 'pb.demo', type: 'EMPLOYEE', userName: `conf.user${n}`, name: `Ward 7 Pump Operator ${n}`,
    mobileNumber: String(9100000000 + n), gender: 'FEMALE', active: 'true', accountLocked: 'false',
    bloodGroup: 'O_POSITIVE', locale: 'mr_IN_mgramseva', fatherOrHusbandName: 'Ram Singh 2nd',
    aadhaarNumber: 'XXXX-XXXX-1234', altContactNumber: '0172-2741234', permanentCity: 'Patiala',
    roles: [{ code: 'EMPLOYEE', name: 'Employee' }],
    ...over,
  };
}

const ROUTES = {
  create: '/user/users/_createnovalidate',
  bulk: '/user/users/_create',
  search: '/user/_search',
  update: '/user/users/_updatenovalidate',
  profile: '/user/profile/_update',
  password: '/user/password/_update',
};

test('DIGIT clients unchanged: every DIGIT route answers as DIGIT does', async (t) => {
  const app = await spawnApp(t);
  const { tokens, ids } = await seedWorld(t, app, ['sys', 'gpDemo', 'clerkDemo', 'citizenDemo', 'gpOther']);
  const gp = tokens.gpDemo;
  const ri = (who = 'gpDemo', action) => requestInfo(tokens[who], USERS[who], action);
  let n = 0;

  // [what it proves, route, body (token in RequestInfo only), status, code, check(answer)]
  const rows = [
    ['create: string booleans, enum blood group, free locale, a role without tenantId, a name with digits', 'create',
      () => ({ RequestInfo: ri(), user: digitUser(++n) }), 200, null, (r) => {
        const [u] = r.body.user;
        assert.equal(u.active, true);
        assert.equal(u.bloodGroup, 'O+', 'answered as the value');
        assert.equal(u.locale, 'mr_IN_mgramseva');
        assert.equal(u.name, `Ward 7 Pump Operator ${n}`);
        assert.equal(u.altContactNumber, '0172-2741234');
        assert.deepEqual(u.roles.map((x) => [x.code, x.tenantId]), [['EMPLOYEE', 'pb.demo']]);
      }],
    ['create: requestInfo and User in other cases, a number for the mobile number, blood group by value in lower case', 'create',
      () => ({ requestInfo: ri(), User: digitUser(++n, { mobileNumber: 9200000000 + n, bloodGroup: 'ab-', active: true }) }), 200, null,
      (r) => { assert.equal(r.body.user[0].mobileNumber, String(9200000000 + n)); assert.equal(r.body.user[0].bloodGroup, 'AB-'); }],
    ['create: a mobile number outside the rule is INVALID_MOBILE_NUMBER naming the field', 'create',
      () => ({ RequestInfo: ri(), user: digitUser(++n, { mobileNumber: '1234567890' }) }), 400, 'INVALID_MOBILE_NUMBER',
      (e) => assert.deepEqual(e.params, ['user.mobileNumber'])],
    ['create: a short password is INVALID_PWD_LENGTH', 'create',
      () => ({ RequestInfo: ri(), user: digitUser(++n, { password: 'Ab@1' }) }), 400, 'INVALID_PWD_LENGTH'],
    ['create: no name is InvalidUserCreateException', 'create',
      () => ({ RequestInfo: ri(), user: digitUser(++n, { name: '' }) }), 400, 'InvalidUserCreateException',
      (e) => assert.deepEqual(e.params, ['user.name'])],
    ['create: a name with a character of DIGIT\'s refused set is refused, naming it', 'create',
      () => ({ RequestInfo: ri(), user: digitUser(++n, { name: 'Asha <b>' }) }), 400, 'InvalidField',
      (e) => assert.deepEqual(e.params, ['user.name'])],
    ['create: an unknown blood group is refused, naming it', 'create',
      () => ({ RequestInfo: ri(), user: digitUser(++n, { bloodGroup: 'Z+' }) }), 400, 'InvalidField',
      (e) => assert.deepEqual(e.params, ['user.bloodGroup'])],
    ['create: a locale over 16 characters is refused', 'create',
      () => ({ RequestInfo: ri(), user: digitUser(++n, { locale: 'x'.repeat(17) }) }), 400, 'InvalidField'],
    ['create: a boolean that cannot be converted is JsonMappingException naming the field', 'create',
      () => ({ RequestInfo: ri(), user: digitUser(++n, { active: 'yes' }) }), 400, 'JsonMappingException',
      (e) => assert.deepEqual(e.params, ['user.active'])],
    ['create: the same userName again is DuplicateUserNameException (400)', 'create',
      () => ({ RequestInfo: ri(), user: digitUser(1) }), 400, 'DuplicateUserNameException'],
    ['create: a tenant outside the caller\'s is 401 before any field is read', 'create',
      () => ({ RequestInfo: ri(), user: digitUser(++n, { tenantId: 'pb.other', name: '', mobileNumber: 'x' }) }), 401, 'CustomException',
      (e) => assert.equal(e.message, 'You are not authorized to access this resource')],
    ['create: a role in a tenant outside the caller\'s is 401 before the fields', 'create',
      () => ({ RequestInfo: ri(), user: digitUser(++n, { roles: [{ code: 'EMPLOYEE', tenantId: 'pb.other' }], mobileNumber: 'x' }) }), 401, 'CustomException'],
    ['create: an EMPLOYEE without an administrator role is 401, whatever the body', 'create',
      () => ({ RequestInfo: ri('clerkDemo'), user: { name: '$$$' } }), 401, 'CustomException'],
    ['create: a GP_ADMIN may not create SYSTEM users: 401', 'create',
      () => ({ RequestInfo: ri(), user: digitUser(++n, { type: 'SYSTEM' }) }), 401, 'CustomException'],
    ['bulk create (mGramSeva\'s loader): Users with string booleans', 'bulk',
      () => ({ RequestInfo: ri(), Users: [digitUser(++n), digitUser(++n, { active: 1 })] }), 200, null,
      (r) => assert.deepEqual(r.body.user.map((u) => u.active), [true, true])],
    ['search: "active": "true", pageSize and offset as strings, ids as strings', 'search',
      () => ({ RequestInfo: ri('gpDemo', '_search'), tenantId: 'pb.demo', active: 'true', pageSize: '50', offset: '0', userName: 'conf.user1' }), 200, null,
      (r) => assert.deepEqual(r.body.user.map((u) => u.userName), ['conf.user1'])],
    ['search: by id given as strings, pageNumber as a string', 'search',
      () => ({ RequestInfo: ri('gpDemo', '_search'), tenantId: 'pb.demo', id: [String(ids.clerkDemo)], pageNumber: '0' }), 200, null,
      (r) => assert.deepEqual(r.body.user.map((u) => u.id), [ids.clerkDemo])],
    ['search: a pageSize that is no number is JsonMappingException naming it', 'search',
      () => ({ RequestInfo: ri('gpDemo', '_search'), tenantId: 'pb.demo', pageSize: 'ten' }), 400, 'JsonMappingException',
      (e) => assert.deepEqual(e.params, ['pageSize'])],
    ['search: no tenantId is InvalidUserSearchCriteriaException', 'search',
      () => ({ RequestInfo: ri('gpDemo', '_search'), active: true }), 400, 'InvalidUserSearchCriteriaException'],
    ['search: another tenant is 401', 'search',
      () => ({ RequestInfo: ri('gpDemo', '_search'), tenantId: 'pb.other', pageSize: '5' }), 401, 'CustomException'],
    ['update: active and accountLocked as strings, a name with a digit', 'update',
      () => ({ RequestInfo: ri('gpDemo', '_update'), user: { id: String(ids.clerkDemo), name: 'Clerk 2', active: 'true', accountLocked: 'false', bloodGroup: 'b_negative' } }), 200, null,
      (r) => { assert.equal(r.body.user[0].name, 'Clerk 2'); assert.equal(r.body.user[0].bloodGroup, 'B-'); }],
    ['update: a user of another tenant is UserNotFoundException (400), fields unread', 'update',
      () => ({ RequestInfo: ri('gpDemo', '_update'), user: { id: ids.gpOther, name: '$' } }), 400, 'UserNotFoundException'],
    ['update: a role of another tenant is 401 before the fields', 'update',
      () => ({ RequestInfo: ri('gpDemo', '_update'), user: { id: ids.clerkDemo, name: '$', roles: [{ code: 'EMPLOYEE', tenantId: 'pb.other' }] } }), 401, 'CustomException'],
    ['update: no id is InvalidUserUpdateException', 'update',
      () => ({ RequestInfo: ri('gpDemo', '_update'), user: { name: 'X' } }), 400, 'InvalidUserUpdateException'],
    ['profile: a citizen updates their own profile with DIGIT\'s fields', 'profile',
      () => ({ RequestInfo: ri('citizenDemo', '_update'), user: { id: ids.citizenDemo, name: 'Asha 2', locale: 'hi_IN', bloodGroup: 'A_POSITIVE', active: 'true', gender: 'FEMALE' } }), 200, null,
      (r) => assert.equal(r.body.user[0].bloodGroup, 'A+')],
    ['profile: someone else\'s profile is UserProfileUpdateDeniedException', 'profile',
      () => ({ RequestInfo: ri('citizenDemo', '_update'), user: { id: ids.clerkDemo, name: 'X' } }), 400, 'UserProfileUpdateDeniedException'],
    ['password: a wrong existing password is PasswordMismatchException', 'password',
      () => ({ RequestInfo: ri('clerkDemo', '_update'), existingPassword: 'not-the-password', newPassword: 'Another-pass-77', tenantId: 'pb.demo', type: 'EMPLOYEE', userName: USERS.clerkDemo.userName }), 400, 'PasswordMismatchException'],
    ['password: a short new password is INVALID_PWD_LENGTH', 'password',
      () => ({ RequestInfo: ri('clerkDemo', '_update'), existingPassword: PASSWORD, newPassword: 'Ab@1', tenantId: 'pb.demo', type: 'EMPLOYEE' }), 400, 'INVALID_PWD_LENGTH'],
  ];
  for (const [what, route, body, status, code, check] of rows) {
    await t.test(what, async () => {
      const r = await post(app, ROUTES[route], body());
      if (status >= 400) {
        const e = assertError(r, status, code, what);
        await check?.(e);
      } else {
        assert.equal(r.status, status, `${what}: ${r.raw.slice(0, 500)}`);
        await check?.(r);
      }
    });
  }
  void gp;

  await t.test('token: DIGIT\'s error and error_description, which its UIs match on', async () => {
    const bad = await login(app, USERS.clerkDemo.userName, 'wrong-password', 'pb.demo', { userType: 'EMPLOYEE' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'invalid_request');
    assert.equal(bad.body.error_description, 'Invalid login credentials');
    for (let i = 0; i < 4; i++) await login(app, USERS.clerkDemo.userName, 'wrong-password', 'pb.demo');
    const locked = await login(app, USERS.clerkDemo.userName, PASSWORD, 'pb.demo');
    assert.equal(locked.body.error, 'invalid_request');
    assert.equal(locked.body.error_description, 'Account locked');
  });

  await t.test('a SUPERUSER EMPLOYEE may create SYSTEM users; a GP_ADMIN may not (above)', async () => {
    const made = await post(app, ROUTES.create, { RequestInfo: requestInfo(tokens.sys, USERS.sys), user: digitUser(++n, { userName: 'super.emp', password: 'Super-user-pass-1', roles: [{ code: 'SUPERUSER' }] }) });
    assert.equal(made.status, 200, made.raw);
    const tok = (await login(app, 'super.emp', 'Super-user-pass-1', 'pb.demo')).body.access_token;
    assert.ok(tok);
    const sys = await post(app, ROUTES.create, { RequestInfo: { authToken: tok }, user: digitUser(++n, { type: 'SYSTEM' }) });
    assert.equal(sys.status, 200, sys.raw);
    assert.equal(sys.body.user[0].type, 'SYSTEM');
  });
});

test('a client written for DIGIT 2.9 (any 10-digit mobile) creates, finds, logs in, updates and changes a password', async (t) => {
  const app = await spawnApp(t, { vars: { MOBILE_FIRST_DIGITS: '0123456789' } });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const ri = (action) => requestInfo(tokens.gpDemo, USERS.gpDemo, action);
  const created = await post(app, ROUTES.create, { RequestInfo: ri('_create'), user: {
    tenantId: 'pb.demo', type: 'CITIZEN', name: 'Old Client', mobileNumber: '1234567890', userName: '1234567890',
    password: 'Citizen-pass-29', active: 'true', roles: [{ code: 'CITIZEN', name: 'Citizen' }],
  } });
  assert.equal(created.status, 200, created.raw);
  const found = await post(app, ROUTES.search, { RequestInfo: ri('_search'), tenantId: 'pb.demo', mobileNumber: '1234567890', active: 'true' });
  assert.equal(found.status, 200, found.raw);
  assert.deepEqual(found.body.user.map((u) => u.mobileNumber), ['1234567890']);
  const logged = await login(app, '1234567890', 'Citizen-pass-29', 'pb.demo', { userType: 'CITIZEN' });
  assert.equal(logged.status, 200, logged.raw);
  const me = logged.body.UserRequest;
  const tok = logged.body.access_token;
  const updated = await post(app, ROUTES.profile, { RequestInfo: { ...requestInfo(tok, { ...USERS.citizenDemo, userName: '1234567890' }, '_update') }, user: { ...me, name: 'Old Client 2', active: 'true' } });
  assert.equal(updated.status, 200, updated.raw);
  assert.equal(updated.body.user[0].name, 'Old Client 2');
  const changed = await post(app, ROUTES.password, { RequestInfo: { authToken: tok }, existingPassword: 'Citizen-pass-29', newPassword: 'Citizen-pass-30', tenantId: 'pb.demo', type: 'CITIZEN', userName: '1234567890' });
  assert.equal(changed.status, 200, changed.raw);
  assert.equal((await login(app, '1234567890', 'Citizen-pass-30', 'pb.demo')).status, 200);
  // The upload configuration carries the same rule for the page.
  const cfg = await (await app.fetch('/v1/tenant/pb.demo/upload-config', { headers: { authorization: `Bearer ${tokens.gpDemo}` } })).json();
  assert.deepEqual([cfg.mobileDigits, cfg.mobileFirstDigits], [10, '0123456789']);
});
