//! Any bytes, cut in two anywhere: the validator must not panic, and the report must be the same as for
//! the whole input in one `push`. The first byte of the fuzzer's input says where to cut the rest
//! (0 = before the first byte, 255 = after the last), scaled to its length.

#![no_main]

use enrol_core::{Config, Date, Locale, Report, Validator};
use libfuzzer_sys::fuzz_target;

/// A fixed today, so a crash reproduces on any day.
const TODAY: Date = Date { year: 2026, month: 11, day: 24 };

fn validate<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Report {
    let mut v = Validator::new(Config::new(TODAY));
    for chunk in chunks {
        v.push(chunk);
    }
    v.finish()
}

fuzz_target!(|data: &[u8]| {
    let Some((&position, input)) = data.split_first() else {
        return;
    };
    let at = input.len() * usize::from(position) / usize::from(u8::MAX);
    let (a, b) = input.split_at(at);
    let whole = validate([input]);
    let chunked = validate([a, b]);
    assert_eq!(whole.to_json(Locale::EnIn), chunked.to_json(Locale::EnIn), "cut at {at} of {}", input.len());
    assert_eq!(whole.summary, chunked.summary, "cut at {at} of {}", input.len());
});
