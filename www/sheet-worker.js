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
 * The reader's modules to try for a file's first bytes, in order: `xls` for an OLE compound file (.xls); for a
 * zip, `ods` first when its first entry is `mimetype` (as OpenDocument puts it), else `xlsx` (.xlsx and .xlsb),
 * and the other after it (a zip written otherwise); none for anything else. The reader is built once for each
 * family (crates/sheet's features), so a workbook fetches only the code of its own format.
 */
function sheetFamilies(head) {
  if ([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1].every((b, i) => head[i] === b)) return ['xls'];
  if (![0x50, 0x4b, 3, 4].every((b, i) => head[i] === b)) return [];
  // The local file header: the name's length at byte 26 (little-endian), the name from byte 30.
  const odf = head[26] === 8 && head[27] === 0 && new TextDecoder().decode(head.subarray(30, 38)) === 'mimetype';
  return odf ? ['ods', 'xlsx'] : ['xlsx', 'ods'];
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
  const families = sheetFamilies(new Uint8Array(await file.slice(0, 38).arrayBuffer()));
  if (!families.length) {
    source = { file };
    return proposal(new Uint8Array(await file.slice(0, HEAD).arrayBuffer()), today, known, { kind: 'text' });
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  let first = null; // the complaint of the module the first bytes named
  for (const family of families) {
    const m = await loadSheetModule(family);
    try {
      book = new m.Book(bytes);
      break;
    } catch (e) {
      first ??= e;
    }
  }
  if (!book) throw first;
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
