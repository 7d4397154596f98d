import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { enrol, DATA, ARTIFACTS } from '../helpers.mjs';
import { openAdmin, choose, drop, tableRows, downloadText } from './admin-page.mjs';

test('the admin page is served with a strict CSP and counts rows in Rust', async (t) => {
  const { page, res } = await openAdmin(t);
  assert.match(res.headers()['content-security-policy'], /default-src 'none'/);
  assert.equal(res.headers()['referrer-policy'], 'no-referrer');
  // CRLF line ends, a BOM, a blank row, a quoted line break inside a cell: 3 data rows.
  await choose(page, 'three_rows_crlf_bom_blank_row.csv');
  assert.equal(await page.locator('[data-testid=rows]').textContent(), '3');
  assert.equal(await page.locator('#progress').evaluate((p) => p.value), 1);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'admin-row-count.png'), fullPage: true });
});

test('a dropped file with problems: every issue in the table, filter, issues CSV with formulas neutralised, Hindi', async (t) => {
  const { page } = await openAdmin(t);
  await drop(page, 'admin_known_problems.csv');

  assert.equal(await page.locator('[data-testid=rows]').textContent(), '4');
  assert.equal(await page.locator('[data-testid=rows-with-errors]').textContent(), '4');
  assert.equal(await page.locator('[data-testid=errors]').textContent(), '8');
  assert.equal(await page.locator('[data-testid=warnings]').textContent(), '1');
  assert.ok(await page.locator('#upload').isDisabled(), 'upload stays off while there are errors');

  const rows = await tableRows(page);
  assert.equal(rows.length, 9);
  assert.deepEqual(rows[1].slice(0, 4), ['2', '3', 'phone', '12345']);
  assert.match(rows[1][4], /Not a valid Indian mobile number/);
  assert.deepEqual(rows[0].slice(0, 4), ['1', '2', 'phone', '9876543210']);
  assert.match(rows[0][4], /also on row 4/);

  await page.selectOption('#filter', 'phone');
  await page.locator('#shown', { hasText: /^3 issues/ }).waitFor({ timeout: 5_000 });
  const phoneRows = await tableRows(page);
  assert.equal(phoneRows.length, 3);
  assert.ok(phoneRows.every((r) => r[2] === 'phone'));
  await page.selectOption('#filter', '');
  await page.locator('#shown', { hasText: /^9 issues/ }).waitFor({ timeout: 5_000 });

  // The same issues as `enrol validate --format json`, and the formula cell cannot run in a spreadsheet.
  const csv = await downloadText(page, '#download-issues');
  const lines = csv.trimEnd().split('\r\n');
  assert.equal(lines[0], 'row,line,column,code,severity,value,message');
  assert.equal(lines.length, 1 + 9);
  const native = JSON.parse(enrol(['validate', '--format', 'json', join(DATA, 'admin_known_problems.csv')]).stdout);
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[3]), native.issues.map((i) => i.code));
  const formula = lines.find((l) => l.includes('HYPERLINK') && l.includes('formula_like'));
  assert.match(formula, /,"'=HYPERLINK\(""http:\/\/x""\)",/);
  assert.ok(!/,=HYPERLINK/.test(csv), 'no cell of the download starts with =');

  // The template: the same header as `enrol template`.
  const template = await downloadText(page, '#template');
  assert.equal(template, enrol(['template']).stdout.trimEnd() + '\r\n');

  await page.selectOption('#locale', 'hi_IN');
  await page.locator('#issues tbody tr', { hasText: 'मान्य भारतीय मोबाइल नंबर नहीं' }).waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('h1').textContent(), 'उपयोगकर्ता अपलोड करें');
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'admin-issues-hindi.png'), fullPage: true });
});

test('a clean file can be checked before signing in; uploading it waits for a sign-in', async (t) => {
  const { page } = await openAdmin(t);
  await choose(page, 'admin_clean_two_rows.csv');
  assert.equal(await page.locator('[data-testid=errors]').textContent(), '0');
  assert.ok(await page.locator('#issues-box').isHidden());
  assert.ok(await page.locator('#upload').isDisabled(), 'no upload without a sign-in');
  assert.match(await page.locator('[data-testid=upload-hint]').textContent(), /Sign in as an administrator/);
});

test('Chromium gets the SIMD build; the plain build for browsers without SIMD is served and valid', async (t) => {
  const { page } = await openAdmin(t);
  const got = await page.evaluate(async () => {
    const { simd, wasmUrl } = await import('/validator-wasm.js');
    const plain = await fetch('/pkg/plain/enrol_validator_bg.wasm');
    const bytes = new Uint8Array(await plain.arrayBuffer());
    return { simd, wasmUrl, status: plain.status, type: plain.headers.get('content-type'), valid: WebAssembly.validate(bytes) };
  });
  assert.deepEqual(got, {
    simd: true, wasmUrl: '/pkg/enrol_validator_bg.wasm', status: 200, type: 'application/wasm', valid: true,
  });
});
