// Off the main thread: reads a spreadsheet with the Rust reader (crates/sheet, fetched only when a spreadsheet
// is chosen) and proposes the heading mapping with enrol-core (the validator's wasm, which the page's
// validate-worker.js loads anyway), so that neither a large workbook nor a long file freezes the page. Every
// decision (what a cell reads as, which heading is which column, what a mapping lacks) is made in Rust.
import initValidator, { proposeMapping, remap, mappingProblems, fieldNames } from '/pkg/enrol_validator.js';
import { wasmUrl } from '/validator-wasm.js';

const validator = initValidator({ module_or_path: wasmUrl });
const HEAD = 256 * 1024; // the first records are enough to find the header and sample its columns
let sheetModule = null;
let book = null; // the open workbook
let source = null; // what the mapping applies to: { file } for a text file, { csv } for a sheet read

/** xlsx and ods are zip files, xls an OLE compound file. */
function isSpreadsheet(head) {
  const zip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4;
  const ole = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1].every((b, i) => head[i] === b);
  return zip || ole;
}

async function loadSheetModule() {
  if (!sheetModule) {
    const m = await import('/pkg/sheet/enrol_sheet.js');
    await m.default({ module_or_path: '/pkg/sheet/enrol_sheet_bg.wasm' });
    sheetModule = m;
  }
  return sheetModule;
}

function proposal(bytes, today, known, extra) {
  return {
    type: 'proposal', ...extra,
    proposal: JSON.parse(proposeMapping(bytes.subarray(0, HEAD), ...today, known ?? '')),
    fields: fieldNames().split('\n'),
  };
}

async function open({ file, today, known }) {
  await validator;
  book?.free();
  book = null;
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  if (!isSpreadsheet(head)) {
    source = { file };
    return proposal(new Uint8Array(await file.slice(0, HEAD).arrayBuffer()), today, known, { kind: 'text' });
  }
  const m = await loadSheetModule();
  book = new m.Book(new Uint8Array(await file.arrayBuffer()));
  return { type: 'sheets', sheets: JSON.parse(book.sheetsJson()), proposed: book.proposeSheet(...today) };
}

function read({ index, today, locale, known }) {
  const r = book.read(index, locale);
  const csv = r.csv();
  source = { csv };
  const rows = JSON.parse(r.rowsJson());
  return proposal(csv, today, known, { kind: 'sheet', index, rows, notes: JSON.parse(r.notesJson()), firstColumn: r.firstColumn() });
}

async function apply({ fields, headerRecord }) {
  const bytes = source.csv ?? new Uint8Array(await source.file.arrayBuffer());
  const csv = remap(bytes, headerRecord, fields);
  return { type: 'remapped', csv };
}

self.onmessage = async ({ data }) => {
  try {
    if (data.type === 'open') self.postMessage(await open(data));
    else if (data.type === 'read') self.postMessage(read(data));
    else if (data.type === 'problems') self.postMessage({ type: 'problems', ...JSON.parse(mappingProblems(data.fields)) });
    else if (data.type === 'apply') {
      const out = await apply(data);
      self.postMessage(out, [out.csv.buffer]);
    }
  } catch (e) {
    self.postMessage({ type: 'error', request: data.type, message: String((e && e.message) || e) });
  }
};
