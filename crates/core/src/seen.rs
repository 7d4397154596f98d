//! Which row first held each value that must not repeat (phone, email, userName, externalId).
//!
//! A 1,000,000-row file in a browser must fit in 64 MiB, so entries are compact: a phone is exact and
//! shares one u64 with its row (34 + 30 bits), text values are a 64-bit hash of their ASCII-lowercased
//! bytes plus the row (12 bytes). With a million values the chance of any false match between texts is
//! about 3 in 10^8. The line of every row is kept too (4 bytes a row), so that the first of two duplicate
//! rows can be reported with its line when the second one turns up.
//!
//! The tables are open-addressed with linear probing and the entries inline, at most three quarters full:
//! a lookup in a table far larger than the cache touches one cache line, where a table with control bytes
//! apart from its entries (hashbrown) touches two. On a 1,000,000-row file that was a third of the time.

use crate::words::{lower, word_at};

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

/// A key as the tables hold it: a phone as is, a text as its fingerprint and kind. Made as soon as a value
/// is read, so that the value itself need not be kept until the lookup.
#[derive(Debug, Clone, Copy)]
pub enum Hashed {
    Phone(u64),
    Text { fingerprint: u64, kind: u8 },
}

impl Hashed {
    fn kind(&self) -> u8 {
        match self {
            Hashed::Phone(_) => 0,
            Hashed::Text { kind, .. } => *kind,
        }
    }

    /// Where the key's search starts in its table.
    fn hash(&self) -> u64 {
        match self {
            Hashed::Phone(phone) => mix(*phone),
            Hashed::Text { fingerprint, .. } => *fingerprint,
        }
    }
}

#[derive(Default)]
pub struct Seen {
    /// `phone << ROW_BITS | row`; rows start at 1, so 0 is an empty slot.
    phones: Table<u64>,
    /// `[hash low, hash high, row]`; row 0 is an empty slot.
    texts: Table<[u32; 3]>,
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

/// A phone's hash: a multiply spreads it upwards, the fold brings the high bits down to the low ones that
/// pick a slot.
fn mix(n: u64) -> u64 {
    let m = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    m ^ m >> 29
}

/// A 64-bit hash of `s` with ASCII letters lowered, eight bytes at a time. Not SipHash: the keys are the
/// admin's own file, no one gains by making two collide, and this runs for every text value. The same on
/// every target (plain u64 arithmetic), so native and wasm reports agree.
fn fingerprint(kind: u8, s: &str) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes = s.as_bytes();
    let mut h = (u64::from(kind) << 56 | bytes.len() as u64).wrapping_mul(K);
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = w.try_into().map(u64::from_le_bytes).unwrap_or(0);
        h = (h ^ lower(w)).wrapping_mul(K).rotate_left(29);
    }
    h = (h ^ lower(word_at(words.remainder(), 0))).wrapping_mul(K);
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

    pub fn hashed(&self) -> Hashed {
        match *self {
            Key::Phone(phone) => Hashed::Phone(phone),
            Key::Email(s) | Key::UserName(s) | Key::ExternalId(s) => {
                Hashed::Text { fingerprint: fingerprint(self.kind(), s), kind: self.kind() }
            }
        }
    }
}

/// An entry of a `Table`: a key with its row, or the empty slot (all zeros).
trait Slot: Copy + Default + PartialEq {
    /// The hash the entry was placed by.
    fn hash(&self) -> u64;
}

impl Slot for u64 {
    fn hash(&self) -> u64 {
        mix(self >> ROW_BITS)
    }
}

impl Slot for [u32; 3] {
    fn hash(&self) -> u64 {
        u64::from(self[0]) | u64::from(self[1]) << 32
    }
}

/// Open addressing, linear probing, a power-of-two number of slots, at most three quarters full.
struct Table<E> {
    slots: Vec<E>,
    len: usize,
}

impl<E> Default for Table<E> {
    fn default() -> Self {
        Self { slots: Vec::new(), len: 0 }
    }
}

impl<E: Slot> Table<E> {
    fn slots_for(n: usize) -> usize {
        (n.saturating_mul(4) / 3 + 1).next_power_of_two().max(16)
    }

    /// Room for `n` entries without growing.
    fn reserve(&mut self, n: usize) {
        if Self::slots_for(n) > self.slots.len() {
            self.resize(Self::slots_for(n));
        }
    }

    fn resize(&mut self, slots: usize) {
        let old = std::mem::replace(&mut self.slots, vec![E::default(); slots]);
        let mask = slots - 1;
        for e in old.into_iter().filter(|e| *e != E::default()) {
            let mut i = e.hash() as usize & mask;
            while self.slots[i] != E::default() {
                i = (i + 1) & mask;
            }
            self.slots[i] = e;
        }
    }

    /// Whether the slot where a search for `hash` starts is taken. Asked only to bring that slot into the
    /// cache: a batch of these waits for memory once, together, where lookups one by one wait each time.
    #[inline]
    fn touch(&self, hash: u64) -> bool {
        self.slots.get(hash as usize & self.slots.len().wrapping_sub(1)).is_some_and(|e| *e != E::default())
    }

    /// The entry for which `same` holds, or else `entry` is added and None returned.
    #[inline]
    fn find_or_insert(&mut self, hash: u64, entry: E, same: impl Fn(&E) -> bool) -> Option<E> {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.resize(Self::slots_for(self.len + 1).max(self.slots.len() * 2));
        }
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let e = self.slots[i];
            if e == E::default() {
                self.slots[i] = entry;
                self.len += 1;
                return None;
            }
            if same(&e) {
                return Some(e);
            }
            i = (i + 1) & mask;
        }
    }
}

impl Seen {
    /// Room for `rows` rows: every row has a phone; texts get room for one every other row and grow past
    /// that (sheets hold fewer emails and userNames than phones, and a smaller table misses the cache less).
    pub fn reserve(&mut self, rows: usize) {
        self.phones.reserve(rows);
        self.texts.reserve(rows / 2);
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

    /// See `Table::touch`: true when the slot is taken (the answer is of no use but to keep the read).
    pub fn touch(&self, key: Hashed) -> bool {
        match key {
            Hashed::Phone(_) => self.phones.touch(key.hash()),
            Hashed::Text { .. } => self.texts.touch(key.hash()),
        }
    }

    /// The earlier row that held `key`, or None (and `row` is remembered as holding it).
    pub fn first_row(&mut self, key: Hashed, row: u64) -> Option<u64> {
        if row > ROW_MASK {
            return None; // past a billion rows duplicates are no longer tracked
        }
        match key {
            Hashed::Phone(phone) => {
                let found = self.phones.find_or_insert(key.hash(), phone << ROW_BITS | row, |e| e >> ROW_BITS == phone);
                found.map(|e| e & ROW_MASK)
            }
            Hashed::Text { fingerprint: fp, .. } => {
                let (lo, hi) = (fp as u32, (fp >> 32) as u32);
                let found = self.texts.find_or_insert(fp, [lo, hi, row as u32], |e| e[0] == lo && e[1] == hi);
                found.map(|e| u64::from(e[2]))
            }
        }
    }

    /// Marks `row`'s duplicate of this kind of value as reported; true if it was not before. (A row can
    /// repeat one row's phone and another row's email: each is reported.)
    pub fn report(&mut self, row: u64, key: Hashed) -> bool {
        self.reported.insert(row * 4 + key.kind() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Seen {
        fn first_row_of(&mut self, key: Key<'_>, row: u64) -> Option<u64> {
            self.first_row(key.hashed(), row)
        }
    }

    #[test]
    fn finds_the_first_row_of_each_kind() {
        let mut s = Seen::default();
        assert_eq!(s.first_row_of(Key::Phone(9_876_543_210), 1), None);
        assert_eq!(s.first_row_of(Key::Email("A@x.in"), 2), None);
        assert_eq!(s.first_row_of(Key::UserName("a@x.in"), 3), None, "a userName never matches an email");
        assert_eq!(s.first_row_of(Key::Phone(9_876_543_210), 4), Some(1));
        assert_eq!(s.first_row_of(Key::Email("a@X.IN"), 5), Some(2), "case-insensitive");
        assert_eq!(s.first_row_of(Key::Phone(9_876_543_211), 6), None);
        let phone = Key::Phone(9_876_543_210).hashed();
        assert!(
            s.report(1, phone) && !s.report(1, phone) && s.report(1, Key::Email("x").hashed()) && s.report(64, phone)
        );
    }

    #[test]
    fn tables_find_every_row_across_growth_and_collisions() {
        // Unreserved, so the tables grow many times; phones that differ only in high digits, and texts.
        let mut s = Seen::default();
        let phone = |i: u64| 6_000_000_000 + (i % 5_000) * 1_000_000 + i / 5_000;
        for row in 1..=20_000 {
            assert_eq!(s.first_row_of(Key::Phone(phone(row)), row), None, "phone of row {row}");
            assert_eq!(s.first_row_of(Key::Email(&format!("u{row}@x.in")), row), None, "email of row {row}");
        }
        for row in 1..=20_000 {
            assert_eq!(s.first_row_of(Key::Phone(phone(row)), 30_000 + row), Some(row));
            assert_eq!(s.first_row_of(Key::Email(&format!("U{row}@X.IN")), 30_000 + row), Some(row));
            assert_eq!(s.first_row_of(Key::UserName(&format!("u{row}@x.in")), 30_000 + row), None);
        }
        assert!(s.phones.len * 4 <= s.phones.slots.len() * 3 && s.phones.slots.len().is_power_of_two());
        let mut reserved = Seen::default();
        reserved.reserve(1_000);
        let slots = reserved.texts.slots.len();
        for row in 1..=500 {
            reserved.first_row_of(Key::ExternalId(&row.to_string()), row);
        }
        assert_eq!(reserved.texts.slots.len(), slots, "a reserved table does not grow");
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
