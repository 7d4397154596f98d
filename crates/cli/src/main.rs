//! enrol-cli: the `enrol` command.
//!
//! `enrol validate FILE` runs the same enrol-core code as the browser and the Worker, so an administrator
//! (or a script) gets the same verdict offline. `enrol seed-sql` prints the SQL that creates the demo tenant
//! and its administrator, with the password hashed exactly as the Worker hashes it.

mod seed;

use std::io::Read;
use std::process::ExitCode;

const USAGE: &str = "usage:
  enrol validate FILE            count the data rows of a CSV upload sheet
  enrol seed-sql --password PW [--user NAME] [--tenant ID --tenant-name NAME --state ID --state-name NAME]
                                 print SQL that creates the demo tenant and its SYSTEM administrator";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("validate") => validate(&args[1..]),
        Some("seed-sql") => seed::run(&args[1..]),
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

fn validate(args: &[String]) -> Result<ExitCode, CliError> {
    let [path] = args else {
        return Err(CliError::Usage("validate takes one FILE".into()));
    };
    let mut file = std::fs::File::open(path)
        .map_err(|e| CliError::Unreadable(format!("cannot open {path}: {e}")))?;
    let mut counter = enrol_core::RowCounter::new();
    // The browser reads in chunks too; the same code path, the same answer.
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        let n = file
            .read(&mut chunk)
            .map_err(|e| CliError::Unreadable(format!("cannot read {path}: {e}")))?;
        if n == 0 {
            break;
        }
        counter.push(&chunk[..n]);
    }
    println!("{} data rows", counter.finish());
    Ok(ExitCode::SUCCESS)
}
