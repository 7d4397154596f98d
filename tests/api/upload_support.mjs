// Shared by the upload tests: sending a CSV as the admin page does (multipart) or as a script does (text/csv),
// opening an outbox row's sealed one-time password with the local OUTBOX_KEY (as only the SMS sender may),
// and a snapshot of what an upload creates.

import assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers.mjs';
import { rows } from './support.mjs';

/**
 * Vars that hold every welcome message in the outbox: the SMS provider is unreachable (a closed port) and the
 * first retry is an hour away, so each row stays pending with its sealed credential for the test to read.
 */
export const HELD = {
  SMS_PROVIDER: 'msg91', MSG91_API_URL: 'http://127.0.0.1:9/api/v5/flow', MSG91_AUTH_KEY: 'test-key',
  EMAIL_PROVIDER: 'sendgrid', SENDGRID_API_URL: 'http://127.0.0.1:9', SENDGRID_API_KEY: 'test-key',
  SMS_RETRY_BASE_SECONDS: '3600',
};

/** Parses the .dev.vars that scripts/setup.sh makes (the local secrets the Worker under test reads). */
export function devVars() {
  const vars = {};
  for (const line of readFileSync(join(ROOT, '.dev.vars'), 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}

async function answer(res) {
  const raw = await res.text();
  let body = null;
  try { body = JSON.parse(raw); } catch { /* tests that care look at raw */ }
  return { status: res.status, body, raw, headers: res.headers };
}

/**
 * POSTs `csv` (text or bytes) to /v1/user/upload as multipart, like the admin page.
 * opts: tenantId, userType, fileName, key (Idempotency-Key), token, extra (more [name, value] form fields).
 */
export async function upload(app, token, csv, { tenantId = 'pb.demo', userType, fileName = 'people.csv', key, extra = [], locale } = {}) {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), fileName);
  if (tenantId != null) form.append('tenantId', tenantId);
  if (userType != null) form.append('userType', userType);
  for (const [k, v] of extra) form.append(k, v);
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (key) headers['idempotency-key'] = key;
  return answer(await app.fetch(`/v1/user/upload${locale ? `?locale=${locale}` : ''}`, { method: 'POST', headers, body: form }));
}

/** GETs a /v1 path with a bearer token. */
export async function get(app, path, token) {
  return answer(await app.fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} }));
}

/** A sheet with the template's first columns; `people` are [firstName, lastName, phone, email, userName, password, roles]. */
export function sheet(people) {
  const q = (v) => (/[",\r\n]/.test(v ?? '') ? `"${String(v).replaceAll('"', '""')}"` : v ?? '');
  return ['firstName,lastName,phone,email,userName,password,roles',
    ...people.map((p) => p.map(q).join(','))].join('\r\n') + '\r\n';
}

/** Opens an outbox row's sealed credential: base64(nonce 12 || ciphertext || tag 16), AES-256-GCM, aad "outbox:{link}". */
export function openCredential(sealed, linkCode, key = devVars().OUTBOX_KEY) {
  const bytes = Buffer.from(sealed, 'base64');
  const nonce = bytes.subarray(0, 12);
  const tag = bytes.subarray(bytes.length - 16);
  const body = bytes.subarray(12, bytes.length - 16);
  const d = createDecipheriv('aes-256-gcm', Buffer.from(key, 'base64'), nonce);
  d.setAAD(Buffer.from(`outbox:${linkCode}`));
  d.setAuthTag(tag);
  return Buffer.concat([d.update(body), d.final()]).toString('utf8');
}

/** The one-time password waiting for `userName`'s welcome message. */
export async function oneTimePassword(app, userName, tenantId = 'pb.demo') {
  const [row] = await rows(app, `SELECT o.credential, o.link_code FROM outbox o JOIN users u ON u.id = o.user_id
    WHERE u.user_name = '${userName.replaceAll("'", "''")}' AND u.tenant_id = '${tenantId}' ORDER BY o.id DESC LIMIT 1`);
  assert.ok(row?.credential, `a sealed credential waits for ${userName}`);
  return openCredential(row.credential, row.link_code);
}

/** What an upload creates; a refused one must leave all of it as it was. */
export async function created(app) {
  const [users, roles, keys, outbox] = await Promise.all([
    rows(app, 'SELECT * FROM users ORDER BY id'),
    rows(app, 'SELECT * FROM user_roles ORDER BY user_id, code, tenant_id'),
    rows(app, 'SELECT * FROM identity_keys ORDER BY tenant_id, user_type, kind, value'),
    // The rows an upload writes, not their delivery: the SMS consumer may try a message (and count the attempt)
    // between two snapshots, which is not a change the upload made.
    rows(app, 'SELECT id, user_id, upload_id, channel, kind, recipient, locale, link_code, created_at FROM outbox ORDER BY id'),
  ]);
  return { users, roles, keys, outbox };
}
