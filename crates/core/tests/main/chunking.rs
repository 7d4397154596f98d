//! The report must not depend on where chunk boundaries fall: a browser's `File.stream()` cuts a file
//! anywhere, inside a BOM, a CRLF, a quoted cell or a UTF-8 character, and the Worker may cut it elsewhere.
//! Each input is split in two at every byte offset, and fed one byte at a time; every way must give the
//! same report as the whole input in one `push`.

use crate::rules::INLINE;
use crate::support::{config_for, fixture, fixture_names, validate, validate_chunks};
use enrol_core::{Config, Locale, Report};

/// Inputs up to this size are split at every offset; larger ones at every offset of their first
/// `EVERY_OFFSET_UP_TO` bytes and of their last `EVERY_OFFSET_UP_TO`, and at a stride in between.
const SPLIT_EVERYWHERE_UP_TO: usize = 4096;
const EVERY_OFFSET_UP_TO: usize = 600;
const STRIDE: usize = 7;

fn split_offsets(len: usize) -> Vec<usize> {
    if len <= SPLIT_EVERYWHERE_UP_TO {
        return (0..=len).collect();
    }
    let tail = len - EVERY_OFFSET_UP_TO;
    (0..=len).filter(|&i| i <= EVERY_OFFSET_UP_TO || i >= tail || i % STRIDE == 0).collect()
}

/// What is compared: the JSON every caller sees, and the summary (which the JSON does not fully carry).
fn fingerprint(report: &Report) -> (String, enrol_core::Summary) {
    (report.to_json(Locale::EnIn), report.summary)
}

/// Every way of cutting `input` that differs from the whole, described (empty when all agree).
fn differences(config: &dyn Fn() -> Config, input: &[u8]) -> Vec<String> {
    let whole = fingerprint(&validate(config(), input));
    let mut bad_offsets = Vec::new();
    let mut first_difference = None;
    for at in split_offsets(input.len()) {
        let (a, b) = input.split_at(at);
        let split = fingerprint(&validate_chunks(config(), [a, b]));
        if split != whole {
            bad_offsets.push(at);
            first_difference.get_or_insert(split);
        }
    }
    let mut out = Vec::new();
    if let Some(split) = first_difference {
        out.push(format!(
            "split in two at {} of {} offsets {bad_offsets:?}\n      whole: {:?}\n      split at {}: {:?}",
            bad_offsets.len(),
            input.len() + 1,
            whole,
            bad_offsets[0],
            split
        ));
    }
    let bytewise = fingerprint(&validate_chunks(config(), input.chunks(1)));
    if bytewise != whole {
        out.push(format!("one byte at a time\n      whole: {whole:?}\n      bytewise: {bytewise:?}"));
    }
    out
}

/// `failures`: (input, what differs), several per input at most.
fn report_failures(failures: Vec<(String, String)>, of: usize) {
    let inputs: std::collections::BTreeSet<&str> = failures.iter().map(|(input, _)| input.as_str()).collect();
    let lines: Vec<String> = failures.iter().map(|(input, d)| format!("{input}: {d}")).collect();
    assert!(failures.is_empty(), "{} of {of} inputs depend on chunking:\n{}", inputs.len(), lines.join("\n"));
}

#[test]
fn every_fixture_gives_the_same_report_however_it_is_cut() {
    let names = fixture_names();
    assert!(names.len() >= 20, "the fixtures are missing: {names:?}");
    let mut failures = Vec::new();
    for name in &names {
        let input = fixture(name);
        for d in differences(&|| config_for(name), &input) {
            failures.push((name.clone(), d));
        }
    }
    report_failures(failures, names.len());
}

#[test]
fn every_inline_case_gives_the_same_report_however_it_is_cut() {
    let mut failures = Vec::new();
    for case in INLINE {
        for d in differences(&|| case.config(), &case.bytes()) {
            failures.push((case.what.to_string(), d));
        }
    }
    report_failures(failures, INLINE.len());
}

#[test]
fn a_large_file_is_cut_everywhere_near_its_ends_and_at_a_stride_in_between() {
    let offsets = split_offsets(10_000);
    assert!((0..=EVERY_OFFSET_UP_TO).all(|i| offsets.contains(&i)));
    assert!((10_000 - EVERY_OFFSET_UP_TO..=10_000).all(|i| offsets.contains(&i)));
    assert_eq!(split_offsets(100), (0..=100).collect::<Vec<_>>());

    // A file of many rows, well past the size where every offset is tried, cut at those offsets.
    let mut input = b"\xEF\xBB\xBFfirstName,lastName,phone,location\r\n".to_vec();
    for i in 0..200u64 {
        let phone = if i % 17 == 0 { "98765".to_string() } else { (9_000_000_000 + i).to_string() };
        input.extend_from_slice(format!("मीना,Devi,{phone},\"Ward {i},\r\nShimla\"\r\n").as_bytes());
    }
    assert!(input.len() > SPLIT_EVERYWHERE_UP_TO);
    let differences = differences(&crate::support::config, &input);
    assert!(differences.is_empty(), "{differences:?}");
}
