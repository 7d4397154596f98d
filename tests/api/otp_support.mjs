// Shared by the OTP tests: asking for a code, reading the code that waits (sealed) in its outbox row, as only
// the SMS sender may, and the calls that take a code.

import assert from 'node:assert/strict';
import { post, rows } from './support.mjs';
import { HELD, openCredential } from './upload_support.mjs';

/** Vars that hold every code in the outbox (provider unreachable, retry an hour away) and lift the IP limit. */
export const HELD_OTP = { ...HELD, OTP_IP_SENDS_PER_HOUR: '1000' };

/** POST /user-otp/v1/_send as mGramSeva sends it; `headers` are added (e.g. CF-Connecting-IP). */
export async function sendOtp(app, mobileNumber, type = 'passwordreset', { tenantId = 'pb.demo', userType, locale, headers } = {}) {
  const body = {
    RequestInfo: { apiId: 'mgramseva', ver: 1.0, ts: '', action: '_search', did: 1.0, key: '', msgId: '20170310130900|en_IN', authToken: null },
    otp: { mobileNumber, tenantId, type, userType, locale },
  };
  const res = await app.fetch('/user-otp/v1/_send', {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  });
  const raw = await res.text();
  let parsed = null;
  try { parsed = JSON.parse(raw); } catch { /* raw */ }
  return { status: res.status, body: parsed, raw, headers: res.headers };
}

/** The code that waits for `mobile` in the newest code row of the outbox. */
export async function codeFor(app, mobile) {
  const [row] = await rows(app, `SELECT credential, link_code FROM outbox WHERE kind = 'code' AND recipient = '${mobile}'
    ORDER BY id DESC LIMIT 1`);
  assert.ok(row?.credential, `a sealed code waits for ${mobile}`);
  return openCredential(row.credential, row.link_code);
}

/** A code different from `code` (the next one, wrapping). */
export const wrong = (code) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

export function resetPassword(app, userName, otpReference, newPassword, { tenantId = 'pb.demo', type = 'CITIZEN' } = {}) {
  return post(app, '/user/password/nologin/_update', {
    RequestInfo: { apiId: 'mgramseva', action: 'create' }, otpReference, userName, newPassword, tenantId, type,
  });
}

export function createCitizen(app, user) {
  return post(app, '/user/citizen/_create', { RequestInfo: { apiId: 'Rainmaker' }, User: { tenantId: 'pb.demo', ...user } });
}

/** Asserts a user-otp error: status, shape, and the codes of its fields in order. */
export function assertOtpError(r, status, codes, what = '') {
  assert.equal(r.status, status, `${what} status: ${r.raw.slice(0, 400)}`);
  assert.equal(r.body?.responseInfo, null, `${what}: user-otp's shape`);
  assert.equal(r.body.error.code, status);
  assert.deepEqual(r.body.error.fields.map((f) => f.code), codes, `${what}: ${r.raw.slice(0, 400)}`);
  return r.body.error;
}
