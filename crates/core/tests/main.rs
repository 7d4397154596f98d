//! enrol-core's integration tests, in one binary so they link once.
//!
//! - `rules`: what the validator must report, issue by issue, for every fixture in `tests/data/` and for
//!   every rule of the upload sheet (DESIGN.md, "The CSV").
//! - `chunking`: the report does not depend on where the chunk boundaries fall.
//! - `properties`: arbitrary bytes, cut anywhere, never break it.
//! - `table`: the editable table reports what the stream reports, as read and after edits; its safe fixes.
//!
//! Every test uses the same fixed `today` (support::TODAY), so dates of birth check the same on any day.
//! The modules live in `tests/main/`, not beside this file, because Cargo builds every `tests/*.rs` as a
//! test binary of its own.

#[path = "main/chunking.rs"]
mod chunking;
#[path = "main/properties.rs"]
mod properties;
#[path = "main/rules.rs"]
mod rules;
#[path = "main/support.rs"]
mod support;
#[path = "main/table.rs"]
mod table;
