//! A push parser for RFC 4180 CSV that keeps its state across chunk boundaries.
//!
//! Why not csv-core: it accepts an unterminated quote silently and cannot say on which physical line a
//! record began once CRLF and quoted line breaks mix; the validator must report both. This reader is as
//! strict as the RFC, lenient where spreadsheets are (a stray quote is kept and flagged, not fatal), and
//! reuses one record buffer, so the hot path does not allocate once the buffer has grown.
//!
//! Line numbers are 1-based physical lines: `\n`, `\r\n` and a lone `\r` each end one line, inside quoted
//! cells too. A UTF-8 byte-order mark at the very start of the input is skipped.
//!
//! The separator is a const parameter `D`: `,` for CSV, tab for the "Unicode Text" and "Text (Tab
//! delimited)" files Excel writes (same quoting rules). Each reader is compiled for its separator, so the
//! comma's hot path is what it was. `text::TextReader` picks one from the file's head.

use crate::words::{HI, LO};

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between records: a line break here is an empty line, which is skipped.
    RecordStart,
    /// At the start of a field (after a comma, or the first byte of a record).
    FieldStart,
    Unquoted,
    Quoted,
    /// Saw a `"` inside a quoted field: either an escaped quote or the closing one.
    QuoteInQuoted,
}

/// One record, borrowed from the reader's buffer for the duration of the callback.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// Physical line (1-based) on which the record starts.
    pub line: u64,
    /// A `"` appeared inside an unquoted field, or text followed a closing quote.
    pub stray_quote: bool,
    /// The input ended inside a quoted field: everything from the opening quote on is in the last field.
    pub unterminated_quote: bool,
    /// Every byte of `bytes()` is ASCII, seen while the fields were found (false also means "not known").
    pub ascii: bool,
    buf: &'a [u8],
    ends: &'a [usize],
    /// The separator (`,` or tab).
    delimiter: u8,
    /// Bytes between one field's end and the next one's start in `buf`: 0 when fields were copied back to
    /// back, 1 when the record is read in place (the comma is still there).
    sep: usize,
}

impl<'a> Record<'a> {
    /// A record of cells laid back to back in `buf`, cell `i` ending at `ends[i]` (an editable table's row,
    /// see `table`). `ends` holds at least one end.
    pub fn from_cells(line: u64, buf: &'a [u8], ends: &'a [usize], stray_quote: bool) -> Self {
        Record {
            line,
            stray_quote,
            unterminated_quote: false,
            ascii: buf.is_ascii(),
            buf,
            ends,
            delimiter: b',',
            sep: 0,
        }
    }

    /// Number of fields (at least 1).
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Always false: a record has at least one (possibly empty) field.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The raw bytes of field `i` (0-based), quotes removed and `""` unescaped.
    pub fn get(&self, i: usize) -> Option<&'a [u8]> {
        self.span(i).map(|r| &self.buf[r])
    }

    /// Byte range of field `i` within `bytes()`.
    pub fn span(&self, i: usize) -> Option<std::ops::Range<usize>> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] + self.sep };
        Some(start..end)
    }

    /// The bytes that hold the fields (see `span`; they may hold the commas between them too).
    pub fn bytes(&self) -> &'a [u8] {
        self.buf
    }

    /// `bytes()` as text, or None when they are not UTF-8. A record the reader saw to be ASCII is not
    /// checked again: that check was most of the cost of reading a cell.
    pub fn text(&self) -> Option<&'a str> {
        if self.ascii {
            debug_assert!(self.buf.is_ascii());
            // SAFETY: `ascii` is set only when every byte of `buf` was seen below 0x80, and ASCII is UTF-8.
            Some(unsafe { std::str::from_utf8_unchecked(self.buf) })
        } else {
            std::str::from_utf8(self.buf).ok()
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Every field is empty or ASCII blanks: a spreadsheet's empty row (`,,,,`), skipped by callers.
    pub fn is_blank(&self) -> bool {
        let blank = |b: &u8| b.is_ascii_whitespace() || (self.sep == 1 && *b == self.delimiter);
        // Nearly every record shows it is not blank at its first byte.
        self.buf.first().is_none_or(blank) && self.buf.iter().all(blank)
    }
}

/// A reader of records separated by `D` (`,` by default; see the module's comment).
#[derive(Debug)]
pub struct RecordReader<const D: u8 = b','> {
    state: State,
    buf: Vec<u8>,
    ends: Vec<usize>,
    /// Line of the next byte (1-based).
    line: u64,
    record_line: u64,
    last_cr: bool,
    stray_quote: bool,
    /// How many bytes of a leading BOM have been matched; `None` once the start of input is behind us.
    bom_seen: Option<usize>,
}

impl<const D: u8> Default for RecordReader<D> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const D: u8> RecordReader<D> {
    pub fn new() -> Self {
        Self {
            state: State::RecordStart,
            buf: Vec::with_capacity(1024),
            ends: Vec::with_capacity(32),
            line: 1,
            record_line: 1,
            last_cr: false,
            stray_quote: false,
            bom_seen: Some(0),
        }
    }

    /// Physical line (1-based) of the next byte to be read.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Feed the next chunk; `on_record` is called for every record completed in it.
    pub fn push(&mut self, mut chunk: &[u8], on_record: &mut impl FnMut(&Record<'_>)) {
        if let Some(seen) = self.bom_seen {
            let mut seen = seen;
            while seen < BOM.len() && !chunk.is_empty() && chunk[0] == BOM[seen] {
                seen += 1;
                chunk = &chunk[1..];
            }
            if seen == BOM.len() || (seen == 0 && !chunk.is_empty()) {
                self.bom_seen = None;
            } else if chunk.is_empty() {
                self.bom_seen = Some(seen);
                return;
            } else {
                // A partial BOM followed by something else: those bytes were data after all.
                self.bom_seen = None;
                self.feed(&BOM[..seen], on_record);
            }
        }
        self.feed(chunk, on_record);
    }

    /// End of input: completes the last record (which may lack a final line break).
    pub fn finish(&mut self, on_record: &mut impl FnMut(&Record<'_>)) {
        if let Some(seen) = self.bom_seen.take() {
            self.feed(&BOM[..seen], on_record);
        }
        match self.state {
            State::RecordStart => {}
            State::Quoted => {
                self.ends.push(self.buf.len());
                self.emit(true, on_record);
            }
            State::FieldStart | State::Unquoted | State::QuoteInQuoted => {
                self.ends.push(self.buf.len());
                self.emit(false, on_record);
            }
        }
        self.state = State::RecordStart;
    }

    fn emit(&mut self, unterminated_quote: bool, on_record: &mut impl FnMut(&Record<'_>)) {
        on_record(&Record {
            line: self.record_line,
            stray_quote: self.stray_quote,
            unterminated_quote,
            ascii: false,
            buf: &self.buf,
            ends: &self.ends,
            delimiter: D,
            sep: 0,
        });
        self.buf.clear();
        self.ends.clear();
        self.stray_quote = false;
    }

    /// Counts a line break byte; `\r\n` is one break.
    #[inline]
    fn count_break(&mut self, b: u8) {
        if b == b'\r' || !self.last_cr {
            self.line += 1;
        }
        self.last_cr = b == b'\r';
    }

    fn feed(&mut self, input: &[u8], on_record: &mut impl FnMut(&Record<'_>)) {
        let mut i = 0;
        while i < input.len() {
            match self.state {
                State::Unquoted => {
                    // Fast path: copy the run of ordinary bytes in one go.
                    let run = find_special::<D, true>(&input[i..]);
                    if run > 0 {
                        self.buf.extend_from_slice(&input[i..i + run]);
                        self.last_cr = false;
                        i += run;
                        continue;
                    }
                    let b = input[i];
                    i += 1;
                    match b {
                        _ if b == D => {
                            self.ends.push(self.buf.len());
                            self.state = State::FieldStart;
                            self.last_cr = false;
                        }
                        b'"' => {
                            self.stray_quote = true;
                            self.buf.push(b);
                            self.last_cr = false;
                        }
                        _ => self.end_record(b, on_record),
                    }
                }
                State::Quoted => {
                    let run =
                        input[i..].iter().position(|&b| matches!(b, b'"' | b'\n' | b'\r')).unwrap_or(input.len() - i);
                    if run > 0 {
                        self.buf.extend_from_slice(&input[i..i + run]);
                        self.last_cr = false;
                        i += run;
                        continue;
                    }
                    let b = input[i];
                    i += 1;
                    if b == b'"' {
                        self.state = State::QuoteInQuoted;
                        self.last_cr = false;
                    } else {
                        self.count_break(b);
                        self.buf.push(b);
                    }
                }
                State::RecordStart => {
                    let b = input[i];
                    if b == b'\n' || b == b'\r' {
                        // An empty line: not a record.
                        self.count_break(b);
                        i += 1;
                    } else {
                        self.record_line = self.line;
                        self.last_cr = false;
                        match self.record_in_place(&input[i..], on_record) {
                            0 => self.state = State::FieldStart,
                            used => i += used,
                        }
                    }
                }
                State::FieldStart => {
                    let b = input[i];
                    i += 1;
                    self.last_cr = false;
                    match b {
                        b'"' => self.state = State::Quoted,
                        _ if b == D => self.ends.push(self.buf.len()),
                        b'\n' | b'\r' => self.end_record(b, on_record),
                        _ => {
                            self.buf.push(b);
                            self.state = State::Unquoted;
                        }
                    }
                }
                State::QuoteInQuoted => {
                    let b = input[i];
                    i += 1;
                    match b {
                        b'"' => {
                            self.buf.push(b'"');
                            self.state = State::Quoted;
                            self.last_cr = false;
                        }
                        _ if b == D => {
                            self.ends.push(self.buf.len());
                            self.state = State::FieldStart;
                            self.last_cr = false;
                        }
                        b'\n' | b'\r' => self.end_record(b, on_record),
                        _ => {
                            // `"abc"def`: keep the text, flag the quote.
                            self.stray_quote = true;
                            self.buf.push(b);
                            self.state = State::Unquoted;
                            self.last_cr = false;
                        }
                    }
                }
            }
        }
    }

    /// The fast path, for nearly every record: one without quotes that ends inside `input` is handed out
    /// where it lies, without copying. Eight bytes at a time, the commas, quotes and line breaks of a word
    /// come out as one mask whose bits are then visited in order; whether the record is all ASCII is noted
    /// on the way (so that the validator need not check its UTF-8). Returns the bytes used (the line break
    /// included), or 0 to leave the record to the state machine.
    fn record_in_place(&mut self, input: &[u8], on_record: &mut impl FnMut(&Record<'_>)) -> usize {
        debug_assert!(self.buf.is_empty() && self.ends.is_empty());
        // Every byte of the record is ORed in here.
        let mut seen = 0u64;
        let mut at = 0;
        // With wasm SIMD, sixteen bytes at a time first (the same mask, from four compares).
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            let mut blocks = input.chunks_exact(16);
            for block in &mut blocks {
                let (mut m, top) = simd::specials16::<D>(block);
                while m != 0 {
                    let i = at + m.trailing_zeros() as usize;
                    match input[i] {
                        b if b == D => self.ends.push(i),
                        b @ (b'\n' | b'\r') => {
                            let before = top & ((1u32 << (i - at)) - 1);
                            let seen = seen | if before == 0 { 0 } else { HI };
                            return self.emit_in_place(input, i, b, seen, on_record);
                        }
                        _ => {
                            self.ends.clear();
                            return 0;
                        }
                    }
                    m &= m - 1;
                }
                if top != 0 {
                    seen |= HI;
                }
                at += 16;
            }
        }
        let mut words = input[at..].chunks_exact(8);
        for word in &mut words {
            let w = word.try_into().map(u64::from_le_bytes).unwrap_or(0);
            let mut m = specials::<D, true>(w);
            while m != 0 {
                // The mask may mark a byte above a true one that is none of these: the match skips it.
                let i = at + (m.trailing_zeros() / 8) as usize;
                match input[i] {
                    b if b == D => self.ends.push(i),
                    b @ (b'\n' | b'\r') => {
                        // Only the bytes of this word before the line break are the record's.
                        let before = u64::MAX.checked_shr(64 - 8 * (i - at) as u32).unwrap_or(0);
                        return self.emit_in_place(input, i, b, seen | w & before, on_record);
                    }
                    b'"' => {
                        self.ends.clear();
                        return 0;
                    }
                    _ => {}
                }
                m &= m - 1;
            }
            seen |= w;
            at += 8;
        }
        for (k, &b) in words.remainder().iter().enumerate() {
            match b {
                _ if b == D => self.ends.push(at + k),
                b'\n' | b'\r' => return self.emit_in_place(input, at + k, b, seen, on_record),
                b'"' => break,
                _ => seen |= u64::from(b),
            }
        }
        // A quote, or the record goes on in the next chunk.
        self.ends.clear();
        0
    }

    /// Hands out the record `input[..end]` (`end` is its line break `b`); returns the bytes used.
    fn emit_in_place(
        &mut self,
        input: &[u8],
        end: usize,
        b: u8,
        seen: u64,
        on_record: &mut impl FnMut(&Record<'_>),
    ) -> usize {
        self.ends.push(end);
        on_record(&Record {
            line: self.record_line,
            stray_quote: false,
            unterminated_quote: false,
            ascii: seen & HI == 0,
            buf: &input[..end],
            ends: &self.ends,
            delimiter: D,
            sep: 1,
        });
        self.ends.clear();
        self.count_break(b);
        end + 1
    }

    fn end_record(&mut self, line_break: u8, on_record: &mut impl FnMut(&Record<'_>)) {
        self.ends.push(self.buf.len());
        self.emit(false, on_record);
        self.count_break(line_break);
        self.state = State::RecordStart;
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::{i8x16_bitmask, i8x16_eq, u8x16_splat, v128, v128_load, v128_or};

    /// Of 16 bytes: bit k set when byte k is `D` `"` `\r` or `\n`, and bit k set when byte k is not ASCII.
    #[inline(always)]
    pub fn specials16<const D: u8>(block: &[u8]) -> (u32, u32) {
        debug_assert_eq!(block.len(), 16);
        // SAFETY: `block` holds 16 readable bytes (callers pass `chunks_exact(16)`), and v128_load reads
        // exactly 16 bytes with no alignment requirement.
        let v = unsafe { v128_load(block.as_ptr().cast::<v128>()) };
        let m = v128_or(
            v128_or(i8x16_eq(v, u8x16_splat(D)), i8x16_eq(v, u8x16_splat(b'"'))),
            v128_or(i8x16_eq(v, u8x16_splat(b'\n')), i8x16_eq(v, u8x16_splat(b'\r'))),
        );
        (u32::from(i8x16_bitmask(m)), u32::from(i8x16_bitmask(v)))
    }
}

/// A mask with the top bit set in each byte of `w` that is `"`, `\r`, `\n` or (with `SEP`) `D` (SWAR: a
/// zero byte in `w ^ splat(c)` marks a `c`). The lowest marked byte is exact; a byte above a marked one may
/// be marked wrongly (a borrow), so callers that look past the lowest check the byte.
#[inline(always)]
fn specials<const D: u8, const SEP: bool>(w: u64) -> u64 {
    let zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
    let mut m =
        zero(w ^ (LO * u64::from(b'"'))) | zero(w ^ (LO * u64::from(b'\n'))) | zero(w ^ (LO * u64::from(b'\r')));
    if SEP {
        m |= zero(w ^ (LO * u64::from(D)));
    }
    m
}

/// Index of the first byte that can end a run of field text: `"`, `\r`, `\n`, and (with `SEP`) the
/// separator `D`; or `hay.len()`. Eight bytes at a time (see `specials`).
#[inline(always)]
fn find_special<const D: u8, const SEP: bool>(hay: &[u8]) -> usize {
    let mut words = hay.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut words {
        let m = specials::<D, SEP>(chunk.try_into().map(u64::from_le_bytes).unwrap_or(0));
        if m != 0 {
            return at + (m.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    let tail = words.remainder();
    at + tail.iter().position(|&b| b == b'"' || b == b'\n' || b == b'\r' || (SEP && b == D)).unwrap_or(tail.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Rec {
        line: u64,
        fields: Vec<String>,
        stray: bool,
        unterminated: bool,
    }

    fn read_chunks(chunks: &[&[u8]]) -> Vec<Rec> {
        let mut r = RecordReader::<b','>::new();
        let mut out = Vec::new();
        let mut sink = |rec: &Record<'_>| {
            out.push(Rec {
                line: rec.line,
                fields: rec.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect(),
                stray: rec.stray_quote,
                unterminated: rec.unterminated_quote,
            })
        };
        for c in chunks {
            r.push(c, &mut sink);
        }
        r.finish(&mut sink);
        out
    }

    fn read(input: &[u8]) -> Vec<Rec> {
        read_chunks(&[input])
    }

    fn rec(line: u64, fields: &[&str]) -> Rec {
        Rec { line, fields: fields.iter().map(|s| s.to_string()).collect(), stray: false, unterminated: false }
    }

    #[test]
    fn table() {
        let cases: &[(&str, &[u8], Vec<Rec>)] = &[
            ("LF, last line without break", b"a,b\nc,d", vec![rec(1, &["a", "b"]), rec(2, &["c", "d"])]),
            ("CRLF ends lines once", b"a,b\r\nc,d\r\n", vec![rec(1, &["a", "b"]), rec(2, &["c", "d"])]),
            ("lone CR ends a line", b"a\rb\r", vec![rec(1, &["a"]), rec(2, &["b"])]),
            ("empty lines are skipped but counted", b"a\n\n\r\nb\n", vec![rec(1, &["a"]), rec(4, &["b"])]),
            ("quoted comma", b"\"x,y\",z\n", vec![rec(1, &["x,y", "z"])]),
            ("escaped quote", b"\"say \"\"hi\"\"\"\n", vec![rec(1, &["say \"hi\""])]),
            (
                "quoted line breaks move the next record's line",
                b"\"l1\r\nl2\nl3\",x\nnext\n",
                vec![rec(1, &["l1\r\nl2\nl3", "x"]), rec(4, &["next"])],
            ),
            ("empty fields", b",,\n", vec![rec(1, &["", "", ""])]),
            ("BOM is skipped", b"\xEF\xBB\xBFa,b\n", vec![rec(1, &["a", "b"])]),
            ("a lone EF is data", b"\xEFa\n", vec![rec(1, &["\u{FFFD}a"])]),
            ("empty input has no record", b"", vec![]),
        ];
        for (what, input, want) in cases {
            assert_eq!(&read(input), want, "{what}");
        }
    }

    #[test]
    fn stray_and_unterminated_quotes_are_flagged() {
        let got = read(b"ab\"c,\"x\"y\n\"open,\nrest");
        assert_eq!(got.len(), 2);
        assert!(got[0].stray && !got[0].unterminated);
        assert_eq!(got[0].fields, ["ab\"c", "xy"]);
        assert!(got[1].unterminated);
        assert_eq!(got[1].line, 2);
        assert_eq!(got[1].fields, ["open,\nrest"]);
    }

    #[test]
    fn every_split_point_gives_the_same_records() {
        let input: &[u8] = b"\xEF\xBB\xBFh1,h2\r\n\"a,\"\"b\"\"\r\nc\",d\r\n\r\n,,\re,f";
        let whole = read(input);
        for i in 0..=input.len() {
            for j in i..=input.len() {
                assert_eq!(read_chunks(&[&input[..i], &input[i..j], &input[j..]]), whole, "split at {i},{j}");
            }
        }
    }

    #[test]
    fn find_special_agrees_with_a_plain_scan() {
        let hay: Vec<u8> = b"abc,def\"ghi\rjk\nlm\xE0\xA4\x85,,\"\"xyz".repeat(3);
        for start in 0..hay.len() {
            for end in start..=hay.len() {
                let h = &hay[start..end];
                let plain = |comma: bool| {
                    h.iter()
                        .position(|&b| b == b'"' || b == b'\n' || b == b'\r' || (comma && b == b','))
                        .unwrap_or(h.len())
                };
                assert_eq!(find_special::<b',', true>(h), plain(true), "{start}..{end}");
                assert_eq!(find_special::<b',', false>(h), plain(false), "{start}..{end}");
            }
        }
    }

    #[test]
    fn ascii_is_said_only_of_ascii_records_however_split() {
        let input = "name,x\nअनिल,1\nplain,2\nsome longer plain text,more,cells\nend,é\nlast,ok\n".as_bytes();
        for i in 0..=input.len() {
            let mut r = RecordReader::<b','>::new();
            let mut said = Vec::new();
            let mut sink = |rec: &Record<'_>| {
                assert!(!rec.ascii || rec.bytes().is_ascii(), "split at {i}: said ASCII of {:?}", rec.bytes());
                said.push(rec.ascii);
            };
            r.push(&input[..i], &mut sink);
            r.push(&input[i..], &mut sink);
            r.finish(&mut sink);
            if i == 0 {
                assert_eq!(said, [true, false, true, true, false, true], "read in place, whole");
            }
        }
    }

    /// Records as the validator sees them: line, fields, flags and blankness.
    type Seen = (u64, Vec<Vec<u8>>, bool, bool, bool);

    fn seen(chunks: &[&[u8]]) -> Vec<Seen> {
        let mut r = RecordReader::<b','>::new();
        let mut out = Vec::new();
        let mut sink = |rec: &Record<'_>| {
            assert!(!rec.ascii || rec.bytes().is_ascii(), "said ASCII of {:?}", rec.bytes());
            let fields = rec.iter().map(<[u8]>::to_vec).collect();
            out.push((rec.line, fields, rec.stray_quote, rec.unterminated_quote, rec.is_blank()));
        };
        for c in chunks {
            r.push(c, &mut sink);
        }
        r.finish(&mut sink);
        out
    }

    /// The fast path (records read in place, quoted fields too) against the state machine, which reads
    /// every record when the input comes a byte at a time: small inputs of the bytes that matter.
    #[test]
    fn in_place_and_byte_by_byte_agree_on_random_inputs() {
        let alphabet: &[u8] = b"a,\"\n\r \xC3\xA9";
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..100_000 {
            let len = (next() % 40) as usize;
            let input: Vec<u8> = (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
            let bytes: Vec<&[u8]> = input.chunks(1).collect();
            assert_eq!(seen(&[&input]), seen(&bytes), "input {:?}", String::from_utf8_lossy(&input));
        }
    }

    #[test]
    fn blank_records() {
        let mut blank = Vec::new();
        let mut r = RecordReader::<b','>::new();
        let mut sink = |rec: &Record<'_>| blank.push(rec.is_blank());
        r.push(b",,\n , \nx,\n", &mut sink);
        r.finish(&mut sink);
        assert_eq!(blank, [true, true, false]);
    }
}
