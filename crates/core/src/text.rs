//! What a file's bytes are, decided from its head, and its records read as UTF-8 whatever Excel wrote.
//!
//! Excel saves a sheet as text in three ways an office uses: "CSV UTF-8" (with a BOM), "CSV (Comma
//! delimited)" in the Windows code page (Windows-1252 on an English Windows: `René` is `52 65 6E E9`), and
//! "Unicode Text" (UTF-16LE with a BOM, tab-separated: the one that keeps Hindi names). `TextReader` turns
//! each into the UTF-8 records `RecordReader` gives, so every rule downstream sees one kind of text:
//! - a UTF-16 BOM (either byte order) decides UTF-16, transcoded as it streams;
//! - otherwise the text is UTF-8 until its first non-ASCII bytes say otherwise: if they are not UTF-8 but
//!   are a Windows-1252 character, the file is Windows-1252 from there on (`windows_1252_from`, for a
//!   warning). Only the first non-ASCII bytes decide, so a UTF-8 file with one broken cell keeps its
//!   `invalid_utf8` issue, and nothing before the switch can read differently (it was all ASCII);
//! - the separator is a tab when the head holds more tabs than commas (a title row above a tab-separated
//!   header must not decide), else a comma.
//!
//! Binary files (xlsx/ods are zip files, xls an OLE file, anything with a NUL byte in its head) are said
//! to be so and not read. Only the first `SNIFF_BYTES` decide, however the input is chunked.

use crate::reader::{Record, RecordReader};

/// Bytes looked at before deciding what the input is.
pub const SNIFF_BYTES: usize = 512;

/// How a file's text is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, or ASCII so far.
    Utf8,
    /// Windows-1252 from the first non-ASCII byte on (everything before it was ASCII).
    Windows1252,
    Utf16Le,
    Utf16Be,
}

/// What the head of the input said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A spreadsheet or other binary file: not read.
    Binary,
    Text {
        tab: bool,
    },
}

enum Reader {
    Comma(RecordReader<b','>),
    Tab(RecordReader<b'\t'>),
}

impl Reader {
    fn push(&mut self, chunk: &[u8], on_record: &mut impl FnMut(&Record<'_>)) {
        match self {
            Reader::Comma(r) => r.push(chunk, on_record),
            Reader::Tab(r) => r.push(chunk, on_record),
        }
    }

    fn finish(&mut self, on_record: &mut impl FnMut(&Record<'_>)) {
        match self {
            Reader::Comma(r) => r.finish(on_record),
            Reader::Tab(r) => r.finish(on_record),
        }
    }

    fn line(&self) -> u64 {
        match self {
            Reader::Comma(r) => r.line(),
            Reader::Tab(r) => r.line(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decode {
    /// Every byte so far was ASCII: UTF-8 or Windows-1252, not yet known.
    Ascii,
    Utf8,
    Windows1252,
    /// UTF-16; `high` is a high surrogate waiting for its low half.
    Utf16 {
        le: bool,
        high: Option<u16>,
    },
}

/// Records from bytes in any of the encodings above; `push` chunks, then `finish`.
pub struct TextReader {
    head: Vec<u8>,
    kind: Option<Kind>,
    reader: Reader,
    decode: Decode,
    /// Bytes of a character cut by a chunk's end (at most 3), or the odd byte of a UTF-16 unit.
    carry: Vec<u8>,
    /// Transcoded bytes, reused from chunk to chunk.
    out: Vec<u8>,
    windows_1252_from: Option<u64>,
}

impl Default for TextReader {
    fn default() -> Self {
        Self::new()
    }
}

impl TextReader {
    pub fn new() -> Self {
        Self {
            head: Vec::new(),
            kind: None,
            reader: Reader::Comma(RecordReader::new()),
            decode: Decode::Ascii,
            carry: Vec::new(),
            out: Vec::new(),
            windows_1252_from: None,
        }
    }

    /// None until the head has been seen.
    pub fn kind(&self) -> Option<Kind> {
        self.kind
    }

    /// The encoding as far as it is known.
    pub fn encoding(&self) -> Encoding {
        match self.decode {
            Decode::Ascii | Decode::Utf8 => Encoding::Utf8,
            Decode::Windows1252 => Encoding::Windows1252,
            Decode::Utf16 { le: true, .. } => Encoding::Utf16Le,
            Decode::Utf16 { le: false, .. } => Encoding::Utf16Be,
        }
    }

    /// The physical line (1-based) of the first byte read as Windows-1252, when the file turned out to be.
    pub fn windows_1252_from(&self) -> Option<u64> {
        self.windows_1252_from
    }

    pub fn push(&mut self, chunk: &[u8], on_record: &mut impl FnMut(&Record<'_>)) {
        match self.kind {
            Some(Kind::Binary) => {}
            Some(Kind::Text { .. }) => self.feed(chunk, on_record),
            None => {
                self.head.extend_from_slice(chunk);
                if self.head.len() >= SNIFF_BYTES {
                    self.decide(on_record);
                }
            }
        }
    }

    pub fn finish(&mut self, on_record: &mut impl FnMut(&Record<'_>)) {
        if self.kind.is_none() {
            self.decide(on_record);
        }
        if self.kind == Some(Kind::Binary) {
            return;
        }
        if !self.carry.is_empty() {
            let carry = std::mem::take(&mut self.carry);
            match self.decode {
                // A character cut off by the end of the file is no UTF-8: the first non-ASCII bytes decide.
                Decode::Ascii => {
                    if looks_windows_1252(carry[0]) {
                        self.switch_to_windows_1252(&carry, on_record);
                    } else {
                        self.decode = Decode::Utf8;
                        self.reader.push(&carry, on_record);
                    }
                }
                Decode::Utf16 { .. } => self.reader.push("\u{FFFD}".as_bytes(), on_record),
                Decode::Utf8 | Decode::Windows1252 => self.reader.push(&carry, on_record),
            }
        }
        if let Decode::Utf16 { high: Some(_), .. } = self.decode {
            self.reader.push("\u{FFFD}".as_bytes(), on_record);
        }
        self.reader.finish(on_record);
    }

    fn decide(&mut self, on_record: &mut impl FnMut(&Record<'_>)) {
        let head = std::mem::take(&mut self.head);
        let sniffed = &head[..head.len().min(SNIFF_BYTES)];
        if let Some(le) = utf16_bom(sniffed) {
            self.decode = Decode::Utf16 { le, high: None };
            // The BOM is no text.
            let mut out = std::mem::take(&mut self.out);
            out.clear();
            self.utf16(&head[2..], &mut out);
            self.start(is_tab_separated(&out));
            self.reader.push(&out, on_record);
            self.out = out;
            return;
        }
        if looks_binary(sniffed) {
            self.kind = Some(Kind::Binary);
            return;
        }
        self.start(is_tab_separated(sniffed));
        self.feed(&head, on_record);
    }

    fn start(&mut self, tab: bool) {
        self.kind = Some(Kind::Text { tab });
        if tab {
            self.reader = Reader::Tab(RecordReader::new());
        }
    }

    fn feed(&mut self, chunk: &[u8], on_record: &mut impl FnMut(&Record<'_>)) {
        match self.decode {
            Decode::Utf8 => self.reader.push(chunk, on_record),
            Decode::Ascii => self.feed_ascii(chunk, on_record),
            Decode::Windows1252 => {
                if self.carry.is_empty() && chunk.is_ascii() {
                    self.reader.push(chunk, on_record);
                } else {
                    let mut out = std::mem::take(&mut self.out);
                    out.clear();
                    windows_1252(chunk, &mut out);
                    self.reader.push(&out, on_record);
                    self.out = out;
                }
            }
            Decode::Utf16 { .. } => {
                let mut out = std::mem::take(&mut self.out);
                out.clear();
                self.utf16(chunk, &mut out);
                self.reader.push(&out, on_record);
                self.out = out;
            }
        }
    }

    /// All ASCII so far: pass bytes through until the first non-ASCII ones decide.
    fn feed_ascii(&mut self, chunk: &[u8], on_record: &mut impl FnMut(&Record<'_>)) {
        let joined;
        let chunk = if self.carry.is_empty() {
            chunk
        } else {
            let mut c = std::mem::take(&mut self.carry);
            c.extend_from_slice(chunk);
            joined = c;
            &joined[..]
        };
        if chunk.is_ascii() {
            self.reader.push(chunk, on_record);
            return;
        }
        let at = chunk.iter().position(|b| !b.is_ascii()).unwrap_or(chunk.len());
        let (ascii, rest) = chunk.split_at(at);
        match std::str::from_utf8(&rest[..rest.len().min(4)]) {
            Err(e) if e.valid_up_to() == 0 && e.error_len().is_none() => {
                // A character cut by the chunk's end: wait for the rest.
                self.reader.push(ascii, on_record);
                self.carry = rest.to_vec();
            }
            Err(e) if e.valid_up_to() == 0 && looks_windows_1252(rest[0]) => {
                self.reader.push(ascii, on_record);
                self.switch_to_windows_1252(rest, on_record);
            }
            _ => {
                self.decode = Decode::Utf8;
                self.reader.push(chunk, on_record);
            }
        }
    }

    fn switch_to_windows_1252(&mut self, rest: &[u8], on_record: &mut impl FnMut(&Record<'_>)) {
        self.decode = Decode::Windows1252;
        self.windows_1252_from = Some(self.reader.line());
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        windows_1252(rest, &mut out);
        self.reader.push(&out, on_record);
        self.out = out;
    }

    /// Appends `chunk` (UTF-16 code units, a unit possibly cut at either end) to `out` as UTF-8.
    fn utf16(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        let Decode::Utf16 { le, mut high } = self.decode else { return };
        out.reserve(chunk.len() * 3 / 2 + 4);
        let mut rest = chunk;
        if let Some(&odd) = self.carry.first() {
            let Some((&b, tail)) = rest.split_first() else { return };
            self.carry.clear();
            high = utf16_unit(unit([odd, b], le), high, out);
            rest = tail;
        }
        let mut units = rest.chunks_exact(2);
        for u in &mut units {
            high = utf16_unit(unit([u[0], u[1]], le), high, out);
        }
        self.carry.extend_from_slice(units.remainder());
        self.decode = Decode::Utf16 { le, high };
    }
}

fn unit(b: [u8; 2], le: bool) -> u16 {
    if le { u16::from_le_bytes(b) } else { u16::from_be_bytes(b) }
}

/// One UTF-16 unit onto `out`, given the high surrogate before it; returns the one after it.
#[inline]
fn utf16_unit(u: u16, high: Option<u16>, out: &mut Vec<u8>) -> Option<u16> {
    let mut push = |c: char| {
        let mut b = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
    };
    match (high, u) {
        (Some(h), 0xDC00..=0xDFFF) => {
            let c = 0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
            push(char::from_u32(c).unwrap_or('\u{FFFD}'));
            None
        }
        (h, 0xD800..=0xDBFF) => {
            if h.is_some() {
                push('\u{FFFD}');
            }
            Some(u)
        }
        (h, _) => {
            if h.is_some() {
                push('\u{FFFD}');
            }
            if u < 0x80 {
                out.push(u as u8);
            } else {
                push(char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}'));
            }
            None
        }
    }
}

/// `Some(true)` for a UTF-16LE BOM, `Some(false)` for big-endian.
fn utf16_bom(head: &[u8]) -> Option<bool> {
    match head {
        [0xFF, 0xFE, ..] => Some(true),
        [0xFE, 0xFF, ..] => Some(false),
        _ => None,
    }
}

/// A spreadsheet (xlsx and ods are zip files, xls an OLE file) or anything with NUL bytes.
fn looks_binary(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04")
        || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        || head.contains(&0)
}

/// Excel's tab-separated text: more tabs than commas in the head (cells may hold commas, rarely tabs).
fn is_tab_separated(head: &[u8]) -> bool {
    let count = |c: u8| head.iter().filter(|&&b| b == c).count();
    count(b'\t') > count(b',')
}

/// Appends one cell to a CSV record, quoted (and its quotes doubled) when it holds a comma, a quote or a
/// line break: what `RecordReader` reads back as the same cell.
pub fn write_cell(out: &mut Vec<u8>, cell: &[u8]) {
    if cell.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for &b in cell {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(cell);
    }
}

/// The bytes Windows-1252 leaves undefined: a file holding one of them first is not Windows-1252.
fn looks_windows_1252(b: u8) -> bool {
    !matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D)
}

/// Windows-1252's characters for 0x80–0x9F (the rest of the upper half is Latin-1, U+00A0–U+00FF). The
/// five undefined bytes become the C1 controls of the same number, as WHATWG's decoder does.
const CP1252_80: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}', '\u{90}', '‘', '’',
    '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

fn windows_1252(bytes: &[u8], out: &mut Vec<u8>) {
    out.reserve(bytes.len() + bytes.len() / 8);
    for &b in bytes {
        if b.is_ascii() {
            out.push(b);
        } else {
            let c = if b < 0xA0 { CP1252_80[usize::from(b - 0x80)] } else { char::from(b) };
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_chunks(chunks: &[&[u8]]) -> (Option<Kind>, Vec<Vec<String>>, Option<u64>) {
        let mut r = TextReader::new();
        let mut out = Vec::new();
        let mut sink =
            |rec: &Record<'_>| out.push(rec.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect());
        for c in chunks {
            r.push(c, &mut sink);
        }
        r.finish(&mut sink);
        (r.kind(), out, r.windows_1252_from())
    }

    fn utf16(text: &str, le: bool) -> Vec<u8> {
        let mut b = if le { vec![0xFF, 0xFE] } else { vec![0xFE, 0xFF] };
        for u in text.encode_utf16() {
            b.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        b
    }

    fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect()
    }

    #[test]
    fn every_flavour_gives_the_same_records_however_split() {
        let want = rows(&[&["firstName", "phone"], &["राम 𝄞", "9876543210"], &["René, Jr", "9876543211"]]);
        let text = "firstName\tphone\r\nराम 𝄞\t9876543210\r\n\"René, Jr\"\t9876543211\r\n";
        let cases: Vec<(&str, Vec<u8>, Option<u64>)> = vec![
            ("UTF-8 CSV with BOM", "\u{FEFF}firstName,phone\nराम 𝄞,9876543210\n\"René, Jr\",9876543211\n".into(), None),
            ("Unicode Text: UTF-16LE, tabs", utf16(text, true), None),
            ("UTF-16BE, tabs", utf16(text, false), None),
            ("UTF-16LE, commas", utf16(&text.replace('\t', ","), true), None),
        ];
        for (what, bytes, from) in cases {
            for i in 0..=bytes.len() {
                let (kind, got, w) = read_chunks(&[&bytes[..i], &bytes[i..]]);
                assert!(matches!(kind, Some(Kind::Text { .. })), "{what}");
                assert_eq!((got, w), (want.clone(), from), "{what}, split at {i}");
            }
        }
    }

    #[test]
    fn windows_1252_is_read_from_its_first_byte_on_and_said() {
        let bytes = b"firstName,lastName\nAsha,Devi\nRen\xE9,Dupont\nJos\xE9 \x80,Garc\xEDa\n";
        for i in 0..=bytes.len() {
            let (_, got, from) = read_chunks(&[&bytes[..i], &bytes[i..]]);
            assert_eq!(
                got,
                rows(&[&["firstName", "lastName"], &["Asha", "Devi"], &["René", "Dupont"], &["José €", "García"]]),
                "split at {i}"
            );
            assert_eq!(from, Some(3), "split at {i}");
        }
        let (_, got, from) = read_chunks(&[b"firstName\nRen\xE9"]);
        assert_eq!((got[1][0].as_str(), from), ("René", Some(2)), "a cut character at the end of the file");
    }

    #[test]
    fn utf8_first_keeps_later_bad_bytes_bad() {
        let mut r = TextReader::new();
        let mut bad = 0;
        let mut sink = |rec: &Record<'_>| bad += usize::from(rec.text().is_none());
        r.push("firstName\nराम\nRen\u{e9}\n".as_bytes(), &mut sink);
        r.push(b"Ren\xE9\n", &mut sink);
        r.finish(&mut sink);
        assert_eq!((bad, r.windows_1252_from(), r.encoding()), (1, None, Encoding::Utf8));
        let (_, got, from) = read_chunks(&[b"firstName\nA\x81b\n"]);
        assert_eq!(
            (got[1][0].as_str(), from),
            ("A\u{FFFD}b", None),
            "a byte Windows-1252 leaves undefined is no Windows-1252"
        );
    }

    #[test]
    fn binary_heads_are_not_read() {
        for head in [&b"PK\x03\x04rest"[..], b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", b"firstName\nA\0\n"] {
            let (kind, got, _) = read_chunks(&[head]);
            assert_eq!((kind, got.len()), (Some(Kind::Binary), 0), "{head:?}");
        }
        let (kind, got, _) = read_chunks(&[&utf16("a\tb\n", true)[..3]]);
        assert_eq!((kind, got), (Some(Kind::Text { tab: false }), rows(&[&["\u{FFFD}"]])), "an odd byte");
    }
}
