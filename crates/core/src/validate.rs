//! The streaming validator: bytes in (`push` any number of chunks, then `finish`), a `Report` out.
//!
//! It reports every problem of every row and never stops early: an administrator fixes the whole file in
//! one pass. Memory stays flat in the file's size but for what finding the same value on two rows needs
//! (each phone with its row, each email, userName and externalId with a 64-bit hash, its row and its text;
//! see `seen`), a line number per row, and the issues themselves (capped). Duplicates are found at `finish`,
//! so their issues come last.

use crate::config::Config;
use crate::fields::{self, CountryCode, Dob, Email, FieldError, Gender, Password, PersonName, Phone, UserName};
use crate::issue::{Code, Issue, Severity, shorten};
use crate::json;
use crate::messages::{Locale, message};
use crate::reader::Record;
use crate::schema::{Column, is_ignored_sunbird_column, valid_columns};
use crate::seen::{Bits, Key, Kind, Seen};
use crate::text::{self, TextReader};

/// A short row of the sheet; used only to size tables from a file's length.
const BYTES_PER_ROW_GUESS: u64 = 120;

const MAX_POSITION: usize = 100;
const MAX_LOCATION: usize = 200;
const MAX_PROFILE_SUMMARY: usize = 1000;
const MAX_OTHER_TEXT: usize = 100;

pub struct Validator {
    /// Excel's text flavours as UTF-8 records (see `text`).
    text: TextReader,
    /// A binary file has been reported.
    binary: bool,
    check: Checker,
}

/// Totals, also for issues past the cap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Data rows (blank rows are not counted).
    pub rows: u64,
    pub rows_with_errors: u64,
    pub errors: u64,
    pub warnings: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub summary: Summary,
    /// Sorted: file-level issues first, then by row, then by the column's place in the header.
    pub issues: Vec<Issue>,
}

impl Summary {
    pub fn to_json(&self) -> String {
        format!(
            "{{\"rows\":{},\"rowsWithErrors\":{},\"errors\":{},\"warnings\":{}}}",
            self.rows, self.rows_with_errors, self.errors, self.warnings
        )
    }
}

impl Report {
    /// Clean enough to upload: no errors (warnings are fine).
    pub fn is_clean(&self) -> bool {
        self.summary.errors == 0
    }

    /// `{"rows": N, "issues": [{"row","line","column","code","severity","value","message"}]}`: the same
    /// bytes from the CLI, the browser and the Worker.
    pub fn to_json(&self, locale: Locale) -> String {
        let mut out = String::with_capacity(64 + self.issues.len() * 160);
        out.push_str("{\"rows\":");
        out.push_str(&self.summary.rows.to_string());
        out.push_str(",\"issues\":");
        write_issues(&mut out, &self.issues, locale);
        out.push('}');
        out
    }
}

/// Issues as a JSON array.
pub fn issues_json(issues: &[Issue], locale: Locale) -> String {
    let mut out = String::with_capacity(2 + issues.len() * 160);
    write_issues(&mut out, issues, locale);
    out
}

fn write_issues(out: &mut String, issues: &[Issue], locale: Locale) {
    out.push('[');
    for (i, issue) in issues.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        issue_json(out, issue, locale);
    }
    out.push(']');
}

/// One issue as a JSON object (see `Report::to_json`).
fn issue_json(out: &mut String, issue: &Issue, locale: Locale) {
    let num = |n: Option<u64>| n.map_or_else(|| "null".to_string(), |n| n.to_string());
    out.push_str("{\"row\":");
    out.push_str(&num(issue.row));
    out.push_str(",\"line\":");
    out.push_str(&num(issue.line));
    out.push_str(",\"column\":");
    match issue.column {
        Some(c) => json::write_str(out, c.name()),
        None => out.push_str("null"),
    }
    out.push_str(",\"code\":\"");
    out.push_str(issue.code.as_str());
    out.push_str("\",\"severity\":\"");
    out.push_str(issue.severity().as_str());
    out.push_str("\",\"value\":");
    match &issue.value {
        Some(v) => json::write_str(out, v),
        None => out.push_str("null"),
    }
    out.push_str(",\"message\":");
    json::write_str(out, &message(issue, locale));
    out.push('}');
}

impl Validator {
    pub fn new(config: Config) -> Self {
        Self { text: TextReader::new(), binary: false, check: Checker::new(config) }
    }

    pub fn push(&mut self, chunk: &[u8]) {
        self.push_each(chunk, &mut |_, _| {});
    }

    pub fn finish(self) -> Report {
        self.finish_each(&mut |_, _| {}).finish()
    }

    /// `push`, calling `each` after every record has been checked: the editable table keeps its rows so.
    pub(crate) fn push_each(&mut self, chunk: &[u8], each: &mut impl FnMut(&mut Checker, &Record<'_>)) {
        let check = &mut self.check;
        self.text.push(chunk, &mut |r: &Record<'_>| {
            check.record(r);
            each(check, r);
        });
        self.said_binary();
    }

    /// The end of the input, with `each` as in `push_each`; the checker is left to report (`Checker::finish`).
    pub(crate) fn finish_each(mut self, each: &mut impl FnMut(&mut Checker, &Record<'_>)) -> Checker {
        let check = &mut self.check;
        self.text.finish(&mut |r: &Record<'_>| {
            check.record(r);
            each(check, r);
        });
        self.said_binary();
        if let Some(line) = self.text.windows_1252_from() {
            self.check.file_issue(Code::Windows1252, Some(line), None, None);
        }
        self.check
    }

    /// Reports a binary file once, when the head has said so.
    fn said_binary(&mut self) {
        if !self.binary && self.text.kind() == Some(text::Kind::Binary) {
            self.binary = true;
            self.check.file_issue(Code::NotCsv, None, None, None);
        }
    }

    /// Replaces the allowed values of a list column (roles, grade, language, subject).
    pub fn set_allowed(&mut self, column: &str, values: Vec<String>) -> Result<(), String> {
        self.check.config.set_allowed(column, values)
    }

    /// Replaces the mobile number rule (the deployment's setting, served in the upload configuration).
    pub fn set_mobile_rule(&mut self, rule: crate::fields::MobileRule) {
        self.check.config.mobile = rule;
    }

    /// Makes room up front for a file of about `bytes` bytes. Optional; it saves the browser's memory, which
    /// keeps the high-water mark of a list that grew by doubling (the line of each row; the values kept to
    /// find duplicates grow by blocks).
    pub fn reserve_for(&mut self, bytes: u64) {
        self.check.seen.reserve(usize::try_from(bytes / BYTES_PER_ROW_GUESS).unwrap_or(0));
    }

    pub(crate) fn checker_mut(&mut self) -> &mut Checker {
        &mut self.check
    }

    /// Data rows so far, for a progress bar.
    pub fn rows(&self) -> u64 {
        self.check.summary.rows
    }

    pub fn summary(&self) -> Summary {
        self.check.summary
    }

    /// Issues found so far, in the order found (the report sorts them).
    pub fn issues(&self) -> &[Issue] {
        &self.check.issues
    }
}

// `fields` keeps the columns a row gives as bits of a u32.
const _: () = assert!(Column::ALL.len() <= u32::BITS as usize);

struct Header {
    /// For each column of the sheet, where it is in the file (0-based cell index).
    index: [Option<usize>; Column::ALL.len()],
    /// The file's columns in their order in the file (known ones only).
    order: Vec<(usize, Column)>,
    cells: usize,
    line: u64,
}

pub(crate) struct Checker {
    pub(crate) config: Config,
    /// Boxed: it is taken out of `self` and put back for every row.
    header: Option<Box<Header>>,
    summary: Summary,
    issues: Vec<Issue>,
    seen: Seen,
    rows_with_errors: Bits,
    /// A record other than blank ones was read (the header, even a broken one).
    saw_record: bool,
    /// (first row, kind) pairs whose duplicate issue has been reported (a row can repeat one row's phone
    /// and another row's email: each is reported).
    reported: Bits,
    /// Some while an editable table reads or re-checks a row: the row's values that must be unique go here
    /// (by kind, as `Key::id`) instead of into `seen`, because the table keeps its own index of them.
    pub(crate) row_keys: Option<RowKeys>,
}

/// The issue of a `row` that holds a value another row holds too: `shown` as compared (see `duplicates`),
/// `other` the row it names.
pub(crate) fn duplicate_issue(row: u64, line: Option<u64>, kind: Kind, shown: &str, other: u64) -> Issue {
    Issue {
        row: Some(row),
        line,
        column: Some(column_of(kind)),
        code: Code::DuplicateInFile,
        value: Some(shorten(shown)),
        param: Some(other.to_string()),
    }
}

/// Keeps the first `cap - 1` issues and says that there were more.
pub(crate) fn cap_issues(issues: &mut Vec<Issue>, cap: usize) {
    issues.truncate(cap.saturating_sub(1));
    issues.push(Issue {
        row: None,
        line: None,
        column: None,
        code: Code::TooManyIssues,
        value: None,
        param: Some(cap.to_string()),
    });
}

/// The column that holds values of `kind`.
pub(crate) fn column_of(kind: Kind) -> Column {
    match kind {
        Kind::Phone => Column::Phone,
        Kind::Email => Column::Email,
        Kind::UserName => Column::UserName,
        Kind::ExternalId => Column::ExternalId,
    }
}

/// One row's values that must be unique, by `Kind` (as `Key::id`).
pub(crate) type RowKeys = [Option<u64>; 4];

impl Checker {
    fn new(config: Config) -> Self {
        Self {
            config,
            header: None,
            summary: Summary::default(),
            issues: Vec::new(),
            seen: Seen::default(),
            rows_with_errors: Bits::default(),
            saw_record: false,
            reported: Bits::default(),
            row_keys: None,
        }
    }

    /// Notes a value that must be unique in the file (see `row_keys`).
    fn note(&mut self, key: Key<'_>, row: u64) {
        match &mut self.row_keys {
            Some(keys) => keys[key.kind() as usize] = Some(key.id()),
            None => self.seen.add(key, row),
        }
    }

    /// Data rows read so far.
    pub(crate) fn rows(&self) -> u64 {
        self.summary.rows
    }

    /// Issues found and not yet reported (the table takes each row's own).
    pub(crate) fn issues_mut(&mut self) -> &mut Vec<Issue> {
        &mut self.issues
    }

    /// Checks one data row on its own, as `record` checks a row of the file (not its duplicates: the
    /// caller keeps those, see `row_keys`): its issues, and its values that must be unique.
    pub(crate) fn check_row(&mut self, r: &Record<'_>, row: u64) -> (Vec<Issue>, RowKeys) {
        let from = self.issues.len();
        self.row_keys = Some([None; 4]);
        self.row(r, row);
        let keys = self.row_keys.take().unwrap_or_default();
        (self.issues.split_off(from), keys)
    }

    /// Where the issues of `column` sort within a row: the column's place in the header, 1-based; 0 for none.
    pub(crate) fn place(&self, column: Option<Column>) -> usize {
        let header = self.header.as_deref();
        column.and_then(|c| header?.index[c as usize]).map_or(0, |i| i + 1)
    }

    /// The column of enrol's that header cell `cell` (0-based) holds, if any.
    pub(crate) fn column_at(&self, cell: usize) -> Option<Column> {
        self.header.as_deref()?.order.iter().find(|&&(i, _)| i == cell).map(|&(_, c)| c)
    }

    /// The header's cell that holds `column` (0-based), if the file has the column.
    pub(crate) fn cell_of(&self, column: Column) -> Option<usize> {
        self.header.as_deref()?.index[column as usize]
    }

    /// The line of the header, once it has been read.
    pub(crate) fn header_line(&self) -> Option<u64> {
        self.header.as_deref().map(|h| h.line)
    }

    fn push_issue(&mut self, issue: Issue) {
        match issue.severity() {
            Severity::Error => {
                self.summary.errors += 1;
                // Issues of an earlier row can come late (duplicates), so rows are counted by a set.
                if let Some(row) = issue.row
                    && self.rows_with_errors.insert(row)
                {
                    self.summary.rows_with_errors += 1;
                }
            }
            Severity::Warning => self.summary.warnings += 1,
        }
        if self.issues.len() < self.config.max_issues {
            self.issues.push(issue);
        }
    }

    fn file_issue(&mut self, code: Code, line: Option<u64>, value: Option<String>, param: Option<String>) {
        self.push_issue(Issue { row: None, line, column: None, code, value, param });
    }

    fn record(&mut self, r: &Record<'_>) {
        if !r.is_blank() || r.unterminated_quote {
            self.saw_record = true;
        }
        if r.unterminated_quote {
            let row = self.header.as_ref().map(|_| self.summary.rows + 1);
            self.push_issue(Issue {
                row,
                line: Some(r.line),
                column: None,
                code: Code::UnterminatedQuote,
                value: None,
                param: None,
            });
            return;
        }
        if r.is_blank() {
            return;
        }
        if self.header.is_none() {
            self.header(r);
            return;
        }
        self.summary.rows += 1;
        let row = self.summary.rows;
        self.seen.row_line(row, r.line);
        if row == self.config.max_rows + 1 {
            self.file_issue(Code::TooManyRows, Some(r.line), None, Some(self.config.max_rows.to_string()));
        }
        self.row(r, row);
    }

    fn header(&mut self, r: &Record<'_>) {
        let mut header = Header { index: [None; Column::ALL.len()], order: Vec::new(), cells: r.len(), line: r.line };
        for (i, raw) in r.iter().enumerate() {
            let name = String::from_utf8_lossy(raw);
            let name = fields::trim(&name);
            if name.is_empty() {
                // Spreadsheets add unnamed columns after the last one that was ever formatted.
                continue;
            }
            match Column::from_header(name) {
                Some(c) if header.index[c as usize].is_some() => {
                    self.file_issue(Code::DuplicateColumn, Some(r.line), Some(shorten(name)), None)
                }
                Some(c) => {
                    header.index[c as usize] = Some(i);
                    header.order.push((i, c));
                }
                // Sunbird's own files carry these; they are not a mistake of the sheet, only nothing enrol
                // uses, so the admin is told and may upload.
                None if is_ignored_sunbird_column(name) => {
                    self.file_issue(Code::IgnoredColumn, Some(r.line), Some(shorten(name)), None)
                }
                None => self.file_issue(Code::UnknownColumn, Some(r.line), Some(shorten(name)), Some(valid_columns())),
            }
        }
        for c in Column::ALL.into_iter().filter(|c| c.is_mandatory()) {
            if header.index[c as usize].is_none() {
                self.file_issue(Code::MissingColumn, Some(r.line), None, Some(c.name().into()));
            }
        }
        let has = |c: Column| header.index[c as usize].is_some();
        if !has(Column::Phone) && !has(Column::Email) {
            self.file_issue(Code::MissingColumn, Some(r.line), None, Some("phone / email".into()));
        } else if !has(Column::Phone) && !has(Column::UserName) {
            self.file_issue(Code::MissingColumn, Some(r.line), None, Some("phone / userName".into()));
        }
        self.header = Some(Box::new(header));
    }

    fn issue(&mut self, row: u64, line: u64, column: Column, code: Code, value: &str, param: Option<String>) {
        // A password is never repeated back, not even in an error about it.
        let value = (column != Column::Password && !value.is_empty()).then(|| shorten(fields::trim(value)));
        self.push_issue(Issue { row: Some(row), line: Some(line), column: Some(column), code, value, param });
    }

    fn field_error(&mut self, row: u64, line: u64, column: Column, value: &str, e: FieldError) {
        self.issue(row, line, column, e.code, value, e.param);
    }

    fn row(&mut self, r: &Record<'_>, row: u64) {
        let Some(header) = self.header.take() else {
            return;
        };
        let line = r.line;
        if r.len() != header.cells {
            self.push_issue(Issue {
                row: Some(row),
                line: Some(line),
                column: None,
                code: Code::WrongFieldCount,
                value: None,
                param: Some(format!("{} ≠ {}", r.len(), header.cells)),
            });
        }
        if r.stray_quote {
            self.push_issue(Issue {
                row: Some(row),
                line: Some(line),
                column: None,
                code: Code::StrayQuote,
                value: None,
                param: None,
            });
        }
        let filled = self.fields(r, row, &header);
        self.row_rules(row, line, &header, filled);
        self.header = Some(header);
    }

    /// Checks every cell of the row; returns the set of columns given (non-blank), one bit per column
    /// (bit `Column as usize`: a u32 holds them all, see the assertion below).
    /// The cells are read straight from the record: the whole record is known ASCII or checked as UTF-8 once (the common
    /// case), and a cell on its own only when that fails or a cell boundary splits a character.
    fn fields(&mut self, r: &Record<'_>, row: u64, header: &Header) -> u32 {
        let today = self.config.today;
        let line = r.line;
        let bytes = r.bytes();
        let whole = r.text();
        let mut filled = 0u32;
        for &(i, c) in &header.order {
            let Some(span) = r.span(i) else {
                // A short row: the missing cells are blank.
                if c == Column::FirstName {
                    self.issue(row, line, c, Code::Required, "", None);
                }
                continue;
            };
            if span.is_empty() {
                // Most cells are blank optional ones (see below), most of those empty.
                if c == Column::FirstName {
                    self.issue(row, line, c, Code::Required, "", None);
                }
                continue;
            }
            let text = match whole {
                Some(w) => w.get(span.clone()),
                None => None,
            };
            let Some(raw) = text.or_else(|| std::str::from_utf8(&bytes[span.clone()]).ok()) else {
                let lossy = String::from_utf8_lossy(&bytes[span]).into_owned();
                self.issue(row, line, c, Code::InvalidUtf8, &lossy, None);
                continue;
            };
            let v = fields::trim(raw);
            if v.is_empty() {
                // Most cells are blank optional ones: a blank passes every parser, and only firstName must
                // not be blank (the row rules look at what was given).
                if c == Column::FirstName {
                    self.issue(row, line, c, Code::Required, "", None);
                }
                continue;
            }
            filled |= 1 << c as u32;
            let result: Result<(), FieldError> = match c {
                Column::FirstName | Column::LastName => match PersonName::parse(v) {
                    Ok(None) if c == Column::FirstName => Err(FieldError { code: Code::Required, param: None }),
                    r => r.map(drop),
                },
                Column::Phone => {
                    match Phone::parse_with(v, self.config.mobile) {
                        Ok(Some(p)) => {
                            self.note(Key::Phone(p.as_u64()), row);
                            continue; // a valid "+91…" is no formula
                        }
                        r => r.map(drop),
                    }
                }
                Column::Email => match Email::parse(v) {
                    Ok(Some(e)) => {
                        self.note(Key::Email(e.as_ref()), row);
                        Ok(())
                    }
                    r => r.map(drop),
                },
                Column::UserName => match UserName::parse(v) {
                    Ok(Some(u)) => {
                        self.note(Key::UserName(u.as_ref()), row);
                        Ok(())
                    }
                    r => r.map(drop),
                },
                Column::Password => match Password::parse(raw) {
                    Ok(Some(_)) => {
                        self.issue(row, line, c, Code::PasswordInFile, "", None);
                        Ok(())
                    }
                    r => r.map(drop),
                },
                Column::PhoneVerified | Column::EmailVerified => fields::parse_bool(v).map(drop),
                Column::Roles => fields::check_list(v, &self.config.roles),
                Column::Grade => fields::check_list(v, &self.config.grades),
                Column::Language => fields::check_list(v, &self.config.languages),
                Column::Subject => fields::check_list(v, &self.config.subjects),
                Column::Dob => Dob::parse(v, today).map(drop),
                Column::Gender => Gender::parse(v).map(drop),
                Column::ExternalIds => fields::check_external_ids(v),
                Column::WebPages => fields::check_web_pages(v),
                // enrol's phones are Indian mobile numbers (`Phone`): a phone is read as Indian whatever the
                // code beside it says. So a code other than India's is an error of its own, not a cue to read
                // the phone some other way, and it is one whether or not the row gives a phone: such a row
                // (or sheet) was made for a platform that reaches other countries. A well-formed code, even
                // `+91`, is no formula.
                Column::CountryCode => match CountryCode::parse(v) {
                    Ok(Some(code)) => {
                        if !code.is_india() {
                            self.issue(row, line, c, Code::CountryCodeNotIndia, v, None);
                        }
                        continue;
                    }
                    r => r.map(drop),
                },
                Column::Position => fields::check_text(v, MAX_POSITION),
                Column::Location => fields::check_text(v, MAX_LOCATION),
                Column::ProfileSummary => fields::check_text(v, MAX_PROFILE_SUMMARY),
                Column::ExternalId => {
                    let r = fields::check_text(v, MAX_OTHER_TEXT);
                    if r.is_ok() {
                        self.note(Key::ExternalId(v), row);
                    }
                    r
                }
                Column::Provider | Column::ExternalIdType | Column::ExternalIdProvider => {
                    fields::check_text(v, MAX_OTHER_TEXT)
                }
            };
            if let Err(e) = result {
                self.field_error(row, line, c, v, e);
            }
            // A phone (or country code) spelled `+91 …` is a phone, not a formula, even when it is a wrong one.
            let phone_like = || {
                matches!(c, Column::Phone | Column::CountryCode)
                    && v.bytes().all(|b| b.is_ascii_digit() || b" +-().".contains(&b))
            };
            if fields::starts_formula(v) && !phone_like() {
                self.issue(row, line, c, Code::FormulaLike, v, None);
            }
        }
        filled
    }

    /// The rules between cells of one row; `filled` has a bit for each column given.
    fn row_rules(&mut self, row: u64, line: u64, header: &Header, filled: u32) {
        let has = |c: Column| header.index[c as usize].is_some();
        let filled = |c: Column| filled & (1 << c as u32) != 0;
        let (phone, email, user_name) = (filled(Column::Phone), filled(Column::Email), filled(Column::UserName));
        if !phone && !email && (has(Column::Phone) || has(Column::Email)) {
            let c = if has(Column::Phone) { Column::Phone } else { Column::Email };
            self.issue(row, line, c, Code::PhoneOrEmailRequired, "", None);
        }
        if !phone && !user_name && (has(Column::Phone) || has(Column::UserName)) {
            let c = if has(Column::UserName) { Column::UserName } else { Column::Phone };
            self.issue(row, line, c, Code::UserNameOrPhoneRequired, "", None);
        }
        // The pair is a rule of files that carry both columns. Sunbird refuses a provider column from
        // release 1.8 on, so its own files have phoneVerified alone: the rule would otherwise fire on every
        // row and name a column the file does not have.
        let (provider, verified) = (filled(Column::Provider), filled(Column::PhoneVerified));
        if has(Column::Provider) && has(Column::PhoneVerified) && provider != verified {
            let c = if provider { Column::PhoneVerified } else { Column::Provider };
            self.issue(row, line, c, Code::ProviderPhoneVerifiedPair, "", None);
        }
        // externalId needs its type and provider, except that both may be blank when userName is given.
        let trio = [Column::ExternalId, Column::ExternalIdType, Column::ExternalIdProvider];
        let given = trio.map(filled);
        if given.iter().any(|&g| g) && !given.iter().all(|&g| g) {
            let excused = user_name && given == [true, false, false];
            if !excused {
                let missing: Vec<&str> = trio.iter().zip(given).filter(|(_, g)| !g).map(|(c, _)| c.name()).collect();
                let first = trio.into_iter().zip(given).find(|(_, g)| !g).map(|(c, _)| c).unwrap_or(Column::ExternalId);
                self.issue(row, line, first, Code::ExternalIdIncomplete, "", Some(missing.join(", ")));
            }
        }
    }

    /// Flags both rows of every value that two rows hold. Both issues show the value as compared (a phone's
    /// 10 digits; text as written in the later row): the earlier row's own spelling is not kept, and it is
    /// the same value. Found at the end (see `Seen`), so these issues come last.
    fn duplicates(&mut self) {
        let seen = std::mem::take(&mut self.seen);
        seen.each_duplicate(|d| {
            if self.reported.insert(d.first * 4 + d.kind as u64) {
                // The earlier row, once per kind of value: it names the first row that repeats it.
                self.push_issue(duplicate_issue(d.first, seen.line_of(d.first), d.kind, &d.shown, d.row));
            }
            self.push_issue(duplicate_issue(d.row, seen.line_of(d.row), d.kind, &d.shown, d.first));
        });
    }

    /// The report. A table's checker reports its file-level issues so (its rows' issues were taken).
    pub(crate) fn finish(&mut self) -> Report {
        self.duplicates();
        if !self.saw_record && self.issues.iter().all(|i| i.code != Code::NotCsv) {
            // Nothing but blank lines (or nothing at all).
            self.file_issue(Code::EmptyFile, None, None, None);
        } else if self.header.is_some() && self.summary.rows == 0 {
            let line = self.header.as_ref().map(|h| h.line);
            self.file_issue(Code::NoDataRows, line, None, None);
        }
        let total = self.summary.errors + self.summary.warnings;
        if total > self.issues.len() as u64 {
            cap_issues(&mut self.issues, self.config.max_issues);
        }
        let mut issues = std::mem::take(&mut self.issues);
        self.sort(&mut issues);
        Report { summary: self.summary, issues }
    }

    /// The report's order: the file's issues, then by row, then by the column's place in the header, then
    /// by code (stable: otherwise in the order found).
    pub(crate) fn sort(&self, issues: &mut [Issue]) {
        issues.sort_by_key(|i| (i.row.is_some(), i.row, self.place(i.column), i.code));
    }
}
