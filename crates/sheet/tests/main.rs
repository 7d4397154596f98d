//! The spreadsheet reader on workbooks written by a real xlsx writer (scripts/fixtures/spreadsheets.py):
//! what a spreadsheet does to data comes out as a person would expect, and a sheet's verdict is the verdict
//! of the same data written as CSV. Each test of a format runs where its feature is on (`xls`, `xlsx`, `ods`), and
//! a format left out is refused with `Unsupported`.

use enrol_core::mapping::{propose, remap};
use enrol_core::{Config, Date, Locale, Validator};
use enrol_sheet::{NoteCode, SheetError, SheetInfo, Workbook, column_letter};

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn today() -> Date {
    Date::new(2026, 11, 24).unwrap()
}

fn report(csv: &[u8]) -> String {
    let mut v = Validator::new(Config::new(today()));
    v.push(csv);
    v.finish().to_json(Locale::EnIn)
}

#[cfg(feature = "xlsx")]
#[test]
fn sheets_are_listed_with_their_rows_and_the_hidden_one_is_never_proposed() {
    let mut book = Workbook::open(fixture("office_staff_list.xlsx")).unwrap();
    let info = |name: &str, rows, hidden| SheetInfo { name: name.into(), rows, hidden };
    assert_eq!(book.sheets(), [info("Notes", 1, false), info("Old", 2, true), info("Staff", 6, false)]);
    let (index, proposal) = book.propose_sheet(today()).unwrap();
    assert_eq!((index, proposal.header_record, proposal.header_line), (2, 1, 3), "Staff, header on its row 3");
}

#[cfg(feature = "xlsx")]
#[test]
fn a_sheet_reads_as_a_person_sees_it() {
    let mut book = Workbook::open(fixture("office_staff_list.xlsx")).unwrap();
    let t = book.read(2).unwrap();
    let title = ["Staff list of Block Office Rampur"; 7].join(",");
    let want = format!(
        "{title},\r\n\
         \r\n\
         Name of Employee,उपनाम,Mobile No.,DOB (dd/mm/yyyy),Gender,Designation,Posting,Posting\r\n\
         आशा,देवी,9876543210,05-03-1990,Female,Anganwadi worker,Rampur,Kheri\r\n\
         Ravi,Kumar,9876543211,31-12-1985,male,Teacher,Rampur,Bhira\r\n\
         सीता,शर्मा,98765,12-10-1992,female,TEACHER,Rampur,Kheri\r\n\
         Mira,Singh,#N/A,01-01-1979,female,Clerk,Rampur,Palia\r\n"
    );
    // Phones stored as numbers are their digits, date cells dates, the merged title and heading fill their
    // regions, the formula is its cached value, the formatted empty cell at K20 is no row or column.
    assert_eq!(String::from_utf8(t.csv.clone()).unwrap(), want);
    assert_eq!(t.rows, [1, 3, 4, 5, 6, 7], "the spreadsheet's own row numbers");
    let notes: Vec<(NoteCode, u32, String, &str)> =
        t.notes.iter().map(|n| (n.code, n.row, column_letter(n.column), n.value.as_str())).collect();
    assert_eq!(notes, [(NoteCode::Formula, 6, "F".into(), "TEACHER"), (NoteCode::ErrorCell, 7, "C".into(), "#N/A")]);
    let json = t.notes_json(Locale::HiIn);
    assert!(json.contains("\"code\":\"error_cell\",\"severity\":\"error\",\"row\":7,\"column\":\"C\""), "{json}");
}

#[cfg(feature = "xlsx")]
#[test]
fn a_sheets_verdict_is_the_verdict_of_the_same_data_as_csv() {
    let mut book = Workbook::open(fixture("office_staff_list.xlsx")).unwrap();
    let t = book.read(2).unwrap();
    let p = propose(&t.csv, today());
    let fields: Vec<_> = p.columns.iter().map(|c| c.field.map(|f| f.0)).collect();
    let names: Vec<&str> = fields.iter().map(|f| f.map_or("", |c| c.name())).collect();
    assert_eq!(names, ["firstName", "lastName", "phone", "DOB", "gender", "position", "", ""]);
    let mapped = remap(&t.csv, p.header_record, &fields);
    let twin = "firstName,lastName,phone,DOB,gender,position,,\n\
                आशा,देवी,9876543210,05-03-1990,Female,Anganwadi worker,Rampur,Kheri\n\
                Ravi,Kumar,9876543211,31-12-1985,male,Teacher,Rampur,Bhira\n\
                सीता,शर्मा,98765,12-10-1992,female,TEACHER,Rampur,Kheri\n\
                Mira,Singh,#N/A,01-01-1979,female,Clerk,Rampur,Palia\n";
    let got = report(&mapped);
    assert_eq!(got, report(twin.as_bytes()));
    assert!(got.contains("\"row\":3,\"line\":4,\"column\":\"phone\",\"code\":\"invalid_phone\""), "{got}");
    assert!(got.contains("\"row\":4,\"line\":5,\"column\":\"phone\",\"code\":\"invalid_phone\""), "{got}");
}

#[cfg(feature = "xlsx")]
#[test]
fn dates_of_the_1904_system_are_the_dates_shown() {
    let mut book = Workbook::open(fixture("dates_1904.xlsx")).unwrap();
    let t = book.read(0).unwrap();
    assert_eq!(String::from_utf8(t.csv).unwrap(), "firstName,phone,DOB\r\nAsha,9876543210,05-03-1990\r\n");
}

#[test]
fn what_is_no_workbook_is_said() {
    for bytes in [b"firstName,phone\nAsha,9876543210\n".to_vec(), fixture("xlsx_renamed.csv")[..40].to_vec()] {
        assert!(Workbook::open(bytes).is_err());
    }
}

#[test]
fn column_letters() {
    let got: Vec<String> = [0, 2, 25, 26, 51, 52, 701, 702].into_iter().map(column_letter).collect();
    assert_eq!(got, ["A", "C", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]);
}

#[cfg(feature = "xlsx")]
#[test]
fn the_workers_limits_are_checked_before_the_workbook_is_held() {
    let limits = enrol_sheet::Limits { unpacked_bytes: 48 << 20, cells: 1_000_000 };
    assert!(enrol_sheet::check_xlsx(&fixture("office_staff_list.xlsx"), limits).is_ok());
    let too_large = |name: &str| match enrol_sheet::check_xlsx(&fixture(name), limits) {
        Err(enrol_sheet::SheetError::TooLarge(why)) => why,
        other => panic!("{name}: {other:?}"),
    };
    // 300 MB of zeros packed into 300 KB: refused from the sizes the zip declares, before unpacking.
    assert!(too_large("hostile_zip_bomb.xlsx").contains("unpacks to 314589890 bytes"));
    // One cell at A1 and one at XFD1048576.
    assert!(too_large("hostile_sparse_corners.xlsx").contains("spans 1048576 rows and 16384 columns"));
    for (bytes, says) in [
        (fixture("xlsx_renamed.csv")[..40].to_vec(), ""),
        (b"firstName,phone\n".to_vec(), "not an .xlsx"),
        ([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0].to_vec(), "password"),
    ] {
        let got = enrol_sheet::check_xlsx(&bytes, limits).map_err(|e| e.to_string());
        assert!(got.as_ref().is_err_and(|e| e.contains(says)), "{got:?}");
    }
}

/// The staff list as LibreOffice saves it as .xls and as .ods (scripts/fixtures/office-formats.sh): its sheets,
/// the sheet proposed, the header found and the headings placed are those of the .xlsx. Where calamine reads
/// these formats differently, this is what is true: merged cells are not filled (xlsx only: the title and the
/// second "Posting" heading are in their first cell alone), an .xls formula's cached text reads as `0`, and the
/// .ods `#N/A` is LibreOffice's formula `=NA()` (a formula note, not an error cell; its text is still `#N/A`, an
/// invalid phone).
#[cfg(any(feature = "xls", feature = "ods"))]
fn same_staff_list_as_the_xlsx(name: &str, designation: &str, na: NoteCode) {
    let mut book = Workbook::open(fixture(name)).unwrap();
    let info = |name: &str, rows, hidden| SheetInfo { name: name.into(), rows, hidden };
    assert_eq!(book.sheets(), [info("Notes", 1, false), info("Old", 2, true), info("Staff", 6, false)], "{name}");
    let (index, proposal) = book.propose_sheet(today()).unwrap();
    assert_eq!((index, proposal.header_record, proposal.header_line), (2, 1, 3), "{name}: Staff, header on row 3");
    let t = book.read(2).unwrap();
    let want = format!(
        "Staff list of Block Office Rampur,,,,,,,\r\n\
         \r\n\
         Name of Employee,उपनाम,Mobile No.,DOB (dd/mm/yyyy),Gender,Designation,Posting,\r\n\
         आशा,देवी,9876543210,05-03-1990,Female,Anganwadi worker,Rampur,Kheri\r\n\
         Ravi,Kumar,9876543211,31-12-1985,male,Teacher,Rampur,Bhira\r\n\
         सीता,शर्मा,98765,12-10-1992,female,{designation},Rampur,Kheri\r\n\
         Mira,Singh,#N/A,01-01-1979,female,Clerk,Rampur,Palia\r\n"
    );
    assert_eq!(String::from_utf8(t.csv.clone()).unwrap(), want, "{name}");
    assert_eq!(t.rows, [1, 3, 4, 5, 6, 7], "{name}");
    let notes: Vec<(NoteCode, u32, String, &str)> =
        t.notes.iter().map(|n| (n.code, n.row, column_letter(n.column), n.value.as_str())).collect();
    assert_eq!(notes, [(NoteCode::Formula, 6, "F".into(), designation), (na, 7, "C".into(), "#N/A")], "{name}");
    let p = propose(&t.csv, today());
    let fields: Vec<_> = p.columns.iter().map(|c| c.field.map(|f| f.0)).collect();
    let names: Vec<&str> = fields.iter().map(|f| f.map_or("", |c| c.name())).collect();
    assert_eq!(names, ["firstName", "lastName", "phone", "DOB", "gender", "position", "", ""], "{name}");
    let got = report(&remap(&t.csv, p.header_record, &fields));
    assert!(got.contains("\"row\":3,\"line\":4,\"column\":\"phone\",\"code\":\"invalid_phone\""), "{got}");
    assert!(got.contains("\"row\":4,\"line\":5,\"column\":\"phone\",\"code\":\"invalid_phone\""), "{got}");
}

#[cfg(feature = "xls")]
#[test]
fn an_xls_reads_as_the_xlsx_but_for_merged_cells_and_the_formulas_text() {
    same_staff_list_as_the_xlsx("office_staff_list.xls", "0", NoteCode::ErrorCell);
}

#[cfg(feature = "ods")]
#[test]
fn an_ods_reads_as_the_xlsx_but_for_merged_cells_and_its_na_formula() {
    same_staff_list_as_the_xlsx("office_staff_list.ods", "TEACHER", NoteCode::Formula);
}

/// The page's module of one family says plainly that a file of the other is not for it (www/sheet-worker.js
/// never sends it one).
#[test]
fn a_format_left_out_is_refused_not_read() {
    let left_out = [
        ("office_staff_list.xls", cfg!(feature = "xls")),
        ("office_staff_list.xlsx", cfg!(feature = "xlsx")),
        ("office_staff_list.ods", cfg!(feature = "ods")),
    ]
    .into_iter()
    .filter_map(|(name, built_in)| (!built_in).then_some(name));
    for name in left_out {
        let got = Workbook::open(fixture(name)).map(|_| ());
        assert!(
            matches!(&got, Err(SheetError::Unsupported(why)) if why.contains("not a workbook this build of the reader reads")),
            "{name}: {got:?}"
        );
    }
}
