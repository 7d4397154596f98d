//! A checked sheet's rows as people: what the Worker creates from a file that `Validator` found clean.
//!
//! The validator answers "may this file be uploaded?"; this module answers "who is in it?", with every value
//! normalised exactly as the validator compares it (a phone as its 10 digits, text keys lowered), so that the
//! Worker's checks against existing users agree with the file's own duplicate check. It reads the same records
//! with the same reader and the same field parsers, and assumes the file is clean: a cell that does not parse
//! is left out rather than reported (reporting is the validator's job).

use crate::date::Date;
use crate::fields::{self, Dob, Email, Gender, MobileRule, Password, PersonName, Phone, UserName};
use crate::reader::Record;
use crate::schema::Column;
use crate::text::TextReader;

/// One person of the sheet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SheetUser {
    /// Data row, 1-based (as in the validator's issues).
    pub row: u64,
    /// Physical line, 1-based, on which the row starts.
    pub line: u64,
    /// firstName and lastName joined by a space.
    pub name: String,
    /// 10 digits.
    pub phone: Option<String>,
    pub email: Option<String>,
    pub user_name: Option<String>,
    /// A password given in the file (the Worker makes it a one-time password).
    pub password: Option<String>,
    pub roles: Vec<String>,
    /// dd/MM/yyyy, DIGIT's spelling.
    pub dob: Option<String>,
    /// DIGIT's code: MALE, FEMALE, TRANSGENDER, OTHERS.
    pub gender: Option<&'static str>,
    pub language: Option<String>,
    pub external_id: Option<String>,
    /// Every other given cell (position, grade, location, subject, …), trimmed, in the template's order.
    pub attributes: Vec<(Column, String)>,
}

impl SheetUser {
    /// The login id: userName when given, else the phone (the upload guide's rule).
    pub fn login_id(&self) -> Option<&str> {
        self.user_name.as_deref().or(self.phone.as_deref())
    }

    /// The person's locale from the first language of the `language` cell (en_IN when none is given or
    /// the language has no locale of its own).
    pub fn locale(&self) -> &'static str {
        let first = self.language.as_deref().and_then(|l| l.split(',').map(fields::trim).find(|s| !s.is_empty()));
        match first.map(str::to_ascii_lowercase).as_deref() {
            Some("hindi") => "hi_IN",
            Some("punjabi") => "pa_IN",
            Some("gujarati") => "gu_IN",
            Some("kannada") => "kn_IN",
            Some("marathi") => "mr_IN",
            Some("tamil") => "ta_IN",
            Some("telugu") => "te_IN",
            _ => "en_IN",
        }
    }

    /// The keys that must be unique in a tenant, as the validator compares them: (kind, value). The kinds
    /// are `phone`, `email`, `userName` and `externalId`, named like their columns.
    pub fn keys(&self) -> Vec<(Column, String)> {
        let mut keys = Vec::with_capacity(4);
        if let Some(p) = &self.phone {
            keys.push((Column::Phone, p.clone()));
        }
        for (c, v) in
            [(Column::Email, &self.email), (Column::UserName, &self.user_name), (Column::ExternalId, &self.external_id)]
        {
            if let Some(v) = v {
                keys.push((c, v.to_lowercase()));
            }
        }
        keys
    }
}

/// The people of a clean sheet, in row order. `today` is the validator's (dates of birth after it are left out).
pub fn users(bytes: &[u8], today: Date, mobile: MobileRule) -> Vec<SheetUser> {
    // The same text flavours as the validator read (Windows-1252, UTF-16, tabs).
    let mut reader = TextReader::new();
    let mut state = State { header: None, rows: 0, users: Vec::new(), today, mobile };
    let mut on = |r: &Record<'_>| state.record(r);
    reader.push(bytes, &mut on);
    reader.finish(&mut on);
    state.users
}

struct State {
    /// (cell index, column) of each known column of the header.
    header: Option<Vec<(usize, Column)>>,
    rows: u64,
    users: Vec<SheetUser>,
    today: Date,
    mobile: MobileRule,
}

impl State {
    fn record(&mut self, r: &Record<'_>) {
        if r.is_blank() || r.unterminated_quote {
            return;
        }
        let Some(header) = &self.header else {
            let columns = r
                .iter()
                .enumerate()
                .filter_map(|(i, raw)| Some((i, Column::from_header(&String::from_utf8_lossy(raw))?)))
                .collect();
            self.header = Some(columns);
            return;
        };
        self.rows += 1;
        let mut u = SheetUser { row: self.rows, line: r.line, ..SheetUser::default() };
        let (mut first, mut last) = (String::new(), String::new());
        for &(i, c) in header {
            let Some(cell) = r.get(i).and_then(|b| std::str::from_utf8(b).ok()) else { continue };
            let v = fields::trim(cell);
            if v.is_empty() {
                continue;
            }
            match c {
                Column::FirstName => {
                    first = PersonName::parse(v).ok().flatten().map_or_else(String::new, |n| n.as_ref().to_string())
                }
                Column::LastName => {
                    last = PersonName::parse(v).ok().flatten().map_or_else(String::new, |n| n.as_ref().to_string())
                }
                Column::Phone => {
                    u.phone = Phone::parse_with(v, self.mobile).ok().flatten().map(|p| p.as_ref().to_string())
                }
                Column::Email => u.email = Email::parse(v).ok().flatten().map(|e| e.as_ref().to_string()),
                Column::UserName => u.user_name = UserName::parse(v).ok().flatten().map(|n| n.as_ref().to_string()),
                // A password keeps its spaces: it is compared as typed.
                Column::Password => u.password = Password::parse(cell).ok().flatten().map(|p| p.expose().to_string()),
                Column::Roles => {
                    u.roles =
                        v.split(',').map(fields::trim).filter(|s| !s.is_empty()).map(str::to_ascii_uppercase).collect()
                }
                Column::Dob => u.dob = Dob::parse(v, self.today).ok().flatten().map(|d| d.date().to_dmy()),
                Column::Gender => u.gender = Gender::parse(v).ok().flatten().map(Gender::digit_code),
                Column::Language => {
                    u.language = Some(v.to_string());
                    u.attributes.push((c, v.to_string()));
                }
                Column::ExternalId => {
                    u.external_id = Some(v.to_string());
                    u.attributes.push((c, v.to_string()));
                }
                _ => u.attributes.push((c, v.to_string())),
            }
        }
        u.name = if last.is_empty() { first } else { format!("{first} {last}") };
        self.users.push(u);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 24).unwrap()
    }

    #[test]
    fn rows_become_people_normalised_as_the_validator_compares_them() {
        let csv = "\u{feff}firstName,lastName,phone,email,userName,roles,DOB,gender,grade\r\n\
                   Asha, Devi ,+91 98765-43210,Asha@Example.in,,\"gp_admin, EMPLOYEE\",05-03-1990,female,Class 1\r\n\
                   \r\n\
                   राम,,,ram@x.in,Ram.K,,,,\r\n";
        let got = users(csv.as_bytes(), today(), MobileRule::DEFAULT);
        assert_eq!(got.len(), 2);
        let a = &got[0];
        assert_eq!((a.row, a.line), (1, 2));
        assert_eq!(a.name, "Asha Devi");
        assert_eq!(a.phone.as_deref(), Some("9876543210"));
        assert_eq!(a.login_id(), Some("9876543210"));
        assert_eq!(a.roles, ["GP_ADMIN", "EMPLOYEE"]);
        assert_eq!(a.dob.as_deref(), Some("05/03/1990"));
        assert_eq!(a.gender, Some("FEMALE"));
        assert_eq!(a.attributes, [(Column::Grade, "Class 1".to_string())]);
        assert_eq!(a.keys(), [(Column::Phone, "9876543210".into()), (Column::Email, "asha@example.in".into())]);
        let r = &got[1];
        assert_eq!((r.row, r.line, r.name.as_str(), r.phone.as_deref()), (2, 4, "राम", None));
        assert_eq!(r.login_id(), Some("Ram.K"));
        assert_eq!(r.keys()[1], (Column::UserName, "ram.k".to_string()));
        assert_eq!((a.locale(), r.locale()), ("en_IN", "en_IN"));
        let hindi = users(
            "firstName,phone,language\nA,9876543210,\" hindi , English\"\n".as_bytes(),
            today(),
            MobileRule::DEFAULT,
        );
        assert_eq!(hindi[0].locale(), "hi_IN");
    }

    #[test]
    fn a_password_is_kept_as_typed() {
        let got = users(b"firstName,phone,password\nA,9876543210, pass word 12 \n", today(), MobileRule::DEFAULT);
        assert_eq!(got[0].password.as_deref(), Some(" pass word 12 "));
    }
}
