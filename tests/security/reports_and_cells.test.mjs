// Security regression tests (issue 15 §4, issue 19 §3): each one performs an attack of the outside reviews and
// fails when the defence is gone.
// - Delivery reports: a forged report that names only our outbox id settles nothing; delivered and failed are
//   final (never failed → delivered); the provider's free text never reaches what the status shows.
// - The MSG91 report secret rides in the URL path: the run command's terminal filter hides it, and a rotation
//   accepts the previous secret beside the new one.
// - Names: Unicode bidirectional controls and other invisible characters are refused on the DIGIT routes and
//   in the upload; Devanagari's zero-width joiners are not.
// - CSV cells: every cell a spreadsheet would run as a formula is neutralised in the CSVs enrol writes, and
//   flagged by the validator, by one table shared with enrol-core's unit test.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Papa from 'papaparse';
import { DATA, ROOT, spawnApp } from '../helpers.mjs';
import { assertError, newUser, post, rows, seedWorld } from '../api/support.mjs';
import { devVars, get, upload } from '../api/upload_support.mjs';
import { TWILIO_TOKEN, providerServer, until } from '../api/provider_server.mjs';
import { csvBlob, csvCell } from '../../www/csv.js';

const CREATE = '/user/users/_createnovalidate';

/** Whether the CSV writer neutralised `cell`: a quote before it, and the whole cell quoted. */
const neutralised = (cell) => csvCell(cell) === `"'${cell.replaceAll('"', '""')}"`;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** An app whose SMS go to the stand-in MSG91, with `n` people uploaded and their welcomes sent. */
async function sentWelcomes(t, n = 3, provider = 'msg91', vars = {}) {
  const server = await providerServer(t);
  const app = await spawnApp(t, { vars: server.vars(provider, vars) });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const lines = ['firstName,phone'];
  for (let i = 0; i < n; i++) lines.push(`P${String.fromCharCode(97 + i)},${9876543000 + i}`);
  const r = await upload(app, tokens.gpDemo, lines.join('\n') + '\n');
  assert.equal(r.status, 200, r.raw);
  const status = () => get(app, `/v1/upload/status/${r.body.processId}`, tokens.gpDemo);
  await until(async () => (await status()).body.sms.queued === 0, 60_000, 'the welcomes to be sent');
  const sent = await rows(app, "SELECT id, provider_id FROM outbox WHERE channel = 'sms' ORDER BY id");
  assert.equal(sent.length, n);
  return { app, server, tokens, sent, status };
}

const states = (app) => rows(app, 'SELECT id, state, last_error FROM outbox ORDER BY id');

/** Posts an MSG91 report: the v2 form (`data` = JSON text of requests with reports) or a v3 JSON object. */
function msg91(app, body, secret = devVars().SMS_DLR_SECRET) {
  const json = !Array.isArray(body);
  return app.fetch(`/v1/sms/dlr/msg91/${secret}`, {
    method: 'POST',
    headers: json ? { 'content-type': 'application/json' } : FORM,
    body: json ? JSON.stringify(body) : new URLSearchParams({ data: JSON.stringify(body) }).toString(),
  });
}

test('a forged MSG91 report that names our outbox id (CRQID) without the provider\'s own id settles nothing', async (t) => {
  const { app, sent } = await sentWelcomes(t, 2);
  const before = await states(app);
  const [a, b] = sent;
  const forged = [
    ['only CRQID (v3)', { CRQID: `enrol-${a.id}`, status: '1', desc: 'DELIVERED' }],
    ['CRQID and an empty requestId (v3)', { requestId: '', CRQID: `enrol-${a.id}`, status: '2' }],
    ['CRQID and a made-up requestId (v2)', [{ requestId: 'ffffffffffffffffffffffff', report: [{ CRQID: `enrol-${a.id}`, status: '1' }] }]],
    ['one message\'s requestId with another\'s CRQID', { requestId: a.provider_id, CRQID: `enrol-${b.id}`, status: '2' }],
  ];
  for (const [what, body] of forged) {
    const res = await msg91(app, body);
    assert.equal(res.status, 404, `${what}: ${await res.text()}`);
  }
  assert.deepEqual(await states(app), before, 'forged reports changed nothing');
  // The provider's own id, alone or with the matching CRQID, does settle.
  assert.equal((await msg91(app, { requestId: a.provider_id, status: '1' })).status, 200);
  assert.equal((await msg91(app, { requestId: b.provider_id, CRQID: `enrol-${b.id}`, status: '1' })).status, 200);
  assert.deepEqual((await states(app)).map((r) => r.state), ['delivered', 'delivered']);
});

test('a delivery report moves a message only forward: failed then delivered stays failed, delivered then failed stays delivered', async (t) => {
  const { app, sent, status } = await sentWelcomes(t, 2);
  const [a, b] = sent;
  assert.equal((await msg91(app, { requestId: a.provider_id, status: '2', desc: 'FAILED' })).status, 200);
  // A late "delivered" for a failed message is acknowledged (so MSG91 stops retrying) and changes nothing.
  assert.equal((await msg91(app, [{ requestId: a.provider_id, report: [{ status: '1', desc: 'DELIVERED' }] }])).status, 200);
  assert.equal((await msg91(app, { requestId: b.provider_id, status: '1' })).status, 200);
  assert.equal((await msg91(app, { requestId: b.provider_id, status: '17', desc: 'BLOCKED' })).status, 200);
  const [ra, rb] = await states(app);
  assert.equal(ra.state, 'failed', 'failed is final');
  assert.equal(rb.state, 'delivered', 'delivered is final');
  assert.equal(rb.last_error, null, 'a late failure leaves no reason on a delivered message');
  assert.deepEqual((await status()).body.sms, { queued: 0, sent: 0, delivered: 1, failed: 1 });
});

test('Twilio: a failed message stays failed when a signed "delivered" report comes later', async (t) => {
  const { app, sent } = await sentWelcomes(t, 1, 'twilio');
  const url = 'http://127.0.0.1:8787/v1/sms/dlr/twilio';
  const report = (params) => app.fetch('/v1/sms/dlr/twilio', {
    method: 'POST',
    headers: { ...FORM, 'x-twilio-signature': createHmac('sha1', TWILIO_TOKEN)
      .update(url + Object.keys(params).sort().map((k) => k + params[k]).join('')).digest('base64') },
    body: new URLSearchParams(params).toString(),
  });
  const base = { MessageSid: sent[0].provider_id, AccountSid: 'AC1', To: '+919876543000', ApiVersion: '2010-04-01' };
  assert.equal((await report({ ...base, MessageStatus: 'undelivered', ErrorCode: '30003' })).status, 200);
  assert.equal((await report({ ...base, MessageStatus: 'delivered' })).status, 200);
  const [r] = await states(app);
  assert.equal(r.state, 'failed');
  assert.equal(r.last_error, 'Twilio undelivered: error 30003 (unreachable handset)');
});

test('the provider\'s free text (desc, failedReason, ErrorCode) never reaches the status; a fixed reason does', async (t) => {
  const { app, sent, status } = await sentWelcomes(t, 3);
  const script = '<img src=x onerror=alert(document.cookie)><script>alert(1)</script>';
  const long = `\u202eexe.${'x'.repeat(500)}\u0007`;
  assert.equal((await msg91(app, { requestId: sent[0].provider_id, status: '9', desc: script, failedReason: script })).status, 200);
  assert.equal((await msg91(app, [{ requestId: sent[1].provider_id, report: [{ status: '16', desc: long, failedReason: long }] }])).status, 200);
  assert.equal((await msg91(app, { requestId: sent[2].provider_id, status: '2', desc: 'Visit http://evil.example now' })).status, 200);
  const shown = (await status()).body.successResult.map((s) => s.message.error);
  assert.deepEqual(shown, ['MSG91 status 9: DND (NDNC)', 'MSG91 status 16: rejected', 'MSG91 status 2: failed']);
  for (const r of await states(app)) assert.ok(!/[<>]|evil|\u202e/.test(r.last_error), `stored: ${r.last_error}`);
  // What is kept of the provider's text is in the Worker's log only: printable ASCII, at most 200 characters.
  const kept = await until(() => app.log().split('\n').filter((l) => l.includes('MSG91 said')).length >= 3 &&
    app.log().split('\n').filter((l) => l.includes('MSG91 said')), 10_000, 'the provider\'s words in the log');
  for (const line of kept) {
    const said = line.slice(line.indexOf('MSG91 said') + 'MSG91 said'.length);
    assert.ok(/^[\x20-\x7e]*$/.test(said), `printable ASCII only: ${JSON.stringify(said)}`);
    assert.ok(said.length <= 240, `cut short: ${said.length} characters`);
  }
});

test('the MSG91 secret of the URL path never reaches the run command\'s terminal', async (t) => {
  const secret = devVars().SMS_DLR_SECRET;
  const { app, sent } = await sentWelcomes(t, 1);
  assert.equal((await msg91(app, { requestId: sent[0].provider_id, status: '1' })).status, 200);
  assert.equal((await msg91(app, { requestId: sent[0].provider_id, status: '1' }, 'a-wrong-secret-0123456789')).status, 401);
  // wrangler prints every request's path (this is its log, as the run command's terminal shows it)...
  await until(() => app.log().includes(secret), 10_000, 'wrangler\'s request log');
  // ...and the run command pipes its terminal through scripts/redact.sed.
  assert.match(readFileSync(join(ROOT, 'scripts', 'run.sh'), 'utf8'), /\| *sed -u -E -f "\$ROOT\/scripts\/redact\.sed"/,
    'run.sh pipes wrangler dev through the filter');
  const shown = spawnSync('sed', ['-u', '-E', '-f', join(ROOT, 'scripts', 'redact.sed')], { input: app.log(), encoding: 'utf8' });
  assert.equal(shown.status, 0, shown.stderr);
  assert.ok(shown.stdout.includes('/v1/sms/dlr/msg91/[redacted]'), shown.stdout.slice(-2000));
  for (const s of [secret, 'a-wrong-secret']) assert.ok(!shown.stdout.includes(s), `${s} on the terminal`);
});

test('a rotation of the MSG91 secret accepts the previous one beside the new one, and nothing else', async (t) => {
  const [current, previous] = ['the-new-secret-0123456789abcdef', 'the-old-secret-0123456789abcdef'];
  const { app, sent } = await sentWelcomes(t, 3, 'msg91', { SMS_DLR_SECRET: current, SMS_DLR_SECRET_PREVIOUS: previous });
  assert.equal((await msg91(app, { requestId: sent[0].provider_id, status: '1' }, current)).status, 200);
  assert.equal((await msg91(app, { requestId: sent[1].provider_id, status: '1' }, previous)).status, 200, 'the previous secret');
  assert.equal((await msg91(app, { requestId: sent[2].provider_id, status: '1' }, devVars().SMS_DLR_SECRET)).status, 401,
    'the .dev.vars secret, replaced by the new one');
  assert.equal((await msg91(app, { requestId: sent[2].provider_id, status: '1' }, 'the-old-secret')).status, 401, 'a prefix');
  assert.deepEqual((await states(app)).map((r) => r.state), ['delivered', 'delivered', 'sent']);
});

test('names with bidirectional controls or invisible characters are refused by the DIGIT routes; Devanagari joiners are not', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['sys']);
  const refused = [
    ['name', 'Asha \u202Eexe.pdf', 'a right-to-left override (U+202E)'],
    ['name', 'Asha\u2066Devi', 'a left-to-right isolate (U+2066)'],
    ['name', 'Asha\u200EDevi', 'a left-to-right mark (U+200E)'],
    ['name', 'Asha\u061CDevi', 'an Arabic letter mark (U+061C)'],
    ['name', 'As\u00ADha', 'a soft hyphen (U+00AD)'],
    ['name', 'Asha\u200B', 'a zero-width space (U+200B)'],
    ['name', '\uFEFFAsha', 'a byte-order mark (U+FEFF)'],
    ['name', 'Asha\u3164', 'a Hangul filler, a blank "letter" (U+3164)'],
    ['fatherOrHusbandName', 'Mohan\u2060Kumar', 'a word joiner (U+2060)'],
    ['fatherOrHusbandName', 'Mohan \u202Bराम', 'a right-to-left embedding (U+202B)'],
  ];
  let n = 0;
  for (const [field, value, what] of refused) {
    const r = await post(app, CREATE, { user: newUser(`bidi.${++n}`, 'pb.demo', { [field]: value }) }, tokens.sys);
    const e = assertError(r, 400, 'InvalidField', what);
    assert.match(e.message, /invisible character/, `${what}: ${e.message}`);
    assert.deepEqual(e.params, [`user.${field}`], what);
  }
  assert.equal((await rows(app, "SELECT count(*) AS n FROM users WHERE user_name LIKE 'bidi.%'"))[0].n, 0);
  // क्‍ष (half form by ZWJ) and र‌्य (ZWNJ) are how Devanagari spells some names: both are kept.
  for (const [i, name] of ['क्\u200Dषमा देवी', 'सूर्\u200Cया'].entries()) {
    const r = await post(app, CREATE, { user: newUser(`joiner.${i}`, 'pb.demo', { name, fatherOrHusbandName: name }) }, tokens.sys);
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.user[0].name, name);
  }
});

test('an upload refuses names with bidirectional controls or invisible characters, with its own issue code', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const csv = ['firstName,lastName,phone', 'Asha\u202Egnp.exe,Devi,9876543210', 'Ravi,Ku\u200Bmar,9876543211',
    '\u2067Meena,Devi,9876543212', 'क्\u200Dषमा,सूर्\u200Cया,9876543213'].join('\n') + '\n';
  const r = await upload(app, tokens.gpDemo, csv);
  assert.equal(r.status, 422, r.raw);
  const issues = r.body.failureResult.map((i) => [i.row, i.column, i.code]);
  assert.deepEqual(issues, [[1, 'firstName', 'invisible_character'], [2, 'lastName', 'invisible_character'],
    [3, 'firstName', 'invisible_character']]);
  assert.match(r.body.failureResult[0].message, /invisible/);
  const hi = await upload(app, tokens.gpDemo, csv, { locale: 'hi_IN' });
  assert.match(hi.body.failureResult[0].message, /अदृश्य/);
  assert.equal((await rows(app, "SELECT count(*) AS n FROM users WHERE mobile_number LIKE '987654321%'"))[0].n, 0);
});

/** The table shared with enrol-core's unit test: [cell, is a formula, why]. */
const TABLE = JSON.parse(readFileSync(join(DATA, 'csv_injection_cells.json'), 'utf8'));

test('the CSV writer neutralises exactly the cells of the shared table that a spreadsheet would run', () => {
  assert.ok(TABLE.length >= 30);
  const wrong = [];
  for (const [cell, formula, why] of TABLE) {
    const written = csvCell(cell);
    const kept = written === cell || written === `"${cell.replaceAll('"', '""')}"`;
    const [read] = Papa.parse(`${written}\r\n`, { newline: '\r\n' }).data;
    const readsBack = read.length === 1 && read[0] === (formula ? `'${cell}` : cell);
    if (!(formula ? neutralised(cell) : kept) || !readsBack) wrong.push(`${why}: ${JSON.stringify(cell)} → ${JSON.stringify(written)}`);
  }
  assert.deepEqual(wrong, [], 'cells the writer gets wrong');
});

test('the operators are = + - @ and every character that Unicode folds into one of them (full-width ＝ ＋ － ＠ and kin)', () => {
  // What may come before the operator (blanks, control and invisible characters) is the shared table's business.
  const leading = /[\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
  const wrong = [];
  for (let c = 0; c < 0x110000; c++) {
    if ((c >= 0xd800 && c <= 0xdfff) || leading.test(String.fromCodePoint(c))) continue;
    const s = String.fromCodePoint(c);
    const operator = ['=', '+', '-', '@'].includes(s.normalize('NFKC'));
    if (neutralised(`${s}1`) !== operator) wrong.push(`U+${c.toString(16).toUpperCase()} ${s}`);
  }
  assert.deepEqual(wrong, [], 'characters the writer gets wrong at the start of a cell');
});

test('enrol-core\'s table of invisible characters is the set csv.js skips: Unicode\'s Cf and default-ignorable code points', () => {
  const source = readFileSync(join(ROOT, 'crates', 'core', 'src', 'fields.rs'), 'utf8');
  const table = /const INVISIBLE: &\[\(u32, u32\)\] = &\[([^\]]*)\];/.exec(source)?.[1];
  assert.ok(table, 'the INVISIBLE table in fields.rs');
  const ranges = [...table.matchAll(/\(0x([0-9A-F]+), 0x([0-9A-F]+)\)/g)].map((m) => [parseInt(m[1], 16), parseInt(m[2], 16)]);
  const invisible = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
  const want = [];
  for (let c = 0, start = -1; c <= 0x110000; c++) {
    const is = c < 0x110000 && (c < 0xd800 || c > 0xdfff) && invisible.test(String.fromCodePoint(c));
    if (is && start < 0) start = c;
    if (!is && start >= 0) { want.push([start, c - 1]); start = -1; }
  }
  const hex = (rs) => rs.map(([a, b]) => `(0x${a.toString(16).toUpperCase()}, 0x${b.toString(16).toUpperCase()}),`).join('\n');
  assert.equal(hex(ranges), hex(want), `Unicode ${process.versions.unicode}: the table to put in fields.rs`);
});

test('an upload\'s formula cells are flagged by the Worker, and the issues CSV of the page neutralises each one', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const attacks = ['\uFF1DHYPERLINK("http://evil.example","Open")', '\uFF20SUM(A1:A9)', '\uFF0B1', '\uFF0D1+cmd|\' /C calc\'!A0',
    '\u200B=1+1', '\u202E=1+1', '\uFEFF@x', '\uFE66cmd', '=1+1', ' \u3000=1+1'];
  const lines = ['firstName,phone,position'];
  attacks.forEach((a, i) => lines.push(`P${String.fromCharCode(97 + i)},${9876543100 + i},"${a.replaceAll('"', '""')}"`));
  const r = await upload(app, tokens.gpDemo, lines.join('\r\n') + '\r\n');
  assert.equal(r.status, 200, r.raw);
  const warned = r.body.failureResult.filter((i) => i.code === 'formula_like');
  assert.deepEqual(warned.map((i) => i.row), attacks.map((_, i) => i + 1), 'every attack is flagged');
  // The admin page's issues CSV (validate-worker.js) and result CSV (admin.js) both go through csvBlob.
  const text = (await csvBlob(['row', 'column', 'code', 'value', 'message'], warned).text()).replace(/^\uFEFF/, '');
  const parsed = Papa.parse(text, { header: true, skipEmptyLines: true }).data;
  assert.equal(parsed.length, attacks.length);
  for (const row of parsed) assert.ok(row.value.startsWith("'"), `neutralised: ${JSON.stringify(row.value)}`);
  for (const i of warned) assert.ok(text.includes(`"'${i.value.replaceAll('"', '""')}"`), `quoted with the prefix: ${i.value}`);
});
