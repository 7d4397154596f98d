// The day after, at scale (issue 17's benchmarks), against a local Worker on 127.0.0.1 (workerd, local D1):
// - a tenant of 100,000 people, made by the upload path (10 uploads of 10,000 into village tenants under
//   pb.demo), then given a day after's variety in D1 (30% logged in, a tenth of those with their own password,
//   5% of messages failed, 2% delivered, 20 locked, 50 inactive);
// - each search of the People view, a page of 50: p50 and p99 of RUNS requests after 3 to warm up, and SQLite's
//   plan for its query (`/__bench/people-plan`, ENROL_BENCH=1): whether it searches an index or scans;
// - the funnel of the whole tenant and of one upload of 10,000: median of RUNS;
// - a bulk re-send of 1,000 people (a second Worker, its queue on, a stand-in MSG91 on 127.0.0.1): from the
//   request to the last message the provider accepted, messages per second, median of 3.
// `node bench/people.mjs target/bench [people] [runs]` writes target/bench/people.md and prints it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { enrol, spawnApp } from '../tests/helpers.mjs';
import { providerServer } from '../tests/api/provider_server.mjs';
import { rows } from '../tests/api/support.mjs';

const OUT = process.argv[2] ?? 'target/bench';
const PEOPLE = Number(process.argv[3] ?? 100_000);
const RUNS = Number(process.argv[4] ?? 40);
const PER_UPLOAD = Math.min(10_000, PEOPLE);
const BULK = 1_000;
const PASSWORD = 'bench-Password-1';
const hooks = [];
const t = { after: (f) => hooks.push(f) };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

async function json(res) {
  const text = await res.text();
  try { return JSON.parse(text); } catch { throw new Error(`${res.status}: ${text.slice(0, 300)}`); }
}

/** The seeded SYSTEM administrator's token, with uploads of up to PER_UPLOAD rows allowed. */
async function admin(app) {
  const seed = enrol(['seed-sql', '--password', PASSWORD]);
  for (const line of seed.stdout.split('\n').filter((l) => l.trim())) await rows(app, line);
  const res = await app.fetch('/user/oauth/token', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'admin', password: PASSWORD, grant_type: 'password', tenantId: 'pb.demo', userType: 'EMPLOYEE' }),
  });
  const auth = { authorization: `Bearer ${(await json(res)).access_token}` };
  const put = await app.fetch('/v1/tenant/pb.demo/upload-config', {
    method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ maxRows: PER_UPLOAD }),
  });
  if (put.status !== 200) throw new Error(`upload-config: ${put.status} ${await put.text()}`);
  return auth;
}

/** Uploads `n` people into village tenants of pb.demo; answers the uploads' process ids and file names. */
async function people(app, auth, n, seed0 = 0) {
  const done = [];
  for (let k = 1; done.length * PER_UPLOAD < n; k++) {
    const tenantId = `pb.demo.v${seed0 + k}`;
    await rows(app, `INSERT INTO tenants (id, name, parent_id) VALUES ('${tenantId}', 'Village ${seed0 + k}', 'pb.demo')`);
    const size = Math.min(PER_UPLOAD, n - done.length * PER_UPLOAD);
    const gen = enrol(['gen', '--rows', String(size), '--error-rate', '0', '--seed', String(seed0 + k)]);
    const form = new FormData();
    const fileName = `village-${seed0 + k}.csv`;
    form.append('file', new Blob([gen.stdout], { type: 'text/csv' }), fileName);
    form.append('tenantId', tenantId);
    const res = await app.fetch('/v1/user/upload', { method: 'POST', headers: auth, body: form });
    const body = await json(res);
    if (res.status !== 200) throw new Error(`upload ${k}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    done.push({ processId: body.processId, fileName });
    process.stderr.write(`upload ${k}: ${size} people\n`);
  }
  return done;
}

async function timed(app, auth, path) {
  const t0 = performance.now();
  const res = await app.fetch(path, { headers: auth });
  const body = await json(res);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
  return [performance.now() - t0, body];
}

async function measure(app, auth, path) {
  for (let i = 0; i < 3; i++) await timed(app, auth, path);
  const ms = [];
  let body;
  for (let i = 0; i < RUNS; i++) [ms[i], body] = await timed(app, auth, path);
  return { p50: pct(ms, 0.5), p99: pct(ms, 0.99), body };
}

async function searches(lines) {
  const app = await spawnApp(null, { vars: { ENROL_BENCH: '1', ENROL_TEST_SKIP_ENQUEUE: '1' } });
  try {
    const auth = await admin(app);
    const uploads = await people(app, auth, PEOPLE);
    // The day after's variety, written as the Worker would have written it.
    for (const sql of [
      "UPDATE users SET first_login_at = created_at + 3600 WHERE upload_id IS NOT NULL AND id % 10 < 3",
      'UPDATE users SET own_password_at = first_login_at + 60 WHERE first_login_at IS NOT NULL AND id % 30 = 0',
      "UPDATE outbox SET state = CASE WHEN id % 20 = 0 THEN 'failed' WHEN id % 50 = 1 THEN 'delivered' ELSE 'sent' END, credential = NULL",
      'UPDATE users SET account_locked = 1 WHERE id IN (SELECT id FROM users WHERE upload_id IS NOT NULL ORDER BY id LIMIT 20 OFFSET 5000)',
      'UPDATE users SET active = 0 WHERE id IN (SELECT id FROM users WHERE upload_id IS NOT NULL ORDER BY id LIMIT 50 OFFSET 20000)',
    ]) await rows(app, sql);
    const [someone] = await rows(app, `SELECT name, mobile_number, user_name FROM users WHERE upload_id IS NOT NULL ORDER BY id LIMIT 1 OFFSET ${Math.floor(PEOPLE * 0.54)}`);
    const base = '/v1/people?tenantId=pb.demo&limit=50';
    const first = await timed(app, auth, base);
    const cases = [
      ['everyone', ''],
      ['everyone, second page (cursor)', `&cursor=${first[1].next}`],
      ['not logged in (0 days)', '&filter=not-logged-in&days=0'],
      ['message not sent', '&filter=not-sent'],
      ['message not delivered', '&filter=not-delivered'],
      ['no own password', '&filter=no-own-password'],
      ['locked (20)', '&filter=locked'],
      ['inactive (50)', '&filter=inactive'],
      ['from one upload (file name)', `&upload=${uploads[Math.min(4, uploads.length - 1)].fileName}`],
      ['from one upload, not logged in', `&upload=${uploads[Math.min(4, uploads.length - 1)].processId}&filter=not-logged-in`],
      ['a name\'s first letters', `&q=${encodeURIComponent(someone.name.slice(0, 4))}`],
      ['a mobile number', `&q=${someone.mobile_number}`],
      ['a user name', `&q=${encodeURIComponent(someone.user_name)}`],
    ];
    lines.push(`A tenant of ${PEOPLE.toLocaleString('en')} people (pb.demo and its ${uploads.length} villages), a page of 50, ${RUNS} requests each after 3 to warm up; the plan is SQLite's for the list's query (users \`u\`).`, '',
      '| search | p50 ms | p99 ms | found | plan of the list\'s query |', '|---|---|---|---|---|');
    for (const [what, qs] of cases) {
      const m = await measure(app, auth, base + qs);
      const plan = (await timed(app, auth, `/__bench/people-plan?tenantId=pb.demo${qs}`))[1].plan;
      const main = plan.filter((p) => / u\b| u USING/.test(p)).join('; ');
      lines.push(`| ${what} | ${m.p50.toFixed(1)} | ${m.p99.toFixed(1)} | ${m.body.people.length}${m.body.next ? '+' : ''} | ${main} |`);
      process.stderr.write(`${what}: p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms\n`);
    }
    lines.push('', '| funnel | median ms | p99 ms |', '|---|---|---|');
    for (const [what, qs] of [['the whole tenant', ''], [`one upload of ${PER_UPLOAD.toLocaleString('en')}`, `&processId=${uploads[Math.min(4, uploads.length - 1)].processId}`]]) {
      const m = await measure(app, auth, `/v1/onboarding/funnel?tenantId=pb.demo${qs}`);
      lines.push(`| ${what} (${m.body.created.toLocaleString('en')} created, ${m.body.loggedIn.toLocaleString('en')} logged in) | ${m.p50.toFixed(1)} | ${m.p99.toFixed(1)} |`);
      process.stderr.write(`funnel ${what}: ${m.p50.toFixed(1)} ms\n`);
    }
  } finally {
    await app.stop();
  }
}

async function resend(lines, label = 'this build', worker = undefined) {
  const provider = await providerServer(t);
  const app = await spawnApp(null, { vars: provider.vars('msg91', { RESEND_PER_DAY: '10' }), worker });
  try {
    const auth = await admin(app);
    const [up] = await people(app, auth, BULK, 100);
    const settled = async () => (await rows(app, "SELECT count(*) AS n FROM outbox WHERE state IN ('pending', 'sending')"))[0].n === 0;
    for (let i = 0; !(await settled()); i++) {
      if (i > 600) throw new Error('the welcome messages did not settle in 5 minutes');
      await new Promise((r) => setTimeout(r, 500));
    }
    const rates = [];
    for (let run = 0; run < 3; run++) {
      const before = provider.received.length;
      const filter = { tenantId: 'pb.demo', upload: up.processId };
      const headers = { ...auth, 'content-type': 'application/json' };
      const t0 = performance.now();
      const res = await app.fetch('/v1/people/_reissue', { method: 'POST', headers, body: JSON.stringify({ filter, confirm: BULK }) });
      const body = await json(res);
      if (res.status !== 200 || body.count !== BULK) throw new Error(`re-send: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      while (provider.received.length < before + BULK) {
        if (performance.now() - t0 > 300_000) throw new Error(`${provider.received.length - before} of ${BULK} after 5 minutes`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const seconds = (performance.now() - t0) / 1000;
      rates.push(BULK / seconds);
      process.stderr.write(`re-send ${run + 1} (${label}): ${BULK} in ${seconds.toFixed(2)} s\n`);
      while (!(await settled())) await new Promise((r) => setTimeout(r, 200));
    }
    lines.push('', `| bulk re-send of ${BULK.toLocaleString('en')} people (one request, a filter), ${label} | median of 3 |`, '|---|---|',
      `| messages the stand-in provider accepted, per second, from the request to the last | ${pct(rates, 0.5).toFixed(0)} (runs: ${rates.map((r) => r.toFixed(0)).join(', ')}) |`);
  } finally {
    await app.stop();
    for (const f of hooks.splice(0)) await f();
  }
}

const lines = [];
// RESEND_ONLY=1 skips the searches; BEFORE_WORKER=DIR (a copy of an earlier crates/api/build/) measures the
// re-send with that build too, alternating with this one.
if (!process.env.RESEND_ONLY) await searches(lines);
for (let round = 0; round < (process.env.BEFORE_WORKER ? 2 : 1); round++) {
  if (process.env.BEFORE_WORKER) await resend(lines, `the build in ${process.env.BEFORE_WORKER}`, process.env.BEFORE_WORKER);
  await resend(lines);
}
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'people.md'), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
