// CSV for the page's downloads, shared by the Web Worker (the issues) and the page (an upload's result), so that
// both neutralise formulas the same way.

/** A spreadsheet would run a cell starting with = + - @ (or tab/CR) as a formula: prefix a quote. */
export function csvCell(value) {
  let s = value == null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
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
