// Hostile and malformed uploads: no or forged token, a non-administrator, other tenants, unknown tenants and
// types, bodies too large or of the wrong kind, spreadsheets and binaries renamed .csv, empty and header-only
// files, too many rows, broken multipart, hostile file names, SQL and script in every cell. Each row asserts
// the status and code, and that D1 is exactly as before: no user, role, identity key or message, and an
// upload record only where the file itself is the problem (a FAILED upload listing its issues).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA, spawnApp } from '../helpers.mjs';
import { assertError, rows, seedWorld } from './support.mjs';
import { HELD, created, upload } from './upload_support.mjs';

const SQLI = "x' OR '1'='1'; DROP TABLE users; --";
const XSS = '<script>alert(1)</script>';
const fixture = (name) => readFileSync(join(DATA, name));

/** A raw request to the upload route. */
function send(app, { token, contentType, body, headers = {}, method = 'POST', query = '' }) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (contentType) h['content-type'] = contentType;
  const init = { method, headers: h, body };
  if (body instanceof ReadableStream) init.duplex = 'half';
  return app.fetch(`/v1/user/upload${query}`, init).then(async (res) => {
    const raw = await res.text();
    let parsed = null;
    try { parsed = JSON.parse(raw); } catch { /* checked below */ }
    return { status: res.status, body: parsed, raw };
  });
}

/** A multipart body with the given parts: [name, value, fileName?]. */
function parts(list) {
  const f = new FormData();
  for (const [name, value, fileName] of list) {
    if (fileName) f.append(name, new Blob([value]), fileName);
    else f.append(name, value);
  }
  return f;
}

const CLEAN = 'firstName,phone\nAsha,9876543210\n';

// [what it proves, request(c), status, code (4xx envelope) or issue codes (422)]
const CASES = [
  ['no token is 401', (c) => upload(c.app, null, CLEAN), 401, 'Unauthorized'],
  ['a forged token is 401', (c) => upload(c.app, 'f'.repeat(64), CLEAN), 401, 'Unauthorized'],
  ['a non-administrator is 403', (c) => upload(c.app, c.tokens.clerkDemo, CLEAN), 403, 'NotAdmin'],
  ['a citizen is 403', (c) => upload(c.app, c.tokens.citizenDemo, CLEAN), 403, 'NotAdmin'],
  ['a tenant outside the caller\'s tree is 403', (c) => upload(c.app, c.tokens.gpDemo, CLEAN, { tenantId: 'pb.other' }), 403, 'Forbidden'],
  ['a tenant above the caller is 403', (c) => upload(c.app, c.tokens.gpDemo, CLEAN, { tenantId: 'pb' }), 403, 'Forbidden'],
  ['a state whose id merely begins with the caller\'s is 403', (c) => upload(c.app, c.tokens.state, CLEAN, { tenantId: 'pbx' }), 403, 'Forbidden'],
  ['an unknown tenant is 400', (c) => upload(c.app, c.tokens.gpDemo, CLEAN, { tenantId: 'pb.demo.nowhere' }), 400, 'InvalidTenant'],
  ['SQL in tenantId is 400', (c) => upload(c.app, c.tokens.gpDemo, CLEAN, { tenantId: SQLI }), 400, 'InvalidField'],
  ['no tenantId is 400', (c) => upload(c.app, c.tokens.gpDemo, CLEAN, { tenantId: null }), 400, 'InvalidField'],
  ['an unknown user type is 400', (c) => upload(c.app, c.tokens.gpDemo, CLEAN, { userType: 'ROBOT' }), 400, 'InvalidField'],
  ['SYSTEM users cannot be uploaded', (c) => upload(c.app, c.tokens.sys, CLEAN, { userType: 'SYSTEM' }), 400, 'InvalidField'],
  ['a tenantId given twice is 400', (c) => send(c.app, { token: c.tokens.gpDemo, body: parts([['file', CLEAN, 'a.csv'], ['tenantId', 'pb.demo'], ['tenantId', 'pb.other']]) }), 400, 'InvalidMultipart'],
  ['multipart without file is 400', (c) => send(c.app, { token: c.tokens.gpDemo, body: parts([['tenantId', 'pb.demo']]) }), 400, 'FileRequired'],
  ['file as a text field is 400', (c) => send(c.app, { token: c.tokens.gpDemo, body: parts([['file', CLEAN], ['tenantId', 'pb.demo']]) }), 400, 'FileRequired'],
  ['two file parts are 400', (c) => send(c.app, { token: c.tokens.gpDemo, body: parts([['file', CLEAN, 'a.csv'], ['file', CLEAN, 'b.csv'], ['tenantId', 'pb.demo']]) }), 400, 'InvalidMultipart'],
  ['a broken multipart body is 400', (c) => send(c.app, { token: c.tokens.gpDemo, contentType: 'multipart/form-data; boundary=xyz', body: '--xyz\r\nContent-Disposition: form-data; name="file"\r\n\r\nno end' }), 400, 'InvalidMultipart'],
  ['JSON is 415', (c) => send(c.app, { token: c.tokens.gpDemo, contentType: 'application/json', body: '{"tenantId":"pb.demo"}' }), 415, 'UnsupportedMediaType'],
  ['no content type is 415', (c) => send(c.app, { token: c.tokens.gpDemo, body: new Uint8Array(Buffer.from(CLEAN)) }), 415, 'UnsupportedMediaType'],
  ['a body without Content-Length is 411', (c) => send(c.app, { token: c.tokens.gpDemo, contentType: 'text/csv', query: '?tenantId=pb.demo',
    body: new ReadableStream({ start(ctl) { ctl.enqueue(new TextEncoder().encode(CLEAN)); ctl.close(); } }) }), 411, 'LengthRequired'],
  ['a body over the 2 MiB limit is 413', (c) => send(c.app, { token: c.tokens.gpDemo, contentType: 'text/csv', query: '?tenantId=pb.demo',
    body: `firstName,phone\n${'Asha,9876543210\n'.repeat(140_000)}` }), 413, 'PayloadTooLarge'],
  ['a body over the 32 MiB cap is 413 before it is read', (c) => send(c.app, { token: c.tokens.gpDemo, contentType: 'text/csv',
    query: '?tenantId=pb.demo', body: new Uint8Array((32 << 20) + 1).fill(0x41) }), 413, 'PayloadTooLarge'],
  ['a control character in the Idempotency-Key is 400', (c) => upload(c.app, c.tokens.gpDemo, CLEAN, { key: 'a b' }), 400, 'InvalidIdempotencyKey'],
  ['an Idempotency-Key of 201 characters is 400', (c) => upload(c.app, c.tokens.gpDemo, CLEAN, { key: 'k'.repeat(201) }), 400, 'InvalidIdempotencyKey'],
  ['GET is 405', (c) => send(c.app, { token: c.tokens.gpDemo, method: 'GET' }), 405, 'MethodNotAllowed'],
  // The file itself is the problem: a FAILED upload listing its issues.
  ['an xlsx renamed .csv is a FAILED upload', (c) => upload(c.app, c.tokens.gpDemo, fixture('xlsx_renamed.csv')), 422, ['not_csv']],
  // Excel's "Unicode Text" (UTF-16LE with a BOM, tab-separated) is read, not refused: its own problems are named.
  ['UTF-16 "Unicode Text" with a short phone is a FAILED upload naming the phone', (c) => upload(c.app, c.tokens.gpDemo,
    new Uint8Array(Buffer.concat([Buffer.from([0xFF, 0xFE]), Buffer.from('firstName\tphone\r\nआशा\t98765\r\n', 'utf16le')]))), 422, ['invalid_phone']],
  ['random binary is a FAILED upload', (c) => upload(c.app, c.tokens.gpDemo, new Uint8Array(4096).map((_, i) => (i * 7919) % 256)), 422, ['not_csv']],
  ['an empty file is a FAILED upload', (c) => upload(c.app, c.tokens.gpDemo, ''), 422, ['empty_file']],
  ['a header-only file is a FAILED upload', (c) => upload(c.app, c.tokens.gpDemo, fixture('header_only.csv')), 422, ['no_data_rows']],
  ['1,001 rows is a FAILED upload (the default limit is 1,000)', (c) => upload(c.app, c.tokens.gpDemo,
    `firstName,phone\n${Array.from({ length: 1001 }, (_, i) => `Asha,${9000000000 + i}`).join('\n')}\n`), 422, ['too_many_rows']],
  ['SQL and script in every cell create nothing', (c) => upload(c.app, c.tokens.gpDemo,
    `firstName,lastName,phone,email,userName,roles,location,DOB,gender\n${[SQLI, XSS, SQLI, XSS, SQLI, XSS, SQLI, XSS, SQLI].map((v) => `"${v.replaceAll('"', '""')}"`).join(',')}\n`),
  422, ['invalid_name', 'invalid_name', 'invalid_phone', 'invalid_email', 'invalid_user_name', 'unknown_value', 'invalid_date', 'invalid_gender']],
];

test('hostile uploads: each gets a clear answer, and D1 is as it was', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo', 'clerkDemo', 'citizenDemo', 'state', 'sys']);
  const c = { app, tokens };
  for (const [what, request, status, expected] of CASES) {
    const before = await created(app);
    const [{ n: uploadsBefore }] = await rows(app, 'SELECT count(*) AS n FROM uploads');
    const r = await request(c).catch((e) => assert.fail(`${what}: ${e.message} ${e.cause?.message ?? ''}`));
    if (status === 422) {
      assert.equal(r.status, 422, `${what}: ${r.raw.slice(0, 300)}`);
      assert.equal(r.body.status, 'FAILED', what);
      const codes = r.body.failureResult.filter((i) => i.severity === 'error').map((i) => i.code);
      assert.deepEqual(codes, expected, what);
      assert.equal((await rows(app, 'SELECT count(*) AS n FROM uploads'))[0].n, uploadsBefore + 1, `${what}: the FAILED upload is recorded`);
    } else {
      assertError(r, status, expected, what);
      assert.equal((await rows(app, 'SELECT count(*) AS n FROM uploads'))[0].n, uploadsBefore, `${what}: no upload is recorded`);
    }
    assert.deepEqual(await created(app), before, `${what}: D1 changed`);
  }
  // A hostile file name is stored without its path and control characters, and shown as text.
  const named = await upload(app, tokens.gpDemo, 'firstName,phone\nAsha,123\n', { fileName: `../../etc/pass\u0007wd${XSS}.csv` });
  assert.equal(named.status, 422);
  assert.equal(named.body.fileName, 'script>.csv', 'the last path component only');
});
