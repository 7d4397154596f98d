//! The editable table (`enrol_core::table`): its issues are the streaming validator's for the same data,
//! as read and after every edit, and its safe fixes change only what they may.

use crate::support::{config, config_for, fixture, fixture_names, validate};
use enrol_core::table::Rows;
use enrol_core::{Change, Code, Fix, Issue, Locale, Table, TableError, TableReader};

/// A row's issues as compared after edits: everything but the physical line (a CSV written by the table
/// puts rows on other lines than the file they came from).
fn without_lines(issues: &[Issue]) -> Vec<Issue> {
    issues.iter().filter(|i| i.row.is_some()).map(|i| Issue { line: None, ..i.clone() }).collect()
}

/// `issues` of the CSV a table wrote, with the table's row numbers: the CSV leaves out the rows that edits
/// emptied, so its row k is the table's k-th row that is still a row.
fn renumbered(table: &Table, issues: &[Issue]) -> Vec<Issue> {
    let rows: Vec<u64> =
        (1..=table.len()).filter(|&r| !table.cells(r).unwrap().iter().all(|c| c.trim().is_empty())).collect();
    let number = |n: u64| rows[n as usize - 1];
    issues
        .iter()
        .map(|i| {
            let param = match i.code {
                Code::DuplicateInFile => i.param.as_ref().map(|p| number(p.parse().unwrap()).to_string()),
                _ => i.param.clone(),
            };
            Issue { row: i.row.map(number), param, ..i.clone() }
        })
        .collect()
}

/// Fixtures whose rows the table writes back byte for byte the same data: not those whose cells were not
/// UTF-8 or were cut by a stray or unterminated quote (the table's CSV quotes them properly).
fn rewritable(name: &str) -> bool {
    let report = validate(config_for(name), &fixture(name));
    !report.issues.iter().any(|i| {
        matches!(
            i.code,
            Code::InvalidUtf8 | Code::StrayQuote | Code::UnterminatedQuote | Code::NotCsv | Code::TooManyIssues
        )
    })
}

#[test]
fn an_unedited_table_reports_what_the_stream_reports_for_every_fixture() {
    let mut compared = 0;
    for name in fixture_names() {
        let bytes = fixture(&name);
        let stream = validate(config_for(&name), &bytes);
        if stream.issues.iter().any(|i| i.code == Code::TooManyIssues) {
            continue; // past the cap the two keep different issues (see `Table::report`)
        }
        let table = Table::read(config_for(&name), &bytes);
        assert_eq!(table.report().to_json(Locale::EnIn), stream.to_json(Locale::EnIn), "{name}");
        assert_eq!(table.report().summary, stream.summary, "{name}");
        // Read in chunks of any size, the same.
        let mut r = TableReader::new(config_for(&name));
        for chunk in bytes.chunks(7) {
            r.push(chunk);
        }
        assert_eq!(r.finish().report(), table.report(), "{name} in 7-byte chunks");
        compared += 1;
    }
    assert!(compared >= 30, "only {compared} fixtures compared");
}

/// A fixed walk of edits over a table: each copies a value of one row into the same column of another
/// (making and breaking duplicates), or blanks it, or writes a wrong value.
fn edits(table: &Table, seed: u64, n: usize) -> Vec<(u64, usize, String)> {
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let rows = table.len();
    let cells = table.header().len() as u64;
    let mut out = Vec::new();
    for _ in 0..n {
        let (row, cell) = (next() % rows + 1, (next() % cells) as usize);
        let value = match next() % 4 {
            0 => String::new(),
            1 => "x@".into(),
            _ => table.cells(next() % rows + 1).unwrap().get(cell).cloned().unwrap_or_default(),
        };
        out.push((row, cell, value));
    }
    out
}

#[test]
fn after_edits_the_table_reports_what_the_stream_reports_for_the_edited_file() {
    let mut compared = 0;
    for name in fixture_names().into_iter().filter(|n| rewritable(n)) {
        let mut table = Table::read(config_for(&name), &fixture(&name));
        if table.is_empty() || table.header().is_empty() {
            continue;
        }
        for (k, (row, cell, value)) in edits(&table, 0x5EED + compared, 40).into_iter().enumerate() {
            let touched = table.set(row, cell, &value).unwrap();
            assert!(touched.contains(&row), "{name}: edit {k} touched {touched:?}");
            let fresh = validate(config_for(&name), table.to_csv(Rows::All, None).as_bytes());
            let report = table.report();
            assert_eq!(
                without_lines(&report.issues),
                renumbered(&table, &without_lines(&fresh.issues)),
                "{name}: after edit {k} (row {row}, cell {cell} = {value:?})"
            );
            assert_eq!(
                (report.summary.rows, report.summary.rows_with_errors),
                (fresh.summary.rows, fresh.summary.rows_with_errors),
                "{name}: edit {k}"
            );
            for fix in Fix::ALL {
                assert_eq!(table.fix_count(fix), table.fixes(fix).len() as u64, "{name}: edit {k}, {fix:?} counted");
            }
        }
        compared += 1;
    }
    assert!(compared >= 20, "only {compared} fixtures edited");
}

const TWO_PHONES: &str = "firstName,phone,email\n\
    Asha,98765 43210,asha@example.in\n\
    Ravi,+91 9876543210,ravi@example.in\n\
    Meena,9876543212,ASHA@example.IN\n";

#[test]
fn fixing_one_of_two_equal_phones_clears_both_issues() {
    let mut t = Table::read(config(), TWO_PHONES.as_bytes());
    let codes = |t: &Table, row| t.issues_of(row).iter().map(|i| i.code).collect::<Vec<_>>();
    assert_eq!(codes(&t, 1), [Code::DuplicateInFile, Code::DuplicateInFile], "phone with row 2, email with row 3");
    assert_eq!(codes(&t, 2), [Code::DuplicateInFile]);
    let touched = t.set(2, 1, "9876543211").unwrap();
    assert_eq!(touched, [1, 2], "the edited row and the row it no longer repeats");
    assert_eq!(codes(&t, 1), [Code::DuplicateInFile], "the email is still row 3's");
    assert_eq!(t.issues_of(1)[0].column, Some(enrol_core::Column::Email));
    assert!(codes(&t, 2).is_empty());
    // Making it equal again brings both back; an edit of the email clears the other pair.
    assert_eq!(t.set(3, 1, "09876543211").unwrap(), [1, 2, 3], "row 3 shares its email with row 1");
    assert_eq!(t.issues_of(2)[0].param.as_deref(), Some("3"));
    assert_eq!(t.issues_of(3)[0].param.as_deref(), Some("2"));
    assert_eq!(t.set(3, 2, "meena@example.in").unwrap(), [1, 2, 3], "its email was row 1's, its phone is row 2's");
    assert!(codes(&t, 1).is_empty());
    assert_eq!(t.summary().errors, 2);
}

#[test]
fn removing_a_row_clears_the_duplicate_it_made_and_restoring_brings_it_back() {
    let mut t = Table::read(config(), TWO_PHONES.as_bytes());
    let before = t.report();
    assert_eq!(t.remove(2).unwrap(), [1, 2]);
    assert!(t.is_removed(2) && t.issues_of(2).is_empty());
    assert_eq!(t.summary().rows, 2);
    assert_eq!(t.set(2, 0, "x"), Err(TableError::RowRemoved(2)));
    assert_eq!(t.to_csv(Rows::All, None).lines().count(), 3, "the header and rows 1 and 3");
    assert!(t.undo().unwrap(), "the removal is taken back");
    assert_eq!(t.report(), before);
    assert!(!t.undo().unwrap() && !t.can_undo(), "nothing more to undo");
    let mut empty = Table::read(config(), b"firstName,phone\nAsha,9876543210\n");
    empty.remove(1).unwrap();
    assert_eq!(empty.report().issues.iter().map(|i| i.code).collect::<Vec<_>>(), [Code::NoDataRows]);
}

#[test]
fn edits_that_name_no_cell_are_refused_with_the_reason() {
    let mut t = Table::read(config(), TWO_PHONES.as_bytes());
    let wrong = vec![
        Change { row: 1, cell: 0, before: "Asha".into(), after: "Asha K".into() },
        Change { row: 7, cell: 0, before: String::new(), after: "x".into() },
    ];
    assert_eq!(t.apply(wrong), Err(TableError::NoSuchRow(7)));
    assert_eq!(t.cells(1).unwrap()[0], "Asha", "what was applied before the wrong change is taken back");
    assert!(!t.can_undo());
    assert_eq!(t.set(0, 0, "x"), Err(TableError::NoSuchRow(0)));
    assert_eq!(t.set(4, 0, "x"), Err(TableError::NoSuchRow(4)));
    assert_eq!(t.set(1, 3, "x"), Err(TableError::NoSuchColumn(3)));
    assert_eq!(t.replacements(0, "", "x"), Err(TableError::EmptyFind));
    assert_eq!(t.remove(9), Err(TableError::NoSuchRow(9)));
    assert_eq!(TableError::NoSuchColumn(3).to_string(), "there is no column 3 (0-based) in the header");
}

#[test]
fn a_short_row_gets_blank_cells_up_to_the_edited_one() {
    let mut t = Table::read(config(), b"firstName,lastName,phone\nAsha\n");
    assert_eq!(t.issues_of(1)[0].code, Code::WrongFieldCount);
    t.set(1, 2, "9876543210").unwrap();
    assert_eq!(t.cells(1).unwrap(), ["Asha", "", "9876543210"]);
    assert!(t.issues_of(1).is_empty());
}

const FIXABLE: &str = "firstName,phone,DOB,phoneVerified,provider,gender,roles\n\
    \u{20}Asha ,+91 98765-43210,12/10/1992,yes,state,female,content_creator\n\
    Ravi,0091 98765 43211,12.10.1992,N,state,MALE,BOOK_CREATOR\n\
    Meena,(0) 98765-43212,1992-10-12,1,state,Other,\"content_creator, book_reviewer\"\n\
    Kumar,987654321,33889,True,state,x,\"content_creator, nobody\"\n\
    Sita,9876543214,12-10-1992,TRUE,state,Male,CONTENT_CREATOR\n\
    Gita,9876543215,2-3-92,maybe,state,,\n\
    Hari,9876543216,1992,FALSE,state,Male,CONTENT_CREATOR\n";

fn fixes(t: &Table, fix: Fix) -> Vec<(u64, String, String)> {
    t.fixes(fix).into_iter().map(|c| (c.row, c.before, c.after)).collect()
}

fn owned(v: &[(u64, &str, &str)]) -> Vec<(u64, String, String)> {
    v.iter().map(|&(r, b, a)| (r, b.to_string(), a.to_string())).collect()
}

#[test]
fn each_safe_fix_changes_only_what_has_one_reading() {
    let t = Table::read(config(), FIXABLE.as_bytes());
    assert_eq!(fixes(&t, Fix::Trim), owned(&[(1, " Asha ", "Asha")]));
    assert_eq!(
        fixes(&t, Fix::Phone),
        owned(&[
            (1, "+91 98765-43210", "9876543210"),
            (2, "0091 98765 43211", "9876543211"),
            (3, "(0) 98765-43212", "9876543212"),
        ]),
        "a 9-digit phone is not fixed"
    );
    assert_eq!(
        fixes(&t, Fix::Date),
        owned(&[
            (1, "12/10/1992", "12-10-1992"),
            (2, "12.10.1992", "12-10-1992"),
            (3, "1992-10-12", "12-10-1992"),
            (4, "33889", "12-10-1992"),
        ]),
        "a two-digit year is not guessed, nor a year alone"
    );
    assert_eq!(
        fixes(&t, Fix::Boolean),
        owned(&[(1, "yes", "TRUE"), (2, "N", "FALSE"), (3, "1", "TRUE"), (4, "True", "TRUE")]),
        "'maybe' is left"
    );
    assert_eq!(
        fixes(&t, Fix::List),
        owned(&[
            (1, "female", "Female"),
            (1, "content_creator", "CONTENT_CREATOR"),
            (2, "MALE", "Male"),
            (3, "content_creator, book_reviewer", "CONTENT_CREATOR, BOOK_REVIEWER"),
        ]),
        "an unknown value leaves its whole cell alone"
    );
}

#[test]
fn applying_a_fix_re_checks_and_undo_gives_back_the_table_as_it_was() {
    let mut t = Table::read(config(), FIXABLE.as_bytes());
    let before = t.report();
    let phone_issues = |t: &Table| t.report().issues.iter().filter(|i| i.code == Code::InvalidPhone).count();
    assert_eq!(phone_issues(&t), 2, "0091… and the 9-digit one");
    for fix in Fix::ALL {
        assert_eq!(t.fix_count(fix), t.fixes(fix).len() as u64, "{fix:?} counted as it would apply");
        t.apply(t.fixes(fix)).unwrap();
        assert!(t.fixes(fix).is_empty(), "{fix:?} applied twice changes nothing more");
        assert_eq!(t.fix_count(fix), 0, "{fix:?}: the count follows");
    }
    assert_eq!(phone_issues(&t), 1, "only the 9-digit phone is left");
    assert_eq!(t.cells(4).unwrap()[2], "12-10-1992");
    let fresh = validate(config(), t.to_csv(Rows::All, None).as_bytes());
    assert_eq!(without_lines(&t.report().issues), without_lines(&fresh.issues));
    t.edit(4, 1, "9876543213").unwrap();
    assert_eq!(phone_issues(&t), 0);
    t.remove(6).unwrap();
    while t.undo().unwrap() {}
    assert_eq!(t.report(), before, "undone step by step: the edit, the removal, then each fix");
    for fix in Fix::ALL {
        assert_eq!(t.fix_count(fix), t.fixes(fix).len() as u64, "{fix:?} counted again after undo");
    }
    assert_eq!(t.to_csv(Rows::All, None), Table::read(config(), FIXABLE.as_bytes()).to_csv(Rows::All, None));
}

#[test]
fn find_and_replace_stays_in_its_column() {
    let mut t = Table::read(config(), b"firstName,lastName\nAsha,Asha\nRavi,Ashaben\n");
    let changes = t.replacements(1, "Asha", "Devi").unwrap();
    assert_eq!(changes.len(), 2);
    t.apply(changes).unwrap();
    assert_eq!(t.cells(1).unwrap(), ["Asha", "Devi"]);
    assert_eq!(t.cells(2).unwrap(), ["Ravi", "Deviben"]);
    assert_eq!(t.replacements(5, "a", "b"), Err(TableError::NoSuchColumn(5)));
}

#[test]
fn the_csv_written_back_holds_the_rows_asked_for_and_their_problems_in_the_language_chosen() {
    let file =
        "firstName,phone,location\nAsha,9876543210,\"Ward 5, \"\"Old\"\" Nabha\"\nRavi,12345\nDevi,9876543211,\n";
    let t = Table::read(config(), file.as_bytes());
    let clean = "firstName,phone,location\r\nAsha,9876543210,\"Ward 5, \"\"Old\"\" Nabha\"\r\nDevi,9876543211,\r\n";
    assert_eq!(t.to_csv(Rows::WithoutErrors, None), clean);
    assert_eq!(t.row_numbers(Rows::WithoutErrors), [1, 3], "the rows it writes, by their numbers in the file");
    assert_eq!(t.row_numbers(Rows::WithErrors), [2]);
    assert_eq!(t.row_numbers(Rows::All), [1, 2, 3]);
    let mut removed = Table::read(config(), file.as_bytes());
    removed.remove(1).unwrap();
    assert_eq!(removed.row_numbers(Rows::All), [2, 3], "a removed row is not written, the others keep their numbers");
    assert_eq!(
        t.to_csv(Rows::WithErrors, None),
        "firstName,phone,location\r\nRavi,12345\r\n",
        "a short row stays short"
    );
    let en = t.to_csv(Rows::All, Some(Locale::EnIn));
    assert!(en.contains("\r\nRavi,12345,,\"This row has 2 ≠ 3 cells"), "{en}");
    assert!(
        en.contains(
            "cells; the header has a different number. Check for a missing or extra comma.; phone: Not a valid"
        ),
        "{en}"
    );
    assert!(en.starts_with("firstName,phone,location,Problems\r\n"), "{en}");
    let hi = t.to_csv(Rows::All, Some(Locale::HiIn));
    assert!(hi.starts_with("firstName,phone,location,समस्याएँ\r\n"), "{hi}");
    assert!(hi.lines().nth(2).unwrap().contains("अंक"), "{hi}");
}

#[test]
fn past_the_cap_the_report_keeps_its_first_issues_and_says_there_are_more() {
    let mut cap3 = config();
    cap3.max_issues = 3;
    let t = Table::read(cap3, b"firstName,phone\n,1\n,2\n,3\n");
    let report = t.report();
    let codes: Vec<Code> = report.issues.iter().map(|i| i.code).collect();
    assert_eq!(codes, [Code::TooManyIssues, Code::Required, Code::InvalidPhone]);
    assert_eq!(report.summary.errors, 6, "the totals count every issue");
}

/// Another tenant's rules (its roles, a row limit) after edits: the table keeps the edits and Undo, and judges
/// every row as the stream judges the edited file under those rules.
#[test]
fn other_rules_keep_the_edits_and_judge_every_row_again() {
    const FILE: &str = "firstName,phone,roles\n\
        Asha,9876543210,EMPLOYEE\n\
        Ravi,9876543211,GP_ADMIN\n\
        Meena,98765,EMPLOYEE\n";
    let mut t = Table::read(config(), FILE.as_bytes());
    t.edit(3, 1, "9876543212").unwrap();
    assert_eq!(t.summary().errors, 0, "the default rules take any role");
    let mut other = config();
    other.set_allowed("roles", vec!["EMPLOYEE".to_string()]).unwrap();
    other.max_rows = 2;
    t.reconfigure(other.clone());
    assert_eq!(t.cells(3).unwrap()[1], "9876543212", "the edit is kept");
    let fresh = validate(other, t.to_csv(Rows::All, None).as_bytes());
    assert_eq!(without_lines(&t.report().issues), without_lines(&fresh.issues));
    assert_eq!(t.report().summary, fresh.summary);
    let codes: Vec<Code> = t.report().issues.iter().map(|i| i.code).collect();
    assert!(codes.contains(&Code::TooManyRows) && codes.contains(&Code::UnknownValue), "{codes:?}");
    assert!(t.undo().unwrap(), "the edit can still be taken back");
    assert_eq!(t.cells(3).unwrap()[1], "98765");
}
