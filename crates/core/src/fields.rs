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

/// Trims white space; ASCII cells (nearly all) take the cheaper path.
pub fn trim(s: &str) -> &str {
    if s.is_ascii() { s.trim_ascii() } else { s.trim() }
}

fn char_len(s: &str) -> usize {
    if s.is_ascii() { s.len() } else { s.chars().count() }
}

fn check_len(s: &str, min: usize, max: usize) -> Result<(), FieldError> {
    let n = char_len(s);
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
        check_len(s, 1, max_chars)?;
        let ok = if s.is_ascii() {
            s.bytes().all(|b| b.is_ascii_alphabetic() || matches!(b, b' ' | b'.' | b'\'' | b'-'))
        } else {
            s.chars().all(is_name_char)
        };
        if ok && s.chars().any(|c| c.is_alphabetic()) {
            Ok(Some(PersonName(s)))
        } else {
            Err(FieldError::new(Code::InvalidName))
        }
    }
}

/// Letters, and the marks that Indic scripts need inside words (a virama is not "alphabetic" in Unicode,
/// yet कृष्ण cannot be written without one).
/// The Indic blocks are tested first: they are most of the non-ASCII names here, and the general Unicode
/// lookup is slow.
fn is_name_char(c: char) -> bool {
    (matches!(c as u32, 0x0900..=0x0DFF) && !c.is_numeric() && !matches!(c, '\u{0964}' | '\u{0965}'))
        || c.is_alphabetic()
        || matches!(c, ' ' | '.' | '\'' | '-' | '\u{2019}' | '\u{200C}' | '\u{200D}')
        || matches!(c as u32, 0x0300..=0x036F)
}

/// An Indian mobile number, normalised to its 10 digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Phone([u8; 10]);

impl Phone {
    /// Accepts `+91 98765-43210`, `(0)9876543210`, `919876543210`…: spaces, hyphens, brackets and dots
    /// go, then a `+91`, `91` or `0` prefix; what is left must be 10 digits starting with 6 to 9.
    pub fn parse(cell: &str) -> Result<Option<Self>, FieldError> {
        let s = trim(cell);
        if s.is_empty() {
            return Ok(None);
        }
        let invalid = || FieldError::new(Code::InvalidPhone);
        let mut digits = [0u8; 12];
        let mut n = 0;
        let mut plus = false;
        for b in s.bytes() {
            match b {
                b'0'..=b'9' => {
                    if n == digits.len() {
                        return Err(invalid());
                    }
                    digits[n] = b;
                    n += 1;
                }
                b' ' | b'-' | b'(' | b')' | b'.' => {}
                b'+' if n == 0 && !plus => plus = true,
                _ => return Err(invalid()),
            }
        }
        let national: &[u8] = match (&digits[..n], plus) {
            ([b'9', b'1', rest @ ..], _) if rest.len() == 10 => rest,
            (_, true) => return Err(invalid()),
            ([b'0', rest @ ..], false) if rest.len() == 10 => rest,
            (all, false) => all,
        };
        match national {
            [b'6'..=b'9', ..] if national.len() == 10 => {
                let mut out = [0u8; 10];
                out.copy_from_slice(national);
                Ok(Some(Phone(out)))
            }
            _ => Err(invalid()),
        }
    }

    /// The 10 digits as a number: a compact key for finding duplicates.
    pub fn as_u64(&self) -> u64 {
        self.0.iter().fold(0, |acc, d| acc * 10 + u64::from(d - b'0'))
    }
}

impl AsRef<str> for Phone {
    fn as_ref(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

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
        let invalid = || FieldError::new(Code::InvalidEmail);
        let (local, domain) = s.split_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b));
        let mut labels = 0;
        let domain_ok = domain.split('.').all(|label| {
            labels += 1;
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        let tld_ok =
            domain.rsplit('.').next().is_some_and(|t| t.len() >= 2 && t.bytes().all(|b| b.is_ascii_alphabetic()));
        if local_ok && domain_ok && labels >= 2 && tld_ok { Ok(Some(Email(s))) } else { Err(invalid()) }
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
/// not a common one. Unlike other cells it is not trimmed: spaces are part of a password.
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
        if is_common_password(cell) {
            return Err(FieldError::new(Code::CommonPassword));
        }
        Ok(Some(Password(cell)))
    }

    pub fn expose(&self) -> &'a str {
        self.0
    }
}

/// Passwords of 8+ characters seen most often in breach lists (shorter ones fail the length rule anyway).
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "password@123",
    "password@1",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "12345678",
    "123456789",
    "1234567890",
    "0123456789",
    "87654321",
    "987654321",
    "11111111",
    "00000000",
    "88888888",
    "12341234",
    "11223344",
    "12121212",
    "123123123",
    "147258369",
    "123456780",
    "qwertyui",
    "qwertyuiop",
    "qwerty123",
    "qwerty12",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1qaz2wsx",
    "zaq12wsx",
    "asdfghjkl",
    "asdfasdf",
    "zxcvbnm1",
    "abcd1234",
    "abc12345",
    "abcdefgh",
    "abcdefg1",
    "aa123456",
    "iloveyou",
    "iloveyou1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "starwars",
    "welcome1",
    "welcome123",
    "welcome@123",
    "admin123",
    "admin@123",
    "administrator",
    "changeme",
    "letmein1",
    "trustno1",
    "monkey123",
    "dragon123",
    "master123",
    "whatever",
    "computer",
    "internet",
    "india123",
    "india@123",
    "bharat123",
    "hindustan",
    "jaihind1",
    "krishna1",
    "sairam123",
    "ganesh123",
    "mumbai123",
    "delhi123",
    "chennai123",
    "pune1234",
    "cricket1",
    "sachin10",
    "omsairam",
    "jaimatadi",
    "123qweasd",
    "qweasdzxc",
    "q1w2e3r4",
    "a1b2c3d4",
    "test1234",
    "testtest",
    "user1234",
    "login123",
    "secret12",
    "default1",
    "mgramseva",
    "digit123",
    "egov1234",
    "eGov@123",
];

fn is_common_password(p: &str) -> bool {
    COMMON_PASSWORDS.iter().any(|c| c.eq_ignore_ascii_case(p))
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

/// A date of birth: DD-MM-YYYY (or DD/MM/YYYY), a real date, from 1900 on, not after `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dob(Date);

impl Dob {
    pub fn parse(cell: &str, today: Date) -> Result<Option<Self>, FieldError> {
        let s = trim(cell);
        if s.is_empty() {
            return Ok(None);
        }
        let invalid = || FieldError::new(Code::InvalidDate);
        let sep = if s.contains('/') { '/' } else { '-' };
        let mut parts = s.split(sep);
        let (Some(d), Some(m), Some(y), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(invalid());
        };
        let num = |p: &str, max_len: usize| -> Option<u32> {
            (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok())?
        };
        let (Some(d), Some(m), Some(y)) = (num(d, 2), num(m, 2), num(y, 4)) else {
            return Err(invalid());
        };
        if y < 1900 {
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
        let g = match s.to_ascii_lowercase().as_str() {
            "" => return Ok(None),
            "male" => Gender::Male,
            "female" => Gender::Female,
            "transgender" => Gender::Transgender,
            "other" | "others" => Gender::Other,
            _ => return Err(FieldError::new(Code::InvalidGender)),
        };
        Ok(Some(g))
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
        for key in ["id", "idType", "provider", "operation"] {
            match item.iter().find(|(k, _)| k == key) {
                Some((_, v)) if !trim(v).is_empty() => {}
                _ => return Err(bad(&format!("item {} has no \"{key}\"", i + 1))),
            }
        }
        let op = item.iter().find(|(k, _)| k == "operation").map(|(_, v)| trim(v)).unwrap_or_default();
        if !["ADD", "EDIT", "REMOVE"].iter().any(|o| o.eq_ignore_ascii_case(op)) {
            return Err(bad(&format!("item {}: operation must be ADD, EDIT or REMOVE", i + 1)));
        }
    }
    Ok(())
}

/// Free text (position, location, profileSummary): only a length limit.
pub fn check_text(cell: &str, max_chars: usize) -> Result<(), FieldError> {
    check_len(trim(cell), 0, max_chars)
}

/// A cell that a spreadsheet would run as a formula when the file is opened (CSV injection).
pub fn looks_like_formula(cell: &str) -> bool {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@') => true,
        Some(b) if b.is_ascii_whitespace() || *b >= 0x80 => {
            matches!(trim(cell).as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@'))
        }
        _ => false,
    }
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
    fn dates_lists_and_the_rest() {
        let today = Date::new(2026, 11, 24).unwrap();
        assert_eq!(Dob::parse("29-02-2024", today).unwrap().unwrap().date(), Date::new(2024, 2, 29).unwrap());
        assert!(Dob::parse("1/2/1990", today).unwrap().is_some());
        for bad in
            ["29-02-2023", "31/04/2000", "2000-01-01", "01-01-1899", "1-1", "01-13-2000", "aa-bb-cccc", "01/01-2000"]
        {
            assert_eq!(code(Dob::parse(bad, today)), Some(Code::InvalidDate), "{bad}");
        }
        assert_eq!(code(Dob::parse("25-11-2026", today)), Some(Code::DateInFuture));
        assert_eq!(Gender::parse("TRANSGENDER").unwrap(), Some(Gender::Transgender));
        assert_eq!(code(Gender::parse("m")), Some(Code::InvalidGender));
        assert_eq!(parse_bool("True").unwrap(), Some(true));
        assert_eq!(code(parse_bool("yes")), Some(Code::InvalidBoolean));
        let grades = Allowed::new(["Class 1", "Class 2"].map(String::from).to_vec());
        assert!(check_list("class 1, CLASS 2,", &grades).is_ok());
        let e = check_list("Class 1, Class 13, Nursery", &grades).unwrap_err();
        assert_eq!(e.code, Code::UnknownValue);
        assert!(e.param.unwrap().starts_with("\"Class 13\", \"Nursery\" — Class 1, Class 2"));
        assert!(looks_like_formula(" =HYPERLINK(\"x\")") && looks_like_formula("@SUM") && !looks_like_formula("a=b"));
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
