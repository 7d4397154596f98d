// How many people one D1 database holds (issue 18 §6), against a local Worker on 127.0.0.1 (workerd, local D1,
// local queue), the SMS provider a stand-in MSG91 on 127.0.0.1 (so the database holds what a deployed one
// would: the `log` provider's message copies exist only in local runs):
// - uploads of 10,000 people each (100,000 in all), every column filled but the password (`enrol gen --full
//   yes`), each into a village tenant of its own, each timed from the request to COMPLETED: people per second
//   (the uploads' own enqueue is off, so that they are timed alone, as in the upload benchmark);
// - then the welcome messages go out through the queue that the cron sweep fills (5,000 a sweep), to the
//   stand-in provider, until SENT (4,000) of them are `sent`: wrangler 4.86's local runtime leaves about four
//   sockets to its own loopback in CLOSE-WAIT for each message sent, and stalls near 5,000 messages at this
//   machine's 20,000 open files (seen three times here), so 100,000 are not sent by one local Worker;
// - before that, a session for 200 of the people (a real login with the one-time password their message will
//   carry, opened from the outbox with the local OUTBOX_KEY as the tests do), so that a session's weight is
//   measured, not guessed;
// - then, in a copy of the D1 file, the bytes of every table and index (SQLite's dbstat, read with Python's
//   sqlite3), minus the empty migrated database, per person: as the Worker left them, and after the rows still
//   pending are set as the sender sets a sent one (state, attempts, the sealed password erased, a provider id of
//   the provider's length) when not every message could be sent in the time.
// `node bench/storage.mjs target/bench [people] [sent]` writes target/bench/storage.md and prints it.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { enrol, spawnApp } from '../tests/helpers.mjs';
import { providerServer } from '../tests/api/provider_server.mjs';
import { rows } from '../tests/api/support.mjs';
import { openCredential } from '../tests/api/upload_support.mjs';

const OUT = process.argv[2] ?? 'target/bench';
const PEOPLE = Number(process.argv[3] ?? 100_000);
const PER_UPLOAD = Math.min(10_000, PEOPLE);
const SENT = Number(process.argv[4] ?? 4_000);
const SESSIONS = Math.min(200, PER_UPLOAD);
const PASSWORD = 'bench-Password-1';
const hooks = [];
const t = { after: (f) => hooks.push(f) }; // the harness's test context, for the stand-in provider
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** The D1 database's SQLite file under a `wrangler dev --persist-to` folder. */
function sqliteFile(persist) {
  const dir = join(persist, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const name = readdirSync(dir).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  return join(dir, name);
}

/** Bytes by table (its indexes counted with it, and apart), from dbstat; the file's pages in all. */
function sizes(file, settle = false) {
  const py = `
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
if sys.argv[2] == "settle":
    # What the sender writes for a message the provider accepted (sms/mod.rs), with MSG91's 24-character id.
    c.execute("UPDATE outbox SET state = 'sent', attempts = attempts + 1, credential = NULL, last_error = NULL, "
              "provider_id = lower(hex(randomblob(12))), updated_at = unixepoch() WHERE state IN ('pending', 'sending')")
    c.commit()
owner = dict(c.execute("SELECT name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index')"))
out = {"tables": {}, "indexes": {}}
for name, size in c.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
    table = owner.get(name, name)
    out["tables"][table] = out["tables"].get(table, 0) + size
    if table != name:
        out["indexes"][table] = out["indexes"].get(table, 0) + size
page = c.execute("PRAGMA page_size").fetchone()[0]
out["file"] = page * c.execute("PRAGMA page_count").fetchone()[0]
out["free"] = page * c.execute("PRAGMA freelist_count").fetchone()[0]
out["rows"] = {n: c.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in
               ["users", "user_roles", "identity_keys", "outbox", "sessions", "uploads"]}
out["sent"] = c.execute("SELECT count(*) FROM outbox WHERE state = 'sent'").fetchone()[0]
print(json.dumps(out))
`;
  const r = spawnSync('python3', ['-c', py, file, settle ? 'settle' : 'as-is'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

async function json(res) {
  const text = await res.text();
  try { return JSON.parse(text); } catch { throw new Error(`${res.status}: ${text.slice(0, 300)}`); }
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const provider = await providerServer(t);
  const app = await spawnApp(null, { vars: provider.vars('msg91', {
    SMS_TIMEOUT_MS: '10000', SMS_RETRY_BASE_SECONDS: '1', SMS_RETRY_MAX_SECONDS: '5',
    // The uploads are timed alone, as in the upload benchmark; the messages then go out through the cron
    // sweep, which puts up to 5,000 overdue pending rows on the queue each time it runs.
    ENROL_TEST_SKIP_ENQUEUE: '1', SMS_SWEEP_AFTER_SECONDS: '120' }) });
  try {
    const empty = sizes(sqliteFile(app.persist));
    const seed = enrol(['seed-sql', '--password', PASSWORD]);
    for (const line of seed.stdout.split('\n').filter((l) => l.trim())) await rows(app, line);
    const login = (username, password, tenantId) => app.fetch('/user/oauth/token', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password, grant_type: 'password', tenantId, userType: 'EMPLOYEE' }),
    });
    const admin = await json(await login('admin', PASSWORD, 'pb.demo'));
    const auth = { authorization: `Bearer ${admin.access_token}` };
    const put = await app.fetch('/v1/tenant/pb.demo/upload-config', {
      method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ maxRows: PER_UPLOAD }),
    });
    if (put.status !== 200) throw new Error(`upload-config: ${put.status} ${await put.text()}`);

    const seconds = [];
    let created = 0;
    let bytes = 0;
    for (let n = 1; created < PEOPLE; n++) {
      const tenantId = `pb.demo.v${n}`;
      await rows(app, `INSERT INTO tenants (id, name, parent_id) VALUES ('${tenantId}', 'Village ${n}', 'pb.demo')`);
      const gen = enrol(['gen', '--rows', String(PER_UPLOAD), '--error-rate', '0', '--seed', String(n), '--full', 'yes']);
      if (gen.status !== 0) throw new Error(gen.stderr);
      bytes += gen.stdout.length;
      const form = new FormData();
      form.append('file', new Blob([gen.stdout], { type: 'text/csv' }), `village-${n}.csv`);
      form.append('tenantId', tenantId);
      const t0 = performance.now();
      const res = await app.fetch('/v1/user/upload', { method: 'POST', headers: auth, body: form });
      const body = await json(res);
      seconds.push((performance.now() - t0) / 1000);
      if (res.status !== 200 || body.counts.created !== PER_UPLOAD) throw new Error(`upload ${n}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      created += body.counts.created;
      process.stderr.write(`upload ${n}: ${PER_UPLOAD} people in ${seconds.at(-1).toFixed(2)} s\n`);
    }

    // Sessions: people of the first village log in with their one-time password, four at a time.
    const queue = await rows(app, `SELECT u.user_name, o.link_code, o.credential FROM outbox o JOIN users u ON u.id = o.user_id
      WHERE u.tenant_id = 'pb.demo.v1' ORDER BY o.id LIMIT ${SESSIONS}`);
    let sessions = 0;
    await Promise.all([1, 2, 3, 4].map(async () => {
      while (queue.length) {
        const r = queue.shift();
        const res = await login(r.user_name, openCredential(r.credential, r.link_code), 'pb.demo.v1');
        if (res.status === 200) sessions++;
        await res.arrayBuffer();
      }
    }));
    if (sessions < SESSIONS) throw new Error(`only ${sessions} of ${SESSIONS} logins succeeded`);

    // The welcome messages through the queue to the stand-in provider, until SENT are sent (or all are).
    const t0 = performance.now();
    let sent = 0;
    let swept = -Infinity; // what was sent when the last sweep ran, and when
    let sweptAt = 0;
    for (;;) {
      const [{ waiting, done }] = await rows(app,
        "SELECT sum(state IN ('pending', 'sending')) AS waiting, sum(state = 'sent') AS done FROM outbox");
      sent = done;
      if (waiting === 0 || sent >= SENT) break;
      if (performance.now() - t0 > 30 * 60_000) throw new Error(`${sent} messages sent after 30 minutes`);
      // A sweep queues 5,000; the next waits until most of them are sent (or a minute has gone by): a local
      // queue with tens of thousands waiting runs workerd out of file descriptors.
      if (sent - swept >= 4_500 || performance.now() - sweptAt > 60_000) {
        [swept, sweptAt] = [sent, performance.now()];
        await app.scheduled().catch((e) => process.stderr.write(`sweep: ${e.message}\n`));
      }
      await new Promise((r) => setTimeout(r, 5_000));
      process.stderr.write(`${sent} sent after ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
    }
    const sendSeconds = (performance.now() - t0) / 1000;
    const states = await rows(app, 'SELECT state, count(*) AS n, sum(attempts > 1) AS retried FROM outbox GROUP BY state');
    process.stderr.write(`messages: ${JSON.stringify(states)} in ${sendSeconds.toFixed(0)} s after the last upload\n`);

    // A copy of the database, measured as left and with every message settled.
    const copy = mkdtempSync(join(tmpdir(), 'enrol-storage-'));
    const source = sqliteFile(app.persist);
    for (const suffix of ['', '-wal', '-shm']) cpSync(`${source}${suffix}`, join(copy, `d1.sqlite${suffix}`));
    const left = sizes(join(copy, 'd1.sqlite'));
    const full = left.rows.outbox === left.sent ? left : sizes(join(copy, 'd1.sqlite'), true);
    const grew = (table) => (full.tables[table] ?? 0) - (empty.tables[table] ?? 0);
    // A login keeps two rows (the access and the refresh token); the administrator logged in once too.
    const logins = sessions + 1;
    const perSession = grew('sessions') / logins;
    const lines = [];
    const people_ = created;
    const tableNames = Object.keys(full.tables).filter((n) => grew(n) > 0).sort((a, b) => grew(b) - grew(a));
    lines.push(`| table (with its indexes) | rows | bytes | of which indexes | bytes per person |`, '|---|---|---|---|---|');
    for (const n of tableNames) {
      const per = n === 'sessions' ? `${perSession.toFixed(0)} per login` : (grew(n) / people_).toFixed(0);
      lines.push(`| ${n} | ${full.rows[n] ?? '—'} | ${grew(n).toLocaleString('en')} | ${((full.indexes[n] ?? 0) - (empty.indexes[n] ?? 0)).toLocaleString('en')} | ${per} |`);
    }
    const withoutSessions = tableNames.filter((n) => n !== 'sessions').reduce((s, n) => s + grew(n), 0) / people_;
    const perPerson = withoutSessions + perSession; // each person with one live session
    const fileGrowth = (full.file - empty.file) / people_;
    const TEN_GB = 10e9;
    const summary = {
      people: people_, uploads: seconds.length, fileBytes: bytes, sessions: full.rows.sessions,
      uploadSeconds: seconds.map((s) => s.toFixed(2)).join(', '), medianUpload: median(seconds),
      peoplePerSecond: PER_UPLOAD / median(seconds), sendSeconds, perPersonNoSession: withoutSessions, perSession,
      perPerson, fileGrowth, peoplePer10GB: TEN_GB / Math.max(perPerson, fileGrowth), file: full.file, free: full.free,
    };
    const settled = full === left ? 'every welcome message sent by the Worker'
      : `${left.sent.toLocaleString('en')} welcome messages sent by the Worker, the other ${(left.rows.outbox - left.sent).toLocaleString('en')} outbox rows then set as the sender sets a sent one, in a copy`;
    const leftPerPerson = Object.keys(left.tables).filter((n) => n !== 'sessions')
      .reduce((sum, n) => sum + (left.tables[n] - (empty.tables[n] ?? 0)), 0) / people_;
    const md = [
      `${people_.toLocaleString('en')} people in ${seconds.length} uploads of ${PER_UPLOAD.toLocaleString('en')} (files of ${(bytes / 1e6).toFixed(1)} MB in all), ${settled}; ${logins} logins (${full.rows.sessions} session rows).`,
      '',
      ...lines,
      '',
      `- bytes per person: ${withoutSessions.toFixed(0)} without a session, ${perPerson.toFixed(0)} with one login's session; the file grew by ${fileGrowth.toFixed(0)} bytes per person (pages, free ${full.free} bytes). As the Worker left it (before the copy's settling): ${leftPerPerson.toFixed(0)} bytes per person without a session.`,
      `- people per 10 GB (10^10 bytes), each with one login's session: ${Math.floor(summary.peoplePer10GB).toLocaleString('en')}.`,
      `- uploads of ${PER_UPLOAD.toLocaleString('en')} people, request to COMPLETED, s: ${summary.uploadSeconds}; median ${median(seconds).toFixed(2)} s, ${summary.peoplePerSecond.toFixed(0)} people/s.`,
      `- ${left.sent.toLocaleString('en')} welcome messages sent in ${sendSeconds.toFixed(0)} s after the last upload answered, through the cron sweep (${states.map((s) => `${s.n} ${s.state}, ${s.retried} of them retried`).join('; ')}).`,
    ].join('\n');
    writeFileSync(join(OUT, 'storage.md'), `${md}\n`);
    writeFileSync(join(OUT, 'storage.json'), `${JSON.stringify({ summary, empty, left, full }, null, 1)}\n`);
    console.log(md);
  } catch (e) {
    process.stderr.write(`the Worker's log, its end:\n${app.log().slice(-4000)}\n`);
    throw e;
  } finally {
    app.stop();
    for (const h of hooks) await h();
  }
}

await main();
