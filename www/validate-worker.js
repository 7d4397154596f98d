// Runs off the main thread: streams the file in chunks into the Rust validator (enrol-core via wasm), and
// keeps the issues here. The page only ever receives the counts and at most one page of issues, so a file
// with 100,000 issues cannot freeze it; it asks for other pages (a column's issues) and for the CSV.
// A file with problems is then read again into the editable table (enrol-core's Table, its own wasm module):
// the page's grid asks for the rows in sight, and sends edits, fixes and Undo here (grid.js).
import init, { Validator } from '/pkg/enrol_validator.js';
import { wasmUrl } from '/validator-wasm.js';
import { csvBlob } from '/csv.js';

const ready = init({ module_or_path: wasmUrl });
const REPORT_EVERY_MS = 100;
const PAGE = 1000;
const CSV_COLUMNS = ['row', 'line', 'column', 'code', 'severity', 'value', 'message'];

let issues = []; // the finished, sorted report's issues
let grid = null; // the editable table of a file with problems (www/pkg/grid, fetched only then)
let gridBusy = null; // the table being read: edits wait for it
// The table holds every cell: past this many rows the page lists the issues only.
const GRID_MAX_ROWS = 100_000;

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

/** The tenant's lists and the deployment's mobile number rule (DIGIT 2.12's 10 digits from 6-9, or 2.9's any
 *  10 digits), on a Validator or a Grid (the same calls). */
function withRules(x, config) {
  for (const [column, key] of LISTS) {
    if (Array.isArray(config?.[key])) x.setAllowed(column, config[key].join('\n'));
  }
  if (config?.mobileDigits && config?.mobileFirstDigits) x.setMobileRule(config.mobileDigits, config.mobileFirstDigits);
  return x;
}

/**
 * `config` is the tenant's upload configuration (GET /v1/tenant/{id}/upload-config), the same rules the Worker
 * applies to the upload; null before sign-in, when the validator's defaults apply.
 */
async function check({ file, locale, today, config }) {
  await ready;
  issues = [];
  const v = withRules(new Validator(today[0], today[1], today[2], config?.maxRows || 0, locale), config);
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
  const summary = JSON.parse(finished.summaryJson());
  self.postMessage({ ...page(null), type: 'done', bytes, summary, columns: columns() });
  if (summary.rowsWithErrors > 0 && summary.rows <= GRID_MAX_ROWS) {
    gridBusy = openGrid({ file, locale, today, config });
    await gridBusy;
  }
}

/** Reads the file again, into the editable table, with the same rules; then the page shows the grid. */
async function openGrid({ file, locale, today, config }) {
  const { default: init, Grid } = await import('/pkg/grid/enrol_validator.js');
  await init({ module_or_path: '/pkg/grid/enrol_validator_bg.wasm' });
  const g = withRules(new Grid(today[0], today[1], today[2], config?.maxRows || 0, locale), config);
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    g.push(value);
  }
  g.finish();
  grid = g;
  self.postMessage({
    type: 'grid', header: JSON.parse(g.headerJson()), fileIssues: JSON.parse(g.fileIssuesJson()), ...gridState(true),
  });
}

/** What the page shows around the grid after a change: the counts, the fixes' counts (kept by the table as it
 *  changes), Undo, and which rows to list. */
function gridState(problemsOnly) {
  return {
    summary: JSON.parse(grid.summaryJson()), fixes: JSON.parse(grid.fixCountsJson()), canUndo: grid.canUndo(),
    list: problemsOnly == null ? null : [...grid.rowNumbers(problemsOnly)],
  };
}

function touchedRows(touched, problemsOnly) {
  return { touched: [...touched], rows: JSON.parse(grid.rowsJson(touched)), ...gridState(problemsOnly) };
}

/** The page's requests about the grid; each answer names its request's `seq`. */
const GRID = {
  rows: ({ rows }) => ({ rows: JSON.parse(grid.rowsJson(Uint32Array.from(rows))) }),
  // An edit keeps the rows listed as they are (a row fixed stays in sight until the list is asked again).
  // The rows an edit touched come with its answer: the page shows them without asking again.
  edit: ({ row, cell, value }) => touchedRows(grid.edit(row, cell, value), null),
  remove: ({ row, problemsOnly }) => touchedRows(grid.remove(row), problemsOnly),
  fix: ({ fix, problemsOnly }) => ({ count: grid.applyFix(fix), all: true, ...gridState(problemsOnly) }),
  replace: ({ cell, find, with: by, problemsOnly }) => ({ count: grid.replace(cell, find, by), all: true, ...gridState(problemsOnly) }),
  count: ({ cell, find }) => ({ count: find ? grid.countMatches(cell, find) : 0 }),
  undo: ({ problemsOnly }) => ({ undone: grid.undo(), all: true, ...gridState(problemsOnly) }),
  list: ({ problemsOnly }) => ({ all: true, ...gridState(problemsOnly) }),
  locale: ({ locale, problemsOnly }) => {
    grid.setLocale(locale);
    return { all: true, fileIssues: JSON.parse(grid.fileIssuesJson()), ...gridState(problemsOnly) };
  },
  // Another tenant's rules: every row judged again, the edits kept.
  rules: ({ today, config, problemsOnly }) => {
    grid.newRules(today[0], today[1], today[2], config?.maxRows || 0);
    withRules(grid, config).applyRules();
    return { all: true, fileIssues: JSON.parse(grid.fileIssuesJson()), ...gridState(problemsOnly) };
  },
  csv: ({ rows, problems }) => ({ text: grid.csv(rows, problems ?? '') }),
  csvRowNumbers: ({ rows }) => ({ numbers: Array.from(grid.csvRowNumbers(rows)) }),
};

async function onGrid(data) {
  await gridBusy;
  try {
    if (!grid) throw new Error('no table to edit');
    self.postMessage({ type: 'grid-answer', seq: data.seq, ask: data.ask, ...GRID[data.ask](data) });
  } catch (e) {
    self.postMessage({ type: 'grid-answer', seq: data.seq, ask: data.ask, error: String((e && e.message) || e) });
  }
}

self.onmessage = async ({ data }) => {
  try {
    if (data.type === 'check') await check(data);
    else if (data.type === 'grid') await onGrid(data);
    else if (data.type === 'page') self.postMessage(page(data.column));
    else if (data.type === 'csv') self.postMessage({ type: 'csv', blob: csvBlob(CSV_COLUMNS, issues) });
  } catch (e) {
    self.postMessage({ type: 'error', message: String((e && e.message) || e) });
  }
};
