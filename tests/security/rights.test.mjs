// Security regression suite, rights and role grants (issues 15 §2 and 19 §1): each test performs an attack of
// the reviews against the real Worker and D1 and asserts the fixed answer, and that a refusal changed nothing.
// An administrator grants only the role codes it may grant (SUPERUSER only by a SUPERUSER at the tenant or
// above; an administrator role only by one who holds it, or a higher one), on every route that writes roles
// (DIGIT's create and update, the upload's rows, the upload configuration); nobody changes their own roles;
// rights come from the tenant each administrator role is held at, never from the user's base tenant; a person
// holds at most 30 roles. The last test shows that the legitimate grants still work.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnApp } from '../helpers.mjs';
import { PASSWORD, USERS, assertError, assertUnchanged, login, newUser, post, raw, rows, seedWorld, snapshot } from '../api/support.mjs';
import { HELD, get, sheet, upload } from '../api/upload_support.mjs';

const CREATE = '/user/users/_createnovalidate';
const BULK = '/user/users/v110/_create';
const UPDATE = '/user/users/_updatenovalidate';
const SEARCH = '/user/_search';
const ATTACKER_PHONE = '9812399999'; // the attacking administrator's own phone

const auth = (tok) => ({ authorization: `Bearer ${tok}` });
const putConfig = (app, tok, tenant, body) => raw(app, `/v1/tenant/${tenant}/upload-config`,
  { method: 'PUT', headers: { ...auth(tok), 'content-type': 'application/json' }, body: JSON.stringify(body) });
const reissue = (app, tok, uuid) => raw(app, `/v1/user/${uuid}/reissue`, { method: 'POST', headers: auth(tok) });
const roles = (...codes) => codes.map((c) => (typeof c === 'string' ? { code: c } : c));
const heldRoles = async (app, id) => (await rows(app, `SELECT code, tenant_id FROM user_roles WHERE user_id = ${id} ORDER BY code, tenant_id`))
  .map((r) => `${r.code}@${r.tenant_id}`);
/** What an upload or an upload configuration writes besides users (snapshot() covers users and roles). */
const uploadState = async (app) => ({
  config: await rows(app, 'SELECT tenant_id, config FROM tenant_upload_config ORDER BY tenant_id'),
  uploads: await rows(app, 'SELECT process_id, status FROM uploads ORDER BY process_id'),
  outbox: await rows(app, 'SELECT id, kind, recipient FROM outbox ORDER BY id'),
});

/**
 * Runs `list` as subtests on one app, in order. A case is [description, call() → answer, status, error code
 * (refusals), check(answer) (successes)]; a refusal must also leave users, roles, sessions, failures, tenants,
 * upload configurations, uploads and the outbox as they were.
 */
async function cases(t, app, list) {
  for (const [what, call, status, code, check] of list) {
    await t.test(what, async () => {
      const before = status >= 400 ? [await snapshot(app), await uploadState(app)] : null;
      const r = await call();
      if (status >= 400) {
        assertError(r, status, code, what);
        await assertUnchanged(app, before[0], what);
        assert.deepEqual(await uploadState(app), before[1], `${what}: configuration, uploads or outbox changed`);
      } else {
        assert.equal(r.status, status, `${what}: ${r.raw.slice(0, 400)}`);
        await check?.(r);
      }
    });
  }
}

test('15 §2: a GP_ADMIN of pb.demo cannot grant itself SUPERUSER, and so cannot move the SYSTEM administrator\'s phone to its own and re-issue that account\'s password', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens, ids } = await seedWorld(t, app, ['gpDemo']);
  const gp = tokens.gpDemo;
  await cases(t, app, [
    ['step 1: _updatenovalidate on itself with roles [GP_ADMIN, SUPERUSER] is refused (nobody changes their own roles)', () =>
      post(app, UPDATE, { user: { id: ids.gpDemo, roles: roles('GP_ADMIN', 'SUPERUSER') } }, gp), 401, 'CustomException'],
    // The rest of the attack, as the reviewer ran it, with whatever step 1 left.
    ['step 2: the SYSTEM administrator\'s mobile number cannot be changed to the attacker\'s (not its user)', () =>
      post(app, UPDATE, { user: { id: ids.sys, mobileNumber: ATTACKER_PHONE } }, gp), 400, 'UserNotFoundException'],
    ['step 3: the SYSTEM administrator\'s password cannot be re-issued by it', () => reissue(app, gp, USERS.sys.uuid), 404, 'UserNotFound'],
  ]);
  assert.deepEqual(await heldRoles(app, ids.gpDemo), ['GP_ADMIN@pb.demo'], 'the GP_ADMIN holds what it held');
  assert.deepEqual(await rows(app, `SELECT kind FROM outbox WHERE recipient = '${ATTACKER_PHONE}'`), [], 'nothing reached the attacker\'s phone');
  assert.equal((await login(app, USERS.sys.userName)).status, 200, 'the SYSTEM administrator\'s own password still works');
});

test('15 §2: a GP_ADMIN cannot hand out SUPERUSER by creating a user, by its tenant\'s upload roles, or by an upload row, whatever the configuration lists', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo', 'sys']);
  const gp = tokens.gpDemo;
  let phones = 0; // every row a phone of its own, so that no row clashes with a person an earlier case made
  const row = (userName, rolesCell) => sheet([['Mallory', 'Evil', `98123990${String(++phones).padStart(2, '0')}`, '', userName, '', rolesCell]]);
  await cases(t, app, [
    ['_createnovalidate an EMPLOYEE holding SUPERUSER → 401, nobody created', () =>
      post(app, CREATE, { user: newUser('mallory.su', 'pb.demo', { mobileNumber: ATTACKER_PHONE, roles: roles('SUPERUSER') }) }, gp), 401, 'CustomException'],
    ['the same through the bulk route → 401, nobody created', () =>
      post(app, BULK, { Users: [newUser('mallory.ok'), newUser('mallory.su2', 'pb.demo', { roles: roles('EMPLOYEE', 'SUPERUSER') })] }, gp), 401, 'CustomException'],
    ['an upload row with roles=ORG_ADMIN (Sunbird\'s role, which the default configuration lists; no rights in enrol) is an ordinary grant → 200', () =>
      upload(app, gp, row('org.admin', 'ORG_ADMIN')), 200],
    ['PUT /v1/tenant/pb.demo/upload-config with SUPERUSER among the roles → 403 RoleNotGrantable, nothing stored', () =>
      putConfig(app, gp, 'pb.demo', { roles: ['EMPLOYEE', 'SUPERUSER'] }), 403, 'RoleNotGrantable'],
  ]);
  // The configuration was not changed, so a SUPERUSER row is an unknown value of the roles column: the upload
  // fails validation (recorded FAILED, as any file with an error) and creates nobody.
  const refused = await upload(app, gp, row('mallory.up1', 'SUPERUSER'));
  assert.equal(refused.status, 422, refused.raw.slice(0, 300));
  assert.equal(refused.body.status, 'FAILED');
  assert.deepEqual(await rows(app, "SELECT id FROM users WHERE user_name = 'mallory.up1'"), [], 'nobody created');
  await cases(t, app, [
    // A SUPERUSER of pb.demo may offer SUPERUSER in pb.demo's upload roles; the GP_ADMIN still may not grant it.
    ['(setup) the SUPERUSER of pb.demo lists SUPERUSER among pb.demo\'s upload roles', () =>
      putConfig(app, tokens.sys, 'pb.demo', { roles: ['EMPLOYEE', 'GP_ADMIN', 'SUPERUSER'] }), 200],
    ['an upload row with roles=SUPERUSER where the configuration lists it → 403 RoleNotGrantable, no record, no user', () =>
      upload(app, gp, row('mallory.up2', 'SUPERUSER')), 403, 'RoleNotGrantable'],
    ['one bad row among good ones refuses the whole upload', () =>
      upload(app, gp, sheet([['Asha', 'Devi', '9812300001', '', 'asha.ok', '', 'EMPLOYEE'], ['Mallory', '', '9812399050', '', 'mallory.up3', '', 'EMPLOYEE,superuser']])),
      403, 'RoleNotGrantable'],
  ]);
  assert.deepEqual(await rows(app, "SELECT u.user_name FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.code = 'SUPERUSER' ORDER BY u.id"),
    [{ user_name: USERS.sys.userName }, { user_name: USERS.sysOther.userName }], 'the only SUPERUSERs are the seeded ones');
  assert.deepEqual(await rows(app, "SELECT user_name FROM users WHERE user_name LIKE 'mallory%' OR user_name = 'asha.ok'"), [], 'none of the attacker\'s people exists');
});

test('nobody changes their own roles (a GP_ADMIN, a STATE_ADMIN, a SUPERUSER), though sending one\'s unchanged roles is allowed', async (t) => {
  const app = await spawnApp(t);
  const { tokens, ids } = await seedWorld(t, app, ['gpDemo', 'state', 'sys']);
  const own = (key, ...codes) => () => post(app, UPDATE, { user: { id: ids[key], roles: roles(...codes) } }, tokens[key]);
  await cases(t, app, [
    ['a GP_ADMIN renames itself, sending its unchanged roles → 200', () =>
      post(app, UPDATE, { user: { id: ids.gpDemo, name: 'Same Roles', roles: roles('GP_ADMIN') } }, tokens.gpDemo), 200, null,
    async (r) => {
      assert.equal(r.body.user[0].name, 'Same Roles');
      assert.deepEqual(await heldRoles(app, ids.gpDemo), ['GP_ADMIN@pb.demo']);
    }],
    ['a GP_ADMIN may not add the ordinary EMPLOYEE role to itself', own('gpDemo', 'GP_ADMIN', 'EMPLOYEE'), 401, 'CustomException'],
    ['a GP_ADMIN may not swap its role for another it may grant', own('gpDemo', 'EMPLOYEE'), 401, 'CustomException'],
    ['a STATE_ADMIN may not give itself GP_ADMIN of pb.demo beside its own', own('state', 'STATE_ADMIN', { code: 'GP_ADMIN', tenantId: 'pb.demo' }), 401, 'CustomException'],
    ['a SUPERUSER (the SYSTEM administrator) may not change its own roles either', own('sys', 'SUPERUSER', 'EMPLOYEE'), 401, 'CustomException'],
  ]);
});

test('19 §1: a GP_ADMIN role held at pb.demo.ward1 reaches only pb.demo.ward1\'s subtree, though the user\'s base tenant is pb.demo', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { ids } = await seedWorld(t, app, []);
  // The tenant and its people, seeded as the world is (no API creates tenants); every password is PASSWORD.
  const person = (uuid, tenant, userName) => rows(app, `INSERT INTO users (uuid, tenant_id, user_name, type, name, password_hash)
    SELECT '${uuid}', '${tenant}', '${userName}', 'EMPLOYEE', 'Test ${userName}', password_hash FROM users WHERE id = ${ids.gpDemo}`);
  const role = (userName, code, tenant) => rows(app, `INSERT INTO user_roles (user_id, code, tenant_id, name)
    SELECT id, '${code}', '${tenant}', '${code}' FROM users WHERE user_name = '${userName}'`);
  await rows(app, "INSERT INTO tenants (id, name, parent_id) VALUES ('pb.demo.ward1', 'Ward 1', 'pb.demo')");
  await person('00000000-0000-4000-8000-000000000101', 'pb.demo', 'gp.ward1');
  await role('gp.ward1', 'GP_ADMIN', 'pb.demo.ward1');
  await person('00000000-0000-4000-8000-000000000102', 'pb.demo.ward1', 'clerk.ward1');
  await role('clerk.ward1', 'EMPLOYEE', 'pb.demo.ward1');
  await person('00000000-0000-4000-8000-000000000103', 'pb.demo', 'state.demo');
  await role('state.demo', 'STATE_ADMIN', 'pb.demo');
  const idOf = async (userName) => (await rows(app, `SELECT id FROM users WHERE user_name = '${userName}'`))[0].id;
  const [stateDemo, clerkWard] = [await idOf('state.demo'), await idOf('clerk.ward1')];
  const l = await login(app, 'gp.ward1', PASSWORD, 'pb.demo');
  assert.equal(l.status, 200, l.raw);
  const tok = l.body.access_token;
  const userNames = (r) => r.body.user.map((u) => u.userName);
  await cases(t, app, [
    ['GET /v1/tenants lists pb.demo.ward1 only, not pb.demo', () => get(app, '/v1/tenants', tok), 200, null,
      (r) => assert.deepEqual(r.body.tenants.map((x) => x.id), ['pb.demo.ward1'])],
    ['it may not search pb.demo\'s users', () => post(app, SEARCH, { tenantId: 'pb.demo' }, tok), 401, 'CustomException'],
    ['it searches pb.demo.ward1 and sees its people', () => post(app, SEARCH, { tenantId: 'pb.demo.ward1' }, tok), 200, null,
      (r) => assert.deepEqual(userNames(r), ['clerk.ward1'])],
    ['it may not deactivate the STATE_ADMIN of pb.demo', () => post(app, UPDATE, { user: { id: stateDemo, active: false } }, tok), 400, 'UserNotFoundException'],
    ['it may not rename an EMPLOYEE of pb.demo', () => post(app, UPDATE, { user: { id: ids.clerkDemo, name: 'Renamed' } }, tok), 400, 'UserNotFoundException'],
    ['it may not re-issue the password of a CITIZEN of pb.demo', () => reissue(app, tok, USERS.citizenDemo.uuid), 404, 'UserNotFound'],
    ['it may not create a user in pb.demo', () => post(app, CREATE, { user: newUser('ward.intruder', 'pb.demo') }, tok), 401, 'CustomException'],
    ['it may not upload into pb.demo', () => upload(app, tok, sheet([['Asha', '', '9812300011', '', '', '', 'EMPLOYEE']])), 403, 'Forbidden'],
    ['it may not read pb.demo\'s upload configuration', () => get(app, '/v1/tenant/pb.demo/upload-config', tok), 404, 'TenantNotFound'],
    ['it renames an EMPLOYEE of pb.demo.ward1', () => post(app, UPDATE, { user: { id: clerkWard, name: 'Ward Clerk' } }, tok), 200, null,
      (r) => assert.equal(r.body.user[0].name, 'Ward Clerk')],
    ['it creates an EMPLOYEE in pb.demo.ward1', () => post(app, CREATE, { user: newUser('ward.clerk2', 'pb.demo.ward1') }, tok), 200, null,
      (r) => assert.equal(r.body.user[0].tenantId, 'pb.demo.ward1')],
    ['it reads pb.demo.ward1\'s upload configuration', () => get(app, '/v1/tenant/pb.demo.ward1/upload-config', tok), 200, null,
      (r) => assert.equal(r.body.tenantId, 'pb.demo.ward1')],
  ]);
  assert.deepEqual(await rows(app, `SELECT active FROM users WHERE id = ${stateDemo}`), [{ active: 1 }], 'the STATE_ADMIN of pb.demo is active');
  assert.equal((await login(app, 'state.demo', PASSWORD, 'pb.demo')).status, 200, 'and logs in');
});

test('at most 30 roles per person (19 §3, "batches without bounds"): 31 are refused on create, bulk create and update; 30 are allowed', async (t) => {
  const app = await spawnApp(t);
  const { tokens, ids } = await seedWorld(t, app, ['sys']);
  const many = (n) => Array.from({ length: n }, (_, i) => ({ code: `PUMP_ROLE_${String(i + 1).padStart(2, '0')}` }));
  const names = (e) => JSON.stringify(e.params) + e.message;
  await cases(t, app, [
    ['_createnovalidate with 31 roles → 400 InvalidUserCreateException on user.roles', () =>
      post(app, CREATE, { user: newUser('roles.31', 'pb.demo', { roles: many(31) }) }, tokens.sys), 400, 'InvalidUserCreateException'],
    ['bulk create with 31 roles for the second user → 400 InvalidUserCreateException on Users[1].roles', () =>
      post(app, BULK, { Users: [newUser('roles.ok'), newUser('roles.31b', 'pb.demo', { roles: many(31) })] }, tokens.sys), 400, 'InvalidUserCreateException'],
    ['_updatenovalidate with 31 roles → 400 InvalidUserUpdateException on user.roles', () =>
      post(app, UPDATE, { user: { id: ids.clerkDemo, roles: many(31) } }, tokens.sys), 400, 'InvalidUserUpdateException'],
    ['bulk create of 100 users with 300 roles each (the reviewer\'s 30,000 statements) → 400', () =>
      post(app, BULK, { Users: Array.from({ length: 100 }, (_, i) => newUser(`roles.bulk${i}`, 'pb.demo', { roles: many(300) })) }, tokens.sys),
      400, 'InvalidUserCreateException'],
    ['_createnovalidate with 30 roles → 200, all 30 held', () =>
      post(app, CREATE, { user: newUser('roles.30', 'pb.demo', { roles: many(30) }) }, tokens.sys), 200, null,
    (r) => assert.equal(r.body.user[0].roles.length, 30)],
  ]);
  await t.test('the refusals name the field', async () => {
    const one = await post(app, CREATE, { user: newUser('roles.31x', 'pb.demo', { roles: many(31) }) }, tokens.sys);
    assert.match(names(assertError(one, 400)), /user\.roles/);
    const bulk = await post(app, BULK, { Users: [newUser('roles.okx'), newUser('roles.31y', 'pb.demo', { roles: many(31) })] }, tokens.sys);
    assert.match(names(assertError(bulk, 400)), /Users\[1\]\.roles/);
    const upd = await post(app, UPDATE, { user: { id: ids.clerkDemo, roles: many(31) } }, tokens.sys);
    assert.match(names(assertError(upd, 400)), /user\.roles/);
  });
});

test('the legitimate grants still work: a STATE_ADMIN grants GP_ADMIN in pb.demo, a SUPERUSER grants SUPERUSER, an administrator grants EMPLOYEE and its own role', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens, ids } = await seedWorld(t, app, ['state', 'sys', 'gpDemo']);
  const createdWith = (...expected) => async (r) => {
    const u = r.body.user[0];
    assert.deepEqual(u.roles.map((x) => `${x.code}@${x.tenantId}`).sort(), expected.sort());
    assert.deepEqual(await heldRoles(app, (await rows(app, `SELECT id FROM users WHERE uuid = '${u.uuid}'`))[0].id), expected.sort());
  };
  await cases(t, app, [
    ['a STATE_ADMIN of pb creates a GP_ADMIN of pb.demo', () =>
      post(app, CREATE, { user: newUser('new.gp', 'pb.demo', { roles: roles('GP_ADMIN') }) }, tokens.state), 200, null, createdWith('GP_ADMIN@pb.demo')],
    ['a STATE_ADMIN of pb creates a DIVISION_ADMIN of pb.other (a lower rank)', () =>
      post(app, CREATE, { user: newUser('new.div', 'pb.other', { roles: roles('DIVISION_ADMIN') }) }, tokens.state), 200, null, createdWith('DIVISION_ADMIN@pb.other')],
    ['a STATE_ADMIN of pb makes the clerk of pb.demo a GP_ADMIN too', () =>
      post(app, UPDATE, { user: { id: ids.clerkDemo, roles: roles('EMPLOYEE', 'GP_ADMIN') } }, tokens.state), 200, null,
    async () => assert.deepEqual(await heldRoles(app, ids.clerkDemo), ['EMPLOYEE@pb.demo', 'GP_ADMIN@pb.demo'])],
    ['a SUPERUSER of pb.demo creates another SUPERUSER of pb.demo', () =>
      post(app, CREATE, { user: newUser('new.su', 'pb.demo', { roles: roles('SUPERUSER') }) }, tokens.sys), 200, null, createdWith('SUPERUSER@pb.demo')],
    ['a GP_ADMIN of pb.demo creates an EMPLOYEE', () => post(app, CREATE, { user: newUser('new.clerk') }, tokens.gpDemo), 200, null, createdWith('EMPLOYEE@pb.demo')],
    ['a GP_ADMIN of pb.demo creates another GP_ADMIN of pb.demo (a role it holds)', () =>
      post(app, CREATE, { user: newUser('new.gp2', 'pb.demo', { roles: roles('GP_ADMIN', 'PGR_LME') }) }, tokens.gpDemo), 200, null,
      createdWith('GP_ADMIN@pb.demo', 'PGR_LME@pb.demo')],
    ['a GP_ADMIN of pb.demo changes its tenant\'s row limit, leaving the roles alone', () =>
      putConfig(app, tokens.gpDemo, 'pb.demo', { maxRows: 500 }), 200, null, (r) => assert.equal(r.body.maxRows, 500)],
    ['a GP_ADMIN of pb.demo offers EMPLOYEE, GP_ADMIN and PGR_LME in its tenant\'s uploads', () =>
      putConfig(app, tokens.gpDemo, 'pb.demo', { roles: ['EMPLOYEE', 'GP_ADMIN', 'PGR_LME'] }), 200, null,
      (r) => assert.deepEqual(r.body.roles, ['EMPLOYEE', 'GP_ADMIN', 'PGR_LME'])],
    ['a GP_ADMIN of pb.demo uploads an EMPLOYEE and a GP_ADMIN', () =>
      upload(app, tokens.gpDemo, sheet([['Asha', 'Devi', '9812300021', '', 'up.clerk', '', 'EMPLOYEE'], ['Ravi', 'Kumar', '9812300022', '', 'up.gp', '', 'GP_ADMIN,PGR_LME']])),
      200, null,
    async (r) => {
      assert.equal(r.body.status, 'COMPLETED', r.raw);
      assert.deepEqual(await heldRoles(app, (await rows(app, "SELECT id FROM users WHERE user_name = 'up.gp'"))[0].id), ['GP_ADMIN@pb.demo', 'PGR_LME@pb.demo']);
    }],
  ]);
});
