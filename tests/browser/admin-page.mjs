// Driving /admin in Chromium: open it (failing the test on any console error, where a CSP violation shows),
// choose or drop a fixture, sign in, read tables and downloads, and check a state of the page with axe-core at
// a desktop and a phone width, keeping a screenshot of each.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnApp, DATA, ARTIFACTS, ROOT } from '../helpers.mjs';
import { seedWorld, PASSWORD, USERS } from '../api/support.mjs';
import { launch } from './browser.mjs';

export const WIDTHS = [1280, 360];
const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * Opens /admin of `app` (a fresh one when not given) in a context that keeps the page's CSP, and fails the test
 * on any console error.
 */
export async function openAdmin(t, app) {
  app ??= await spawnApp(t);
  const browser = await launch(t);
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: WIDTHS[0], height: 900 } });
  const page = await context.newPage();
  const problems = [];
  // Once the test is over its Worker stops before the browser closes; what the page then meets is not the page's fault.
  // A failed resource names its URL (m.text() does not), so that a 500 says which request it was.
  page.on('console', (m) => {
    if (m.type() === 'error' && !expected(m.text()) && !app.stopped) problems.push(`${m.text()} ${m.location()?.url ?? ''}`.trim());
  });
  page.on('pageerror', (e) => { if (!app.stopped) problems.push(String(e)); });
  t.after(() => assert.deepEqual(problems, [], 'no console errors'));
  const res = await page.goto(`${app.url}/admin`);
  assert.equal(res.status(), 200);
  return { app, page, res };
}

/**
 * Chromium logs every answer with a 4xx status as a console error; the journeys below meet some on purpose
 * (a refused login, a 403 for a non-administrator, a 401 for a revoked token, a 422 for a refused upload).
 */
function expected(text) {
  return /Failed to load resource: the server responded with a status of (400|401|403|422)/.test(text);
}

/** Waits until the check of `name` is over (the status names the file and no longer ends in "…"). */
export async function waitChecked(page, name) {
  await page.locator('#status').filter({ hasText: name }).filter({ hasNotText: /…/ }).waitFor({ timeout: 15_000 });
}

export async function choose(page, fixture) {
  await page.setInputFiles('#file', join(DATA, fixture));
  await waitChecked(page, fixture);
}

/** Drops the fixture on the drop zone, as an administrator drags a file from their desktop. */
export async function drop(page, fixture) {
  const bytes = [...readFileSync(join(DATA, fixture))];
  await page.evaluate(([name, bytes]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], name, { type: 'text/csv' }));
    document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [fixture, bytes]);
  await waitChecked(page, fixture);
}

/** The text of every cell of a table's body, row by row. */
export async function tableRows(page, selector = '#issues') {
  return page.locator(`${selector} tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
}

export async function downloadText(page, selector) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
}

/** Signs in through the form and waits until the page shows who is signed in, or the form's message. */
export async function signIn(page, userName, password, tenantId = 'pb.demo') {
  await page.fill('#username', userName);
  await page.fill('#password', password);
  await page.fill('#login-tenant', tenantId);
  await page.click('#signin-button');
  await page.waitForFunction(() => !document.getElementById('session').hidden
    || document.querySelector('#signin-error.error')?.textContent, null, { timeout: 15_000 });
}

/** Waits until the page shows the rules of the chosen tenant (its upload configuration was read). */
export async function waitRules(page) {
  await page.locator('[data-testid=rules]', { hasText: /at most/ }).waitFor({ timeout: 15_000 });
}

/** A fresh app with pb.demo's GP_ADMIN, and /admin signed in as them, showing pb.demo's rules. */
export async function signedInAdmin(t) {
  const app = await spawnApp(t);
  await seedWorld(t, app, ['gpDemo']);
  const { page } = await openAdmin(t, app);
  await signIn(page, USERS.gpDemo.userName, PASSWORD, USERS.gpDemo.tenantId);
  await waitRules(page);
  return { app, page };
}

/** Chooses a workbook (or a text file of the office's own headings) and waits for its mapping step. */
export async function chooseSheet(page, fixture) {
  await page.setInputFiles('#file', join(DATA, fixture));
  await page.locator('#mapping').waitFor({ state: 'visible', timeout: 15_000 });
}

/** The heading and the chosen field of every row of the mapping table. */
export async function mapping(page) {
  return page.locator('#mapping-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.cells[0].textContent, tr.querySelector('select').value]));
}

/** The number of errors the summary shows. */
export const errors = (page) => page.locator('[data-testid=errors]').textContent();

/** Waits until the summary shows `n` errors. */
export async function waitErrors(page, n) {
  await page.locator('[data-testid=errors]', { hasText: new RegExp(`^${n}$`) }).waitFor({ timeout: 10_000 });
}

/**
 * Runs axe-core on the page as it is, at every width of WIDTHS: no violation, nothing wider than the
 * viewport at 360 px, and a screenshot `admin-<name>-<width>.png` for people to look at. axe is evaluated
 * through the DevTools protocol, which the page's CSP does not govern, so the page keeps its real CSP.
 */
export async function checkState(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const before = page.viewportSize();
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE);
  try {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.evaluate(() => new Promise(requestAnimationFrame));
      const violations = await page.evaluate(async () => (await window.axe.run(document)).violations
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) })));
      assert.deepEqual(violations, [], `axe-core finds no violation in state "${name}" at ${width} px`);
      const wide = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        tables: [...document.querySelectorAll('.scroll')].filter((s) => s.offsetParent).map((s) => ({
          region: s.getAttribute('aria-label'), role: s.getAttribute('role'), tabindex: s.getAttribute('tabindex'),
          scroll: s.scrollWidth, client: s.clientWidth,
        })),
      }));
      assert.ok(wide.page <= width, `state "${name}": the page is ${wide.page} px wide in a ${width} px viewport`);
      for (const tb of wide.tables) {
        assert.ok(tb.scroll <= tb.client, `state "${name}" at ${width} px: "${tb.region}" is ${tb.scroll} px wide in ${tb.client} px`);
        // Should a table ever scroll, a keyboard reaches it: a named region in the tab order.
        assert.deepEqual([tb.role, tb.tabindex, Boolean(tb.region)], ['region', '0', true], `the scroll region "${tb.region}"`);
      }
      await page.screenshot({ path: join(ARTIFACTS, `admin-${name}-${width}.png`), fullPage: true });
    }
  } finally {
    await page.setViewportSize(before);
  }
}
