// CSV for the page's downloads, shared by the Web Worker (the issues) and the page (an upload's result), so that
// both neutralise formulas the same way.

/** Blanks, control and invisible characters, which a spreadsheet may skip before it reads a cell's first one. */
const LEADING = /^[\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]*/u;
/** = + - @ and every character that Unicode folds into one of them (full-width ＝ ＋ － ＠, small, super- and subscript). */
const OPERATOR = /^[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\uFE6B\u207C\u207A\u208C\u208A\uFB29]/;

/**
 * Whether a spreadsheet would run `s` as a formula (CSV injection), by OWASP's rule made whole: its leading
 * blanks, control and invisible characters hold a tab, CR or LF, or what follows them is an operator. The same
 * rule as enrol-core's `fields::starts_formula` (the validator's warning); tests/data/csv_injection_cells.json
 * is the table both are tested against.
 */
function startsFormula(s) {
  const lead = LEADING.exec(s)[0];
  return /[\t\r\n]/.test(lead) || OPERATOR.test(s.slice(lead.length));
}

/** A cell: one a spreadsheet would run as a formula gets a quote before it and is always quoted. */
export function csvCell(value) {
  const s = value == null ? '' : String(value);
  if (startsFormula(s)) return `"'${s.replaceAll('"', '""')}"`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * A CSV file of `records` (objects) with the given `columns` as its header. It begins with a BOM, so that Excel
 * reads it as UTF-8 (Devanagari names), and ends lines with CRLF.
 */
export function csvBlob(columns, records) {
  const lines = [columns.join(',')];
  for (const r of records) lines.push(columns.map((k) => csvCell(r[k])).join(','));
  return new Blob(['\uFEFF', lines.join('\r\n'), '\r\n'], { type: 'text/csv;charset=utf-8' });
}
