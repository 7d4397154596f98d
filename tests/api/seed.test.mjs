import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnApp, ROOT } from '../helpers.mjs';

const ENROL = join(ROOT, 'target', 'release', 'enrol');

function seedFile(password) {
  const file = join(mkdtempSync(join(tmpdir(), 'enrol-seed-')), 'seed.sql');
  writeFileSync(file, execFileSync(ENROL, ['seed-sql', '--password', password]));
  return file;
}

test('the seed creates pb.demo under pb and a SYSTEM administrator with an Argon2id hash, and can run twice', async (t) => {
  const app = await spawnApp(t);
  await app.sqlFile(seedFile('first-Password-1'));
  await app.sqlFile(seedFile('second-Password-2'));

  const tenants = await app.sql('SELECT id, parent_id FROM tenants ORDER BY id');
  assert.deepEqual(tenants, [{ id: 'pb', parent_id: null }, { id: 'pb.demo', parent_id: 'pb' }]);

  const users = await app.sql('SELECT user_name, type, tenant_id, password_hash FROM users');
  assert.equal(users.length, 1, 'seeding twice keeps one administrator');
  const [admin] = users;
  assert.equal(admin.user_name, 'admin');
  assert.equal(admin.type, 'SYSTEM');
  assert.equal(admin.tenant_id, 'pb.demo');
  assert.match(admin.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.ok(!admin.password_hash.includes('second-Password-2'));

  const roles = await app.sql('SELECT code, tenant_id FROM user_roles');
  assert.deepEqual(roles, [{ code: 'SUPERUSER', tenant_id: 'pb.demo' }]);
});
