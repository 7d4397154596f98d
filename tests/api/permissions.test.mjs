// Who may do what to whom, across two tenants (pb.demo and pb.other under the state pb; pbx beside it) and
// every kind of caller: a SYSTEM administrator of pb.demo, a STATE_ADMIN of pb, GP_ADMINs of pb.demo and pb.other, an
// EMPLOYEE without an administrator role, a CITIZEN, a forged token and no token at all, and which role codes
// each administrator may grant (to others only: nobody changes their own roles). Every row asserts
// the status; a refusal also asserts that nothing in D1 changed, a success that the change is there.
// The rows of one table share an app: each creates or changes a different user.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnApp } from '../helpers.mjs';
import { USERS, assertError, newUser, post, rows, seedWorld, snapshot } from './support.mjs';

const FORGED = 'ab'.repeat(32);

/**
 * Runs `rows` as subtests on one app. A row is [description, caller key (or null / 'forged'), request body
 * builder, status, error code (refusals), check(answer) (successes)].
 */
async function table(t, app, tokens, path, rows) {
  let before = null; // the last snapshot, while it is still current
  for (const [what, who, body, status, code, check] of rows) {
    await t.test(what, async () => {
      const tok = who === 'forged' ? FORGED : who && tokens[who];
      if (status >= 400) before ??= await snapshot(app);
      const r = await post(app, path, body(), tok);
      if (status >= 400) {
        const [was, after] = [before, await snapshot(app)];
        before = after; // a row that fails by changing D1 must not fail the rows after it
        assertError(r, status, code, what);
        assert.deepEqual(after, was, `${what}: a refusal changed D1`);
      } else {
        assert.equal(r.status, status, `${what}: ${r.raw.slice(0, 400)}`);
        before = null;
        await check?.(r);
      }
    });
  }
}

const CREATE = '/user/users/_createnovalidate';

test('create: administrators create in their own subtree only, SYSTEM users only by SYSTEM, nobody else creates', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['sys', 'state', 'gpDemo', 'gpOther', 'clerkDemo', 'citizenDemo']);
  let n = 0;
  const user = (tenantId, over) => () => ({ user: newUser(`perm.user${++n}`, tenantId, over) });
  const citizen = (tenantId) => () => ({ user: { tenantId, type: 'CITIZEN', name: 'Asha', mobileNumber: String(7000000000 + ++n) } });
  const given = (...codes) => codes.map((code) => ({ code }));
  const created = (tenantId, type = 'EMPLOYEE') => async (r) => {
    const [u] = r.body.user;
    assert.equal(u.tenantId, tenantId);
    assert.equal(u.type, type);
    assert.equal((await rows(app, `SELECT count(*) AS c FROM users WHERE uuid = '${u.uuid}'`))[0].c, 1);
  };
  await table(t, app, tokens, CREATE, [
    ['SYSTEM admin of pb.demo creates an EMPLOYEE in pb.demo', 'sys', user('pb.demo'), 200, null, created('pb.demo')],
    ['SYSTEM admin of pb.demo creates a SYSTEM user in pb.demo', 'sys', user('pb.demo', { type: 'SYSTEM' }), 200, null, created('pb.demo', 'SYSTEM')],
    ['SYSTEM admin of pb.demo may not create in the sibling pb.other', 'sys', user('pb.other'), 401, 'CustomException'],
    ['SYSTEM admin of pb.demo may not create in the parent pb', 'sys', user('pb'), 401, 'CustomException'],
    ['STATE_ADMIN of pb creates in pb', 'state', user('pb'), 200, null, created('pb')],
    ['STATE_ADMIN of pb creates in pb.demo', 'state', user('pb.demo'), 200, null, created('pb.demo')],
    ['STATE_ADMIN of pb creates a CITIZEN in pb.other', 'state', citizen('pb.other'), 200, null, created('pb.other', 'CITIZEN')],
    ['STATE_ADMIN (an EMPLOYEE) may not create a SYSTEM user', 'state', user('pb.demo', { type: 'SYSTEM' }), 401, 'CustomException'],
    ['STATE_ADMIN of pb may not create in pbx, whose id merely begins with "pb"', 'state', user('pbx'), 401, 'CustomException'],
    ['GP_ADMIN of pb.demo creates an EMPLOYEE in pb.demo', 'gpDemo', user('pb.demo'), 200, null, created('pb.demo')],
    ['GP_ADMIN of pb.demo creates a CITIZEN in pb.demo', 'gpDemo', citizen('pb.demo'), 200, null, created('pb.demo', 'CITIZEN')],
    ['GP_ADMIN of pb.demo may not create in pb.other', 'gpDemo', user('pb.other'), 401, 'CustomException'],
    ['GP_ADMIN of pb.demo may not create in the parent pb', 'gpDemo', user('pb'), 401, 'CustomException'],
    ['GP_ADMIN of pb.demo may not create a SYSTEM user', 'gpDemo', user('pb.demo', { type: 'SYSTEM' }), 401, 'CustomException'],
    ['GP_ADMIN of pb.demo may not give a role in pb.other', 'gpDemo', user('pb.demo', { roles: [{ code: 'GP_ADMIN', tenantId: 'pb.other' }] }), 401, 'CustomException'],
    ['GP_ADMIN of pb.demo may not give a role in the parent pb', 'gpDemo', user('pb.demo', { roles: [{ code: 'STATE_ADMIN', tenantId: 'pb' }] }), 401, 'CustomException'],
    ['GP_ADMIN of pb.other may not create in pb.demo', 'gpOther', user('pb.demo'), 401, 'CustomException'],
    ['GP_ADMIN of pb.other creates in pb.other', 'gpOther', user('pb.other'), 200, null, created('pb.other')],
    // Role codes: SUPERUSER only by a SUPERUSER at the tenant or above; an administrator role (or any code ending
    // in ADMIN) only by one who holds it, or a higher rank (STATE_ADMIN > DIVISION_ADMIN > GP_ADMIN); any other
    // code by any administrator of the tenant.
    ['SYSTEM admin of pb.demo, a SUPERUSER there, gives SUPERUSER in pb.demo', 'sys', user('pb.demo', { roles: given('SUPERUSER') }), 200, null, created('pb.demo')],
    ['STATE_ADMIN of pb gives GP_ADMIN in pb.demo', 'state', user('pb.demo', { roles: given('GP_ADMIN') }), 200, null, created('pb.demo')],
    ['STATE_ADMIN of pb gives DIVISION_ADMIN in pb.other', 'state', user('pb.other', { roles: given('DIVISION_ADMIN') }), 200, null, created('pb.other')],
    ['STATE_ADMIN of pb gives STATE_ADMIN, the role it holds, in pb', 'state', user('pb', { roles: given('STATE_ADMIN') }), 200, null, created('pb')],
    ['STATE_ADMIN of pb may not give SUPERUSER', 'state', user('pb.demo', { roles: given('SUPERUSER') }), 401, 'CustomException'],
    ['STATE_ADMIN of pb may not give HRMS_ADMIN, an administrator role it does not hold', 'state', user('pb.demo', { roles: given('HRMS_ADMIN') }), 401, 'CustomException'],
    ['GP_ADMIN of pb.demo gives GP_ADMIN, the role it holds, in pb.demo', 'gpDemo', user('pb.demo', { roles: given('GP_ADMIN') }), 200, null, created('pb.demo')],
    ['GP_ADMIN of pb.demo gives an ordinary role (PGR_LME)', 'gpDemo', user('pb.demo', { roles: given('EMPLOYEE', 'PGR_LME') }), 200, null, created('pb.demo')],
    ['GP_ADMIN of pb.demo may not give SUPERUSER', 'gpDemo', user('pb.demo', { roles: given('SUPERUSER') }), 401, 'CustomException'],
    ['GP_ADMIN of pb.demo may not slip "superuser" (lower case) in beside EMPLOYEE', 'gpDemo', user('pb.demo', { roles: given('EMPLOYEE', 'superuser') }), 401, 'CustomException'],
    ['GP_ADMIN of pb.demo may not give STATE_ADMIN, even in its own tenant', 'gpDemo', user('pb.demo', { roles: given('STATE_ADMIN') }), 401, 'CustomException'],
    ['GP_ADMIN of pb.demo may not give DIVISION_ADMIN, a higher rank', 'gpDemo', user('pb.demo', { roles: given('DIVISION_ADMIN') }), 401, 'CustomException'],
    ['GP_ADMIN of pb.demo gives Sunbird\'s ORG_ADMIN, which gives no rights in enrol (only the five administrator roles are guarded)', 'gpDemo', user('pb.demo', { roles: given('ORG_ADMIN') }), 200],
    ['GP_ADMIN of pb.other may not give SUPERUSER in pb.other', 'gpOther', user('pb.other', { roles: given('SUPERUSER') }), 401, 'CustomException'],
    ['an EMPLOYEE without an administrator role may not create, even in its tenant', 'clerkDemo', user('pb.demo'), 401, 'CustomException'],
    ['an EMPLOYEE without an administrator role may not create a CITIZEN', 'clerkDemo', citizen('pb.demo'), 401, 'CustomException'],
    ['a CITIZEN may not create another CITIZEN', 'citizenDemo', citizen('pb.demo'), 401, 'CustomException'],
    ['a CITIZEN may not create an EMPLOYEE', 'citizenDemo', user('pb.demo'), 401, 'CustomException'],
    ['a forged token may not create', 'forged', user('pb.demo'), 401, 'Unauthorized'],
    ['no token may not create', null, user('pb.demo'), 401, 'Unauthorized'],
  ]);
});

const SEARCH = '/user/_search';
const names = (...keys) => keys.map((k) => USERS[k].userName);

test('search: administrators see their own subtree only; everyone else sees only themselves', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app);
  const sees = (...keys) => (r) => assert.deepEqual(r.body.user.map((u) => u.userName), names(...keys));
  const q = (tenantId, more = {}) => () => ({ tenantId, ...more });
  await table(t, app, tokens, SEARCH, [
    ['SYSTEM admin of pb.demo sees everyone of pb.demo', 'sys', q('pb.demo'), 200, null, sees('sys', 'gpDemo', 'clerkDemo', 'citizenDemo')],
    ['SYSTEM admin of pb.demo may not search pb.other', 'sys', q('pb.other'), 401, 'CustomException'],
    ['SYSTEM admin of pb.demo may not search the parent pb', 'sys', q('pb'), 401, 'CustomException'],
    ['STATE_ADMIN of pb sees both tenants and pb itself', 'state', q('pb'), 200, null,
      sees('sys', 'state', 'gpDemo', 'clerkDemo', 'citizenDemo', 'gpOther', 'clerkOther', 'citizenOther', 'sysOther')],
    ['STATE_ADMIN of pb may not search pbx, whose id merely begins with "pb"', 'state', q('pbx'), 401, 'CustomException'],
    ['STATE_ADMIN of pb sees only pb.other when it asks for pb.other', 'state', q('pb.other'), 200, null,
      sees('gpOther', 'clerkOther', 'citizenOther', 'sysOther')],
    ['GP_ADMIN of pb.demo sees pb.demo', 'gpDemo', q('pb.demo'), 200, null, sees('sys', 'gpDemo', 'clerkDemo', 'citizenDemo')],
    ['GP_ADMIN of pb.demo may not search pb.other', 'gpDemo', q('pb.other'), 401, 'CustomException'],
    ['GP_ADMIN of pb.demo may not search the parent pb', 'gpDemo', q('pb'), 401, 'CustomException'],
    ['GP_ADMIN of pb.demo finds nobody of pb.other by uuid', 'gpDemo', q('pb.demo', { uuid: [USERS.clerkOther.uuid] }), 200, null, sees()],
    ['GP_ADMIN of pb.other may not search pb.demo', 'gpOther', q('pb.demo'), 401, 'CustomException'],
    ['an EMPLOYEE without an administrator role sees only itself', 'clerkDemo', q('pb.demo'), 200, null, sees('clerkDemo')],
    ['an EMPLOYEE without an administrator role finds no one else by userName', 'clerkDemo', q('pb.demo', { userName: 'gp.demo' }), 200, null, sees()],
    ['a CITIZEN sees only itself', 'citizenDemo', q('pb.demo'), 200, null, sees('citizenDemo')],
    ['a CITIZEN finds no one else by uuid', 'citizenDemo', q('pb.demo', { uuid: [USERS.clerkDemo.uuid, USERS.sys.uuid] }), 200, null, sees()],
    ['a CITIZEN of pb.other searching pb.demo sees no one', 'citizenOther', q('pb.demo'), 200, null, sees()],
    ['a CITIZEN searching the whole state sees only itself', 'citizenOther', q('pb'), 200, null, sees('citizenOther')],
    ['a forged token may not search', 'forged', q('pb.demo'), 401, 'Unauthorized'],
    ['no token may not search', null, q('pb.demo'), 401, 'Unauthorized'],
  ]);
});

const UPDATE = '/user/users/_updatenovalidate';

test('update: administrators change users of their own subtree only, SYSTEM users only by SYSTEM; others are told "not found"', async (t) => {
  const app = await spawnApp(t);
  const { tokens, ids } = await seedWorld(t, app);
  let n = 0;
  const rename = (target) => () => ({ user: { id: ids[target], name: `Renamed ${'x'.repeat(++n)}` } });
  const renamed = (target) => async (r) => {
    assert.equal(r.body.user[0].uuid, USERS[target].uuid);
    const [row] = await rows(app, `SELECT name FROM users WHERE id = ${ids[target]}`);
    assert.equal(row.name, r.body.user[0].name);
  };
  const give = (target, ...codes) => () => ({ user: { id: ids[target], roles: codes.map((code) => ({ code })) } });
  const holds = (target, ...codes) => async () => {
    const held = await rows(app, `SELECT code FROM user_roles WHERE user_id = ${ids[target]} ORDER BY code`);
    assert.deepEqual(held.map((r) => r.code), codes);
  };
  await table(t, app, tokens, UPDATE, [
    ['SYSTEM admin of pb.demo updates an EMPLOYEE of pb.demo', 'sys', rename('clerkDemo'), 200, null, renamed('clerkDemo')],
    ['SYSTEM admin of pb.demo updates a CITIZEN of pb.demo', 'sys', rename('citizenDemo'), 200, null, renamed('citizenDemo')],
    ['SYSTEM admin of pb.demo may not update a user of pb.other', 'sys', rename('clerkOther'), 400, 'UserNotFoundException'],
    ['SYSTEM admin of pb.demo may not update the SYSTEM user of pb.other', 'sys', rename('sysOther'), 400, 'UserNotFoundException'],
    ['SYSTEM admin of pb.demo may not update the STATE_ADMIN of pb', 'sys', rename('state'), 400, 'UserNotFoundException'],
    ['STATE_ADMIN of pb updates an EMPLOYEE of pb.other', 'state', rename('clerkOther'), 200, null, renamed('clerkOther')],
    ['STATE_ADMIN of pb updates the GP_ADMIN of pb.demo', 'state', rename('gpDemo'), 200, null, renamed('gpDemo')],
    ['STATE_ADMIN (an EMPLOYEE) may not update a SYSTEM user', 'state', rename('sys'), 400, 'UserNotFoundException'],
    ['STATE_ADMIN of pb may not update a user of pbx, whose id merely begins with "pb"', 'state', rename('gpPbx'), 400, 'UserNotFoundException'],
    ['GP_ADMIN of pb.demo updates an EMPLOYEE of pb.demo', 'gpDemo', rename('clerkDemo'), 200, null, renamed('clerkDemo')],
    ['GP_ADMIN of pb.demo updates a CITIZEN of pb.demo by uuid', 'gpDemo',
      () => ({ user: { uuid: USERS.citizenDemo.uuid, name: 'By Uuid' } }), 200, null, renamed('citizenDemo')],
    ['GP_ADMIN of pb.demo may not update an EMPLOYEE of pb.other', 'gpDemo', rename('clerkOther'), 400, 'UserNotFoundException'],
    ['GP_ADMIN of pb.demo may not update a user of pb.other by uuid', 'gpDemo',
      () => ({ user: { uuid: USERS.citizenOther.uuid, name: 'By Uuid' } }), 400, 'UserNotFoundException'],
    ['GP_ADMIN of pb.demo may not update the STATE_ADMIN of the parent pb', 'gpDemo', rename('state'), 400, 'UserNotFoundException'],
    ['GP_ADMIN of pb.demo may not update the SYSTEM admin of its own tenant', 'gpDemo', rename('sys'), 400, 'UserNotFoundException'],
    ['GP_ADMIN of pb.demo may not unlock a user of pb.other', 'gpDemo', () => ({ user: { id: ids.clerkOther, accountLocked: false } }), 400, 'UserNotFoundException'],
    ['GP_ADMIN of pb.demo may not give a role in pb.other', 'gpDemo',
      () => ({ user: { id: ids.clerkDemo, roles: [{ code: 'GP_ADMIN', tenantId: 'pb.other' }] } }), 401, 'CustomException'],
    ['GP_ADMIN of pb.other may not update an EMPLOYEE of pb.demo', 'gpOther', rename('clerkDemo'), 400, 'UserNotFoundException'],
    // Role codes, by the same rule as on create; nobody changes their own roles; and an administrator acts only on
    // users whose every role it could have granted.
    ['GP_ADMIN of pb.demo may not give SUPERUSER to an EMPLOYEE of pb.demo', 'gpDemo', give('clerkDemo', 'EMPLOYEE', 'SUPERUSER'), 401, 'CustomException'],
    ['GP_ADMIN of pb.demo may not give STATE_ADMIN to an EMPLOYEE of pb.demo', 'gpDemo', give('clerkDemo', 'STATE_ADMIN'), 401, 'CustomException'],
    ['GP_ADMIN of pb.demo may not give itself SUPERUSER', 'gpDemo', give('gpDemo', 'GP_ADMIN', 'SUPERUSER'), 401, 'CustomException'],
    ['GP_ADMIN of pb.demo may not change its own roles, even to add EMPLOYEE', 'gpDemo', give('gpDemo', 'GP_ADMIN', 'EMPLOYEE'), 401, 'CustomException'],
    ['STATE_ADMIN of pb may not give SUPERUSER to the GP_ADMIN of pb.demo', 'state', give('gpDemo', 'GP_ADMIN', 'SUPERUSER'), 401, 'CustomException'],
    ['STATE_ADMIN of pb may not change its own roles', 'state', give('state', 'STATE_ADMIN', 'EMPLOYEE'), 401, 'CustomException'],
    ['GP_ADMIN of pb.demo gives an EMPLOYEE of pb.demo the ordinary role PGR_LME', 'gpDemo', give('clerkDemo', 'EMPLOYEE', 'PGR_LME'), 200, null, holds('clerkDemo', 'EMPLOYEE', 'PGR_LME')],
    ['STATE_ADMIN of pb gives DIVISION_ADMIN to the EMPLOYEE of pb.other', 'state', give('clerkOther', 'EMPLOYEE', 'DIVISION_ADMIN'), 200, null, holds('clerkOther', 'DIVISION_ADMIN', 'EMPLOYEE')],
    ['GP_ADMIN of pb.other may no longer update that EMPLOYEE, who holds a role it may not grant', 'gpOther', rename('clerkOther'), 400, 'UserNotFoundException'],
    ['STATE_ADMIN of pb still updates it', 'state', rename('clerkOther'), 200, null, renamed('clerkOther')],
    ['an EMPLOYEE without an administrator role may not update another', 'clerkDemo', rename('citizenDemo'), 401, 'CustomException'],
    ['an EMPLOYEE without an administrator role may not give itself a role here', 'clerkDemo',
      () => ({ user: { id: ids.clerkDemo, roles: [{ code: 'SUPERUSER' }] } }), 401, 'CustomException'],
    ['a CITIZEN may not update another user', 'citizenDemo', rename('clerkDemo'), 401, 'CustomException'],
    ['a CITIZEN may not use the administrators\' route on itself', 'citizenDemo', rename('citizenDemo'), 401, 'CustomException'],
    ['a forged token may not update', 'forged', rename('clerkDemo'), 401, 'Unauthorized'],
    ['no token may not update', null, rename('clerkDemo'), 401, 'Unauthorized'],
  ]);
});

const PROFILE = '/user/profile/_update';

test('profile update: every kind of user changes its own profile, and nobody changes another\'s', async (t) => {
  const app = await spawnApp(t);
  const { tokens, ids } = await seedWorld(t, app);
  const mine = (key) => () => ({ user: { id: ids[key], name: `Own ${key.replace(/[A-Z]/g, (c) => ` ${c}`)}` } });
  const changed = (key) => async (r) => {
    assert.equal(r.body.user[0].uuid, USERS[key].uuid);
    assert.equal((await rows(app, `SELECT name FROM users WHERE id = ${ids[key]}`))[0].name, r.body.user[0].name);
  };
  await table(t, app, tokens, PROFILE, [
    ['a CITIZEN changes its own profile', 'citizenDemo', mine('citizenDemo'), 200, null, changed('citizenDemo')],
    ['an EMPLOYEE changes its own profile', 'clerkDemo', mine('clerkDemo'), 200, null, changed('clerkDemo')],
    ['a SYSTEM admin changes its own profile', 'sys', mine('sys'), 200, null, changed('sys')],
    ['a CITIZEN may not change another CITIZEN\'s profile', 'citizenDemo', mine('citizenOther'), 400, 'UserProfileUpdateDeniedException'],
    ['a GP_ADMIN may not change a user of its tenant through the profile route', 'gpDemo', mine('clerkDemo'), 400, 'UserProfileUpdateDeniedException'],
    ['a SYSTEM admin may not change another user through the profile route', 'sys', mine('gpDemo'), 400, 'UserProfileUpdateDeniedException'],
    ['no token may not change a profile', null, mine('clerkDemo'), 401, 'Unauthorized'],
  ]);
});
