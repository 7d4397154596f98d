//! DIGIT's user, in and out. A request's `UserInput` becomes a `NewUser` (or a `Profile`) only through
//! parsing every field; D1 rows are `UserRow` and become DIGIT's JSON in `UserRow::to_json`.
//!
//! The API keeps DIGIT's field rules (egov-user's `UserRequest`): names by DIGIT's name pattern, blood groups
//! by enum name or value, any locale of up to 16 characters, Aadhaar numbers of up to 20 characters, the
//! alternate contact number as text. Those rules live here, not in enrol-core, whose rules are the upload
//! guide's for the CSV. What the two share is enrol-core's: emails, user names, passwords, dates, gender,
//! and the mobile number rule (a deployment setting, `MobileRule`).

use crate::auth::UserType;
use crate::config::now_secs;
use crate::db::opt_text;
use crate::error::ApiError;
use enrol_core::fields::{self, Dob, Email, FieldError, Gender, MobileRule, Password, Phone, UserName};
use enrol_core::{Code, Date};
use serde::Deserialize;
use serde_json::{Value, json};
use wasm_bindgen::JsValue;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleInput {
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub tenant_id: Option<String>,
}

/// A user as a request carries it; every field optional, so that the error can name what is missing.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserInput {
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub uuid: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub tenant_id: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub user_name: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub password: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub salutation: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub gender: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub mobile_number: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub email_id: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub alt_contact_number: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub pan: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub aadhaar_number: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub dob: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub father_or_husband_name: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub blood_group: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub permanent_address: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub permanent_city: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub permanent_pin_code: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub correspondence_address: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub correspondence_city: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub correspondence_pin_code: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub locale: Option<String>,
    #[serde(rename = "type")]
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub user_type: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::bool")]
    pub active: Option<bool>,
    #[serde(default, deserialize_with = "crate::lenient::bool")]
    pub account_locked: Option<bool>,
    pub roles: Option<Vec<RoleInput>>,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub code: String,
    pub name: String,
    pub tenant_id: String,
}

/// The optional profile fields, checked; None is "not given".
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub salutation: Option<String>,
    pub gender: Option<&'static str>,
    pub email_id: Option<String>,
    pub alt_contact_number: Option<String>,
    pub pan: Option<String>,
    pub aadhaar_number: Option<String>,
    pub dob: Option<String>,
    pub father_or_husband_name: Option<String>,
    pub blood_group: Option<String>,
    pub permanent_address: Option<String>,
    pub permanent_city: Option<String>,
    pub permanent_pincode: Option<String>,
    pub correspondence_address: Option<String>,
    pub correspondence_city: Option<String>,
    pub correspondence_pincode: Option<String>,
    pub locale: Option<String>,
}

impl Profile {
    /// The profile as bound parameters, in the order of the SQL that stores it (`insert_user`,
    /// `SET_PROFILE`): salutation, gender, email, alternate number, PAN, Aadhaar, date of birth, guardian,
    /// blood group, the two addresses (address, city, PIN code), locale.
    pub fn values(&self) -> [JsValue; 16] {
        let t = |s: &Option<String>| opt_text(s.as_deref());
        [
            t(&self.salutation),
            opt_text(self.gender),
            t(&self.email_id),
            t(&self.alt_contact_number),
            t(&self.pan),
            t(&self.aadhaar_number),
            t(&self.dob),
            t(&self.father_or_husband_name),
            t(&self.blood_group),
            t(&self.permanent_address),
            t(&self.permanent_city),
            t(&self.permanent_pincode),
            t(&self.correspondence_address),
            t(&self.correspondence_city),
            t(&self.correspondence_pincode),
            t(&self.locale),
        ]
    }
}

/// A user ready to insert.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub tenant_id: String,
    pub user_type: UserType,
    pub user_name: String,
    pub name: String,
    pub mobile_number: Option<String>,
    pub password: Option<String>,
    pub active: bool,
    pub profile: Profile,
    pub roles: Vec<Role>,
}

/// Where a field sits in the request, for error messages: `user.mobileNumber`, `Users[99].name`.
#[derive(Debug, Clone)]
pub struct Path(pub String);

/// DIGIT's code for a field that a new user must have (`User#validateNewUser`).
pub const CREATE_REQUIRED: &str = "InvalidUserCreateException";
/// DIGIT's code for a mobile number that is not one.
pub const INVALID_MOBILE: &str = "INVALID_MOBILE_NUMBER";

impl Path {
    /// A field failed a format rule that DIGIT has no code of its own for: `InvalidField`.
    pub fn err(&self, field: &str, message: impl Into<String>) -> ApiError {
        ApiError::invalid_field(format!("{}.{field}", self.0), message)
    }

    /// A field failed, with DIGIT's code.
    pub fn code(&self, code: &'static str, field: &str, message: impl Into<String>) -> ApiError {
        ApiError::digit_field(code, format!("{}.{field}", self.0), message)
    }

    fn field(&self, field: &str, e: FieldError) -> ApiError {
        self.err(field, describe(&e))
    }

    /// A mobile number that the deployment's rule refuses.
    pub fn mobile(&self, field: &str, rule: MobileRule) -> ApiError {
        self.code(INVALID_MOBILE, field, format!("not a valid mobile number ({})", rule.describe()))
    }
}

/// The password policy's failures with DIGIT's codes: the length (`INVALID_PWD_LENGTH`), and a common
/// password, which is enrol's policy where DIGIT has a pattern (`INVALID_PWD_PATTERN`).
pub fn password_error(field: String, e: &FieldError) -> ApiError {
    match e.code {
        Code::TooShort | Code::TooLong => ApiError::digit_field(
            "INVALID_PWD_LENGTH",
            field,
            format!("a password has {} to {} characters", Password::MIN_CHARS, Password::MAX_CHARS),
        ),
        _ => ApiError::digit_field("INVALID_PWD_PATTERN", field, "this password is too common"),
    }
}

/// The API's words for enrol-core's field codes.
fn describe(e: &FieldError) -> String {
    let p = e.param.as_deref().unwrap_or("");
    match e.code {
        Code::TooLong => format!("at most {p} characters"),
        Code::TooShort => format!("at least {p} characters"),
        Code::InvalidEmail => "not a valid email address".into(),
        Code::InvalidUserName => "4 to 64 letters, digits and . _ - @".into(),
        Code::CommonPassword => "this password is too common".into(),
        Code::InvalidDate => "not a real date (dd/MM/yyyy)".into(),
        Code::DateInFuture => "the date is in the future".into(),
        Code::InvalidGender => "one of MALE, FEMALE, TRANSGENDER, OTHERS".into(),
        other => other.as_str().replace('_', " "),
    }
}

pub fn non_blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(fields::trim).filter(|s| !s.is_empty())
}

pub fn today() -> Date {
    Date::from_unix_days((now_secs() / 86_400) as i64)
}

/// A tenant id: lower-case letters and digits, dot-separated (`pb`, `pb.demo`).
pub fn valid_tenant_id(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 64
        && t.split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

fn pattern(
    path: &Path,
    field: &str,
    v: &Option<String>,
    ok: impl Fn(&str) -> bool,
    what: &str,
) -> Result<Option<String>, ApiError> {
    match non_blank(v) {
        None => Ok(None),
        Some(s) if ok(s) => Ok(Some(s.to_string())),
        Some(_) => Err(path.err(field, what)),
    }
}

fn text(path: &Path, field: &str, v: &Option<String>, max: usize) -> Result<Option<String>, ApiError> {
    pattern(
        path,
        field,
        v,
        |s| s.chars().count() <= max && !s.chars().any(char::is_control),
        &format!("at most {max} characters, no control characters"),
    )
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

impl Profile {
    pub fn parse(u: &UserInput, path: &Path) -> Result<Profile, ApiError> {
        let email_id = match Email::parse(u.email_id.as_deref().unwrap_or("")) {
            Ok(e) => e.map(|e| e.as_ref().to_string()),
            Err(e) => return Err(path.field("emailId", e)),
        };
        let gender = match Gender::parse(u.gender.as_deref().unwrap_or("")) {
            Ok(g) => g.map(Gender::digit_code),
            Err(e) => return Err(path.field("gender", e)),
        };
        let dob = match Dob::parse(u.dob.as_deref().unwrap_or(""), today()) {
            Ok(d) => d.map(|d| d.date().to_dmy()),
            Err(e) => return Err(path.field("dob", e)),
        };
        // DIGIT's altContactNumber is any contact number (a landline too), not a mobile number.
        let alt_contact_number = text(path, "altContactNumber", &u.alt_contact_number, 50)?;
        let father_or_husband_name = digit_name(path, "fatherOrHusbandName", &u.father_or_husband_name)?;
        let pin = |s: &str| digits(s, 6) && !s.starts_with('0');
        Ok(Profile {
            salutation: pattern(
                path,
                "salutation",
                &u.salutation,
                |s| s.len() <= 5 && s.bytes().all(|b| b.is_ascii_alphabetic() || b == b'.'),
                "at most 5 letters",
            )?,
            gender,
            email_id,
            alt_contact_number,
            pan: pattern(
                path,
                "pan",
                &u.pan,
                |s| {
                    let b = s.as_bytes();
                    b.len() == 10
                        && b[..5].iter().all(u8::is_ascii_uppercase)
                        && b[5..9].iter().all(u8::is_ascii_digit)
                        && b[9].is_ascii_uppercase()
                },
                "a PAN is 5 capital letters, 4 digits and a capital letter",
            )?,
            // DIGIT checks only the length (`@Size(max = 20)`).
            aadhaar_number: text(path, "aadhaarNumber", &u.aadhaar_number, 20)?,
            dob,
            father_or_husband_name,
            blood_group: match non_blank(&u.blood_group) {
                None => None,
                Some(b) => Some(
                    blood_group(b)
                        .ok_or_else(|| path.err("bloodGroup", "one of A+ A- B+ B- AB+ AB- O+ O- (or A_POSITIVE …)"))?
                        .to_string(),
                ),
            },
            permanent_address: text(path, "permanentAddress", &u.permanent_address, 300)?,
            permanent_city: text(path, "permanentCity", &u.permanent_city, 300)?,
            permanent_pincode: pattern(path, "permanentPinCode", &u.permanent_pin_code, pin, "a PIN code is 6 digits")?,
            correspondence_address: text(path, "correspondenceAddress", &u.correspondence_address, 300)?,
            correspondence_city: text(path, "correspondenceCity", &u.correspondence_city, 300)?,
            correspondence_pincode: pattern(
                path,
                "correspondencePinCode",
                &u.correspondence_pin_code,
                pin,
                "a PIN code is 6 digits",
            )?,
            // Any text of up to 16 characters, as DIGIT takes; pages and messages fall back to en_IN for a
            // locale they do not have.
            locale: text(path, "locale", &u.locale, 16)?,
        })
    }
}

/// The blood groups, by DIGIT's enum name and by value: `O_POSITIVE` or `o+` is `O+` (`BloodGroup.valueOf`
/// on the upper-cased text, else `fromValue`).
const BLOOD_GROUPS: [(&str, &str); 8] = [
    ("A_POSITIVE", "A+"),
    ("A_NEGATIVE", "A-"),
    ("B_POSITIVE", "B+"),
    ("B_NEGATIVE", "B-"),
    ("AB_POSITIVE", "AB+"),
    ("AB_NEGATIVE", "AB-"),
    ("O_POSITIVE", "O+"),
    ("O_NEGATIVE", "O-"),
];

pub fn blood_group(s: &str) -> Option<&'static str> {
    BLOOD_GROUPS.iter().find(|(name, value)| s.eq_ignore_ascii_case(name) || s.eq_ignore_ascii_case(value)).map(|g| g.1)
}

/// The characters DIGIT's name pattern refuses (egov-user `UserServiceConstants.PATTERN_NAME`).
const NOT_IN_NAMES: &str = "$\"<>?\\~`!@#%^()+={}[]*,:;\u{201C}\u{201D}\u{2018}\u{2019}";

/// Longest name: DIGIT takes 50 characters; enrol 100, because an upload's name is firstName and lastName of
/// up to 50 each, and a client must be able to send a user's name back unchanged.
pub const MAX_NAME_CHARS: usize = 100;

/// A name by DIGIT's rule: any text (digits too) without `$"<>?\~`!@#%^()+={}[]*,:;` or curly quotes; enrol
/// also refuses control characters, and the invisible ones that no name may hold (bidirectional controls,
/// zero-width spaces…; enrol-core's `invisible_in_name`, which keeps the Indic joiners), with enrol-core's
/// message for them.
fn digit_name(path: &Path, field: &str, v: &Option<String>) -> Result<Option<String>, ApiError> {
    if non_blank(v).is_some_and(|s| s.chars().any(fields::invisible_in_name)) {
        return Err(path.err(field, invisible_message()));
    }
    pattern(
        path,
        field,
        v,
        |s| s.chars().count() <= MAX_NAME_CHARS && !s.chars().any(|c| c.is_control() || NOT_IN_NAMES.contains(c)),
        &format!(
            "at most {MAX_NAME_CHARS} characters, none of $ \" < > ? \\ ~ ` ! @ # % ^ ( ) + = {{ }} [ ] * , : ; or curly quotes"
        ),
    )
}

/// enrol-core's words for an invisible character in a name (en_IN: the API speaks English).
fn invisible_message() -> String {
    let issue = enrol_core::Issue {
        row: None,
        line: None,
        column: None,
        code: Code::InvisibleCharacter,
        value: None,
        param: None,
    };
    enrol_core::messages::message(&issue, enrol_core::Locale::EnIn)
}

pub fn parse_name(u: &UserInput, path: &Path) -> Result<Option<String>, ApiError> {
    digit_name(path, "name", &u.name)
}

/// A mobile number by the deployment's rule (None when not given).
pub fn parse_mobile(v: &Option<String>, rule: MobileRule, path: &Path) -> Result<Option<String>, ApiError> {
    Phone::parse_with(v.as_deref().unwrap_or(""), rule)
        .map(|p| p.map(|p| p.as_ref().to_string()))
        .map_err(|_| path.mobile("mobileNumber", rule))
}

/// `too_many` is the route's DIGIT code for a list longer than `auth::MAX_ROLES`.
pub fn parse_roles(
    roles: &[RoleInput],
    default_tenant: &str,
    path: &Path,
    too_many: &'static str,
) -> Result<Vec<Role>, ApiError> {
    if roles.len() > crate::auth::MAX_ROLES {
        return Err(path.code(too_many, "roles", format!("at most {} roles", crate::auth::MAX_ROLES)));
    }
    let mut out: Vec<Role> = Vec::with_capacity(roles.len());
    for (i, r) in roles.iter().enumerate() {
        let at = |f: &str| format!("roles[{i}].{f}");
        let code =
            non_blank(&r.code).ok_or_else(|| path.code(CREATE_REQUIRED, &at("code"), "required"))?.to_ascii_uppercase();
        if code.len() > 64 || !code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_') {
            return Err(path.err(&at("code"), "capital letters, digits and _ (at most 64)"));
        }
        let tenant_id = non_blank(&r.tenant_id).unwrap_or(default_tenant).to_string();
        if !valid_tenant_id(&tenant_id) {
            return Err(path.err(&at("tenantId"), "not a tenant id"));
        }
        let name = text(path, &at("name"), &r.name, 128)?.unwrap_or_else(|| code.clone());
        if !out.iter().any(|o| o.code == code && o.tenant_id == tenant_id) {
            out.push(Role { code, name, tenant_id });
        }
    }
    Ok(out)
}

impl NewUser {
    /// Checks a new user. The tenant's existence and the caller's rights are checked by the handler.
    pub fn parse(u: &UserInput, path: &Path, mobile: MobileRule) -> Result<NewUser, ApiError> {
        let required = |field: &str| path.code(CREATE_REQUIRED, field, "required");
        let tenant_id = non_blank(&u.tenant_id).ok_or_else(|| required("tenantId"))?.to_string();
        if !valid_tenant_id(&tenant_id) {
            return Err(path.err("tenantId", "not a tenant id"));
        }
        let user_type = non_blank(&u.user_type)
            .ok_or_else(|| required("type"))
            .and_then(|t| UserType::parse(t).ok_or_else(|| path.err("type", "one of CITIZEN, EMPLOYEE, SYSTEM")))?;
        let name = parse_name(u, path)?.ok_or_else(|| required("name"))?;
        let mobile_number = parse_mobile(&u.mobile_number, mobile, path)?;
        // A citizen's login id is the mobile number (DIGIT); others need a userName.
        let user_name =
            match UserName::parse(u.user_name.as_deref().unwrap_or("")).map_err(|e| path.field("userName", e))? {
                Some(n) => n.as_ref().to_string(),
                None => match (&mobile_number, user_type) {
                    (Some(m), UserType::Citizen) => m.clone(),
                    _ => return Err(required("userName")),
                },
            };
        if user_type == UserType::Citizen && mobile_number.is_none() {
            return Err(path.code(CREATE_REQUIRED, "mobileNumber", "required for a CITIZEN"));
        }
        let password = match u.password.as_deref() {
            None | Some("") => None,
            Some(p) => Password::parse(p)
                .map_err(|e| password_error(format!("{}.password", path.0), &e))?
                .map(|p| p.expose().to_string()),
        };
        let mut roles = parse_roles(u.roles.as_deref().unwrap_or_default(), &tenant_id, path, CREATE_REQUIRED)?;
        if roles.is_empty() {
            if user_type != UserType::Citizen {
                return Err(path.code(CREATE_REQUIRED, "roles", "at least one role"));
            }
            roles.push(Role { code: "CITIZEN".into(), name: "Citizen".into(), tenant_id: tenant_id.clone() });
        }
        Ok(NewUser {
            tenant_id,
            user_type,
            user_name,
            name,
            mobile_number,
            password,
            active: u.active.unwrap_or(true),
            profile: Profile::parse(u, path)?,
            roles,
        })
    }
}

#[derive(Debug, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub uuid: String,
    pub tenant_id: String,
    pub user_name: String,
    #[serde(rename = "type")]
    pub user_type: String,
    pub name: String,
    pub mobile_number: Option<String>,
    pub email_id: Option<String>,
    pub salutation: Option<String>,
    pub gender: Option<String>,
    pub alt_contact_number: Option<String>,
    pub pan: Option<String>,
    pub aadhaar_number: Option<String>,
    pub dob: Option<String>,
    pub father_or_husband_name: Option<String>,
    pub blood_group: Option<String>,
    pub permanent_address: Option<String>,
    pub permanent_city: Option<String>,
    pub permanent_pincode: Option<String>,
    pub correspondence_address: Option<String>,
    pub correspondence_city: Option<String>,
    pub correspondence_pincode: Option<String>,
    pub locale: String,
    pub active: i64,
    pub account_locked: i64,
    pub locked_until: Option<i64>,
    pub default_pwd_chgd: i64,
    pub pwd_expiry_date: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub created_by: Option<String>,
    pub last_modified_by: Option<String>,
    pub roles: Option<String>,
}

/// A moment as DIGIT's user contract writes it, `dd-MM-yyyy HH:mm:ss`, in UTC.
fn digit_time(epoch_secs: i64) -> String {
    let (days, secs) = (epoch_secs.div_euclid(86_400), epoch_secs.rem_euclid(86_400));
    let d = enrol_core::Date::from_unix_days(days);
    let dmy = d.to_dmy().replace('/', "-");
    format!("{dmy} {:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// Aadhaar numbers are never returned whole: `XXXXXXXX1234` (by characters: DIGIT takes any text).
fn mask_aadhaar(a: &str) -> String {
    let n = a.chars().count();
    a.chars().enumerate().map(|(i, c)| if i + 4 < n { 'X' } else { c }).collect()
}

impl UserRow {
    pub fn locked(&self, now: u64) -> bool {
        self.account_locked == 1 && self.locked_until.is_none_or(|t| t > now as i64)
    }

    pub fn user_type(&self) -> Option<UserType> {
        UserType::parse(&self.user_type)
    }

    /// The roles as held (code and tenant), for the rights checks.
    pub fn held_roles(&self) -> Vec<crate::auth::HeldRole> {
        self.roles.as_deref().and_then(|r| serde_json::from_str(r).ok()).unwrap_or_default()
    }

    /// DIGIT's user object: no password, hash or token, Aadhaar masked.
    pub fn to_json(&self) -> Value {
        let roles: Value =
            self.roles.as_deref().and_then(|r| serde_json::from_str(r).ok()).unwrap_or_else(|| json!([]));
        json!({
            "id": self.id,
            "uuid": self.uuid,
            "tenantId": self.tenant_id,
            "userName": self.user_name,
            "salutation": self.salutation,
            "name": self.name,
            "gender": self.gender,
            "mobileNumber": self.mobile_number,
            "emailId": self.email_id,
            "altContactNumber": self.alt_contact_number,
            "pan": self.pan,
            "aadhaarNumber": self.aadhaar_number.as_deref().map(mask_aadhaar),
            "dob": self.dob,
            "fatherOrHusbandName": self.father_or_husband_name,
            "bloodGroup": self.blood_group,
            "permanentAddress": self.permanent_address,
            "permanentCity": self.permanent_city,
            "permanentPinCode": self.permanent_pincode,
            "correspondenceAddress": self.correspondence_address,
            "correspondenceCity": self.correspondence_city,
            "correspondencePinCode": self.correspondence_pincode,
            "locale": self.locale,
            "type": self.user_type,
            "active": self.active == 1,
            "accountLocked": self.locked(now_secs()),
            "defaultPwdChgd": self.default_pwd_chgd == 1,
            "pwdExpiryDate": self.pwd_expiry_date.map(|ms| digit_time(ms.div_euclid(1000))),
            "createdBy": self.created_by,
            "createdDate": digit_time(self.created_at),
            "lastModifiedBy": self.last_modified_by,
            "lastModifiedDate": digit_time(self.updated_at),
            "roles": roles,
        })
    }
}
