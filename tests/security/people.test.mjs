// Security regression suite, the People routes and the audit log (issue 17): an administrator sees and helps only
// people of the tenants its administrator roles are held at (and below), never someone of a higher rank; ids
// of other tenants' people, a role held at a child tenant, a CITIZEN or an EMPLOYEE without an administrator
// role get "not found" or "not an administrator", change nothing, and are recorded as refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnApp } from '../helpers.mjs';
import { PASSWORD, USERS, assertError, assertUnchanged, login, rows, seedWorld, snapshot, raw } from '../api/support.mjs';
import { HELD, get } from '../api/upload_support.mjs';

const json = (tok) => ({ authorization: `Bearer ${tok}`, 'content-type': 'application/json' });
const act = (app, tok, action, body) => raw(app, `/v1/people/${action}`, { method: 'POST', headers: json(tok), body: JSON.stringify(body) });
const patch = (app, tok, uuid, body) => raw(app, `/v1/people/${uuid}`, { method: 'PATCH', headers: json(tok), body: JSON.stringify(body) });
const outbox = (app) => rows(app, 'SELECT id, user_id, state FROM outbox ORDER BY id');

/**
 * Each case [what, call, status, code] is refused with that status and code, leaves users, roles, sessions,
 * failures, tenants and the outbox as they were, and (for the actions) adds one `refused` entry to the audit log.
 */
async function refusals(t, app, list) {
  for (const [what, call, status, code, recorded = true] of list) {
    await t.test(what, async () => {
      const before = [await snapshot(app), await outbox(app)];
      const [{ n: entries }] = await rows(app, "SELECT count(*) AS n FROM audit_log WHERE outcome != 'refused'");
      const [{ n: refusedBefore }] = await rows(app, "SELECT count(*) AS n FROM audit_log WHERE outcome = 'refused'");
      assertError(await call(), status, code, what);
      await assertUnchanged(app, before[0], what);
      assert.deepEqual(await outbox(app), before[1], `${what}: the outbox changed`);
      assert.equal((await rows(app, "SELECT count(*) AS n FROM audit_log WHERE outcome != 'refused'"))[0].n, entries, `${what}: an entry of an action`);
      const [{ n: refused }] = await rows(app, "SELECT count(*) AS n FROM audit_log WHERE outcome = 'refused'");
      assert.equal(refused, refusedBefore + (recorded ? 1 : 0), `${what}: the refusal is ${recorded ? '' : 'not '}recorded`);
    });
  }
}

test('another tenant\'s administrator, ids of other tenants, a CITIZEN and an EMPLOYEE: refused, unchanged, recorded', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app);
  const other = tokens.gpOther;
  const demo = (uuids) => ({ tenantId: 'pb.demo', uuids });
  await refusals(t, app, [
    ['pb.other\'s administrator may not re-send to a person of pb.demo, naming pb.demo', () => act(app, other, '_reissue', demo([USERS.clerkDemo.uuid])), 404, 'TenantNotFound'],
    ['nor naming its own tenant', () => act(app, other, '_reissue', { tenantId: 'pb.other', uuids: [USERS.clerkDemo.uuid] }), 404, 'UserNotFound'],
    ['nor deactivate one, hidden among its own people', () => act(app, other, '_deactivate', { tenantId: 'pb.other', uuids: [USERS.clerkOther.uuid, USERS.clerkDemo.uuid] }), 404, 'UserNotFound'],
    ['nor unlock, nor activate', () => act(app, other, '_unlock', { tenantId: 'pb.other', uuids: [USERS.citizenDemo.uuid] }), 404, 'UserNotFound'],
    ['nor change a mobile number', () => patch(app, other, USERS.clerkDemo.uuid, { mobileNumber: '9812399999' }), 404, 'UserNotFound'],
    ['nor act on pb.demo by a filter', () => act(app, other, '_deactivate', { filter: { tenantId: 'pb.demo' }, confirm: 1 }), 404, 'TenantNotFound'],
    ['pb.demo\'s administrator may not reach the state pbx, whose id merely begins with pb', () => act(app, tokens.gpDemo, '_reissue', { tenantId: 'pbx', uuids: [USERS.gpPbx.uuid] }), 404, 'TenantNotFound'],
    ['a GP_ADMIN may not deactivate the SUPERUSER of its own tenant', () => act(app, tokens.gpDemo, '_deactivate', demo([USERS.sys.uuid])), 404, 'UserNotFound'],
    ['nor the STATE_ADMIN above it', () => act(app, tokens.gpDemo, '_deactivate', { tenantId: 'pb.demo', uuids: [USERS.state.uuid] }), 404, 'UserNotFound'],
    ['an EMPLOYEE without an administrator role may not act', () => act(app, tokens.clerkDemo, '_deactivate', demo([USERS.citizenDemo.uuid])), 403, 'NotAdmin'],
    ['a CITIZEN may not act', () => act(app, tokens.citizenDemo, '_reissue', demo([USERS.citizenDemo.uuid])), 403, 'NotAdmin'],
    ['a CITIZEN may not change its own number this way', () => patch(app, tokens.citizenDemo, USERS.citizenDemo.uuid, { mobileNumber: '9812399999' }), 403, 'NotAdmin'],
    ['more than 1,000 people at once', () => act(app, tokens.gpDemo, '_reissue', demo(Array.from({ length: 1001 }, (_, i) => `u${i}`))), 413, 'TooManyPeople'],
    ['neither a list nor a filter', () => act(app, tokens.gpDemo, '_unlock', { tenantId: 'pb.demo' }), 400, 'InvalidSelection'],
    ['both a list and a filter', () => act(app, tokens.gpDemo, '_unlock', { tenantId: 'pb.demo', uuids: [USERS.clerkDemo.uuid], filter: { tenantId: 'pb.demo' } }), 400, 'InvalidSelection'],
    ['an unknown filter', () => act(app, tokens.gpDemo, '_unlock', { filter: { tenantId: 'pb.demo', filter: 'everyone' }, confirm: 1 }), 400, 'InvalidField'],
    ['a body that is not JSON', () => raw(app, '/v1/people/_reissue', { method: 'POST', headers: json(tokens.gpDemo), body: '{"uuids":' }), 400, 'InvalidJson'],
    ['an unknown action', () => act(app, tokens.gpDemo, '_delete', demo([USERS.clerkDemo.uuid])), 404, 'NotFound', false],
    ['no token', () => raw(app, '/v1/people/_deactivate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(demo([USERS.clerkDemo.uuid])) }), 401, 'Unauthorized', false],
  ]);
  // Reading is refused alike (reads are not recorded).
  assertError(await get(app, '/v1/people?tenantId=pb.demo', other), 404, 'TenantNotFound');
  assertError(await get(app, `/v1/people/${USERS.clerkDemo.uuid}`, other), 404, 'UserNotFound');
  assertError(await get(app, `/v1/people/${USERS.sys.uuid}`, tokens.gpDemo), 404, 'UserNotFound');
  assertError(await get(app, '/v1/people?tenantId=pb.demo', tokens.clerkDemo), 403, 'NotAdmin');
  assertError(await get(app, '/v1/onboarding/funnel?tenantId=pb.demo', other), 404, 'TenantNotFound');
  assertError(await get(app, '/v1/audit?tenantId=pb.demo', other), 404, 'TenantNotFound');
  const list = await get(app, '/v1/people?tenantId=pb.demo', tokens.gpDemo);
  assert.ok(!list.body.people.some((p) => [USERS.sys.uuid, USERS.state.uuid].includes(p.uuid)), 'people of a higher rank are not listed');
  // What pb.other's administrator tried is on record, for pb.other's administrators (whose tenant it named).
  const mine = await get(app, '/v1/audit?tenantId=pb.other', other);
  assert.ok(mine.body.entries.some((e) => e.actorName === 'gp.other' && e.outcome === 'refused' && e.detail.reason === 'UserNotFound'));
});

test('a GP_ADMIN role held at pb.demo.ward1 (base tenant pb.demo) reaches only pb.demo.ward1\'s people', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { ids } = await seedWorld(t, app, []);
  const person = (uuid, tenant, userName) => rows(app, `INSERT INTO users (uuid, tenant_id, user_name, type, name, password_hash)
    SELECT '${uuid}', '${tenant}', '${userName}', 'EMPLOYEE', 'Test ${userName}', password_hash FROM users WHERE id = ${ids.gpDemo}`);
  const role = (userName, code, tenant) => rows(app, `INSERT INTO user_roles (user_id, code, tenant_id, name)
    SELECT id, '${code}', '${tenant}', '${code}' FROM users WHERE user_name = '${userName}'`);
  await rows(app, "INSERT INTO tenants (id, name, parent_id) VALUES ('pb.demo.ward1', 'Ward 1', 'pb.demo')");
  const ward = '00000000-0000-4000-8000-000000000102';
  await person('00000000-0000-4000-8000-000000000101', 'pb.demo', 'gp.ward1');
  await role('gp.ward1', 'GP_ADMIN', 'pb.demo.ward1');
  await person(ward, 'pb.demo.ward1', 'clerk.ward1');
  await role('clerk.ward1', 'EMPLOYEE', 'pb.demo.ward1');
  const l = await login(app, 'gp.ward1', PASSWORD, 'pb.demo');
  assert.equal(l.status, 200, l.raw);
  const tok = l.body.access_token;
  await refusals(t, app, [
    ['it may not act on pb.demo', () => act(app, tok, '_deactivate', { tenantId: 'pb.demo', uuids: [USERS.clerkDemo.uuid] }), 404, 'TenantNotFound'],
    ['nor on a pb.demo person named under its ward', () => act(app, tok, '_deactivate', { tenantId: 'pb.demo.ward1', uuids: [USERS.clerkDemo.uuid] }), 404, 'UserNotFound'],
    ['nor change a pb.demo person\'s number', () => patch(app, tok, USERS.clerkDemo.uuid, { mobileNumber: '9812399999' }), 404, 'UserNotFound'],
  ]);
  assertError(await get(app, '/v1/people?tenantId=pb.demo', tok), 404, 'TenantNotFound');
  const mine = await get(app, '/v1/people?tenantId=pb.demo.ward1', tok);
  assert.deepEqual(mine.body.people.map((p) => p.uuid), [ward]);
  assert.equal((await act(app, tok, '_deactivate', { tenantId: 'pb.demo.ward1', uuids: [ward] })).status, 200, 'its own ward\'s people it helps');
  const dry = await act(app, tok, '_activate', { filter: { tenantId: 'pb.demo.ward1', filter: 'inactive' } });
  assert.deepEqual(dry.body, { dryRun: true, count: 1 });
});
