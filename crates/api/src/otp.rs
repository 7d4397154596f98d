//! Codes by SMS, on DIGIT's contract: `POST /user-otp/v1/_send` (register, login, passwordreset),
//! `POST /user/password/nologin/_update` (forgot password, and mGramSeva's first login) and
//! `POST /user/citizen/_create` (self-registration); `/user/oauth/token` takes `login` codes through
//! `codes::use_code`.
//!
//! A code proves that its holder controls one phone number: the one it was sent to. It goes only to the
//! number asked for, is kept under that number and state (as egov-otp keys codes), and opens only an account
//! whose stored mobile number it is; accounts are found by mobile number, never by a user name that looks like
//! one. A code is 6 digits, works `OTP_SECONDS`, once, and is stored as a keyed hash (the plain code waits only
//! in its outbox row, encrypted, until the provider takes it). Each send adds a code (a stranger's send cannot
//! cancel the owner's); using one ends them all. Tries are counted before they are compared, in two budgets
//! (see `codes::check_code`). Sends are throttled per number and address, per number and per address (IPv6 by /64),
//! before anything is said about the number; an unknown number gets exactly the answer a known one gets (DIGIT
//! says `OTP.UNKNOWN_MOBILE_NUMBER` or `OTP.MOBILENUMBER`; a deployment that needs that sets
//! `OTP_REVEAL_UNKNOWN_NUMBER=true`), and a `register` for a number that has an account texts its owner so.
//!
//! Errors about codes and sends come in user-otp's own shape (`{"responseInfo":null,"error":{…,"fields":[…]}}`,
//! see `codes::OtpError`), as DIGIT's clients read them; errors about users and passwords in egov-user's.

use crate::auth::{UserType, uuid_v4};
use crate::codes::{CodeFailure, Number, OtpError, Purpose, check_code, spend_code, state_of};
use crate::config::{OtpSettings, Settings, now_secs};
use crate::credentials::{self, Keys};
use crate::db::{Db, int, opt_text, text};
use crate::error::ApiError;
use crate::http;
use crate::users::model::valid_tenant_id;
use enrol_core::fields::{PersonName, Phone};
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RequestInfo {
    /// `20170310130900|en_IN`: DIGIT clients put the language after the bar.
    msg_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OtpInput {
    mobile_number: Option<String>,
    tenant_id: Option<String>,
    #[serde(rename = "type")]
    purpose: Option<String>,
    user_type: Option<String>,
    locale: Option<String>,
}

#[derive(Deserialize)]
struct SendRequest {
    #[serde(default, rename = "RequestInfo", alias = "requestInfo")]
    request_info: Option<RequestInfo>,
    otp: Option<OtpInput>,
}

/// `u.tenant_id` is the state `?1` or below it (constant SQL; a tenant id holds no LIKE wildcards, but this
/// does not depend on it).
const IN_STATE: &str = "(u.tenant_id = ?1 OR substr(u.tenant_id, 1, length(?1) + 1) = ?1 || '.')";

/// `POST /user-otp/v1/_send`.
///
/// A code proves control of one phone number: it goes only to the number asked for, and is kept under that
/// number. Accounts are found by their stored mobile number, never by a user name that looks like one.
pub async fn send(
    mut req: Request,
    env: &Env,
    ctx: &worker::Context,
    db: &Db,
    s: &Settings,
) -> Result<Response, ApiError> {
    let body: SendRequest = http::json(&mut req, s.max_body_bytes).await?;
    let o = &s.otp;
    let Some(input) = body.otp else {
        return OtpError::new(400, "Invalid OTP request")
            .field("OTP.MOBILE_NUMBER_MANDATORY", "Mobile number field is mandatory", "otp.mobileNumber")
            .field("OTP.TENANT_ID_MANDATORY", "Tenant field is mandatory", "otp.tenantId")
            .into_response();
    };
    let mobile = input.mobile_number.as_deref().map(str::trim).unwrap_or("");
    let tenant = input.tenant_id.as_deref().map(str::trim).unwrap_or("");
    let purpose = Purpose::parse(input.purpose.as_deref());
    let mut invalid = OtpError::new(400, "Invalid OTP request");
    if tenant.is_empty() {
        invalid = invalid.field("OTP.TENANT_ID_MANDATORY", "Tenant field is mandatory", "otp.tenantId");
    } else if !valid_tenant_id(tenant) {
        invalid = invalid.field("OTP.TENANT_ID_INVALID", "No such tenant", "otp.tenantId");
    }
    let phone = if mobile.is_empty() {
        invalid = invalid.field("OTP.MOBILE_NUMBER_MANDATORY", "Mobile number field is mandatory", "otp.mobileNumber");
        None
    } else {
        match Phone::parse_with(mobile, s.mobile) {
            Ok(Some(p)) => Some(p),
            _ => {
                invalid = invalid.field(
                    "OTP.MOBILE_NUMBER_INVALID",
                    format!("Mobile number must be {}", s.mobile.describe()),
                    "otp.mobileNumber",
                );
                None
            }
        }
    };
    if purpose.is_none() {
        invalid = invalid.field(
            "OTP.REQUEST_TYPE_MANDATORY",
            "Request type (register, passwordreset,login) is mandatory",
            "otp.type",
        );
    }
    let (Some(phone), Some(purpose), true) = (phone, purpose, invalid.fields.is_empty()) else {
        return invalid.into_response();
    };
    let mobile = phone.as_ref();
    let state = state_of(tenant);
    let keys = Keys::from_env(env)?;
    let user_type = input.user_type.as_deref().and_then(UserType::parse);
    let types = if purpose == Purpose::Register {
        UserType::login_types(Some(UserType::Citizen))
    } else {
        UserType::login_types(user_type)
    };

    #[derive(Deserialize)]
    struct Found {
        tenant: i64,
        id: Option<i64>,
        locale: Option<String>,
    }
    let found: Found = db
        .first(
            &format!(
                "SELECT (SELECT count(*) FROM tenants WHERE id = ?1) AS tenant, u.id, u.locale
                 FROM (SELECT 1) LEFT JOIN users u ON {IN_STATE} AND u.mobile_number = ?2
                   AND u.type IN (SELECT value FROM json_each(?3))
                 ORDER BY u.id LIMIT 1"
            ),
            &[text(state), text(mobile), text(types)],
        )
        .await?
        .ok_or_else(|| ApiError::internal("the user lookup answered no row"))?;
    if found.tenant == 0 {
        return OtpError::new(400, "Invalid OTP request")
            .field("OTP.TENANT_ID_INVALID", "No such tenant", "otp.tenantId")
            .into_response();
    }
    // The throttles first, whatever the number and the purpose: nothing is said about a number before.
    let from = http::client_bucket(&req);
    if let Some(e) = throttle(db, o, mobile, &from).await? {
        return e.into_response();
    }
    let known = found.id.is_some();
    match (purpose, known) {
        (Purpose::Register, true) if o.reveal_unknown => {
            return OtpError::new(400, "OTP request for register failed")
                .field(
                    "OTP.MOBILENUMBER",
                    "This MobileNumber Already Register as UserName in System. Pls try Another UserName",
                    "otp.mobileNumber",
                )
                .into_response();
        }
        (Purpose::PasswordReset, false) if o.reveal_unknown => {
            return OtpError::new(400, "OTP request for password reset failed")
                .field("OTP.UNKNOWN_MOBILE_NUMBER", "Mobile number is unknown.", "otp.mobileNumber")
                .into_response();
        }
        (Purpose::Login, false) if o.reveal_unknown => {
            return OtpError::new(400, "OTP request for login failed")
                .field("OTP.UNKNOWN_USER", "User not Found With this UserName", "otp.mobileNumber")
                .into_response();
        }
        _ => {}
    }
    let locale = input
        .locale
        .as_deref()
        .or_else(|| body.request_info.as_ref()?.msg_id.as_deref()?.split_once('|').map(|(_, l)| l))
        .or(found.locale.as_deref())
        .map(crate::sms::templates::locale)
        .unwrap_or("en_IN");
    let now = now_secs() as i64;
    let mut batch = vec![
        db.stmt("DELETE FROM otp_sends WHERE at <= ?1", &[int(now - 3600)])?,
        db.stmt(
            "DELETE FROM otp_codes WHERE state = ?1 AND mobile = ?2 AND expires_at <= ?3",
            &[text(state), text(mobile), int(now - 86_400)],
        )?,
    ];
    // What goes to the number: a code; for `register` on a number that already has an account, a notice that
    // says so (the answer is the same as for a new number); for an unknown number on `login` or
    // `passwordreset`, nothing (the same answer again).
    let notice = purpose == Purpose::Register && known;
    let sends_code = !notice && (known || purpose == Purpose::Register);
    let code = credentials::six_digits()?;
    // A code is stored whether or not it goes out (no account ever has an unknown number's code sent to it): the
    // same work, so that the time of the answer tells nothing either.
    if !notice {
        batch.push(db.stmt(
            "INSERT INTO otp_codes (state, mobile, purpose, code_hash, expires_at, asker, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            &[
                text(state),
                text(mobile),
                text(purpose.as_str()),
                text(&keys.otp_hash(&Number { state, mobile, purpose }.hash_context(), &code)),
                int(now + o.ttl_secs as i64),
                text(&from),
                int(now),
            ],
        )?);
    }
    if notice || sends_code {
        // A code row gets a link code of its own too: it is the context its sealed code is bound to, like a
        // welcome's (the SMS carries no link; `/l/` only opens welcome links). A notice seals nothing.
        let sealed = keys.seal_for_outbox(if sends_code { &code } else { "" })?;
        batch.push(db.stmt(
            "INSERT INTO outbox (user_id, channel, kind, recipient, locale, link_code, credential)
             VALUES (?1, 'sms', ?2, ?3, ?4, ?5, ?6) RETURNING id",
            &[
                found.id.map_or(wasm_bindgen::JsValue::NULL, int),
                text(if notice { "notice" } else { "code" }),
                text(mobile),
                text(locale),
                text(&sealed.link_code),
                if sends_code { text(&sealed.sealed) } else { wasm_bindgen::JsValue::NULL },
            ],
        )?);
    }
    let results = db.batch(batch).await?;
    if notice || sends_code {
        #[derive(Deserialize)]
        struct Id {
            id: i64,
        }
        let ids: Vec<i64> = results
            .last()
            .and_then(|r| r.results::<Id>().ok())
            .map(|v| v.into_iter().map(|i| i.id).collect())
            .unwrap_or_default();
        crate::sms::enqueue_after_commit(env, ctx, ids);
    }
    // Written out to keep user-otp's key order (serde_json sorts keys).
    let mut r = Response::ok(r#"{"responseInfo":null,"isSuccessful":true}"#)?.with_status(201);
    r.headers_mut().set("content-type", "application/json")?;
    r.headers_mut().set("cache-control", "no-store")?;
    Ok(r)
}

/// Counts this send against its limits, in one conditional insert (two concurrent sends cannot both pass), or
/// says which limit it meets and when it lifts. The limits: per number and client address (a resend gap and
/// `OTP_SENDS_PER_HOUR`), per number over all addresses (`OTP_NUMBER_SENDS_PER_HOUR`, higher: a stranger
/// spends their own budget, not the owner's), and per address (`OTP_IP_SENDS_PER_HOUR`).
async fn throttle(db: &Db, o: &OtpSettings, mobile: &str, ip: &str) -> Result<Option<OtpError>, ApiError> {
    #[derive(Deserialize)]
    struct At {
        #[allow(dead_code)]
        at: i64,
    }
    #[derive(Deserialize)]
    struct Why {
        last: Option<i64>,
        pair_n: i64,
        pair_first: Option<i64>,
        mobile_n: i64,
        mobile_first: Option<i64>,
        ip_n: i64,
        ip_first: Option<i64>,
    }
    let now = now_secs() as i64;
    let params = [
        text(mobile),
        text(ip),
        int(now),
        int(o.resend_secs as i64),
        int(i64::from(o.sends_per_hour)),
        int(i64::from(o.ip_sends_per_hour)),
        int(i64::from(o.number_sends_per_hour)),
    ];
    let counted: Option<At> = db
        .first(
            "INSERT INTO otp_sends (mobile, ip, at) SELECT ?1, ?2, ?3
             WHERE NOT EXISTS (SELECT 1 FROM otp_sends WHERE mobile = ?1 AND ip = ?2 AND at > ?3 - ?4)
               AND (SELECT count(*) FROM otp_sends WHERE mobile = ?1 AND ip = ?2 AND at > ?3 - 3600) < ?5
               AND (SELECT count(*) FROM otp_sends WHERE ip = ?2 AND at > ?3 - 3600) < ?6
               AND (SELECT count(*) FROM otp_sends WHERE mobile = ?1 AND at > ?3 - 3600) < ?7
             RETURNING at",
            &params,
        )
        .await?;
    if counted.is_some() {
        return Ok(None);
    }
    let why: Why = db
        .first(
            "SELECT (SELECT max(at) FROM otp_sends WHERE mobile = ?1 AND ip = ?2) AS last,
               (SELECT count(*) FROM otp_sends WHERE mobile = ?1 AND ip = ?2 AND at > ?3 - 3600) AS pair_n,
               (SELECT min(at) FROM otp_sends WHERE mobile = ?1 AND ip = ?2 AND at > ?3 - 3600) AS pair_first,
               (SELECT count(*) FROM otp_sends WHERE mobile = ?1 AND at > ?3 - 3600) AS mobile_n,
               (SELECT min(at) FROM otp_sends WHERE mobile = ?1 AND at > ?3 - 3600) AS mobile_first,
               (SELECT count(*) FROM otp_sends WHERE ip = ?2 AND at > ?3 - 3600) AS ip_n,
               (SELECT min(at) FROM otp_sends WHERE ip = ?2 AND at > ?3 - 3600) AS ip_first",
            &params[..3],
        )
        .await?
        .ok_or_else(|| ApiError::internal("the throttle lookup answered no row"))?;
    let hour_left = |first: Option<i64>| (first.unwrap_or(now) + 3600 - now).max(1) as u64;
    let mut e = OtpError::new(429, "Too many OTP requests");
    let (code, message, wait) = if let Some(last) = why.last.filter(|l| *l > now - o.resend_secs as i64) {
        let wait = (last + o.resend_secs as i64 - now).max(1) as u64;
        ("OTP.RESEND_TOO_SOON", format!("Wait {wait} seconds before asking for another code"), wait)
    } else if why.pair_n >= i64::from(o.sends_per_hour) || why.mobile_n >= i64::from(o.number_sends_per_hour) {
        let first = if why.pair_n >= i64::from(o.sends_per_hour) { why.pair_first } else { why.mobile_first };
        let wait = hour_left(first);
        ("OTP.TOO_MANY_REQUESTS", format!("Too many codes for this number: wait {} minutes", wait.div_ceil(60)), wait)
    } else if why.ip_n >= i64::from(o.ip_sends_per_hour) {
        let wait = hour_left(why.ip_first);
        (
            "OTP.TOO_MANY_REQUESTS",
            format!("Too many codes asked for from this address: wait {} minutes", wait.div_ceil(60)),
            wait,
        )
    } else {
        // A concurrent send took the last place between the two statements.
        ("OTP.RESEND_TOO_SOON", "Wait before asking for another code".to_string(), o.resend_secs.max(1))
    };
    e = e.field(code, message, "otp.mobileNumber");
    e.retry_after = Some(wait);
    Ok(Some(e))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NoLoginRequest {
    otp_reference: Option<String>,
    user_name: Option<String>,
    new_password: Option<String>,
    tenant_id: Option<String>,
    #[serde(rename = "type")]
    user_type: Option<String>,
}

#[derive(Deserialize)]
struct Account {
    id: i64,
    uuid: String,
    tenant_id: String,
    score: i64,
    user_name: String,
    mobile_number: Option<String>,
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// `POST /user/password/nologin/_update`: a new password with a `passwordreset` code. The code is checked
/// first (its try counted, the code not used up): without the right code the answer is the same whatever the
/// account, so that nothing here tells a stranger about a user name, a phone number or a pending code. Only
/// then the password's policy (a refused password does not burn the code; DIGIT's does), then the change.
pub async fn nologin_update(mut req: Request, env: &Env, db: &Db, s: &Settings) -> Result<Response, ApiError> {
    let body: NoLoginRequest = http::json(&mut req, s.max_body_bytes).await?;
    let invalid = || {
        ApiError::bad_request(
            "InvalidNonLoggedInUserUpdatePasswordRequestException",
            "otpReference, userName, newPassword, tenantId and type are required",
        )
    };
    let (Some(code), Some(user_name), Some(new), Some(tenant)) = (
        non_empty(&body.otp_reference),
        non_empty(&body.user_name),
        body.new_password.as_deref().filter(|p| !p.is_empty()),
        non_empty(&body.tenant_id),
    ) else {
        return Err(invalid());
    };
    // DIGIT requires `type`; enrol also takes none (any type: a person at /login does not know theirs). A type
    // that is given must be one.
    let user_type = match non_empty(&body.user_type) {
        Some(t) => Some(UserType::parse(t).ok_or_else(invalid)?),
        None => None,
    };
    if !valid_tenant_id(tenant) || user_name.len() > 64 {
        return Err(invalid());
    }
    let keys = Keys::from_env(env)?;
    let state = state_of(tenant);
    // The user: of that user name (or, failing that, that mobile number) in the state; of two, the one that
    // matches better (the tenant asked for first, then the user name), else the request is ambiguous.
    let accounts: Vec<Account> = db
        .all(
            &format!(
                "SELECT u.id, u.uuid, u.tenant_id, u.user_name, u.mobile_number,
                   2 * (u.tenant_id = ?4) + (u.user_name = ?2 COLLATE NOCASE) AS score
                 FROM users u WHERE {IN_STATE}
                   AND (u.user_name = ?2 COLLATE NOCASE OR u.mobile_number = ?2)
                   AND u.type IN (SELECT value FROM json_each(?3))
                 ORDER BY score DESC, u.id LIMIT 2"
            ),
            &[text(state), text(user_name), text(UserType::login_types(user_type)), text(tenant)],
        )
        .await?;
    let account = match accounts.as_slice() {
        [] => None,
        [one] => Some(one),
        [first, second] if first.score > second.score => Some(first),
        // Two equally good accounts: no code can be meant for both; the answer is a wrong code's.
        _ => None,
    };
    // The code must have been sent to the account's own stored number.
    let mobile = account.and_then(|a| a.mobile_number.as_deref()).unwrap_or("");
    let from = http::client_bucket(&req);
    let right =
        match check_code(db, &keys, &s.otp, Number { state, mobile, purpose: Purpose::PasswordReset }, code, &from)
            .await?
        {
            Ok(right) => right,
            Err(f) => return f.error().into_response(),
        };
    let Some(account) = account else { return CodeFailure::Wrong.error().into_response() };
    let checked = crate::password::check_new(new, &account.user_name, Some(mobile))?;
    if let Err(f) = spend_code(db, right).await? {
        return f.error().into_response();
    }
    let hash = enrol_password::hash(checked.expose()).map_err(|e| ApiError::internal(e.to_string()))?;
    db.batch(vec![
        // The automatic lockout ends with a reset (as DIGIT's does); an administrator's lock (no end time)
        // holds until an administrator lifts it.
        db.stmt(
            "UPDATE users SET password_hash = ?2, otp_hash = NULL, otp_expires_at = NULL, default_pwd_chgd = 1,
               own_password_at = coalesce(own_password_at, unixepoch()),
               account_locked = CASE WHEN account_locked = 1 AND locked_until IS NULL THEN 1 ELSE 0 END,
               locked_until = NULL, updated_at = unixepoch(), last_modified_by = uuid WHERE id = ?1",
            &[int(account.id), text(&hash)],
        )?,
        crate::audit::entry(
            db,
            &crate::audit::Actor::person(&account.uuid, &account.user_name, &http::client_address(&req)),
            Some(&account.tenant_id),
            Some(&account.uuid),
            crate::audit::action::PASSWORD_RESET,
            crate::audit::Outcome::Ok,
            json!({ "by": "sms" }),
        )?,
        db.stmt("DELETE FROM sessions WHERE user_id = ?1", &[int(account.id)])?,
        db.stmt("DELETE FROM login_failures WHERE user_id = ?1", &[int(account.id)])?,
    ])
    .await?;
    http::ok_json(&json!({
        "responseInfo": { "apiId": null, "ver": null, "ts": null, "resMsgId": null, "msgId": null, "status": "200" }
    }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CitizenInput {
    name: Option<String>,
    #[serde(alias = "userName")]
    username: Option<String>,
    otp_reference: Option<String>,
    tenant_id: Option<String>,
    password: Option<String>,
    locale: Option<String>,
}

#[derive(Deserialize)]
struct CitizenRequest {
    #[serde(rename = "User", alias = "user")]
    user: Option<CitizenInput>,
}

/// `POST /user/citizen/_create`: a CITIZEN of the state tenant, with a `register` code; with
/// `CITIZEN_REGISTRATION_WITH_LOGIN` (the default) the answer is a login's.
pub async fn create_citizen(mut req: Request, env: &Env, db: &Db, s: &Settings) -> Result<Response, ApiError> {
    let body: CitizenRequest = http::json(&mut req, s.max_body_bytes).await?;
    let u = body.user.ok_or_else(|| ApiError::bad_request("InvalidUserCreateException", "User is required"))?;
    let missing = |f: &str| ApiError::bad_request("InvalidUserCreateException", format!("User.{f} is required"));
    let name_in = non_empty(&u.name).ok_or_else(|| missing("name"))?;
    let name = match PersonName::parse_max(name_in, 100) {
        Ok(Some(n)) => n.as_ref().to_string(),
        _ => return Err(ApiError::invalid_field("User.name", "letters, spaces, . ' - only, at most 100 characters")),
    };
    let mobile = match non_empty(&u.username).map(|m| Phone::parse_with(m, s.mobile)) {
        None => return Err(missing("username")),
        Some(Ok(Some(p))) => p.as_ref().to_string(),
        Some(_) => {
            return Err(ApiError::bad_request(
                "UserNameNotValidException",
                format!("User.username must be a mobile number: {}", s.mobile.describe()),
            ));
        }
    };
    let code = non_empty(&u.otp_reference).ok_or_else(|| missing("otpReference"))?;
    let tenant = non_empty(&u.tenant_id).filter(|t| valid_tenant_id(t)).ok_or_else(|| missing("tenantId"))?;
    let state = state_of(tenant).to_string();
    let keys = Keys::from_env(env)?;
    if !crate::tenants::exists(db, &state).await? {
        return Err(ApiError::bad_request("InvalidTenant", "User.tenantId: no such tenant"));
    }
    // The code first: only the holder of the number learns whether it is registered already.
    let from = http::client_bucket(&req);
    let right = match check_code(
        db,
        &keys,
        &s.otp,
        Number { state: &state, mobile: &mobile, purpose: Purpose::Register },
        code,
        &from,
    )
    .await?
    {
        Ok(right) => right,
        Err(f) => return f.error().into_response(),
    };
    #[derive(Deserialize)]
    struct Check {
        taken: i64,
    }
    let check: Check = db
        .first(
            &format!(
                "SELECT (SELECT count(*) FROM users u WHERE {IN_STATE} AND u.type = 'CITIZEN'
                      AND (u.user_name = ?2 OR u.mobile_number = ?2)) AS taken"
            ),
            &[text(&state), text(&mobile)],
        )
        .await?
        .ok_or_else(|| ApiError::internal("the citizen check answered no row"))?;
    if check.taken > 0 {
        return Err(duplicate());
    }
    let password = match u.password.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Some(crate::password::check_new(p, &mobile, Some(&mobile))?),
        None => None,
    };
    if let Err(f) = spend_code(db, right).await? {
        return f.error().into_response();
    }
    let hash = match &password {
        Some(p) => Some(enrol_password::hash(p.expose()).map_err(|e| ApiError::internal(e.to_string()))?),
        None => None,
    };
    let uuid = uuid_v4()?;
    let locale = u.locale.as_deref().map(crate::sms::templates::locale).unwrap_or("en_IN");
    db.batch(vec![
        db.stmt(
            "INSERT INTO users (uuid, tenant_id, user_name, type, name, mobile_number, password_hash, active,
               default_pwd_chgd, locale, created_by, last_modified_by, own_password_at)
             VALUES (?1, ?2, ?3, 'CITIZEN', ?4, ?3, ?5, 1, ?6, ?7, ?1, ?1, CASE WHEN ?6 = 1 THEN unixepoch() END)",
            &[
                text(&uuid),
                text(&state),
                text(&mobile),
                text(&name),
                opt_text(hash.as_deref()),
                int(i64::from(hash.is_some())),
                text(locale),
            ],
        )?,
        db.stmt(
            "INSERT INTO user_roles (user_id, code, tenant_id, name) SELECT id, 'CITIZEN', ?2, 'Citizen' FROM users WHERE uuid = ?1",
            &[text(&uuid), text(&state)],
        )?,
    ])
    .await
    .map_err(|e| if format!("{e:?}").contains("UNIQUE constraint failed") { duplicate() } else { e })?;
    let user = crate::users::find(db, None, Some(&uuid))
        .await?
        .ok_or_else(|| ApiError::internal("the new citizen is gone"))?;
    if s.otp.registration_with_login {
        return crate::tokens::answer_tokens(db, &user, s, Vec::new()).await;
    }
    http::ok_json(&json!({ "responseInfo": http::response_info(), "user": [user.to_json()] }))
}

fn duplicate() -> ApiError {
    ApiError::bad_request("DuplicateUserNameException", "A citizen with this mobile number is already registered")
}
