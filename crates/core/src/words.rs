//! Eight bytes at a time in a u64 (SWAR): the hot loops over cells read text this way, so that the same
//! speed-up holds in wasm32, which has no byte-search instructions, and natively.

/// The byte 0x01 in every lane.
pub const LO: u64 = 0x0101_0101_0101_0101;
/// The top bit of every lane.
pub const HI: u64 = 0x8080_8080_8080_8080;

/// The eight bytes from `at` (fewer at the end, the rest zero), little-endian.
#[inline]
pub fn word_at(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at + 8) {
        Some(w) => w.try_into().map(u64::from_le_bytes).unwrap_or(0),
        // Two overlapping loads, not `copy_from_slice`: in wasm a copy of a few bytes is a `memory.copy`,
        // which engines run out of line, and a loop costs a few instructions a byte. The bytes both loads
        // hold are the same, so OR puts each in its place.
        None => {
            let t = bytes.get(at..).unwrap_or_default();
            let n = t.len();
            let u16_at = |i: usize| t.get(i..i + 2).and_then(|b| b.try_into().ok()).map_or(0, u16::from_le_bytes);
            let u32_at = |i: usize| t.get(i..i + 4).and_then(|b| b.try_into().ok()).map_or(0, u32::from_le_bytes);
            match n {
                0 => 0,
                1 => u64::from(t[0]),
                2 | 3 => u64::from(u16_at(0)) | u64::from(u16_at(n - 2)) << (8 * (n - 2)),
                _ => u64::from(u32_at(0)) | u64::from(u32_at(n - 4)) << (8 * (n - 4)),
            }
        }
    }
}

/// `w` with its ASCII capitals lowered, every other byte (non-ASCII too) unchanged: eight
/// `to_ascii_lowercase` at once. A byte is a capital when its low seven bits are from 'A' to 'Z' and its
/// top bit is clear.
#[inline]
pub fn lower(w: u64) -> u64 {
    let low7 = w & !HI;
    let upper = (low7 + LO * u64::from(0x80 - b'A')) & !(low7 + LO * u64::from(0x80 - b'Z' - 1)) & !w & HI;
    w | upper >> 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_agrees_with_the_standard_library_on_every_byte() {
        for b in 0..=255u8 {
            let w = u64::from_le_bytes([b, b'Q', 0xC3, b, b'@', b'[', b, 0x80]);
            let want = u64::from_le_bytes([b, b'Q', 0xC3, b, b'@', b'[', b, 0x80].map(|c| c.to_ascii_lowercase()));
            assert_eq!(lower(w), want, "byte {b:#x}");
        }
    }

    #[test]
    fn word_at_pads_with_zeros() {
        assert_eq!(word_at(b"abcdefghij", 0), u64::from_le_bytes(*b"abcdefgh"));
        assert_eq!(word_at(b"abcdefghij", 8), u64::from_le_bytes(*b"ij\0\0\0\0\0\0"));
        assert_eq!(word_at(b"abc", 8), 0);
        let text = b"0123456789abcdef";
        for len in 0..=text.len() {
            for at in 0..=len {
                let mut want = [0u8; 8];
                let tail = &text[at..len.min(at + 8)];
                want[..tail.len()].copy_from_slice(tail);
                assert_eq!(word_at(&text[..len], at), u64::from_le_bytes(want), "{len} bytes from {at}");
            }
        }
    }
}
