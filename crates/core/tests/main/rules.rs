//! What the validator reports, issue by issue: for every fixture in `tests/data/`, then for every rule of the
//! upload sheet on small inline files. Each case lists every issue of every row in the report's order
//! (file-level first, then by row, then by column), and the summary must agree with that list.

use crate::support::{config, config_for, fixture, fixture_names, is_error, validate};
use enrol_core::fields::MobileRule;
use enrol_core::schema::valid_columns;
use enrol_core::{Code, Column, Issue, Locale, Report};
use std::collections::BTreeSet;

/// One expected issue: (row, line, column, code). Row None is the file or its header; line None is a file
/// that has no lines (empty, or not text at all).
pub type Want = (Option<u64>, Option<u64>, Option<&'static str>, &'static str);

/// A file-level issue with no line.
const fn file(code: &'static str) -> Want {
    (None, None, None, code)
}

/// A file-level (or header) issue on a line.
const fn file_at(line: u64, code: &'static str) -> Want {
    (None, Some(line), None, code)
}

/// An issue of a whole row (no one column).
const fn row(row: u64, line: u64, code: &'static str) -> Want {
    (Some(row), Some(line), None, code)
}

/// An issue of one cell.
const fn cell(row: u64, line: u64, column: &'static str, code: &'static str) -> Want {
    (Some(row), Some(line), Some(column), code)
}

pub enum Input {
    /// A file in `tests/data/`, checked with `config_for(name)`.
    File(&'static str),
    Text(&'static str),
    Bytes(&'static [u8]),
    /// Text checked with `max_rows` set to the number.
    Limited(u64, &'static str),
}

pub struct Case {
    /// What the case proves.
    pub what: &'static str,
    pub input: Input,
    /// `summary.rows`: data rows, blank ones not counted.
    pub rows: u64,
    pub want: &'static [Want],
}

impl Case {
    pub fn bytes(&self) -> Vec<u8> {
        match self.input {
            Input::File(name) => fixture(name),
            Input::Text(s) | Input::Limited(_, s) => s.as_bytes().to_vec(),
            Input::Bytes(b) => b.to_vec(),
        }
    }

    pub fn config(&self) -> enrol_core::Config {
        match self.input {
            Input::File(name) => config_for(name),
            Input::Limited(n, _) => {
                let mut c = config();
                c.max_rows = n;
                c
            }
            Input::Text(_) | Input::Bytes(_) => config(),
        }
    }
}

fn got(report: &Report) -> Vec<Want> {
    report.issues.iter().map(|i| (i.row, i.line, i.column.map(Column::name), i.code.as_str())).collect()
}

/// Runs every case and fails once, listing every case that did not hold (not just the first).
fn check(cases: &[Case]) {
    let mut failures = Vec::new();
    let mut failed_cases = 0;
    for case in cases {
        let failures_before = failures.len();
        let report = validate(case.config(), &case.bytes());
        let got = got(&report);
        if got != case.want {
            failures.push(format!("{}\n    want {:?}\n    got  {:?}", case.what, case.want, got));
        }
        // The summary follows from the issues: nothing is capped in these small files.
        let errors = case.want.iter().filter(|w| is_error(w.3)).count() as u64;
        let warnings = case.want.len() as u64 - errors;
        let rows_with_errors = case.want.iter().filter(|w| is_error(w.3)).filter_map(|w| w.0).collect::<BTreeSet<_>>();
        let s = report.summary;
        let want_summary = (case.rows, rows_with_errors.len() as u64, errors, warnings);
        let got_summary = (s.rows, s.rows_with_errors, s.errors, s.warnings);
        if got_summary != want_summary {
            failures.push(format!(
                "{}: summary (rows, rows_with_errors, errors, warnings)\n    want {want_summary:?}\n    got  {got_summary:?}",
                case.what
            ));
        }
        if report.is_clean() != (errors == 0) {
            failures.push(format!("{}: is_clean() is {} with {errors} errors", case.what, report.is_clean()));
        }
        failed_cases += usize::from(failures.len() > failures_before);
    }
    assert!(failures.is_empty(), "{failed_cases} of {} cases failed:\n{}", cases.len(), failures.join("\n"));
}

const DUP: &str = "duplicate_in_file";

/// Every fixture in `tests/data/` with what it must give.
pub const FIXTURES: &[Case] = &[
    // Excel's three text exports of one sheet (scripts/fixtures/excel-text.py) and their UTF-8 twins: the same
    // issues, and for Windows-1252 one warning more, on the line of its first non-ASCII byte (past the sniffed head).
    Case {
        what: "the UTF-8 twin of the Hindi sheet: a short phone, and one phone on two rows",
        input: Input::File("excel_twin_hindi.csv"),
        rows: 29,
        want: &[
            cell(1, 2, "phone", "duplicate_in_file"),
            cell(28, 29, "phone", "invalid_phone"),
            cell(29, 30, "phone", "duplicate_in_file"),
        ],
    },
    Case {
        what: "Excel's \"CSV UTF-8\" (BOM, CRLF) of the Hindi sheet gives its twin's issues",
        input: Input::File("excel_csv_utf8_bom_hindi.csv"),
        rows: 29,
        want: &[
            cell(1, 2, "phone", "duplicate_in_file"),
            cell(28, 29, "phone", "invalid_phone"),
            cell(29, 30, "phone", "duplicate_in_file"),
        ],
    },
    Case {
        what: "Excel's \"Unicode Text\" (UTF-16LE, BOM, tabs, commas inside cells) of the Hindi sheet gives its twin's issues",
        input: Input::File("excel_unicode_text_utf16le_tabs_hindi.csv"),
        rows: 29,
        want: &[
            cell(1, 2, "phone", "duplicate_in_file"),
            cell(28, 29, "phone", "invalid_phone"),
            cell(29, 30, "phone", "duplicate_in_file"),
        ],
    },
    Case {
        what: "the UTF-8 twin of the sheet with Latin accents",
        input: Input::File("excel_twin_latin.csv"),
        rows: 29,
        want: &[
            cell(1, 2, "phone", "duplicate_in_file"),
            cell(28, 29, "phone", "invalid_phone"),
            cell(29, 30, "phone", "duplicate_in_file"),
        ],
    },
    Case {
        what: "Excel's \"CSV (Comma delimited)\" in Windows-1252 gives its twin's issues and says it was read as Windows-1252",
        input: Input::File("excel_csv_windows1252_latin.csv"),
        rows: 29,
        want: &[
            file_at(26, "windows_1252"),
            cell(1, 2, "phone", "duplicate_in_file"),
            cell(28, 29, "phone", "invalid_phone"),
            cell(29, 30, "phone", "duplicate_in_file"),
        ],
    },
    Case {
        what: "ten clean rows over all 22 columns (+91/91/0 prefixes, Devanagari, quoted lists, JSON) have no issue",
        input: Input::File("clean_ten_rows.csv"),
        rows: 10,
        want: &[],
    },
    Case {
        what: "every field rule fires in its own column, all of a row's issues are reported, in column order",
        input: Input::File("every_field_error.csv"),
        rows: 4,
        want: &[
            cell(1, 2, "firstName", "invalid_name"),
            cell(1, 2, "lastName", "too_long"),
            cell(1, 2, "phone", "invalid_phone"),
            cell(1, 2, "email", "invalid_email"),
            cell(1, 2, "userName", "too_short"),
            cell(1, 2, "password", "too_short"),
            cell(1, 2, "phoneVerified", "invalid_boolean"),
            cell(1, 2, "emailVerified", "invalid_boolean"),
            cell(1, 2, "roles", "unknown_value"),
            cell(1, 2, "position", "too_long"),
            cell(1, 2, "grade", "unknown_value"),
            cell(1, 2, "location", "too_long"),
            cell(1, 2, "DOB", "invalid_date"),
            cell(1, 2, "gender", "invalid_gender"),
            cell(1, 2, "language", "unknown_value"),
            cell(1, 2, "profileSummary", "too_long"),
            cell(1, 2, "subject", "unknown_value"),
            cell(1, 2, "externalId", "too_long"),
            cell(1, 2, "externalIds", "invalid_external_ids"),
            cell(2, 3, "firstName", "required"),
            cell(2, 3, "lastName", "invalid_name"),
            cell(2, 3, "phone", "invalid_phone"),
            cell(2, 3, "email", "invalid_email"),
            cell(2, 3, "userName", "invalid_user_name"),
            cell(2, 3, "password", "too_long"),
            cell(2, 3, "provider", "provider_phone_verified_pair"),
            cell(2, 3, "emailVerified", "invalid_boolean"),
            cell(2, 3, "DOB", "date_in_future"),
            cell(2, 3, "gender", "invalid_gender"),
            cell(2, 3, "externalIds", "invalid_external_ids"),
            cell(2, 3, "externalIdProvider", "external_id_incomplete"),
            cell(3, 4, "firstName", "too_long"),
            cell(3, 4, "phone", "invalid_phone"),
            cell(3, 4, "email", "too_long"),
            cell(3, 4, "userName", "too_long"),
            cell(3, 4, "password", "common_password"),
            cell(3, 4, "phoneVerified", "provider_phone_verified_pair"),
            cell(3, 4, "DOB", "invalid_date"),
            cell(3, 4, "externalId", "external_id_incomplete"),
            cell(4, 5, "phone", "phone_or_email_required"),
            cell(4, 5, "userName", "user_name_or_phone_required"),
        ],
    },
    Case {
        what: "the grid's file (tests/browser/grid.test.mjs): 0091 before a phone, a 9-digit phone, a date with dots",
        input: Input::File("grid_three_problems.csv"),
        rows: 4,
        want: &[
            cell(2, 3, "phone", "invalid_phone"),
            cell(3, 4, "phone", "invalid_phone"),
            cell(4, 5, "DOB", "invalid_date"),
        ],
    },
    Case {
        what: "a phone (after normalising), an email and a userName (any case) and an externalId repeated: both rows flagged",
        input: Input::File("duplicates_across_rows.csv"),
        rows: 5,
        want: &[
            cell(1, 2, "phone", DUP),
            cell(1, 2, "email", DUP),
            cell(1, 2, "externalId", DUP),
            cell(2, 3, "phone", DUP),
            cell(2, 3, "userName", DUP),
            cell(3, 4, "email", DUP),
            cell(3, 4, "userName", DUP),
            cell(4, 5, "externalId", DUP),
            cell(5, 6, "phone", DUP),
        ],
    },
    Case {
        what: "header: unknown columns, a repeated column and the missing firstName are each reported on line 1",
        input: Input::File("header_unknown_duplicate_missing.csv"),
        rows: 1,
        want: &[
            file_at(1, "unknown_column"),
            file_at(1, "unknown_column"),
            file_at(1, "duplicate_column"),
            file_at(1, "missing_column"),
        ],
    },
    Case {
        what: "quoted commas and line breaks (LF and CRLF) stay in their cell; a later row's line counts them",
        input: Input::File("quoted_commas_and_line_breaks.csv"),
        rows: 3,
        want: &[cell(3, 7, "roles", "unknown_value")],
    },
    Case {
        what: "BOM, CRLF and Devanagari: the header matches, lines count CRLF once, Devanagari digits are no name",
        input: Input::File("crlf_bom_devanagari.csv"),
        rows: 4,
        want: &[cell(2, 3, "gender", "invalid_gender"), cell(3, 4, "firstName", "invalid_name")],
    },
    Case {
        what: "an unclosed quote swallows the rest of the file: one issue on the row and line where it opens",
        input: Input::File("unterminated_quote.csv"),
        rows: 1,
        want: &[row(2, 3, "unterminated_quote")],
    },
    Case {
        what: "a quote inside an unquoted cell, or text after a closing quote, is a stray quote; the cell is still checked",
        input: Input::File("stray_quote.csv"),
        rows: 3,
        want: &[row(1, 2, "stray_quote"), cell(1, 2, "lastName", "invalid_name"), row(2, 3, "stray_quote")],
    },
    Case {
        what: "too few and too many cells; the missing cells count as blank",
        input: Input::File("wrong_field_count.csv"),
        rows: 3,
        want: &[
            row(1, 2, "wrong_field_count"),
            cell(1, 2, "phone", "phone_or_email_required"),
            cell(1, 2, "phone", "user_name_or_phone_required"),
            row(2, 3, "wrong_field_count"),
        ],
    },
    Case {
        what: "Excel's \"CSV (Comma delimited)\": Latin-1 bytes are read as Windows-1252, with one warning on the line they start",
        input: Input::File("invalid_utf8_latin1.csv"),
        rows: 3,
        want: &[file_at(2, "windows_1252")],
    },
    Case {
        what: "an .xlsx renamed to .csv is not a CSV, and nothing else is said about it",
        input: Input::File("xlsx_renamed.csv"),
        rows: 0,
        want: &[file("not_csv")],
    },
    Case {
        what: "UTF-16LE with a BOM (Excel's \"Unicode Text\") is read like its UTF-8 twin",
        input: Input::File("utf16le_bom.csv"),
        rows: 1,
        want: &[],
    },
    Case { what: "a file of 0 bytes is empty", input: Input::File("empty.csv"), rows: 0, want: &[file("empty_file")] },
    Case {
        what: "a header and nothing else has no data rows",
        input: Input::File("header_only.csv"),
        rows: 0,
        want: &[file_at(1, "no_data_rows")],
    },
    Case {
        what: "rows of only commas and blanks are no data rows",
        input: Input::File("blank_rows_only_commas.csv"),
        rows: 0,
        want: &[file_at(1, "no_data_rows")],
    },
    Case {
        what: "cells starting = + - @ (even after blanks) are formula warnings; a +91 phone is not; the file stays clean",
        input: Input::File("formula_cells.csv"),
        rows: 3,
        want: &[
            cell(1, 2, "position", "formula_like"),
            cell(2, 3, "location", "formula_like"),
            cell(2, 3, "profileSummary", "formula_like"),
            cell(3, 4, "position", "formula_like"),
            cell(3, 4, "location", "formula_like"),
        ],
    },
    Case {
        what: "a good password is a warning; a common, short or formula-like one is reported too",
        input: Input::File("password_given.csv"),
        rows: 5,
        want: &[
            cell(1, 2, "password", "password_in_file"),
            cell(2, 3, "password", "common_password"),
            cell(3, 4, "password", "too_short"),
            cell(5, 6, "password", "formula_like"),
            cell(5, 6, "password", "password_in_file"),
        ],
    },
    Case {
        what: "externalId needs type and provider unless userName is given and both are blank; externalIds is JSON",
        input: Input::File("external_ids.csv"),
        rows: 10,
        want: &[
            cell(3, 4, "externalIdType", "external_id_incomplete"),
            cell(4, 5, "externalId", "external_id_incomplete"),
            cell(5, 6, "externalIds", "invalid_external_ids"),
            cell(6, 7, "externalIds", "invalid_external_ids"),
            cell(7, 8, "externalIds", "invalid_external_ids"),
            cell(9, 10, "externalIdProvider", "external_id_incomplete"),
        ],
    },
    Case {
        what: "more rows than max_rows (3) is ONE file-level issue on the first row past it; later rows are still checked",
        input: Input::File("too_many_rows_limit3.csv"),
        rows: 5,
        want: &[file_at(5, "too_many_rows"), cell(5, 6, "phone", "invalid_phone")],
    },
    Case {
        what: "BOM, CRLF, a blank row (not counted) and a quoted CRLF inside a name, which no name may hold",
        input: Input::File("three_rows_crlf_bom_blank_row.csv"),
        rows: 3,
        want: &[cell(2, 4, "firstName", "invalid_name")],
    },
    Case {
        what: "the admin page's clean example has no issue",
        input: Input::File("admin_clean_two_rows.csv"),
        rows: 2,
        want: &[],
    },
    Case {
        what: "the admin page's known problems, including the stray quotes of an unquoted =HYPERLINK(\"…\")",
        input: Input::File("admin_known_problems.csv"),
        rows: 4,
        want: &[
            cell(1, 2, "phone", DUP),
            cell(2, 3, "phone", "invalid_phone"),
            row(3, 4, "stray_quote"),
            cell(3, 4, "firstName", "required"),
            cell(3, 4, "lastName", "invalid_name"),
            cell(3, 4, "lastName", "formula_like"),
            cell(4, 5, "phone", DUP),
            cell(4, 5, "DOB", "invalid_date"),
            cell(4, 5, "gender", "invalid_gender"),
        ],
    },
    Case {
        what: "a Sunbird 1.8+ file has phoneVerified but no provider column: no pair error on any row",
        input: Input::File("sunbird_phone_verified_without_provider.csv"),
        rows: 4,
        want: &[],
    },
    Case {
        what: "a Sunbird release's file: dob as yyyy-MM-dd (and the guide's DD-MM-YYYY), countryCode +91/91/0091/blank, lower-case dob, CRLF, blank trailing cells",
        input: Input::File("sunbird_release_dob_iso_countrycode.csv"),
        rows: 5,
        want: &[],
    },
    Case {
        what: "columns Sunbird knows but enrol does not use are one warning each on the header line; the file stays clean",
        input: Input::File("sunbird_ignored_columns.csv"),
        rows: 3,
        want: &[
            file_at(1, "ignored_column"),
            file_at(1, "ignored_column"),
            file_at(1, "ignored_column"),
            file_at(1, "ignored_column"),
            file_at(1, "ignored_column"),
            file_at(1, "ignored_column"),
        ],
    },
    Case {
        what: "webPages as Sunbird writes them (quoted JSON lists of type and url, one or two items, or empty) beside externalIds",
        input: Input::File("sunbird_webpages_json.csv"),
        rows: 4,
        want: &[],
    },
    Case {
        what: "a foreign or malformed countryCode, webPages that are no JSON list or lack a url, and an unknown column stay errors",
        input: Input::File("sunbird_bad_countrycode_webpages_unknown_column.csv"),
        rows: 5,
        want: &[
            file_at(1, "unknown_column"),
            file_at(1, "ignored_column"),
            cell(1, 2, "countryCode", "country_code_not_india"),
            cell(2, 3, "countryCode", "invalid_country_code"),
            cell(3, 4, "webPages", "invalid_web_pages"),
            cell(4, 5, "webPages", "invalid_web_pages"),
            cell(5, 6, "phone", "invalid_phone"),
            cell(5, 6, "countryCode", "country_code_not_india"),
        ],
    },
];

/// Fixtures with no fixed expectation here, and why.
const FIXTURES_WITHOUT_RULES: &[(&str, &str)] = &[(
    "nul_byte_after_first_512_bytes.csv",
    "whether a NUL past the sniffed head makes the file not_csv is a design choice; `chunking` holds that the \
     answer must not depend on chunk boundaries",
)];

#[test]
fn fixtures() {
    check(FIXTURES);
}

#[test]
fn every_fixture_has_its_expected_issues() {
    let listed: BTreeSet<&str> = FIXTURES
        .iter()
        .filter_map(|c| match c.input {
            Input::File(name) => Some(name),
            _ => None,
        })
        .chain(FIXTURES_WITHOUT_RULES.iter().map(|(name, _)| *name))
        .collect();
    let missing: Vec<String> = fixture_names().into_iter().filter(|n| !listed.contains(n.as_str())).collect();
    assert!(missing.is_empty(), "add these fixtures to rules::FIXTURES with their expected issues: {missing:?}");
    for name in listed {
        assert!(crate::support::data_dir().join(name).exists(), "{name} is listed but not in tests/data");
    }
}

macro_rules! h22 {
    () => {
        "firstName,lastName,phone,email,userName,password,provider,phoneVerified,emailVerified,roles,position,grade,\
         location,DOB,gender,language,profileSummary,subject,externalId,externalIds,externalIdType,externalIdProvider\n"
    };
}

/// One small inline file per rule of the upload sheet.
pub const INLINE: &[Case] = &[
    // The header.
    Case {
        what: "header names match case-insensitively, with blanks around them",
        input: Input::Text(" FIRSTNAME ,Phone , EMAIL\nAsha,9876543210,asha@example.in\n"),
        rows: 1,
        want: &[],
    },
    Case {
        what: "the full 22-column template header is accepted",
        input: Input::Text(concat!(h22!(), "Asha,,9876543210,,,,,,,,,,,,,,,,,,,\n")),
        rows: 1,
        want: &[],
    },
    Case {
        what: "the template's 22 columns and Sunbird's countryCode and webPages are all accepted",
        input: Input::Text(concat!(
            "firstName,lastName,phone,email,userName,password,provider,phoneVerified,emailVerified,roles,position,grade,\
             location,DOB,gender,language,profileSummary,subject,externalId,externalIds,externalIdType,externalIdProvider,\
             countryCode,webPages\n",
            "Asha,,9876543210,,,,,,,,,,,,,,,,,,,,+91,\n",
        )),
        rows: 1,
        want: &[],
    },
    Case {
        what: "Sunbird's columns that enrol does not use, in any case, are warnings; their cells are not checked",
        input: Input::Text("firstName,phone,ORGEXTERNALID,UserType,USER_TYPE,channel\nAsha,9876543210,=x,,Teacher,\n"),
        rows: 1,
        want: &[
            file_at(1, "ignored_column"),
            file_at(1, "ignored_column"),
            file_at(1, "ignored_column"),
            file_at(1, "ignored_column"),
        ],
    },
    Case {
        what: "an unknown column stays an error beside an ignored Sunbird one",
        input: Input::Text("firstName,phone,notes,orgId\nAsha,9876543210,x,o1\n"),
        rows: 1,
        want: &[file_at(1, "unknown_column"), file_at(1, "ignored_column")],
    },
    Case {
        what: "unnamed columns after the last (a spreadsheet's trailing commas) are ignored",
        input: Input::Text("firstName,phone,,\nAsha,9876543210,,\n"),
        rows: 1,
        want: &[],
    },
    Case {
        what: "a name with an inner space is an unknown column, so firstName is then missing",
        input: Input::Text("first name,phone\nAsha,9876543210\n"),
        rows: 1,
        want: &[file_at(1, "unknown_column"), file_at(1, "missing_column")],
    },
    Case {
        what: "no firstName column: missing_column",
        input: Input::Text("lastName,phone\nDevi,9876543210\n"),
        rows: 1,
        want: &[file_at(1, "missing_column")],
    },
    Case {
        what: "a column repeated in any case is reported per repeat, and the repeats are not checked",
        input: Input::Text("firstName,phone,Phone,PHONE\nAsha,9876543210,not a phone,x\n"),
        rows: 1,
        want: &[file_at(1, "duplicate_column"), file_at(1, "duplicate_column")],
    },
    Case {
        what: "neither a phone nor an email column: missing_column",
        input: Input::Text("firstName,userName\nAsha,asha.devi\n"),
        rows: 1,
        want: &[file_at(1, "missing_column")],
    },
    Case {
        what: "an email column but neither phone nor userName: missing_column (nobody could log in)",
        input: Input::Text("firstName,email\nAsha,asha@example.in\n"),
        rows: 1,
        want: &[file_at(1, "missing_column")],
    },
    Case {
        what: "blank lines before the header are skipped, and counted in line numbers",
        input: Input::Text("\r\n\r\nfirstName,phone\r\nAsha,98765\r\n"),
        rows: 1,
        want: &[cell(1, 4, "phone", "invalid_phone")],
    },
    Case {
        what: "a UTF-8 BOM is not part of the first column's name",
        input: Input::Text("\u{FEFF}firstName,phone\nRavi,98765\n"),
        rows: 1,
        want: &[cell(1, 2, "phone", "invalid_phone")],
    },
    // Lines and rows.
    Case {
        what: "LF line ends: row 2 is on line 3",
        input: Input::Text("firstName,phone\nAsha,9876543210\nRavi,98765\n"),
        rows: 2,
        want: &[cell(2, 3, "phone", "invalid_phone")],
    },
    Case {
        what: "CRLF line ends count once",
        input: Input::Text("firstName,phone\r\nAsha,9876543210\r\nRavi,98765\r\n"),
        rows: 2,
        want: &[cell(2, 3, "phone", "invalid_phone")],
    },
    Case {
        what: "a lone CR ends a line",
        input: Input::Text("firstName,phone\rAsha,9876543210\rRavi,98765\r"),
        rows: 2,
        want: &[cell(2, 3, "phone", "invalid_phone")],
    },
    Case {
        what: "the last row needs no line break",
        input: Input::Text("firstName,phone\nAsha,9876543210\nRavi,98765"),
        rows: 2,
        want: &[cell(2, 3, "phone", "invalid_phone")],
    },
    Case {
        what: "blank rows (empty, commas, blanks) are skipped and not counted; lines stay physical",
        input: Input::Text("firstName,phone\n,\nAsha,9876543210\n\n , \r\nRavi,98765\n"),
        rows: 2,
        want: &[cell(2, 6, "phone", "invalid_phone")],
    },
    Case {
        what: "a quoted comma and line break stay in the cell; the next row starts two lines on",
        input: Input::Text("firstName,location,phone\nAsha,\"Ward 5,\nShimla\",9876543210\nRavi,x,98765\n"),
        rows: 2,
        want: &[cell(2, 4, "phone", "invalid_phone")],
    },
    Case {
        what: "doubled quotes in a quoted cell are one quote (and a quote is no letter of a name)",
        input: Input::Text("firstName,lastName,phone\n\"Asha \"\"A\"\"\",Devi,9876543210\n"),
        rows: 1,
        want: &[cell(1, 2, "firstName", "invalid_name")],
    },
    Case {
        what: "an unclosed quote in the header is that one issue (the file is not empty)",
        input: Input::Text("\"firstName,phone\nAsha,9876543210\n"),
        rows: 0,
        want: &[file_at(1, "unterminated_quote")],
    },
    // The file as a whole.
    Case {
        what: "only line breaks: empty_file",
        input: Input::Text("\n\r\n\r\n"),
        rows: 0,
        want: &[file("empty_file")],
    },
    Case {
        what: "only commas and blanks: empty_file",
        input: Input::Text(",,,\n , \n"),
        rows: 0,
        want: &[file("empty_file")],
    },
    Case {
        what: "a header without a line break and nothing after it: no_data_rows on its line",
        input: Input::Text("firstName,phone"),
        rows: 0,
        want: &[file_at(1, "no_data_rows")],
    },
    Case {
        what: "a header on line 3, then only blank rows: no_data_rows on line 3",
        input: Input::Text("\n\nfirstName,phone\n,\n"),
        rows: 0,
        want: &[file_at(3, "no_data_rows")],
    },
    Case {
        what: "UTF-16 big-endian with a BOM is text too (a header alone: no data rows on line 1)",
        input: Input::Bytes(b"\xFE\xFF\x00f\x00i\x00r\x00s\x00t\x00N\x00a\x00m\x00e\x00,\x00p\x00h\x00o\x00n\x00e\x00\n"),
        rows: 0,
        want: &[file_at(1, "no_data_rows")],
    },
    Case {
        what: "a file that is UTF-8 (Devanagari) before its first bad byte stays UTF-8: the bad cell is invalid_utf8",
        input: Input::Bytes(b"firstName,lastName,phone\n\xE0\xA4\xB0\xE0\xA4\xBE\xE0\xA4\xAE,Devi,9876543210\nRen\xE9,Dupont,9876543211\n"),
        rows: 2,
        want: &[cell(2, 3, "firstName", "invalid_utf8")],
    },
    Case {
        what: "Excel's \"Unicode Text\" is tab-separated: a tab in the header line makes tabs the separator",
        input: Input::Text("firstName\tlastName\tphone\nAsha\t\"Devi, K\"\t9876543210\nRavi\t\t98765\n"),
        rows: 2,
        want: &[cell(1, 2, "lastName", "invalid_name"), cell(2, 3, "phone", "invalid_phone")],
    },
    Case {
        what: "an old .xls (OLE compound file) is not a CSV",
        input: Input::Bytes(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00\x00firstName,phone\n"),
        rows: 0,
        want: &[file("not_csv")],
    },
    Case {
        what: "a NUL byte in the head of the file: not a CSV",
        input: Input::Bytes(b"firstName,phone\nAsha\x00,9876543210\n"),
        rows: 0,
        want: &[file("not_csv")],
    },
    Case {
        what: "max_rows rows exactly is fine",
        input: Input::Limited(2, "firstName,phone\nAsha,9876543210\nRavi,9876543211\n"),
        rows: 2,
        want: &[],
    },
    Case {
        what: "two rows past max_rows (1) is still ONE too_many_rows, on the first row past it",
        input: Input::Limited(1, "firstName,phone\nAsha,9876543210\n\nRavi,9876543211\nMeena,98765\n"),
        rows: 3,
        want: &[file_at(4, "too_many_rows"), cell(3, 5, "phone", "invalid_phone")],
    },
    // Encoding.
    Case {
        what: "invalid UTF-8 (after UTF-8 text) names its column and line; the other cells are still checked",
        input: Input::Bytes(b"firstName,lastName,phone\nAsha,D\xC3\xA9vi,9876543210\nRen\xE9,Dupont,98765\n"),
        rows: 2,
        want: &[cell(2, 3, "firstName", "invalid_utf8"), cell(2, 3, "phone", "invalid_phone")],
    },
    Case {
        what: "a character split across two cells (of a UTF-8 file) is invalid in both, though the bytes together are UTF-8",
        input: Input::Bytes(b"firstName,lastName,phone\nD\xC3\xA9vi,K,9876543211\n\xC3,\xA9,9876543210\n"),
        rows: 2,
        want: &[cell(2, 3, "firstName", "invalid_utf8"), cell(2, 3, "lastName", "invalid_utf8")],
    },
    // Names.
    Case {
        what: "names: any script, spaces, . ' - are fine; lastName may be blank",
        input: Input::Text(
            "firstName,lastName,phone\nमीना,कुमारी,9876543210\nதமிழ்,,9876543211\nAnne-Marie,D'Souza,9876543212\nDr. Rao,Zoë,9876543213\n",
        ),
        rows: 4,
        want: &[],
    },
    Case {
        what: "names: a bidirectional control or another invisible character has its own code; Indic joiners pass",
        input: Input::Text(concat!(
            "firstName,lastName,phone\n",
            "Asha \u{202E}exe.pdf,Devi,9876543210\n",
            "Ravi,Ku\u{200B}mar,9876543211\n",
            "क्\u{200D}षमा,सूर्\u{200C}या,9876543212\n",
        )),
        rows: 3,
        want: &[cell(1, 2, "firstName", "invisible_character"), cell(2, 3, "lastName", "invisible_character")],
    },
    Case {
        what: "names: blank firstName is required; digits and symbols are invalid; 51 characters too long",
        input: Input::Text(concat!(
            "firstName,lastName,phone\n",
            " ,Devi,9876543210\n",
            "Asha1,Devi,9876543211\n",
            "Asha,a@b,9876543212\n",
            "१२३,Devi,9876543213\n",
            "Asha,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,9876543214\n",
        )),
        rows: 5,
        want: &[
            cell(1, 2, "firstName", "required"),
            cell(2, 3, "firstName", "invalid_name"),
            cell(3, 4, "lastName", "invalid_name"),
            cell(4, 5, "firstName", "invalid_name"),
            cell(5, 6, "lastName", "too_long"),
        ],
    },
    // Phones.
    Case {
        what: "phones: +91, 91 and 0 prefixes, spaces, hyphens and brackets are normalised away",
        input: Input::Text(concat!(
            "firstName,phone\n",
            "A,+91 98765-43210\n",
            "B,919876543211\n",
            "C,09876543212\n",
            "D,+91-(987) 654 3213\n",
            "E,6000000004\n",
            "F, 7000000005 \n",
        )),
        rows: 6,
        want: &[],
    },
    Case {
        what: "phones: starting with 5, too short, too long, another country, Excel's 9.87654E+09: invalid, no formula warning",
        input: Input::Text(concat!(
            "firstName,phone\n",
            "A,5876543210\n",
            "B,98765\n",
            "C,98765432101\n",
            "D,+1 9876543210\n",
            "E,9.87654E+09\n",
            "F,+91 5876543210\n",
            "G,0091 9876543210\n",
        )),
        rows: 7,
        want: &[
            cell(1, 2, "phone", "invalid_phone"),
            cell(2, 3, "phone", "invalid_phone"),
            cell(3, 4, "phone", "invalid_phone"),
            cell(4, 5, "phone", "invalid_phone"),
            cell(5, 6, "phone", "invalid_phone"),
            cell(6, 7, "phone", "invalid_phone"),
            cell(7, 8, "phone", "invalid_phone"),
        ],
    },
    Case {
        what: "countryCode: +91, 91, 0091 and blank pass (no formula warning); another country's code is an error, malformed ones too",
        input: Input::Text(concat!(
            "firstName,phone,countryCode\n",
            "A,9876543210,+91\n",
            "B,9876543211,91\n",
            "C,9876543212,0091\n",
            "D,9876543213,\n",
            "E,9876543214,+44\n",
            "F,,+1\n",
            "G,9876543216,IN\n",
            "H,9876543217,+9 1\n",
            "I,9876543218,091\n",
            "J,98765,+91\n",
        )),
        rows: 10,
        want: &[
            cell(5, 6, "countryCode", "country_code_not_india"),
            cell(6, 7, "phone", "phone_or_email_required"),
            cell(6, 7, "phone", "user_name_or_phone_required"),
            cell(6, 7, "countryCode", "country_code_not_india"),
            cell(7, 8, "countryCode", "invalid_country_code"),
            cell(8, 9, "countryCode", "invalid_country_code"),
            cell(9, 10, "countryCode", "invalid_country_code"),
            cell(10, 11, "phone", "invalid_phone"),
        ],
    },
    // Email and userName.
    Case {
        what: "emails: the usual forms pass, malformed ones fail, more than 128 characters is too long",
        input: Input::Text(concat!(
            "firstName,phone,email\n",
            "A,9876543210,First.Last+tag@gram-panchayat.gov.in\n",
            "B,9876543211,a@b\n",
            "C,9876543212,ab.in\n",
            "D,9876543213,a b@c.in\n",
            "E,9876543214,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com\n",
        )),
        rows: 5,
        want: &[
            cell(2, 3, "email", "invalid_email"),
            cell(3, 4, "email", "invalid_email"),
            cell(4, 5, "email", "invalid_email"),
            cell(5, 6, "email", "too_long"),
        ],
    },
    Case {
        what: "userNames: 4 to 64 of letters, digits and . _ - @",
        input: Input::Text(concat!(
            "firstName,phone,userName\n",
            "A,9876543210,ravi.k_01@gp\n",
            "B,9876543211,abc\n",
            "C,9876543212,ravi kumar\n",
            "D,9876543213,uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu\n",
        )),
        rows: 4,
        want: &[
            cell(2, 3, "userName", "too_short"),
            cell(3, 4, "userName", "invalid_user_name"),
            cell(4, 5, "userName", "too_long"),
        ],
    },
    // Who can log in.
    Case {
        what: "neither phone nor email: phone_or_email_required, on the phone column",
        input: Input::Text("firstName,phone,email,userName\nAsha,,,asha.devi\n"),
        rows: 1,
        want: &[cell(1, 2, "phone", "phone_or_email_required")],
    },
    Case {
        what: "neither phone nor email, and the file has no phone column: on the email column",
        input: Input::Text("firstName,email,userName\nAsha,,asha.devi\n"),
        rows: 1,
        want: &[cell(1, 2, "email", "phone_or_email_required")],
    },
    Case {
        what: "neither userName nor phone: user_name_or_phone_required, on the userName column",
        input: Input::Text("firstName,phone,email,userName\nAsha,,asha@example.in,\n"),
        rows: 1,
        want: &[cell(1, 2, "userName", "user_name_or_phone_required")],
    },
    Case {
        what: "no phone, email or userName: both rules fire",
        input: Input::Text("firstName,phone,email,userName\nAsha,,,\n"),
        rows: 1,
        want: &[cell(1, 2, "phone", "phone_or_email_required"), cell(1, 2, "userName", "user_name_or_phone_required")],
    },
    Case {
        what: "a wrong phone is still a phone given: only invalid_phone",
        input: Input::Text("firstName,phone,email,userName\nAsha,98765,,\n"),
        rows: 1,
        want: &[cell(1, 2, "phone", "invalid_phone")],
    },
    Case {
        what: "provider and phoneVerified go together: the blank one of the pair is named",
        input: Input::Text(concat!(
            "firstName,phone,provider,phoneVerified\n",
            "A,9876543210,state,\n",
            "B,9876543211,,TRUE\n",
            "C,9876543212,state,false\n",
            "D,9876543213,,\n",
        )),
        rows: 4,
        want: &[
            cell(1, 2, "phoneVerified", "provider_phone_verified_pair"),
            cell(2, 3, "provider", "provider_phone_verified_pair"),
        ],
    },
    Case {
        what: "phoneVerified without a provider column (Sunbird's files since 1.8) is no pair to complete",
        input: Input::Text("firstName,phone,phoneVerified\nA,9876543210,TRUE\nB,9876543211,\n"),
        rows: 2,
        want: &[],
    },
    Case {
        what: "provider without a phoneVerified column is no pair to complete either",
        input: Input::Text("firstName,phone,provider\nA,9876543210,state\n"),
        rows: 1,
        want: &[],
    },
    // Values from lists and formats.
    Case {
        what: "booleans: TRUE and FALSE in any case, blank allowed; anything else is invalid",
        input: Input::Text(concat!(
            "firstName,phone,emailVerified\n",
            "A,9876543210,TRUE\n",
            "B,9876543211,false\n",
            "C,9876543212,tRuE\n",
            "D,9876543213, FALSE \n",
            "E,9876543214,yes\n",
            "F,9876543215,1\n",
            "G,9876543216,\n",
        )),
        rows: 7,
        want: &[cell(5, 6, "emailVerified", "invalid_boolean"), cell(6, 7, "emailVerified", "invalid_boolean")],
    },
    Case {
        what: "roles, grade, language, subject: known values in any case pass, unknown ones are flagged",
        input: Input::Text(concat!(
            "firstName,phone,roles,grade,language,subject\n",
            "A,9876543210,\"content_creator, PUBLIC\",class 10,HINDI,environmental studies\n",
            "B,9876543211,\"CONTENT_CREATOR, Teacher\",Class 13,Klingon,Astrology\n",
        )),
        rows: 2,
        want: &[
            cell(2, 3, "roles", "unknown_value"),
            cell(2, 3, "grade", "unknown_value"),
            cell(2, 3, "language", "unknown_value"),
            cell(2, 3, "subject", "unknown_value"),
        ],
    },
    Case {
        what: "DOB: DD-MM-YYYY, DD/MM/YYYY and Sunbird's YYYY-MM-DD, leap days, today; 31-02, 29-02 of a common year, 1899, dots, a two-digit year are invalid; after today is in the future",
        input: Input::Text(concat!(
            "firstName,phone,DOB\n",
            "A,9876543210,01-02-1990\n",
            "B,9876543211,01/02/1990\n",
            "C,9876543212,1-2-1990\n",
            "D,9876543213,29-02-2024\n",
            "E,9876543214,24-11-2026\n",
            "F,9876543215,31-02-2000\n",
            "G,9876543216,29-02-2023\n",
            "H,9876543217,1990-02-01\n",
            "I,9876543218,01-01-1899\n",
            "J,9876543219,01.02.1990\n",
            "K,9876543220,25-11-2026\n",
            "L,9876543221,01/01/2027\n",
            "M,9876543222,2024-02-29\n",
            "N,9876543223,2026-02-30\n",
            "O,9876543224,2023-02-29\n",
            "P,9876543225,2026-11-25\n",
            "Q,9876543226,01-02-90\n",
        )),
        rows: 17,
        want: &[
            cell(6, 7, "DOB", "invalid_date"),
            cell(7, 8, "DOB", "invalid_date"),
            cell(9, 10, "DOB", "invalid_date"),
            cell(10, 11, "DOB", "invalid_date"),
            cell(11, 12, "DOB", "date_in_future"),
            cell(12, 13, "DOB", "date_in_future"),
            cell(14, 15, "DOB", "invalid_date"),
            cell(15, 16, "DOB", "invalid_date"),
            cell(16, 17, "DOB", "date_in_future"),
            cell(17, 18, "DOB", "invalid_date"),
        ],
    },
    Case {
        what: "gender: Male, Female, Transgender, Other in any case; abbreviations are invalid",
        input: Input::Text(concat!(
            "firstName,phone,gender\n",
            "A,9876543210,FEMALE\n",
            "B,9876543211,male\n",
            "C,9876543212,Other\n",
            "D,9876543213, transgender \n",
            "E,9876543214,M\n",
            "F,9876543215,f\n",
        )),
        rows: 6,
        want: &[cell(5, 6, "gender", "invalid_gender"), cell(6, 7, "gender", "invalid_gender")],
    },
    Case {
        what: "externalId alone with no type/provider columns and no userName is incomplete",
        input: Input::Text("firstName,phone,externalId\nAsha,9876543210,E1\n"),
        rows: 1,
        want: &[cell(1, 2, "externalIdType", "external_id_incomplete")],
    },
    Case {
        what: "externalId alone is fine when userName is given",
        input: Input::Text("firstName,phone,userName,externalId\nAsha,9876543210,asha.d,E1\n"),
        rows: 1,
        want: &[],
    },
    Case {
        what: "externalIds: a JSON list of complete items passes; not a list, an item short of a key, or a bad operation fail",
        input: Input::Text(concat!(
            "firstName,phone,externalIds\n",
            "A,9876543210,\"[{\"\"id\"\":\"\"s1\"\",\"\"idType\"\":\"\"state\"\",\"\"provider\"\":\"\"pb\"\",\"\"operation\"\":\"\"EDIT\"\"}]\"\n",
            "B,9876543211,\"{\"\"id\"\":\"\"s1\"\"}\"\n",
            "C,9876543212,\"[{\"\"id\"\":\"\"s1\"\",\"\"idType\"\":\"\"\"\",\"\"provider\"\":\"\"pb\"\",\"\"operation\"\":\"\"ADD\"\"}]\"\n",
            "D,9876543213,not json\n",
        )),
        rows: 4,
        want: &[
            cell(2, 3, "externalIds", "invalid_external_ids"),
            cell(3, 4, "externalIds", "invalid_external_ids"),
            cell(4, 5, "externalIds", "invalid_external_ids"),
        ],
    },
    Case {
        what: "webPages: a JSON list of items with type and url passes; not a list, an item short of a key, a url with a blank fail",
        input: Input::Text(concat!(
            "firstName,phone,webPages\n",
            "A,9876543210,\"[{\"\"type\"\":\"\"fb\"\",\"\"url\"\":\"\"https://www.facebook.com/a\"\"}]\"\n",
            "B,9876543211,\"{\"\"type\"\":\"\"fb\"\",\"\"url\"\":\"\"https://www.facebook.com/b\"\"}\"\n",
            "C,9876543212,\"[{\"\"type\"\":\"\"fb\"\"}]\"\n",
            "D,9876543213,\"[{\"\"type\"\":\"\"fb\"\",\"\"url\"\":\"\"https://www.facebook.com/d d\"\"}]\"\n",
            "E,9876543214,https://www.facebook.com/e\n",
            "F,9876543215,[]\n",
        )),
        rows: 6,
        want: &[
            cell(2, 3, "webPages", "invalid_web_pages"),
            cell(3, 4, "webPages", "invalid_web_pages"),
            cell(4, 5, "webPages", "invalid_web_pages"),
            cell(5, 6, "webPages", "invalid_web_pages"),
        ],
    },
    // Duplicates.
    Case {
        what: "the same phone on three rows: the first names the second; the others name the first",
        input: Input::Text("firstName,phone\nA,9876543210\nB,+91 98765 43210\nC,919876543210\n"),
        rows: 3,
        want: &[cell(1, 2, "phone", DUP), cell(2, 3, "phone", DUP), cell(3, 4, "phone", DUP)],
    },
    Case {
        what: "a row holding two values, each repeated on a different later row, is flagged for both",
        input: Input::Text(concat!(
            "firstName,phone,email\n",
            "A,9876543210,a@example.in\n",
            "B,9876543210,b@example.in\n",
            "C,9876543212,a@example.in\n",
        )),
        rows: 3,
        want: &[cell(1, 2, "phone", DUP), cell(1, 2, "email", DUP), cell(2, 3, "phone", DUP), cell(3, 4, "email", DUP)],
    },
    Case {
        what: "a row that already has an error is counted once in rows_with_errors when a later duplicate flags it",
        input: Input::Text("firstName,phone\nAsha1,9876543210\nRavi,98765\nMeena,+91 98765 43210\n"),
        rows: 3,
        want: &[
            cell(1, 2, "firstName", "invalid_name"),
            cell(1, 2, "phone", DUP),
            cell(2, 3, "phone", "invalid_phone"),
            cell(3, 4, "phone", DUP),
        ],
    },
    Case {
        what: "blank, invalid and cross-column equal values are not duplicates",
        input: Input::Text(concat!(
            "firstName,phone,email,userName\n",
            "A,98765,,asha@example.in\n",
            "B,98765,asha@example.in,\n",
        )),
        rows: 2,
        want: &[cell(1, 2, "phone", "invalid_phone"), cell(2, 3, "phone", "invalid_phone")],
    },
    // Formulas and passwords.
    Case {
        what: "= + - @ at the start of a cell are formula warnings (not inside it); the file stays clean",
        input: Input::Text(concat!(
            "firstName,phone,position\n",
            "A,9876543210,=1+1\n",
            "B,9876543211,+x\n",
            "C,9876543212,-x\n",
            "D,9876543213,@x\n",
            "E,9876543214,a=b\n",
        )),
        rows: 5,
        want: &[
            cell(1, 2, "position", "formula_like"),
            cell(2, 3, "position", "formula_like"),
            cell(3, 4, "position", "formula_like"),
            cell(4, 5, "position", "formula_like"),
        ],
    },
    Case {
        what: "full-width ＝ ＋ － ＠ and formulas behind invisible characters are formula warnings too",
        input: Input::Text(concat!(
            "firstName,phone,position\n",
            "A,9876543210,\u{FF1D}1+1\n",
            "B,9876543211,\u{FF20}SUM(A1)\n",
            "C,9876543212,\u{200B}=1+1\n",
            "D,9876543213,\u{202E}+1\n",
            "E,9876543214,a\u{FF1D}b\n",
        )),
        rows: 5,
        want: &[
            cell(1, 2, "position", "formula_like"),
            cell(2, 3, "position", "formula_like"),
            cell(3, 4, "position", "formula_like"),
            cell(4, 5, "position", "formula_like"),
        ],
    },
    Case {
        what: "a formula in a name is both an invalid name and a formula warning",
        input: Input::Text("firstName,phone\n=cmd,9876543210\n"),
        rows: 1,
        want: &[cell(1, 2, "firstName", "invalid_name"), cell(1, 2, "firstName", "formula_like")],
    },
    Case {
        what: "passwords: 8 to 64 characters (blanks count), not a common one in any case, nor one padded with blanks",
        input: Input::Text(concat!(
            "firstName,phone,password\n",
            "A,9876543210,a long passphrase\n",
            "B,9876543211,PASSWORD123\n",
            "C,9876543212,1234567\n",
            "D,9876543213, a1 b2c \n",
            "E,9876543214,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
            "F,9876543215, 123456 \n",
        )),
        rows: 6,
        want: &[
            cell(1, 2, "password", "password_in_file"),
            cell(2, 3, "password", "common_password"),
            cell(3, 4, "password", "too_short"),
            cell(4, 5, "password", "password_in_file"),
            cell(5, 6, "password", "too_long"),
            cell(6, 7, "password", "common_password"),
        ],
    },
];

#[test]
fn inline_rules() {
    check(INLINE);
}

fn issues_of<'r>(report: &'r Report, code: &str) -> Vec<&'r Issue> {
    report.issues.iter().filter(|i| i.code.as_str() == code).collect()
}

#[test]
fn unknown_column_names_itself_and_lists_every_valid_column() {
    let report = validate(config(), &fixture("header_unknown_duplicate_missing.csv"));
    let unknown: Vec<(Option<&str>, Option<&str>)> =
        issues_of(&report, "unknown_column").iter().map(|i| (i.value.as_deref(), i.param.as_deref())).collect();
    let all = valid_columns();
    assert_eq!(unknown, [(Some("First Name"), Some(all.as_str())), (Some("notes"), Some(all.as_str()))]);
    for c in Column::ALL {
        assert!(all.split(", ").any(|n| n == c.name()), "{} is not in the list of valid columns", c.name());
    }
    let json = report.to_json(Locale::EnIn);
    assert!(json.contains("Unknown column \\\"notes\\\". Valid columns are: firstName, lastName, phone"), "{json}");
    let dup = issues_of(&report, "duplicate_column");
    assert_eq!(dup.iter().map(|i| i.value.as_deref()).collect::<Vec<_>>(), [Some("phone")]);
    let missing = issues_of(&report, "missing_column");
    assert_eq!(missing.iter().map(|i| i.param.as_deref()).collect::<Vec<_>>(), [Some("firstName")]);
}

#[test]
fn duplicates_name_the_other_row_and_show_the_value_as_compared() {
    // Both rows of a pair show the same value: a phone's 10 digits, a text as the later row wrote it.
    let report = validate(config(), &fixture("duplicates_across_rows.csv"));
    let got: Vec<(u64, &str, Option<&str>, Option<&str>)> = issues_of(&report, DUP)
        .iter()
        .map(|i| (i.row.unwrap(), i.column.unwrap().name(), i.param.as_deref(), i.value.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (1, "phone", Some("2"), Some("9876543210")),
            (1, "email", Some("3"), Some("ASHA@Example.IN")),
            (1, "externalId", Some("4"), Some("EMP-1")),
            (2, "phone", Some("1"), Some("9876543210")),
            (2, "userName", Some("3"), Some("Ravi.K")),
            (3, "email", Some("1"), Some("ASHA@Example.IN")),
            (3, "userName", Some("2"), Some("Ravi.K")),
            (4, "externalId", Some("1"), Some("EMP-1")),
            (5, "phone", Some("1"), Some("9876543210")),
        ]
    );
}

#[test]
fn unknown_list_values_are_named_with_what_is_allowed() {
    let input = "firstName,phone,roles,grade,language,subject\nA,9876543210,\"PUBLIC, Teacher,principal\",Class 13,Klingon,Astrology\n";
    let report = validate(config(), input.as_bytes());
    let params: Vec<(&str, &str)> = issues_of(&report, "unknown_value")
        .iter()
        .map(|i| (i.column.unwrap().name(), i.param.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(params.len(), 4, "{params:?}");
    let named = |column: &str, unknown: &str, an_allowed_value: &str| {
        let (_, param) = params.iter().find(|(c, _)| *c == column).unwrap_or_else(|| panic!("no issue on {column}"));
        assert!(param.starts_with(&format!("{unknown} — ")), "{column}: {param}");
        assert!(param.contains(an_allowed_value), "{column}: {param} should list {an_allowed_value}");
    };
    named("roles", "\"Teacher\", \"principal\"", "CONTENT_CREATOR");
    named("grade", "\"Class 13\"", "Kindergarten");
    named("language", "\"Klingon\"", "Hindi");
    named("subject", "\"Astrology\"", "Mathematics");
}

#[test]
fn a_password_is_never_repeated_in_the_report() {
    let passwords = ["a long passphrase", "Password@123", "short1", "Tr0ub4dor&3"];
    let input = fixture("password_given.csv");
    let text = String::from_utf8(input.clone()).unwrap();
    for p in passwords {
        assert!(text.contains(p), "the fixture holds {p}");
    }
    let report = validate(config(), &input);
    for issue in report.issues.iter().filter(|i| i.column == Some(Column::Password)) {
        assert_eq!(issue.value, None, "{issue:?}");
    }
    for locale in [Locale::EnIn, Locale::HiIn] {
        let json = report.to_json(locale);
        for p in passwords {
            assert!(!json.contains(p), "{p} appears in {json}");
        }
    }
    assert_eq!(issues_of(&report, "password_in_file").len(), 2);
    assert!(!report.is_clean(), "the common and the short password are errors");
}

#[test]
fn a_password_in_a_bad_row_is_not_repeated_either() {
    // Invalid UTF-8, a stray quote and a wrong cell count: none of these issues may carry the cell.
    // (The UTF-8 `Ä` first keeps the file UTF-8: its later Latin-1 byte is no Windows-1252 text.)
    let input: &[u8] =
        b"firstName,phone,password\n\xC3\x84,9876543210,s\xE9cret-words\nB,9876543211,my\"secret-words,x\n";
    let report = validate(config(), input);
    assert_eq!(
        got(&report),
        [
            cell(1, 2, "password", "invalid_utf8"),
            row(2, 3, "wrong_field_count"),
            row(2, 3, "stray_quote"),
            cell(2, 3, "password", "password_in_file"),
        ]
    );
    let json = report.to_json(Locale::EnIn);
    assert!(!json.contains("cret-words"), "{json}");
}

#[test]
fn formula_warnings_leave_the_report_clean() {
    let report = validate(config(), &fixture("formula_cells.csv"));
    assert!(report.is_clean());
    assert_eq!((report.summary.errors, report.summary.warnings), (0, 5));
    assert!(report.issues.iter().all(|i| i.severity() == enrol_core::Severity::Warning));
    let values: Vec<Option<&str>> = report.issues.iter().map(|i| i.value.as_deref()).collect();
    assert_eq!(values, [Some("=1+1"), Some("+Delhi"), Some("- note"), Some("@SUM(A1)"), Some("@home")]);
}

#[test]
fn too_many_rows_is_one_issue_however_many_rows_are_past_the_limit() {
    let mut input = String::from("firstName,phone\n");
    for i in 0..50 {
        input.push_str(&format!("Person,{}\n", 9_000_000_000u64 + i));
    }
    input.push_str("Last,123\n");
    let mut config = config();
    config.max_rows = 3;
    let report = validate(config, input.as_bytes());
    let too_many = issues_of(&report, "too_many_rows");
    assert_eq!(too_many.len(), 1, "{too_many:?}");
    assert_eq!((too_many[0].line, too_many[0].param.as_deref()), (Some(5), Some("3")));
    assert_eq!(report.summary.rows, 51);
    assert_eq!(got(&report)[1..], [cell(51, 52, "phone", "invalid_phone")], "rows past the limit are checked");
    assert!(report.to_json(Locale::EnIn).contains("more than 3 rows"));
}

#[test]
fn invalid_utf8_shows_the_cell_with_replacement_characters() {
    let input: &[u8] = b"firstName,lastName,phone\n\xC3\x84,Devi,9876543210\nJos\xE9,Garc\xEDa,9876543211\n";
    let report = validate(config(), input);
    let values: Vec<Option<&str>> = report.issues.iter().map(|i| i.value.as_deref()).collect();
    assert_eq!(values, [Some("Jos\u{FFFD}"), Some("Garc\u{FFFD}a")]);
}

#[test]
fn windows_1252_and_utf16_files_give_the_worker_the_same_people_as_utf8() {
    let today = enrol_core::Date::new(2026, 11, 24).unwrap();
    let mobile = enrol_core::fields::MobileRule::DEFAULT;
    let names = |bytes: &[u8]| -> Vec<String> {
        enrol_core::sheet::users(bytes, today, mobile).into_iter().map(|u| u.name).collect()
    };
    assert_eq!(names(&fixture("invalid_utf8_latin1.csv")), ["René Dupont", "José García", "Asha Devi"]);
    assert_eq!(names(&fixture("utf16le_bom.csv")), ["Asha"]);
    for (flavour, twin) in [
        ("excel_csv_utf8_bom_hindi.csv", "excel_twin_hindi.csv"),
        ("excel_unicode_text_utf16le_tabs_hindi.csv", "excel_twin_hindi.csv"),
        ("excel_csv_windows1252_latin.csv", "excel_twin_latin.csv"),
    ] {
        let people = |f: &str| enrol_core::sheet::users(&fixture(f), today, mobile);
        assert_eq!(people(flavour), people(twin), "{flavour}");
    }
    assert_eq!(
        names(&fixture("excel_csv_windows1252_latin.csv"))[24..27],
        ["René Dupont", "José García", "Zoë O'Brien"]
    );
}

#[test]
fn wrong_field_count_says_how_many_cells() {
    let report = validate(config(), &fixture("wrong_field_count.csv"));
    let params: Vec<Option<&str>> =
        issues_of(&report, "wrong_field_count").iter().map(|i| i.param.as_deref()).collect();
    assert_eq!(params, [Some("2 ≠ 3"), Some("4 ≠ 3")]);
}

#[test]
fn incomplete_external_id_names_what_is_missing() {
    let report = validate(config(), &fixture("external_ids.csv"));
    let params: Vec<(u64, Option<&str>)> =
        issues_of(&report, "external_id_incomplete").iter().map(|i| (i.row.unwrap(), i.param.as_deref())).collect();
    assert_eq!(
        params,
        [(3, Some("externalIdType, externalIdProvider")), (4, Some("externalId")), (9, Some("externalIdProvider")),]
    );
}

#[test]
fn text_length_limits() {
    // (column, the most characters allowed); Devanagari counts characters, not bytes.
    for (column, max) in [("position", 100), ("location", 200), ("profileSummary", 1000)] {
        for letter in ["a", "क"] {
            let input = format!(
                "firstName,phone,{column}\nA,9876543210,{}\nB,9876543211,{}\n",
                letter.repeat(max),
                letter.repeat(max + 1)
            );
            let report = validate(config(), input.as_bytes());
            let want = [(Some(2), Some(column), "too_long", Some(max.to_string()))];
            let got: Vec<_> = report
                .issues
                .iter()
                .map(|i| (i.row, i.column.map(Column::name), i.code.as_str(), i.param.clone()))
                .collect();
            assert_eq!(got, want, "{column} with {letter}");
        }
    }
}

#[test]
fn long_values_are_shortened_to_40_characters() {
    let name = format!("{}1", "क".repeat(60));
    let input = format!("firstName,phone\n{name},9876543210\n");
    let report = validate(config(), input.as_bytes());
    let value = report.issues[0].value.as_deref().unwrap();
    assert_eq!(report.issues[0].code, Code::TooLong);
    assert_eq!(value, format!("{}…", "क".repeat(40)));
}

#[test]
fn issues_past_max_issues_are_counted_not_kept() {
    let input = "firstName,phone\nA,1\nB,2\nC,3\nD,4\nE,5\n";
    let mut config = config();
    config.max_issues = 3;
    let report = validate(config, input.as_bytes());
    assert_eq!(report.summary.errors, 5, "every issue is counted");
    assert_eq!(report.summary.rows_with_errors, 5);
    assert_eq!(report.issues.len(), 3, "{:?}", report.issues);
    let capped = issues_of(&report, "too_many_issues");
    assert_eq!(capped.len(), 1);
    assert_eq!(capped[0].param.as_deref(), Some("3"));
    assert_eq!(report.issues[0].code, Code::TooManyIssues, "file-level issues come first");
}

#[test]
fn issues_follow_the_column_order_of_the_file() {
    // Report::issues: "then by the column's place in the header": here phone is the first column.
    let report = validate(config(), b"phone,firstName\n98765,Asha1\n");
    assert_eq!(got(&report), [cell(1, 2, "phone", "invalid_phone"), cell(1, 2, "firstName", "invalid_name")]);
}

#[test]
fn json_report_shape_and_locales() {
    let report = validate(config(), &fixture("clean_ten_rows.csv"));
    assert_eq!(report.to_json(Locale::EnIn), "{\"rows\":10,\"issues\":[]}");
    let report = validate(config(), b"firstName,phone\nAsha,98765\n");
    assert_eq!(
        report.to_json(Locale::EnIn),
        "{\"rows\":1,\"issues\":[{\"row\":1,\"line\":2,\"column\":\"phone\",\"code\":\"invalid_phone\",\
         \"severity\":\"error\",\"value\":\"98765\",\"message\":\"Not a valid Indian mobile number: 10 digits \
         starting with 6, 7, 8 or 9 (a +91 prefix is fine).\"}]}"
    );
    let hindi = report.to_json(Locale::HiIn);
    assert!(hindi.contains("\"code\":\"invalid_phone\"") && hindi.contains("मान्य भारतीय मोबाइल नंबर नहीं"), "{hindi}");
}

#[test]
fn the_mobile_rule_is_the_configured_one() {
    let csv = b"firstName,phone\nAsha,1234567890\nRavi,9876543210\nMeena,+91 12345 67890\n";
    let default = validate(config(), csv);
    let phones = |r: &Report| r.issues.iter().map(|i| (i.row, i.code.as_str())).collect::<Vec<_>>();
    assert_eq!(phones(&default), [(Some(1), "invalid_phone"), (Some(3), "invalid_phone")], "6-9 by default");
    // DIGIT 2.9's rule: any 10 digits. Rows 1 and 3 are then one number: both flagged as duplicates.
    let mut digit29 = config();
    digit29.mobile = MobileRule::new(10, "0123456789").expect("a rule");
    let r = validate(digit29.clone(), csv);
    assert!(r.issues.iter().all(|i| i.code.as_str() != "invalid_phone"), "{:?}", phones(&r));
    assert_eq!(r.summary.rows_with_errors, 2, "{:?}", phones(&r));
    // The same through the validator's setter (the browser's `setMobileRule`).
    let mut v = enrol_core::Validator::new(config());
    v.set_mobile_rule(digit29.mobile);
    v.push(csv);
    assert_eq!(phones(&v.finish()), phones(&r));
}
