//! Which row first held each value that must not repeat (phone, email, userName, externalId).
//!
//! A 1,000,000-row file in a browser must fit in 64 MiB, so entries are compact: a phone is exact and
//! shares one u64 with its row (34 + 30 bits), text values are a 64-bit SipHash of their ASCII-lowercased
//! bytes plus the row (12 bytes). With a million values the chance of any false match between texts is
//! about 3 in 10^8. The line of every row is kept too (4 bytes a row), so that the first of two duplicate
//! rows can be reported with its line when the second one turns up.

use hashbrown::HashTable;

const ROW_BITS: u32 = 30;
const ROW_MASK: u64 = (1 << ROW_BITS) - 1;

/// What must be unique, and which kind of value it is (texts of different kinds never match).
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    Phone(u64),
    Email(&'a str),
    UserName(&'a str),
    ExternalId(&'a str),
}

#[derive(Default)]
pub struct Seen {
    phones: HashTable<u64>,
    texts: HashTable<[u32; 3]>,
    /// `lines[row - 1]`: the physical line on which data row `row` starts.
    lines: Vec<u32>,
    /// (row, kind) pairs whose duplicate issue has been reported already.
    reported: Bits,
}

/// A growable set of small numbers, one bit each.
#[derive(Default)]
pub struct Bits(Vec<u64>);

impl Bits {
    /// Adds `n`; true if it was not there before.
    pub fn insert(&mut self, n: u64) -> bool {
        let (word, bit) = ((n / 64) as usize, n % 64);
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        let fresh = self.0[word] & (1 << bit) == 0;
        self.0[word] |= 1 << bit;
        fresh
    }
}

fn mix(n: u64) -> u64 {
    n.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// A 64-bit hash of `s` with ASCII letters lowered, eight bytes at a time. Not SipHash: the keys are the
/// admin's own file, no one gains by making two collide, and this runs for every text value. The same on
/// every target (plain u64 arithmetic), so native and wasm reports agree.
fn fingerprint(kind: u8, s: &str) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    // A byte is upper case when its low seven bits are at least 'A' and at most 'Z' and its top bit is clear.
    let lower = |w: u64| {
        let low7 = w & !HI;
        let upper = (low7 + LO * u64::from(0x80 - b'A')) & !(low7 + LO * u64::from(0x80 - b'Z' - 1)) & !w & HI;
        w | upper >> 2
    };
    let bytes = s.as_bytes();
    let mut h = (u64::from(kind) << 56 | bytes.len() as u64).wrapping_mul(K);
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = w.try_into().map(u64::from_le_bytes).unwrap_or(0);
        h = (h ^ lower(w)).wrapping_mul(K).rotate_left(29);
    }
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    h = (h ^ lower(u64::from_le_bytes(last))).wrapping_mul(K);
    // murmur3's finaliser: every input bit reaches every output bit.
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ h >> 33
}

impl Key<'_> {
    fn kind(&self) -> u8 {
        match self {
            Key::Phone(_) => 0,
            Key::Email(_) => 1,
            Key::UserName(_) => 2,
            Key::ExternalId(_) => 3,
        }
    }
}

impl Seen {
    /// Room for `rows` rows without growing: every row has a phone, about half have a text value.
    pub fn reserve(&mut self, rows: usize) {
        self.phones.reserve(rows, |e| mix(e >> ROW_BITS));
        self.texts.reserve(rows / 2, |e| u64::from(e[0]) | u64::from(e[1]) << 32);
        self.lines.reserve(rows);
    }

    /// Data row `row` (1-based, in order) starts on `line`.
    pub fn row_line(&mut self, row: u64, line: u64) {
        debug_assert_eq!(self.lines.len() as u64 + 1, row);
        self.lines.push(u32::try_from(line).unwrap_or(u32::MAX));
    }

    pub fn line_of(&self, row: u64) -> Option<u64> {
        let i = usize::try_from(row.checked_sub(1)?).ok()?;
        self.lines.get(i).map(|&l| u64::from(l))
    }

    /// The earlier row that held `key`, or None (and `row` is remembered as holding it).
    pub fn first_row(&mut self, key: Key<'_>, row: u64) -> Option<u64> {
        if row > ROW_MASK {
            return None; // past a billion rows duplicates are no longer tracked
        }
        match key {
            Key::Phone(phone) => {
                let hash = mix(phone);
                match self.phones.find(hash, |e| e >> ROW_BITS == phone) {
                    Some(e) => Some(e & ROW_MASK),
                    None => {
                        self.phones.insert_unique(hash, phone << ROW_BITS | row, |e| mix(e >> ROW_BITS));
                        None
                    }
                }
            }
            Key::Email(s) | Key::UserName(s) | Key::ExternalId(s) => {
                let fp = fingerprint(key.kind(), s);
                let (lo, hi) = (fp as u32, (fp >> 32) as u32);
                match self.texts.find(fp, |e| e[0] == lo && e[1] == hi) {
                    Some(e) => Some(u64::from(e[2])),
                    None => {
                        let hasher = |e: &[u32; 3]| u64::from(e[0]) | u64::from(e[1]) << 32;
                        self.texts.insert_unique(fp, [lo, hi, row as u32], hasher);
                        None
                    }
                }
            }
        }
    }

    /// Marks `row`'s duplicate of this kind of value as reported; true if it was not before. (A row can
    /// repeat one row's phone and another row's email: each is reported.)
    pub fn report(&mut self, row: u64, key: Key<'_>) -> bool {
        self.reported.insert(row * 4 + key.kind() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_row_of_each_kind() {
        let mut s = Seen::default();
        assert_eq!(s.first_row(Key::Phone(9_876_543_210), 1), None);
        assert_eq!(s.first_row(Key::Email("A@x.in"), 2), None);
        assert_eq!(s.first_row(Key::UserName("a@x.in"), 3), None, "a userName never matches an email");
        assert_eq!(s.first_row(Key::Phone(9_876_543_210), 4), Some(1));
        assert_eq!(s.first_row(Key::Email("a@X.IN"), 5), Some(2), "case-insensitive");
        assert_eq!(s.first_row(Key::Phone(9_876_543_211), 6), None);
        let phone = Key::Phone(9_876_543_210);
        assert!(s.report(1, phone) && !s.report(1, phone) && s.report(1, Key::Email("x")) && s.report(64, phone));
    }

    #[test]
    fn fingerprints_lower_ascii_only_and_tell_values_apart() {
        let all: String = (0u8..128).map(char::from).collect();
        assert_eq!(fingerprint(1, &all), fingerprint(1, &all.to_ascii_lowercase()));
        assert_eq!(fingerprint(1, "ÀB-Z@x.IN"), fingerprint(1, "Àb-z@X.in"));
        assert_ne!(fingerprint(1, "À"), fingerprint(1, "à"), "only ASCII letters are folded");
        assert_ne!(fingerprint(1, "a@x.in"), fingerprint(2, "a@x.in"));
        assert_ne!(fingerprint(1, "abc"), fingerprint(1, "abc\0"), "the length counts");
        let mut seen = std::collections::HashSet::new();
        for i in 0..200_000 {
            assert!(seen.insert(fingerprint(1, &format!("user{i}@gp.example.in"))), "collision at {i}");
        }
    }
}
