// The grid of the rows with problems (issue 16 §3): every cell editable in place, each edit re-checked at once by
// enrol-core's table in the page's Web Worker (validate-worker.js), with the safe fixes, find and replace, Undo,
// removing rows, leaving out the rows with problems, and the corrected file to download or upload.
//
// The grid follows the ARIA grid pattern: one tab stop; arrows, Home/End, Page Up/Down move; Enter (or F2)
// edits the cell, Enter again keeps it and Escape cancels; Tab leaves the grid. Only the rows in sight are in
// the page (a 100,000-row file stays light): rows are a fixed height, placed by their index in the list.

const ROW_H = 40; // px, one line per row: a cell's overflow is cut (its full text stays in the cell for readers)
const OVERSCAN = 6;
const PAGE_ROWS = 10;

const TEXT = {
  en_IN: {
    title: 'Fix the rows with problems',
    intro: 'Edit a cell (Enter, then Enter again to keep it, Escape to cancel): the row is checked again at once. Nothing is changed in your own file.',
    fileProblems: 'Problems of the whole file (fix them in the spreadsheet):',
    fixesTitle: 'Safe fixes',
    fix: { trim: 'Trim spaces', phone: 'Phone numbers to 10 digits', date: 'Dates as DD-MM-YYYY', boolean: 'Yes/No as TRUE/FALSE', list: 'Values as the list spells them' },
    fixButton: (name, n) => `${name} (${n})`,
    fixed: (n) => (n === 1 ? '1 cell changed.' : `${n} cells changed.`),
    undo: 'Undo', undone: 'Undone.', nothingToUndo: 'Nothing to undo.',
    replaceTitle: 'Find and replace in a column', column: 'Column', find: 'Find', replaceWith: 'Replace with', replace: 'Replace',
    matches: (n) => (n === 1 ? '1 cell holds it.' : `${n} cells hold it.`),
    replaced: (n) => (n === 1 ? 'Replaced in 1 cell.' : `Replaced in ${n} cells.`),
    onlyProblems: 'Show only rows with problems',
    leaveOut: 'Leave out the rows with problems (the others are uploaded)',
    leftOut: (n) => `${n} rows with problems will be left out of the upload.`,
    downloadLeftOut: 'Download the left-out rows (CSV)',
    downloadCorrected: 'Download the corrected file (CSV)',
    downloadProblems: 'Download the file with a “Problems” column (CSV)',
    grid: 'Rows of the file', row: 'Row', problems: 'Problems', remove: 'Remove', removeRow: (r) => `Remove row ${r}`,
    editCell: (column, row) => `${column}, row ${row}`,
    shown: (n, total) => `${n} of ${total} rows shown.`, noRows: 'No rows to show.',
    loading: 'Reading the rows to fix…',
    failed: (why) => `The grid could not do that: ${why}`,
  },
  hi_IN: {
    title: 'समस्या वाली पंक्तियाँ ठीक करें',
    intro: 'किसी सेल को बदलें (Enter, फिर रखने के लिए फिर Enter, रद्द करने के लिए Escape): पंक्ति की जाँच तुरंत फिर होती है। आपकी अपनी फ़ाइल नहीं बदलती।',
    fileProblems: 'पूरी फ़ाइल की समस्याएँ (इन्हें स्प्रेडशीट में ठीक करें):',
    fixesTitle: 'सुरक्षित सुधार',
    fix: { trim: 'खाली जगह हटाएँ', phone: 'फ़ोन नंबर 10 अंकों में', date: 'तारीख़ DD-MM-YYYY में', boolean: 'हाँ/नहीं को TRUE/FALSE', list: 'मान सूची की वर्तनी में' },
    fixButton: (name, n) => `${name} (${n})`,
    fixed: (n) => `${n} सेल बदले गए।`,
    undo: 'पूर्ववत करें', undone: 'पूर्ववत किया गया।', nothingToUndo: 'पूर्ववत करने को कुछ नहीं।',
    replaceTitle: 'एक कॉलम में ढूँढें और बदलें', column: 'कॉलम', find: 'ढूँढें', replaceWith: 'इससे बदलें', replace: 'बदलें',
    matches: (n) => `${n} सेल में मिला।`, replaced: (n) => `${n} सेल में बदला गया।`,
    onlyProblems: 'केवल समस्या वाली पंक्तियाँ दिखाएँ',
    leaveOut: 'समस्या वाली पंक्तियाँ छोड़ दें (बाकी अपलोड होंगी)',
    leftOut: (n) => `समस्या वाली ${n} पंक्तियाँ अपलोड से छोड़ दी जाएँगी।`,
    downloadLeftOut: 'छोड़ी गई पंक्तियाँ डाउनलोड करें (CSV)',
    downloadCorrected: 'सुधारी गई फ़ाइल डाउनलोड करें (CSV)',
    downloadProblems: '“समस्याएँ” कॉलम के साथ फ़ाइल डाउनलोड करें (CSV)',
    grid: 'फ़ाइल की पंक्तियाँ', row: 'पंक्ति', problems: 'समस्याएँ', remove: 'हटाएँ', removeRow: (r) => `पंक्ति ${r} हटाएँ`,
    editCell: (column, row) => `${column}, पंक्ति ${row}`,
    shown: (n, total) => `${total} में से ${n} पंक्तियाँ दिखाई गई हैं।`, noRows: 'दिखाने को कोई पंक्ति नहीं।',
    loading: 'ठीक करने वाली पंक्तियाँ पढ़ी जा रही हैं…',
    failed: (why) => `ग्रिड यह नहीं कर सका: ${why}`,
  },
};

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('aria-') || k === 'role' || k.startsWith('data-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  e.append(...children);
  return e;
};

/**
 * `locale()` is the page's language; `changed(state)` tells the page the table's summary after every change
 * (it decides Upload); `download(name, blob)` saves a file; `rowLabel(row)` is a row's number as the
 * administrator's own file numbers it (a sheet's row, when the checked CSV was made from a sheet), else null.
 */
export function gridStep({ locale, changed, download, rowLabel = () => null }) {
  const t = () => TEXT[locale()];
  let worker = null;
  let fileName = '';
  let header = [];
  let fileIssues = [];
  let list = []; // row numbers in the grid, in order
  let cache = new Map(); // row → { row, cells, issues } as the worker last gave it
  let asked = new Set(); // rows asked for and not yet answered
  let built = new Map(); // row → { el, data, i }: a row in the page is kept while its data and place are the same
  let active = { i: 0, c: 1 }; // the tab stop: index in `list`, column (0 the row number)
  let editing = null; // { i, c, input }
  let state = null; // { summary, fixes, canUndo }
  let edited = false; // anything changed since the file was read
  let seq = 0;
  const waiting = new Map(); // seq → resolve

  /** A row's number as the administrator's file numbers it. */
  const label = (row) => String(rowLabel(row) ?? row);

  const box = $('grid-box');
  const scroller = $('grid-scroll');
  const gridEl = $('grid');
  const body = $('grid-body');

  const columns = () => header.length + 3; // row number, the cells, problems, remove
  const problemsOnly = () => $('only-problems').checked;

  function ask(what, data = {}) {
    const n = ++seq;
    worker.postMessage({ type: 'grid', ask: what, seq: n, ...data });
    return new Promise((resolve) => waiting.set(n, resolve));
  }

  /** Every answer of the worker about the grid. */
  function answered(data) {
    const resolve = waiting.get(data.seq);
    waiting.delete(data.seq);
    if (data.error) {
      $('grid-status').textContent = t().failed(data.error);
    } else {
      if (data.fileIssues) fileIssues = data.fileIssues;
      if (data.summary) state = { ...state, summary: data.summary, canUndo: data.canUndo };
      if (data.fixes) state = { ...state, fixes: data.fixes };
      if (data.summary || data.fixes) showState();
      if (data.list) setList(data.list);
      if (data.all) cache.clear();
      for (const r of data.touched ?? []) cache.delete(r);
      if (data.rows) {
        for (const r of data.rows) {
          cache.set(r.row, r);
          asked.delete(r.row);
        }
      }
      if (data.touched || data.all || data.rows) render();
    }
    resolve?.(data);
  }

  function setList(rows) {
    list = rows;
    active.i = Math.min(active.i, Math.max(list.length - 1, 0));
    gridEl.setAttribute('aria-rowcount', String(list.length + 1));
    body.style.height = `${list.length * ROW_H}px`;
    scroller.hidden = list.length === 0; // nothing to reach in it: the sentence below says so
    $('grid-shown').textContent = list.length ? t().shown(list.length, state?.summary?.rows ?? list.length) : t().noRows;
  }

  function showState() {
    const { summary, fixes, canUndo } = state;
    // The buttons stay (a keyboard user's focus with them); one that has nothing left to fix hands its focus to Undo.
    const buttons = $('fixes');
    for (const [fix, n] of Object.entries(fixes ?? {})) {
      let b = buttons.querySelector(`[data-fix="${fix}"]`);
      if (!b) {
        b = el('button', { type: 'button', class: 'secondary' });
        b.dataset.fix = fix;
        buttons.append(b);
      }
      const lost = n === 0 && document.activeElement === b;
      b.textContent = t().fixButton(t().fix[fix], n);
      b.disabled = n === 0;
      $('grid-undo').disabled = !canUndo;
      if (lost) $('grid-undo').focus();
    }
    $('grid-undo').disabled = !canUndo;
    const left = summary.rowsWithErrors;
    $('left-out').textContent = $('leave-out').checked && left ? t().leftOut(left) : '';
    $('download-left-out').hidden = !($('leave-out').checked && left);
    const problems = $('file-problems');
    problems.replaceChildren(...fileIssues.filter((i) => i.severity === 'error').map((i) => el('li', { textContent: i.message })));
    $('file-problems-box').hidden = problems.children.length === 0;
    changed({ summary, leaveOut: $('leave-out').checked, edited, fileErrors: problems.children.length });
  }

  // ---- Rendering only what is in sight ----

  function headerRow() {
    const cells = [t().row, ...header, t().problems, t().remove];
    return el('div', { role: 'row', class: 'grid-row grid-head', 'aria-rowindex': '1' },
      ...cells.map((name, c) => el('div', { role: 'columnheader', class: 'grid-cell', 'aria-colindex': String(c + 1), textContent: name })));
  }

  function cellOf(i, c) {
    return body.querySelector(`[data-i="${i}"] [data-c="${c}"]`);
  }

  function render() {
    if (!worker) return;
    const hadFocus = gridEl.contains(document.activeElement) && !editing;
    const top = scroller.scrollTop;
    const height = scroller.clientHeight || 400;
    const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const last = Math.min(list.length, Math.ceil((top + height) / ROW_H) + OVERSCAN);
    const wanted = [];
    const rows = [];
    const indices = [];
    for (let i = first; i < last; i++) indices.push(i);
    if (list.length && (active.i < first || active.i >= last)) indices.push(active.i); // the tab stop is always there
    for (const i of indices) {
      const row = list[i];
      const data = cache.get(row);
      if (!data && !asked.has(row)) wanted.push(row);
      if (editing && editing.i === i) {
        const kept = body.querySelector(`[data-i="${i}"]`);
        if (kept) {
          rows.push(kept);
          continue;
        }
      }
      const kept = built.get(row);
      if (data && kept && kept.data === data && kept.i === i) {
        for (const stop of kept.el.querySelectorAll('[tabindex="0"]')) stop.tabIndex = -1;
        if (i === active.i) tabStop(kept.el.children[active.c]);
        rows.push(kept.el);
        continue;
      }
      const made = rowEl(i, row, data);
      if (data) built.set(row, { el: made, data, i });
      rows.push(made);
    }
    // Only the rows in sight are kept.
    if (built.size > 4 * rows.length) built = new Map([...built].filter(([, b]) => rows.includes(b.el)));
    body.replaceChildren(...rows);
    if (wanted.length) {
      for (const r of wanted) asked.add(r);
      ask('rows', { rows: wanted });
    }
    if (hadFocus) focusActive();
  }

  function rowEl(i, row, data) {
    const bad = new Map(); // cell index → messages
    const cells = data?.cells ?? [];
    const problems = (data?.issues ?? []).map((x) => (x.column ? `${x.column}: ${x.message}` : x.message));
    for (const x of data?.issues ?? []) {
      const k = header.indexOf(x.column);
      if (k >= 0 && x.severity === 'error') bad.set(k, true);
    }
    const r = el('div', { role: 'row', class: `grid-row${problems.length ? ' has-problems' : ''}`, 'aria-rowindex': String(i + 2) });
    r.dataset.i = String(i);
    r.style.top = `${i * ROW_H}px`;
    const cell = (c, role, text, extra = {}) => {
      const d = el('div', { role, class: 'grid-cell', 'aria-colindex': String(c + 1), tabIndex: -1, textContent: text, ...extra });
      d.dataset.c = String(c);
      return d;
    };
    r.append(cell(0, 'rowheader', label(row)));
    header.forEach((_, k) => {
      const d = cell(k + 1, 'gridcell', cells[k] ?? '');
      if (bad.has(k)) {
        d.classList.add('bad');
        d.setAttribute('aria-invalid', 'true');
      }
      r.append(d);
    });
    r.append(cell(header.length + 1, 'gridcell', problems.join('; ')));
    const remove = cell(header.length + 2, 'gridcell', '');
    remove.append(el('button', { type: 'button', class: 'secondary small', tabIndex: -1, textContent: t().remove, 'aria-label': t().removeRow(label(row)) }));
    r.append(remove);
    if (i === active.i) tabStop(r.children[active.c]);
    return r;
  }

  function tabStop(cellEl) {
    if (!cellEl) return;
    const target = cellEl.querySelector('button') ?? cellEl;
    target.tabIndex = 0;
  }

  function focusActive() {
    const c = cellOf(active.i, active.c);
    if (!c) return;
    const target = c.querySelector('button') ?? c;
    target.tabIndex = 0;
    target.focus({ preventScroll: true });
    c.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  /** Moves the tab stop, scrolling the row into sight under the header. */
  function move(i, c) {
    if (!list.length) return;
    const old = cellOf(active.i, active.c);
    if (old) (old.querySelector('button') ?? old).tabIndex = -1;
    active = { i: Math.max(0, Math.min(list.length - 1, i)), c: Math.max(0, Math.min(columns() - 1, c)) };
    const rowTop = active.i * ROW_H;
    const view = scroller.clientHeight - ROW_H; // below the sticky header
    if (rowTop < scroller.scrollTop) scroller.scrollTop = rowTop;
    else if (rowTop + ROW_H > scroller.scrollTop + view) scroller.scrollTop = rowTop + ROW_H - view;
    render();
    focusActive();
  }

  function startEdit() {
    const { i, c } = active;
    if (c < 1 || c > header.length) return;
    const cellEl = cellOf(i, c);
    const data = cache.get(list[i]);
    if (!cellEl || !data) return;
    const input = el('input', { value: data.cells[c - 1] ?? '', 'aria-label': t().editCell(header[c - 1], label(list[i])) });
    input.autocomplete = 'off';
    input.spellcheck = false;
    editing = { i, c, input };
    cellEl.replaceChildren(input);
    input.focus();
    input.select();
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        commit(true);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        cancel();
      }
      e.stopPropagation();
    });
    input.addEventListener('blur', () => commit(false));
  }

  async function commit(refocus) {
    if (!editing) return;
    const { i, c, input } = editing;
    editing = null;
    const row = list[i];
    built.delete(row); // its cell holds the input: made again
    const before = cache.get(row)?.cells?.[c - 1] ?? '';
    if (input.value !== before) {
      edited = true;
      await ask('edit', { row, cell: c - 1, value: input.value });
    } else {
      render();
    }
    if (refocus) focusActive();
  }

  function cancel() {
    if (editing) built.delete(list[editing.i]);
    editing = null;
    render();
    focusActive();
  }

  gridEl.addEventListener('keydown', (e) => {
    if (editing) return;
    const { i, c } = active;
    const keys = {
      ArrowRight: () => move(i, c + 1), ArrowLeft: () => move(i, c - 1),
      ArrowDown: () => move(i + 1, c), ArrowUp: () => move(i - 1, c),
      Home: () => move(e.ctrlKey ? 0 : i, 0), End: () => move(e.ctrlKey ? list.length - 1 : i, columns() - 1),
      PageDown: () => move(i + PAGE_ROWS, c), PageUp: () => move(i - PAGE_ROWS, c),
      Enter: () => (c === columns() - 1 ? removeRow(i) : startEdit()), F2: () => startEdit(),
    };
    if (keys[e.key]) {
      e.preventDefault();
      keys[e.key]();
    }
  });

  // A click puts the tab stop where it lands; a double click edits.
  gridEl.addEventListener('click', (e) => {
    const cellEl = e.target.closest('[data-c]');
    const rowEl = e.target.closest('[data-i]');
    if (!cellEl || !rowEl || editing) return;
    move(Number(rowEl.dataset.i), Number(cellEl.dataset.c));
    if (e.target.closest('button')) removeRow(Number(rowEl.dataset.i));
  });
  gridEl.addEventListener('dblclick', () => startEdit());

  async function removeRow(i) {
    const row = list[i];
    if (row == null) return;
    edited = true;
    await ask('remove', { row, problemsOnly: problemsOnly() });
    focusActive();
  }

  scroller.addEventListener('scroll', () => requestAnimationFrame(render), { passive: true });

  $('fixes').addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-fix]');
    if (!b) return;
    edited = true;
    const a = await ask('fix', { fix: b.dataset.fix, problemsOnly: problemsOnly() });
    if (!a.error) $('grid-status').textContent = t().fixed(a.count);
  });

  $('grid-undo').addEventListener('click', async () => {
    const a = await ask('undo', { problemsOnly: problemsOnly() });
    if (!a.error) $('grid-status').textContent = a.undone ? t().undone : t().nothingToUndo;
  });

  $('only-problems').addEventListener('change', () => ask('list', { problemsOnly: problemsOnly() }));
  $('leave-out').addEventListener('change', () => state && showState());

  const countMatches = async () => {
    const find = $('replace-find').value;
    const a = await ask('count', { cell: Number($('replace-column').value), find });
    if (!a.error) $('replace-count').textContent = find ? t().matches(a.count) : '';
  };
  $('replace-find').addEventListener('input', countMatches);
  $('replace-column').addEventListener('change', countMatches);
  $('replace-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const find = $('replace-find').value;
    if (!find) return;
    edited = true;
    const a = await ask('replace', { cell: Number($('replace-column').value), find, with: $('replace-with').value, problemsOnly: problemsOnly() });
    if (!a.error) $('replace-count').textContent = t().replaced(a.count);
  });

  const csvName = (suffix) => `${fileName.replace(/\.[^.]*$/, '')}${suffix}.csv`;
  const csvBlobOf = (text) => new Blob(['\uFEFF', text], { type: 'text/csv;charset=utf-8' });
  $('download-corrected').addEventListener('click', async (e) => {
    e.preventDefault();
    const a = await ask('csv', { rows: 'all' });
    if (!a.error) download(csvName('-corrected'), csvBlobOf(a.text));
  });
  $('download-problems').addEventListener('click', async (e) => {
    e.preventDefault();
    const a = await ask('csv', { rows: 'all', problems: locale() });
    if (!a.error) download(csvName('-problems'), csvBlobOf(a.text));
  });
  $('download-left-out').addEventListener('click', async (e) => {
    e.preventDefault();
    const a = await ask('csv', { rows: 'problems', problems: locale() });
    if (!a.error) download(csvName('-left-out'), csvBlobOf(a.text));
  });

  function relabel() {
    built = new Map(); // their Remove buttons are in the language they were made in
    for (const e of box.querySelectorAll('[data-g-i18n]')) e.textContent = t()[e.dataset.gI18n];
    gridEl.setAttribute('aria-label', t().grid);
    if (!worker) return;
    $('grid-head').replaceChildren(headerRow());
    if (state) showState();
  }

  return {
    /** A new check began: the grid of the last file is gone. */
    reset(w) {
      worker = w;
      box.hidden = true;
      header = [];
      list = [];
      cache = new Map();
      asked = new Set();
      built = new Map();
      state = null;
      edited = false;
      editing = null;
      active = { i: 0, c: 1 };
      body.replaceChildren();
      $('fixes').replaceChildren();
      $('grid-status').textContent = '';
      $('replace-count').textContent = '';
      $('leave-out').checked = false;
      $('only-problems').checked = true;
    },
    /** The worker has read the file into its table. */
    opened(data, name) {
      fileName = name;
      header = data.header;
      fileIssues = data.fileIssues;
      state = { summary: data.summary, fixes: data.fixes, canUndo: data.canUndo };
      box.hidden = false;
      gridEl.setAttribute('aria-colcount', String(columns()));
      $('replace-column').replaceChildren(...header.map((h, k) => new Option(h, String(k))));
      relabel();
      setList(data.list);
      showState();
      scroller.scrollTop = 0;
      render();
    },
    answered,
    relabel,
    /** The language changed: the table keeps its edits, its messages follow. */
    async setLocale() {
      if (worker && state) await ask('locale', { locale: locale(), problemsOnly: problemsOnly() });
      relabel();
    },
    /** Another tenant chosen: the table keeps its edits, and every row is judged by that tenant's rules. */
    async setRules(config, today) {
      if (worker && state) await ask('rules', { config, today, problemsOnly: problemsOnly() });
    },
    get active() {
      return Boolean(worker && state);
    },
    get edited() {
      return edited;
    },
    /**
     * What Upload sends: the table as it is now, without the rows with errors when they are left out; and the
     * number each of its rows had in the file as it was read.
     */
    async uploadText() {
      const rows = $('leave-out').checked ? 'clean' : 'all';
      const a = await ask('csv', { rows });
      if (a.error) throw new Error(a.error);
      const n = await ask('csvRowNumbers', { rows });
      if (n.error) throw new Error(n.error);
      return { text: a.text, rows: n.numbers };
    },
    leaveOut: () => $('leave-out').checked,
  };
}
