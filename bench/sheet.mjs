// Issue 16's benchmark: a 100,000-row × 22-column .xlsx to the validator's report, in headless Chromium. enrol:
// the page's spreadsheet reader (www/pkg/sheet, the Book the admin page's sheet-worker.js opens) reads the sheet
// to CSV, then the validator's wasm (www/pkg, as validate-worker.js runs it) checks it all: its time includes
// the whole validation. The baseline: SheetJS 0.18.5 (`XLSX.read` dense, then `sheet_to_json` header:1) reading
// the same file to rows, parse only. SheetJS carries published advisories for crafted files: it is installed for
// this benchmark only, into target/bench/sheetjs (never package.json, never a page or the Worker).
//
// The file: `enrol gen`'s 100,000 rows (target/bench/rows-100000.csv, 1% errors, made by scripts/bench.sh or here)
// written as a workbook by SheetJS in Node, with phones as numbers and dates of birth as date cells, as an office's
// Excel holds them. Runs alternate enrol and SheetJS, RUNS of each (3 by default); prints the medians and ratio
// and writes target/bench/sheet.md.
//
// BEFORE=DIR (a folder holding another build's enrol_sheet.js and enrol_sheet_bg.wasm) measures that reader too,
// in the same runs: a change to the reader side by side with what it replaces.
//
//   node bench/sheet.mjs [target/bench] [runs]
import { createServer } from 'node:http';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = resolve(process.argv[2] ?? join(ROOT, 'target/bench'));
const RUNS = Number(process.argv[3] ?? 3);
const ROWS = 100_000;
const BEFORE = process.env.BEFORE ? resolve(process.env.BEFORE) : null;
const SHEETJS = '0.18.5';
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}`);
}

mkdirSync(OUT, { recursive: true });
const sheetjsDir = join(OUT, 'sheetjs');
if (!existsSync(join(sheetjsDir, 'node_modules', 'xlsx', 'package.json'))) {
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', sheetjsDir, `xlsx@${SHEETJS}`]);
}
const XLSX = createRequire(join(sheetjsDir, 'index.js'))('xlsx');
if (XLSX.version !== SHEETJS) throw new Error(`SheetJS ${XLSX.version}, not ${SHEETJS}`);

const csvPath = join(OUT, `rows-${ROWS}.csv`);
if (!existsSync(csvPath)) {
  const fd = openSync(csvPath, 'w');
  run(join(ROOT, 'target/release/enrol'), ['gen', '--rows', String(ROWS), '--error-rate', '0.01', '--seed', '20261124'],
    { stdio: ['ignore', fd, 'inherit'] });
  closeSync(fd);
}
const xlsxPath = join(OUT, `staff-${ROWS}.xlsx`);
if (!existsSync(xlsxPath)) {
  const text = readFileSync(csvPath, 'utf8');
  const rows = XLSX.utils.sheet_to_json(XLSX.read(text, { type: 'string', raw: true, dense: true }).Sheets.Sheet1,
    { header: 1, raw: true });
  const header = rows[0];
  const phone = header.indexOf('phone');
  const dob = header.indexOf('DOB');
  for (const r of rows.slice(1)) {
    for (let c = 0; c < r.length; c++) if (r[c] === '') r[c] = null; // an empty cell is no cell, as Excel writes it
    if (/^[6-9]\d{9}$/.test(r[phone])) r[phone] = Number(r[phone]);
    const d = /^(\d{2})-(\d{2})-(\d{4})$/.exec(r[dob]);
    if (d) r[dob] = new Date(Date.UTC(Number(d[3]), Number(d[2]) - 1, Number(d[1])));
  }
  const ws = XLSX.utils.aoa_to_sheet(rows, { cellDates: true, dateNF: 'dd/mm/yyyy' });
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, 'Staff');
  XLSX.writeFile(wb, xlsxPath, { compression: true, bookSST: true }); // shared strings, as Excel writes them
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const FILES = {
  '/file.xlsx': xlsxPath,
  '/xlsx.full.min.js': join(sheetjsDir, 'node_modules', 'xlsx', 'dist', 'xlsx.full.min.js'),
};
const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>sheet</title><script src="/xlsx.full.min.js"></script>');
  const before = BEFORE && /^\/before\/enrol_sheet(_bg\.wasm|\.js)$/.test(path) ? join(BEFORE, path.slice(8)) : null;
  const file = FILES[path] ?? before ?? (/^\/pkg\/(sheet\/\w+\/)?[\w.-]+$/.test(path) ? join(ROOT, 'www', path) : null);
  if (!file || !existsSync(file)) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.evaluate(async (before) => {
    window.bytes = new Uint8Array(await (await fetch('/file.xlsx')).arrayBuffer());
    window.sheet = await import('/pkg/sheet/xlsx/enrol_sheet.js');
    await window.sheet.default({ module_or_path: '/pkg/sheet/xlsx/enrol_sheet_bg.wasm' });
    if (before) {
      window.sheetBefore = await import('/before/enrol_sheet.js');
      await window.sheetBefore.default({ module_or_path: '/before/enrol_sheet_bg.wasm' });
    }
    window.validator = await import('/pkg/enrol_validator.js');
    await window.validator.default({ module_or_path: '/pkg/enrol_validator_bg.wasm' });
  }, Boolean(BEFORE));
  const enrol = (reader = 'sheet') => page.evaluate((reader) => {
    const t0 = performance.now();
    const book = new window[reader].Book(window.bytes);
    const index = book.proposeSheet(2026, 12, 4);
    const read = book.read(Math.max(index, 0), 'en_IN');
    const csv = read.csv();
    const t1 = performance.now();
    const v = new window.validator.Validator(2026, 12, 4, 0, 'en_IN');
    v.push(csv);
    const summary = JSON.parse(v.finish().summaryJson());
    const t2 = performance.now();
    read.free();
    book.free();
    return { ms: t2 - t0, readMs: t1 - t0, rows: summary.rows, errors: summary.errors };
  }, reader);
  const sheetjs = () => page.evaluate(() => {
    const t0 = performance.now();
    const wb = window.XLSX.read(window.bytes, { type: 'array', dense: true });
    const rows = window.XLSX.utils.sheet_to_json(wb.Sheets[wb.SheetNames[0]], { header: 1 });
    return { ms: performance.now() - t0, rows: rows.length - 1 };
  });
  const a = [];
  const b = [];
  const c = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(await enrol());
    b.push(await sheetjs());
    if (BEFORE) c.push(await enrol('sheetBefore'));
    console.log(`run ${i + 1}: enrol ${a[i].ms.toFixed(0)} ms (reading ${a[i].readMs.toFixed(0)}), SheetJS ${b[i].ms.toFixed(0)} ms`
      + (BEFORE ? `, the reader before ${c[i].ms.toFixed(0)} ms` : ''));
  }
  if (a[0].rows !== ROWS || b[0].rows !== ROWS) throw new Error(`rows read: enrol ${a[0].rows}, SheetJS ${b[0].rows}`);
  const e = median(a.map((x) => x.ms));
  const s = median(b.map((x) => x.ms));
  const mb = (readFileSync(xlsxPath).length / 1e6).toFixed(1);
  const md = `A ${ROWS.toLocaleString('en-US')}-row × 22-column .xlsx (${mb} MB; phones as numbers, dates as date cells), headless Chromium, ${RUNS} runs each, alternating.

| | median ms | runs, ms |
|---|---|---|
| enrol: read the sheet to CSV, then validate it all (${a[0].errors} errors found) | ${e.toFixed(0)} | ${a.map((x) => x.ms.toFixed(0)).join(', ')} (reading: ${a.map((x) => x.readMs.toFixed(0)).join(', ')}) |
| SheetJS ${SHEETJS}: read to rows, parse only | ${s.toFixed(0)} | ${b.map((x) => x.ms.toFixed(0)).join(', ')} |
${BEFORE ? `| enrol with the reader of ${BEFORE.replace(ROOT + '/', '')} | ${median(c.map((x) => x.ms)).toFixed(0)} | ${c.map((x) => x.ms.toFixed(0)).join(', ')} |\n` : ''}
enrol is **${(s / e).toFixed(2)}×** as fast as SheetJS's bare read (goal: ≥ 2×).
`;
  writeFileSync(join(OUT, 'sheet.md'), md);
  console.log(md);
} finally {
  await browser.close();
  server.close();
}
