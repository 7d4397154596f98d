//! enrol-cli: the `enrol` command.
//!
//! `enrol validate FILE` runs the same enrol-core code as the browser and the Worker, so an administrator
//! (or a script) gets the same verdict offline, byte for byte in `--format json`. `enrol gen` writes
//! realistic test files, `enrol template` the empty sheet, and `enrol seed-sql` the SQL that creates the
//! demo tenant and its administrator.

mod generate;
mod seed;

use enrol_core::{Config, Date, Locale, Validator};
use std::io::{Read, Write};
use std::process::ExitCode;

const USAGE: &str = "usage:
  enrol validate FILE [--format json|text] [--locale en_IN|hi_IN] [--max-rows N] [--today DD-MM-YYYY]
                 [--mapping MAPPING.json] [--sheet NAME]
        check an upload sheet (CSV, Excel's text exports, or a workbook: .xlsx, .xls, .ods); headings other
        than the template's are placed by MAPPING.json ({\"Mobile No.\": \"phone\", \"S.No.\": null}) or where
        the automatic mapping is sure, and the mapping used is printed (to stderr with --format json);
        exit 0 clean (warnings allowed), 1 issues found, 2 file unreadable or headings not placed
  enrol template        print the sheet's header line
  enrol gen --rows N [--error-rate R] [--seed S] [--full yes]
        write a realistic sheet of N rows to stdout; about R (0..1) of them with one mistake each
  enrol bench-edit FILE [--edits N]
        time one cell's edit and its re-check in the editable table of FILE (median of N, 201 by default)
  enrol seed-sql --password PW [--user NAME] [--tenant ID --tenant-name NAME --state ID --state-name NAME]
        print SQL that creates the demo tenant and its SYSTEM administrator";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("validate") => validate(&args[1..]),
        Some("template") => {
            println!("{}", enrol_core::schema::template_header());
            Ok(ExitCode::SUCCESS)
        }
        Some("gen") => generate::run(&args[1..]),
        Some("seed-sql") => seed::run(&args[1..]),
        Some("bench-edit") => bench_edit(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(CliError::Usage("expected a command".into())),
    };
    match result {
        Ok(code) => code,
        Err(CliError::Usage(msg)) => {
            eprintln!("enrol: {msg}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(CliError::Unreadable(msg)) => {
            eprintln!("enrol: {msg}");
            ExitCode::from(2)
        }
    }
}

#[derive(Debug)]
pub enum CliError {
    Usage(String),
    Unreadable(String),
}

/// Positional arguments, and `--flag value` pairs (flag without the dashes).
pub type Args<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>);

/// Reads `--flag value` pairs; every flag must be one of `known`.
pub fn flags<'a>(args: &'a [String], known: &[&str]) -> Result<Args<'a>, CliError> {
    let mut positional = Vec::new();
    let mut pairs = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(flag) = a.strip_prefix("--") {
            if !known.contains(&flag) {
                return Err(CliError::Usage(format!("unknown option --{flag}")));
            }
            let value = it.next().ok_or_else(|| CliError::Usage(format!("--{flag} needs a value")))?;
            pairs.push((flag, value.as_str()));
        } else {
            positional.push(a.as_str());
        }
    }
    Ok((positional, pairs))
}

fn today_utc() -> Date {
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    Date::from_unix_days((secs / 86_400) as i64)
}

fn validate(args: &[String]) -> Result<ExitCode, CliError> {
    let (positional, pairs) = flags(args, &["format", "locale", "max-rows", "today", "mapping", "sheet"])?;
    let [path] = positional[..] else {
        return Err(CliError::Usage("validate takes one FILE".into()));
    };
    let mut config = Config::new(today_utc());
    let mut json = false;
    let mut locale = Locale::EnIn;
    let (mut mapping, mut sheet) = (None, None);
    for (flag, value) in pairs {
        match flag {
            "format" => {
                json = match value {
                    "json" => true,
                    "text" => false,
                    _ => return Err(CliError::Usage("--format is json or text".into())),
                }
            }
            "locale" => {
                locale = Locale::parse(value).ok_or_else(|| CliError::Usage("--locale is en_IN or hi_IN".into()))?
            }
            "max-rows" => {
                config.max_rows = value.parse().map_err(|_| CliError::Usage("--max-rows takes a number".into()))?
            }
            "mapping" => {
                let text = std::fs::read_to_string(value)
                    .map_err(|e| CliError::Unreadable(format!("cannot read {value}: {e}")))?;
                mapping = Some(
                    enrol_sheet::prepare::parse_mapping(&text)
                        .map_err(|e| CliError::Unreadable(format!("{value}: {e}")))?,
                );
            }
            "sheet" => sheet = Some(value),
            _ => {
                let bad = || CliError::Usage("--today takes DD-MM-YYYY".into());
                let dob = enrol_core::fields::Dob::parse(value, Date { year: 9999, month: 12, day: 31 })
                    .map_err(|_| bad())?;
                config.today = dob.ok_or_else(bad)?.date();
            }
        }
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| CliError::Unreadable(format!("cannot read {path}: {e}")))?;
    // A workbook read and the office's own headings placed, as the page and the upload route do.
    let file = enrol_sheet::prepare::prepare(
        bytes,
        mapping.as_deref(),
        sheet,
        &[],
        config.today,
        enrol_sheet::prepare::NATIVE,
    )
    .map_err(|e| CliError::Unreadable(format!("{path}: {e}")))?;
    if let Some(used) = &file.mapping {
        let lines: Vec<String> = used
            .iter()
            .map(|p| format!("  {} -> {} ({})", p.heading, p.field.map_or("(left out)", |c| c.name()), p.basis))
            .collect();
        let text = format!("mapping used:\n{}\n", lines.join("\n"));
        if json { eprint!("{text}") } else { print!("{text}") }
    }
    let mut validator = Validator::new(config);
    validator.reserve_for(file.bytes.len() as u64);
    // The browser reads in chunks too: the same code path, the same answer.
    for chunk in file.bytes.chunks(1 << 20) {
        validator.push(chunk);
    }
    let report = validator.finish();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written =
        if json { writeln!(out, "{}", report.to_json(locale)) } else { write_text(&mut out, &report, locale) };
    written.and_then(|_| out.flush()).map_err(|e| CliError::Unreadable(format!("cannot write: {e}")))?;
    Ok(if report.is_clean() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Times what the page waits for when a cell is edited: `Table::set` (the row and the rows that share a value
/// with it re-checked) and the issues of every row it touched. Each edit writes another row's phone into a
/// row (making a duplicate); the next puts the phone back (clearing it), so every edit moves rows between
/// groups. Prints the read time, then the median, 95th percentile and slowest edit, in milliseconds.
fn bench_edit(args: &[String]) -> Result<ExitCode, CliError> {
    let (positional, pairs) = flags(args, &["edits"])?;
    let [path] = positional[..] else {
        return Err(CliError::Usage("bench-edit takes one FILE".into()));
    };
    let mut edits = 201usize;
    for (_, value) in pairs {
        edits = value.parse().ok().filter(|&n| n > 0).ok_or_else(|| CliError::Usage("--edits takes a count".into()))?;
    }
    let bytes = std::fs::read(path).map_err(|e| CliError::Unreadable(format!("cannot read {path}: {e}")))?;
    let started = std::time::Instant::now();
    let mut table = enrol_core::Table::read(Config::new(today_utc()), &bytes);
    let read = started.elapsed();
    let phone = (0..table.header().len())
        .find(|&c| table.column(c) == Some(enrol_core::Column::Phone))
        .ok_or_else(|| CliError::Unreadable(format!("{path} has no phone column")))?;
    let rows = table.len();
    if rows < 2 {
        return Err(CliError::Unreadable(format!("{path} has fewer than two rows")));
    }
    let cell = |table: &enrol_core::Table, row: u64| -> Result<String, CliError> {
        let cells = table.cells(row).map_err(|e| CliError::Unreadable(e.to_string()))?;
        Ok(cells.get(phone).cloned().unwrap_or_default())
    };
    let mut times = Vec::with_capacity(edits);
    let mut original = String::new();
    for k in 0..edits as u64 {
        // Rows spread over the file (a multiplicative step): an edit, then the same row put back.
        let row = (k / 2 * 7919) % rows + 1;
        let value = if k % 2 == 0 {
            original = cell(&table, row)?;
            cell(&table, (row * 31) % rows + 1)?
        } else {
            original.clone()
        };
        let t = std::time::Instant::now();
        let touched = table.set(row, phone, &value).map_err(|e| CliError::Unreadable(e.to_string()))?;
        let shown: usize = touched.iter().map(|&r| table.issues_of(r).len()).sum();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(shown);
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "{} rows read into the table in {:.0} ms; {} edits: median {:.3} ms, p95 {:.3} ms, slowest {:.3} ms",
        table.live_rows(),
        read.as_secs_f64() * 1000.0,
        times.len(),
        at(0.5),
        at(0.95),
        times[times.len() - 1]
    );
    Ok(ExitCode::SUCCESS)
}

fn write_text(out: &mut impl Write, report: &enrol_core::Report, locale: Locale) -> std::io::Result<()> {
    for i in &report.issues {
        let mut place = Vec::new();
        if let Some(r) = i.row {
            place.push(format!("row {r}"));
        }
        if let Some(l) = i.line {
            place.push(format!("line {l}"));
        }
        if let Some(c) = i.column {
            place.push(c.name().to_string());
        }
        let place = if place.is_empty() { "file".to_string() } else { place.join(", ") };
        let value = i.value.as_deref().map(|v| format!(" [{v}]")).unwrap_or_default();
        let message = enrol_core::messages::message(i, locale);
        writeln!(out, "{place}: {} {}: {message}{value}", i.severity().as_str(), i.code.as_str())?;
    }
    let s = report.summary;
    writeln!(out, "{} data rows, {} errors in {} rows, {} warnings", s.rows, s.errors, s.rows_with_errors, s.warnings)
}
