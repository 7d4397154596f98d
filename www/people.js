// The People view of /admin (issue 17): the day after an upload. It finds the people of the chosen tenant (by
// name, mobile number, user name, email or upload), shows each one's onboarding step by step, and helps those
// who did not get in: re-send credentials, change the mobile number or email and re-send, deactivate,
// reactivate, unlock, for one person, a selection or everyone a filter finds (the count is shown and confirmed
// first). Above the table, the funnel as a small inline SVG with its numbers written on it and a text
// equivalent; below, the audit log of the tenant.
//
// It shares nothing with admin.js but the page: the session it stored (sessionStorage), the chosen tenant
// (#tenant) and language (#locale), which it watches. Its strings are its own (data-p-i18n), in English and
// Hindi like the rest of the page.

const $ = (id) => document.getElementById(id);
const SESSION = 'enrol.session';
const PAGE = 50;
const FUNNEL_REFRESH_MS = 3000;
/** The actions the audit log records (crates/api/src/audit.rs, `action`). */
const ACTIONS = ['upload', 'reissue', 'contact.change', 'deactivate', 'activate', 'unlock', 'user.update',
  'upload-config.change', 'signin', 'signin.failed', 'password.reset', 'lockout'];

const TEXT = {
  en_IN: {
    peopleTitle: 'People', funnelTitle: 'Onboarding', search: 'Search', q: 'Name, mobile, user name or email',
    filterLabel: 'Show', upload: 'Upload (process id or file name)', days: 'Days since creation',
    all: 'Everyone', 'not-logged-in': 'Not logged in', 'not-sent': 'Message not sent', 'not-delivered': 'Message not delivered',
    'no-own-password': 'No own password yet', locked: 'Locked', inactive: 'Inactive',
    select: 'Select', person: 'Person', steps: 'Onboarding', state: 'Account', actions: 'Actions', more: 'Show more',
    peopleTable: 'People found', auditTitle: 'Audit log', auditTable: 'What administrators did', auditCsv: 'Download the audit log (CSV)',
    when: 'When', who: 'Who', what: 'What', outcome: 'Outcome', subject: 'Person',
    auditActor: 'Administrator (user name)', auditAction: 'Action', auditSubject: 'Person (user name)',
    auditSince: 'From', auditUntil: 'To', auditApply: 'Show entries', anyAction: 'Any action',
    auditFound: (n, more) => (n === 0 ? 'No entries match.' : more ? `${n} entries shown; more below.` : `${n} entries.`),
    actions: {
      upload: 'Upload', reissue: 'Re-send credentials', 'contact.change': 'Change of contact', deactivate: 'Deactivation',
      activate: 'Activation', unlock: 'Unlock', 'user.update': 'Change of a user', 'upload-config.change': 'Change of upload settings',
      signin: 'Administrator sign-in', 'signin.failed': 'Failed sign-in', 'password.reset': 'Password reset by code', lockout: 'Lockout',
    },
    reissue: 'Re-send credentials', contact: 'Change contact', deactivate: 'Deactivate', activate: 'Activate', unlock: 'Unlock',
    selected: 'For the selected people:', everyone: 'For everyone found:',
    confirm: 'Confirm', cancel: 'Cancel', mobile: 'Mobile number', email: 'Email', saveResend: 'Save and re-send',
    created: 'Created', sent: 'Sent', delivered: 'Delivered', notDelivered: 'Not delivered', firstLogin: 'First login',
    ownPassword: 'Own password', active: 'active', inactiveState: 'inactive', lockedState: 'locked',
    byUpload: (f) => `from ${f}`, byAdmin: (n) => `by ${n}`,
    found: (n, more) => (more ? `${n} people shown; more below.` : `${n} people.`),
    funnelText: (f) => `Of ${f.created} created, ${f.sent} got their message, ${f.loggedIn} logged in and ${f.ownPassword} set their own password. ${f.failed} messages were not delivered.`,
    median: (s) => (s == null ? 'Nobody has logged in yet.' : `Median time from creation to first login: ${duration(s)}.`),
    stopped: (label, n) => `${label}: ${n}`,
    ask: (action, n) => `${action}: ${n} ${n === 1 ? 'person' : 'people'}. Continue?`,
    done: (action, n, skipped) => `${action}: done for ${n}${skipped ? `; ${skipped} skipped (no contact, or sent too often today)` : ''}.`,
    failed: (why) => `Not done: ${why}`,
    loading: 'Loading…',
    noneSelected: 'Select people first.',
  },
  hi_IN: {
    peopleTitle: 'लोग', funnelTitle: 'ऑनबोर्डिंग', search: 'खोजें', q: 'नाम, मोबाइल, उपयोगकर्ता नाम या ईमेल',
    filterLabel: 'दिखाएँ', upload: 'अपलोड (प्रोसेस आईडी या फ़ाइल नाम)', days: 'बनने के बाद के दिन',
    all: 'सभी', 'not-logged-in': 'लॉग इन नहीं किया', 'not-sent': 'संदेश नहीं भेजा गया', 'not-delivered': 'संदेश नहीं पहुँचा',
    'no-own-password': 'अपना पासवर्ड नहीं बनाया', locked: 'लॉक', inactive: 'निष्क्रिय',
    select: 'चुनें', person: 'व्यक्ति', steps: 'ऑनबोर्डिंग', state: 'खाता', actions: 'कार्य', more: 'और दिखाएँ',
    peopleTable: 'मिले लोग', auditTitle: 'ऑडिट लॉग', auditTable: 'व्यवस्थापकों ने क्या किया', auditCsv: 'ऑडिट लॉग डाउनलोड करें (CSV)',
    when: 'कब', who: 'किसने', what: 'क्या', outcome: 'परिणाम', subject: 'व्यक्ति',
    auditActor: 'व्यवस्थापक (उपयोगकर्ता नाम)', auditAction: 'कार्य', auditSubject: 'व्यक्ति (उपयोगकर्ता नाम)',
    auditSince: 'से', auditUntil: 'तक', auditApply: 'प्रविष्टियाँ दिखाएँ', anyAction: 'कोई भी कार्य',
    auditFound: (n, more) => (n === 0 ? 'कोई प्रविष्टि नहीं मिली।' : more ? `${n} प्रविष्टियाँ दिखाई गईं; और नीचे।` : `${n} प्रविष्टियाँ।`),
    actions: {
      upload: 'अपलोड', reissue: 'क्रेडेंशियल फिर भेजे', 'contact.change': 'संपर्क बदला', deactivate: 'निष्क्रिय किया',
      activate: 'सक्रिय किया', unlock: 'अनलॉक किया', 'user.update': 'उपयोगकर्ता बदला', 'upload-config.change': 'अपलोड सेटिंग बदली',
      signin: 'व्यवस्थापक का साइन इन', 'signin.failed': 'असफल साइन इन', 'password.reset': 'कोड से पासवर्ड बदला', lockout: 'लॉकआउट',
    },
    reissue: 'क्रेडेंशियल फिर भेजें', contact: 'संपर्क बदलें', deactivate: 'निष्क्रिय करें', activate: 'सक्रिय करें', unlock: 'अनलॉक करें',
    selected: 'चुने गए लोगों के लिए:', everyone: 'मिले सभी लोगों के लिए:',
    confirm: 'पुष्टि करें', cancel: 'रद्द करें', mobile: 'मोबाइल नंबर', email: 'ईमेल', saveResend: 'सहेजें और फिर भेजें',
    created: 'बनाया गया', sent: 'भेजा गया', delivered: 'पहुँचा', notDelivered: 'नहीं पहुँचा', firstLogin: 'पहला लॉग इन',
    ownPassword: 'अपना पासवर्ड', active: 'सक्रिय', inactiveState: 'निष्क्रिय', lockedState: 'लॉक',
    byUpload: (f) => `${f} से`, byAdmin: (n) => `${n} द्वारा`,
    found: (n, more) => (more ? `${n} लोग दिखाए गए; और नीचे।` : `${n} लोग।`),
    funnelText: (f) => `${f.created} बनाए गए में से ${f.sent} को संदेश मिला, ${f.loggedIn} ने लॉग इन किया और ${f.ownPassword} ने अपना पासवर्ड बनाया। ${f.failed} संदेश नहीं पहुँचे।`,
    median: (s) => (s == null ? 'अभी तक किसी ने लॉग इन नहीं किया।' : `बनाए जाने से पहली बार लॉग इन तक का मध्य समय: ${duration(s)}।`),
    stopped: (label, n) => `${label}: ${n}`,
    ask: (action, n) => `${action}: ${n} लोग। जारी रखें?`,
    done: (action, n, skipped) => `${action}: ${n} के लिए हो गया${skipped ? `; ${skipped} छोड़े गए (कोई संपर्क नहीं या आज बहुत बार भेजा गया)` : ''}।`,
    failed: (why) => `नहीं हुआ: ${why}`,
    loading: 'लोड हो रहा है…',
    noneSelected: 'पहले लोगों को चुनें।',
  },
};

const section = $('people');
let locale = 'en_IN';
let people = []; // the rows shown
let next = null; // the cursor of the next page
let funnel = null;
let funnelTimer = 0; // the next refresh of the funnel while welcome messages are still on their way
let audit = []; // the audit entries shown
let auditNext = null; // the cursor of the next page of the audit log
const chosen = new Set(); // uuids ticked
let pending = null; // what the dialog's Confirm runs: an async function answering the message to show

const t = () => TEXT[locale];

function duration(s) {
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

function token() {
  try { return JSON.parse(sessionStorage.getItem(SESSION))?.token ?? null; } catch { return null; }
}

const tenant = () => $('tenant')?.value || '';

async function api(path, init = {}) {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${token()}`);
  if (init.body) headers.set('Content-Type', 'application/json');
  const res = await fetch(path, { ...init, headers });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const e = new Error(body?.Errors?.[0]?.message ?? `HTTP ${res.status}`);
    e.status = res.status;
    throw e;
  }
  return body;
}

function say(text, error = false) {
  const s = $('people-status');
  s.textContent = text;
  s.className = error ? 'error' : 'muted';
}

function applyLanguage() {
  locale = $('locale')?.value ?? 'en_IN';
  for (const el of section.querySelectorAll('[data-p-i18n]')) el.textContent = t()[el.dataset.pI18n];
  for (const el of section.querySelectorAll('[data-p-i18n-label]')) el.setAttribute('aria-label', t()[el.dataset.pI18nLabel]);
  for (const o of $('people-filter').options) o.textContent = t()[o.value || 'all'];
  actionOptions();
  renderAudit();
  renderFunnel();
  renderPeople();
}

function query() {
  const q = new URLSearchParams({ tenantId: tenant() });
  const add = (k, v) => { if (v) q.set(k, v); };
  add('q', $('people-q').value.trim());
  add('filter', $('people-filter').value);
  add('upload', $('people-upload').value.trim());
  if ($('people-filter').value === 'not-logged-in') add('days', $('people-days').value);
  return q;
}

function selection() {
  const f = Object.fromEntries(query());
  delete f.tenantId;
  return { tenantId: tenant(), ...f, ...(f.days ? { days: Number(f.days) } : {}) };
}

async function load(more = false) {
  if (!token() || !tenant()) return;
  say(t().loading);
  try {
    const q = query();
    q.set('limit', PAGE);
    if (more && next) q.set('cursor', next);
    const r = await api(`/v1/people?${q}`);
    people = more ? people.concat(r.people) : r.people;
    if (!more) chosen.clear();
    next = r.next;
    renderPeople();
    say(t().found(people.length, next != null));
    await Promise.all([loadFunnel(), loadAudit()]);
  } catch (e) {
    say(t().failed(e.message), true);
  }
}

async function loadFunnel() {
  clearTimeout(funnelTimer);
  const q = new URLSearchParams({ tenantId: tenant() });
  const upload = $('people-upload').value.trim();
  if (/^[0-9a-f-]{36}$/i.test(upload)) q.set('processId', upload);
  const asked = q.toString();
  funnel = await api(`/v1/onboarding/funnel?${q}`);
  renderFunnel();
  // While messages move (some still queued), the funnel is read again every few seconds: the administrator
  // watches the bars fill without pressing anything. Only while the view shows the same tenant and upload.
  if (funnel.queued > 0) {
    funnelTimer = setTimeout(() => {
      const q2 = new URLSearchParams({ tenantId: tenant() });
      if (/^[0-9a-f-]{36}$/i.test($('people-upload').value.trim())) q2.set('processId', $('people-upload').value.trim());
      if (!section.hidden && token() && q2.toString() === asked) loadFunnel().catch(() => {});
    }, FUNNEL_REFRESH_MS);
  }
}

/** The funnel: four bars, each with its label and number written on it; the list below is its text. */
function renderFunnel() {
  const box = $('funnel');
  if (!funnel) { box.hidden = true; return; }
  box.hidden = false;
  const steps = [['created', funnel.created, 'not-sent'], ['sent', funnel.sent, 'not-logged-in'],
    ['firstLogin', funnel.loggedIn, 'no-own-password'], ['ownPassword', funnel.ownPassword, null]];
  const max = Math.max(1, funnel.created);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 320 136');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  steps.forEach(([key, n], i) => {
    const y = i * 34;
    const rect = document.createElementNS(ns, 'rect');
    rect.setAttribute('x', '0'); rect.setAttribute('y', String(y));
    rect.setAttribute('width', String(Math.max(2, Math.round((n / max) * 320)))); rect.setAttribute('height', '28');
    rect.setAttribute('class', `bar bar-${i}`);
    const label = document.createElementNS(ns, 'text');
    label.setAttribute('x', '6'); label.setAttribute('y', String(y + 19));
    label.textContent = `${t()[key]}: ${n}`;
    svg.append(rect, label);
  });
  $('funnel-chart').replaceChildren(svg);
  const list = $('funnel-steps');
  list.replaceChildren(...steps.map(([key, n, filter]) => {
    const li = document.createElement('li');
    if (filter) {
      // A click lists the people who stopped after this step.
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'link';
      b.textContent = t().stopped(t()[key], n);
      b.addEventListener('click', () => { $('people-filter').value = filter; load(); });
      li.append(b);
    } else {
      li.textContent = t().stopped(t()[key], n);
    }
    return li;
  }));
  $('funnel-text').textContent = `${t().funnelText(funnel)} ${t().median(funnel.medianSecondsToFirstLogin)}`;
}

const when = (iso) => (iso ? iso.replace('T', ' ').replace(/:\d\dZ$/, '') : '');

function stepsText(p) {
  const s = p.steps;
  const lines = [`${t().created} ${when(s.created.at)} ${s.created.upload ? t().byUpload(s.created.upload.fileName ?? s.created.upload.processId)
    : s.created.by ? t().byAdmin(s.created.by.userName ?? '') : ''}`];
  if (s.sent) lines.push(`${t().sent} ${when(s.sent.at)} (${s.sent.channel})`);
  if (s.delivered) lines.push(`${t().delivered} ${when(s.delivered)}`);
  if (s.notDelivered) lines.push(`${t().notDelivered} ${when(s.notDelivered.at)}: ${s.notDelivered.reason}`);
  if (s.firstLogin) lines.push(`${t().firstLogin} ${when(s.firstLogin)}`);
  if (s.ownPassword) lines.push(`${t().ownPassword} ${when(s.ownPassword)}`);
  return lines;
}

function button(label, onClick, secondary = true) {
  const b = document.createElement('button');
  b.type = 'button';
  if (secondary) b.className = 'secondary';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

function renderPeople() {
  const body = $('people-table').tBodies[0];
  const labels = [t().select, t().person, t().steps, t().state, t().actions];
  body.replaceChildren(...people.map((p) => {
    const tr = document.createElement('tr');
    tr.dataset.uuid = p.uuid;
    if (p.steps.notDelivered) tr.className = 'failed';
    const cells = labels.map((l) => { const td = document.createElement('td'); td.dataset.label = l; return td; });
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = chosen.has(p.uuid);
    box.setAttribute('aria-label', `${t().select} ${p.name}`);
    box.addEventListener('change', () => { if (box.checked) chosen.add(p.uuid); else chosen.delete(p.uuid); });
    cells[0].append(box);
    cells[1].textContent = [p.name, p.userName, p.mobileNumber, p.emailId].filter(Boolean).join(' · ');
    for (const line of stepsText(p)) { const d = document.createElement('div'); d.textContent = line; cells[2].append(d); }
    cells[3].textContent = [p.active ? t().active : t().inactiveState, p.locked ? t().lockedState : ''].filter(Boolean).join(', ');
    cells[4].className = 'row-actions';
    cells[4].append(
      button(t().reissue, () => ask('_reissue', { tenantId: tenant(), uuids: [p.uuid] }, 1)),
      button(t().contact, () => askContact(p)),
      p.active ? button(t().deactivate, () => ask('_deactivate', { tenantId: tenant(), uuids: [p.uuid] }, 1))
        : button(t().activate, () => ask('_activate', { tenantId: tenant(), uuids: [p.uuid] }, 1)),
    );
    if (p.locked) cells[4].append(button(t().unlock, () => ask('_unlock', { tenantId: tenant(), uuids: [p.uuid] }, 1)));
    tr.append(...cells);
    return tr;
  }));
  $('people-more').hidden = next == null;
  $('people-results').hidden = people.length === 0;
}

const ACTION_LABEL = { _reissue: 'reissue', _deactivate: 'deactivate', _activate: 'activate', _unlock: 'unlock' };

/** Shows the dialog with the count; Confirm runs the action. */
function ask(action, body, count) {
  const label = t()[ACTION_LABEL[action]];
  $('people-contact').hidden = true;
  $('people-ask').textContent = t().ask(label, count);
  pending = async () => {
    const r = await api(`/v1/people/${action}`, { method: 'POST', body: JSON.stringify(body) });
    return t().done(label, r.count, r.skipped?.length ?? 0);
  };
  $('people-dialog').showModal();
  $('people-confirm').focus();
}

function askContact(p) {
  $('people-contact').hidden = false;
  $('people-mobile').value = p.mobileNumber ?? '';
  $('people-email').value = p.emailId ?? '';
  $('people-ask').textContent = `${t().contact}: ${p.name}`;
  pending = async () => {
    const body = {};
    if ($('people-mobile').value.trim() && $('people-mobile').value.trim() !== (p.mobileNumber ?? '')) body.mobileNumber = $('people-mobile').value.trim();
    if ($('people-email').value.trim() && $('people-email').value.trim() !== (p.emailId ?? '')) body.emailId = $('people-email').value.trim();
    await api(`/v1/people/${p.uuid}`, { method: 'PATCH', body: JSON.stringify(body) });
    return t().done(t().contact, 1, 0);
  };
  $('people-dialog').showModal();
  $('people-mobile').focus();
}

async function askEveryone(action) {
  try {
    const body = { filter: selection() };
    const dry = await api(`/v1/people/${action}`, { method: 'POST', body: JSON.stringify(body) });
    ask(action, { ...body, confirm: dry.count }, dry.count);
  } catch (e) {
    say(t().failed(e.message), true);
  }
}

function askSelected(action) {
  if (chosen.size === 0) { say(t().noneSelected, true); return; }
  ask(action, { tenantId: tenant(), uuids: [...chosen] }, chosen.size);
}

function actionOptions() {
  const select = $('audit-action');
  const was = select.value;
  select.replaceChildren(...['', ...ACTIONS].map((a) => {
    const o = document.createElement('option');
    o.value = a;
    o.textContent = a ? t().actions[a] : t().anyAction;
    return o;
  }));
  select.value = was;
}

/** The audit log's filters, as the API reads them (dates are whole days, in the administrator's time zone). */
function auditQuery() {
  const q = new URLSearchParams({ tenantId: tenant() });
  const add = (k, v) => { if (v) q.set(k, v); };
  add('actor', $('audit-actor').value.trim());
  add('action', $('audit-action').value);
  add('subject', $('audit-subject').value.trim());
  const day = (id, end) => {
    const v = $(id).value;
    if (!v) return null;
    const d = new Date(`${v}T00:00:00`);
    if (end) d.setDate(d.getDate() + 1);
    return Math.floor(d.getTime() / 1000) - (end ? 1 : 0);
  };
  add('since', day('audit-since', false));
  add('until', day('audit-until', true));
  return q;
}

async function loadAudit(more = false) {
  const q = auditQuery();
  q.set('limit', 20);
  if (more && auditNext) q.set('cursor', auditNext);
  const r = await api(`/v1/audit?${q}`);
  audit = more ? audit.concat(r.entries) : r.entries;
  auditNext = r.next;
  renderAudit();
  $('audit-box').hidden = false;
  $('audit-more').hidden = auditNext == null;
  $('audit-status').textContent = t().auditFound(audit.length, auditNext != null);
}

function renderAudit() {
  const labels = [t().when, t().who, t().what, t().subject, t().outcome];
  const names = new Map(people.map((p) => [p.uuid, p.name]));
  $('audit-table').tBodies[0].replaceChildren(...audit.map((e) => {
    const tr = document.createElement('tr');
    const values = [when(e.at), e.actorName ?? 'system', t().actions[e.action] ?? e.action,
      names.get(e.subjectUuid) ?? e.subjectUuid ?? '', e.outcome];
    for (const [i, v] of values.entries()) {
      const td = document.createElement('td');
      td.dataset.label = labels[i];
      td.textContent = v;
      tr.append(td);
    }
    return tr;
  }));
}

async function downloadAudit(event) {
  event.preventDefault();
  const q = auditQuery();
  q.set('format', 'csv');
  q.set('limit', 10000);
  const res = await fetch(`/v1/audit?${q}`, { headers: { Authorization: `Bearer ${token()}` } });
  if (!res.ok) { $('audit-status').textContent = t().failed(`HTTP ${res.status}`); return; }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `enrol-audit-${tenant()}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// Several signals (the session shown, the tenants listed, a tenant chosen) come together: one load for them.
let soonTimer = 0;
function soon() {
  clearTimeout(soonTimer);
  soonTimer = setTimeout(() => load(), 0);
}

function shown() {
  const on = Boolean(token()) && !$('session').hidden;
  section.hidden = !on;
  if (on) soon();
}

if (section) {
  $('people-search').addEventListener('submit', (e) => { e.preventDefault(); load(); });
  $('people-filter').addEventListener('change', () => { $('people-days-box').hidden = $('people-filter').value !== 'not-logged-in'; });
  $('people-more').addEventListener('click', () => load(true));
  for (const [id, action] of [['sel-reissue', '_reissue'], ['sel-deactivate', '_deactivate'], ['sel-activate', '_activate'], ['sel-unlock', '_unlock']]) {
    $(id).addEventListener('click', () => askSelected(action));
  }
  for (const [id, action] of [['all-reissue', '_reissue'], ['all-deactivate', '_deactivate'], ['all-activate', '_activate'], ['all-unlock', '_unlock']]) {
    $(id).addEventListener('click', () => askEveryone(action));
  }
  $('people-cancel').addEventListener('click', () => $('people-dialog').close());
  $('people-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const run = pending;
    $('people-dialog').close();
    let message;
    try { message = await run?.(); } catch (err) { say(t().failed(err.message), true); return; }
    await load();
    if (message) say(message); // after the list is read again, which says how many it found
  });
  $('audit-csv').addEventListener('click', downloadAudit);
  $('audit-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    loadAudit().catch((err) => { $('audit-status').textContent = t().failed(err.message); });
  });
  $('audit-more').addEventListener('click', () => loadAudit(true).catch((err) => { $('audit-status').textContent = t().failed(err.message); }));
  $('locale')?.addEventListener('change', applyLanguage);
  $('tenant')?.addEventListener('change', soon);
  new MutationObserver(shown).observe($('session'), { attributes: true, attributeFilter: ['hidden'] });
  // The tenant list fills after the sign-in (or a reload with a session).
  new MutationObserver(shown).observe($('tenant'), { childList: true });
  applyLanguage();
  shown();
}
