//! An administrator's own headings matched to the sheet's columns: one place for the page and the Worker.
//!
//! Offices keep their staff lists with their own headings ("Mobile No.", "Name of Employee", "मोबाइल
//! नंबर", "DOB (dd/mm/yyyy)"). `propose` reads the head of a file (any text flavour `text` reads) and says,
//! for each of its columns, which column of the sheet it is and how sure that is:
//! 1. the template's own name (as the validator matches it): certain;
//! 2. the same name once normalised (case, spaces, punctuation, dots and anything in brackets dropped):
//!    "First Name" is firstName;
//! 3. a synonym in English or Hindi (`SYNONYMS`, normalised the same way);
//! 4. for a column the name does not place, its content: a column of mobile numbers is phone, of email
//!    addresses email, of dates DOB, of genders gender, when nearly every sample says so.
//!
//! The header row is found, not assumed: of the first `HEADER_SEARCH` non-blank records, the one whose
//! cells place the most columns (a title or a blank row above the header is common). A required column
//! that no heading gives, and a column of the sheet that two headings give, are said before anything is
//! checked. When every heading already is the sheet's own, `exact` says so and nothing needs mapping.
//!
//! A confirmed mapping is applied by `remap`: the file rewritten as UTF-8 CSV with the sheet's names as
//! its header, the rows above the header left out, so the verdict on it is the CSV verdict.

use crate::date::Date;
use crate::fields::{Dob, Email, Gender, MobileRule, Phone};
use crate::json;
use crate::reader::Record;
use crate::schema::{Column, is_ignored_sunbird_column};
use crate::text::{TextReader, write_cell};

/// The confidence from which a proposal is applied without asking (a name, a synonym, a remembered heading;
/// never content alone): the Worker's rule for an upload sent without a mapping.
pub const CONFIDENT: u8 = 90;
/// Headings a tenant's remembered mapping keeps at most.
pub const MAX_REMEMBERED: usize = 500;

/// Records looked at for the header row.
pub const HEADER_SEARCH: usize = 10;
/// Sample rows under the header kept for content matching and for showing.
pub const SAMPLES: usize = 5;

/// How a heading was placed, from the surest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Basis {
    /// The sheet's own name.
    Exact,
    /// The sheet's name once normalised.
    Name,
    Synonym,
    Content,
    /// What an administrator of the tenant confirmed for this heading before.
    Remembered,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Exact => "exact",
            Basis::Name => "name",
            Basis::Synonym => "synonym",
            Basis::Content => "content",
            Basis::Remembered => "remembered",
        }
    }
}

/// One of the file's columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposed {
    /// 0-based place in the header record.
    pub index: usize,
    pub heading: String,
    /// Values of the first sample rows (blank ones too, as blanks).
    pub samples: Vec<String>,
    /// The column of the sheet it goes to, with the basis and a confidence in percent.
    pub field: Option<(Column, Basis, u8)>,
    /// A Sunbird column enrol reads past (see `schema`): not a mistake.
    pub sunbird: bool,
    /// Placed (or left out) as an administrator of the tenant confirmed before.
    pub remembered: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// 0-based index, among the non-blank records, of the header.
    pub header_record: usize,
    /// Physical line (1-based) of the header.
    pub header_line: u64,
    pub columns: Vec<Proposed>,
    /// Every heading is the sheet's own name (or blank, or a Sunbird column) and the header is the first
    /// record: the file needs no mapping.
    pub exact: bool,
}

/// English and Hindi names offices give the sheet's columns, normalised (see `normalise`).
const SYNONYMS: &[(Column, &[&str])] = &[
    (
        Column::FirstName,
        &[
            "name",
            "fname",
            "givenname",
            "fullname",
            "nameofemployee",
            "employeename",
            "nameofstaff",
            "staffname",
            "teachername",
            "nameofteacher",
            "nameoftheemployee",
            "candidatename",
            "personname",
            "नाम",
            "पहलानाम",
            "पूरानाम",
            "कर्मचारीकानाम",
            "शिक्षककानाम",
        ],
    ),
    (Column::LastName, &["surname", "familyname", "lname", "उपनाम", "अंतिमनाम", "कुलनाम"]),
    (
        Column::Phone,
        &[
            "mobile",
            "mobileno",
            "mobilenumber",
            "mobno",
            "mob",
            "phoneno",
            "phonenumber",
            "contact",
            "contactno",
            "contactnumber",
            "cell",
            "cellno",
            "cellnumber",
            "whatsapp",
            "whatsappno",
            "whatsappnumber",
            "मोबाइल",
            "मोबाइलनंबर",
            "मोबाईल",
            "मोबाईलनंबर",
            "मोबाइलसंख्या",
            "फोन",
            "फ़ोन",
            "फोननंबर",
            "फ़ोननंबर",
            "दूरभाष",
            "संपर्कनंबर",
        ],
    ),
    (Column::Email, &["emailid", "emailaddress", "mail", "mailid", "ईमेल", "ईमेलआईडी", "ईमेलपता", "ईमेल"]),
    (Column::UserName, &["loginid", "login", "loginname", "उपयोगकर्तानाम", "यूज़रनेम", "यूजरनेम"]),
    (Column::Password, &["पासवर्ड"]),
    (Column::Roles, &["role", "भूमिका"]),
    (Column::Position, &["designation", "post", "पद", "पदनाम"]),
    (Column::Grade, &["श्रेणी", "ग्रेड"]),
    (Column::Location, &["address", "place", "village", "block", "district", "स्थान", "पता", "गाँव", "गांव"]),
    (Column::Dob, &["dateofbirth", "birthdate", "birthday", "जन्मतिथि", "जन्मदिनांक", "जन्मकीतारीख"]),
    (Column::Gender, &["sex", "लिंग"]),
    (Column::Language, &["languages", "भाषा"]),
    (Column::ProfileSummary, &["summary", "about", "profile"]),
    (Column::Subject, &["subjects", "विषय"]),
    (Column::ExternalId, &["employeeid", "employeecode", "empid", "empcode", "staffid"]),
];

/// A heading reduced to what tells it apart: lower case, without spaces, punctuation, dots, the Devanagari
/// danda, or anything in brackets ("DOB (dd/mm/yyyy)" is `dob`, "Mobile No." is `mobileno`).
pub fn normalise(heading: &str) -> String {
    let mut out = String::with_capacity(heading.len());
    let mut depth = 0u32;
    for c in heading.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            // Other letters (Devanagari's vowel signs and virama are part of a word) are kept as they are:
            // no Unicode tables in the browser's wasm for the cases of scripts headings are not written in.
            // Devanagari's dandas, Latin-1's signs and the general punctuation and spaces are dropped.
            '\u{0964}' | '\u{0965}' | '\u{0080}'..='\u{00BF}' | '\u{2000}'..='\u{206F}' | '\u{3000}' => {}
            c if !c.is_ascii() => out.push(c),
            _ => {}
        }
    }
    out
}

/// The sheet's column a heading names, and how.
pub fn match_heading(heading: &str) -> Option<(Column, Basis, u8)> {
    if let Some(c) = Column::from_header(heading) {
        return Some((c, Basis::Exact, 100));
    }
    let n = normalise(heading);
    if n.is_empty() {
        return None;
    }
    if let Some(c) = Column::ALL.into_iter().find(|c| c.name().eq_ignore_ascii_case(&n)) {
        return Some((c, Basis::Name, 95));
    }
    // The Sunbird columns enrol reads past are theirs, not a synonym's.
    if is_ignored_sunbird_column(heading) {
        return None;
    }
    SYNONYMS.iter().find(|(_, names)| names.contains(&n.as_str())).map(|&(c, _)| (c, Basis::Synonym, 90))
}

/// The column that nearly all of `samples` (blank ones aside) fit, with the share that fit as confidence.
/// At least two non-blank samples, and at least four in five fitting.
fn match_content(samples: &[String], today: Date) -> Option<(Column, Basis, u8)> {
    let given: Vec<&str> = samples.iter().map(|s| crate::fields::trim(s)).filter(|s| !s.is_empty()).collect();
    if given.len() < 2 {
        return None;
    }
    type Fits<'a> = &'a dyn Fn(&str) -> bool;
    let tests: [(Column, Fits); 4] = [
        (Column::Phone, &|v| matches!(Phone::parse_with(v, MobileRule::DEFAULT), Ok(Some(_)))),
        (Column::Email, &|v| v.contains('@') && matches!(Email::parse(v), Ok(Some(_)))),
        (Column::Dob, &|v| matches!(Dob::parse(v, today), Ok(Some(_)))),
        (Column::Gender, &|v| matches!(Gender::parse(v), Ok(Some(_)))),
    ];
    tests.into_iter().find_map(|(c, fits)| {
        let n = given.iter().filter(|v| fits(v)).count();
        // Content is never as sure as a name: at most 80.
        (n * 5 >= given.len() * 4).then(|| (c, Basis::Content, (n * 80 / given.len()) as u8))
    })
}

/// Reads the head of a file (the first records are enough; a whole file is fine) and proposes a mapping.
pub fn propose(head: &[u8], today: Date) -> Proposal {
    let mut records: Vec<(u64, Vec<String>)> = Vec::new();
    let mut reader = TextReader::new();
    let mut on = |r: &Record<'_>| {
        if records.len() < HEADER_SEARCH + SAMPLES && !r.is_blank() {
            records.push((r.line, r.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect()));
        }
    };
    reader.push(head, &mut on);
    reader.finish(&mut on);
    propose_records(&records, today)
}

/// `propose` on records already read: (physical line, cells), blank records left out.
pub fn propose_records(records: &[(u64, Vec<String>)], today: Date) -> Proposal {
    let placed = |cells: &[String]| cells.iter().filter(|h| match_heading(h).is_some()).count();
    // The first record that places the most headings (ties go to the earlier one).
    let header_record = records
        .iter()
        .take(HEADER_SEARCH)
        .enumerate()
        .max_by_key(|(i, (_, cells))| (placed(cells), std::cmp::Reverse(*i)))
        .map_or(0, |(i, _)| i);
    let Some((header_line, header)) = records.get(header_record) else {
        return Proposal { header_record: 0, header_line: 1, columns: Vec::new(), exact: true };
    };
    let rows = &records[header_record + 1..];
    let mut columns: Vec<Proposed> = header
        .iter()
        .enumerate()
        .map(|(index, heading)| Proposed {
            index,
            heading: heading.trim().to_string(),
            samples: rows.iter().take(SAMPLES).map(|(_, r)| r.get(index).cloned().unwrap_or_default()).collect(),
            field: match_heading(heading),
            sunbird: is_ignored_sunbird_column(heading),
            remembered: false,
        })
        .collect();
    let exact = header_record == 0
        && columns.iter().all(|c| c.heading.is_empty() || c.sunbird || matches!(c.field, Some((_, Basis::Exact, _))));
    if !exact {
        // Content places only headings no name placed, and only on columns no name took.
        let taken = |columns: &[Proposed], c: Column| columns.iter().any(|p| p.field.is_some_and(|f| f.0 == c));
        for i in 0..columns.len() {
            if columns[i].field.is_some() || columns[i].sunbird {
                continue;
            }
            if let Some(f) = match_content(&columns[i].samples, today)
                && !taken(&columns, f.0)
            {
                columns[i].field = Some(f);
            }
        }
    }
    Proposal { header_record, header_line: *header_line, columns, exact }
}

impl Proposal {
    /// Places the headings an administrator of the tenant confirmed before (`known`: normalised heading, and
    /// the column it went to or none), over every guess: an office whose "Phone" column is not the one to use
    /// said so. (A file with the template's own headings needs no mapping and is never remapped.)
    pub fn remember(&mut self, known: &[(String, Option<Column>)]) {
        for c in &mut self.columns {
            let n = normalise(&c.heading);
            if let Some((_, f)) = known.iter().find(|(h, _)| !n.is_empty() && *h == n) {
                c.field = f.map(|f| (f, Basis::Remembered, 100));
                c.remembered = true;
            }
        }
    }

    /// The column each heading goes to, as proposed.
    pub fn fields(&self) -> Vec<Option<Column>> {
        self.columns.iter().map(|c| c.field.map(|f| f.0)).collect()
    }

    /// The sheet's columns that two or more headings go to, each with those headings' indexes.
    pub fn duplicates(&self) -> Vec<(Column, Vec<usize>)> {
        duplicates(&self.fields())
    }

    /// What the header needs and no heading gives, as the validator names it ("firstName", "phone / email").
    pub fn missing(&self) -> Vec<&'static str> {
        missing(&self.fields())
    }

    /// `{"headerRecord","headerLine","exact","columns":[{"index","heading","samples","field","basis",
    /// "confidence","sunbird"}],"missing":[…],"duplicates":[{"field","columns":[…]}]}`.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256 + self.columns.len() * 160);
        out.push_str(&format!(
            "{{\"headerRecord\":{},\"headerLine\":{},\"exact\":{},\"columns\":[",
            self.header_record, self.header_line, self.exact
        ));
        for (i, c) in self.columns.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format!("{{\"index\":{},\"heading\":", c.index));
            json::write_str(&mut out, &c.heading);
            out.push_str(",\"samples\":[");
            for (k, s) in c.samples.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                json::write_str(&mut out, &crate::issue::shorten(s));
            }
            out.push_str("],");
            match c.field {
                Some((f, basis, confidence)) => out.push_str(&format!(
                    "\"field\":\"{}\",\"basis\":\"{}\",\"confidence\":{confidence}",
                    f.name(),
                    basis.as_str()
                )),
                None => out.push_str("\"field\":null,\"basis\":null,\"confidence\":0"),
            }
            out.push_str(&format!(",\"sunbird\":{},\"remembered\":{}}}", c.sunbird, c.remembered));
        }
        out.push_str("],");
        write_problems(&mut out, &self.fields());
        out.push('}');
        out
    }
}

/// `{"missing":[…],"duplicates":[{"field","columns"}]}` of a mapping (one entry per heading): what the page
/// says again each time the administrator changes a column.
pub fn problems_json(fields: &[Option<Column>]) -> String {
    let mut out = String::from("{");
    write_problems(&mut out, fields);
    out.push('}');
    out
}

fn write_problems(out: &mut String, fields: &[Option<Column>]) {
    out.push_str("\"missing\":[");
    for (i, m) in missing(fields).iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json::write_str(out, m);
    }
    out.push_str("],\"duplicates\":[");
    for (i, (f, cols)) in duplicates(fields).iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let cols: Vec<String> = cols.iter().map(usize::to_string).collect();
        out.push_str(&format!("{{\"field\":\"{}\",\"columns\":[{}]}}", f.name(), cols.join(",")));
    }
    out.push(']');
}

/// The sheet's columns that two or more of `fields` go to, each with their indexes.
pub fn duplicates(fields: &[Option<Column>]) -> Vec<(Column, Vec<usize>)> {
    Column::ALL
        .into_iter()
        .map(|c| (c, fields.iter().enumerate().filter(|(_, f)| **f == Some(c)).map(|(i, _)| i).collect::<Vec<_>>()))
        .filter(|(_, at)| at.len() > 1)
        .collect()
}

/// The validator's header rules (`validate::Checker::header`), on a mapping: what it needs and `fields` lack.
pub fn missing(fields: &[Option<Column>]) -> Vec<&'static str> {
    let has = |c: Column| fields.contains(&Some(c));
    let mut out: Vec<&'static str> =
        Column::ALL.into_iter().filter(|c| c.is_mandatory() && !has(*c)).map(Column::name).collect();
    if !has(Column::Phone) && !has(Column::Email) {
        out.push("phone / email");
    } else if !has(Column::Phone) && !has(Column::UserName) {
        out.push("phone / userName");
    }
    out
}

/// A remembered mapping as the page hands it to the validator's wasm: one `heading=column` a line, the
/// heading normalised, the column empty for a heading that was left out. Lines that do not read are passed
/// over (an old entry of a column since renamed places nothing).
pub fn parse_known(text: &str) -> Vec<(String, Option<Column>)> {
    text.lines()
        .filter_map(|line| {
            let (heading, field) = line.split_once('=')?;
            let field = match field.trim() {
                "" => None,
                name => Some(Column::ALL.into_iter().find(|c| c.name() == name)?),
            };
            let heading = normalise(heading);
            (!heading.is_empty()).then_some((heading, field))
        })
        .take(MAX_REMEMBERED)
        .collect()
}

/// A mapping as the page sends it back: one entry per column of the file's header, in order, each a
/// column's name or empty (the column is left out), separated by commas ("firstName,,phone").
pub fn parse_fields(text: &str) -> Result<Vec<Option<Column>>, String> {
    text.split(',')
        .map(|name| {
            let name = name.trim();
            if name.is_empty() {
                Ok(None)
            } else {
                Column::ALL.into_iter().find(|c| c.name() == name).map(Some).ok_or_else(|| format!("no column {name}"))
            }
        })
        .collect()
}

/// The file as UTF-8 CSV with `fields` as its header: records before `header_record` (non-blank ones,
/// 0-based; a title above the header) are left out, blank records too, every other record is written cell
/// for cell. Columns mapped to nothing keep their cells under a blank heading, which the validator reads
/// past. What the reader flagged (a stray quote, a quote never closed) is written as the reader read it.
pub fn remap(bytes: &[u8], header_record: usize, fields: &[Option<Column>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 16 + 256);
    let mut seen = 0usize;
    let mut reader = TextReader::new();
    let mut on = |r: &Record<'_>| {
        if r.is_blank() {
            return;
        }
        seen += 1;
        if seen <= header_record {
            return;
        }
        if seen == header_record + 1 {
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(f.map_or("", Column::name).as_bytes());
            }
        } else {
            for (i, cell) in r.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_cell(&mut out, cell);
            }
        }
        out.extend_from_slice(b"\r\n");
    };
    reader.push(bytes, &mut on);
    reader.finish(&mut on);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 24).unwrap()
    }

    fn fields(p: &Proposal) -> Vec<Option<&'static str>> {
        p.columns.iter().map(|c| c.field.map(|f| f.0.name())).collect()
    }

    #[test]
    fn headings_are_matched_by_name_synonym_and_hindi() {
        let cases: &[(&str, Option<(Column, Basis)>)] = &[
            ("firstName", Some((Column::FirstName, Basis::Exact))),
            (" PHONE ", Some((Column::Phone, Basis::Exact))),
            ("First Name", Some((Column::FirstName, Basis::Name))),
            ("e-mail", Some((Column::Email, Basis::Name))),
            ("Mobile No.", Some((Column::Phone, Basis::Synonym))),
            ("Name of Employee", Some((Column::FirstName, Basis::Synonym))),
            ("मोबाइल नंबर", Some((Column::Phone, Basis::Synonym))),
            ("नाम।", Some((Column::FirstName, Basis::Synonym))),
            ("DOB (dd/mm/yyyy)", Some((Column::Dob, Basis::Name))),
            ("Date of Birth", Some((Column::Dob, Basis::Synonym))),
            ("जन्म तिथि", Some((Column::Dob, Basis::Synonym))),
            ("Designation", Some((Column::Position, Basis::Synonym))),
            ("S.No.", None),
            ("userId", None),
            ("", None),
        ];
        for &(heading, want) in cases {
            assert_eq!(match_heading(heading).map(|(c, b, _)| (c, b)), want, "{heading:?}");
        }
    }

    #[test]
    fn a_title_row_is_passed_and_content_places_unnamed_columns() {
        let csv = "Staff list of Block Office Rampur,,,,\n\
                   ,,,,\n\
                   S.No.,Name of Employee,Contact,E-Mail,Col5\n\
                   1,Asha Devi,9876543210,asha@example.in,female\n\
                   2,Ravi,+91 98765 43211,ravi@example.in,male\n\
                   3,Mira,9876543212,,Female\n";
        let p = propose(csv.as_bytes(), today());
        assert_eq!((p.header_record, p.header_line, p.exact), (1, 3, false));
        assert_eq!(fields(&p), [None, Some("firstName"), Some("phone"), Some("email"), Some("gender")]);
        assert_eq!(p.columns[4].field.map(|f| f.1), Some(Basis::Content));
        assert_eq!(p.columns[2].samples, ["9876543210", "+91 98765 43211", "9876543212"]);
        assert!(p.missing().is_empty() && p.duplicates().is_empty());
        let json = p.to_json();
        assert!(json.contains("\"heading\":\"Name of Employee\"") && json.contains("\"basis\":\"content\""), "{json}");
    }

    #[test]
    fn content_needs_nearly_every_sample_and_a_free_column() {
        let csv = "Naam,Phone,Other\nAsha,9876543210,9876543219\nRavi,9876543211,hello\nMira,9876543212,x\n";
        let p = propose(csv.as_bytes(), today());
        // "Other" is mostly not phones, and phone is taken anyway; "Naam" is no name we know.
        assert_eq!(fields(&p), [None, Some("phone"), None]);
        assert_eq!(p.missing(), ["firstName"]);
    }

    #[test]
    fn two_headings_on_one_column_and_missing_ones_are_said() {
        let p = propose("Name,Mobile,Phone\nA,9876543210,9876543211\n".as_bytes(), today());
        assert_eq!(p.duplicates(), [(Column::Phone, vec![1, 2])]);
        let p = propose("Name,Email\nA,a@b.in\n".as_bytes(), today());
        assert_eq!(p.missing(), ["phone / userName"]);
    }

    #[test]
    fn the_template_needs_no_mapping() {
        let p = propose(b"\xEF\xBB\xBFfirstName,lastName,phone,,orgId\nA,B,9876543210,,x\n", today());
        assert!(p.exact);
        let p = propose(b"First Name,phone\nA,9876543210\n", today());
        assert!(!p.exact);
    }

    #[test]
    fn remap_writes_the_sheets_header_and_leaves_the_title_out() {
        let csv = "Staff list\nName\tMobile No.\tNotes\nAsha, K\t9876543210\t\"said \"\"hi\"\"\"\n\n";
        let p = propose(csv.as_bytes(), today());
        let f = parse_fields("firstName,phone,").unwrap();
        assert_eq!(f, p.columns.iter().map(|c| c.field.map(|f| f.0)).collect::<Vec<_>>());
        let out = remap(csv.as_bytes(), p.header_record, &f);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "firstName,phone,\r\n\"Asha, K\",9876543210,\"said \"\"hi\"\"\"\r\n"
        );
        assert!(parse_fields("firstName,nope").is_err());
        let problems = problems_json(&parse_fields(",phone,phone").unwrap());
        assert_eq!(problems, r#"{"missing":["firstName"],"duplicates":[{"field":"phone","columns":[1,2]}]}"#);
    }

    #[test]
    fn a_remembered_heading_is_placed_over_every_guess() {
        let known = parse_known("Mobile No.=phone\nsno=\nNaam=firstName\nphone=email\nbroken line\nx=noSuchColumn\n");
        assert_eq!(
            known,
            [
                ("mobileno".to_string(), Some(Column::Phone)),
                ("sno".to_string(), None),
                ("naam".to_string(), Some(Column::FirstName)),
                ("phone".to_string(), Some(Column::Email)),
            ]
        );
        let mut p = propose("S.No.,Naam,Mobile No.,phone\n1,Asha,9876543210,a@b.in\n".as_bytes(), today());
        assert_eq!(fields(&p), [None, None, Some("phone"), Some("phone")]);
        p.remember(&known);
        assert_eq!(fields(&p), [None, Some("firstName"), Some("phone"), Some("email")]);
        assert_eq!(p.columns[1].field, Some((Column::FirstName, Basis::Remembered, 100)));
        assert_eq!(p.columns[3].field.map(|f| f.1), Some(Basis::Remembered), "over the template's own name too");
        assert!(p.to_json().contains("\"basis\":\"remembered\""));
    }
}
