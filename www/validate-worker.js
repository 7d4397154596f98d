// Runs off the main thread: streams the file in chunks into the Rust validator (enrol-core via wasm), and
// keeps the issues here. The page only ever receives the counts and at most one page of issues, so a file
// with 100,000 issues cannot freeze it; it asks for other pages (a column's issues) and for the CSV.
import init, { Validator } from '/pkg/enrol_validator.js';
import { wasmUrl } from '/validator-wasm.js';
import { csvBlob } from '/csv.js';

const ready = init({ module_or_path: wasmUrl });
const REPORT_EVERY_MS = 100;
const PAGE = 1000;
const CSV_COLUMNS = ['row', 'line', 'column', 'code', 'severity', 'value', 'message'];

let issues = []; // the finished, sorted report's issues

/** The tenant's allowed-value lists: the Validator's column name, and the key in the upload configuration. */
const LISTS = [['roles', 'roles'], ['grade', 'grades'], ['language', 'languages'], ['subject', 'subjects']];

function page(column) {
  const matching = column == null ? issues : issues.filter((i) => (i.column ?? '-') === column);
  return { type: 'page', column, total: matching.length, issues: matching.slice(0, PAGE) };
}

function columns() {
  const counts = new Map();
  for (const i of issues) counts.set(i.column ?? '-', (counts.get(i.column ?? '-') ?? 0) + 1);
  return [...counts].sort();
}

/**
 * `config` is the tenant's upload configuration (GET /v1/tenant/{id}/upload-config), the same rules the Worker
 * applies to the upload; null before sign-in, when the validator's defaults apply.
 */
async function check({ file, locale, today, config }) {
  await ready;
  issues = [];
  const v = new Validator(today[0], today[1], today[2], config?.maxRows || 0, locale);
  for (const [column, key] of LISTS) {
    if (Array.isArray(config?.[key])) v.setAllowed(column, config[key].join('\n'));
  }
  // The deployment's mobile number rule (DIGIT 2.12's 10 digits from 6-9, or 2.9's any 10 digits).
  if (config?.mobileDigits && config?.mobileFirstDigits) v.setMobileRule(config.mobileDigits, config.mobileFirstDigits);
  v.reserveFor(file.size);
  const reader = file.stream().getReader();
  let bytes = 0;
  let shown = 0; // issues already sent live (at most a page)
  let last = 0;
  const progress = () => {
    const fresh = shown < PAGE ? JSON.parse(v.issuesSinceJson(shown)).slice(0, PAGE - shown) : [];
    shown += fresh.length;
    self.postMessage({ type: 'progress', bytes, summary: JSON.parse(v.summaryJson()), issues: fresh });
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    v.push(value);
    bytes += value.length;
    const now = performance.now();
    if (now - last > REPORT_EVERY_MS) {
      last = now;
      progress();
    }
  }
  progress();
  const finished = v.finish();
  issues = JSON.parse(finished.reportJson()).issues;
  self.postMessage({ ...page(null), type: 'done', bytes, summary: JSON.parse(finished.summaryJson()), columns: columns() });
}

self.onmessage = async ({ data }) => {
  try {
    if (data.type === 'check') await check(data);
    else if (data.type === 'page') self.postMessage(page(data.column));
    else if (data.type === 'csv') self.postMessage({ type: 'csv', blob: csvBlob(CSV_COLUMNS, issues) });
  } catch (e) {
    self.postMessage({ type: 'error', message: String((e && e.message) || e) });
  }
};
