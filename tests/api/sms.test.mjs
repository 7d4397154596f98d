// SMS delivery end to end: the real Worker, its D1 and its local queue, and a stand-in provider on 127.0.0.1
// that speaks MSG91's, Twilio's and SendGrid's APIs. Every welcome reaches the provider exactly once with the
// right variables, whatever the provider does in between; the credential is erased once it is accepted; what
// the queue gives up on ends failed, with the reason, in the upload's status; a lost enqueue is made good by
// the sweep; delivery reports move the counts and forged ones change nothing; and no one-time password ever
// reaches the Worker's log.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { spawnApp } from '../helpers.mjs';
import { login, rows, seedWorld } from './support.mjs';
import { devVars, get, upload } from './upload_support.mjs';
import { TWILIO_TOKEN, providerServer, until } from './provider_server.mjs';

/** A name for person `i` (names are letters only): Pa, Pb, … Paa, … */
const nameOf = (i) => `P${i.toString(26).split('').map((d) => String.fromCharCode(97 + parseInt(d, 26))).join('')}`;

/** A sheet of `n` people with phones 98765400{i} (and a language column). */
function people(n, { language = '', from = 0 } = {}) {
  const lines = ['firstName,lastName,phone,language'];
  for (let i = 0; i < n; i++) lines.push(`${nameOf(i + from)},Kumar,${9876540000 + i + from},${language}`);
  return lines.join('\n') + '\n';
}

/** Waits until the upload's messages are all settled (none queued) and returns its status. */
async function settled(app, token, processId, ms = 60_000) {
  return until(async () => {
    const s = await get(app, `/v1/upload/status/${processId}`, token);
    return s.body.sms.queued === 0 ? s.body : null;
  }, ms, 'every message to be sent or failed');
}

function exactlyOnce(received, n, what) {
  const per = new Map();
  for (const r of received) per.set(r.to, (per.get(r.to) ?? 0) + 1);
  assert.equal(per.size, n, `${what}: ${n} people reached`);
  for (const [to, k] of per) assert.equal(k, 1, `${what}: ${to} got ${k} messages`);
}

test('a clean upload of 30: each welcome reaches MSG91 exactly once with its variables, and the credential is erased', async (t) => {
  const provider = await providerServer(t);
  const app = await spawnApp(t, { vars: provider.vars('msg91') });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const r = await upload(app, tokens.gpDemo, people(30));
  assert.equal(r.status, 200, r.raw);
  const s = await settled(app, tokens.gpDemo, r.body.processId);
  assert.deepEqual(s.sms, { queued: 0, sent: 30, delivered: 0, failed: 0 });
  exactlyOnce(provider.received, 30, 'healthy');
  const byPhone = Object.fromEntries(provider.received.map((m) => [m.to, m.fields]));
  const m = byPhone['919876540007'];
  assert.equal(m.template_id, 'REPLACE-WELCOME-ENIN');
  assert.equal(m.short_url, '0');
  assert.equal(m.CRQID.startsWith('enrol-'), true);
  const v = m.recipients[0];
  assert.deepEqual(Object.keys(v).sort(), ['link', 'mobiles', 'name', 'password', 'user']);
  assert.equal(v.name, `${nameOf(7)} Kumar`);
  assert.equal(v.user, '9876540007');
  assert.match(v.password, /^[A-HJ-NP-Za-km-z2-9]{12}$/);
  for (const x of Object.values(v)) assert.ok(x.length <= 40, `MSG91 variables are at most 40 characters: ${x}`);
  // The credential column is empty for every accepted row.
  const left = await rows(app, "SELECT count(*) AS n FROM outbox WHERE credential IS NOT NULL OR state != 'sent'");
  assert.equal(left[0].n, 0);
  // The link opens the login page with the login id and tenant filled in; the password logs in.
  const link = await app.fetch(new URL(v.link).pathname, { redirect: 'manual' });
  assert.equal(link.status, 302);
  assert.equal(link.headers.get('location'), '/login?user=9876540007&tenant=pb.demo&lang=en_IN');
  assert.equal((await login(app, '9876540007', v.password)).status, 200);
  assert.equal((await app.fetch('/l/NOSUCHCODE', { redirect: 'manual' })).headers.get('location'), '/login');
  // No one-time password ever reached the Worker's log.
  const log = app.log();
  for (const x of provider.received) assert.ok(!log.includes(x.fields.recipients[0].password), 'a password in the log');
});

test('a provider that is down for a while, answers 429 every other time, or 500 first: every message arrives exactly once', async (t) => {
  for (const mode of ['down', 'every-other-429', 'fail-first-500']) {
    await t.test(mode, async (t) => {
      const provider = await providerServer(t);
      const app = await spawnApp(t, { vars: provider.vars('msg91') });
      const { tokens } = await seedWorld(t, app, ['gpDemo']);
      provider.mode(mode);
      const r = await upload(app, tokens.gpDemo, people(12));
      assert.equal(r.status, 200, r.raw);
      if (mode === 'down') {
        // Polled on the stand-in, not in D1: a second handle reading D1 while the Worker writes can find it busy.
        await until(() => provider.hits() >= 12, 30_000, 'failed attempts while down');
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        assert.equal(provider.received.length, 0, 'nothing got through while down');
        provider.mode('ok');
      }
      let s;
      try {
        s = await settled(app, tokens.gpDemo, r.body.processId);
      } catch (e) {
        console.log(JSON.stringify(await rows(app, 'SELECT id, state, attempts, last_error, due_at, updated_at FROM outbox')));
        console.log(app.log().slice(-4000));
        throw e;
      }
      assert.equal(s.sms.sent, 12, JSON.stringify(s.sms));
      exactlyOnce(provider.received, 12, mode);
      if (mode === 'fail-first-500') assert.equal(provider.attempts.length, 24, 'each tried twice');
      const [max] = await rows(app, 'SELECT min(attempts) AS lo, max(attempts) AS hi FROM outbox');
      assert.ok(max.hi >= 2, `retried: ${JSON.stringify(max)}`);
    });
  }
});

test('a permanent refusal marks the row failed with the provider\'s reason, without retrying', async (t) => {
  const provider = await providerServer(t);
  const app = await spawnApp(t, { vars: provider.vars('twilio') });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  provider.mode('refuse');
  const r = await upload(app, tokens.gpDemo, people(3));
  const s = await settled(app, tokens.gpDemo, r.body.processId);
  assert.deepEqual(s.sms, { queued: 0, sent: 0, delivered: 0, failed: 3 });
  for (const x of s.successResult) {
    assert.equal(x.message.state, 'failed');
    assert.match(x.message.error, /Twilio refused: 21211/);
  }
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  assert.equal(provider.attempts.length, 3, 'one attempt each: no retry');
  assert.equal((await rows(app, 'SELECT count(*) AS n FROM outbox WHERE credential IS NOT NULL'))[0].n, 0);
});

test('a message the queue gives up on ends failed with the dead-letter reason in the upload\'s status; one accepted meanwhile is untouched', async (t) => {
  // The queue gives up after 2 deliveries (max_retries = 1) instead of 101, long before the sender's own
  // give-up (SMS_GIVE_UP_SECONDS): so the reason can only come from the dead-letter queue's consumer.
  const DEAD_LETTER = 'the queue gave up on it after its retries';
  const provider = await providerServer(t);
  const app = await spawnApp(t, { vars: provider.vars('msg91'), queues: { 'enrol-sms': { max_retries: 1, retry_delay: 1 } } });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  provider.mode('always-500', { spare: ['919876540003'] });
  const r = await upload(app, tokens.gpDemo, people(4));
  assert.equal(r.status, 200, r.raw);
  // Waited for on wrangler's log of each dead-letter batch ("QUEUE enrol-sms-dlq acked/total"), not on the rows:
  // a consumer that leaves them queued fails here at once, with the counts to show it.
  const deadLetters = () => [...app.log().matchAll(/QUEUE enrol-sms-dlq \d+\/(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  await until(() => deadLetters() >= 3, 30_000, 'the dead-letter queue\'s consumer to take three messages');
  const { body: s } = await get(app, `/v1/upload/status/${r.body.processId}`, tokens.gpDemo);
  assert.deepEqual(s.sms, { queued: 0, sent: 1, delivered: 0, failed: 3 });
  for (const x of s.successResult) {
    if (x.userName === '9876540003') assert.deepEqual(x.message, { channel: 'sms', state: 'sent', error: null });
    else assert.deepEqual(x.message, { channel: 'sms', state: 'failed', error: DEAD_LETTER }, x.userName);
  }
  const outbox = await rows(app, 'SELECT recipient, state, attempts, last_error, credential, provider_id FROM outbox ORDER BY id');
  assert.equal(outbox.length, 4);
  for (const o of outbox) {
    assert.equal(o.credential, null, `${o.recipient}: the credential is erased`);
    if (o.recipient === '9876540003') {
      assert.deepEqual([o.state, o.attempts, o.last_error], ['sent', 1, null], 'the accepted message is untouched');
      assert.ok(o.provider_id);
    } else {
      assert.deepEqual([o.state, o.attempts, o.last_error], ['failed', 2, DEAD_LETTER], o.recipient);
    }
  }
  // The queue, not the sender, gave up: two deliveries each, then the dead-letter queue.
  const tries = (to) => provider.attempts.filter((a) => a.to === to).length;
  for (const i of [0, 1, 2]) assert.equal(tries(`91987654000${i}`), 2, `987654000${i} tried twice`);
  assert.equal(tries('919876540003'), 1);
  assert.equal(app.log().match(/to dead letter queue "enrol-sms-dlq" after 2 failed attempts/g)?.length, 3, app.log().slice(-3000));
});

test('the enqueue after the commit is lost: the cron sweep delivers everything', async (t) => {
  const provider = await providerServer(t);
  const app = await spawnApp(t, { vars: provider.vars('msg91', { ENROL_TEST_SKIP_ENQUEUE: '1', SMS_SWEEP_AFTER_SECONDS: '1' }) });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const r = await upload(app, tokens.gpDemo, people(5));
  assert.equal(r.status, 200, r.raw);
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  assert.equal(provider.received.length, 0, 'nothing was sent without the enqueue');
  assert.equal(await app.scheduled(), 'ok');
  const s = await settled(app, tokens.gpDemo, r.body.processId);
  assert.equal(s.sms.sent, 5);
  exactlyOnce(provider.received, 5, 'swept');
  // A second sweep finds nothing to do: no message twice.
  await app.scheduled();
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  exactlyOnce(provider.received, 5, 'swept twice');
});

test('Twilio: Hindi and Punjabi welcomes as Unicode in at most two parts; signed delivery reports move the counts, forged ones do not', async (t) => {
  const provider = await providerServer(t);
  const app = await spawnApp(t, { vars: provider.vars('twilio') });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const hi = await upload(app, tokens.gpDemo, people(2, { language: 'Hindi' }));
  const pa = await upload(app, tokens.gpDemo, people(2, { language: 'Punjabi', from: 10 }));
  const en = await upload(app, tokens.gpDemo, people(1, { from: 20 }));
  for (const r of [hi, pa, en]) await settled(app, tokens.gpDemo, r.body.processId);
  const parts = (s) => (/^[\x00-\x7f]*$/.test(s) ? (s.length <= 160 ? 1 : Math.ceil(s.length / 153)) : (s.length <= 70 ? 1 : Math.ceil(s.length / 67)));
  const bodies = provider.received.map((m) => m.fields.Body);
  assert.equal(bodies.length, 5);
  assert.ok(bodies.some((b) => b.includes('पासवर्ड')) && bodies.some((b) => b.includes('ਪਾਸਵਰਡ')));
  for (const b of bodies) assert.ok(parts(b) <= 2, `${parts(b)} parts: ${b}`);
  for (const m of provider.received) {
    assert.match(m.fields.To, /^\+919876540\d{3}$/);
    assert.equal(m.fields.StatusCallback, 'http://127.0.0.1:8787/v1/sms/dlr/twilio');
  }
  const [one] = await rows(app, "SELECT provider_id FROM outbox WHERE recipient = '9876540000'");
  const url = 'http://127.0.0.1:8787/v1/sms/dlr/twilio';
  const sign = (params, token = TWILIO_TOKEN) => createHmac('sha1', token)
    .update(url + Object.keys(params).sort().map((k) => k + params[k]).join('')).digest('base64');
  const report = (params, signature) => app.fetch('/v1/sms/dlr/twilio', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  const before = await rows(app, 'SELECT id, state, last_error FROM outbox ORDER BY id');
  const delivered = { MessageSid: one.provider_id, MessageStatus: 'delivered', AccountSid: 'AC1', To: '+919876540000', ApiVersion: '2010-04-01' };
  assert.equal((await report(delivered, sign(delivered, 'wrong-token'))).status, 401, 'signed with another token');
  assert.equal((await report(delivered, '')).status, 401, 'unsigned');
  assert.equal((await report({ ...delivered, To: '+910000000000' }, sign(delivered))).status, 401, 'altered after signing');
  const unknown = { ...delivered, MessageSid: 'SM00000000000000000000000000000000' };
  assert.equal((await report(unknown, sign(unknown))).status, 404);
  assert.deepEqual(await rows(app, 'SELECT id, state, last_error FROM outbox ORDER BY id'), before, 'forged reports changed nothing');
  assert.equal((await report(delivered, sign(delivered))).status, 200);
  const s = await get(app, `/v1/upload/status/${hi.body.processId}`, tokens.gpDemo);
  assert.deepEqual(s.body.sms, { queued: 0, sent: 1, delivered: 1, failed: 0 });
  // A late "failed" report does not undo "delivered".
  const late = { ...delivered, MessageStatus: 'undelivered', ErrorCode: '30003' };
  assert.equal((await report(late, sign(late))).status, 200);
  assert.equal((await rows(app, `SELECT state FROM outbox WHERE provider_id = '${one.provider_id}'`))[0].state, 'delivered');
});

test('MSG91 delivery reports (v2 form and v3 JSON) behind the URL secret; email for people without a phone; re-issue', async (t) => {
  const provider = await providerServer(t);
  const app = await spawnApp(t, { vars: provider.vars('msg91') });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const csv = 'firstName,phone,email,userName\nAsha,9876541000,,\nRavi,9876541001,,\nMeena,,meena@gp.example.in,meena.k\n';
  const r = await upload(app, tokens.gpDemo, csv);
  await settled(app, tokens.gpDemo, r.body.processId);
  const email = provider.received.find((m) => m.provider === 'sendgrid');
  assert.equal(email?.to, 'meena@gp.example.in');
  const text = email.fields.content[0].value;
  const password = /one-time password (\S+),/.exec(text)?.[1];
  assert.ok(password, text);
  assert.equal((await login(app, 'meena.k', password)).status, 200, 'the emailed password logs in');

  const ids = await rows(app, "SELECT id, provider_id, recipient FROM outbox WHERE channel = 'sms' ORDER BY id");
  const secret = devVars().SMS_DLR_SECRET;
  const before = await rows(app, 'SELECT id, state FROM outbox ORDER BY id');
  const v2 = (reports) => new URLSearchParams({ data: JSON.stringify(reports) }).toString();
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const deliveredReport = v2([{ requestId: ids[0].provider_id, report: [{ status: '1', desc: 'DELIVERED', number: '919876541000' }] }]);
  assert.equal((await app.fetch('/v1/sms/dlr/msg91/not-the-secret-at-all', { method: 'POST', headers: form, body: deliveredReport })).status, 401);
  const unknown = v2([{ requestId: 'ffffffffffffffffffffffff', report: [{ status: '1' }] }]);
  assert.equal((await app.fetch(`/v1/sms/dlr/msg91/${secret}`, { method: 'POST', headers: form, body: unknown })).status, 404);
  assert.deepEqual(await rows(app, 'SELECT id, state FROM outbox ORDER BY id'), before, 'forged reports changed nothing');
  assert.equal((await app.fetch(`/v1/sms/dlr/msg91/${secret}`, { method: 'POST', headers: form, body: deliveredReport })).status, 200);
  const v3 = { requestId: ids[1].provider_id, CRQID: `enrol-${ids[1].id}`, status: '17', desc: 'BLOCKED' };
  const res = await app.fetch(`/v1/sms/dlr/msg91/${secret}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(v3) });
  assert.equal(res.status, 200, await res.text());
  const s = await get(app, `/v1/upload/status/${r.body.processId}`, tokens.gpDemo);
  assert.deepEqual(s.body.sms, { queued: 0, sent: 1, delivered: 1, failed: 1 });
  assert.equal(s.body.successResult[1].message.error, 'MSG91 status 17: blocked number');

  // Re-issue: a new one-time password by a new SMS; the old one stops working.
  const asha = s.body.successResult[0];
  const old = provider.received.find((m) => m.to === '919876541000').fields.recipients[0].password;
  assert.equal((await post(app, `/v1/user/${asha.uuid}/reissue`, tokens.gpDemo)).status, 200);
  const fresh = await until(() => provider.received.filter((m) => m.to === '919876541000').length === 2 &&
    provider.received.filter((m) => m.to === '919876541000')[1].fields.recipients[0].password, 30_000, 'the re-issued SMS');
  assert.notEqual(fresh, old);
  assert.equal((await login(app, '9876541000', old)).status, 400);
  assert.equal((await login(app, '9876541000', fresh)).status, 200);
});

/** POSTs to a /v1 path with no body. */
function post(app, path, token) {
  return app.fetch(path, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
}

test('the log provider works only in a local run; elsewhere each message fails with a clear reason', async (t) => {
  const local = await spawnApp(t, { vars: { SMS_PROVIDER: 'log', EMAIL_PROVIDER: 'log', ENROL_LOCAL: '1' } });
  const a = await seedWorld(t, local, ['gpDemo']);
  const r = await upload(local, a.tokens.gpDemo, people(2));
  await settled(local, a.tokens.gpDemo, r.body.processId);
  const logged = await rows(local, 'SELECT recipient, body FROM sms_log ORDER BY outbox_id');
  assert.equal(logged.length, 2);
  assert.match(logged[0].body, /^Hello Pa Kumar, your enrol account is ready\. Open http:\/\/127\.0\.0\.1:8787\/l\/\w{10} and log in as 9876540000/);
  await until(() => local.log().includes('[sms to 9876540001] Hello Pb Kumar'), 10_000, 'the message on the terminal');

  const deployed = await spawnApp(t, { vars: { SMS_PROVIDER: 'log' } });
  const b = await seedWorld(t, deployed, ['gpDemo']);
  const d = await upload(deployed, b.tokens.gpDemo, people(2));
  const s = await settled(deployed, b.tokens.gpDemo, d.body.processId);
  assert.deepEqual(s.sms, { queued: 0, sent: 0, delivered: 0, failed: 2 });
  assert.match(s.successResult[0].message.error, /works only in local runs/);
  assert.equal((await rows(deployed, 'SELECT count(*) AS n FROM sms_log'))[0].n, 0);
});
