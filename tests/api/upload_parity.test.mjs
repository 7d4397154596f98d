// One validator, every caller: the Worker's verdict on an upload is the browser's and the CLI's (same codes,
// rows, lines, columns, values and messages, in the same order), on every fixture in tests/data/. The browser
// builds are held to the CLI byte for byte in tests/validator/parity.test.mjs; here the Worker is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DATA, enrol, spawnApp } from '../helpers.mjs';
import { seedWorld } from './support.mjs';
import { get, upload } from './upload_support.mjs';

const fixtures = readdirSync(DATA).filter((f) => f.endsWith('.csv')).sort();

/** Today as the Worker sees it (UTC), for the CLI's date-of-birth rule. */
function today() {
  const d = new Date();
  return `${String(d.getUTCDate()).padStart(2, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${d.getUTCFullYear()}`;
}

test('the Worker gives the CLI\'s report on every fixture, in English and Hindi', async (t) => {
  assert.ok(fixtures.length >= 20, fixtures.join(', '));
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['state']);
  // Each fixture goes to a tenant of its own, so that no fixture's people clash with another's.
  const tenants = fixtures.map((_, i) => `pb.fixture${i}`);
  await app.sql(`INSERT INTO tenants (id, name, parent_id) VALUES ${tenants.map((id) => `('${id}', '${id}', 'pb')`).join(', ')}`);
  for (const [i, f] of fixtures.entries()) {
    const maxRows = Number(/limit(\d+)/.exec(f)?.[1] ?? 1000);
    if (maxRows !== 1000) {
      const res = await app.fetch(`/v1/tenant/${tenants[i]}/upload-config`, {
        method: 'PUT', headers: { authorization: `Bearer ${tokens.state}`, 'content-type': 'application/json' },
        body: JSON.stringify({ maxRows }),
      });
      assert.equal(res.status, 200, await res.text());
    }
    const bytes = readFileSync(join(DATA, f));
    const r = await upload(app, tokens.state, bytes, { tenantId: tenants[i], fileName: f });
    for (const locale of ['en_IN', 'hi_IN']) {
      const cli = enrol(['validate', join(DATA, f), '--format', 'json', '--locale', locale, '--today', today(),
        '--max-rows', String(maxRows)]);
      assert.ok(cli.status === 0 || cli.status === 1, `${f}: enrol validate exited ${cli.status}: ${cli.stderr}`);
      const native = JSON.parse(cli.stdout);
      const s = locale === 'en_IN' ? r : await get(app, `/v1/upload/status/${r.body.processId}?locale=${locale}`, tokens.state);
      assert.ok(s.body?.failureResult, `${f}: ${s.raw?.slice(0, 300)}`);
      assert.deepEqual(s.body.failureResult, native.issues, `${f} (${locale}): the Worker's issues are the CLI's`);
      const errors = native.issues.some((x) => x.severity === 'error');
      assert.equal(s.body.status, errors ? 'FAILED' : 'COMPLETED', `${f}: ${s.raw?.slice(0, 300)}`);
      assert.equal(s.body.counts.rows, native.rows, `${f}: rows`);
      if (locale === 'en_IN') assert.equal(r.status, errors ? 422 : 200, f);
    }
  }
});
