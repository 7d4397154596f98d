//! What the test modules share: the fixed today, the fixtures, and running the validator on chunks.

use enrol_core::{Code, Config, Date, Report, Severity, Validator};
use std::path::PathBuf;

/// The day every test runs on (dates of birth after it are in the future).
pub const TODAY: Date = Date { year: 2026, month: 11, day: 24 };

pub fn config() -> Config {
    Config::new(TODAY)
}

/// The config a fixture is checked with: a name ending in `_limitN.csv` sets `max_rows` to N.
pub fn config_for(name: &str) -> Config {
    let mut config = config();
    let limit = name.strip_suffix(".csv").and_then(|s| s.rsplit_once("_limit")).and_then(|(_, n)| n.parse().ok());
    if let Some(n) = limit {
        config.max_rows = n;
    }
    config
}

/// `tests/data/` at the workspace root: the fixtures are shared with the browser tests.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data")
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(data_dir().join(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// Every `.csv` in `tests/data/`, sorted.
pub fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(data_dir())
        .expect("tests/data exists")
        .map(|e| e.expect("readable entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    names
}

/// Feeds `chunks` in order, then finishes.
pub fn validate_chunks<'a>(config: Config, chunks: impl IntoIterator<Item = &'a [u8]>) -> Report {
    let mut v = Validator::new(config);
    for chunk in chunks {
        v.push(chunk);
    }
    v.finish()
}

/// The whole input in one `push`.
pub fn validate(config: Config, input: &[u8]) -> Report {
    validate_chunks(config, [input])
}

pub fn code_named(text: &str) -> Code {
    *Code::ALL.iter().find(|c| c.as_str() == text).unwrap_or_else(|| panic!("no issue code {text:?}"))
}

pub fn is_error(text: &str) -> bool {
    code_named(text).severity() == Severity::Error
}
