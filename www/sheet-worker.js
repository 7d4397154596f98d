// Off the main thread: reads a spreadsheet with the Rust reader (crates/sheet, fetched only when a spreadsheet
// is chosen) and proposes the heading mapping with enrol-core (the validator's wasm, which the page's
// validate-worker.js loads anyway), so that neither a large workbook nor a long file freezes the page. Every
// decision (what a cell reads as, which heading is which column, what a mapping lacks) is made in Rust.
import initValidator, { proposeMapping, remap, mappingProblems, fieldNames } from '/pkg/enrol_validator.js';
import { wasmUrl } from '/validator-wasm.js';

const validator = initValidator({ module_or_path: wasmUrl });
const HEAD = 256 * 1024; // the first records are enough to find the header and sample its columns
const sheetModules = {}; // by family, each loaded once
let book = null; // the open workbook
let source = null; // what the mapping applies to: { file } for a text file, { csv } for a sheet read

/**
 * The reader's module for a file's first bytes: `xls` for an OLE compound file (.xls), `zipped` for a zip
 * (.xlsx, .xlsb, .ods), null for anything else. The reader is built once for each (crates/sheet's features), so
 * a workbook fetches only the code of its own format.
 */
function sheetFamily(head) {
  if ([0x50, 0x4b, 3, 4].every((b, i) => head[i] === b)) return 'zipped';
  if ([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1].every((b, i) => head[i] === b)) return 'xls';
  return null;
}

function loadSheetModule(family) {
  sheetModules[family] ??= (async () => {
    const m = await import(`/pkg/sheet/${family}/enrol_sheet.js`);
    await m.default({ module_or_path: `/pkg/sheet/${family}/enrol_sheet_bg.wasm` });
    return m;
  })().catch((e) => {
    delete sheetModules[family]; // a failed fetch is tried again with the next file
    throw e;
  });
  return sheetModules[family];
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
  const family = sheetFamily(new Uint8Array(await file.slice(0, 8).arrayBuffer()));
  if (!family) {
    source = { file };
    return proposal(new Uint8Array(await file.slice(0, HEAD).arrayBuffer()), today, known, { kind: 'text' });
  }
  const m = await loadSheetModule(family);
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
