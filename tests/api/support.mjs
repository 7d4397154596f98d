// Shared by the identity API tests: a world of two tenants (pb.demo and pb.other under the state pb, and a
// state pbx beside it) with one user of every kind, logins, JSON calls, and a snapshot of the tables a refused request must
// not touch. Each test file spawns its own apps; nothing here is shared between apps.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { enrol } from '../helpers.mjs';

/** Every seeded user's password. */
export const PASSWORD = 'demo-Password-1';

/**
 * The seeded users, by role in the tests. `sys` comes from `enrol seed-sql` (its uuid is fixed); the others
 * are inserted with the same Argon2id hash. Citizens log in with their mobile number.
 */
export const USERS = {
  sys: { userName: 'sysadmin', type: 'SYSTEM', tenantId: 'pb.demo', roles: ['SUPERUSER'] },
  state: { userName: 'stateadmin', type: 'EMPLOYEE', tenantId: 'pb', roles: ['STATE_ADMIN'] },
  gpDemo: { userName: 'gp.demo', type: 'EMPLOYEE', tenantId: 'pb.demo', roles: ['GP_ADMIN'] },
  clerkDemo: { userName: 'clerk.demo', type: 'EMPLOYEE', tenantId: 'pb.demo', roles: ['EMPLOYEE'] },
  citizenDemo: { userName: '9876500001', type: 'CITIZEN', tenantId: 'pb.demo', roles: ['CITIZEN'], mobile: '9876500001' },
  gpOther: { userName: 'gp.other', type: 'EMPLOYEE', tenantId: 'pb.other', roles: ['GP_ADMIN'] },
  clerkOther: { userName: 'clerk.other', type: 'EMPLOYEE', tenantId: 'pb.other', roles: ['EMPLOYEE'] },
  citizenOther: { userName: '9876500002', type: 'CITIZEN', tenantId: 'pb.other', roles: ['CITIZEN'], mobile: '9876500002' },
  sysOther: { userName: 'sys.other', type: 'SYSTEM', tenantId: 'pb.other', roles: ['SUPERUSER'] },
  // pbx is another state whose id merely begins with "pb": not under pb.
  gpPbx: { userName: 'gp.pbx', type: 'EMPLOYEE', tenantId: 'pbx', roles: ['GP_ADMIN'] },
};
/** Users that seedWorld does not log in unless asked. */
const NO_LOGIN = ['sysOther', 'gpPbx'];

const SYS_UUID = '00000000-0000-4000-8000-00000000ad01';
const q = (s) => (s == null ? 'NULL' : `'${String(s).replaceAll("'", "''")}'`);

let seedStatements;
/**
 * The seed, one SQL statement each: `enrol seed-sql` for pb.demo under pb, then pb.other and the other users
 * (made once per process).
 */
function worldStatements() {
  if (seedStatements) return seedStatements;
  const base = enrol(['seed-sql', '--password', PASSWORD, '--tenant', 'pb.demo', '--tenant-name', 'Demo',
    '--state', 'pb', '--state-name', 'Punjab', '--user', USERS.sys.userName]);
  assert.equal(base.status, 0, base.stderr);
  const hash = base.stdout.match(/'(\$argon2id\$[^']+)'/)?.[1];
  assert.ok(hash, 'seed-sql prints an Argon2id hash');
  // seed-sql writes one statement a line.
  const statements = [...base.stdout.split('\n').filter((l) => l.trim()),
    "INSERT INTO tenants (id, name, parent_id) VALUES ('pb.other', 'Other', 'pb'), ('pbx', 'Pbx', NULL);"];
  let n = 1;
  for (const [key, u] of Object.entries(USERS)) {
    u.uuid = key === 'sys' ? SYS_UUID : `00000000-0000-4000-8000-0000000000${String(++n).padStart(2, '0')}`;
    if (key === 'sys') continue;
    statements.push(`INSERT INTO users (uuid, tenant_id, user_name, type, name, mobile_number, password_hash) VALUES
      (${q(u.uuid)}, ${q(u.tenantId)}, ${q(u.userName)}, ${q(u.type)}, ${q(`Test ${key}`)}, ${q(u.mobile)}, ${q(hash)});`);
    for (const r of u.roles) {
      statements.push(`INSERT INTO user_roles (user_id, code, tenant_id, name) SELECT id, ${q(r)}, tenant_id, ${q(r)}
        FROM users WHERE uuid = ${q(u.uuid)};`);
    }
  }
  seedStatements = statements;
  return seedStatements;
}

/** Answer of a call: status, parsed JSON body (or null), headers. */
async function answer(res) {
  const raw = await res.text();
  let body = null;
  try { body = JSON.parse(raw); } catch { /* not JSON; tests that care look at raw */ }
  return { status: res.status, body, raw, headers: res.headers };
}

/** POSTs JSON to `path`, with `token` (if any) as a Bearer token. */
export async function post(app, path, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return answer(await app.fetch(path, { method: 'POST', headers, body: JSON.stringify(body) }));
}

/** Sends a raw request (any method, headers and body) and returns its answer. */
export async function raw(app, path, init) {
  return answer(await app.fetch(path, init));
}

/** POSTs a form to /user/oauth/token. */
export async function token(app, fields) {
  return answer(await app.fetch('/user/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  }));
}

/** A password login. */
export function login(app, userName, password = PASSWORD, tenantId = 'pb.demo', extra = {}) {
  return token(app, { username: userName, password, grant_type: 'password', scope: 'read', tenantId, ...extra });
}

/** Logs `key` (a USERS key) in and returns its access token; fails the test if the login fails. */
export async function tokenOf(app, key) {
  const u = USERS[key];
  const r = await login(app, u.userName, PASSWORD, u.tenantId);
  assert.equal(r.status, 200, `login of ${key}: ${r.raw}`);
  return r.body.access_token;
}

/** Runs one query on the app's D1 (the Worker's own binding) and returns its rows. */
export function rows(app, query) {
  return app.sql(query);
}

/**
 * Seeds the two tenants and every user of USERS into `app`, opens a D1 handle for `rows` and `snapshot`, and
 * logs in the given keys (default: all but NO_LOGIN). Returns { tokens: {key: accessToken}, ids: {key: id} }.
 */
export async function seedWorld(t, app, keys = Object.keys(USERS).filter((k) => !NO_LOGIN.includes(k))) {
  const db = await app.d1();
  await db.batch(worldStatements().map((statement) => db.prepare(statement))); // one transaction
  const tokens = {};
  for (const k of keys) tokens[k] = await tokenOf(app, k);
  const ids = {};
  for (const r of await rows(app, 'SELECT id, uuid FROM users')) {
    const key = Object.keys(USERS).find((k) => USERS[k].uuid === r.uuid);
    if (key) ids[key] = r.id;
  }
  return { tokens, ids };
}

/** The rows a refused request must not change: users, roles, sessions, failed logins and tenants, in order. */
export async function snapshot(app) {
  const queries = ['SELECT * FROM users ORDER BY id', 'SELECT * FROM user_roles ORDER BY user_id, code, tenant_id',
    'SELECT * FROM sessions ORDER BY token_hash', 'SELECT * FROM login_failures ORDER BY user_id, at',
    'SELECT * FROM tenants ORDER BY id'];
  const db = await app.d1();
  const results = (await db.batch(queries.map((q) => db.prepare(q)))).map((r) => r.results);
  const [users, user_roles, sessions, login_failures, tenants] = results;
  return { users, user_roles, sessions, login_failures, tenants };
}

/** Asserts that nothing in `before` (a snapshot) has changed. */
export async function assertUnchanged(app, before, what = 'the database') {
  assert.deepEqual(await snapshot(app), before, `${what} changed`);
}

/** Asserts an error answer: status, the DIGIT envelope and its code. */
export function assertError(r, status, code, what = '') {
  assert.equal(r.status, status, `${what} status: ${r.raw.slice(0, 500)}`);
  assert.ok(Array.isArray(r.body?.Errors) && r.body.Errors.length >= 1, `${what} has an Errors envelope: ${r.raw.slice(0, 300)}`);
  const e = r.body.Errors[0];
  assert.deepEqual(Object.keys(e).sort(), ['code', 'description', 'message', 'params'], `${what} error shape`);
  if (code) assert.equal(e.code, code, `${what} error code: ${r.raw.slice(0, 300)}`);
  return e;
}

/** The SHA-256 (hex) of a token, as the sessions table keys it. */
export const sha256 = (s) => createHash('sha256').update(s).digest('hex');

/** A minimal valid new user of `tenantId`; `over` replaces fields. */
export function newUser(userName, tenantId = 'pb.demo', over = {}) {
  return { tenantId, type: 'EMPLOYEE', name: 'Asha Devi', userName, roles: [{ code: 'EMPLOYEE' }], ...over };
}
