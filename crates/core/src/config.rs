//! What a tenant may change: the row limit and the allowed values of the list columns. The defaults are
//! those of the upload guide (Sunbird) plus the DIGIT platform's roles.

use crate::date::Date;

#[derive(Debug, Clone)]
pub struct Config {
    /// Data rows allowed in one upload; more is one file-level issue, and every row is still checked.
    pub max_rows: u64,
    pub roles: Allowed,
    pub grades: Allowed,
    pub languages: Allowed,
    pub subjects: Allowed,
    /// Today, for "date of birth is not in the future". The caller reads its own clock (core has no I/O).
    pub today: Date,
    /// Issues kept in the report; past this only the counts grow (a broken 1,000,000-row file would
    /// otherwise hold millions of them).
    pub max_issues: usize,
}

/// The allowed values of a list column, matched case-insensitively. Values are bucketed by their length
/// and their first and last letters, so a lookup (it runs for every cell) compares with one candidate.
#[derive(Debug, Clone, Default)]
pub struct Allowed {
    values: Vec<String>,
    /// `buckets[bucket(v)]`: indices into `values`.
    buckets: Vec<Vec<usize>>,
}

const BUCKETS: usize = 256;

/// Where a value (in any case) is looked for.
fn bucket(v: &[u8]) -> usize {
    match v {
        [] => 0,
        [first, .., last] | [first @ last] => {
            let (f, l) = (usize::from(first.to_ascii_lowercase()), usize::from(last.to_ascii_lowercase()));
            (v.len().wrapping_mul(0x9E37_79B9) ^ f.wrapping_mul(0x85EB_CA6B) ^ l.wrapping_mul(0xC2B2_AE35)) >> 7
                & (BUCKETS - 1)
        }
    }
}

impl Allowed {
    pub fn new(values: Vec<String>) -> Self {
        let mut buckets = vec![Vec::new(); BUCKETS];
        for (i, v) in values.iter().enumerate() {
            buckets[bucket(v.as_bytes())].push(i);
        }
        Self { values, buckets }
    }

    pub fn contains(&self, value: &str) -> bool {
        self.buckets
            .get(bucket(value.as_bytes()))
            .is_some_and(|ix| ix.iter().any(|&i| self.values[i].eq_ignore_ascii_case(value)))
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
    /// The defaults, with `today` from the caller's clock.
    pub fn new(today: Date) -> Self {
        Self {
            max_rows: 1_000,
            roles: owned(DEFAULT_ROLES),
            grades: owned(DEFAULT_GRADES),
            languages: owned(DEFAULT_LANGUAGES),
            subjects: owned(DEFAULT_SUBJECTS),
            today,
            max_issues: 100_000,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let fullest = allowed.buckets.iter().map(Vec::len).max().unwrap_or(0);
            assert!(fullest <= 3, "a bucket of {fullest}: the lookup would compare with many");
        }
    }
}
