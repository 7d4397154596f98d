//! enrol-sheet: an office's workbook (.xlsx, .xls, .ods) read into the rows enrol-core checks.
//!
//! The page loads this module only when a spreadsheet is chosen (calamine makes it several times the
//! CSV validator's size), reads the chosen sheet into UTF-8 CSV, and from there on the file is a CSV like
//! any other: the heading mapping, the validator and the Worker see the same bytes, so a sheet's verdict
//! is the verdict of the same data as CSV. What a spreadsheet does to data is undone the way a person
//! expects: a phone stored as a number is its digits (`9876543210`, never `9.88E+09`), a date cell is the
//! date it shows (by its format; the 1900 and the 1904 systems), a formula is its cached value (with a
//! warning naming the cell), an error cell (`#N/A`) an error naming the cell, a merged cell's value fills
//! its region (xlsx), and trailing empty rows and columns are dropped. Each record keeps its spreadsheet
//! row number, so issues can name the administrator's own place: "Sheet1, row 14, column C 'Mobile No.'".
//!
//! Hidden sheets are listed as hidden and never proposed; calamine does not expose hidden rows, so they are
//! read like any other row.
//!
//! The formats are features, all on for the Worker and the CLI: `xls` (an OLE compound file and its code pages)
//! and `zipped`, which is `xlsx`, `xlsb` and `ods` (zip and XML). calamine links only the readers that are
//! called, so the page builds a module for each family (.xls; .xlsx and .xlsb; .ods) and fetches the one the
//! file's first bytes name (www/sheet-worker.js); a format not built in is a `SheetError::Unsupported` naming the
//! formats the build reads, never a panic.

pub mod prepare;

use std::io::Cursor;

use calamine::{Data, Dimensions, Range, Reader, SheetVisible};
use enrol_core::mapping::{Proposal, propose_records};
use enrol_core::text::write_cell;
use enrol_core::{Date, Locale};

/// Sheet rows looked at to find the header and propose a mapping.
const HEAD_ROWS: usize = enrol_core::mapping::HEADER_SEARCH + enrol_core::mapping::SAMPLES;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetInfo {
    pub name: String,
    /// Rows that hold something.
    pub rows: usize,
    pub hidden: bool,
}

/// Something the reader saw in a cell that the administrator should know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub code: NoteCode,
    /// 1-based, as the spreadsheet numbers rows.
    pub row: u32,
    /// 0-based column (A is 0).
    pub column: u32,
    /// What the cell shows (an error's text, a formula's cached value).
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteCode {
    /// A formula: read by the value Excel last computed. A warning.
    Formula,
    /// `#N/A`, `#REF!`, …: the cell has no value. An error.
    ErrorCell,
}

impl NoteCode {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteCode::Formula => "formula_cell",
            NoteCode::ErrorCell => "error_cell",
        }
    }

    pub fn is_error(self) -> bool {
        self == NoteCode::ErrorCell
    }

    fn message(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (NoteCode::Formula, Locale::EnIn) => {
                "This cell is a formula: its last computed value was read. Check it is the value you mean."
            }
            (NoteCode::Formula, Locale::HiIn) => {
                "यह सेल एक सूत्र (formula) है: इसका अंतिम गणना किया गया मान पढ़ा गया। जाँच लें कि यही मान सही है।"
            }
            (NoteCode::ErrorCell, Locale::EnIn) => {
                "This cell shows a spreadsheet error instead of a value: correct it in the sheet."
            }
            (NoteCode::ErrorCell, Locale::HiIn) => "इस सेल में मान के बजाय स्प्रेडशीट की त्रुटि है: इसे शीट में ठीक करें।",
        }
    }
}

/// A sheet as the CSV path reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetText {
    /// UTF-8 CSV, CRLF line ends, one record per sheet row from the first row that holds something (empty
    /// rows in between are empty lines, which the reader skips).
    pub csv: Vec<u8>,
    /// The spreadsheet's row number (1-based) of each non-blank record, in order.
    pub rows: Vec<u32>,
    /// The letter of each CSV column (the sheet may start at a column other than A).
    pub first_column: u32,
    pub notes: Vec<Note>,
}

#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("not a spreadsheet enrol can read (xlsx, xls, xlsb, ods): {0}")]
    Open(String),
    #[error("the sheet could not be read: {0}")]
    Read(String),
    #[error("no sheet {0}")]
    NoSheet(usize),
    /// Past `Limits`: a zip that unpacks to more than it may, or a sheet that spans more cells.
    #[error("{0}")]
    TooLarge(String),
    /// A workbook `check_xlsx` does not read (.xls, .ods, a protected workbook), or a format this build leaves
    /// out (its features).
    #[error("{0}")]
    Unsupported(String),
}

/// What a workbook may unpack to, and how many cells one of its sheets may span, where memory is scarce
/// (the Worker has 128 MB). calamine holds a sheet as every cell of the rectangle its cells span: one cell at
/// A1 and one at XFD1048576 would make it reserve seventeen billion.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub unpacked_bytes: u64,
    pub cells: u64,
}

/// An xlsx (and ods) is a zip file, an xls (and a password-protected xlsx) an OLE compound file.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

pub fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
}

/// Checks an `.xlsx` against `limits` before anything of it is held: the sizes its zip declares (its reader
/// stops at them, so they cannot lie), then each sheet's cells, streamed one at a time, for the rectangle
/// they span. Anything but an xlsx is `Unsupported`.
#[cfg(feature = "xlsx")]
pub fn check_xlsx(bytes: &[u8], limits: Limits) -> Result<(), SheetError> {
    if is_ole(bytes) {
        return Err(SheetError::Unsupported(
            "an .xls workbook, or a workbook protected by a password: save it as .xlsx without a password".into(),
        ));
    }
    if !is_zip(bytes) {
        return Err(SheetError::Unsupported("not an .xlsx workbook".into()));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| SheetError::Open(e.to_string()))?;
    let mut unpacked = 0u64;
    let mut xlsx = false;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| SheetError::Open(e.to_string()))?;
        unpacked = unpacked.saturating_add(entry.size());
        xlsx |= entry.name().is_ok_and(|n| n == "xl/workbook.xml");
    }
    if !xlsx {
        return Err(SheetError::Unsupported("not an .xlsx workbook (an .ods one?): save it as .xlsx".into()));
    }
    if unpacked > limits.unpacked_bytes {
        return Err(SheetError::TooLarge(format!(
            "the workbook unpacks to {unpacked} bytes, more than {} allowed",
            limits.unpacked_bytes
        )));
    }
    let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| SheetError::Open(e.to_string()))?;
    for name in book.sheet_names() {
        let mut cells = book.worksheet_cells_reader(&name).map_err(|e| SheetError::Read(e.to_string()))?;
        let (mut top, mut bottom, mut left, mut right) = (u32::MAX, 0u32, u32::MAX, 0u32);
        while let Some(c) = cells.next_cell().map_err(|e| SheetError::Read(e.to_string()))? {
            if matches!(c.get_value(), calamine::DataRef::Empty) {
                continue;
            }
            let (r, col) = c.get_position();
            (top, bottom, left, right) = (top.min(r), bottom.max(r), left.min(col), right.max(col));
            let spans = u64::from(bottom - top + 1) * u64::from(right - left + 1);
            if spans > limits.cells {
                return Err(SheetError::TooLarge(format!(
                    "the sheet {name} spans {} rows and {} columns, more than {} cells allowed",
                    bottom - top + 1,
                    right - left + 1,
                    limits.cells
                )));
            }
        }
    }
    Ok(())
}

/// Without `xlsx` (the page's xls module): what `check_xlsx` says of every file there.
#[cfg(not(feature = "xlsx"))]
pub fn check_xlsx(_bytes: &[u8], _limits: Limits) -> Result<(), SheetError> {
    Err(format_left_out(""))
}

/// What a build without every format says of a file it cannot open: which formats it reads (the page fetches the
/// module of a file's family; another family's file, or a damaged one, ends here).
#[cfg(not(all(feature = "xls", feature = "xlsx", feature = "xlsb", feature = "ods")))]
fn format_left_out(why: &str) -> SheetError {
    let formats = [
        ("xls", cfg!(feature = "xls")),
        ("xlsx", cfg!(feature = "xlsx")),
        ("xlsb", cfg!(feature = "xlsb")),
        ("ods", cfg!(feature = "ods")),
    ];
    let built_in = formats.into_iter().filter_map(|(name, on)| on.then_some(name)).collect::<Vec<_>>().join(", ");
    SheetError::Unsupported(format!("not a workbook this build of the reader reads ({built_in}){why}"))
}

#[cfg(not(any(feature = "xls", feature = "xlsx", feature = "xlsb", feature = "ods")))]
compile_error!("enrol-sheet reads no format: enable `xls`, `zipped` (`xlsx`, `xlsb`, `ods`) or both");

type Bytes = Cursor<Vec<u8>>;

/// The workbook, in the reader of its format. calamine's own `Sheets` names every reader in each of its methods,
/// which would link all four into a module built for one family; this holds only the ones built in.
enum Book {
    #[cfg(feature = "xls")]
    Xls(calamine::Xls<Bytes>),
    #[cfg(feature = "xlsx")]
    Xlsx(calamine::Xlsx<Bytes>),
    #[cfg(feature = "xlsb")]
    Xlsb(calamine::Xlsb<Bytes>),
    #[cfg(feature = "ods")]
    Ods(calamine::Ods<Bytes>),
}

/// `$body` with `$b` bound to the reader of whichever format `$book` is (each has its own error type, so
/// `$body` turns it into text).
macro_rules! with_reader {
    ($book:expr, $b:ident => $body:expr) => {
        match $book {
            #[cfg(feature = "xls")]
            Book::Xls($b) => $body,
            #[cfg(feature = "xlsx")]
            Book::Xlsx($b) => $body,
            #[cfg(feature = "xlsb")]
            Book::Xlsb($b) => $body,
            #[cfg(feature = "ods")]
            Book::Ods($b) => $body,
        }
    };
}

impl Book {
    /// By the first bytes: an OLE compound file is an .xls; a zip an .xlsx, else an .xlsb, else an .ods (each
    /// reader checks for its own parts).
    fn open(bytes: Vec<u8>) -> Result<Self, SheetError> {
        let open = |e: &dyn std::fmt::Display| SheetError::Open(e.to_string());
        if is_ole(&bytes) {
            #[cfg(feature = "xls")]
            return calamine::Xls::new(Cursor::new(bytes)).map(Book::Xls).map_err(|e| open(&e));
            #[cfg(not(feature = "xls"))]
            return Err(format_left_out(""));
        }
        if is_zip(&bytes) {
            // Each reader built in checks for its own parts; the first one's complaint is the one said.
            #[cfg_attr(not(any(feature = "xlsx", feature = "xlsb", feature = "ods")), allow(unused_mut))]
            let mut first: Option<String> = None;
            #[cfg(feature = "xlsx")]
            match calamine::Xlsx::new(Cursor::new(bytes.clone())) {
                Ok(b) => return Ok(Book::Xlsx(b)),
                Err(e) => first = first.or(Some(e.to_string())),
            }
            #[cfg(feature = "xlsb")]
            match calamine::Xlsb::new(Cursor::new(bytes.clone())) {
                Ok(b) => return Ok(Book::Xlsb(b)),
                Err(e) => first = first.or(Some(e.to_string())),
            }
            #[cfg(feature = "ods")]
            match calamine::Ods::new(Cursor::new(bytes)) {
                Ok(b) => return Ok(Book::Ods(b)),
                Err(e) => first = first.or(Some(e.to_string())),
            }
            let why = first.unwrap_or_default();
            #[cfg(not(all(feature = "xlsx", feature = "xlsb", feature = "ods")))]
            return Err(format_left_out(&format!(": {why}")));
            #[cfg(all(feature = "xlsx", feature = "xlsb", feature = "ods"))]
            return Err(open(&why));
        }
        Err(open(&"no zip or OLE signature"))
    }

    fn sheets(&self) -> Vec<(String, bool)> {
        let meta = with_reader!(self, b => b.sheets_metadata());
        meta.iter().map(|s| (s.name.clone(), s.visible != SheetVisible::Visible)).collect()
    }

    fn range(&mut self, name: &str) -> Result<Range<Data>, String> {
        with_reader!(self, b => b.worksheet_range(name).map_err(|e| e.to_string()))
    }

    fn formulas(&mut self, name: &str) -> Option<Range<String>> {
        with_reader!(self, b => b.worksheet_formula(name).ok())
    }

    /// Merged regions: xlsx only (calamine reads them for no other format).
    #[cfg_attr(not(feature = "xlsx"), allow(unused_variables))]
    fn merged(&mut self, name: &str) -> Vec<Dimensions> {
        match self {
            #[cfg(feature = "xlsx")]
            Book::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
            #[allow(unreachable_patterns)] // in a build of xlsx alone
            _ => Vec::new(),
        }
    }
}

pub struct Workbook {
    book: Book,
    sheets: Vec<SheetInfo>,
    /// Each sheet's cells as read when the workbook was opened, until its text is made from them.
    ranges: Vec<Option<Range<Data>>>,
    /// Each sheet's text, once made: proposing a sheet and reading it use the same (each making is a pass over
    /// the sheet's XML for its formulas and one for its merged cells: 100,000 rows took twice as long).
    texts: Vec<Option<SheetText>>,
}

impl Workbook {
    pub fn open(bytes: Vec<u8>) -> Result<Self, SheetError> {
        let mut book = Book::open(bytes)?;
        let meta = book.sheets();
        let mut sheets = Vec::with_capacity(meta.len());
        let mut ranges = Vec::with_capacity(meta.len());
        for (name, hidden) in meta {
            let range = book.range(&name).ok();
            let rows = range.as_ref().map_or(0, |r| r.rows().filter(|row| row.iter().any(|c| !is_empty(c))).count());
            sheets.push(SheetInfo { name, rows, hidden });
            ranges.push(range);
        }
        let texts = vec![None; sheets.len()];
        Ok(Self { book, sheets, ranges, texts })
    }

    pub fn sheets(&self) -> &[SheetInfo] {
        &self.sheets
    }

    /// The visible sheet whose header places the most headings (the first on a tie), with its proposal.
    pub fn propose_sheet(&mut self, today: Date) -> Option<(usize, Proposal)> {
        let mut best: Option<(usize, Proposal, usize)> = None;
        for i in 0..self.sheets.len() {
            if self.sheets[i].hidden || self.sheets[i].rows == 0 {
                continue;
            }
            let Ok(text) = self.read_head(i) else { continue };
            let p = propose_records(&text, today);
            let placed = p.columns.iter().filter(|c| c.field.is_some()).count();
            if best.as_ref().is_none_or(|b| placed > b.2) {
                best = Some((i, p, placed));
            }
        }
        best.map(|(i, p, _)| (i, p))
    }

    fn read_head(&mut self, index: usize) -> Result<Vec<(u64, Vec<String>)>, SheetError> {
        let t = self.text(index)?;
        let mut out = Vec::new();
        let mut reader = enrol_core::text::TextReader::new();
        let mut k = 0;
        let mut on = |r: &enrol_core::Record<'_>| {
            if !r.is_blank() && out.len() < HEAD_ROWS {
                let row = t.rows.get(k).copied().unwrap_or(0);
                out.push((u64::from(row), r.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect()));
            }
            k += usize::from(!r.is_blank());
        };
        reader.push(&t.csv, &mut on);
        reader.finish(&mut on);
        Ok(out)
    }

    /// The sheet `index` as CSV, with its row numbers and notes.
    pub fn read(&mut self, index: usize) -> Result<SheetText, SheetError> {
        self.text(index).cloned()
    }

    /// The sheet `index`'s text, made once.
    fn text(&mut self, index: usize) -> Result<&SheetText, SheetError> {
        let name = self.sheets.get(index).ok_or(SheetError::NoSheet(index))?.name.clone();
        let text = match self.texts[index].take() {
            Some(text) => text,
            None => {
                let range = match self.ranges[index].take() {
                    Some(r) => r,
                    None => self.book.range(&name).map_err(SheetError::Read)?,
                };
                let formulas = self.book.formulas(&name);
                // Merged cells are filled in (xlsx only); a workbook whose merges cannot be read is still read.
                let merged = self.book.merged(&name);
                sheet_text(&range, formulas.as_ref(), &merged)
            }
        };
        Ok(self.texts[index].insert(text))
    }
}

fn is_empty(c: &Data) -> bool {
    match c {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A cell as the administrator sees it, in the text the CSV path would hold.
pub fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{day:02}-{m:02}-{y:04}")
        }
        Data::DateTime(d) => number_text(d.as_f64()),
        // ODS writes dates as ISO text: the date part, in the template's order.
        Data::DateTimeIso(s) => match (s.get(0..4), s.get(5..7), s.get(8..10), s.as_bytes().get(4)) {
            (Some(y), Some(m), Some(d), Some(b'-')) => format!("{d}-{m}-{y}"),
            _ => s.clone(),
        },
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A number as a person typed it: whole numbers without a decimal point or an exponent (a phone stored
/// as a number is its ten digits), others in the shortest form that reads back the same.
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") }
}

/// Column letters: 0 is A, 25 Z, 26 AA.
pub fn column_letter(mut c: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn sheet_text(range: &Range<Data>, formulas: Option<&Range<String>>, merged: &[Dimensions]) -> SheetText {
    let Some((r0, c0)) = range.start() else {
        return SheetText { csv: Vec::new(), rows: Vec::new(), first_column: 0, notes: Vec::new() };
    };
    let (height, width) = range.get_size();
    let cell = |r: usize, c: usize| -> &Data {
        let at = (r0 + r as u32, c0 + c as u32);
        // A merged region's value is in its top-left cell only; every cell of it reads that value.
        if let Some(m) = merged.iter().find(|m| m.contains(at.0, at.1))
            && matches!(range.get_value(at), None | Some(Data::Empty))
        {
            return range.get_value(m.start).unwrap_or(&Data::Empty);
        }
        range.get_value(at).unwrap_or(&Data::Empty)
    };
    // Trailing empty rows and columns (formatted but empty cells make calamine's range larger).
    let used_rows = (0..height).rev().find(|&r| (0..width).any(|c| !is_empty(cell(r, c)))).map_or(0, |r| r + 1);
    let used_cols = (0..width).rev().find(|&c| (0..used_rows).any(|r| !is_empty(cell(r, c)))).map_or(0, |c| c + 1);
    let mut csv = Vec::with_capacity(used_rows * used_cols * 12);
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for r in 0..used_rows {
        let blank = (0..used_cols).all(|c| is_empty(cell(r, c)));
        if !blank {
            rows.push(r0 + r as u32 + 1);
            for c in 0..used_cols {
                if c > 0 {
                    csv.push(b',');
                }
                let data = cell(r, c);
                let text = cell_text(data);
                let at = (r0 + r as u32, c0 + c as u32);
                let is_formula = formulas.and_then(|f| f.get_value(at)).is_some_and(|f| !f.is_empty());
                let code = match data {
                    Data::Error(_) => Some(NoteCode::ErrorCell),
                    _ if is_formula => Some(NoteCode::Formula),
                    _ => None,
                };
                if let Some(code) = code {
                    notes.push(Note { code, row: at.0 + 1, column: at.1, value: text.clone() });
                }
                write_cell(&mut csv, text.as_bytes());
            }
        }
        csv.extend_from_slice(b"\r\n");
    }
    SheetText { csv, rows, first_column: c0, notes }
}

impl SheetText {
    /// The notes as JSON: `[{"code","severity","row","column","value","message"}]` (`column` a letter).
    pub fn notes_json(&self, locale: Locale) -> String {
        let mut out = String::from("[");
        for (i, n) in self.notes.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format!(
                "{{\"code\":\"{}\",\"severity\":\"{}\",\"row\":{},\"column\":\"{}\",\"value\":",
                n.code.as_str(),
                if n.code.is_error() { "error" } else { "warning" },
                n.row,
                column_letter(n.column)
            ));
            enrol_core::json::write_str(&mut out, &n.value);
            out.push_str(",\"message\":");
            enrol_core::json::write_str(&mut out, n.code.message(locale));
            out.push('}');
        }
        out.push(']');
        out
    }
}

#[cfg(all(target_arch = "wasm32", feature = "page"))]
mod wasm {
    //! The page's handle: wasm-bindgen glue only.
    use super::*;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    pub struct Book {
        inner: Workbook,
    }

    #[wasm_bindgen]
    pub struct Read {
        csv: Vec<u8>,
        rows: String,
        notes: String,
        first_column: u32,
    }

    #[wasm_bindgen]
    impl Read {
        /// The sheet as UTF-8 CSV.
        pub fn csv(&self) -> Vec<u8> {
            self.csv.clone()
        }
        /// JSON array: the spreadsheet row number of each non-blank record.
        #[wasm_bindgen(js_name = rowsJson)]
        pub fn rows_json(&self) -> String {
            self.rows.clone()
        }
        #[wasm_bindgen(js_name = notesJson)]
        pub fn notes_json(&self) -> String {
            self.notes.clone()
        }
        /// 0-based column of the CSV's first column (A is 0).
        #[wasm_bindgen(js_name = firstColumn)]
        pub fn first_column(&self) -> u32 {
            self.first_column
        }
    }

    #[wasm_bindgen]
    impl Book {
        #[wasm_bindgen(constructor)]
        pub fn new(bytes: Vec<u8>) -> Result<Book, JsError> {
            Workbook::open(bytes).map(|inner| Book { inner }).map_err(|e| JsError::new(&e.to_string()))
        }

        /// `[{"name","rows","hidden"}]`.
        #[wasm_bindgen(js_name = sheetsJson)]
        pub fn sheets_json(&self) -> String {
            let items: Vec<String> = self
                .inner
                .sheets()
                .iter()
                .map(|s| {
                    let mut name = String::new();
                    enrol_core::json::write_str(&mut name, &s.name);
                    format!("{{\"name\":{name},\"rows\":{},\"hidden\":{}}}", s.rows, s.hidden)
                })
                .collect();
            format!("[{}]", items.join(","))
        }

        /// The sheet to propose (its index), or -1 when no visible sheet holds anything.
        #[wasm_bindgen(js_name = proposeSheet)]
        pub fn propose_sheet(&mut self, year: i32, month: u8, day: u8) -> i32 {
            let Some(today) = Date::new(year, month, day) else { return -1 };
            self.inner.propose_sheet(today).map_or(-1, |(i, _)| i as i32)
        }

        pub fn read(&mut self, index: u32, locale: &str) -> Result<Read, JsError> {
            let locale = Locale::parse(locale).unwrap_or_default();
            let t = self.inner.read(index as usize).map_err(|e| JsError::new(&e.to_string()))?;
            let rows: Vec<String> = t.rows.iter().map(u32::to_string).collect();
            Ok(Read {
                rows: format!("[{}]", rows.join(",")),
                notes: t.notes_json(locale),
                first_column: t.first_column,
                csv: t.csv,
            })
        }
    }
}
