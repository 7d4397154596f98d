// The admin page. The file is checked by the Rust validator in a Web Worker (validate-worker.js), so the
// page never freezes; this script shows what the worker reports, offers the downloads, signs the administrator
// in and uploads the checked file. The worker is built from the chosen tenant's upload configuration, the same
// rules the Worker applies to the upload, so that a file this page calls clean is one the server accepts.
//
// The access token lives in sessionStorage (gone with the tab), never in localStorage. A 401 from any call
// (an expired or revoked token) brings the sign-in form back and keeps the chosen file and its check.

import { csvBlob } from '/csv.js';
import { sheetStep } from '/sheet.js';
import { gridStep } from '/grid.js';

const $ = (id) => document.getElementById(id);
const SHOW_AT_MOST = 1000;
const SESSION = 'enrol.session';
const POLL_MS = 5000;
const PAGE_SIZE = 20;
const RESULT_COLUMNS = ['row', 'userName', 'uuid', 'status', 'problem'];

/**
 * A count grouped the Indian way (12,34,567), as `toLocaleString('en-IN')` and `'hi-IN'` write it, without
 * ICU: the first toLocaleString of a page loads its number-format data, a main-thread task of about 100 ms on
 * a slow laptop, and the first count is shown while a file is being checked.
 */
function group(n) {
  const s = String(Math.round(n));
  return s.length <= 3 ? s : `${s.slice(0, -3).replace(/\B(?=(\d{2})+$)/g, ',')},${s.slice(-3)}`;
}

const TEXT = {
  en_IN: {
    title: 'Upload users', language: 'Language',
    accountTitle: 'Administrator', userName: 'User name', password: 'Password', loginTenant: 'Tenant',
    signIn: 'Sign in', signOut: 'Sign out', tenant: 'Onboard into tenant', userType: 'User type',
    EMPLOYEE: 'Employees', CITIZEN: 'Citizens',
    checkTitle: 'Check the file',
    intro: 'Choose the CSV file of people to onboard. It is checked here, in your browser, before anything is sent.',
    template: 'Download the empty template (CSV)', drop: 'Drop a CSV file here, or choose one',
    rows: 'Data rows', rowsWithErrors: 'Rows with errors', errors: 'Errors', warnings: 'Warnings',
    upload: 'Upload', downloadIssues: 'Download all issues (CSV)', filter: 'Column', allColumns: 'All columns',
    fileLevel: '(whole file)', wholeRow: '(whole row)', row: 'Row', line: 'Line', column: 'Column', value: 'Value', problem: 'Problem',
    checkProgress: 'Checking the file', uploadProgress: 'Uploading', issuesTable: 'Issues found in the file',
    outcomeTitle: 'Upload result', fileName: 'File', uploadedAt: 'Uploaded', state: 'Status', created: 'Created',
    failed: 'Failed', leftOut: 'Left out (rows with problems)', smsTitle: 'SMS to the new users', smsQueued: 'Waiting to be sent', smsSent: 'Sent',
    smsDelivered: 'Delivered', smsFailed: 'Not delivered', downloadResult: 'Download the result (CSV)',
    outcomeTable: 'Result of every row', uuid: 'User id', historyTitle: 'Earlier uploads', newer: 'Newer', older: 'Older',
    status: { COMPLETED: 'Completed', FAILED: 'Failed', created: 'created', failed: 'failed' },
    checking: (name) => `Checking ${name}…`,
    speed: (rows, perSec) => `${group(rows)} rows checked, ${group(perSec)} rows/s`,
    clean: (name) => `${name} has no errors: it can be uploaded.`,
    dirty: (name) => `${name} has errors: fix them in the spreadsheet and choose the file again.`,
    fixBelow: (name) => `${name} has errors: fix them below (the upload sends the corrected rows), or in the spreadsheet.`,
    fixedClean: (name) => `${name} has no errors now: the corrected rows can be uploaded.`,
    leavingOut: (name, n) => `${name}: ${group(n)} rows with problems will be left out; the others can be uploaded.`,
    uploadedLeftOut: (created, name, n) => `${name} is uploaded: ${group(created)} users created, ${group(n)} rows with problems left out.`,
    unreadable: (name, why) => `Could not read ${name}: ${why}`,
    shown: (n, total) => (n < total ? `Showing the first ${n} of ${total} issues; download them all below.` : `${total} issues.`),
    signingIn: 'Signing in…',
    signInFailed: (why) => `Could not sign in: ${why}`,
    signedInAs: (name, userName, tenant) => `Signed in as ${name} (${userName}, ${tenant}).`,
    notAdmin: (userName) => `${userName} is not an administrator: only administrators can upload users. You have been signed out.`,
    expired: 'Your session has ended. Sign in again to upload; the chosen file is kept.',
    signInToUpload: 'Sign in as an administrator to upload this file.',
    alreadyUploaded: 'This file is uploaded. Choose another file to add more people.',
    loadingRules: 'Loading the rules of the chosen tenant…',
    rules: (name, maxRows) => `Files for ${name} are checked with its rules: at most ${group(maxRows)} rows, its roles, grades, languages and subjects.`,
    rulesFailed: (why) => `Could not load the tenant's rules: ${why}`,
    uploading: (rows, name) => `Uploading ${group(rows)} rows of ${name}…`,
    uploaded: (created, name) => `${name} is uploaded: ${group(created)} users created.`,
    rejected: (name) => `${name} was not uploaded: nothing was created. The problems are listed under “Upload result”.`,
    uploadError: (why) => `The upload did not go through: ${why}`,
    resultShown: (n, total) => (n < total ? `Showing the first ${n} of ${total} lines; download them all above.` : ''),
    noUploads: 'No uploads into this tenant yet.',
    uploadsShown: (from, to, total) => `Uploads ${from}–${to} of ${total}, newest first.`,
    uploadLine: (when, type, status, c) => `${when} · ${type} · ${status} · ${c.rows} rows: ${c.created} created, ${c.failed} failed`,
    failedToLoad: (why) => `Could not load: ${why}`,
  },
  hi_IN: {
    title: 'उपयोगकर्ता अपलोड करें', language: 'भाषा',
    accountTitle: 'व्यवस्थापक', userName: 'उपयोगकर्ता नाम', password: 'पासवर्ड', loginTenant: 'टेनेंट',
    signIn: 'साइन इन करें', signOut: 'साइन आउट करें', tenant: 'इस टेनेंट में जोड़ें', userType: 'उपयोगकर्ता प्रकार',
    EMPLOYEE: 'कर्मचारी', CITIZEN: 'नागरिक',
    checkTitle: 'फ़ाइल की जाँच',
    intro: 'जिन लोगों को जोड़ना है उनकी CSV फ़ाइल चुनें। भेजने से पहले उसकी जाँच यहीं, आपके ब्राउज़र में होती है।',
    template: 'खाली टेम्पलेट (CSV) डाउनलोड करें', drop: 'CSV फ़ाइल यहाँ छोड़ें, या चुनें',
    rows: 'डेटा पंक्तियाँ', rowsWithErrors: 'त्रुटि वाली पंक्तियाँ', errors: 'त्रुटियाँ', warnings: 'चेतावनियाँ',
    upload: 'अपलोड करें', downloadIssues: 'सभी समस्याएँ डाउनलोड करें (CSV)', filter: 'कॉलम', allColumns: 'सभी कॉलम',
    fileLevel: '(पूरी फ़ाइल)', wholeRow: '(पूरी पंक्ति)', row: 'पंक्ति', line: 'लाइन', column: 'कॉलम', value: 'मान', problem: 'समस्या',
    checkProgress: 'फ़ाइल की जाँच हो रही है', uploadProgress: 'अपलोड हो रहा है', issuesTable: 'फ़ाइल में मिली समस्याएँ',
    outcomeTitle: 'अपलोड का परिणाम', fileName: 'फ़ाइल', uploadedAt: 'अपलोड का समय', state: 'स्थिति', created: 'बनाए गए',
    failed: 'विफल', leftOut: 'छोड़ी गई (समस्या वाली पंक्तियाँ)', smsTitle: 'नए उपयोगकर्ताओं को SMS', smsQueued: 'भेजे जाने की प्रतीक्षा में', smsSent: 'भेजे गए',
    smsDelivered: 'पहुँचे', smsFailed: 'नहीं पहुँचे', downloadResult: 'परिणाम डाउनलोड करें (CSV)',
    outcomeTable: 'हर पंक्ति का परिणाम', uuid: 'उपयोगकर्ता आईडी', historyTitle: 'पिछले अपलोड', newer: 'नए', older: 'पुराने',
    status: { COMPLETED: 'पूरा हुआ', FAILED: 'विफल', created: 'बनाया गया', failed: 'विफल' },
    checking: (name) => `${name} की जाँच हो रही है…`,
    speed: (rows, perSec) => `${group(rows)} पंक्तियाँ जाँची गईं, ${group(perSec)} पंक्तियाँ/सेकंड`,
    clean: (name) => `${name} में कोई त्रुटि नहीं है: इसे अपलोड किया जा सकता है।`,
    dirty: (name) => `${name} में त्रुटियाँ हैं: स्प्रेडशीट में उन्हें ठीक करें और फ़ाइल फिर से चुनें।`,
    fixBelow: (name) => `${name} में त्रुटियाँ हैं: उन्हें नीचे ठीक करें (अपलोड सुधारी गई पंक्तियाँ भेजता है), या स्प्रेडशीट में।`,
    fixedClean: (name) => `${name} में अब कोई त्रुटि नहीं है: सुधारी गई पंक्तियाँ अपलोड की जा सकती हैं।`,
    leavingOut: (name, n) => `${name}: समस्या वाली ${group(n)} पंक्तियाँ छोड़ दी जाएँगी; बाकी अपलोड की जा सकती हैं।`,
    uploadedLeftOut: (created, name, n) => `${name} अपलोड हो गई: ${group(created)} उपयोगकर्ता बनाए गए, समस्या वाली ${group(n)} पंक्तियाँ छोड़ी गईं।`,
    unreadable: (name, why) => `${name} पढ़ी नहीं जा सकी: ${why}`,
    shown: (n, total) => (n < total ? `${total} में से पहली ${n} समस्याएँ दिखाई गई हैं; सभी नीचे से डाउनलोड करें।` : `${total} समस्याएँ।`),
    signingIn: 'साइन इन हो रहा है…',
    signInFailed: (why) => `साइन इन नहीं हो सका: ${why}`,
    signedInAs: (name, userName, tenant) => `${name} (${userName}, ${tenant}) के रूप में साइन इन।`,
    notAdmin: (userName) => `${userName} व्यवस्थापक नहीं हैं: केवल व्यवस्थापक उपयोगकर्ता अपलोड कर सकते हैं। आपको साइन आउट कर दिया गया है।`,
    expired: 'आपका सत्र समाप्त हो गया है। अपलोड करने के लिए फिर से साइन इन करें; चुनी गई फ़ाइल बनी रहेगी।',
    signInToUpload: 'इस फ़ाइल को अपलोड करने के लिए व्यवस्थापक के रूप में साइन इन करें।',
    alreadyUploaded: 'यह फ़ाइल अपलोड हो चुकी है। और लोगों को जोड़ने के लिए दूसरी फ़ाइल चुनें।',
    loadingRules: 'चुने गए टेनेंट के नियम लोड हो रहे हैं…',
    rules: (name, maxRows) => `${name} की फ़ाइलें उसके नियमों से जाँची जाती हैं: अधिकतम ${group(maxRows)} पंक्तियाँ, उसकी भूमिकाएँ, ग्रेड, भाषाएँ और विषय।`,
    rulesFailed: (why) => `टेनेंट के नियम लोड नहीं हो सके: ${why}`,
    uploading: (rows, name) => `${name} की ${group(rows)} पंक्तियाँ अपलोड हो रही हैं…`,
    uploaded: (created, name) => `${name} अपलोड हो गई: ${group(created)} उपयोगकर्ता बनाए गए।`,
    rejected: (name) => `${name} अपलोड नहीं हुई: कुछ भी नहीं बनाया गया। समस्याएँ “अपलोड का परिणाम” में दी गई हैं।`,
    uploadError: (why) => `अपलोड नहीं हो सका: ${why}`,
    resultShown: (n, total) => (n < total ? `${total} में से पहली ${n} पंक्तियाँ दिखाई गई हैं; सभी ऊपर से डाउनलोड करें।` : ''),
    noUploads: 'इस टेनेंट में अभी तक कोई अपलोड नहीं।',
    uploadsShown: (from, to, total) => `${total} में से अपलोड ${from}–${to}, नए पहले।`,
    uploadLine: (when, type, status, c) => `${when} · ${type} · ${status} · ${c.rows} पंक्तियाँ: ${c.created} बनाए गए, ${c.failed} विफल`,
    failedToLoad: (why) => `लोड नहीं हो सका: ${why}`,
  },
};

let locale = 'en_IN';
let worker = null;
let current = null; // { file, started, summary, done, failed, issues (shown), total, columns, rules, keys }
let session = null; // { token, user: { name, userName, tenantId } }
let tenants = []; // GET /v1/tenants
let chosenTenant = null; // kept across a sign-in again
let rules = null; // { tenantId, key, config }: the chosen tenant's upload configuration
let rulesAsked = 0; // the latest configuration request; older answers are dropped
let uploading = false;
let outcome = null; // the upload status shown under "Upload result"
let historyPage = 0;

const t = () => TEXT[locale];
const intlLocale = () => (locale === 'hi_IN' ? 'hi-IN' : 'en-IN');

function applyLanguage() {
  document.documentElement.lang = locale === 'hi_IN' ? 'hi' : 'en';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t()[el.dataset.i18n];
  for (const el of document.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t()[el.dataset.i18nLabel]);
}

function today() {
  const d = new Date();
  return [d.getFullYear(), d.getMonth() + 1, d.getDate()];
}

// ---- Checking the file -------------------------------------------------------------------------------------

function check(file) {
  if (worker) worker.terminate();
  const same = current?.file === file; // checked again (another language, other rules): still the same upload
  current = {
    file, started: performance.now(), summary: null, done: false, failed: false, issues: [], total: 0, columns: [],
    rules: rules?.key ?? null, keys: same ? current.keys : {}, uploaded: same && current.uploaded,
  };
  worker = new Worker('/validate-worker.js', { type: 'module' });
  grid.reset(worker);
  $('result').hidden = true;
  $('issues-box').hidden = true;
  $('download-issues').hidden = true;
  updateUpload();
  clearRows();
  $('progress-box').hidden = false;
  $('progress').value = 0;
  $('speed').textContent = '';
  $('status').textContent = t().checking(file.name);
  worker.onmessage = ({ data }) => on[data.type](data);
  worker.postMessage({ type: 'check', file, locale, today: today(), config: rules?.config ?? null });
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
    $('status').textContent = checkedText();
    $('download-issues').hidden = data.total === 0;
    fillFilter();
    on.page(data);
    updateUpload();
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
  /** The file with problems is in the editable table: the grid is shown under the issues. */
  grid(data) {
    grid.opened(data, current.file.name);
    $('status').textContent = t().fixBelow(current.file.name);
  },
  'grid-answer'(data) {
    grid.answered(data);
  },
  error(data) {
    current.failed = true;
    $('status').textContent = t().unreadable(current.file.name, data.message);
    updateUpload();
  },
};

function checkedText() {
  const { file, summary } = current;
  if (current.grid?.edited && summary.errors === 0) return t().fixedClean(file.name);
  if (leavingOut()) return t().leavingOut(file.name, summary.rowsWithErrors);
  if (grid.active) return t().fixBelow(file.name);
  return summary.errors === 0 ? t().clean(file.name) : t().dirty(file.name);
}

/** The rows with problems are to be left out, and the others can go: no error of the file itself, some row clean. */
function leavingOut() {
  const g = current?.grid;
  return Boolean(g?.leaveOut && g.fileErrors === 0 && current.summary.errors > 0
    && current.summary.rows > current.summary.rowsWithErrors);
}

/** After every change in the grid: the counts, the status and Upload follow the table as it is now. */
function gridChanged({ summary, leaveOut, edited, fileErrors }) {
  if (!current) return;
  const version = (current.grid?.version ?? 0) + (edited ? 1 : 0);
  current.grid = { leaveOut, edited, fileErrors, version };
  current.summary = summary;
  for (const [id, key] of [['rows', 'rows'], ['rows-with-errors', 'rowsWithErrors'], ['errors', 'errors'], ['warnings', 'warnings']]) {
    $(id).textContent = String(summary[key]);
  }
  // The list of issues is the file as it was read: once edited, the grid is the truth.
  if (edited) $('issues-box').hidden = true;
  $('download-issues').hidden = edited || current.total === 0;
  if (current.done) $('status').textContent = checkedText();
  updateUpload();
}

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
// 25 rows a task: with 100, laying out a growing table took over 50 ms a task on a CPU throttled 4x.
const SLICE = 25;

function appendRows(issues) {
  const idle = queue.length === 0;
  queue.push(...issues);
  if (idle) renderSlice(); // the first slice now, the rest after the browser has had a turn
}

function renderSlice() {
  const body = $('issues').tBodies[0];
  const room = Math.max(SHOW_AT_MOST - body.rows.length, 0);
  const labels = labelsOf($('issues'));
  body.append(...queue.splice(0, Math.min(SLICE, room)).map((i) => issueRow(i, labels)));
  if (body.rows.length >= SHOW_AT_MOST) queue = [];
  if (queue.length) setTimeout(renderSlice, 0);
}

function clearRows() {
  queue = [];
  $('issues').tBodies[0].replaceChildren();
}

/** The header texts of a table: on a phone each cell shows its column's name (style.css, data-label). */
const labelsOf = (table) => [...table.tHead.rows[0].cells].map((th) => th.textContent);

/** A table row of text cells: never innerHTML, the values come from the file. */
function textRow(cells, className, labels) {
  const tr = document.createElement('tr');
  if (className) tr.className = className;
  cells.forEach((cell, k) => {
    const td = document.createElement('td');
    td.textContent = String(cell ?? '');
    td.dataset.label = labels[k];
    tr.append(td);
  });
  return tr;
}

function issueRow(i, labels) {
  // A sheet's issue is named at the administrator's own place (sheet.js), the others by enrol's column.
  const column = sheets.place(i, current?.file) ?? i.column ?? (i.row == null ? t().fileLevel : t().wholeRow);
  return textRow([i.row ?? '', i.line ?? '', column, i.value ?? '', i.message], i.severity, labels);
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

// ---- Calls to the API --------------------------------------------------------------------------------------

/** Thrown when a call needs a sign-in: the sign-in form is back already, the caller only stops. */
class SignedOut extends Error {}

/** A call with the session's token. A 401 means the token is gone (expired, revoked): sign in again. */
async function api(path, init = {}) {
  if (!session) throw new SignedOut();
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${session.token}`);
  const res = await fetch(path, { ...init, headers });
  if (res.status === 401) {
    expired();
    throw new SignedOut();
  }
  return res;
}

async function json(res) {
  try { return await res.json(); } catch { return null; }
}

/** The message of an error answer: DIGIT's envelope, or OAuth's error_description. */
function reason(body, res) {
  return body?.Errors?.[0]?.message || body?.error_description || `HTTP ${res.status} ${res.statusText}`.trim();
}

// ---- Signing in and out ------------------------------------------------------------------------------------

function remember() {
  if (session) sessionStorage.setItem(SESSION, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION);
}

function showSignedIn(on) {
  $('signin').hidden = on;
  $('session').hidden = !on;
  if (!on) return;
  $('signin-error').textContent = '';
  const { name, userName, tenantId } = session.user;
  $('who').textContent = t().signedInAs(name ?? userName, userName, tenantId);
}

$('signin').addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = $('signin-button');
  button.disabled = true;
  $('signin-error').className = 'muted';
  $('signin-error').textContent = t().signingIn;
  try {
    const tenantId = $('login-tenant').value.trim();
    const res = await fetch('/user/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        username: $('username').value.trim(), password: $('password').value, grant_type: 'password', scope: 'read',
        tenantId, userType: 'EMPLOYEE',
      }),
    });
    const body = await json(res);
    if (!res.ok || !body?.access_token) return failSignIn(t().signInFailed(reason(body, res)));
    const u = body.UserRequest ?? {};
    session = { token: body.access_token, user: { name: u.name, userName: u.userName, tenantId: u.tenantId ?? tenantId } };
    remember();
    $('password').value = '';
    $('signin-error').textContent = '';
    await startSession();
  } catch (err) {
    if (!(err instanceof SignedOut)) failSignIn(t().signInFailed(err.message));
  } finally {
    button.disabled = false;
  }
});

function failSignIn(message) {
  $('signin-error').className = 'error';
  $('signin-error').textContent = message;
}

/** After a sign-in (or a reload with a token): only administrators, who may list tenants, go on. */
async function startSession() {
  const res = await api('/v1/tenants');
  const body = await json(res);
  if (res.status === 403) {
    const { userName } = session.user;
    await signOut();
    return failSignIn(t().notAdmin(userName));
  }
  if (!res.ok) {
    await signOut();
    return failSignIn(t().signInFailed(reason(body, res)));
  }
  tenants = body.tenants ?? [];
  const select = $('tenant');
  select.replaceChildren(...tenants.map((x) => new Option(`${x.name} (${x.id})`, x.id)));
  const ids = tenants.map((x) => x.id);
  select.value = [chosenTenant, session.user.tenantId, ids[0]].find((id) => ids.includes(id)) ?? '';
  showSignedIn(true);
  if (outcome?.sms?.queued > 0) schedulePoll(outcome.processId); // stopped when the session ended
  await chooseTenant();
}

/** Ends the session on the server (best effort) and forgets the token. */
async function signOut() {
  const token = session?.token;
  session = null;
  remember();
  stopPolling();
  showSignedIn(false);
  updateUpload();
  if (token) {
    try {
      await fetch('/user/_logout', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    } catch { /* the token is forgotten here; it expires on its own */ }
  }
}

/** The token is no longer accepted: sign in again; the file, its check and the tenant choice stay. */
function expired() {
  session = null;
  remember();
  stopPolling();
  showSignedIn(false);
  failSignIn(t().expired);
  updateUpload();
  $('password').focus();
}

$('signout').addEventListener('click', async () => {
  await signOut();
  // Whoever signs in next sees only what is theirs.
  outcome = null;
  chosenTenant = null;
  $('outcome').hidden = true;
  $('history').hidden = true;
  // Signed out is as before signing in: the validator's default rules.
  rulesAsked += 1;
  rules = null;
  $('rules').textContent = '';
  if (current) check(current.file);
  $('username').focus();
});

// ---- The tenant and its rules ------------------------------------------------------------------------------

function tenantName(id) {
  return tenants.find((x) => x.id === id)?.name ?? id;
}

/** Loads the chosen tenant's upload configuration, and checks the file again by its rules. */
async function chooseTenant() {
  const id = $('tenant').value;
  if (!id) return;
  chosenTenant = id;
  const asked = ++rulesAsked;
  if (rules?.tenantId !== id) {
    rules = null;
    $('rules').textContent = t().loadingRules;
    updateUpload();
  }
  const res = await api(`/v1/tenant/${encodeURIComponent(id)}/upload-config`);
  const body = await json(res);
  if (asked !== rulesAsked) return;
  if (!res.ok || !body) {
    rules = null;
    $('rules').textContent = t().rulesFailed(reason(body, res));
    updateUpload();
    return;
  }
  rules = { tenantId: id, key: JSON.stringify(body), config: body };
  showRules();
  if (current && current.rules !== rules.key) {
    // The same rules as the upload will meet: the file checked again, or, when the grid holds edits, every row
    // of the grid judged again with the edits kept.
    if (grid.active && grid.edited) {
      current.rules = rules.key;
      await grid.setRules(rules.config, today());
    } else {
      check(current.file);
    }
  } else {
    updateUpload();
  }
  loadHistory(0).catch(ignoreSignedOut);
}

function showRules() {
  if (rules) $('rules').textContent = t().rules(tenantName(rules.tenantId), rules.config.maxRows ?? 1000);
}

$('tenant').addEventListener('change', () => chooseTenant().catch(ignoreSignedOut));

function ignoreSignedOut(err) {
  if (!(err instanceof SignedOut)) throw err;
}

// ---- Upload ------------------------------------------------------------------------------------------------

/** Upload needs a clean file, checked by the chosen tenant's rules, and a signed-in administrator. */
function canUpload() {
  const clean = current?.done && !current.failed && (current.summary?.errors === 0 || leavingOut());
  return Boolean(clean && session && rules && rules.tenantId === $('tenant').value && current.rules === rules.key
    && !uploading && !current.uploaded);
}

function updateUpload() {
  $('upload').disabled = !canUpload();
  const clean = current?.done && !current.failed && (current.summary?.errors === 0 || leavingOut());
  let hint = '';
  if (current?.uploaded) hint = t().alreadyUploaded;
  else if (clean && !session) hint = t().signInToUpload;
  else if (clean && !rules) hint = t().loadingRules;
  $('upload-hint').textContent = hint;
}

$('upload').addEventListener('click', async () => {
  if (!canUpload()) return;
  stopPolling();
  outcome = null;
  $('outcome').hidden = true; // an earlier result is not this upload's
  uploading = true;
  updateUpload();
  const { file, summary } = current;
  const tenantId = $('tenant').value;
  const userType = $('user-type').value;
  // One key per file (as corrected so far), tenant and type: pressing Upload again after a lost answer cannot
  // create the users twice.
  const keyOf = `${tenantId} ${userType} ${current.grid?.version ?? 0}`;
  current.keys[keyOf] ??= crypto.randomUUID();
  const leftOut = leavingOut() ? summary.rowsWithErrors : 0;
  const form = new FormData();
  let sent = null; // each row sent: its number in the checked file (null: the file as it was checked)
  if (grid.active) {
    // The corrected rows, as the grid holds them (without the rows with problems when they are left out).
    const { text, rows } = await grid.uploadText();
    form.append('file', new File([text], file.name, { type: 'text/csv' }), file.name);
    sent = rows;
  } else {
    form.append('file', file, file.name);
  }
  const fileRows = ownRows(sent ?? Array.from({ length: summary.rows }, (_, i) => i + 1), file);
  if (fileRows) form.append('fileRows', fileRows);
  form.append('tenantId', tenantId);
  form.append('userType', userType);
  const mapping = sheets.mappingOf(file);
  if (mapping) form.append('mapping', mapping);
  // What is sent is not the administrator's own file (the CSV made from their workbook, or the rows corrected
  // here): the upload record keeps the name and SHA-256 of the file they chose, beside those of what was sent.
  const original = sheets.originalOf(file) ?? (grid.active ? file : null);
  if (original) {
    form.append('originalFileName', original.name);
    form.append('originalSha256', await sha256Hex(original));
  }
  if (leftOut) form.append('leftOut', String(leftOut)); // kept on the upload record
  $('uploading').hidden = false;
  $('status').textContent = t().uploading(summary.rows, file.name);
  try {
    const res = await api(`/v1/user/upload?locale=${locale}`, {
      method: 'POST', body: form, headers: { 'Idempotency-Key': current.keys[keyOf] },
    });
    const body = await json(res);
    if (body?.processId && body.status) {
      current.uploaded = body.status === 'COMPLETED'; // its users exist now: once is enough
      showOutcome(body);
      const created = body.counts?.created ?? 0;
      $('status').textContent = body.status !== 'COMPLETED' ? t().rejected(file.name)
        : leftOut ? t().uploadedLeftOut(created, file.name, leftOut) : t().uploaded(created, file.name);
      loadHistory(0).catch(ignoreSignedOut);
    } else {
      $('status').textContent = t().uploadError(reason(body, res));
    }
  } catch (err) {
    if (err instanceof SignedOut) $('status').textContent = checkedText();
    else $('status').textContent = t().uploadError(err.message);
  } finally {
    uploading = false;
    $('uploading').hidden = true;
    updateUpload();
  }
});

/**
 * The number each row sent has in the administrator's own file (a sheet's rows, when `checked` was made from
 * one), as ranges ("4-6,8"); null when they are the rows' own numbers, or when one of them is not known.
 */
function ownRows(rows, checked) {
  const own = rows.map((r) => sheets.rowOf(r, checked) ?? r);
  if (own.every((n, i) => n === i + 1)) return null;
  if (own.some((n, i) => !Number.isInteger(n) || n < 1 || (i > 0 && n <= own[i - 1]))) return null;
  const parts = [];
  for (let i = 0; i < own.length;) {
    let j = i;
    while (j + 1 < own.length && own[j + 1] === own[j] + 1) j++;
    parts.push(i === j ? String(own[i]) : `${own[i]}-${own[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** A file's SHA-256, as lowercase hex. */
async function sha256Hex(blob) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

// ---- The result of an upload -------------------------------------------------------------------------------

/** "phone: message", or the message alone for a whole row or the whole file. */
const problemOf = (i) => (i.column ? `${i.column}: ${i.message}` : i.message);

/**
 * One line per created user (with its warnings as the problem), and one per issue of a row that was not created:
 * a FAILED upload creates nobody, so it lists every issue of the file.
 */
function resultLines(status) {
  const issues = status.failureResult ?? [];
  const created = new Map((status.successResult ?? []).map((s) => [s.row, s]));
  const lines = [];
  for (const s of created.values()) {
    const problem = issues.filter((i) => i.row === s.row).map(problemOf).join('; ');
    lines.push({ row: s.fileRow ?? s.row, userName: s.userName, uuid: s.uuid, status: 'created', problem });
  }
  for (const i of issues) {
    if (i.row == null || !created.has(i.row)) lines.push({ row: i.fileRow ?? i.row ?? '', userName: '', uuid: '', status: 'failed', problem: problemOf(i) });
  }
  return lines.sort((a, b) => (Number(a.row) || 0) - (Number(b.row) || 0));
}

function showOutcome(status) {
  stopPolling();
  outcome = status;
  renderOutcome();
  if (status.sms?.queued > 0) schedulePoll(status.processId);
}

function renderOutcome() {
  const status = outcome;
  const c = status.counts ?? {};
  $('outcome').hidden = false;
  $('outcome-file').textContent = status.fileName ?? '';
  $('outcome-when').textContent = when(status.createdAt);
  $('outcome-status').textContent = t().status[status.status] ?? status.status;
  $('outcome-status').dataset.status = status.status;
  $('outcome-status').className = status.status === 'COMPLETED' ? 'ok' : 'error';
  $('outcome-rows').textContent = String(c.rows ?? '');
  $('outcome-created').textContent = String(c.created ?? '');
  $('outcome-failed').textContent = String(c.failed ?? '');
  $('outcome-left-out').textContent = String(status.leftOut ?? 0);
  showSms(status.sms);
  const lines = resultLines(status);
  const table = $('outcome-table');
  const labels = labelsOf(table);
  table.tBodies[0].replaceChildren(...lines.slice(0, SHOW_AT_MOST).map((l) =>
    textRow([l.row, l.userName, l.uuid, t().status[l.status], l.problem], l.status, labels)));
  $('outcome-shown').textContent = t().resultShown(Math.min(lines.length, SHOW_AT_MOST), lines.length);
}

function showSms(sms = {}) {
  for (const k of ['queued', 'sent', 'delivered', 'failed']) $(`sms-${k}`).textContent = String(sms[k] ?? 0);
}

function when(iso) {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? d.toLocaleString(intlLocale(), { dateStyle: 'medium', timeStyle: 'short' }) : '';
}

async function fetchStatus(processId) {
  const res = await api(`/v1/upload/status/${encodeURIComponent(processId)}?locale=${locale}`);
  const body = await json(res);
  if (!res.ok && !body?.processId) throw new Error(reason(body, res));
  return body;
}

$('download-result').addEventListener('click', (e) => {
  e.preventDefault();
  if (!outcome) return;
  // Only what the table shows: no token, no password, nothing of the session.
  download(`enrol-result-${outcome.processId}.csv`, csvBlob(RESULT_COLUMNS, resultLines(outcome)));
});

// SMS counts move as the queue sends: ask every few seconds while some are still waiting.
let pollTimer = null;
let pollRound = 0; // bumped by stopPolling, so that an answer already on its way is dropped

function schedulePoll(processId) {
  stopPolling();
  const round = pollRound;
  pollTimer = setTimeout(async () => {
    pollTimer = null;
    try {
      const status = await fetchStatus(processId);
      if (round !== pollRound || outcome?.processId !== processId) return;
      outcome.sms = status.sms;
      showSms(status.sms);
      if (status.sms?.queued > 0) schedulePoll(processId);
    } catch (err) {
      if (!(err instanceof SignedOut) && round === pollRound) schedulePoll(processId); // a network blip: try again
    }
  }, POLL_MS);
}

function stopPolling() {
  pollRound += 1;
  clearTimeout(pollTimer);
  pollTimer = null;
}

window.addEventListener('pagehide', stopPolling);
window.addEventListener('pageshow', (e) => {
  if (e.persisted && session && outcome?.sms?.queued > 0) schedulePoll(outcome.processId);
});

// ---- Earlier uploads ---------------------------------------------------------------------------------------

async function loadHistory(pageNo) {
  const tenantId = rules?.tenantId ?? $('tenant').value;
  if (!session || !tenantId) return;
  const query = new URLSearchParams({ tenantId, page: String(pageNo), pageSize: String(PAGE_SIZE) });
  const res = await api(`/v1/uploads?${query}`);
  const body = await json(res);
  if (tenantId !== $('tenant').value) return; // another tenant was chosen meanwhile
  $('history').hidden = false;
  const list = $('uploads');
  if (!res.ok || !body) {
    list.replaceChildren();
    $('history-note').textContent = t().failedToLoad(reason(body, res));
    return;
  }
  historyPage = pageNo;
  const uploads = body.uploads ?? [];
  const total = body.total ?? uploads.length;
  const from = pageNo * PAGE_SIZE;
  $('history-note').textContent = uploads.length ? t().uploadsShown(from + 1, from + uploads.length, total) : t().noUploads;
  list.replaceChildren(...uploads.map(uploadItem));
  $('newer').hidden = pageNo === 0;
  $('older').hidden = from + uploads.length >= total;
}

function uploadItem(u) {
  const li = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link';
  button.textContent = u.fileName || u.processId;
  button.dataset.process = u.processId;
  const about = document.createElement('span');
  about.id = `upload-${u.processId}`;
  about.className = 'muted';
  about.textContent = t().uploadLine(when(u.createdAt), t()[u.userType] ?? u.userType, t().status[u.status] ?? u.status,
    { rows: 0, created: 0, failed: 0, ...u.counts });
  button.setAttribute('aria-describedby', about.id);
  li.append(button, ' ', about);
  return li;
}

$('uploads').addEventListener('click', async (e) => {
  const button = e.target.closest('button[data-process]');
  if (!button) return;
  try {
    showOutcome(await fetchStatus(button.dataset.process));
    $('outcome-title').focus();
    $('outcome').scrollIntoView({ block: 'start' });
  } catch (err) {
    if (!(err instanceof SignedOut)) $('history-note').textContent = t().failedToLoad(err.message);
  }
});

$('newer').addEventListener('click', () => loadHistory(Math.max(historyPage - 1, 0)).catch(ignoreSignedOut));
$('older').addEventListener('click', () => loadHistory(historyPage + 1).catch(ignoreSignedOut));

// ---- The page's own controls -------------------------------------------------------------------------------

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

$('locale').addEventListener('change', async (e) => {
  locale = e.target.value;
  applyLanguage();
  if (session) showSignedIn(true);
  showRules();
  updateUpload();
  // The messages come from Rust, in the chosen language: checked again, unless the grid holds edits to keep.
  if (current && grid.active && grid.edited) await grid.setLocale();
  else if (current) check(current.file);
  grid.relabel();
  sheets.relabel();
  if (outcome) renderOutcome(); // its labels now, the server's messages below
  try {
    if (outcome && session) showOutcome(await fetchStatus(outcome.processId)); // the server's messages too
    if (session && !$('history').hidden) await loadHistory(historyPage);
  } catch (err) {
    ignoreSignedOut(err);
  }
});

// The grid of the rows to fix, for a file with problems (grid.js).
const grid = gridStep({ locale: () => locale, changed: gridChanged, download, rowLabel: (row) => sheets.rowOf(row, current?.file) });

// A workbook, or headings of the office's own, go through the mapping step first (sheet.js); a CSV under the
// template's headings goes straight to the check.
const sheets = sheetStep({ locale: () => locale, today, known: () => rules?.config?.mapping, ready: check, status: (text) => { $('status').textContent = text; } });

$('file').addEventListener('change', (e) => {
  const file = e.target.files[0];
  if (file) sheets.choose(file);
});

const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer.files[0];
  if (file) sheets.choose(file);
});

applyLanguage();
grid.relabel();
try {
  session = JSON.parse(sessionStorage.getItem(SESSION));
} catch {
  session = null;
}
if (session?.token) {
  $('username').value = session.user?.userName ?? '';
  startSession().catch(ignoreSignedOut);
} else {
  session = null;
}
