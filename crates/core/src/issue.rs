//! An issue: where it is, its stable code, and what the admin sees. Messages come from the code and a
//! locale (`messages`), never from the code path that found the problem.

use crate::schema::Column;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $text:literal, $severity:ident;)*) => {
        /// Stable issue codes: the browser, the API and the tests rely on the text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text),* }
            }

            /// The code of a stable text (issues stored by the Worker are read back with it).
            pub fn parse(text: &str) -> Option<Code> {
                match text { $($text => Some(Code::$variant),)* _ => None }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity),* }
            }
        }
    };
}

codes! {
    // The file as a whole.
    EmptyFile = "empty_file", Error;
    NotCsv = "not_csv", Error;
    NoDataRows = "no_data_rows", Error;
    TooManyRows = "too_many_rows", Error;
    TooManyIssues = "too_many_issues", Warning;
    UnterminatedQuote = "unterminated_quote", Error;
    // The header.
    UnknownColumn = "unknown_column", Error;
    DuplicateColumn = "duplicate_column", Error;
    MissingColumn = "missing_column", Error;
    // A row.
    InvalidUtf8 = "invalid_utf8", Error;
    WrongFieldCount = "wrong_field_count", Error;
    StrayQuote = "stray_quote", Error;
    Required = "required", Error;
    TooLong = "too_long", Error;
    TooShort = "too_short", Error;
    InvalidName = "invalid_name", Error;
    InvisibleCharacter = "invisible_character", Error;
    InvalidPhone = "invalid_phone", Error;
    InvalidEmail = "invalid_email", Error;
    PhoneOrEmailRequired = "phone_or_email_required", Error;
    UserNameOrPhoneRequired = "user_name_or_phone_required", Error;
    InvalidUserName = "invalid_user_name", Error;
    CommonPassword = "common_password", Error;
    ProviderPhoneVerifiedPair = "provider_phone_verified_pair", Error;
    InvalidBoolean = "invalid_boolean", Error;
    UnknownValue = "unknown_value", Error;
    InvalidDate = "invalid_date", Error;
    DateInFuture = "date_in_future", Error;
    InvalidGender = "invalid_gender", Error;
    ExternalIdIncomplete = "external_id_incomplete", Error;
    InvalidExternalIds = "invalid_external_ids", Error;
    InvalidCountryCode = "invalid_country_code", Error;
    CountryCodeNotIndia = "country_code_not_india", Error;
    InvalidWebPages = "invalid_web_pages", Error;
    DuplicateInFile = "duplicate_in_file", Error;
    // Found by the Worker against the tenant's users in D1, never by the file alone.
    AlreadyExists = "already_exists", Error;
    // Warnings: they do not block the upload.
    FormulaLike = "formula_like", Warning;
    PasswordInFile = "password_in_file", Warning;
    IgnoredColumn = "ignored_column", Warning;
    Windows1252 = "windows_1252", Warning;
}

/// One problem found in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Data row, 1-based (the header is not a data row); None for the file or its header.
    pub row: Option<u64>,
    /// Physical line, 1-based, on which the row (or header) starts; None when the file has no lines.
    pub line: Option<u64>,
    pub column: Option<Column>,
    pub code: Code,
    /// The offending value, shortened; passwords are never repeated.
    pub value: Option<String>,
    /// What the message needs besides the value: a limit, another row's number, the allowed values.
    pub param: Option<String>,
}

impl Issue {
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// Values are shown to help find the cell, not to reproduce it: long ones are cut (at a char boundary).
pub const VALUE_SHOWN_CHARS: usize = 40;

pub fn shorten(value: &str) -> String {
    match value.char_indices().nth(VALUE_SHOWN_CHARS) {
        Some((at, _)) => format!("{}…", &value[..at]),
        None => value.to_string(),
    }
}
