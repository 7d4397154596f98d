// The upload's and the SMS sender's benchmark (make bench), against a local Worker on 127.0.0.1:
// - POST /v1/user/upload to COMPLETED (validation, checks against D1, the one batch, the status answer) for
//   1,000 rows, beside the bare batch that writes the same rows in the same Worker (POST /__bench/upload-batch,
//   present only with ENROL_BENCH=1); 10,000 rows in one atomic upload; 100,000 rows reported. Runs alternate
//   the two, each into a tenant of its own (so no run clashes with another); medians.
// - 1,000 welcome messages from the upload's commit to the last one accepted by a stand-in MSG91 on 127.0.0.1,
//   with the provider healthy and with it failing each message once (HTTP 500, then success).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { enrol, spawnApp } from '../tests/helpers.mjs';
import { providerServer } from '../tests/api/provider_server.mjs';

const OUT = process.argv[2];
const PASSWORD = 'bench-Password-1';
const dir = mkdtempSync(join(tmpdir(), 'enrol-bench-upload-'));
const hooks = [];
const t = { after: (f) => hooks.push(f) }; // the harness's test context, for the stand-in provider

function file(rows, seed) {
  const r = enrol(['gen', '--rows', String(rows), '--error-rate', '0', '--seed', String(seed)]);
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

async function start(vars) {
  const app = await spawnApp(null, { vars });
  const seed = join(dir, 'seed.sql');
  writeFileSync(seed, enrol(['seed-sql', '--password', PASSWORD]).stdout);
  await app.sqlFile(seed);
  const res = await app.fetch('/user/oauth/token', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `username=admin&password=${PASSWORD}&grant_type=password&tenantId=pb.demo&userType=EMPLOYEE`,
  });
  const token = (await res.json()).access_token;
  // Every tenant of the bench sits under pb.demo, whose row limit is raised to the maximum.
  const put = await app.fetch('/v1/tenant/pb.demo/upload-config', {
    method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ maxRows: 100000 }),
  });
  if (put.status !== 200) throw new Error(`upload-config: ${put.status} ${await put.text()}`);
  return { app, token };
}

let tenants = 0;
async function tenant(app) {
  const id = `pb.demo.t${++tenants}`;
  await app.sql(`INSERT INTO tenants (id, name, parent_id) VALUES ('${id}', '${id}', 'pb.demo')`);
  return id;
}

async function upload(app, token, csv, tenantId) {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'bench.csv');
  form.append('tenantId', tenantId);
  const t0 = performance.now();
  const res = await app.fetch('/v1/user/upload', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const body = await res.json();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`upload answered ${res.status}: ${JSON.stringify(body).slice(0, 400)}`);
  return { ms, body };
}

async function bare(app, csv, tenantId) {
  const t0 = performance.now();
  const res = await app.fetch(`/__bench/upload-batch?tenantId=${tenantId}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`bare batch answered ${res.status}: ${JSON.stringify(body).slice(0, 400)}`);
  return { ms: performance.now() - t0, batchMs: body.batchMs };
}

// `node bench/upload.mjs OUT 10000` measures one size only (when tuning); the full run measures all three.
const SIZES = [[1000, 7], [10000, 3], [100000, 1]].filter(([n]) => !process.argv[3] || String(n) === process.argv[3]);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const f = (n, d = 0) => n.toFixed(d);

async function uploads() {
  // Messages are not sent here (ENROL_TEST_SKIP_ENQUEUE): the sender would share the CPU with the next run.
  const { app, token } = await start({ ENROL_BENCH: '1', ENROL_TEST_SKIP_ENQUEUE: '1' });
  try {
    const out = {};
    for (const [rows, runs] of SIZES) {
      const csv = file(rows, 20261201);
      const up = [];
      const base = [];
      for (let i = 0; i < runs; i++) {
        up.push(await upload(app, token, csv, await tenant(app)));
        base.push(await bare(app, csv, await tenant(app)));
      }
      out[rows] = { bytes: csv.length, up: median(up.map((x) => x.ms)), bare: median(base.map((x) => x.ms)),
        batch: median(base.map((x) => x.batchMs)), created: up[0].body.counts.created, all: up.map((x) => f(x.ms)).join(', ') };
    }
    return out;
  } finally {
    app.stop();
  }
}

async function sms() {
  const provider = await providerServer(t);
  const { app, token } = await start(provider.vars('msg91', { SMS_RETRY_BASE_SECONDS: '1', SMS_RETRY_MAX_SECONDS: '1', SMS_TIMEOUT_MS: '10000' }));
  try {
    const csv = file(1000, 7);
    const out = {};
    for (const mode of ['ok', 'fail-first-500']) {
      const times = [];
      for (let run = 0; run < 3; run++) {
        provider.reset();
        provider.mode(mode);
        const { body } = await upload(app, token, csv, await tenant(app));
        const t0 = performance.now(); // the answer comes after the commit; the enqueue runs after it
        while (provider.received.length < body.counts.created) {
          if (performance.now() - t0 > 120_000) throw new Error(`${mode}: ${provider.received.length} of ${body.counts.created} after 120 s`);
          await new Promise((r) => setTimeout(r, 20));
        }
        const last = Math.max(...provider.received.map((m) => m.at));
        const seconds = (last - (Date.now() - (performance.now() - t0))) / 1000;
        const twice = provider.received.length - new Set(provider.received.map((m) => m.to)).size;
        if (twice) throw new Error(`${mode}: ${twice} messages arrived twice`);
        times.push(seconds);
      }
      out[mode] = { seconds: median(times), all: times.map((x) => f(x, 2)).join(', '), n: 1000 };
    }
    return out;
  } finally {
    app.stop();
    for (const h of hooks) await h();
  }
}

const up = await uploads();
if (process.argv[3]) {
  const r = up[process.argv[3]];
  console.log(`${process.argv[3]} rows: upload ${f(r.up)} ms, bare ${f(r.bare)} ms (batch ${f(r.batch)} ms); runs ${r.all}`);
  process.exit(0);
}
const s = await sms();
const lines = [
  'Local Worker (wrangler dev, workerd, local D1, local queue) on 127.0.0.1; files from `enrol gen --error-rate 0`;',
  'each run into a tenant of its own; medians (every run listed in the notes).',
  '',
  '| figure | enrol | baseline | ratio | goal | met? |',
  '|---|---|---|---|---|---|',
  `| 1,000 rows: POST /v1/user/upload to COMPLETED vs the bare batch of the same rows, ms | ${f(up[1000].up)} | ${f(up[1000].bare)} | ${f(up[1000].up / up[1000].bare, 2)}× | ≤ 3× | ${up[1000].up / up[1000].bare <= 3 ? 'yes' : '**no**'} |`,
  `| 10,000 rows in one atomic upload, ms | ${f(up[10000].up)} | ${f(up[10000].bare)} | ${f(up[10000].up / up[10000].bare, 2)}× | < 2,000 ms | ${up[10000].up < 2000 ? 'yes' : '**no**'} |`,
  `| 100,000 rows in one atomic upload, ms | ${f(up[100000].up)} | ${f(up[100000].bare)} | ${f(up[100000].up / up[100000].bare, 2)}× | (reported) | — |`,
  `| 1,000 welcome SMS, commit to the last accepted by the provider (healthy), s · messages/s | ${f(s.ok.seconds, 2)} · ${f(1000 / s.ok.seconds)} | — | — | ≥ 100/s | ${1000 / s.ok.seconds >= 100 ? 'yes' : '**no**'} |`,
  `| 1,000 welcome SMS, each failing once (500, then success), s · messages/s | ${f(s['fail-first-500'].seconds, 2)} · ${f(1000 / s['fail-first-500'].seconds)} | — | — | (reported) | — |`,
  '',
  `- Upload runs, ms: 1,000 rows ${up[1000].all}; 10,000 rows ${up[10000].all}; 100,000 rows ${up[100000].all}. ` +
    `The bare batch's own time inside the Worker (median): ${f(up[1000].batch)} / ${f(up[10000].batch)} / ${f(up[100000].batch)} ms.`,
  `- Files: ${up[1000].bytes.toLocaleString('en-US')} / ${up[10000].bytes.toLocaleString('en-US')} / ${up[100000].bytes.toLocaleString('en-US')} bytes; every upload created every row (${up[1000].created} of 1,000 in the first run).`,
  `- SMS runs, s: healthy ${s.ok.all}; failing once ${s['fail-first-500'].all} (retry delay 1 s, plus the queue's 1 s batch timeout). No message arrived twice.`,
  '',
];
const text = lines.join('\n');
process.stdout.write(text);
if (OUT) {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'upload.md'), text);
}
