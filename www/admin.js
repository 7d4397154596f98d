// The admin page. The file is checked by the Rust validator in a Web Worker (validate-worker.js), so the
// page never freezes; this script only shows what the worker reports and offers the downloads.

const $ = (id) => document.getElementById(id);
const SHOW_AT_MOST = 1000;

const TEXT = {
  en_IN: {
    title: 'Upload users', language: 'Language',
    intro: 'Choose the CSV file of people to onboard. It is checked here, in your browser, before anything is sent.',
    template: 'Download the empty template (CSV)', drop: 'Drop a CSV file here, or choose one',
    rows: 'Data rows', rowsWithErrors: 'Rows with errors', errors: 'Errors', warnings: 'Warnings',
    upload: 'Upload', downloadIssues: 'Download all issues (CSV)', filter: 'Column', allColumns: 'All columns',
    fileLevel: '(whole file)', wholeRow: '(whole row)', row: 'Row', line: 'Line', column: 'Column', value: 'Value', problem: 'Problem',
    checking: (name) => `Checking ${name}…`,
    speed: (rows, perSec) => `${rows.toLocaleString('en-IN')} rows checked, ${perSec.toLocaleString('en-IN')} rows/s`,
    clean: (name) => `${name} has no errors: it can be uploaded.`,
    dirty: (name) => `${name} has errors: fix them in the spreadsheet and choose the file again.`,
    unreadable: (name, why) => `Could not read ${name}: ${why}`,
    shown: (n, total) => (n < total ? `Showing the first ${n} of ${total} issues; download them all below.` : `${total} issues.`),
  },
  hi_IN: {
    title: 'उपयोगकर्ता अपलोड करें', language: 'भाषा',
    intro: 'जिन लोगों को जोड़ना है उनकी CSV फ़ाइल चुनें। भेजने से पहले उसकी जाँच यहीं, आपके ब्राउज़र में होती है।',
    template: 'खाली टेम्पलेट (CSV) डाउनलोड करें', drop: 'CSV फ़ाइल यहाँ छोड़ें, या चुनें',
    rows: 'डेटा पंक्तियाँ', rowsWithErrors: 'त्रुटि वाली पंक्तियाँ', errors: 'त्रुटियाँ', warnings: 'चेतावनियाँ',
    upload: 'अपलोड करें', downloadIssues: 'सभी समस्याएँ डाउनलोड करें (CSV)', filter: 'कॉलम', allColumns: 'सभी कॉलम',
    fileLevel: '(पूरी फ़ाइल)', wholeRow: '(पूरी पंक्ति)', row: 'पंक्ति', line: 'लाइन', column: 'कॉलम', value: 'मान', problem: 'समस्या',
    checking: (name) => `${name} की जाँच हो रही है…`,
    speed: (rows, perSec) => `${rows.toLocaleString('hi-IN')} पंक्तियाँ जाँची गईं, ${perSec.toLocaleString('hi-IN')} पंक्तियाँ/सेकंड`,
    clean: (name) => `${name} में कोई त्रुटि नहीं है: इसे अपलोड किया जा सकता है।`,
    dirty: (name) => `${name} में त्रुटियाँ हैं: स्प्रेडशीट में उन्हें ठीक करें और फ़ाइल फिर से चुनें।`,
    unreadable: (name, why) => `${name} पढ़ी नहीं जा सकी: ${why}`,
    shown: (n, total) => (n < total ? `${total} में से पहली ${n} समस्याएँ दिखाई गई हैं; सभी नीचे से डाउनलोड करें।` : `${total} समस्याएँ।`),
  },
};

let locale = 'en_IN';
let worker = null;
let current = null; // { file, started, summary, done, issues (shown), total, columns }

const t = () => TEXT[locale];

function applyLanguage() {
  document.documentElement.lang = locale === 'hi_IN' ? 'hi' : 'en';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t()[el.dataset.i18n];
}

function today() {
  const d = new Date();
  return [d.getFullYear(), d.getMonth() + 1, d.getDate()];
}

function check(file) {
  if (worker) worker.terminate();
  current = { file, started: performance.now(), summary: null, done: false, issues: [], total: 0, columns: [] };
  worker = new Worker('/validate-worker.js', { type: 'module' });
  $('result').hidden = true;
  $('issues-box').hidden = true;
  $('download-issues').hidden = true;
  $('upload').disabled = true;
  clearRows();
  $('progress-box').hidden = false;
  $('progress').value = 0;
  $('speed').textContent = '';
  $('status').textContent = t().checking(file.name);
  worker.onmessage = ({ data }) => on[data.type](data);
  worker.postMessage({ type: 'check', file, locale, today: today() });
}

/** What the worker says. Only counts and at most one page of issues ever arrive here. */
const on = {
  progress(data) {
    showProgress(data);
    if (data.issues.length) {
      current.issues.push(...data.issues);
      current.total = current.issues.length;
      appendRows(data.issues);
      showCount();
    }
  },
  done(data) {
    showProgress(data);
    current.done = true;
    current.columns = data.columns;
    $('progress').value = 1;
    const { file, summary } = current;
    $('status').textContent = summary.errors === 0 ? t().clean(file.name) : t().dirty(file.name);
    $('upload').disabled = summary.errors !== 0;
    $('download-issues').hidden = data.total === 0;
    fillFilter();
    on.page(data);
  },
  page(data) {
    current.issues = data.issues;
    current.total = data.total;
    clearRows();
    appendRows(data.issues);
    showCount();
  },
  csv(data) {
    download('enrol-issues.csv', data.blob);
  },
  error(data) {
    $('status').textContent = t().unreadable(current.file.name, data.message);
  },
};

function showProgress(data) {
  const { file } = current;
  current.summary = data.summary;
  $('progress').value = file.size ? data.bytes / file.size : 1;
  const seconds = Math.max((performance.now() - current.started) / 1000, 0.001);
  $('speed').textContent = t().speed(data.summary.rows, Math.round(data.summary.rows / seconds));
  $('result').hidden = false;
  $('rows').textContent = String(data.summary.rows);
  $('rows-with-errors').textContent = String(data.summary.rowsWithErrors);
  $('errors').textContent = String(data.summary.errors);
  $('warnings').textContent = String(data.summary.warnings);
}

function fillFilter() {
  const filter = $('filter');
  const options = current.columns.map(([c, n]) => new Option(`${c === '-' ? t().fileLevel : c} (${n})`, c));
  filter.replaceChildren(new Option(t().allColumns, ''), ...options);
}

/** Rows waiting to be added to the table: they go in slices, so that no task blocks the page for long. */
let queue = [];
const SLICE = 100;

function appendRows(issues) {
  const idle = queue.length === 0;
  queue.push(...issues);
  if (idle) renderSlice(); // the first slice now, the rest after the browser has had a turn
}

function renderSlice() {
  const body = $('issues').tBodies[0];
  const room = Math.max(SHOW_AT_MOST - body.rows.length, 0);
  body.append(...queue.splice(0, Math.min(SLICE, room)).map(issueRow));
  if (body.rows.length >= SHOW_AT_MOST) queue = [];
  if (queue.length) setTimeout(renderSlice, 0);
}

function clearRows() {
  queue = [];
  $('issues').tBodies[0].replaceChildren();
}

function issueRow(i) {
  const tr = document.createElement('tr');
  tr.className = i.severity;
  const column = i.column ?? (i.row == null ? t().fileLevel : t().wholeRow);
  for (const cell of [i.row ?? '', i.line ?? '', column, i.value ?? '', i.message]) {
    const td = document.createElement('td');
    td.textContent = String(cell); // never innerHTML: the values come from the file
    tr.append(td);
  }
  return tr;
}

function showCount() {
  $('issues-box').hidden = current.total === 0;
  $('shown').textContent = t().shown(Math.min(current.issues.length, SHOW_AT_MOST), current.total);
}

function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

$('download-issues').addEventListener('click', (e) => {
  e.preventDefault();
  worker.postMessage({ type: 'csv' });
});

$('template').addEventListener('click', async (e) => {
  e.preventDefault();
  const { default: init, templateHeader } = await import('/pkg/enrol_validator.js');
  const { wasmUrl } = await import('/validator-wasm.js');
  await init({ module_or_path: wasmUrl });
  download('enrol-template.csv', new Blob(['\uFEFF', templateHeader(), '\r\n'], { type: 'text/csv;charset=utf-8' }));
});

$('filter').addEventListener('change', (e) => {
  worker.postMessage({ type: 'page', column: e.target.value === '' ? null : e.target.value });
});

$('locale').addEventListener('change', (e) => {
  locale = e.target.value;
  applyLanguage();
  if (current) check(current.file); // the messages come from Rust, in the chosen language
});

$('file').addEventListener('change', (e) => {
  const file = e.target.files[0];
  if (file) check(file);
});

const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer.files[0];
  if (file) check(file);
});

applyLanguage();
