import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnApp, DATA, ARTIFACTS } from '../helpers.mjs';
import { launch } from './browser.mjs';

test('the admin page counts the data rows of a chosen CSV in Rust, under a strict CSP', async (t) => {
  const app = await spawnApp(t);
  const browser = await launch(t);
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));

  const res = await page.goto(`${app.url}/admin`);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-security-policy'], /default-src 'none'/);
  assert.equal(res.headers()['referrer-policy'], 'no-referrer');

  // 3 data rows: CRLF line ends, a BOM, a blank row, a quoted line break inside a cell.
  await page.setInputFiles('#file', join(DATA, 'three_rows_crlf_bom_blank_row.csv'));
  await page.locator('[data-testid=rows]').filter({ hasText: /\d/ }).waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('[data-testid=rows]').textContent(), '3');
  assert.equal(await page.locator('#progress').evaluate((p) => p.value), 1);

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'admin-row-count.png'), fullPage: true });
  assert.deepEqual(problems, [], 'no console errors (a CSP violation would show here)');
});
