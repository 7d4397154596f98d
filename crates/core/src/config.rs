//! What a tenant may change: the row limit and the allowed values of the list columns. The defaults are
//! those of the upload guide (Sunbird) plus the DIGIT platform's roles.

use crate::date::Date;
use crate::fields::MobileRule;
use crate::words::{lower, word_at};

#[derive(Debug, Clone)]
pub struct Config {
    /// Data rows allowed in one upload; more is one file-level issue, and every row is still checked.
    pub max_rows: u64,
    pub roles: Allowed,
    pub grades: Allowed,
    pub languages: Allowed,
    pub subjects: Allowed,
    /// Which phone numbers are mobile numbers (digits, first digits): the deployment's setting.
    pub mobile: MobileRule,
    /// Today, for "date of birth is not in the future". The caller reads its own clock (core has no I/O).
    pub today: Date,
    /// Issues kept in the report; past this only the counts grow (a broken 1,000,000-row file would
    /// otherwise hold millions of them).
    pub max_issues: usize,
}

/// The allowed values of a list column, matched case-insensitively (ASCII). The lookup runs for every list
/// cell, so each value is kept lowered as eight-byte words, and an open-addressed table keyed by the length
/// and the first word leads to the one candidate, compared a word at a time.
#[derive(Debug, Clone, Default)]
pub struct Allowed {
    values: Vec<String>,
    /// Every value, ASCII-lowered, as zero-padded words back to back.
    words: Vec<u64>,
    /// For each value: its first word in `words`, and its length in bytes.
    spans: Vec<(usize, usize)>,
    /// Index into `values` plus one (0 is empty), placed by `slot_hash`; a power of two, at most half full.
    slots: Vec<u32>,
}

fn slot_hash(len: usize, first: u64) -> usize {
    let h = (first ^ (len as u64).rotate_right(8)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> 32) as usize
}

impl Allowed {
    pub fn new(values: Vec<String>) -> Self {
        let mut words = Vec::new();
        let mut spans = Vec::with_capacity(values.len());
        for v in &values {
            spans.push((words.len(), v.len()));
            words.extend((0..v.len().div_ceil(8)).map(|k| lower(word_at(v.as_bytes(), k * 8))));
        }
        let mut slots = vec![0u32; (values.len() * 2).next_power_of_two().max(8)];
        let mask = slots.len() - 1;
        for (i, v) in values.iter().enumerate() {
            // A value with a comma can never match: cells are split at commas before they are looked up.
            if v.is_empty() || v.contains(',') {
                continue;
            }
            let mut at = slot_hash(v.len(), words[spans[i].0]) & mask;
            while slots[at] != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = i as u32 + 1;
        }
        Self { values, words, spans, slots }
    }

    /// Whether `value` is one of the values, in any ASCII case. A value holding a comma is never found.
    pub fn contains(&self, value: &str) -> bool {
        self.find(value).is_some()
    }

    /// The allowed value that `value` is, in any ASCII case, as the list spells it.
    pub fn find(&self, value: &str) -> Option<&str> {
        let b = value.as_bytes();
        if b.is_empty() || self.slots.is_empty() {
            return None;
        }
        let first = lower(word_at(b, 0));
        let mask = self.slots.len() - 1;
        let mut at = slot_hash(b.len(), first) & mask;
        loop {
            let i = self.slots[at].checked_sub(1)? as usize;
            let (start, len) = self.spans[i];
            if len == b.len()
                && self.words[start] == first
                && (1..len.div_ceil(8)).all(|k| self.words[start + k] == lower(word_at(b, k * 8)))
            {
                return Some(&self.values[i]);
            }
            at = (at + 1) & mask;
        }
    }

    pub fn values(&self) -> &[String] {
        &self.values
    }
}

fn owned(list: &[&str]) -> Allowed {
    Allowed::new(list.iter().map(|s| s.to_string()).collect())
}

pub const DEFAULT_ROLES: &[&str] = &[
    "CONTENT_CREATOR",
    "CONTENT_REVIEWER",
    "FLAG_REVIEWER",
    "COURSE_MENTOR",
    "BOOK_CREATOR",
    "BOOK_REVIEWER",
    "ORG_ADMIN",
    "TEACHER_BADGE_ISSUER",
    "BADGE_ISSUER",
    "ANNOUNCEMENT_SENDER",
    "PUBLIC",
    "GP_ADMIN",
    "COLLECTION_OPERATOR",
    "DASHBOARD_VIEWER",
    "EXPENSE_PROCESSING",
    "BULK_DEMAND_PROCESSING",
    "EMPLOYEE",
    "CITIZEN",
];
pub const DEFAULT_GRADES: &[&str] = &[
    "Class 1",
    "Class 2",
    "Class 3",
    "Class 4",
    "Class 5",
    "Class 6",
    "Class 7",
    "Class 8",
    "Class 9",
    "Class 10",
    "Kindergarten",
    "Other",
];
pub const DEFAULT_LANGUAGES: &[&str] =
    &["English", "Gujarati", "Hindi", "Kannada", "Marathi", "Punjabi", "Tamil", "Telugu"];
pub const DEFAULT_SUBJECTS: &[&str] = &[
    "Assamese",
    "Bengali",
    "English",
    "Hindi",
    "Kannada",
    "Malayalam",
    "Oriya",
    "Punjabi",
    "Tamil",
    "Telugu",
    "Urdu",
    "Biology",
    "Chemistry",
    "Physics",
    "Mathematics",
    "Environmental Studies",
    "Geography",
    "History",
    "Political Science",
    "Economics",
    "Sanskrit",
    "Gujarati",
    "Marathi",
    "Nepali",
];

impl Config {
    /// Replaces the allowed values of a list column (roles, grade, language, subject), named as in the header.
    pub fn set_allowed(&mut self, column: &str, values: Vec<String>) -> Result<(), String> {
        use crate::schema::Column;
        let list = match Column::from_header(column) {
            Some(Column::Roles) => &mut self.roles,
            Some(Column::Grade) => &mut self.grades,
            Some(Column::Language) => &mut self.languages,
            Some(Column::Subject) => &mut self.subjects,
            _ => return Err(format!("{column} has no list of allowed values")),
        };
        *list = Allowed::new(values);
        Ok(())
    }

    /// The defaults, with `today` from the caller's clock.
    pub fn new(today: Date) -> Self {
        Self {
            max_rows: 1_000,
            roles: owned(DEFAULT_ROLES),
            grades: owned(DEFAULT_GRADES),
            languages: owned(DEFAULT_LANGUAGES),
            subjects: owned(DEFAULT_SUBJECTS),
            mobile: MobileRule::DEFAULT,
            today,
            max_issues: 100_000,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_non_ascii_and_commas() {
        let allowed =
            Allowed::new(["A value longer than sixteen bytes", "हिन्दी", "a,b", "Ωmega"].map(String::from).to_vec());
        assert!(allowed.contains("a VALUE longer than sixteen BYTES"));
        assert!(!allowed.contains("a value longer than sixteen bytez"));
        assert!(allowed.contains("हिन्दी") && allowed.contains("Ωmega") && !allowed.contains("ωmega"));
        assert!(!allowed.contains("a,b"), "a value with a comma never matches (cells are split first)");
        assert!(!Allowed::default().contains("x"));
    }

    #[test]
    fn every_default_is_found_in_any_case_and_near_misses_are_not() {
        for list in [DEFAULT_ROLES, DEFAULT_GRADES, DEFAULT_LANGUAGES, DEFAULT_SUBJECTS] {
            let allowed = owned(list);
            for v in list {
                assert!(
                    allowed.contains(v) && allowed.contains(&v.to_lowercase()) && allowed.contains(&v.to_uppercase())
                );
                assert!(!allowed.contains(&format!("{v}x")) && !allowed.contains(&v[1..]), "{v}");
            }
            assert!(!allowed.contains(""));
        }
    }
}
