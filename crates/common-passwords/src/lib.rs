//! enrol-common-passwords: is this password one of the 100,000 most common of a published breach list?
//!
//! NIST SP 800-63B (5.1.1.2) asks a verifier to refuse passwords found in lists of breached ones. The list
//! is data/10-million-password-list-top-100000.txt (its header says where it comes from and its licence);
//! build.rs turns it into a binary fuse filter (src/fuse.rs) at compile time, so the binary carries 224 KiB
//! of 16-bit fingerprints instead of 780 KB of text, and no generated file is checked in. A listed password
//! is always found, ASCII case ignored; any other is wrongly found with probability 2^-16, about 1.5e-5 a
//! lookup (measured 1.5e-5 on 2,000,000 random strings; the tests hold it under 5e-5 on 100,000). That costs
//! the rare person concerned nothing worse than choosing another password.
//!
//! One job, and a crate of its own because of its weight: the Worker and the CLI link it (through
//! enrol-core's `breach-list` feature), the browser validator must not.

pub mod fuse;
#[cfg(test)]
mod list;

include!(concat!(env!("OUT_DIR"), "/filter.rs"));

/// Whether `password`, ASCII case ignored, is one of the list's entries (or, once in 65,536, looks like one).
pub fn contains(password: &str) -> bool {
    FILTER.contains(password)
}

/// What the filter weighs in the binary: its fingerprint array, in bytes.
pub fn size_bytes() -> usize {
    FILTER.fingerprints.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuse::SplitMix64;
    use std::collections::HashSet;

    const TEXT: &str = include_str!("../data/10-million-password-list-top-100000.txt");

    fn entries() -> Vec<&'static str> {
        list::entries(TEXT).collect()
    }

    /// `n` random strings of 8 to 16 printable ASCII characters that are not in the list (a fixed seed:
    /// the same strings on every run).
    fn random_strings(n: usize, seed: u64) -> Vec<String> {
        let listed: HashSet<String> = entries().iter().map(|e| e.to_ascii_lowercase()).collect();
        let mut rng = SplitMix64(seed);
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let len = 8 + (rng.next() % 9) as usize;
            let s: String = (0..len).map(|_| char::from(b' ' + (rng.next() % 95) as u8)).collect();
            if !listed.contains(&s.to_ascii_lowercase()) {
                out.push(s);
            }
        }
        out
    }

    #[test]
    fn the_list_is_the_published_one_in_rank_order() {
        let e = entries();
        assert_eq!(e.len(), 100_000);
        // Ranks are 1-based.
        assert_eq!((e[0], e[49_999], e[99_999]), ("123456", "cateye", "070162"));
    }

    #[test]
    fn entries_at_rank_1_50000_and_100000_are_found_in_any_case() {
        for p in ["123456", "cateye", "070162", "CatEye", "PASSWORD", "QwErTy"] {
            assert!(contains(p), "{p}");
        }
    }

    #[test]
    fn every_entry_of_the_list_is_found() {
        let missed: Vec<&str> = entries().into_iter().filter(|p| !contains(p)).collect();
        assert!(missed.is_empty(), "{} missed, first {:?}", missed.len(), &missed[..missed.len().min(5)]);
    }

    #[test]
    fn strong_passwords_are_not_found() {
        for p in ["vX7#qL9!mR2@wK", "correct horse battery staple", "Tr0ub4dor&3xq", "पासवर्ड-कठिन-2026"]
        {
            assert!(!contains(p), "{p}");
        }
    }

    /// The claim in the crate's doc: under 5e-5 a lookup (2^-16 ≈ 1.5e-5 expected). 100,000 strings expect
    /// 1.5 false positives: more than 5 would mean the hash or the layout is off.
    #[test]
    fn false_positives_on_100000_random_strings_stay_below_5e_5() {
        let found = random_strings(100_000, 1).iter().filter(|s| contains(s)).count();
        assert!(found <= 5, "{found} false positives in 100,000");
    }

    /// The same, measured closely: 2,000,000 strings expect 30.5; the rate must be within 1.5x of 2^-16.
    #[test]
    fn false_positive_rate_is_two_to_the_minus_16() {
        let n = 2_000_000;
        let found = random_strings(n, 2).iter().filter(|s| contains(s)).count();
        let rate = found as f64 / n as f64;
        assert!(rate < 1.5 / 65_536.0, "{found} false positives in {n}: {rate:e}");
    }

    #[test]
    fn the_filter_weighs_under_2_4_bytes_a_key() {
        let keys: HashSet<String> = entries().iter().map(|e| e.to_ascii_lowercase()).collect();
        assert_eq!(size_bytes(), 2 * FILTER.layout.array_length());
        assert!((size_bytes() as f64) < 2.4 * keys.len() as f64, "{} bytes for {} keys", size_bytes(), keys.len());
    }

    #[test]
    fn a_small_filter_finds_its_keys_and_is_deterministic() {
        let keys: Vec<String> = (0..1000).map(|i| format!("key-{i}")).collect();
        let (seed, layout, bytes) = fuse::build(keys.iter().map(String::as_str));
        assert_eq!(fuse::build(keys.iter().map(String::as_str)), (seed, layout, bytes.clone()));
        let filter = fuse::Filter { seed, layout, fingerprints: &bytes };
        assert!(keys.iter().all(|k| filter.contains(k) && filter.contains(&k.to_uppercase())));
        let others = (0..100_000).filter(|i| filter.contains(&format!("other-{i}"))).count();
        assert!(others <= 5, "{others}");
    }
}
