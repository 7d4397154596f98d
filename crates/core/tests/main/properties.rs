//! Arbitrary bytes, cut into arbitrary chunks: the validator never panics, always reports, gives the same
//! report however the bytes arrive, and its summary agrees with its issues and with the input's lines.
//!
//! The seed is fixed, so a run is repeatable; set PROPTEST_RNG_SEED (and PROPTEST_CASES) to explore more.

use crate::support::{config, validate, validate_chunks};
use enrol_core::{Locale, Report, Severity};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use std::collections::BTreeSet;

const MAX_INPUT: usize = 2048;

/// An input, shown as an escaped byte string when a case fails (not as one number per line).
#[derive(Clone)]
struct Bytes(Vec<u8>);

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "b\"{}\" ({} bytes)", self.0.escape_ascii(), self.0.len())
    }
}

fn proptest_config() -> ProptestConfig {
    let mut c = ProptestConfig { failure_persistence: None, ..ProptestConfig::default() };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 256;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(0x0065_6e72_6f6c);
    }
    c
}

/// Bytes that make CSV interesting (delimiters, quotes, every line break, blanks, a letter, a digit, a
/// two-byte character), now and then any byte at all, after a valid header (maybe with a BOM, maybe CRLF).
fn csv_like() -> impl Strategy<Value = Bytes> {
    let header = prop_oneof![
        Just(enrol_core::schema::template_header() + "\n"),
        Just("firstName,phone\n".to_string()),
        Just("\u{FEFF}firstName,phone,email,userName,password\r\n".to_string()),
        Just("firstName,phone,DOB,externalId,externalIdType,externalIdProvider\r".to_string()),
    ];
    let token = prop_oneof![
        9 => prop::sample::select(vec![",", "\"", "\r", "\n", " ", "a", "1", "é"]).prop_map(|t| t.as_bytes().to_vec()),
        1 => any::<u8>().prop_map(|b| vec![b]),
    ];
    (header, prop::collection::vec(token, 0..900)).prop_map(|(header, tokens)| {
        let mut input = header.into_bytes();
        input.extend(tokens.into_iter().flatten());
        input.truncate(MAX_INPUT);
        Bytes(input)
    })
}

fn arbitrary_bytes() -> impl Strategy<Value = Bytes> {
    prop::collection::vec(any::<u8>(), 0..MAX_INPUT).prop_map(Bytes)
}

/// Cut points, as fractions of the input's length so they fit any input.
fn cuts() -> impl Strategy<Value = Vec<u16>> {
    prop::collection::vec(any::<u16>(), 0..8)
}

fn chunks<'a>(input: &'a [u8], cuts: &[u16]) -> Vec<&'a [u8]> {
    let mut at: Vec<usize> = cuts.iter().map(|&c| input.len() * usize::from(c) / usize::from(u16::MAX)).collect();
    at.sort_unstable();
    let mut out = Vec::new();
    let mut start = 0;
    for end in at {
        out.push(&input[start..end]);
        start = end;
    }
    out.push(&input[start..]);
    out
}

/// Line breaks as the reader counts them: `\n`, `\r\n` and a lone `\r` each end one line.
fn line_breaks(input: &[u8]) -> u64 {
    input.iter().enumerate().filter(|&(i, &b)| b == b'\n' || (b == b'\r' && input.get(i + 1) != Some(&b'\n'))).count()
        as u64
}

/// None when both reports are the same; else where they first differ.
fn difference(whole: &Report, other: &Report) -> Option<String> {
    let (a, b) = (whole.to_json(Locale::EnIn), other.to_json(Locale::EnIn));
    if a == b && whole.summary == other.summary {
        return None;
    }
    let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    let from = at.saturating_sub(60);
    let context = |s: &str| s.get(from..).unwrap_or(s).chars().take(240).collect::<String>();
    Some(format!(
        "the JSON differs from byte {at}:\n   whole: …{}\n   other: …{}\n   summaries: {:?} / {:?}",
        context(&a),
        context(&b),
        whole.summary,
        other.summary
    ))
}

fn check(input: &[u8], cuts: &[u16]) -> Result<(), TestCaseError> {
    let whole = validate(config(), input);
    let pieces = chunks(input, cuts);
    let chunked = validate_chunks(config(), pieces.iter().copied());
    let sizes: Vec<usize> = pieces.iter().map(|p| p.len()).collect();
    if let Some(d) = difference(&whole, &chunked) {
        prop_assert!(false, "chunks of {:?} bytes: {}", sizes, d);
    }

    let s = whole.summary;
    let breaks = line_breaks(input);
    prop_assert!(s.rows <= breaks + 1, "{} rows from {breaks} line breaks", s.rows);
    // The header has a line of its own, and each data row starts on a later one.
    prop_assert!(s.rows == 0 || s.rows <= breaks, "{} rows after a header, from {breaks} line breaks", s.rows);

    // Nothing is capped in 2 KB, so the summary counts exactly the issues listed.
    let errors: Vec<_> = whole.issues.iter().filter(|i| i.severity() == Severity::Error).collect();
    prop_assert_eq!(s.errors, errors.len() as u64);
    prop_assert_eq!(s.warnings, (whole.issues.len() - errors.len()) as u64);
    let rows_with_errors: BTreeSet<u64> = errors.iter().filter_map(|i| i.row).collect();
    prop_assert_eq!(s.rows_with_errors, rows_with_errors.len() as u64);
    prop_assert_eq!(whole.is_clean(), errors.is_empty());

    for issue in &whole.issues {
        // An unclosed quote may name the row it opened (one past the rows counted).
        prop_assert!(issue.row.is_none_or(|r| r >= 1 && r <= s.rows + 1), "{issue:?} with {} rows", s.rows);
        prop_assert!(issue.line.is_none_or(|l| l >= 1 && l <= breaks + 1), "{issue:?} with {breaks} breaks");
    }
    let order: Vec<(bool, Option<u64>)> = whole.issues.iter().map(|i| (i.row.is_some(), i.row)).collect();
    prop_assert!(order.is_sorted(), "file-level issues first, then by row: {order:?}");

    let json = whole.to_json(Locale::EnIn);
    prop_assert!(json.bytes().all(|b| b >= 0x20), "control characters are escaped: {json}");
    let shape = json.starts_with(&format!("{{\"rows\":{},\"issues\":[", s.rows)) && json.ends_with("]}");
    prop_assert!(shape, "{}", json);
    Ok(())
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn arbitrary_bytes_in_arbitrary_chunks(input in arbitrary_bytes(), cuts in cuts()) {
        check(&input.0, &cuts)?;
    }

    #[test]
    fn csv_like_bytes_in_arbitrary_chunks(input in csv_like(), cuts in cuts()) {
        check(&input.0, &cuts)?;
    }

    #[test]
    fn csv_like_bytes_one_at_a_time(input in csv_like()) {
        let whole = validate(config(), &input.0);
        let bytewise = validate_chunks(config(), input.0.chunks(1));
        if let Some(d) = difference(&whole, &bytewise) {
            prop_assert!(false, "one byte at a time: {}", d);
        }
    }
}

#[test]
fn chunks_cover_the_input_in_order() {
    let input: Vec<u8> = (0..=255).collect();
    for cuts in [vec![], vec![0], vec![u16::MAX], vec![40_000, 100, 100, 65_000]] {
        let pieces = chunks(&input, &cuts);
        assert_eq!(pieces.len(), cuts.len() + 1);
        assert_eq!(pieces.concat(), input, "{cuts:?}");
    }
    assert_eq!(line_breaks(b"a\r\nb\rc\nd"), 3);
}
