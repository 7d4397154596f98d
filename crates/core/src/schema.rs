//! The upload sheet's columns (Sunbird's bulk-upload sheet) and how a header row maps onto them.
//!
//! A header cell is one of three things. A column enrol checks (`Column`): the upload guide's 22, which the
//! template offers, and two more that Sunbird's own files carry though the guide omits them (`countryCode`,
//! `webPages`). A column that a Sunbird release knows but enrol does not use (`is_ignored_sunbird_column`):
//! a warning, its cells are not read. Anything else is an unknown column, an error.

/// A column the validator checks: the template's, in its order, then the ones only Sunbird's files carry.
/// `Column as usize` is the place in `ALL`.
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
    CountryCode,
    WebPages,
}

impl Column {
    pub const ALL: [Column; 24] = [
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
        Column::CountryCode,
        Column::WebPages,
    ];

    /// The upload guide's 22 columns: what the template offers. `countryCode` and `webPages` stay out: the
    /// guide does not describe them, and a phone's country code is always India's here, so offering it would
    /// only invite a cell to get wrong. They are still accepted when a (Sunbird) file carries them.
    pub const TEMPLATE: [Column; 22] = {
        // The first 22 of ALL, copied in a const loop so that the order is written once.
        let mut t = [Column::FirstName; 22];
        let mut i = 0;
        while i < t.len() {
            t[i] = Column::ALL[i];
            i += 1;
        }
        t
    };

    /// The header name as the template (or, for the last two, Sunbird) writes it.
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
            Column::CountryCode => "countryCode",
            Column::WebPages => "webPages",
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

/// Header names that some Sunbird release writes or reads in its user bulk-upload files but that enrol does
/// not use: the organisation a user joins (enrol's tenant decides that), Sunbird's own ids and states, and
/// the user type. Spelled as Sunbird spells them; matched like any header name (case-insensitive), so
/// `userType` also covers `UserType`. Gathered from Sunbird's sources: the columns its upload reads
/// (`orgId`, `orgExternalId`, `userType`/`USER_TYPE`, `channel`, `userId`, …) and the headers its result
/// files write (`SCHOOL ID`, `SCHOOL NAME`, `SCHOOL EXTERNAL ID`, `USER ID`). `NAME` and `MOBILE PHONE`,
/// which a newer Sunbird upload maps to firstName and phone, are not here: ignoring them would drop a
/// person's name or phone, so they stay unknown columns.
pub const IGNORED_SUNBIRD_COLUMNS: &[&str] = &[
    "orgId",
    "orgExternalId",
    "orgName",
    "organisationId",
    "rootOrgId",
    "channel",
    "userId",
    "ssoUserId",
    "userType",
    "USER_TYPE",
    "status",
    "SCHOOL ID",
    "SCHOOL NAME",
    "SCHOOL EXTERNAL ID",
    "USER ID",
];

/// Whether a header cell is a Sunbird column enrol does not use (see `IGNORED_SUNBIRD_COLUMNS`).
pub fn is_ignored_sunbird_column(cell: &str) -> bool {
    let cell = cell.trim();
    IGNORED_SUNBIRD_COLUMNS.iter().any(|c| c.eq_ignore_ascii_case(cell))
}

/// The template's header line (no line break): what `enrol template` prints and the page offers.
pub fn template_header() -> String {
    Column::TEMPLATE.map(Column::name).join(",")
}

/// A comma-separated list of every valid column name (the template's and Sunbird's extra ones), for
/// messages.
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
        assert_eq!(Column::from_header("COUNTRYCODE"), Some(Column::CountryCode));
        assert_eq!(Column::from_header("webpages"), Some(Column::WebPages));
        assert_eq!(template_header().split(',').count(), 22);
    }

    #[test]
    fn a_column_is_its_place_in_all_and_the_template_is_all_but_sunbirds_extras_in_order() {
        for (i, c) in Column::ALL.into_iter().enumerate() {
            assert_eq!(c as usize, i, "{c:?}");
        }
        assert_eq!(Column::TEMPLATE[..], Column::ALL[..Column::TEMPLATE.len()]);
        assert_eq!(Column::ALL[Column::TEMPLATE.len()..], [Column::CountryCode, Column::WebPages]);
        assert!(!template_header().contains("countryCode") && valid_columns().contains("countryCode, webPages"));
    }

    #[test]
    fn ignored_sunbird_columns_are_no_column_of_ours() {
        for name in IGNORED_SUNBIRD_COLUMNS {
            assert_eq!(Column::from_header(name), None, "{name}");
            assert!(is_ignored_sunbird_column(&name.to_lowercase()), "{name}");
        }
        assert!(is_ignored_sunbird_column(" UserType ") && is_ignored_sunbird_column("orgexternalid"));
        assert!(!is_ignored_sunbird_column("notes") && !is_ignored_sunbird_column("NAME"));
    }
}
