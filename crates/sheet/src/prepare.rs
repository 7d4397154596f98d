//! What an administrator's file becomes before enrol-core checks it, for the Worker's upload route and
//! `enrol validate` alike, the way the page makes it: a workbook is read into CSV (the chosen sheet, else the
//! one whose header places the most headings), and a file whose headings are the office's own has them placed
//! on the sheet's columns with enrol-core's mapping: by the mapping sent with it, else by the tenant's
//! remembered one, else by the automatic one where it is sure (a name, a synonym; never a column's content
//! alone). When a needed column is still missing, or two headings go to one column, it says so, naming the
//! headings it could not place. So the verdict on a workbook, or on a file of the office's own headings, is the
//! page's verdict on the same data.

use crate::{Limits, SheetError, Workbook, check_xlsx, is_ole, is_zip};
use enrol_core::mapping::{self, Basis, CONFIDENT, MAX_REMEMBERED, Proposal};
use enrol_core::{Column, Date};

/// The longest heading a sent mapping may name.
const MAX_HEADING_CHARS: usize = 200;

#[derive(Debug)]
pub struct Prepared {
    /// What enrol-core checks: the file's text under the sheet's headings.
    pub bytes: Vec<u8>,
    /// How each heading was placed; none for a file with the template's headings and no mapping sent.
    pub mapping: Option<Vec<Placed>>,
    /// The headings the sent mapping placed (normalised): what the tenant remembers.
    pub confirmed: Vec<(String, Option<Column>)>,
}

/// One heading of the file, and the column it went to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub heading: String,
    pub field: Option<Column>,
    /// `given` (the sent mapping), `remembered`, `exact`, `name`, `synonym`, or `none` (left out).
    pub basis: &'static str,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PrepareError {
    /// The sent mapping does not read, names no column, or a heading the file lacks.
    #[error("mapping: {0}")]
    InvalidMapping(String),
    /// The headings do not give the columns needed with certainty, or give one twice.
    #[error("{0}")]
    MappingNeeded(String),
    #[error(
        "This workbook is too large to read here ({0}): choose it on the upload page, which reads it in your browser"
    )]
    TooLarge(String),
    #[error("This file cannot be read here: {0}")]
    Unsupported(String),
    #[error("The workbook: {0}")]
    Unreadable(String),
    #[error("The workbook has no sheet named “{0}”")]
    NoSuchSheet(String),
    #[error("The workbook has no visible sheet with rows")]
    NoSheet,
}

const SHAPE: &str = "a JSON object of your headings, each to a column name or null";

/// A sent mapping: a JSON object of the file's headings, each to a column of the sheet, or to null (or "")
/// to leave that column out: `{"Mobile No.": "phone", "S.No.": null}`.
pub fn parse_mapping(text: &str) -> Result<Vec<(String, Option<Column>)>, PrepareError> {
    use serde_json::Value;
    let invalid = |m: String| PrepareError::InvalidMapping(m);
    let Ok(Value::Object(entries)) = serde_json::from_str::<Value>(text) else {
        return Err(invalid(SHAPE.into()));
    };
    if entries.len() > MAX_REMEMBERED {
        return Err(invalid(format!("at most {MAX_REMEMBERED} headings")));
    }
    entries
        .into_iter()
        .map(|(heading, field)| {
            if heading.trim().is_empty() || heading.chars().count() > MAX_HEADING_CHARS {
                return Err(invalid(format!("each heading 1 to {MAX_HEADING_CHARS} characters")));
            }
            let field = match field {
                Value::Null => None,
                Value::String(s) if s.trim().is_empty() => None,
                Value::String(s) => Some(
                    Column::ALL
                        .into_iter()
                        .find(|c| c.name() == s.trim())
                        .ok_or_else(|| invalid(format!("“{heading}”: no column {s}")))?,
                ),
                _ => return Err(invalid(format!("“{heading}”: a column name or null"))),
            };
            Ok((heading, field))
        })
        .collect()
}

/// Where a workbook is read: an `.xlsx` is read within `limits` (its declared unpacked size and each sheet's
/// extent, checked before calamine holds any of it); `.xls` and `.ods` only where `only_xlsx` is false.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    pub limits: Limits,
    pub only_xlsx: bool,
}

/// The Worker (128 MB): a workbook up to 48 MB unpacked and 1,500,000 cells a sheet, an `.xlsx` only. A larger
/// one goes through the page, which reads it in the browser and sends CSV.
pub const WORKER: Reading = Reading { limits: Limits { unpacked_bytes: 48 << 20, cells: 1_500_000 }, only_xlsx: true };
/// The CLI, on the administrator's own machine: 1 GB unpacked and 50 million cells a sheet, every format.
pub const NATIVE: Reading = Reading { limits: Limits { unpacked_bytes: 1 << 30, cells: 50_000_000 }, only_xlsx: false };

/// A workbook's sheet (`sheet` by name, else the one whose header places the most headings) as CSV; other
/// bytes as they are. Anything with a zip or OLE signature that does not open as a workbook is left to the
/// CSV check, which says it is no CSV (as the page does).
fn text_of(bytes: Vec<u8>, sheet: Option<&str>, today: Date, limits: Reading) -> Result<Vec<u8>, PrepareError> {
    if !is_zip(&bytes) && !is_ole(&bytes) {
        return Ok(bytes);
    }
    match check_xlsx(&bytes, limits.limits) {
        Ok(()) => {}
        Err(SheetError::TooLarge(why)) => return Err(PrepareError::TooLarge(why)),
        // An .xls or .ods is read where memory allows it (the CLI), not in the Worker.
        Err(SheetError::Unsupported(_)) if !limits.only_xlsx => {}
        Err(SheetError::Unsupported(why)) if is_ole(&bytes) => return Err(PrepareError::Unsupported(why)),
        Err(_) => return Ok(bytes),
    }
    let mut book = match Workbook::open(bytes.clone()) {
        Ok(book) => book,
        Err(_) => return Ok(bytes),
    };
    let index = match sheet {
        Some(name) => book
            .sheets()
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| PrepareError::NoSuchSheet(name.to_string()))?,
        None => book.propose_sheet(today).map(|(i, _)| i).ok_or(PrepareError::NoSheet)?,
    };
    Ok(book.read(index).map_err(|e| PrepareError::Unreadable(e.to_string()))?.csv)
}

/// The file ready for enrol-core: read, and its headings placed.
pub fn prepare(
    bytes: Vec<u8>,
    sent: Option<&[(String, Option<Column>)]>,
    sheet: Option<&str>,
    known: &[(String, Option<Column>)],
    today: Date,
    limits: Reading,
) -> Result<Prepared, PrepareError> {
    let text = text_of(bytes, sheet, today, limits)?;
    let mut proposal = mapping::propose(&text, today);
    let confirmed: Vec<(String, Option<Column>)> = sent
        .iter()
        .copied()
        .flatten()
        .map(|(h, f)| (mapping::normalise(h), *f))
        .filter(|(h, _)| !h.is_empty())
        .collect();
    if proposal.exact {
        // The template's headings (the page sends what it remapped): a sent mapping says how the office's own
        // headings were placed, and is kept and remembered as it is.
        let mapping =
            sent.map(|s| s.iter().map(|(h, f)| Placed { heading: h.clone(), field: *f, basis: "given" }).collect());
        return Ok(Prepared { bytes: text, mapping, confirmed });
    }
    proposal.remember(known);
    // A file whose headings are the template's, but for some no name places (a typo, a column of the
    // office's own), is read as it is, as before any mapping: the validator names every unknown column rather
    // than a mapping leaving it out unseen. Only a sent mapping, a title above the header or a heading a name,
    // a synonym or the tenant's memory places makes it the office's own file.
    let placed_by_name = proposal.columns.iter().any(|c| {
        matches!(c.field, Some((_, basis, confidence)) if basis != Basis::Exact
            && (confidence >= CONFIDENT || basis == Basis::Remembered))
            || (c.remembered && c.field.is_none())
    });
    let as_it_is = Prepared { bytes: text.clone(), mapping: None, confirmed: Vec::new() };
    if sent.is_none() && proposal.header_record == 0 && !placed_by_name {
        return Ok(as_it_is);
    }
    let placed = place(&proposal, sent.unwrap_or_default())?;
    if let Some(message) = unplaced(&proposal, &placed) {
        // A header on the first line that the automatic mapping cannot complete is checked as it is: the
        // validator names each heading it does not know, and each column missing or given twice, as before.
        if sent.is_none() && proposal.header_record == 0 {
            return Ok(as_it_is);
        }
        return Err(PrepareError::MappingNeeded(message));
    }
    let fields: Vec<Option<Column>> = placed.iter().map(|p| p.field).collect();
    Ok(Prepared {
        bytes: mapping::remap(&text, proposal.header_record, &fields),
        mapping: Some(placed.into_iter().filter(|p| !p.heading.is_empty()).collect()),
        confirmed,
    })
}

/// Each heading's column and how it was placed: the sent mapping (by the heading as written, or as
/// normalised), else a sure proposal, else nothing.
fn place(p: &Proposal, sent: &[(String, Option<Column>)]) -> Result<Vec<Placed>, PrepareError> {
    let same = |given: &str, heading: &str| {
        let n = mapping::normalise(given);
        given.trim() == heading || (!n.is_empty() && mapping::normalise(heading) == n)
    };
    if let Some((h, _)) = sent.iter().find(|(h, _)| !p.columns.iter().any(|c| same(h, &c.heading))) {
        return Err(PrepareError::InvalidMapping(format!("the file has no heading “{h}”")));
    }
    Ok(p.columns
        .iter()
        .map(|c| {
            let given = sent
                .iter()
                .find(|(h, _)| h.trim() == c.heading)
                .or_else(|| sent.iter().find(|(h, _)| same(h, &c.heading)));
            let (field, basis) = match (given, c.field) {
                (Some((_, f)), _) => (*f, "given"),
                (None, Some((f, basis, confidence))) if confidence >= CONFIDENT || basis == Basis::Remembered => {
                    (Some(f), basis.as_str())
                }
                _ => (None, "none"),
            };
            Placed { heading: c.heading.clone(), field, basis }
        })
        .collect())
}

/// What stops the mapping, said plainly: the columns still needed and the headings it could not place, or
/// two headings on one column.
fn unplaced(p: &Proposal, placed: &[Placed]) -> Option<String> {
    let chosen: Vec<Option<Column>> = placed.iter().map(|c| c.field).collect();
    let heading = |i: usize| {
        let c = &p.columns[i];
        if c.heading.is_empty() { format!("column {}", i + 1) } else { format!("“{}”", c.heading) }
    };
    let missing = mapping::missing(&chosen);
    if !missing.is_empty() {
        let open: Vec<String> = (0..p.columns.len())
            .filter(|&i| placed[i].basis == "none" && !p.columns[i].heading.is_empty() && !p.columns[i].sunbird)
            .map(heading)
            .collect();
        let open = if open.is_empty() { "none".to_string() } else { open.join(", ") };
        return Some(format!(
            "The file's headings do not give {} with certainty; headings not placed: {open}. Send a mapping ({SHAPE}).",
            missing.join(", ")
        ));
    }
    let twice: Vec<String> = mapping::duplicates(&chosen)
        .into_iter()
        .map(|(field, at)| {
            format!("{} all go to {}", at.into_iter().map(heading).collect::<Vec<_>>().join(", "), field.name())
        })
        .collect();
    (!twice.is_empty()).then(|| format!("{}: send a mapping that places each once.", twice.join("; ")))
}
