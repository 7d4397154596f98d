// The step between choosing a file and checking it, for the files administrators really have: a workbook
// (.xlsx, .xls, .ods: which sheet?) and a sheet whose headings are the office's own (which heading is which
// column?). sheet-worker.js reads and proposes (in Rust, off the main thread); this module shows the proposal,
// lets the administrator change any column or leave it out, and hands the page a CSV under enrol's headings,
// which is then checked and uploaded like any other: the Worker checks the very bytes the page checked.
// A CSV whose headings are already the template's goes straight on, unchanged.

const $ = (id) => document.getElementById(id);
const SPREADSHEET = /\.(xlsx|xlsm|xls|ods)$/i;

const TEXT = {
  en_IN: {
    title: 'Match the columns', table: 'The columns of your file',
    intro: 'Your file has its own headings. Check which column of enrol each of them fills, change any, or leave a column out. Nothing is checked or sent before you confirm.',
    sheet: 'Sheet', rows: (n) => `${n} rows`, hidden: 'hidden',
    heading: 'Your heading', samples: 'First values', field: 'Column in enrol', sure: 'How sure',
    leaveOut: '— leave out —', noHeading: (letter) => `(no heading, column ${letter})`,
    fieldFor: (h) => `Column in enrol for “${h}”`,
    basis: { exact: 'same name', name: 'same name', synonym: 'known name', content: 'from its values', remembered: 'as last time' },
    apply: 'Check with these columns',
    missing: (list) => `Still needed: ${list}.`,
    duplicate: (field, headings) => `${headings} all go to ${field}: choose one.`,
    ready: 'Every needed column is there.',
    reading: (name) => `Reading ${name}…`,
    unreadable: (name, why) => `Could not read ${name} as a spreadsheet: ${why}`,
    place: (sheet, row, col, heading) => `${sheet}, row ${row}, column ${col}${heading ? ` ‘${heading}’` : ''}`,
    notesTitle: 'In the sheet',
  },
  hi_IN: {
    title: 'कॉलम मिलाएँ', table: 'आपकी फ़ाइल के कॉलम',
    intro: 'आपकी फ़ाइल के शीर्षक अपने हैं। देखें कि हर शीर्षक enrol का कौन सा कॉलम भरता है, कोई भी बदलें, या किसी कॉलम को छोड़ दें। आपकी पुष्टि से पहले न कुछ जाँचा जाता है, न भेजा जाता है।',
    sheet: 'शीट', rows: (n) => `${n} पंक्तियाँ`, hidden: 'छिपी हुई',
    heading: 'आपका शीर्षक', samples: 'पहले मान', field: 'enrol का कॉलम', sure: 'कितना निश्चित',
    leaveOut: '— छोड़ दें —', noHeading: (letter) => `(शीर्षक नहीं, कॉलम ${letter})`,
    fieldFor: (h) => `“${h}” के लिए enrol का कॉलम`,
    basis: { exact: 'वही नाम', name: 'वही नाम', synonym: 'ज्ञात नाम', content: 'मानों से', remembered: 'पिछली बार की तरह' },
    apply: 'इन कॉलमों से जाँचें',
    missing: (list) => `अभी चाहिए: ${list}।`,
    duplicate: (field, headings) => `${headings} सभी ${field} में जाते हैं: एक चुनें।`,
    ready: 'हर ज़रूरी कॉलम मौजूद है।',
    reading: (name) => `${name} पढ़ी जा रही है…`,
    unreadable: (name, why) => `${name} को स्प्रेडशीट के रूप में नहीं पढ़ा जा सका: ${why}`,
    place: (sheet, row, col, heading) => `${sheet}, पंक्ति ${row}, कॉलम ${col}${heading ? ` ‘${heading}’` : ''}`,
    notesTitle: 'शीट में',
  },
};

/** Column letters: 0 is A, 26 AA. */
function letter(n) {
  let s = '';
  for (let c = n + 1; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return s;
}

function cell(text, label) {
  const td = document.createElement('td');
  td.textContent = text;
  td.dataset.label = label;
  return td;
}

/** The tenant's remembered mapping ({heading: column or null}, from its upload configuration) as the
 * validator's wasm reads it: one `heading=column` a line. */
function knownLines(mapping) {
  return Object.entries(mapping ?? {}).map(([h, f]) => `${h}=${f ?? ''}`).join('\n');
}

/**
 * `locale()` and `today()` are the page's; `known()` the chosen tenant's remembered mapping; `ready(file)`
 * checks a file (the chosen one, or the CSV made from it); `status(text)` tells the administrator what is
 * happening.
 */
export function sheetStep({ locale, today, known, ready, status }) {
  let worker = null;
  let file = null; // the chosen file
  let shown = null; // the last proposal message, with the administrator's choices in `choice`
  let sheets = null; // { sheets, proposed } of a workbook
  let made = null; // { file, from, shown, sheet }: the CSV made from a sheet (or own headings), and the file it was made from
  const t = () => TEXT[locale()];

  function start() {
    worker?.terminate();
    worker = new Worker('/sheet-worker.js', { type: 'module' });
    worker.onmessage = ({ data }) => receive(data);
    worker.onerror = (e) => status(t().unreadable(file.name, e.message ?? ''));
  }

  function receive(data) {
    if (data.type === 'sheets') {
      sheets = data;
      const first = data.proposed >= 0 ? data.proposed : 0;
      worker.postMessage({ type: 'read', index: first, today: today(), locale: locale(), known: knownLines(known()) });
    } else if (data.type === 'proposal') {
      shown = { ...data, choice: data.proposal.columns.map((c) => c.field ?? '') };
      if (data.proposal.exact) {
        // The template's own headings: nothing to match. A CSV goes on as it is, a sheet as its CSV.
        $('mapping').hidden = true;
        if (data.kind === 'text') ready(file);
        else apply();
        return;
      }
      render();
      problems();
    } else if (data.type === 'problems') {
      showProblems(data);
    } else if (data.type === 'remapped') {
      const name = file.name.replace(/\.[^.]*$/, '') + '.csv';
      const csv = new File([data.csv], name, { type: 'text/csv' });
      made = { file: csv, from: file, shown, sheet: shown.kind === 'sheet' ? sheets?.sheets[shown.index]?.name ?? '' : null };
      ready(csv);
    } else if (data.type === 'error') {
      if (data.request === 'open' && !SPREADSHEET.test(file.name)) {
        // Not a workbook after all (a zip renamed .csv): the check says what it is.
        $('mapping').hidden = true;
        ready(file);
      } else {
        status(t().unreadable(file.name, data.message));
      }
    }
  }

  function problems() {
    worker.postMessage({ type: 'problems', fields: shown.choice.join(',') });
  }

  function showProblems({ missing, duplicates }) {
    const out = [];
    if (missing.length) out.push(t().missing(missing.join(', ')));
    for (const d of duplicates) out.push(t().duplicate(d.field, d.columns.map((i) => heading(i)).join(', ')));
    $('mapping-problems').textContent = out.length ? out.join(' ') : t().ready;
    $('mapping-problems').className = out.length ? 'error' : 'muted';
    $('mapping-apply').disabled = out.length > 0;
  }

  function heading(i) {
    const c = shown.proposal.columns[i];
    return c.heading || t().noHeading(letter((shown.firstColumn ?? 0) + c.index));
  }

  function render() {
    const tx = t();
    $('mapping').hidden = false;
    $('mapping-title').textContent = tx.title;
    $('mapping-intro').textContent = tx.intro;
    $('mapping-apply').textContent = tx.apply;
    $('mapping-table').closest('.scroll').setAttribute('aria-label', tx.table);
    const heads = [tx.heading, tx.samples, tx.field, tx.sure];
    $('mapping-table').querySelector('thead tr').replaceChildren(...heads.map((h) => {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = h;
      return th;
    }));
    // Which sheet: only for a workbook of more than one sheet.
    const choice = $('sheet-choice');
    choice.hidden = !(sheets && sheets.sheets.length > 1 && shown.kind === 'sheet');
    $('sheet-label').textContent = tx.sheet;
    if (sheets) {
      $('sheet-select').replaceChildren(...sheets.sheets.map((s, i) => {
        const o = document.createElement('option');
        o.value = String(i);
        o.textContent = `${s.name} (${tx.rows(s.rows)}${s.hidden ? `, ${tx.hidden}` : ''})`;
        o.selected = i === shown.index;
        return o;
      }));
    }
    // What the reader saw in the sheet's cells: formulas, error cells, each at its place.
    const sheetName = sheets?.sheets[shown.index]?.name ?? '';
    const notes = shown.notes ?? [];
    $('sheet-notes-box').hidden = notes.length === 0;
    $('sheet-notes-title').textContent = tx.notesTitle;
    $('sheet-notes').replaceChildren(...notes.map((n) => {
      const li = document.createElement('li');
      const col = shown.proposal.columns.find((c) => letter((shown.firstColumn ?? 0) + c.index) === n.column);
      li.textContent = `${tx.place(sheetName, n.row, n.column, col?.heading)}: ${n.value} — ${n.message}`;
      li.className = n.severity === 'error' ? 'error' : '';
      return li;
    }));
    $('mapping-table').querySelector('tbody').replaceChildren(...shown.proposal.columns.map((c, i) => {
      const tr = document.createElement('tr');
      const select = document.createElement('select');
      select.setAttribute('aria-label', tx.fieldFor(heading(i)));
      select.dataset.column = String(i);
      for (const f of ['', ...shown.fields]) {
        const o = document.createElement('option');
        o.value = f;
        o.textContent = f || tx.leaveOut;
        o.selected = f === shown.choice[i];
        select.append(o);
      }
      const fieldCell = cell('', heads[2]);
      fieldCell.append(select);
      const chosen = shown.choice[i];
      // Left out as last time (an administrator of the tenant did so), or placed: how sure, and why.
      const sure = chosen && chosen === c.field ? `${c.confidence}% · ${tx.basis[c.basis]}`
        : !chosen && !c.field && c.remembered ? tx.basis.remembered : '—';
      tr.append(cell(heading(i), heads[0]), cell(c.samples.filter((s) => s.trim()).slice(0, 3).join(' · '), heads[1]),
        fieldCell, cell(sure, heads[3]));
      return tr;
    }));
  }

  $('mapping-table').addEventListener('change', (e) => {
    const i = Number(e.target.dataset.column);
    if (!shown || Number.isNaN(i)) return;
    shown.choice[i] = e.target.value;
    render();
    $('mapping-table').querySelector(`select[data-column="${i}"]`)?.focus();
    problems();
  });

  $('sheet-select').addEventListener('change', (e) => {
    worker.postMessage({ type: 'read', index: Number(e.target.value), today: today(), locale: locale(), known: knownLines(known()) });
  });

  function apply() {
    worker.postMessage({ type: 'apply', fields: shown.choice.join(','), headerRecord: shown.proposal.headerRecord });
  }

  $('mapping-apply').addEventListener('click', apply);

  /** A row of `checked` (the CSV made from a sheet) as the sheet numbers it; null for another file. */
  function rowOf(row, checked) {
    if (!made || made.sheet == null || made.file !== checked || row == null) return null;
    return made.shown.rows[made.shown.proposal.headerRecord + row] ?? null;
  }

  return {
    /**
     * Where an issue of `checked` is in the administrator's own sheet ("Staff, row 7, column C ‘Mobile No.’"),
     * when `checked` is the CSV made from a sheet; null otherwise, and for an issue of the whole file.
     */
    place(issue, checked) {
      const row = rowOf(issue.row, checked);
      if (row == null) return null;
      const m = made.shown;
      const at = issue.column == null ? -1 : m.choice.indexOf(issue.column);
      if (at < 0) return t().place(made.sheet, row, '', '').replace(/, [^,]*$/, '');
      return t().place(made.sheet, row, letter((m.firstColumn ?? 0) + m.proposal.columns[at].index), m.proposal.columns[at].heading);
    },
    rowOf,
    /** The administrator's own file that `checked` was made from (a workbook, a text file); null for another. */
    originalOf(checked) {
      return made && made.file === checked ? made.from : null;
    },
    /**
     * The confirmed mapping of the CSV made from the administrator's file, sent with the upload so that the
     * upload record keeps it and the tenant remembers it: {heading: column or null}; null for another file.
     */
    mappingOf(checked) {
      if (!made || made.file !== checked) return null;
      const m = made.shown;
      const out = {};
      m.proposal.columns.forEach((c, i) => { if (c.heading) out[c.heading] = m.choice[i] || null; });
      return JSON.stringify(out);
    },
    /** A file was chosen or dropped. */
    choose(chosen) {
      file = chosen;
      shown = null;
      sheets = null;
      $('mapping').hidden = true;
      if (SPREADSHEET.test(chosen.name)) status(t().reading(chosen.name));
      start();
      worker.postMessage({ type: 'open', file: chosen, today: today(), known: knownLines(known()) });
    },
    /** The language changed: the step's words, and a sheet's notes, which the reader writes. */
    relabel() {
      // A file under the template's own headings never showed the step: nothing to say again (it showed it, in
      // the new language, and a workbook was read and checked again, dropping the grid's edits).
      if (!shown || shown.proposal.exact) return;
      if (shown.kind === 'sheet') worker.postMessage({ type: 'read', index: shown.index, today: today(), locale: locale(), known: knownLines(known()) });
      else render();
      problems();
    },
  };
}
