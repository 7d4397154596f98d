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

/// The allowed values of a list column, matched case-insensitively. Values are bucketed by length, so a
/// lookup compares against one or two candidates rather than the whole list (it runs for every cell).
#[derive(Debug, Clone, Default)]
pub struct Allowed {
    values: Vec<String>,
    by_len: Vec<Vec<usize>>,
}

impl Allowed {
    pub fn new(values: Vec<String>) -> Self {
        let mut by_len: Vec<Vec<usize>> = Vec::new();
        for (i, v) in values.iter().enumerate() {
            if by_len.len() <= v.len() {
                by_len.resize(v.len() + 1, Vec::new());
            }
            by_len[v.len()].push(i);
        }
        Self { values, by_len }
    }

    pub fn contains(&self, value: &str) -> bool {
        // Values are mostly written as listed: an exact compare first, the case-folding one after.
        self.by_len.get(value.len()).is_some_and(|ix| {
            ix.iter().any(|&i| self.values[i] == value)
                || ix.iter().any(|&i| self.values[i].eq_ignore_ascii_case(value))
        })
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
