//! Field parsers: a checked value becomes a type, and code that holds one never checks it again.
//!
//! The types borrow the cell they came from: the validator parses millions of cells and must not allocate
//! for the ones that are fine. Every `parse` trims surrounding white space itself, so callers pass raw
//! cells. A failure is a `FieldError`: an issue code, plus what its message needs.

use crate::config::Allowed;
use crate::date::Date;
use crate::issue::Code;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub code: Code,
    pub param: Option<String>,
}

impl FieldError {
    fn new(code: Code) -> Self {
        Self { code, param: None }
    }

    fn with(code: Code, param: impl ToString) -> Self {
        Self { code, param: Some(param.to_string()) }
    }
}

/// Trims white space. Most cells need none, and that is seen from their two ends; ASCII cells take the
/// cheaper path; only text ending in a non-ASCII byte can end in Unicode white space.
#[inline(always)]
pub fn trim(s: &str) -> &str {
    match s.as_bytes() {
        [] => s,
        [first, .., last] | [first @ last]
            if !first.is_ascii_whitespace() && last.is_ascii() && !last.is_ascii_whitespace() =>
        {
            // No trim at the end; at the start only a non-ASCII space could be trimmed.
            if first.is_ascii() { s } else { s.trim_start() }
        }
        _ if s.is_ascii() => s.trim_ascii(),
        _ => s.trim(),
    }
}

fn char_len(s: &str) -> usize {
    if s.is_ascii() { s.len() } else { s.chars().count() }
}

fn check_len(s: &str, min: usize, max: usize) -> Result<(), FieldError> {
    // A character is 1 to 4 bytes: most cells are within bounds by their byte length alone.
    if s.len() <= max && s.len() >= min.saturating_mul(4) {
        return Ok(());
    }
    check_len_chars(char_len(s), min, max)
}

fn check_len_chars(n: usize, min: usize, max: usize) -> Result<(), FieldError> {
    if n > max {
        Err(FieldError::with(Code::TooLong, max))
    } else if n < min {
        Err(FieldError::with(Code::TooShort, min))
    } else {
        Ok(())
    }
}

/// A first or last name: letters of any script, spaces, `.`, `'`, `-`; at most 50 characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonName<'a>(&'a str);

impl<'a> PersonName<'a> {
    pub const MAX_CHARS: usize = 50;

    /// Ok(None) for a blank cell: whether a name is required is the caller's rule.
    pub fn parse(cell: &'a str) -> Result<Option<Self>, FieldError> {
        Self::parse_max(cell, Self::MAX_CHARS)
    }

    /// The same rules with another length limit (DIGIT's full `name` takes 100 characters).
    pub fn parse_max(cell: &'a str, max_chars: usize) -> Result<Option<Self>, FieldError> {
        let s = trim(cell);
        if s.is_empty() {
            return Ok(None);
        }
        // One pass over ASCII names (nearly all); the char path only for other scripts.
        let (mut ascii, mut ok, mut letter) = (true, true, false);
        for &b in s.as_bytes() {
            if b.is_ascii_alphabetic() {
                letter = true;
            } else if b >= 0x80 {
                ascii = false;
                break;
            } else if !matches!(b, b' ' | b'.' | b'\'' | b'-') {
                ok = false;
            }
        }
        if ascii {
            check_len_chars(s.len(), 1, max_chars)?;
        } else {
            // Every invisible character is beyond ASCII, so the fast path above never meets one.
            if s.chars().any(invisible_in_name) {
                return Err(FieldError::new(Code::InvisibleCharacter));
            }
            check_len(s, 1, max_chars)?;
            ok = s.chars().all(is_name_char);
            letter = s.chars().any(|c| is_indic_letter(c) || c.is_alphabetic());
        }
        if ok && letter { Ok(Some(PersonName(s))) } else { Err(FieldError::new(Code::InvalidName)) }
    }
}

/// Characters that show nothing (Unicode 17.0, inclusive ranges): the format characters (general category Cf:
/// the bidirectional controls U+061C, U+200E, U+200F, U+202A–U+202E and U+2066–U+2069, zero-width spaces and
/// joiners, U+2060, U+FEFF, the soft hyphen U+00AD…) and the other default-ignorable code points (variation
/// selectors, the Hangul fillers that pass for letters…). The same set as
/// `/[\p{Cf}\p{Default_Ignorable_Code_Point}]/u` in www/csv.js; tests/security/reports_and_cells.test.mjs
/// prints it again from Node's Unicode data when the two disagree.
const INVISIBLE: &[(u32, u32)] = &[
    (0xAD, 0xAD),
    (0x34F, 0x34F),
    (0x600, 0x605),
    (0x61C, 0x61C),
    (0x6DD, 0x6DD),
    (0x70F, 0x70F),
    (0x890, 0x891),
    (0x8E2, 0x8E2),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
];

/// A character that shows nothing (`INVISIBLE`).
pub fn is_invisible(c: char) -> bool {
    let n = c as u32;
    n >= 0xAD
        && INVISIBLE
            .binary_search_by(|&(lo, hi)| {
                if hi < n {
                    std::cmp::Ordering::Less
                } else if lo > n {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
}

/// An invisible character that no person's name may hold: a bidirectional control can make a name (or a link
/// beside it in an SMS) read as another text, and the others hide what a name really is. Every name field
/// refuses them: the upload's firstName and lastName (`PersonName`), and the DIGIT routes' names.
///
/// The zero-width non-joiner (U+200C) and joiner (U+200D) stay allowed: Devanagari and the other Indic scripts
/// use them to choose how a conjunct is drawn (क्‍ष with a half क, र्‌य with a visible virama), as Unicode's
/// chapter on those scripts prescribes, and people's names are spelled with them. They change how letters join,
/// never the order in which text is shown, so they cannot disguise a name or a link.
pub fn invisible_in_name(c: char) -> bool {
    !matches!(c, '\u{200C}' | '\u{200D}') && is_invisible(c)
}

/// Letters, and the marks that Indic scripts need inside words (a virama is not "alphabetic" in Unicode,
/// yet कृष्ण cannot be written without one).
/// A letter or sign of the Indic blocks (U+0900 to U+0DFF): not one of their digits (each block has them
/// at offsets 0x66 to 0x6F) nor a danda.
fn is_indic_letter(c: char) -> bool {
    let n = c as u32;
    matches!(n, 0x0900..=0x0DFF) && !matches!(n & 0x7F, 0x66..=0x6F) && !matches!(n, 0x0964 | 0x0965)
}

/// The Indic blocks are tested first: they are most of the non-ASCII names here, and the general Unicode
/// lookup is slow.
fn is_name_char(c: char) -> bool {
    is_indic_letter(c)
        || c.is_alphabetic()
        || matches!(c, ' ' | '.' | '\'' | '-' | '\u{2019}' | '\u{200C}' | '\u{200D}')
        || matches!(c as u32, 0x0300..=0x036F)
}

/// Which mobile numbers a deployment takes: how many digits, and which digits may come first. DIGIT 2.12's
/// default (and enrol's) is 10 digits starting with 6 to 9; DIGIT 2.9 took any 10 digits. The browser, the
/// upload and the API all check with the same rule (the Worker's `MOBILE_DIGITS`, `MOBILE_FIRST_DIGITS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MobileRule {
    /// Digits of a national number, 4 to 15 (E.164's most).
    pub digits: u8,
    /// Bit d set: a number may begin with the digit d.
    pub first: u16,
}

impl MobileRule {
    /// 10 digits starting with 6, 7, 8 or 9.
    pub const DEFAULT: MobileRule = MobileRule { digits: 10, first: 0b11_1100_0000 };
    pub const MIN_DIGITS: u8 = 4;
    pub const MAX_DIGITS: u8 = 15;

    /// A rule from a digit count and the allowed first digits as text (`"6789"`); None when either is unusable.
    pub fn new(digits: u8, first_digits: &str) -> Option<Self> {
        let mut first = 0u16;
        for b in first_digits.trim().bytes() {
            if !b.is_ascii_digit() {
                return None;
            }
            first |= 1 << (b - b'0');
        }
        ((Self::MIN_DIGITS..=Self::MAX_DIGITS).contains(&digits) && first != 0).then_some(MobileRule { digits, first })
    }

    #[inline(always)]
    fn takes(self, national: &[u8]) -> bool {
        national.len() == usize::from(self.digits)
            && national[0].is_ascii_digit()
            && self.first & (1 << (national[0] - b'0')) != 0
    }

    /// The allowed first digits as text, in order (`"6789"`).
    pub fn first_digits(self) -> String {
        (0..10u8).filter(|d| self.first & (1 << d) != 0).map(|d| char::from(b'0' + d)).collect()
    }

    /// The rule in words: `10 digits starting with 6-9`, `10 digits`.
    pub fn describe(self) -> String {
        let first = self.first_digits();
        let n = self.digits;
        if first.len() == 10 {
            return format!("{n} digits");
        }
        let b = first.as_bytes();
        let contiguous = b.windows(2).all(|w| w[1] == w[0] + 1);
        let list = if contiguous && b.len() > 2 {
            format!("{}-{}", b[0] as char, b[b.len() - 1] as char)
        } else {
            first.chars().map(String::from).collect::<Vec<_>>().join(", ")
        };
        format!("{n} digits starting with {list}")
    }
}

impl Default for MobileRule {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A mobile number, normalised to its national digits (as many as the `MobileRule` says).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Phone {
    digits: [u8; MobileRule::MAX_DIGITS as usize],
    len: u8,
}

impl Phone {
    /// `parse_with` the default rule (10 digits starting with 6 to 9).
    pub fn parse(cell: &str) -> Result<Option<Self>, FieldError> {
        Self::parse_with(cell, MobileRule::DEFAULT)
    }

    /// Accepts `+91 98765-43210`, `(0)9876543210`, `919876543210`…: spaces, hyphens, brackets and dots
    /// go, then a `+91`, `91` or `0` prefix (only when the digits are that much longer than the rule's);
    /// what is left must be the rule's number of digits, starting with one of its first digits.
    pub fn parse_with(cell: &str, rule: MobileRule) -> Result<Option<Self>, FieldError> {
        let s = trim(cell);
        if s.is_empty() {
            return Ok(None);
        }
        let n = usize::from(rule.digits);
        // Most cells are digits alone: the number, or with a 0 or 91 before it.
        let b = s.as_bytes();
        let national = match b {
            [b'0', rest @ ..] if rest.len() == n => rest,
            [b'9', b'1', rest @ ..] if rest.len() == n => rest,
            _ => b,
        };
        if rule.takes(national) && b.iter().all(u8::is_ascii_digit) {
            return Ok(Some(Phone::from_digits(national)));
        }
        // The rule goes with the issue (`digits|first digits`, e.g. `10|6789`): the message states the deployment's
        // rule in the reader's language (`messages::message`).
        let invalid = || FieldError::with(Code::InvalidPhone, format_args!("{}|{}", rule.digits, rule.first_digits()));
        let mut digits = [0u8; MobileRule::MAX_DIGITS as usize + 2];
        let mut count = 0;
        let mut plus = false;
        for b in s.bytes() {
            match b {
                b'0'..=b'9' => {
                    if count == digits.len() {
                        return Err(invalid());
                    }
                    digits[count] = b;
                    count += 1;
                }
                b' ' | b'-' | b'(' | b')' | b'.' => {}
                b'+' if count == 0 && !plus => plus = true,
                _ => return Err(invalid()),
            }
        }
        let national: &[u8] = match (&digits[..count], plus) {
            ([b'9', b'1', rest @ ..], _) if rest.len() == n => rest,
            (_, true) => return Err(invalid()),
            ([b'0', rest @ ..], false) if rest.len() == n => rest,
            (all, false) => all,
        };
        if rule.takes(national) { Ok(Some(Phone::from_digits(national))) } else { Err(invalid()) }
    }

    /// `national`: ASCII digits, at most `MobileRule::MAX_DIGITS` (checked by the rule).
    fn from_digits(national: &[u8]) -> Self {
        let mut digits = [0u8; MobileRule::MAX_DIGITS as usize];
        digits[..national.len()].copy_from_slice(national);
        Phone { digits, len: national.len() as u8 }
    }

    /// The digits as a number: a compact key for finding duplicates (one rule, so one length, per sheet).
    pub fn as_u64(&self) -> u64 {
        self.digits[..usize::from(self.len)].iter().fold(0, |acc, d| acc * 10 + u64::from(d - b'0'))
    }
}

impl AsRef<str> for Phone {
    fn as_ref(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.digits[..usize::from(self.len)]).unwrap_or_default()
    }
}

/// The bytes an email's local part may hold: letters, digits and RFC 5322's specials (a table: the check
/// runs for every byte of every address).
const LOCAL_PART: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = (c as u8).is_ascii_alphanumeric();
        c += 1;
    }
    let specials = b"!#$%&'*+/=?^_`{|}~.-";
    let mut i = 0;
    while i < specials.len() {
        t[specials[i] as usize] = true;
        i += 1;
    }
    t
};

/// An email address of the usual form, at most 128 characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Email<'a>(&'a str);

impl<'a> Email<'a> {
    pub const MAX_CHARS: usize = 128;

    pub fn parse(cell: &'a str) -> Result<Option<Self>, FieldError> {
        let s = trim(cell);
        if s.is_empty() {
            return Ok(None);
        }
        check_len(s, 3, Self::MAX_CHARS)?;
        if Self::well_formed(s.as_bytes()) { Ok(Some(Email(s))) } else { Err(FieldError::new(Code::InvalidEmail)) }
    }

    /// `local@domain` in one pass: the local part (1 to 64) of letters, digits and RFC 5322's specials,
    /// dots not first, last or doubled; the domain of two or more labels (1 to 63 letters, digits and inner
    /// hyphens) ending in an alphabetic top-level label of two or more.
    fn well_formed(b: &[u8]) -> bool {
        let Some(at) = b.iter().position(|&c| c == b'@') else { return false };
        let (local, domain) = (&b[..at], &b[at + 1..]);
        if local.len() > 64 {
            return false;
        }
        // One pass: allowed bytes, no dot first, last or after another (the start counts as a dot).
        let mut after_dot = true;
        for &c in local {
            let dot = c == b'.';
            if !LOCAL_PART[c as usize] || (dot && after_dot) {
                return false;
            }
            after_dot = dot;
        }
        if after_dot {
            return false; // empty, or ends with a dot
        }
        let (mut labels, mut label_len, mut tld_alpha) = (0, 0, true);
        for (i, &c) in domain.iter().enumerate() {
            if c == b'.' {
                if label_len == 0 || domain[i - 1] == b'-' {
                    return false;
                }
                labels += 1;
                label_len = 0;
                tld_alpha = true;
            } else if c.is_ascii_alphanumeric() || (c == b'-' && label_len > 0) {
                label_len += 1;
                tld_alpha &= c.is_ascii_alphabetic();
                if label_len > 63 {
                    return false;
                }
            } else {
                return false;
            }
        }
        labels >= 1 && label_len >= 2 && tld_alpha && domain.last() != Some(&b'-')
    }
}

impl AsRef<str> for PersonName<'_> {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Email<'_> {
    fn as_ref(&self) -> &str {
        self.0
    }
}

/// A login name: 4 to 64 of letters, digits and `. _ - @`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserName<'a>(&'a str);

impl<'a> UserName<'a> {
    pub fn parse(cell: &'a str) -> Result<Option<Self>, FieldError> {
        let s = trim(cell);
        if s.is_empty() {
            return Ok(None);
        }
        if !s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@')) {
            return Err(FieldError::new(Code::InvalidUserName));
        }
        check_len(s, 4, 64)?;
        Ok(Some(UserName(s)))
    }
}

impl AsRef<str> for UserName<'_> {
    fn as_ref(&self) -> &str {
        self.0
    }
}

/// A password a person (or the sheet) chose: NIST 800-63B: 8 to 64 characters, no composition rules,
/// not a common one (`common_passwords`: patterns, names, lists; the breach list only with the `breach-list`
/// feature). Unlike other cells it is not trimmed: spaces are part of a password.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Password<'a>(&'a str);

impl std::fmt::Debug for Password<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

impl<'a> Password<'a> {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 64;

    pub fn parse(cell: &'a str) -> Result<Option<Self>, FieldError> {
        if trim(cell).is_empty() {
            return Ok(None);
        }
        check_len(cell, Self::MIN_CHARS, Self::MAX_CHARS)?;
        if crate::common_passwords::is_common(cell) {
            return Err(FieldError::new(Code::CommonPassword));
        }
        Ok(Some(Password(cell)))
    }

    pub fn expose(&self) -> &'a str {
        self.0
    }
}

/// TRUE or FALSE, any case.
pub fn parse_bool(cell: &str) -> Result<Option<bool>, FieldError> {
    let s = trim(cell);
    if s.is_empty() {
        Ok(None)
    } else if s.eq_ignore_ascii_case("true") {
        Ok(Some(true))
    } else if s.eq_ignore_ascii_case("false") {
        Ok(Some(false))
    } else {
        Err(FieldError::new(Code::InvalidBoolean))
    }
}

/// A comma-separated list whose values must come from `allowed` (case-insensitive). The error names every
/// unknown value and what is allowed.
pub fn check_list(cell: &str, allowed: &Allowed) -> Result<(), FieldError> {
    // Most cells hold one value, already trimmed by the caller.
    // Most cells hold one value. No allowed value is found with a comma in it, so a list is never
    // taken for one value here.
    if allowed.contains(trim(cell)) {
        return Ok(());
    }
    let mut unknown: Vec<&str> = Vec::new();
    for value in cell.split(',').map(trim).filter(|v| !v.is_empty()) {
        if !allowed.contains(value) {
            unknown.push(value);
        }
    }
    if unknown.is_empty() {
        Ok(())
    } else {
        let names: Vec<String> = unknown.iter().map(|u| format!("\"{}\"", crate::issue::shorten(u))).collect();
        Err(FieldError::with(Code::UnknownValue, format!("{} — {}", names.join(", "), allowed.values().join(", "))))
    }
}

/// A date of birth, a real date from 1900 on, not after `today`, in either order the four-digit year
/// makes unambiguous: DD-MM-YYYY as the upload guide says (also D-M-YYYY), or YYYY-MM-DD as every Sunbird
/// release requires its `dob` (also YYYY-M-D). The separator is `-` or `/`, the same one twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dob(Date);

impl Dob {
    pub fn parse(cell: &str, today: Date) -> Result<Option<Self>, FieldError> {
        let s = trim(cell);
        if s.is_empty() {
            return Ok(None);
        }
        let invalid = || FieldError::new(Code::InvalidDate);
        let b = s.as_bytes();
        let digit = |c: u8| u32::from(c.wrapping_sub(b'0'));
        let two = |a: u8, b: u8| digit(a) * 10 + digit(b);
        let sep = |c: u8| c == b'-' || c == b'/';
        // Nearly every cell is written in full, in ten bytes: read it in one go.
        if let &[c0, c1, c2, c3, c4, c5, c6, c7, c8, c9] = b {
            if sep(c2) && c5 == c2 && [c0, c1, c3, c4, c6, c7, c8, c9].iter().all(u8::is_ascii_digit) {
                return Self::checked(two(c0, c1), two(c3, c4), two(c6, c7) * 100 + two(c8, c9), today);
            }
            if sep(c4) && c7 == c4 && [c0, c1, c2, c3, c5, c6, c8, c9].iter().all(u8::is_ascii_digit) {
                return Self::checked(two(c8, c9), two(c5, c6), two(c0, c1) * 100 + two(c2, c3), today);
            }
        }
        // Byte by byte: three numbers, one separator twice; the four-digit year comes first or last.
        let number = |from: usize, max_len: usize| -> Option<(u32, usize)> {
            let digits = b.get(from..)?.iter().take(max_len).take_while(|c| c.is_ascii_digit()).count();
            let n = b[from..from + digits].iter().fold(0, |n, &c| n * 10 + u32::from(c - b'0'));
            (digits > 0).then_some((n, from + digits))
        };
        let (first, at) = number(0, 4).ok_or_else(invalid)?;
        let year_first = at == 4;
        if at == 3 {
            return Err(invalid()); // three digits are neither a day nor a year
        }
        let separator = *b.get(at).filter(|&&c| sep(c)).ok_or_else(invalid)?;
        let (m, at) = number(at + 1, 2).ok_or_else(invalid)?;
        if b.get(at) != Some(&separator) {
            return Err(invalid());
        }
        let (last, end) = number(at + 1, if year_first { 2 } else { 4 }).ok_or_else(invalid)?;
        if end != b.len() || (!year_first && end - at - 1 != 4) {
            return Err(invalid());
        }
        if year_first { Self::checked(last, m, first, today) } else { Self::checked(first, m, last, today) }
    }

    fn checked(d: u32, m: u32, y: u32, today: Date) -> Result<Option<Self>, FieldError> {
        let invalid = || FieldError::new(Code::InvalidDate);
        if y < 1900 || m > 12 || d > 31 {
            return Err(invalid());
        }
        let date = Date::new(y as i32, m as u8, d as u8).ok_or_else(invalid)?;
        if date > today {
            return Err(FieldError::new(Code::DateInFuture));
        }
        Ok(Some(Dob(date)))
    }

    pub fn date(&self) -> Date {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
    Transgender,
    Other,
}

impl Gender {
    pub fn parse(cell: &str) -> Result<Option<Self>, FieldError> {
        let s = trim(cell);
        if s.is_empty() {
            return Ok(None);
        }
        let mut lower = [0u8; 11];
        let name = lower.get_mut(..s.len()).ok_or_else(|| FieldError::new(Code::InvalidGender))?;
        name.copy_from_slice(s.as_bytes());
        name.make_ascii_lowercase();
        match &*name {
            b"male" => Ok(Some(Gender::Male)),
            b"female" => Ok(Some(Gender::Female)),
            b"transgender" => Ok(Some(Gender::Transgender)),
            b"other" | b"others" => Ok(Some(Gender::Other)),
            _ => Err(FieldError::new(Code::InvalidGender)),
        }
    }

    /// The template's spelling (any case is read).
    pub fn name(self) -> &'static str {
        match self {
            Gender::Male => "Male",
            Gender::Female => "Female",
            Gender::Transgender => "Transgender",
            Gender::Other => "Other",
        }
    }

    /// DIGIT's spelling.
    pub fn digit_code(self) -> &'static str {
        match self {
            Gender::Male => "MALE",
            Gender::Female => "FEMALE",
            Gender::Transgender => "TRANSGENDER",
            Gender::Other => "OTHERS",
        }
    }
}

/// `externalIds`: a JSON array of objects with string `id`, `idType`, `provider` and `operation`
/// (ADD, EDIT or REMOVE).
pub fn check_external_ids(cell: &str) -> Result<(), FieldError> {
    let s = trim(cell);
    if s.is_empty() {
        return Ok(());
    }
    let bad = |why: &str| FieldError::with(Code::InvalidExternalIds, why);
    let items = crate::json::parse_array_of_string_objects(s).map_err(|e| bad(&e))?;
    for (i, item) in items.iter().enumerate() {
        for key in ["id", "idType", "provider"] {
            json_item_field(item, i, key).map_err(|why| bad(&why))?;
        }
        let op = json_item_field(item, i, "operation").map_err(|why| bad(&why))?;
        if !["ADD", "EDIT", "REMOVE"].iter().any(|o| o.eq_ignore_ascii_case(op)) {
            return Err(bad(&format!("item {}: operation must be ADD, EDIT or REMOVE", i + 1)));
        }
    }
    Ok(())
}

/// `webPages`, as Sunbird holds a user's web pages: a JSON array of objects with a string `type` (Sunbird
/// writes `fb`, `twitter`, `in`, …; any is accepted) and a `url` without blanks, e.g.
/// `[{"type":"fb","url":"https://facebook.com/asha"}]`.
pub fn check_web_pages(cell: &str) -> Result<(), FieldError> {
    let s = trim(cell);
    if s.is_empty() {
        return Ok(());
    }
    let bad = |why: &str| FieldError::with(Code::InvalidWebPages, why);
    let items = crate::json::parse_array_of_string_objects(s).map_err(|e| bad(&e))?;
    for (i, item) in items.iter().enumerate() {
        json_item_field(item, i, "type").map_err(|why| bad(&why))?;
        let url = json_item_field(item, i, "url").map_err(|why| bad(&why))?;
        if url.chars().any(char::is_whitespace) {
            return Err(bad(&format!("item {}: a url has no blanks in it", i + 1)));
        }
    }
    Ok(())
}

/// The trimmed, non-blank value of `key` in item `i` (0-based) of a JSON list cell, or why not.
fn json_item_field<'o>(item: &'o crate::json::Object, i: usize, key: &str) -> Result<&'o str, String> {
    match item.iter().find(|(k, _)| k == key).map(|(_, v)| trim(v)) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(format!("item {} has no \"{key}\"", i + 1)),
    }
}

/// A phone's country code, as Sunbird's `countryCode` column holds it: 1 to 3 digits, not starting with 0,
/// after an optional `+` or `00` (the international call prefix): `+91`, `91`, `0091`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountryCode(u16);

impl CountryCode {
    pub const INDIA: CountryCode = CountryCode(91);

    pub fn parse(cell: &str) -> Result<Option<Self>, FieldError> {
        let s = trim(cell);
        if s.is_empty() {
            return Ok(None);
        }
        let digits = s.strip_prefix('+').or_else(|| s.strip_prefix("00")).unwrap_or(s).as_bytes();
        match digits {
            [b'1'..=b'9', rest @ ..] if rest.len() <= 2 && rest.iter().all(u8::is_ascii_digit) => {
                Ok(Some(CountryCode(digits.iter().fold(0, |n, &d| n * 10 + u16::from(d - b'0')))))
            }
            _ => Err(FieldError::new(Code::InvalidCountryCode)),
        }
    }

    pub fn is_india(self) -> bool {
        self == Self::INDIA
    }

    pub fn as_u16(self) -> u16 {
        self.0
    }
}

/// Free text (position, location, profileSummary): only a length limit.
pub fn check_text(cell: &str, max_chars: usize) -> Result<(), FieldError> {
    check_len(trim(cell), 0, max_chars)
}

/// A cell that a spreadsheet would run as a formula when a CSV holding it is opened (CSV injection), by
/// OWASP's rule made whole: the cell's leading run of blanks, control and invisible characters (which a
/// spreadsheet may skip) holds a tab, carriage return or line feed, or what follows that run is `=`, `+`, `-`,
/// `@` or a character that Unicode folds into one of them (the full-width ＝ ＋ － ＠, the small and the
/// super- and subscript forms). The validator warns about such cells; the CSVs enrol writes (www/csv.js, the
/// same rule in JavaScript) put a `'` before them. tests/data/csv_injection_cells.json is the table both
/// languages are tested against.
pub fn starts_formula(cell: &str) -> bool {
    // Nearly every cell starts with a letter or digit.
    match cell.as_bytes().first() {
        None => return false,
        Some(b) if b.is_ascii_alphanumeric() => return false,
        _ => {}
    }
    for c in cell.chars() {
        match c {
            '\t' | '\r' | '\n' => return true,
            c if c.is_whitespace() || c.is_control() || is_invisible(c) => continue,
            c => return is_formula_operator(c),
        }
    }
    false
}

/// `=`, `+`, `-`, `@`, and every character whose compatibility form (NFKC) is one of them.
fn is_formula_operator(c: char) -> bool {
    matches!(
        c,
        '=' | '+'
            | '-'
            | '@'
            | '\u{FF1D}' // ＝ full-width
            | '\u{FF0B}' // ＋
            | '\u{FF0D}' // －
            | '\u{FF20}' // ＠
            | '\u{FE66}' // ﹦ small
            | '\u{FE62}' // ﹢
            | '\u{FE63}' // ﹣
            | '\u{FE6B}' // ﹫
            | '\u{207C}' // ⁼ superscript
            | '\u{207A}' // ⁺
            | '\u{208C}' // ₌ subscript
            | '\u{208A}' // ₊
            | '\u{FB29}' // ﬩ Hebrew alternative plus
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<T>(r: Result<T, FieldError>) -> Option<Code> {
        r.err().map(|e| e.code)
    }

    #[test]
    fn names() {
        let ok = ["Asha", " Ravi Kumar ", "D'Souza", "Anne-Marie", "Dr. Rao", "मीना", "कृष्ण", "ਗੁਰਪ੍ਰੀਤ", "தமிழ்", "Zoë"];
        for n in ok {
            assert!(PersonName::parse(n).unwrap().is_some(), "{n} should be a name");
        }
        let bad = [
            ("Asha1", Code::InvalidName),
            ("a@b", Code::InvalidName),
            ("--", Code::InvalidName),
            ("१२३", Code::InvalidName),
        ];
        for (n, want) in bad {
            assert_eq!(code(PersonName::parse(n)), Some(want), "{n}");
        }
        assert_eq!(code(PersonName::parse(&"a".repeat(51))), Some(Code::TooLong));
        assert_eq!(PersonName::parse("   ").unwrap(), None);
    }

    #[test]
    fn names_refuse_invisible_characters_but_keep_indic_joiners() {
        let cases: &[(&str, Option<Code>, &str)] = &[
            ("Asha \u{202E}fdp.exe", Some(Code::InvisibleCharacter), "a right-to-left override can reverse a link"),
            ("\u{202D}Asha", Some(Code::InvisibleCharacter), "a left-to-right override"),
            ("Asha\u{202A}Devi", Some(Code::InvisibleCharacter), "a left-to-right embedding"),
            ("Asha\u{202B}Devi", Some(Code::InvisibleCharacter), "a right-to-left embedding"),
            ("Asha\u{202C}", Some(Code::InvisibleCharacter), "a pop directional formatting"),
            ("Asha\u{200E}", Some(Code::InvisibleCharacter), "a left-to-right mark"),
            ("Asha\u{200F}", Some(Code::InvisibleCharacter), "a right-to-left mark"),
            ("Asha\u{061C}", Some(Code::InvisibleCharacter), "an Arabic letter mark"),
            ("\u{2066}Asha\u{2069}", Some(Code::InvisibleCharacter), "a left-to-right isolate and its pop"),
            ("\u{2067}Asha", Some(Code::InvisibleCharacter), "a right-to-left isolate"),
            ("\u{2068}Asha", Some(Code::InvisibleCharacter), "a first-strong isolate"),
            ("As\u{200B}ha", Some(Code::InvisibleCharacter), "a zero-width space"),
            ("\u{FEFF}Asha", Some(Code::InvisibleCharacter), "a byte-order mark (zero-width no-break space)"),
            ("As\u{2060}ha", Some(Code::InvisibleCharacter), "a word joiner"),
            ("As\u{00AD}ha", Some(Code::InvisibleCharacter), "a soft hyphen"),
            ("Asha\u{3164}", Some(Code::InvisibleCharacter), "a Hangul filler, which Unicode calls a letter"),
            ("मीना\u{200B}", Some(Code::InvisibleCharacter), "a zero-width space after a Devanagari name"),
            ("Asha\u{E0041}", Some(Code::InvisibleCharacter), "a tag character"),
            ("Zoe\u{FE0F}", Some(Code::InvisibleCharacter), "a variation selector"),
            ("क्\u{200D}षमा", None, "a zero-width joiner asks for the half form of a conjunct"),
            ("सूर्\u{200C}या", None, "a zero-width non-joiner keeps the virama visible"),
            ("Asha\u{2212}Devi", Some(Code::InvalidName), "a visible symbol is an invalid name, not an invisible one"),
        ];
        for &(name, want, what) in cases {
            assert_eq!(code(PersonName::parse(name)), want, "{what}: {name:?}");
            assert_eq!(code(PersonName::parse_max(name, 100)), want, "{what} (the API's length): {name:?}");
        }
    }

    #[test]
    fn the_invisible_table_is_sorted_and_disjoint() {
        // `is_invisible` searches it by halves: out of order, it would miss characters.
        for w in INVISIBLE.windows(2) {
            assert!(w[0].0 <= w[0].1 && w[0].1 < w[1].0, "{w:x?}");
        }
        let edges: &[(char, bool, &str)] = &[
            ('\u{AC}', false, "the character before the first range"),
            ('\u{AD}', true, "the soft hyphen, the first range"),
            ('\u{200A}', false, "a hair space is visible white space"),
            ('\u{200B}', true, "a range's first character"),
            ('\u{200F}', true, "a range's last character"),
            ('\u{2010}', false, "a hyphen, just after a range"),
            ('\u{E0FFF}', true, "the last range's last character"),
            ('\u{E1000}', false, "beyond the last range"),
            ('a', false, "a letter"),
        ];
        for &(c, want, what) in edges {
            assert_eq!(is_invisible(c), want, "{what}: U+{:04X}", c as u32);
        }
    }

    /// The table that www/csv.js's test reads too (tests/security/reports_and_cells.test.mjs): both languages
    /// call the same cells formulas.
    #[test]
    fn formulas_by_the_table_shared_with_the_csv_writer() {
        let table: Vec<(String, bool, String)> =
            serde_json::from_str(include_str!("../../../tests/data/csv_injection_cells.json")).expect("the table");
        assert!(table.len() >= 30);
        for (cell, formula, why) in &table {
            assert_eq!(starts_formula(cell), *formula, "{why}: {cell:?}");
        }
    }

    #[test]
    fn phones() {
        let ok = [
            ("9876543210", "9876543210"),
            ("+91 98765-43210", "9876543210"),
            ("+91-(987) 654 3210", "9876543210"),
            ("919876543210", "9876543210"),
            ("09876543210", "9876543210"),
            ("6000000000", "6000000000"),
        ];
        for (input, want) in ok {
            assert_eq!(Phone::parse(input).unwrap().unwrap().as_ref(), want, "{input}");
        }
        for bad in [
            "5876543210",
            "987654321",
            "98765432101",
            "+1 9876543210",
            "9876543210x",
            "9.87654E+09",
            "+44 7911 123456",
            "0919876543210",
        ] {
            assert_eq!(code(Phone::parse(bad)), Some(Code::InvalidPhone), "{bad}");
        }
        assert_eq!(Phone::parse("9876543210").unwrap().unwrap().as_u64(), 9_876_543_210);
    }

    #[test]
    fn mobile_rules() {
        // DIGIT 2.9: any 10 digits.
        let any10 = MobileRule::new(10, "0123456789").unwrap();
        for (input, want) in
            [("1234567890", "1234567890"), ("+91 12345 67890", "1234567890"), ("0123456789", "0123456789")]
        {
            assert_eq!(Phone::parse_with(input, any10).unwrap().unwrap().as_ref(), want, "{input}");
        }
        assert_eq!(code(Phone::parse("1234567890")), Some(Code::InvalidPhone), "the default still refuses it");
        assert_eq!(code(Phone::parse_with("123456789", any10)), Some(Code::InvalidPhone));
        // Another length: 9 digits starting with 5 or 7.
        let nine = MobileRule::new(9, "57").unwrap();
        assert_eq!(Phone::parse_with("512345678", nine).unwrap().unwrap().as_ref(), "512345678");
        assert_eq!(Phone::parse_with("+91 712345678", nine).unwrap().unwrap().as_u64(), 712_345_678);
        assert_eq!(code(Phone::parse_with("612345678", nine)), Some(Code::InvalidPhone));
        assert_eq!(code(Phone::parse_with("9876543210", nine)), Some(Code::InvalidPhone));
        // Unusable settings.
        for (n, first) in [(3, "6"), (16, "6"), (10, ""), (10, "6x"), (0, "1")] {
            assert_eq!(MobileRule::new(n, first), None, "{n} {first}");
        }
        assert_eq!(MobileRule::new(10, "9876"), Some(MobileRule::DEFAULT));
        assert_eq!(MobileRule::DEFAULT.first_digits(), "6789");
        assert_eq!(MobileRule::DEFAULT.describe(), "10 digits starting with 6-9");
        assert_eq!(any10.describe(), "10 digits");
        assert_eq!(nine.describe(), "9 digits starting with 5, 7");
    }

    #[test]
    fn emails() {
        for ok in ["a@b.in", "first.last+tag@gram-panchayat.gov.in", "  x_y@mail.co "] {
            assert!(Email::parse(ok).unwrap().is_some(), "{ok}");
        }
        for bad in ["a@b", "@b.in", "a@.in", "a..b@c.in", "a b@c.in", "a@b.c", "a@-b.in", "a@b.1n", "ab.in"] {
            assert_eq!(code(Email::parse(bad)), Some(Code::InvalidEmail), "{bad}");
        }
        let long = format!("{}@example.com", "a".repeat(120));
        assert_eq!(code(Email::parse(&long)), Some(Code::TooLong));
    }

    #[test]
    fn user_names_and_passwords() {
        assert!(UserName::parse("ravi.k_01@gp").unwrap().is_some());
        assert_eq!(code(UserName::parse("abc")), Some(Code::TooShort));
        assert_eq!(code(UserName::parse("ravi kumar")), Some(Code::InvalidUserName));
        assert_eq!(code(UserName::parse(&"a".repeat(65))), Some(Code::TooLong));
        assert!(Password::parse("a long passphrase").unwrap().is_some());
        assert_eq!(code(Password::parse("short")), Some(Code::TooShort));
        assert_eq!(code(Password::parse(&"x".repeat(65))), Some(Code::TooLong));
        assert_eq!(code(Password::parse("PASSWORD123")), Some(Code::CommonPassword));
        assert_eq!(format!("{:?}", Password::parse("secret-words").unwrap().unwrap()), "Password(…)");
    }

    #[test]
    fn dates_in_either_order_the_four_digit_year_allows() {
        let today = Date::new(2026, 11, 24).unwrap();
        let date = |y, m, d| Date::new(y, m, d).unwrap();
        for (cell, want) in [
            ("12-10-1992", date(1992, 10, 12)),
            ("1992-10-12", date(1992, 10, 12)),
            ("12/10/1992", date(1992, 10, 12)),
            ("1992/10/12", date(1992, 10, 12)),
            ("1-2-1990", date(1990, 2, 1)),
            ("1990-2-1", date(1990, 2, 1)),
            (" 1990-02-01 ", date(1990, 2, 1)),
            ("29-02-2024", date(2024, 2, 29)),
            ("2024-02-29", date(2024, 2, 29)),
            ("2000-02-29", date(2000, 2, 29)),
            ("2026-11-24", today),
        ] {
            assert_eq!(Dob::parse(cell, today).unwrap().map(|d| d.date()), Some(want), "{cell}");
        }
        for bad in [
            "29-02-2023",
            "2023-02-29",
            "1900-02-29",
            "2026-02-30",
            "31/04/2000",
            "2000-04-31",
            "2000-13-01",
            "2000-00-10",
            "2000-01-00",
            "1899-12-31",
            "01-01-1899",
            "1-1",
            "2000-1",
            "01-13-2000",
            "aa-bb-cccc",
            "abcd-ef-gh",
            "01/01-2000",
            "2000/01-01",
            "2000-01-011",
            "20000-01-01",
            "200-01-01",
            "90-01-01",
            "01-01-90",
            "01.02.1990",
            "1990.02.01",
            "19900201",
        ] {
            assert_eq!(code(Dob::parse(bad, today)), Some(Code::InvalidDate), "{bad}");
        }
        assert_eq!(code(Dob::parse("25-11-2026", today)), Some(Code::DateInFuture));
        assert_eq!(code(Dob::parse("2026-11-25", today)), Some(Code::DateInFuture));
        assert_eq!(Dob::parse("  ", today).unwrap(), None);
    }

    #[test]
    fn lists_and_the_rest() {
        assert_eq!(Gender::parse("TRANSGENDER").unwrap(), Some(Gender::Transgender));
        assert_eq!(code(Gender::parse("m")), Some(Code::InvalidGender));
        assert_eq!(parse_bool("True").unwrap(), Some(true));
        assert_eq!(code(parse_bool("yes")), Some(Code::InvalidBoolean));
        let grades = Allowed::new(["Class 1", "Class 2"].map(String::from).to_vec());
        assert!(check_list("class 1, CLASS 2,", &grades).is_ok());
        let e = check_list("Class 1, Class 13, Nursery", &grades).unwrap_err();
        assert_eq!(e.code, Code::UnknownValue);
        assert!(e.param.unwrap().starts_with("\"Class 13\", \"Nursery\" — Class 1, Class 2"));
        let formula = |cell| starts_formula(trim(cell));
        assert!(formula(" =HYPERLINK(\"x\")") && formula("@SUM") && !formula("a=b"));
    }

    #[test]
    fn country_codes() {
        for (cell, want) in [("+91", 91), ("91", 91), ("0091", 91), (" +91 ", 91), ("+1", 1), ("1", 1), ("+880", 880)] {
            assert_eq!(CountryCode::parse(cell).unwrap().map(CountryCode::as_u16), Some(want), "{cell}");
        }
        assert!(CountryCode::parse("+91").unwrap().unwrap().is_india());
        assert!(!CountryCode::parse("+44").unwrap().unwrap().is_india());
        assert_eq!(CountryCode::parse(" ").unwrap(), None);
        for bad in [
            "+", "00", "+0", "0", "091", "+091", "+0091", "1234", "+9 1", "+91-", "IN", "India", "++91", "=91",
            "9.1E+01",
        ] {
            assert_eq!(code(CountryCode::parse(bad)), Some(Code::InvalidCountryCode), "{bad}");
        }
    }

    #[test]
    fn web_pages() {
        for ok in [
            r#"[{"type":"fb","url":"https://www.facebook.com/asha.devi"}]"#,
            r#"[{"type":"fb","url":"https://facebook.com/a"},{"type":"twitter","url":"https://twitter.com/a"}]"#,
            r#" [ { "url" : "https://example.in/asha" , "type" : "blog" } ] "#,
            "[]",
        ] {
            assert!(check_web_pages(ok).is_ok(), "{ok}");
        }
        for bad in [
            r#"[{"type":"fb"}]"#,
            r#"[{"url":"https://facebook.com/a"}]"#,
            r#"[{"type":"","url":"https://facebook.com/a"}]"#,
            r#"[{"type":"fb","url":"https://facebook.com/asha devi"}]"#,
            r#"{"type":"fb","url":"https://facebook.com/a"}"#,
            r#"[{"type":"fb","url":"https://facebook.com/a"}"#,
            r#"[{type:fb}]"#,
            "https://facebook.com/a",
        ] {
            assert_eq!(code(check_web_pages(bad)), Some(Code::InvalidWebPages), "{bad}");
        }
        let e = check_web_pages(r#"[{"type":"fb","url":"x"},{"type":"in"}]"#).unwrap_err();
        assert_eq!(e.param.as_deref(), Some("item 2 has no \"url\""));
    }

    #[test]
    fn external_ids() {
        assert!(check_external_ids(r#"[{"id":"s1","idType":"state","provider":"pb","operation":"ADD"}]"#).is_ok());
        assert!(check_external_ids("[]").is_ok());
        for bad in [
            r#"[{"id":"s1","idType":"state","provider":"pb"}]"#,
            r#"[{"id":"s1","idType":"state","provider":"pb","operation":"MOVE"}]"#,
            r#"{"id":"s1"}"#,
            r#"[{“id”:”someId”}]"#,
            "[",
        ] {
            assert_eq!(code(check_external_ids(bad)), Some(Code::InvalidExternalIds), "{bad}");
        }
    }
}
