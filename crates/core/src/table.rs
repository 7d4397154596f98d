//! The editable table: a file's rows kept so that the administrator fixes mistakes on the page, each edit
//! re-checked at once.
//!
//! It is read by the streaming validator itself (`TableReader` wraps a `Validator`) and re-checks a row with
//! the validator's own per-row code (`Checker::check_row`), so a row's issues are, to the byte, those the
//! streaming validator gives for the same data: no rule is written twice. What differs is the one thing a
//! stream cannot do incrementally, finding values that two rows share: the table keeps an index from each
//! value that must be unique (phone, email, userName, externalId, compared as `seen::Key::id` compares them)
//! to the rows that hold it, and derives the duplicate issues from it when asked. An edit re-checks its row
//! and moves the row between the index's groups; the rows of the old and the new group are the ones whose
//! issues changed (fixing one of two equal phones clears both).
//!
//! Rows keep the administrator's numbers (the validator's data row, 1-based, blank rows not counted): a
//! removed row leaves its number unused, and an edit never renumbers anything.

use std::collections::HashMap;

use crate::config::{Allowed, Config};
use crate::fields::{self, Dob, Gender, Phone};
use crate::issue::{Code, Issue, Severity};
use crate::messages::{Locale, message, problems_heading};
use crate::reader::Record;
use crate::schema::Column;
use crate::seen::{Kind, phone_shown};
use crate::validate::{Checker, Report, RowKeys, Summary, Validator, cap_issues, column_of, duplicate_issue};

/// Why an edit was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableError {
    /// No data row has this number (1-based).
    NoSuchRow(u64),
    /// The row was removed (restore it first).
    RowRemoved(u64),
    /// The header has no cell with this index (0-based).
    NoSuchColumn(usize),
    /// Find and replace was asked to find nothing.
    EmptyFind,
}

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TableError::NoSuchRow(r) => write!(f, "there is no row {r}"),
            TableError::RowRemoved(r) => write!(f, "row {r} was removed"),
            TableError::NoSuchColumn(c) => write!(f, "there is no column {c} (0-based) in the header"),
            TableError::EmptyFind => write!(f, "find what? The text to find is empty"),
        }
    }
}

impl std::error::Error for TableError {}

/// A cell's value before and after a change. Applied in reverse order, the `before`s undo it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Data row, 1-based.
    pub row: u64,
    /// Header cell, 0-based.
    pub cell: usize,
    pub before: String,
    pub after: String,
}

/// The safe fixes: each changes only what the validator reads the same either way or what has one
/// reading a person would agree on; nothing that needs a guess (a 9-digit phone, a two-digit year).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    /// Blanks before and after a value (never a password's: its spaces are part of it).
    Trim,
    /// `+91`, `0091`, `91` or `0` before the number, spaces, dashes, brackets, dots: the national digits.
    Phone,
    /// `12/10/1992`, `12.10.1992`, `1992-10-12` or an Excel day count (five digits, the 1900 system)
    /// written `12-10-1992`, the template's way.
    Date,
    /// yes/no, Y/N, 1/0, true/false in any case: TRUE or FALSE.
    Boolean,
    /// Values of closed lists (gender, roles, grade, language, subject) spelled as the list spells them.
    List,
}

impl Fix {
    pub const ALL: [Fix; 5] = [Fix::Trim, Fix::Phone, Fix::Date, Fix::Boolean, Fix::List];

    pub fn as_str(self) -> &'static str {
        match self {
            Fix::Trim => "trim",
            Fix::Phone => "phone",
            Fix::Date => "date",
            Fix::Boolean => "boolean",
            Fix::List => "list",
        }
    }

    pub fn parse(s: &str) -> Option<Fix> {
        Fix::ALL.into_iter().find(|f| f.as_str() == s)
    }

    fn applies_to(self, column: Option<Column>) -> bool {
        match self {
            Fix::Trim => column != Some(Column::Password),
            Fix::Phone => column == Some(Column::Phone),
            Fix::Date => column == Some(Column::Dob),
            Fix::Boolean => matches!(column, Some(Column::PhoneVerified | Column::EmailVerified)),
            Fix::List => matches!(
                column,
                Some(Column::Gender | Column::Roles | Column::Grade | Column::Language | Column::Subject)
            ),
        }
    }
}

/// One action of the administrator's, kept so that Undo takes it back.
#[derive(Debug, Clone)]
enum Step {
    Changes(Vec<Change>),
    Removed(u64),
}

/// Which rows a CSV of the table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    /// Every row not removed.
    All,
    /// The rows without errors: what is uploaded when the rows with problems are left out.
    WithoutErrors,
    /// The rows with errors: the ones left out.
    WithErrors,
}

struct Row {
    /// Physical line (1-based) on which the row started in the file.
    line: u64,
    /// The cells back to back; cell `i` ends at `ends[i]`.
    buf: Vec<u8>,
    ends: Vec<usize>,
    /// The file had a stray quote in this row; cleared by an edit of the row (the table's CSV quotes
    /// what it writes).
    stray_quote: bool,
    removed: bool,
    /// Every cell was emptied by edits: like the stream's blank rows, it is no row of the file (no issues,
    /// not counted, not written) until something is typed into it again.
    blank: bool,
    /// Its issues but for duplicates, as `Checker::check_row` gave them.
    own: Vec<Issue>,
    keys: RowKeys,
    /// Errors and warnings, duplicates included (kept for the totals).
    errors: u32,
    warnings: u32,
    /// How many of its cells each safe fix would change, by `Fix as usize` (kept for the totals).
    fixable: [u16; Fix::ALL.len()],
}

impl Row {
    fn read(r: &Record<'_>, own: Vec<Issue>, keys: RowKeys) -> Row {
        let mut buf = Vec::with_capacity(r.bytes().len());
        let mut ends = Vec::with_capacity(r.len());
        for cell in r.iter() {
            buf.extend_from_slice(cell);
            ends.push(buf.len());
        }
        Row {
            line: r.line,
            buf,
            ends,
            stray_quote: r.stray_quote,
            removed: false,
            blank: false,
            own,
            keys,
            errors: 0,
            warnings: 0,
            fixable: [0; Fix::ALL.len()],
        }
    }

    fn cell(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.buf[start..end])
    }

    fn text(&self, i: usize) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.cell(i).unwrap_or_default())
    }

    fn record(&self) -> Record<'_> {
        Record::from_cells(self.line, &self.buf, &self.ends, self.stray_quote)
    }

    /// A row of the file: neither removed nor emptied.
    fn counted(&self) -> bool {
        !self.removed && !self.blank
    }
}

/// Reads a file into a `Table`: `push` chunks, then `finish`, as with `Validator`.
pub struct TableReader {
    v: Validator,
    rows: Vec<Row>,
    header: Option<Vec<String>>,
}

impl TableReader {
    pub fn new(config: Config) -> Self {
        let mut v = Validator::new(config);
        v.checker_mut().row_keys = Some([None; 4]);
        Self { v, rows: Vec::new(), header: None }
    }

    /// The rules the rows are checked by (the tenant's lists, the mobile rule), before the first `push`.
    pub fn config_mut(&mut self) -> &mut Config {
        &mut self.v.checker_mut().config
    }

    pub fn push(&mut self, chunk: &[u8]) {
        let (rows, header) = (&mut self.rows, &mut self.header);
        self.v.push_each(chunk, &mut |check, r| keep(check, r, rows, header));
    }

    /// Data rows so far, for a progress bar.
    pub fn rows(&self) -> u64 {
        self.v.rows()
    }

    pub fn finish(self) -> Table {
        let (mut rows, mut header) = (self.rows, self.header);
        let mut check = self.v.finish_each(&mut |check, r| keep(check, r, &mut rows, &mut header));
        check.row_keys = None;
        // What is left are the file's own issues (the rows took theirs). The row limit, "no rows" and the cap
        // follow the rows that are left, so they are found again when asked.
        let mut file = check.finish().issues;
        file.retain(|i| !matches!(i.code, Code::TooManyRows | Code::NoDataRows | Code::TooManyIssues));
        let mut table = Table {
            check,
            header: header.unwrap_or_default(),
            rows,
            file,
            groups: HashMap::new(),
            errors: 0,
            warnings: 0,
            rows_with_errors: 0,
            fixable: [0; Fix::ALL.len()],
            columns: Vec::new(),
            history: Vec::new(),
        };
        table.columns = (0..table.header.len()).map(|c| table.check.column_at(c)).collect();
        for i in 0..table.rows.len() {
            table.join(i);
        }
        for i in 0..table.rows.len() {
            table.refresh(i);
        }
        table
    }
}

/// Keeps a data row that the checker has just read, with the issues it found in it.
fn keep(check: &mut Checker, r: &Record<'_>, rows: &mut Vec<Row>, header: &mut Option<Vec<String>>) {
    if header.is_none() && check.header_line() == Some(r.line) {
        *header = Some(r.iter().map(|c| String::from_utf8_lossy(c).into_owned()).collect());
        return;
    }
    let n = check.rows();
    if n == rows.len() as u64 {
        return; // blank, or not a data row
    }
    let own: Vec<Issue> = check.issues_mut().extract_if(.., |i| i.row == Some(n)).collect();
    let keys = check.row_keys.replace([None; 4]).unwrap_or_default();
    rows.push(Row::read(r, own, keys));
}

/// A file's rows, editable, with every row's issues as the streaming validator gives them.
pub struct Table {
    check: Checker,
    header: Vec<String>,
    /// `rows[n - 1]` is data row `n`; removed rows stay, marked.
    rows: Vec<Row>,
    /// The file's own issues (the header's, an unterminated quote's), as read.
    file: Vec<Issue>,
    /// For each value that must be unique (`Kind`, `Key::id`), the rows that hold it (0-based, ascending).
    groups: HashMap<(u8, u64), Vec<u32>>,
    /// Over the rows not removed.
    errors: u64,
    warnings: u64,
    rows_with_errors: u64,
    /// Cells each safe fix would change, over the rows not removed (`Row::fixable`).
    fixable: [u64; Fix::ALL.len()],
    /// The column of enrol's that each header cell holds.
    columns: Vec<Option<Column>>,
    /// The administrator's actions, last one last (`undo`).
    history: Vec<Step>,
}

impl Table {
    /// Reads a whole file at once (`TableReader` for chunks).
    pub fn read(config: Config, bytes: &[u8]) -> Table {
        let mut r = TableReader::new(config);
        r.push(bytes);
        r.finish()
    }

    /// The header's cells as the file wrote them.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The column of enrol's that header cell `cell` (0-based) holds, if any.
    pub fn column(&self, cell: usize) -> Option<Column> {
        self.columns.get(cell).copied().flatten()
    }

    /// The highest row number (removed rows included): rows are 1 to this.
    pub fn len(&self) -> u64 {
        self.rows.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Rows neither removed nor emptied: the rows of the file as it is now.
    pub fn live_rows(&self) -> u64 {
        self.rows.iter().filter(|r| r.counted()).count() as u64
    }

    pub fn is_removed(&self, row: u64) -> bool {
        self.index(row).is_some_and(|i| self.rows[i].removed)
    }

    /// The cells of `row` (lossy where the file's bytes were not UTF-8: the issue says so).
    pub fn cells(&self, row: u64) -> Result<Vec<String>, TableError> {
        let r = &self.rows[self.index(row).ok_or(TableError::NoSuchRow(row))?];
        Ok((0..r.ends.len()).map(|i| r.text(i).into_owned()).collect())
    }

    /// Errors of the row (duplicates included); 0 for a removed row.
    pub fn errors_of(&self, row: u64) -> u32 {
        self.index(row).map_or(0, |i| self.rows[i].errors)
    }

    /// Rows not removed that have an issue (`errors_only`: an error), in order.
    pub fn problem_rows(&self, errors_only: bool) -> impl Iterator<Item = u64> + '_ {
        self.rows.iter().enumerate().filter_map(move |(i, r)| {
            let has = r.errors > 0 || (!errors_only && r.warnings > 0);
            (r.counted() && has).then_some(i as u64 + 1)
        })
    }

    fn index(&self, row: u64) -> Option<usize> {
        let i = usize::try_from(row.checked_sub(1)?).ok()?;
        (i < self.rows.len()).then_some(i)
    }

    fn live(&self, row: u64) -> Result<usize, TableError> {
        let i = self.index(row).ok_or(TableError::NoSuchRow(row))?;
        if self.rows[i].removed { Err(TableError::RowRemoved(row)) } else { Ok(i) }
    }

    /// The issues of `row`, in the report's order (by the column's place, then the code); none for a
    /// removed row.
    pub fn issues_of(&self, row: u64) -> Vec<Issue> {
        let Some(i) = self.index(row).filter(|&i| self.rows[i].counted()) else { return Vec::new() };
        let r = &self.rows[i];
        let mut out = r.own.clone();
        for kind in Kind::ALL {
            let Some(members) = self.members(i, kind).filter(|m| m.len() > 1) else { continue };
            let first = members[0] as usize;
            // As the stream reports it: the first row names the second and shows its value; every other
            // row names the first and shows its own.
            let (other, shown_by) = if first == i { (members[1] as usize, members[1] as usize) } else { (first, i) };
            let shown = self.shown(shown_by, kind);
            out.push(duplicate_issue(row, Some(r.line), kind, &shown, other as u64 + 1));
        }
        // Stable: the row's own issues keep the order found, before its duplicates, as in the stream.
        out.sort_by_key(|issue| (self.check.place(issue.column), issue.code));
        out
    }

    /// The group of rows holding row `i`'s value of `kind`.
    fn members(&self, i: usize, kind: Kind) -> Option<&Vec<u32>> {
        let id = self.rows[i].keys[kind as usize]?;
        self.groups.get(&(kind as u8, id))
    }

    /// Row `i`'s value of `kind` as a duplicate's issue shows it.
    fn shown(&self, i: usize, kind: Kind) -> String {
        let r = &self.rows[i];
        match kind {
            Kind::Phone => r.keys[kind as usize].map(phone_shown).unwrap_or_default(),
            _ => self.check.cell_of(column_of(kind)).map(|c| fields::trim(&r.text(c)).to_string()).unwrap_or_default(),
        }
    }

    /// The file's own issues, no row's: the header's, the row limit and "no rows" (which follow the rows that
    /// are left), an unterminated quote (it names the row it would have been); as the stream sorts them.
    pub fn file_issues(&self) -> Vec<Issue> {
        let mut out = self.file.clone();
        let max = self.check.config.max_rows;
        if let Some(r) = self.rows.iter().filter(|r| r.counted()).nth(usize::try_from(max).unwrap_or(usize::MAX)) {
            out.push(Issue {
                row: None,
                line: Some(r.line),
                column: None,
                code: Code::TooManyRows,
                value: None,
                param: Some(max.to_string()),
            });
        }
        if let Some(line) = self.check.header_line().filter(|_| self.live_rows() == 0) {
            out.push(Issue {
                row: None,
                line: Some(line),
                column: None,
                code: Code::NoDataRows,
                value: None,
                param: None,
            });
        }
        out.sort_by_key(|i| (i.row.is_some(), i.row, i.code));
        out
    }

    /// Totals over the rows not removed and the file.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            rows: self.live_rows(),
            rows_with_errors: self.rows_with_errors,
            errors: self.errors,
            warnings: self.warnings,
        };
        for i in self.file_issues() {
            match i.severity() {
                Severity::Error => {
                    s.errors += 1;
                    // An unterminated quote names the row it would have been.
                    s.rows_with_errors += u64::from(i.row.is_some());
                }
                Severity::Warning => s.warnings += 1,
            }
        }
        s
    }

    /// The report of the table as it is now: for an unedited table, the streaming validator's report of the
    /// same bytes (while the issues are under the cap: past it, this keeps the first ones in the report's
    /// order, the stream the first ones found).
    pub fn report(&self) -> Report {
        let file = self.file_issues();
        let (head, tail): (Vec<Issue>, Vec<Issue>) = file.into_iter().partition(|i| i.row.is_none());
        let mut issues = head;
        for row in 1..=self.len() {
            issues.extend(self.issues_of(row));
        }
        issues.extend(tail);
        let summary = self.summary();
        if issues.len() > self.check.config.max_issues {
            cap_issues(&mut issues, self.check.config.max_issues);
            self.check.sort(&mut issues);
        }
        Report { summary, issues }
    }

    /// Sets cell `cell` (0-based, within the header) of `row` to `value` and re-checks the row and every row
    /// that shares, or shared, a value that must be unique with it. Returns those rows (ascending), the
    /// edited one included. A short row gets blank cells up to `cell`.
    pub fn set(&mut self, row: u64, cell: usize, value: &str) -> Result<Vec<u64>, TableError> {
        let i = self.live(row)?;
        if cell >= self.header.len().max(1) {
            return Err(TableError::NoSuchColumn(cell));
        }
        let r = &mut self.rows[i];
        let cells = r.ends.len().max(cell + 1);
        let mut buf = Vec::with_capacity(r.buf.len() + value.len());
        let mut ends = Vec::with_capacity(cells);
        for k in 0..cells {
            if k == cell {
                buf.extend_from_slice(value.as_bytes());
            } else {
                buf.extend_from_slice(r.cell(k).unwrap_or_default());
            }
            ends.push(buf.len());
        }
        (r.buf, r.ends, r.stray_quote) = (buf, ends, false);
        Ok(self.recheck(i))
    }

    /// Checks every row again by other rules (another tenant's lists, row limit or mobile rule), keeping the
    /// edits and what Undo takes back. The rules only judge rows: the cells, the header and the file's own
    /// issues stay as they are.
    pub fn reconfigure(&mut self, config: Config) {
        self.check.config = config;
        for i in 0..self.rows.len() {
            self.recheck(i);
        }
    }

    /// Re-checks row `i` with the validator's per-row code and moves it between groups.
    fn recheck(&mut self, i: usize) -> Vec<u64> {
        let record = self.rows[i].record();
        let blank = record.is_blank();
        let (own, keys) = if blank { (Vec::new(), [None; 4]) } else { self.check.check_row(&record, i as u64 + 1) };
        let mut touched = self.leave(i);
        let r = &mut self.rows[i];
        (r.own, r.keys, r.blank) = (own, keys, blank);
        touched.extend(self.join(i));
        self.refresh_all(touched)
    }

    fn refresh_all(&mut self, mut touched: Vec<u32>) -> Vec<u64> {
        touched.sort_unstable();
        touched.dedup();
        for &t in &touched {
            self.refresh(t as usize);
        }
        touched.into_iter().map(|t| u64::from(t) + 1).collect()
    }

    /// Takes row `i` out of its groups; returns the rows whose issues may change (it and its fellows).
    fn leave(&mut self, i: usize) -> Vec<u32> {
        let mut touched = vec![i as u32];
        for kind in Kind::ALL {
            let Some(id) = self.rows[i].keys[kind as usize] else { continue };
            if let Some(members) = self.groups.get_mut(&(kind as u8, id)) {
                members.retain(|&m| m != i as u32);
                touched.extend_from_slice(members);
                if members.is_empty() {
                    self.groups.remove(&(kind as u8, id));
                }
            }
        }
        touched
    }

    /// Puts row `i` into the groups of its values; returns the rows whose issues may change.
    fn join(&mut self, i: usize) -> Vec<u32> {
        let mut touched = vec![i as u32];
        if !self.rows[i].counted() {
            return touched;
        }
        for kind in Kind::ALL {
            let Some(id) = self.rows[i].keys[kind as usize] else { continue };
            let members = self.groups.entry((kind as u8, id)).or_default();
            // Rows are read in order, so a file's rows go on the end; an edit or a restore goes in its place.
            match members.last() {
                Some(&last) if last > i as u32 => {
                    let at = members.partition_point(|&m| m < i as u32);
                    members.insert(at, i as u32);
                }
                _ => members.push(i as u32),
            }
            touched.extend_from_slice(members);
        }
        touched
    }

    /// Counts row `i`'s errors and warnings again, and the totals with them.
    fn refresh(&mut self, i: usize) {
        let (mut errors, mut warnings) = (0u32, 0u32);
        if self.rows[i].counted() {
            for issue in &self.rows[i].own {
                match issue.severity() {
                    Severity::Error => errors += 1,
                    Severity::Warning => warnings += 1,
                }
            }
            errors += Kind::ALL.into_iter().filter(|&k| self.members(i, k).is_some_and(|m| m.len() > 1)).count() as u32;
        }
        let fixable = if self.rows[i].counted() { self.fixable_in(&self.rows[i]) } else { [0; Fix::ALL.len()] };
        let r = &mut self.rows[i];
        self.errors = self.errors - u64::from(r.errors) + u64::from(errors);
        self.warnings = self.warnings - u64::from(r.warnings) + u64::from(warnings);
        self.rows_with_errors = self.rows_with_errors - u64::from(r.errors > 0) + u64::from(errors > 0);
        for (total, (old, new)) in self.fixable.iter_mut().zip(r.fixable.iter().zip(fixable)) {
            *total = *total - u64::from(*old) + u64::from(new);
        }
        (r.errors, r.warnings, r.fixable) = (errors, warnings, fixable);
    }

    /// How many cells of `r` each safe fix would change.
    fn fixable_in(&self, r: &Row) -> [u16; Fix::ALL.len()] {
        let mut out = [0u16; Fix::ALL.len()];
        for (c, &column) in self.columns.iter().enumerate() {
            let Some(Ok(cell)) = r.cell(c).map(std::str::from_utf8) else { continue };
            for fix in Fix::ALL.into_iter().filter(|f| f.applies_to(column)) {
                out[fix as usize] += u16::from(self.fixed(fix, column, cell).is_some());
            }
        }
        out
    }

    /// How many cells `fix` would change: kept up to date by every change, so asking costs nothing.
    pub fn fix_count(&self, fix: Fix) -> u64 {
        self.fixable[fix as usize]
    }

    /// Removes `row` (its number stays unused; `undo` puts it back). Returns the rows whose issues changed.
    pub fn remove(&mut self, row: u64) -> Result<Vec<u64>, TableError> {
        let i = self.live(row)?;
        let touched = self.leave(i);
        self.rows[i].removed = true;
        self.history.push(Step::Removed(row));
        Ok(self.refresh_all(touched))
    }

    /// Puts a removed `row` back. Returns the rows whose issues changed.
    fn restore(&mut self, row: u64) -> Result<Vec<u64>, TableError> {
        let i = self.index(row).ok_or(TableError::NoSuchRow(row))?;
        if !self.rows[i].removed {
            return Ok(Vec::new());
        }
        self.rows[i].removed = false;
        let touched = self.join(i);
        Ok(self.refresh_all(touched))
    }

    /// The changes `fix` would make, in row order: what is counted before the administrator applies it.
    pub fn fixes(&self, fix: Fix) -> Vec<Change> {
        // A cell that is already as the fix would write it costs no allocation.
        let cells: Vec<(usize, Option<Column>)> =
            self.columns.iter().copied().enumerate().filter(|&(_, col)| fix.applies_to(col)).collect();
        let mut out = Vec::new();
        for (i, r) in self.rows.iter().enumerate().filter(|(_, r)| r.counted()) {
            for &(c, column) in &cells {
                let Some(bytes) = r.cell(c) else { continue };
                let Ok(before) = std::str::from_utf8(bytes) else { continue };
                if let Some(after) = self.fixed(fix, column, before) {
                    out.push(Change { row: i as u64 + 1, cell: c, before: before.to_string(), after });
                }
            }
        }
        out
    }

    /// What `fix` makes of `cell` in `column`: None when it has no sure answer or would change nothing.
    fn fixed(&self, fix: Fix, column: Option<Column>, cell: &str) -> Option<String> {
        let config = &self.check.config;
        let s = fields::trim(cell);
        let changed = |after: &str| (after != cell).then(|| after.to_string());
        match fix {
            Fix::Trim => changed(s),
            Fix::Phone => {
                // 00 is the international call prefix: 0091 is +91 (the parser reads the rest).
                let intl;
                let s = match s.strip_prefix("00") {
                    Some(rest) if rest.starts_with("91") => {
                        intl = format!("+{rest}");
                        intl.as_str()
                    }
                    _ => s,
                };
                match Phone::parse_with(s, config.mobile) {
                    Ok(Some(p)) => changed(p.as_ref()),
                    _ => None,
                }
            }
            Fix::Date => {
                let b = s.as_bytes();
                let dob = |text: &str| match Dob::parse(text, config.today) {
                    Ok(Some(d)) => changed(&d.date().to_template()),
                    _ => None,
                };
                if b.len() == 10 && b[2] == b'-' && b[5] == b'-' && s.len() == cell.len() {
                    None // dd-mm-yyyy already, right or wrong: nothing to rewrite
                } else if b.len() == 5 && b.iter().all(u8::is_ascii_digit) {
                    // An Excel day count (1900 system: 25569 is 01-01-1970). Five digits are 1927 to 2173; a
                    // shorter number could be a year or a typo.
                    let serial: i64 = s.parse().ok()?;
                    dob(&crate::date::Date::from_unix_days(serial - 25_569).to_template())
                } else if s.contains('.') && !s.contains(['-', '/']) {
                    dob(&s.replace('.', "-"))
                } else {
                    dob(s)
                }
            }
            Fix::Boolean => {
                let yes = ["yes", "y", "1", "true"].iter().any(|w| s.eq_ignore_ascii_case(w));
                let no = ["no", "n", "0", "false"].iter().any(|w| s.eq_ignore_ascii_case(w));
                if yes {
                    changed("TRUE")
                } else if no {
                    changed("FALSE")
                } else {
                    None
                }
            }
            Fix::List => {
                let allowed: &Allowed = match column? {
                    Column::Gender => return Gender::parse(s).ok().flatten().and_then(|g| changed(g.name())),
                    Column::Roles => &config.roles,
                    Column::Grade => &config.grades,
                    Column::Language => &config.languages,
                    Column::Subject => &config.subjects,
                    _ => return None,
                };
                // Each value in its place, its blanks and commas kept; all of them must be known.
                let mut out = String::with_capacity(cell.len());
                for (k, part) in cell.split(',').enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    let value = fields::trim(part);
                    if value.is_empty() {
                        out.push_str(part);
                        continue;
                    }
                    let at = part.find(value).unwrap_or(0);
                    out.push_str(&part[..at]);
                    out.push_str(allowed.find(value)?);
                    out.push_str(&part[at + value.len()..]);
                }
                changed(&out)
            }
        }
    }

    /// Sets a cell as the administrator typed it, as `set` does; `undo` takes it back.
    pub fn edit(&mut self, row: u64, cell: usize, value: &str) -> Result<Vec<u64>, TableError> {
        let before = self.cells(row)?.get(cell).cloned().unwrap_or_default();
        let touched = self.set(row, cell, value)?;
        self.history.push(Step::Changes(vec![Change { row, cell, before, after: value.to_string() }]));
        Ok(touched)
    }

    /// Sets every change's `after` (a fix or a replacement the administrator accepted), as one step for
    /// `undo`. Changes come from `fixes` or `replacements` of the table as it is; one that names no cell
    /// stops the rest, and what was applied is taken back.
    pub fn apply(&mut self, changes: Vec<Change>) -> Result<(), TableError> {
        for (k, c) in changes.iter().enumerate() {
            if let Err(e) = self.set(c.row, c.cell, &c.after) {
                self.revert(&changes[..k])?;
                return Err(e);
            }
        }
        if !changes.is_empty() {
            self.history.push(Step::Changes(changes));
        }
        Ok(())
    }

    /// Takes back the last edit, fix, replacement or removal; false when there is none. (A short row that an
    /// edit filled with blank cells keeps them.)
    pub fn undo(&mut self) -> Result<bool, TableError> {
        match self.history.pop() {
            None => Ok(false),
            Some(Step::Changes(changes)) => self.revert(&changes).map(|_| true),
            Some(Step::Removed(row)) => self.restore(row).map(|_| true),
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.history.is_empty()
    }

    /// The `before`s of `changes`, last change first.
    fn revert(&mut self, changes: &[Change]) -> Result<(), TableError> {
        for c in changes.iter().rev() {
            self.set(c.row, c.cell, &c.before)?;
        }
        Ok(())
    }

    /// Find and replace within one column (header cell `cell`, 0-based): the changes it would make, to count
    /// and then `apply`. Matches the text exactly (case counts).
    pub fn replacements(&self, cell: usize, find: &str, with: &str) -> Result<Vec<Change>, TableError> {
        if find.is_empty() {
            return Err(TableError::EmptyFind);
        }
        if cell >= self.header.len() {
            return Err(TableError::NoSuchColumn(cell));
        }
        let mut out = Vec::new();
        for (i, r) in self.rows.iter().enumerate().filter(|(_, r)| !r.removed) {
            let before = r.text(cell);
            if before.contains(find) {
                let after = before.replace(find, with);
                out.push(Change { row: i as u64 + 1, cell, before: before.into_owned(), after });
            }
        }
        Ok(out)
    }

    /// The rows `to_csv` writes for `rows`, with their index, in order.
    fn written(&self, rows: Rows) -> impl Iterator<Item = (usize, &Row)> {
        self.rows.iter().enumerate().filter(move |(_, r)| {
            r.counted()
                && match rows {
                    Rows::All => true,
                    Rows::WithoutErrors => r.errors == 0,
                    Rows::WithErrors => r.errors > 0,
                }
        })
    }

    /// The number (1-based, as the file numbered it when it was read) of each row `to_csv(rows, …)` writes, in
    /// order: what the uploaded file's rows were in the administrator's file.
    pub fn row_numbers(&self, rows: Rows) -> Vec<u64> {
        self.written(rows).map(|(i, _)| i as u64 + 1).collect()
    }

    /// The table as CSV (UTF-8, CRLF, cells quoted when they must be): the header, then `rows`; with
    /// `problems`, a last column of each row's problems in that language.
    pub fn to_csv(&self, rows: Rows, problems: Option<Locale>) -> String {
        let mut out = String::new();
        let mut line: Vec<std::borrow::Cow<'_, str>> = self.header.iter().map(|h| h.as_str().into()).collect();
        if let Some(locale) = problems {
            line.push(problems_heading(locale).into());
        }
        write_line(&mut out, &line);
        for (i, r) in self.written(rows) {
            let mut line: Vec<std::borrow::Cow<'_, str>> = (0..r.ends.len()).map(|c| r.text(c)).collect();
            if let Some(locale) = problems {
                // Under its own heading when the row is short (a long row's extra cells come first).
                line.resize(line.len().max(self.header.len()), "".into());
                let said: Vec<String> = self
                    .issues_of(i as u64 + 1)
                    .iter()
                    .map(|issue| match issue.column {
                        Some(c) => format!("{}: {}", c.name(), message(issue, locale)),
                        None => message(issue, locale),
                    })
                    .collect();
                line.push(said.join("; ").into());
            }
            write_line(&mut out, &line);
        }
        out
    }
}

fn write_line(out: &mut String, cells: &[std::borrow::Cow<'_, str>]) {
    for (k, cell) in cells.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let quote = cell.contains([',', '"', '\r', '\n']) || cell.starts_with(' ') || cell.ends_with(' ');
        if quote {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out.push_str("\r\n");
}
