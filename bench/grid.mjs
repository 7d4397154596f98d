// One edit's re-check in the editable table, in headless Chromium (issue 16: ≤ 16 ms on 100,000 rows). The same
// walk as `enrol bench-edit FILE` natively: an edit writes another row's phone into a row (a duplicate), the next
// puts it back, rows spread over the file; each is timed from `edit` to the touched rows' cells and issues read
// back as JSON (what the page's worker does for an edit). Prints the read time and the median, 95th percentile
// and slowest of EDITS edits (and their mean: the page's clock ticks in 0.1 ms), for each of RUNS runs.
// Then the real /admin page (its files served as they are, no Worker: nobody signs in) with the same file: the
// time until its grid shows, every row listed, Ctrl+End and Page Up through them, one edit by keyboard, and the
// longest main-thread task over all of it (Chromium reports tasks over 50 ms; 0 means none).
//
//   node bench/grid.mjs [target/bench/rows-100000.csv]   (www/pkg/grid built by scripts/build.sh)
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '..');
const FILE = resolve(process.argv[2] ?? join(ROOT, 'target/bench/rows-100000.csv'));
const RUNS = Number(process.env.RUNS ?? 5);
const EDITS = 201;

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

function serve(req, res) {
  const path = new URL(req.url, 'http://x').pathname;
  if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>grid</title>');
  if (path === '/file.csv') return res.writeHead(200, { 'content-type': 'text/csv' }).end(readFileSync(FILE));
  // The page's own files, by name only (no folders but pkg/ and its builds).
  const file = path === '/admin' ? 'admin.html' : path.slice(1);
  if (!/^(pkg\/((plain|grid|sheet\/(xls|xlsx|ods))\/)?)?[\w.-]+$/.test(file) || !existsSync(join(ROOT, 'www', file))) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(join(ROOT, 'www', file)));
}

/** In /admin, before its scripts: the longest main-thread task from now on. */
function watchLongTasks() {
  window.longest = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.longest = Math.max(window.longest, e.duration);
  }).observe({ type: 'longtask', buffered: false });
}

/** The real page: choose the file, wait for the grid, list every row, move through them, edit one cell. */
async function admin(browser, url, rows) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(watchLongTasks);
  await page.goto(`${url}/admin`);
  const t0 = Date.now();
  await page.setInputFiles('#file', FILE);
  await page.locator('#grid-body [role=row]').first().waitFor({ timeout: 180_000 });
  const opened = Date.now() - t0;
  const phases = { opened: await page.evaluate(() => window.longest) };
  const problemRows = await page.locator('#grid').getAttribute('aria-rowcount');
  await page.uncheck('#only-problems');
  await page.waitForFunction((n) => document.getElementById('grid').getAttribute('aria-rowcount') === String(n + 1), rows);
  const allRows = await page.locator('#grid').getAttribute('aria-rowcount');
  phases.listed = await page.evaluate(() => window.longest);
  await page.focus('#only-problems');
  await page.keyboard.press('Tab'); // past "leave out"
  await page.keyboard.press('Tab'); // the grid's tab stop
  const t1 = Date.now();
  await page.keyboard.press('Control+End');
  await page.locator('#grid-body [role=rowheader]', { hasText: new RegExp(`^${rows}$`) }).waitFor();
  for (let k = 0; k < 20; k++) await page.keyboard.press('PageUp');
  const moved = Date.now() - t1;
  phases.moved = await page.evaluate(() => window.longest);
  const inDom = await page.locator('#grid-body [role=row]').count();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  // Timed in the page: from the Enter that keeps the edit to the grid showing the re-checked row. The first edit
  // also takes the list of issues away (the grid is the truth from then on): a second one is timed too.
  const editOnce = async (text) => {
    await page.keyboard.type(text);
    await page.evaluate((text) => {
      window.edit = {};
      document.addEventListener('keydown', (e) => { if (e.key === 'Enter') window.edit.start ??= performance.now(); }, { capture: true, once: true });
      const seen = new MutationObserver(() => {
        if ([...document.querySelectorAll('#grid-body [role=gridcell]')].some((c) => c.textContent === text)) {
          window.edit.end ??= performance.now();
          seen.disconnect();
        }
      });
      seen.observe(document.getElementById('grid-body'), { childList: true, subtree: true, characterData: true });
    }, text);
    await page.keyboard.press('Enter');
    await page.locator('#grid-body [role=gridcell]', { hasText: new RegExp(`^${text}$`) }).first().waitFor();
    return page.evaluate(() => Math.round((window.edit.end - window.edit.start) * 10) / 10);
  };
  const edited = [await editOnce('Edited')];
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  edited.push(await editOnce('Again'));
  const longest = await page.evaluate(() => window.longest);
  await page.close();
  console.log('longest task so far, by phase:', phases);
  return { opened, problemRows: Number(problemRows) - 1, allRows: Number(allRows) - 1, moved, inDom, edited, longest };
}

/** In the page: reads the file into a Grid, then times the edits. */
async function measure(edits) {
  const { default: init, Grid } = await import('/pkg/grid/enrol_validator.js');
  await init({ module_or_path: '/pkg/grid/enrol_validator_bg.wasm' });
  const bytes = new Uint8Array(await (await fetch('/file.csv')).arrayBuffer());
  const t0 = performance.now();
  const g = new Grid(2026, 11, 24, 2_000_000, 'en_IN');
  for (let at = 0; at < bytes.length; at += 1 << 20) g.push(bytes.subarray(at, at + (1 << 20)));
  g.finish();
  const read = performance.now() - t0;
  const header = JSON.parse(g.headerJson());
  const phone = header.indexOf('phone');
  const rows = g.rows();
  const cell = (row) => JSON.parse(g.rowsJson(Uint32Array.of(row)))[0].cells[phone] ?? '';
  const times = [];
  let original = '';
  let total = 0; // performance.now() is coarse (0.1 ms) here: the mean of all edits is the finer figure
  for (let k = 0; k < edits; k++) {
    const row = ((Math.floor(k / 2) * 7919) % rows) + 1;
    let value;
    if (k % 2 === 0) {
      original = cell(row);
      value = cell(((row * 31) % rows) + 1);
    } else {
      value = original;
    }
    const t = performance.now();
    const touched = g.edit(row, phone, value);
    JSON.parse(g.rowsJson(touched));
    times.push(performance.now() - t);
    total += times.at(-1);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.round((times.length - 1) * q)];
  return { rows, read, mean: total / edits, median: at(0.5), p95: at(0.95), slowest: times.at(-1) };
}

const server = createServer(serve);
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  let rows = 0;
  for (let run = 1; run <= RUNS; run++) {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const r = await page.evaluate(measure, EDITS);
    rows = r.rows;
    const ms = (x) => x.toFixed(3);
    console.log(`run ${run}: ${r.rows} rows read in ${Math.round(r.read)} ms; ${EDITS} edits: mean ${ms(r.mean)} ms, median ${ms(r.median)} ms, `
      + `p95 ${ms(r.p95)} ms, slowest ${ms(r.slowest)} ms`);
    await page.close();
  }
  const a = await admin(browser, `http://127.0.0.1:${server.address().port}`, rows);
  console.log(`/admin: grid shown ${a.opened} ms after choosing the file (${a.problemRows} rows with problems); all `
    + `${a.allRows} rows listed, ${a.inDom} in the page; Ctrl+End then 20 × Page Up ${a.moved} ms; an edit by keyboard shown `
    + `in ${a.edited[0]} ms (the first), ${a.edited[1]} ms (the next); longest main-thread task ${Math.round(a.longest)} ms`);
} finally {
  await browser.close();
  server.close();
}
