//! `enrol gen`: realistic upload sheets for tests and benchmarks. The output depends only on the seed.
//!
//! Like real files: phone on every row in assorted spellings (`+91 98765-43210`), email on a third,
//! userName on a fifth, about a tenth of rows with a quoted comma (a location or a list of values), about a
//! tenth with Devanagari names, and optional fields left blank. With `--error-rate R`, about R of the rows get one mistake each, of the kinds
//! administrators make. With `--full yes` every column but `password` is filled (the storage benchmark's
//! people: the most a row can weigh, while enrol still makes each person's one-time password).

use crate::CliError;
use enrol_core::schema::template_header;
use std::io::Write;
use std::process::ExitCode;

/// xorshift64*: small, fast and reproducible across platforms; no cryptographic use.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "Asha", "Ravi", "Priya", "Suresh", "Meena", "Gurpreet", "Anil", "Kavita", "Harjit", "Sunita", "Deepak", "Pooja",
    "Lakshmi", "Arjun", "Fatima", "Joseph", "Nandini",
];
const LAST: &[&str] = &[
    "Devi", "Kumar", "Singh", "Sharma", "Kaur", "Patel", "Reddy", "Iyer", "D'Souza", "Khan", "Gill", "Sandhu", "Nair",
    "",
];
const FIRST_DEVANAGARI: &[&str] = &["मीना", "राकेश", "सुनीता", "कृष्ण", "अनीता"];
const LAST_DEVANAGARI: &[&str] = &["शर्मा", "वर्मा", "कुमारी", "सिंह", ""];
const POSITIONS: &[&str] =
    &["Pump Operator", "Secretary", "Teacher", "Revenue Collector", "Sarpanch", "Accountant", ""];
const VILLAGES: &[&str] = &["Khanna", "Samrala", "Doraha", "Payal", "Machhiwara", "Sahnewal", "Mullanpur"];
const ROLES: &[&str] = &["COLLECTION_OPERATOR", "GP_ADMIN", "DASHBOARD_VIEWER", "EXPENSE_PROCESSING", "EMPLOYEE"];
const GRADES: &[&str] = &["", "", "Class 1", "Class 6", "Kindergarten"];
const LANGUAGES: &[&str] = &["Punjabi", "Hindi", "English", ""];
const SUBJECTS: &[&str] = &["", "", "Mathematics", "Hindi", "Environmental Studies"];
const GENDERS: &[&str] = &["Male", "Female", "female", "MALE", "Other", ""];

pub fn run(args: &[String]) -> Result<ExitCode, CliError> {
    let (positional, pairs) = crate::flags(args, &["rows", "error-rate", "seed", "full"])?;
    if let Some(extra) = positional.first() {
        return Err(CliError::Usage(format!("unexpected argument {extra}")));
    }
    let (mut rows, mut rate, mut seed, mut full) = (None, 0.0, 42u64, false);
    for (flag, value) in pairs {
        let bad = || CliError::Usage(format!("--{flag} takes a number"));
        match flag {
            "rows" => rows = Some(value.parse::<u64>().map_err(|_| bad())?),
            "error-rate" => {
                rate = value
                    .parse::<f64>()
                    .map_err(|_| bad())
                    .and_then(|r| if (0.0..=1.0).contains(&r) { Ok(r) } else { Err(bad()) })?
            }
            "full" => {
                full = match value {
                    "yes" => true,
                    "no" => false,
                    _ => return Err(CliError::Usage("--full takes yes or no".into())),
                }
            }
            _ => seed = value.parse().map_err(|_| bad())?,
        }
    }
    let rows = rows.ok_or_else(|| CliError::Usage("--rows is required".into()))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    write(&mut out, rows, rate, seed, full)
        .and_then(|_| out.flush())
        .map_err(|e| CliError::Unreadable(format!("cannot write: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

pub fn write(out: &mut impl Write, rows: u64, rate: f64, seed: u64, full: bool) -> std::io::Result<()> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    writeln!(out, "{}\r", template_header())?;
    for i in 0..rows {
        let mut cells = row(&mut rng, i);
        if full {
            fill(&mut rng, &mut cells, i);
        }
        if rng.chance(rate) {
            spoil(&mut rng, &mut cells, i);
        }
        let line: Vec<String> = cells.iter().map(|c| quote(c)).collect();
        write!(out, "{}\r\n", line.join(","))?;
    }
    Ok(())
}

fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) { format!("\"{}\"", cell.replace('"', "\"\"")) } else { cell.to_string() }
}

/// The 22 cells of a valid row. Row `i`'s phone is unique: 6000000000 + i spread by a fixed stride.
fn row(rng: &mut Rng, i: u64) -> Vec<String> {
    let (first, last) = if rng.chance(0.1) {
        (rng.pick(FIRST_DEVANAGARI), rng.pick(LAST_DEVANAGARI))
    } else {
        (rng.pick(FIRST), rng.pick(LAST))
    };
    let number = 6_000_000_000 + (i * 7_919) % 3_999_999_999;
    let phone = match rng.below(4) {
        0 => format!("+91 {}-{:05}", number / 100_000, number % 100_000),
        1 => format!("0{number}"),
        _ => number.to_string(),
    };
    let email = if rng.chance(0.33) { format!("user{i}@gp{}.example.in", i % 97) } else { String::new() };
    let user = if rng.chance(0.2) { format!("op.{i}") } else { String::new() };
    let verified = rng.chance(0.3);
    let mut location = rng.pick(VILLAGES).to_string();
    let mut roles = rng.pick(ROLES).to_string();
    let mut languages = rng.pick(LANGUAGES).to_string();
    // About one row in ten holds a comma, hence a quoted cell: a ward in the location, or two values.
    if rng.chance(0.1) {
        match rng.below(3) {
            0 => location = format!("Ward {}, {location}", rng.below(20) + 1),
            1 => roles = "COLLECTION_OPERATOR,DASHBOARD_VIEWER".into(),
            _ => languages = "Hindi,English".into(),
        }
    }
    let dob = format!("{:02}-{:02}-{}", rng.below(28) + 1, rng.below(12) + 1, 1950 + rng.below(55));
    let ext = rng.chance(0.1);
    vec![
        first.into(),
        last.into(),
        phone,
        email.clone(),
        user,
        String::new(),
        if verified { "pb".into() } else { String::new() },
        if verified { "TRUE".into() } else { String::new() },
        if email.is_empty() { String::new() } else { "FALSE".into() },
        roles,
        rng.pick(POSITIONS).into(),
        rng.pick(GRADES).into(),
        location,
        dob,
        rng.pick(GENDERS).into(),
        languages,
        if rng.chance(0.05) { "Runs the pump house and keeps the meter register".into() } else { String::new() },
        rng.pick(SUBJECTS).into(),
        if ext { format!("EXT-{i}") } else { String::new() },
        String::new(),
        if ext { "state-hrms".into() } else { String::new() },
        if ext { "pb".into() } else { String::new() },
    ]
}

/// Fills every blank cell of a valid row but `password` (index 5), with values the validator accepts.
fn fill(rng: &mut Rng, cells: &mut [String], i: u64) {
    let filled = |items: &[&str], rng: &mut Rng| loop {
        let v = rng.pick(items);
        if !v.is_empty() {
            break v.to_string();
        }
    };
    let values: [(usize, String); 16] = [
        (1, filled(LAST, rng)),
        (3, format!("user{i}@gp{}.example.in", i % 97)),
        (4, format!("op.{i}")),
        (6, "pb".into()),
        (7, "TRUE".into()),
        (8, "FALSE".into()),
        (10, filled(POSITIONS, rng)),
        (11, filled(GRADES, rng)),
        (14, filled(GENDERS, rng)),
        (15, filled(LANGUAGES, rng)),
        (16, "Runs the pump house and keeps the meter register".into()),
        (17, filled(SUBJECTS, rng)),
        (18, format!("EXT-{i}")),
        (19, format!(r#"[{{"id":"HR-{i}","idType":"hrms","provider":"pb","operation":"ADD"}}]"#)),
        (20, "state-hrms".into()),
        (21, "pb".into()),
    ];
    for (index, value) in values {
        if cells[index].is_empty() {
            cells[index] = value;
        }
    }
}

/// One mistake of the kinds people make.
fn spoil(rng: &mut Rng, cells: &mut [String], i: u64) {
    match rng.below(8) {
        0 => cells[2] = format!("{}", 1_000_000 + i), // too short a phone
        1 => cells[3] = format!("user{i}@gp"),        // email without a domain
        2 => cells[0] = String::new(),                // firstName missing
        3 => cells[13] = "31-02-1990".into(),         // no such date
        4 => cells[9] = "COLLECTOR".into(),           // unknown role
        5 => cells[14] = "M".into(),                  // gender abbreviated
        6 => cells[2] = "6000000000".into(),          // the same phone as row 1
        _ => cells[0] = format!("Ravi{}", i % 10),    // a digit in a name
    }
}
