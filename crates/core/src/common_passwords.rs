//! Passwords too easy to guess, which NIST SP 800-63B (5.1.1.2) asks a verifier to refuse: those of breach
//! lists, repetitive or sequential characters, and the service's own name.
//!
//! A password is refused when it, or its *bare* form (leading and trailing punctuation and spaces removed),
//! or its *word* (leading and trailing digits removed as well: `Welcome@2026` → `Welcome`), has at least 4
//! characters and
//! - is a simple pattern: one character, or a unit of up to four, repeated (`aaaaaaaa`, `abababab`,
//!   `passpass`), or a run of the alphabet, the digits or a keyboard row, either way (`abcdefgh`,
//!   `87654321`, `qwertyui`);
//! - is one of the service's names (`enrol`, `digit`, `mgramseva`, `egov`);
//! - is on [`COMMON_PASSWORDS`], a short list of what people pick most (in every build);
//! - with the cargo feature `breach-list`: is one of the 100,000 most common passwords of a published breach
//!   list (crate enrol-common-passwords, a 224 KiB filter). A strong password is wrongly refused with a
//!   probability of at most 3 × 2^-16 (one lookup for each distinct form), about 4.6e-5.
//!
//! Letters are compared ASCII-case-insensitively everywhere, as the filter does.
//!
//! Why the breach list is a feature of this crate rather than a check in the Worker alone. The Worker and
//! the CLI turn the feature on; the browser validator (crates/validator) does not, which keeps its wasm
//! under 100 KB gzipped. Every caller then runs this one function through [`crate::fields::Password`] and
//! enrol-core's `Validator`: the Worker's upload, the accounts it creates, password changes and `enrol
//! validate` give the same verdict and the same issue (`common_password`, at the same row and column, with
//! the same message), and the browser's verdict is the same minus the breach list, never stricter. A
//! password only the breach list knows passes the page's check and is reported by the Worker's upload as
//! that cell's `common_password` issue, exactly as the page would have reported it. A check in the Worker
//! alone would have needed a second pass over the upload's password cells beside the validator, a second
//! rule for accounts made through the API, and would have made the Worker disagree with `enrol validate`,
//! which the parity tests hold it to. The page's list (www/phone.js's hint) repeats [`COMMON_PASSWORDS`] and
//! these rules; a test keeps them equal.

/// What people pick most, as words (affixes of digits and symbols are stripped before the lookup, so
/// `password`, `Password1!` and `password@123` are one entry): the most common words of the breach list, the
/// local ones it lacks, and whole passwords that no rule catches. Lower case, 4 characters or more; a test
/// refuses an entry that the rules already catch. www/phone.js repeats it.
pub const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "pass",
    "11223344",
    "147258369",
    "123456780",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1qaz2wsx",
    "zaq12wsx",
    "qazwsx",
    "qweasd",
    "qweasdzxc",
    "q1w2e3r4",
    "a1b2c3d4",
    "abc12345",
    "aa123456",
    "trustno1",
    "iloveyou",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "soccer",
    "hockey",
    "cricket",
    "superman",
    "batman",
    "starwars",
    "welcome",
    "hello",
    "love",
    "admin",
    "administrator",
    "changeme",
    "letmein",
    "access",
    "secret",
    "default",
    "test",
    "user",
    "login",
    "monkey",
    "dragon",
    "master",
    "shadow",
    "mustang",
    "tigger",
    "whatever",
    "computer",
    "internet",
    "freedom",
    "summer",
    "matrix",
    "pepper",
    "ginger",
    "cheese",
    "thunder",
    "diamond",
    "silver",
    "hammer",
    "hunter",
    "killer",
    "buster",
    "michael",
    "jennifer",
    "jordan",
    "charlie",
    "robert",
    "thomas",
    "daniel",
    "andrew",
    "george",
    "jessica",
    "ashley",
    "india",
    "bharat",
    "hindustan",
    "jaihind",
    "krishna",
    "sairam",
    "omsairam",
    "ganesh",
    "jaimatadi",
    "mumbai",
    "delhi",
    "chennai",
    "pune",
    "sachin",
];

/// The service's own names: enrol, and the DIGIT platform and mGramSeva it serves.
const SERVICE_NAMES: &[&str] = &["enrol", "digit", "mgramseva", "egov"];

/// Runs that a "sequence" is a piece of, read either way: the alphabet, the digits (0 at both ends, as on
/// a keyboard and in counting), and the three letter rows of a QWERTY keyboard.
const RUNS: &[&str] = &["abcdefghijklmnopqrstuvwxyz", "01234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];

/// Whether `password` is too easy to guess (the module's rules). Allocates nothing.
pub fn is_common(password: &str) -> bool {
    let bare = password.trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
    let word = bare.trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace() || c.is_ascii_digit());
    // Each distinct form once: every breach-list lookup adds its chance of a false positive.
    is_guessable(password) || (bare != password && is_guessable(bare)) || (word != bare && is_guessable(word))
}

fn is_guessable(s: &str) -> bool {
    s.chars().count() >= 4
        && (repeats(s)
            || is_run(s)
            || SERVICE_NAMES.iter().any(|n| n.eq_ignore_ascii_case(s))
            || COMMON_PASSWORDS.iter().any(|c| c.eq_ignore_ascii_case(s))
            || in_breach_list(s))
}

#[cfg(feature = "breach-list")]
fn in_breach_list(s: &str) -> bool {
    enrol_common_passwords::contains(s)
}

#[cfg(not(feature = "breach-list"))]
fn in_breach_list(_: &str) -> bool {
    false
}

/// One character, or a unit of up to four, repeated to the end: `aaaa`, `abab`, `abcabca`, `passpass`.
fn repeats(s: &str) -> bool {
    let n = s.chars().count();
    (1..=4).any(|unit| n >= 2 * unit && s.chars().zip(s.chars().skip(unit)).all(|(a, b)| a.eq_ignore_ascii_case(&b)))
}

/// A piece of one of the [`RUNS`], forwards or backwards: `abcd`, `4321`, `7890`, `qwerty`, `lkjhg`.
fn is_run(s: &str) -> bool {
    let s = s.as_bytes();
    RUNS.iter().any(|run| {
        run.as_bytes()
            .windows(s.len())
            .any(|w| w.eq_ignore_ascii_case(s) || w.iter().rev().zip(s).all(|(a, b)| a.eq_ignore_ascii_case(b)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules alone, without either list: what a list entry must not already be caught by.
    fn caught_by_rules(s: &str) -> bool {
        repeats(s) || is_run(s) || SERVICE_NAMES.iter().any(|n| n.eq_ignore_ascii_case(s))
    }

    #[test]
    fn refused_in_every_build() {
        let cases = [
            ("Password1!", "a listed word with a digit and a symbol after it"),
            ("Qwerty@123", "a keyboard run with a symbol and digits after it"),
            ("Welcome@2026", "a listed word with a year after it"),
            ("PASSWORD123", "case is ignored"),
            ("!!password!!", "symbols before and after"),
            ("2026welcome", "digits before"),
            ("aaaaaaaa", "one character repeated"),
            ("!!!!!!!!!", "one symbol repeated"),
            ("abababab", "a unit of two repeated"),
            ("passpass", "a unit of four repeated"),
            ("abcdefgh", "the alphabet"),
            ("hgfedcba", "the alphabet backwards"),
            ("12345678", "the digits"),
            ("87654321", "the digits backwards"),
            ("1234567890", "the digits as on a keyboard"),
            ("12345678!", "the digits and a symbol"),
            ("qwertyui", "a keyboard row"),
            ("Asdfgh@12", "a keyboard row with affixes"),
            ("abcd1234", "a run with digits after it"),
            ("enrol2026", "the service's name with a year"),
            ("Mgramseva@1", "the platform's name"),
            ("DIGIT@2026", "the platform's name in capitals"),
            ("eGov@123", "the platform's old name"),
            ("trustno1", "a listed whole password"),
            ("jaimatadi@786", "a local word, on the short list so that the page knows it too"),
        ];
        for (p, why) in cases {
            assert!(is_common(p), "{p}: {why}");
        }
    }

    #[test]
    fn accepted_in_every_build() {
        let cases = [
            ("vX7#qL9!mR2@wK", "a strong random password"),
            ("a long passphrase", "a passphrase"),
            ("my own tea garden", "a passphrase with spaces inside"),
            ("Citizen-pass-29", "a word, a hyphen and another word"),
            ("digital india 2026", "a service name inside a longer phrase"),
            ("abc!", "a run shorter than 4 counts for nothing on its own"),
            ("Tr0ub4dor&3", "a unit repeated only in part"),
            ("पासवर्ड-कठिन-2026", "non-ASCII text"),
        ];
        for (p, why) in cases {
            assert!(!is_common(p), "{p}: {why}");
        }
    }

    #[test]
    fn the_short_list_is_lower_case_words_that_no_rule_already_catches() {
        for c in COMMON_PASSWORDS {
            assert!(c.len() >= 4 && *c == c.to_ascii_lowercase(), "{c}");
            assert!(!caught_by_rules(c), "{c} is caught by a rule: drop it from the list");
            assert!(COMMON_PASSWORDS.iter().filter(|d| *d == c).count() == 1, "{c} twice");
        }
    }

    #[cfg(feature = "breach-list")]
    mod breach_list {
        use super::*;
        use enrol_common_passwords::fuse::SplitMix64;

        #[test]
        fn the_breach_list_is_used_on_the_password_and_its_word() {
            for (p, why) in [
                ("cateye", "rank 50,000 (6 characters: the word rule's minimum is 4)"),
                ("070162", "rank 100,000"),
                ("123456", "rank 1"),
                ("Cateye2026!", "rank 50,000 with affixes"),
                ("chocolate1", "a listed word missing from the short list"),
                ("Chocolate@99", "the same with affixes"),
            ] {
                assert!(is_common(p), "{p}: {why}");
            }
        }

        /// The module's claim: a strong password is wrongly refused with a probability of at most 3 × 2^-16
        /// (about 4.6e-5; one lookup for each distinct form). 100,000 random passwords of 12 characters
        /// (letters, digits and symbols: long enough that no real word is left after stripping), compared with
        /// 1e-4: more than 10 refused would mean the rules or the lookups are off.
        #[test]
        fn strong_random_passwords_are_refused_below_1e_4() {
            const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%&*-_=+?";
            let mut rng = SplitMix64(3);
            let n = 100_000;
            let refused = (0..n)
                .filter(|_| {
                    let s: String =
                        (0..12).map(|_| char::from(CHARS[(rng.next() % CHARS.len() as u64) as usize])).collect();
                    is_common(&s)
                })
                .count();
            assert!(refused <= 10, "{refused} of {n} refused");
        }
    }
}
