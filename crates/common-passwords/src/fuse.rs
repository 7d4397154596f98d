//! A binary fuse filter with 16-bit fingerprints (Graf and Lemire, "Binary Fuse Filters: Fast and Smaller
//! Than Xor Filters", ACM JEA 2022), written to be read in one sitting.
//!
//! Each key hashes to three slots, one in each of three consecutive segments of the fingerprint array, and
//! is in the set when the XOR of those three fingerprints equals the key's own 16-bit fingerprint. A key
//! that was put in is always found; any other key matches by chance with probability 2^-16 (≈ 1.5e-5). The
//! array holds about 1.13 slots per key: 2.3 bytes a key, against 4 for a sorted array of 32-bit hashes.
//!
//! Keys are compared ASCII-case-insensitively: the hash reads each byte lower-cased, so "PassWord" and
//! "password" are one key (other bytes, including all of non-ASCII text, are taken as they are). Hashing
//! reads the key byte by byte and allocates nothing.
//!
//! `build` runs in build.rs (which includes this file); the library only queries.

/// The 64-bit hash of a key: FNV-1a over its ASCII-lower-cased bytes, started from `seed`, then MurmurHash3's
/// finaliser so that every output bit depends on every input bit (the slots use the high bits, the
/// fingerprint the low ones).
pub fn hash(key: &str, seed: u64) -> u64 {
    let mut h = seed ^ 0xcbf2_9ce4_8422_2325;
    for &b in key.as_bytes() {
        h = (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

fn fingerprint(hash: u64) -> u16 {
    (hash ^ (hash >> 32)) as u16
}

/// The shape of the fingerprint array, fixed by the number of keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// A power of two.
    pub segment_length: u32,
    /// Segments a first slot may fall in, times `segment_length`; the array has two segments more.
    pub segment_count_length: u32,
}

impl Layout {
    /// The sizes the paper's reference code picks for three-wise filters (`binary_fuse_allocate`).
    pub fn for_keys(n: usize) -> Layout {
        let size = n.max(2) as f64;
        let segment_length = (1u32 << ((size.ln() / 3.33f64.ln() + 2.25).floor() as u32)).min(262_144);
        let size_factor = (0.875 + 0.25 * 1_000_000f64.ln() / size.ln()).max(1.125);
        let capacity = (size * size_factor).round() as u32;
        let segments = capacity.div_ceil(segment_length).saturating_sub(2).max(1);
        Layout { segment_length, segment_count_length: segments * segment_length }
    }

    /// Slots in the fingerprint array.
    pub fn array_length(&self) -> usize {
        (self.segment_count_length + 2 * self.segment_length) as usize
    }

    /// The key's three slots: one in a segment chosen by the hash's high bits, one in each of the next two
    /// segments. They are in different segments, so always three different slots.
    fn slots(&self, hash: u64) -> [usize; 3] {
        let h0 = ((u128::from(hash) * u128::from(self.segment_count_length)) >> 64) as u32;
        let mask = self.segment_length - 1;
        let h1 = (h0 + self.segment_length) ^ ((hash >> 18) as u32 & mask);
        let h2 = (h0 + 2 * self.segment_length) ^ (hash as u32 & mask);
        [h0 as usize, h1 as usize, h2 as usize]
    }
}

/// A filter over borrowed fingerprints (little-endian u16s, as `build` writes them): the library's is a
/// `static` built into the binary.
pub struct Filter<'a> {
    pub seed: u64,
    pub layout: Layout,
    pub fingerprints: &'a [u8],
}

impl Filter<'_> {
    pub fn contains(&self, key: &str) -> bool {
        let h = hash(key, self.seed);
        let at = |i: usize| u16::from_le_bytes([self.fingerprints[2 * i], self.fingerprints[2 * i + 1]]);
        let [a, b, c] = self.layout.slots(h);
        fingerprint(h) ^ at(a) ^ at(b) ^ at(c) == 0
    }
}

/// Builds the filter for `keys` (duplicates are fine): the seed it settled on and the fingerprints as
/// little-endian bytes. Deterministic: the same keys give the same bytes.
pub fn build<'k>(keys: impl IntoIterator<Item = &'k str>) -> (u64, Layout, Vec<u8>) {
    let keys: Vec<&str> = keys.into_iter().collect();
    let mut seeds = SplitMix64(0x656e_726f_6c21); // any fixed start: "enrol!"
    for _ in 0..100 {
        let seed = seeds.next();
        // One entry per distinct hash: "Password" and "password" are one key, and two keys of the same
        // 64-bit hash answer alike anyway (peeling needs distinct hashes).
        let mut hashes: Vec<u64> = keys.iter().map(|k| hash(k, seed)).collect();
        hashes.sort_unstable();
        hashes.dedup();
        let layout = Layout::for_keys(hashes.len());
        if let Some(fingerprints) = assign(&hashes, layout) {
            return (seed, layout, fingerprints.iter().flat_map(|f| f.to_le_bytes()).collect());
        }
    }
    panic!("no seed in 100 gave a binary fuse filter: are the keys distinct?");
}

/// Peels the 3-hypergraph (a slot that only one key uses can be set last, for that key alone), then sets the
/// fingerprints in the reverse order. None when some keys cannot be peeled with this seed.
fn assign(hashes: &[u64], layout: Layout) -> Option<Vec<u16>> {
    // For each slot: how many keys use it, and the XOR of their hashes (the hash itself once only one is left).
    let mut count = vec![0u32; layout.array_length()];
    let mut xor = vec![0u64; layout.array_length()];
    for &h in hashes {
        for s in layout.slots(h) {
            count[s] += 1;
            xor[s] ^= h;
        }
    }
    let mut alone: Vec<usize> = (0..layout.array_length()).filter(|&s| count[s] == 1).collect();
    let mut order: Vec<(u64, usize)> = Vec::with_capacity(hashes.len()); // (key's hash, the slot it owns)
    while let Some(s) = alone.pop() {
        if count[s] != 1 {
            continue;
        }
        let h = xor[s];
        order.push((h, s));
        for t in layout.slots(h) {
            count[t] -= 1;
            xor[t] ^= h;
            if count[t] == 1 {
                alone.push(t);
            }
        }
    }
    if order.len() != hashes.len() {
        return None;
    }
    let mut fingerprints = vec![0u16; layout.array_length()];
    for &(h, owned) in order.iter().rev() {
        let [a, b, c] = layout.slots(h);
        // The owned slot is still 0, so XOR-ing all three leaves the other two's contribution.
        fingerprints[owned] = fingerprint(h) ^ fingerprints[a] ^ fingerprints[b] ^ fingerprints[c];
    }
    Some(fingerprints)
}

/// Sebastiano Vigna's SplitMix64: seeds for the filter, random strings for the tests.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    #[allow(clippy::should_implement_trait)] // not an Iterator: it never ends
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}
