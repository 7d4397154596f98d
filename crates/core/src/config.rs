//! What a tenant may change: the row limit and the allowed values of the list columns. The defaults are
//! those of the upload guide (Sunbird) plus the DIGIT platform's roles.

use crate::date::Date;

#[derive(Debug, Clone)]
pub struct Config {
    /// Data rows allowed in one upload; more is one file-level issue, and every row is still checked.
    pub max_rows: u64,
    pub roles: Vec<String>,
    pub grades: Vec<String>,
    pub languages: Vec<String>,
    pub subjects: Vec<String>,
    /// Today, for "date of birth is not in the future". The caller reads its own clock (core has no I/O).
    pub today: Date,
    /// Issues kept in the report; past this only the counts grow (a broken 1,000,000-row file would
    /// otherwise hold millions of them).
    pub max_issues: usize,
}

fn owned(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
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
