//! The upload sheet's columns (Sunbird's bulk-upload sheet) and how a header row maps onto them.

/// A column of the upload sheet, in the template's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    FirstName,
    LastName,
    Phone,
    Email,
    UserName,
    Password,
    Provider,
    PhoneVerified,
    EmailVerified,
    Roles,
    Position,
    Grade,
    Location,
    Dob,
    Gender,
    Language,
    ProfileSummary,
    Subject,
    ExternalId,
    ExternalIds,
    ExternalIdType,
    ExternalIdProvider,
}

impl Column {
    pub const ALL: [Column; 22] = [
        Column::FirstName,
        Column::LastName,
        Column::Phone,
        Column::Email,
        Column::UserName,
        Column::Password,
        Column::Provider,
        Column::PhoneVerified,
        Column::EmailVerified,
        Column::Roles,
        Column::Position,
        Column::Grade,
        Column::Location,
        Column::Dob,
        Column::Gender,
        Column::Language,
        Column::ProfileSummary,
        Column::Subject,
        Column::ExternalId,
        Column::ExternalIds,
        Column::ExternalIdType,
        Column::ExternalIdProvider,
    ];

    /// The header name as the template writes it.
    pub fn name(self) -> &'static str {
        match self {
            Column::FirstName => "firstName",
            Column::LastName => "lastName",
            Column::Phone => "phone",
            Column::Email => "email",
            Column::UserName => "userName",
            Column::Password => "password",
            Column::Provider => "provider",
            Column::PhoneVerified => "phoneVerified",
            Column::EmailVerified => "emailVerified",
            Column::Roles => "roles",
            Column::Position => "position",
            Column::Grade => "grade",
            Column::Location => "location",
            Column::Dob => "DOB",
            Column::Gender => "gender",
            Column::Language => "language",
            Column::ProfileSummary => "profileSummary",
            Column::Subject => "subject",
            Column::ExternalId => "externalId",
            Column::ExternalIds => "externalIds",
            Column::ExternalIdType => "externalIdType",
            Column::ExternalIdProvider => "externalIdProvider",
        }
    }

    /// Matches a header cell: case-insensitive, surrounding spaces ignored.
    pub fn from_header(cell: &str) -> Option<Column> {
        let cell = cell.trim();
        Column::ALL.into_iter().find(|c| c.name().eq_ignore_ascii_case(cell))
    }

    /// Columns that must be present in the header.
    pub fn is_mandatory(self) -> bool {
        matches!(self, Column::FirstName)
    }
}

/// The template's header line (no line break): what `enrol template` prints and the page offers.
pub fn template_header() -> String {
    Column::ALL.map(Column::name).join(",")
}

/// A comma-separated list of every valid column name, for messages.
pub fn valid_columns() -> String {
    Column::ALL.map(Column::name).join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_match_loosely() {
        assert_eq!(Column::from_header(" FIRSTNAME "), Some(Column::FirstName));
        assert_eq!(Column::from_header("dob"), Some(Column::Dob));
        assert_eq!(Column::from_header("first name"), None);
        assert_eq!(template_header().split(',').count(), 22);
    }
}
