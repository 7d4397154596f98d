//! Which values repeat across rows (phone, email, userName, externalId), and which row held each first.
//!
//! Every value is only noted while the file streams in: a phone exactly, with its row, in one u64 (34 + 30
//! bits); a text as a 64-bit hash of its ASCII-lowercased bytes with its row, plus the text itself, shown
//! if it turns out to be a duplicate. With a million values the chance of any false match between texts is
//! about 3 in 10^8. The line of every row is kept too (4 bytes a row).
//!
//! The repeats are found once, at the end: the values are split by hash into parts of about a thousand,
//! keeping their order, and each part is searched with a small table that stays in the cache. Looking each
//! value up in a table of the whole file as it came missed the cache on nearly every value; on a
//! 1,000,000-row file that took a quarter of the time, even with the lookups batched.

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

/// The kinds of value, in the order of `Key`; a text's kind is kept in the top two bits of its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Phone,
    Email,
    UserName,
    ExternalId,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Phone, Kind::Email, Kind::UserName, Kind::ExternalId];
}

/// A phone as a duplicate's issue shows it: its digits (`Key::id`), ten at least.
pub fn phone_shown(phone: u64) -> String {
    format!("{phone:010}")
}

/// A value that an earlier row held too.
#[derive(Debug, PartialEq, Eq)]
pub struct Duplicate<'a> {
    pub kind: Kind,
    /// The later row, and the first row that held the value.
    pub row: u64,
    pub first: u64,
    /// The value as compared: a phone's 10 digits, a text as the later row wrote it.
    pub shown: std::borrow::Cow<'a, str>,
}

#[derive(Default)]
pub struct Seen {
    /// `phone << ROW_BITS | row`, in row order.
    phones: Log<u64>,
    /// `[hash low, hash high, row | kind << 30, where the text starts in texts]`, in row order.
    keys: Log<[u32; 4]>,
    /// The text values as written, each after its length in two bytes (they are short: the parsers allow
    /// a few hundred bytes at most), in blocks of `TEXT_BLOCK` bytes that no value straddles.
    texts: Vec<Vec<u8>>,
    /// `lines[row - 1]`: the physical line on which data row `row` starts.
    lines: Vec<u32>,
}

/// Bytes of text per block (a value is at most 65,535 bytes, so one always fits in a fresh block).
const TEXT_BLOCK: usize = 1 << 20;

/// A list that grows by blocks of `Log::BLOCK` entries and never moves them: no doubling, so no moment
/// with the old and the new copy both alive, and at most one block of room unused (a browser's wasm memory
/// keeps its high-water mark).
struct Log<T> {
    blocks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Log<T> {
    fn default() -> Self {
        Self { blocks: Vec::new(), len: 0 }
    }
}

impl<T: Copy> Log<T> {
    const BLOCK: usize = 1 << 16;

    fn push(&mut self, item: T) {
        if self.blocks.last().is_none_or(|b| b.len() == Self::BLOCK) {
            self.blocks.push(Vec::with_capacity(Self::BLOCK));
        }
        if let Some(b) = self.blocks.last_mut() {
            b.push(item);
            self.len += 1;
        }
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.blocks.iter().flatten()
    }
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
    pub fn kind(&self) -> Kind {
        match self {
            Key::Phone(_) => Kind::Phone,
            Key::Email(_) => Kind::Email,
            Key::UserName(_) => Kind::UserName,
            Key::ExternalId(_) => Kind::ExternalId,
        }
    }

    /// What two values of one kind are compared by: a phone's number, a text's fingerprint (ASCII letters
    /// lowered). Two values are the same value when their ids are equal, here and in `each_duplicate`.
    pub fn id(&self) -> u64 {
        match *self {
            Key::Phone(phone) => phone,
            Key::Email(s) | Key::UserName(s) | Key::ExternalId(s) => fingerprint(self.kind() as u8, s),
        }
    }
}

impl Seen {
    /// Room for `rows` rows' lines (the values are kept in blocks, which never move).
    pub fn reserve(&mut self, rows: usize) {
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

    /// Notes that `row` holds `key`. Rows come in order.
    pub fn add(&mut self, key: Key<'_>, row: u64) {
        if row > ROW_MASK {
            return; // past a billion rows duplicates are no longer tracked
        }
        match key {
            Key::Phone(phone) => self.phones.push(phone << ROW_BITS | row),
            Key::Email(s) | Key::UserName(s) | Key::ExternalId(s) => {
                let Ok(len) = u16::try_from(s.len()) else { return }; // no parser lets such a value through
                if self.texts.last().is_none_or(|b| b.len() + 2 + s.len() > b.capacity()) {
                    self.texts.push(Vec::with_capacity(TEXT_BLOCK));
                }
                let Ok(start) =
                    u32::try_from((self.texts.len() - 1) * TEXT_BLOCK + self.texts[self.texts.len() - 1].len())
                else {
                    return; // 4 GiB of values
                };
                let fp = key.id();
                let kind = (key.kind() as u32) << ROW_BITS;
                self.keys.push([fp as u32, (fp >> 32) as u32, row as u32 | kind, start]);
                let block = self.texts.last_mut().expect("a block was just made");
                block.extend_from_slice(&len.to_le_bytes());
                block.extend_from_slice(s.as_bytes());
            }
        }
    }

    /// The text noted at `start`.
    fn text_at(&self, start: u32) -> &str {
        let (block, at) = (start as usize / TEXT_BLOCK, start as usize % TEXT_BLOCK);
        let b = self.texts.get(block).map_or(&[][..], Vec::as_slice);
        let len = b.get(at..at + 2).map_or(0, |l| usize::from(u16::from_le_bytes([l[0], l[1]])));
        b.get(at + 2..at + 2 + len).and_then(|t| std::str::from_utf8(t).ok()).unwrap_or_default()
    }

    /// Calls `found` for every value that an earlier row held too, with the first row that held it; for
    /// each value, in the order of its rows.
    pub fn each_duplicate(&self, mut found: impl FnMut(Duplicate<'_>)) {
        let phone_of = |e: &u64| e >> ROW_BITS;
        each_repeat(
            &self.phones,
            |e| mix(phone_of(e)),
            |a, b| phone_of(a) == phone_of(b),
            |later, first| {
                found(Duplicate {
                    kind: Kind::Phone,
                    row: later & ROW_MASK,
                    first: first & ROW_MASK,
                    shown: phone_shown(phone_of(later)).into(),
                })
            },
        );
        let hash = |e: &[u32; 4]| u64::from(e[0]) | u64::from(e[1]) << 32;
        each_repeat(
            &self.keys,
            hash,
            |a, b| a[..2] == b[..2],
            |later, first| {
                let row_mask = ROW_MASK as u32;
                found(Duplicate {
                    kind: Kind::ALL[(later[2] >> ROW_BITS) as usize],
                    row: u64::from(later[2] & row_mask),
                    first: u64::from(first[2] & row_mask),
                    shown: self.text_at(later[3]).into(),
                })
            },
        );
    }
}

/// Calls `found(later, first)` for each entry whose key (`same`) an earlier entry of `entries` had, `first`
/// being the earliest. The entries are split by the top bits of `hash` into parts of about 1,024, keeping
/// their order; each part is then searched with a table of its own, small enough for the cache.
fn each_repeat<E: Copy>(
    entries: &Log<E>,
    hash: impl Fn(&E) -> u64,
    same: impl Fn(&E, &E) -> bool,
    mut found: impl FnMut(&E, &E),
) {
    let Some(&any) = entries.iter().next() else { return };
    let bits = (entries.len / 1024).next_power_of_two().trailing_zeros();
    let part_of = |e: &E| if bits == 0 { 0 } else { (hash(e) >> (64 - bits)) as usize };
    // Where each part starts, then the entries part by part, each part in the entries' order.
    let mut starts = vec![0usize; (1 << bits) + 1];
    for e in entries.iter() {
        starts[part_of(e) + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut next = starts.clone();
    let mut parted = vec![any; entries.len];
    for e in entries.iter() {
        let p = part_of(e);
        parted[next[p]] = *e;
        next[p] += 1;
    }
    // Index into the part plus one; 0 is empty. At most half full.
    let mut table: Vec<u32> = Vec::new();
    for w in starts.windows(2) {
        let part = &parted[w[0]..w[1]];
        table.clear();
        table.resize((part.len() * 2).next_power_of_two().max(16), 0);
        let mask = table.len() - 1;
        for (k, e) in part.iter().enumerate() {
            let mut at = hash(e) as usize & mask;
            loop {
                match table[at].checked_sub(1) {
                    None => {
                        table[at] = k as u32 + 1;
                        break;
                    }
                    Some(j) if same(&part[j as usize], e) => {
                        found(e, &part[j as usize]);
                        break;
                    }
                    Some(_) => at = (at + 1) & mask,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duplicates(s: &Seen) -> Vec<(Kind, u64, u64, String)> {
        let mut out = Vec::new();
        s.each_duplicate(|d| out.push((d.kind, d.row, d.first, d.shown.into_owned())));
        out.sort_by_key(|d| (d.1, d.0 as u8));
        out
    }

    #[test]
    fn finds_each_repeat_with_its_first_row_and_kind() {
        let mut s = Seen::default();
        s.add(Key::Phone(9_876_543_210), 1);
        s.add(Key::Email("A@x.in"), 2);
        s.add(Key::UserName("a@x.in"), 3);
        s.add(Key::Phone(9_876_543_210), 4);
        s.add(Key::Email("a@X.IN"), 5);
        s.add(Key::Phone(6_000_000_001), 6);
        s.add(Key::Phone(9_876_543_210), 7);
        s.add(Key::ExternalId("Ext-1"), 8);
        s.add(Key::ExternalId("ext-1"), 9);
        let want = [
            (Kind::Phone, 4, 1, "9876543210"),
            (Kind::Email, 5, 2, "a@X.IN"),
            (Kind::Phone, 7, 1, "9876543210"),
            (Kind::ExternalId, 9, 8, "ext-1"),
        ];
        let want: Vec<_> = want.iter().map(|&(k, r, f, v)| (k, r, f, v.to_string())).collect();
        assert_eq!(duplicates(&s), want, "a userName never matches an email; case does not count");
    }

    #[test]
    fn finds_repeats_across_many_parts_and_always_the_earliest_row() {
        // 60,000 rows: enough values for many parts; phones that differ only in high digits, and emails.
        let mut s = Seen::default();
        let phone = |i: u64| 6_000_000_000 + (i % 5_000) * 1_000_000 + i / 5_000;
        for row in 1..=20_000 {
            s.add(Key::Phone(phone(row)), row);
            s.add(Key::Email(&format!("u{row}@x.in")), row);
        }
        for row in 20_001..=60_000 {
            let earlier = (row - 1) % 20_000 + 1;
            s.add(Key::Phone(phone(earlier)), row);
            s.add(Key::UserName(&format!("u{row}@x.in")), row);
        }
        let found = duplicates(&s);
        assert_eq!(found.len(), 40_000);
        for (kind, row, first, shown) in found {
            assert_eq!((kind, first), (Kind::Phone, (row - 1) % 20_000 + 1), "row {row}");
            assert_eq!(shown, format!("{:010}", phone(first)));
        }
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
