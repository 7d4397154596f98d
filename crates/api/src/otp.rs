//! Codes by SMS, on DIGIT's contract: `POST /user-otp/v1/_send` (register, login, passwordreset),
//! `POST /user/password/nologin/_update` (forgot password, and mGramSeva's first login) and
//! `POST /user/citizen/_create` (self-registration); `/user/oauth/token` takes `login` codes through
//! [`use_code`].
//!
//! A code is 6 digits, works `OTP_SECONDS`, once, for at most `OTP_MAX_ATTEMPTS` tries, and is stored as a
//! keyed hash (never in clear: the plain code waits only in its outbox row, encrypted, until the provider takes
//! it). Codes are keyed as egov-otp keys them: by mobile number and state tenant, one per purpose; a new send
//! replaces the old code. Sends are throttled per number and per client address, counted in D1, and an
//! unknown number on `passwordreset` gets exactly the answer a known one gets, by the same work minus the
//! SMS, so that the answer tells nothing (DIGIT says `OTP.UNKNOWN_MOBILE_NUMBER`; a deployment that needs that
//! sets `OTP_REVEAL_UNKNOWN_NUMBER=true`).
//!
//! Errors about codes and sends come in user-otp's own shape (`{"responseInfo":null,"error":{…,"fields":[…]}}`,
//! see [`OtpError`]), as DIGIT's clients read them; errors about users and passwords in egov-user's.

use crate::auth::{UserType, uuid_v4};
use crate::config::{CitizenLogin, OtpSettings, Settings, now_secs};
use crate::credentials::{self, Keys};
use crate::db::{Db, int, opt_text, text};
use crate::error::ApiError;
use crate::http;
use crate::users::model::valid_tenant_id;
use enrol_core::fields::{PersonName, Phone};
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

/// What a code is for (DIGIT's `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Register,
    Login,
    PasswordReset,
}

impl Purpose {
    /// Case-insensitive; missing or empty is `register` (DIGIT's `Otp#getTypeOrDefault`).
    fn parse(s: Option<&str>) -> Option<Self> {
        match s.map(str::trim).unwrap_or("").to_ascii_lowercase().as_str() {
            "" | "register" => Some(Self::Register),
            "login" => Some(Self::Login),
            "passwordreset" => Some(Self::PasswordReset),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::Login => "login",
            Self::PasswordReset => "passwordreset",
        }
    }
}

/// The state tenant (`pb` of `pb.demo`): egov-otp keys every code by it.
pub fn state_of(tenant: &str) -> &str {
    tenant.split('.').next().unwrap_or(tenant)
}

/// The HMAC context of a code: not a user's uuid, because a registering person has none yet.
fn hash_context(state: &str, mobile: &str, purpose: Purpose) -> String {
    format!("otp:{state}:{mobile}:{}", purpose.as_str())
}

/// An error in user-otp's shape: `{"responseInfo":null,"error":{"code":status,"message",…,"fields":[…]}}`.
/// Code failures keep DIGIT's `OTP.VALIDATION_UNSUCCESSFUL` as the first field, so clients that test it keep
/// working, and say why in a second one (`OTP.WRONG`, `OTP.EXPIRED`, `OTP.USED`, `OTP.TOO_MANY_ATTEMPTS`, …).
#[derive(Debug)]
pub struct OtpError {
    status: u16,
    message: &'static str,
    fields: Vec<serde_json::Value>,
    retry_after: Option<u64>,
}

impl OtpError {
    fn new(status: u16, message: &'static str) -> Self {
        Self { status, message, fields: Vec::new(), retry_after: None }
    }

    fn field(mut self, code: &str, message: impl Into<String>, field: &str) -> Self {
        self.fields.push(json!({ "code": code, "message": message.into(), "field": field }));
        self
    }

    pub fn into_response(self) -> Result<Response, ApiError> {
        let body = json!({
            "responseInfo": null,
            "error": { "code": self.status, "message": self.message, "description": null, "fields": self.fields },
        });
        let mut r = Response::from_json(&body)?.with_status(self.status);
        if let Some(s) = self.retry_after {
            r.headers_mut().set("retry-after", &s.to_string())?;
        }
        Ok(r)
    }
}

/// Why a code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeFailure {
    /// Not the code; `left` tries remain (0: it is dead now).
    Wrong {
        left: u32,
    },
    Expired,
    Used,
    TooManyAttempts,
    /// No code was sent to this number for this purpose (or a newer one replaced it and this one was never it).
    None,
}

impl CodeFailure {
    pub fn error(self) -> OtpError {
        let e = OtpError::new(400, "OTP validation unsuccessful").field(
            "OTP.VALIDATION_UNSUCCESSFUL",
            "OTP validation unsuccessful",
            "otp.otp",
        );
        let (code, message) = match self {
            Self::Wrong { left: 0 } => {
                ("OTP.TOO_MANY_ATTEMPTS", "The code is wrong, and there are no tries left: ask for a new code".into())
            }
            Self::Wrong { left } => ("OTP.WRONG", format!("The code is wrong; {left} tries left")),
            Self::Expired => ("OTP.EXPIRED", "The code has expired: ask for a new code".into()),
            Self::Used => ("OTP.USED", "The code has been used already: ask for a new code".into()),
            Self::TooManyAttempts => {
                ("OTP.TOO_MANY_ATTEMPTS", "Too many wrong tries for this code: ask for a new code".into())
            }
            Self::None => ("OTP.NO_CODE", "There is no code for this number: ask for a new code".into()),
        };
        let mut e = e.field(code, message, "otp.otp");
        if let Self::Wrong { left } = self {
            e.fields[1]["triesLeft"] = json!(left);
        }
        e
    }
}

/// Uses the code `typed` for (`state`, `mobile`, `purpose`). Every try is counted before it is compared, in
/// one statement, so that concurrent guesses cannot together exceed the limit; the right code is marked used
/// by a second statement that only one of two concurrent uses can win.
pub async fn use_code(
    db: &Db,
    keys: &Keys,
    o: &OtpSettings,
    state: &str,
    mobile: &str,
    purpose: Purpose,
    typed: &str,
) -> Result<Result<(), CodeFailure>, ApiError> {
    #[derive(Deserialize)]
    struct Tried {
        code_hash: String,
        attempts: i64,
    }
    #[derive(Deserialize)]
    struct Code {
        code_hash: String,
        expires_at: i64,
        attempts: i64,
        used_at: Option<i64>,
    }
    let now = now_secs() as i64;
    let key = [text(state), text(mobile), text(purpose.as_str())];
    let ctx = hash_context(state, mobile, purpose);
    let tried: Option<Tried> = db
        .first(
            "UPDATE otp_codes SET attempts = attempts + 1
             WHERE state = ?1 AND mobile = ?2 AND purpose = ?3 AND used_at IS NULL AND expires_at > ?4 AND attempts < ?5
             RETURNING code_hash, attempts",
            &[key[0].clone(), key[1].clone(), key[2].clone(), int(now), int(i64::from(o.max_attempts))],
        )
        .await?;
    if let Some(t) = tried {
        if !keys.otp_matches(&ctx, typed, &t.code_hash) {
            let left = (i64::from(o.max_attempts) - t.attempts).max(0) as u32;
            return Ok(Err(CodeFailure::Wrong { left }));
        }
        #[derive(Deserialize)]
        struct Won {
            #[allow(dead_code)]
            used_at: i64,
        }
        let won: Option<Won> = db
            .first(
                "UPDATE otp_codes SET used_at = ?4
                 WHERE state = ?1 AND mobile = ?2 AND purpose = ?3 AND code_hash = ?5 AND used_at IS NULL
                 RETURNING used_at",
                &[key[0].clone(), key[1].clone(), key[2].clone(), int(now), text(&t.code_hash)],
            )
            .await?;
        return Ok(if won.is_some() { Ok(()) } else { Err(CodeFailure::Used) });
    }
    // Not tried: say why, without counting (nothing here can be guessed).
    let code: Option<Code> = db
        .first(
            "SELECT code_hash, expires_at, attempts, used_at FROM otp_codes WHERE state = ?1 AND mobile = ?2 AND purpose = ?3",
            &key,
        )
        .await?;
    Ok(Err(match code {
        None => CodeFailure::None,
        Some(c) if c.used_at.is_some() => {
            if keys.otp_matches(&ctx, typed, &c.code_hash) {
                CodeFailure::Used
            } else {
                CodeFailure::None
            }
        }
        Some(c) if c.expires_at <= now => CodeFailure::Expired,
        Some(c) if c.attempts >= i64::from(o.max_attempts) => CodeFailure::TooManyAttempts,
        Some(_) => CodeFailure::None,
    }))
}

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
        match Phone::parse(mobile) {
            Ok(Some(p)) => Some(p),
            _ => {
                invalid = invalid.field(
                    "OTP.MOBILE_NUMBER_INVALID",
                    "Mobile number must be 10 digits starting with 6 to 9",
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
        mobile: Option<String>,
        locale: Option<String>,
    }
    let found: Found = db
        .first(
            &format!(
                "SELECT (SELECT count(*) FROM tenants WHERE id = ?1) AS tenant, u.id, u.mobile_number AS mobile, u.locale
                 FROM (SELECT 1) LEFT JOIN users u ON {IN_STATE} AND (u.mobile_number = ?2 OR u.user_name = ?2)
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
    let known = found.id.is_some();
    match (purpose, known) {
        (Purpose::Register, true) => {
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
    // The throttles, whether the number is known or not (a difference would tell).
    let ip = req.headers().get("cf-connecting-ip").ok().flatten().unwrap_or_default();
    if let Some(e) = throttle(db, o, mobile, &ip).await? {
        return e.into_response();
    }
    // The code goes to the stored number (a user found by user name may have another).
    let to = found.mobile.as_deref().filter(|m| !m.is_empty()).unwrap_or(mobile);
    let sends = known || purpose == Purpose::Register;
    let code = credentials::six_digits()?;
    let now = now_secs() as i64;
    let mut batch = vec![
        db.stmt(
            "INSERT INTO otp_codes (state, mobile, purpose, code_hash, expires_at, attempts, used_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 0, NULL, ?6)
             ON CONFLICT (state, mobile, purpose) DO UPDATE SET code_hash = excluded.code_hash,
               expires_at = excluded.expires_at, attempts = 0, used_at = NULL, created_at = excluded.created_at",
            &[
                text(state),
                text(mobile),
                text(purpose.as_str()),
                text(&keys.otp_hash(&hash_context(state, mobile, purpose), &code)),
                int(now + o.ttl_secs as i64),
                int(now),
            ],
        )?,
        // An older code that has not gone out yet never will: it no longer works.
        db.stmt(
            "UPDATE outbox SET state = 'failed', credential = NULL, last_error = 'superseded by a new code',
               updated_at = unixepoch() WHERE recipient = ?1 AND kind = 'code' AND state = 'pending'",
            &[text(to)],
        )?,
        db.stmt("DELETE FROM otp_sends WHERE at <= ?1", &[int(now - 3600)])?,
    ];
    if sends {
        let locale = input
            .locale
            .as_deref()
            .or_else(|| body.request_info.as_ref()?.msg_id.as_deref()?.split_once('|').map(|(_, l)| l))
            .or(found.locale.as_deref())
            .map(crate::sms::templates::locale)
            .unwrap_or("en_IN");
        // A code row gets a link code of its own too: it is the context its sealed code is bound to, like a
        // welcome's (the SMS carries no link; `/l/` only opens welcome links).
        let sealed = keys.seal_for_outbox(&code)?;
        batch.push(db.stmt(
            "INSERT INTO outbox (user_id, channel, kind, recipient, locale, link_code, credential)
             VALUES (?1, 'sms', 'code', ?2, ?3, ?4, ?5) RETURNING id",
            &[
                found.id.map_or(wasm_bindgen::JsValue::NULL, int),
                text(to),
                text(locale),
                text(&sealed.link_code),
                text(&sealed.sealed),
            ],
        )?);
    }
    let results = db.batch(batch).await?;
    if sends {
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

/// Counts this send against the number's and the address's limits, in one conditional insert (two concurrent
/// sends cannot both pass), or says which limit it meets and when it lifts.
async fn throttle(db: &Db, o: &OtpSettings, mobile: &str, ip: &str) -> Result<Option<OtpError>, ApiError> {
    #[derive(Deserialize)]
    struct At {
        #[allow(dead_code)]
        at: i64,
    }
    #[derive(Deserialize)]
    struct Why {
        last: Option<i64>,
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
    ];
    let counted: Option<At> = db
        .first(
            "INSERT INTO otp_sends (mobile, ip, at) SELECT ?1, ?2, ?3
             WHERE NOT EXISTS (SELECT 1 FROM otp_sends WHERE mobile = ?1 AND at > ?3 - ?4)
               AND (SELECT count(*) FROM otp_sends WHERE mobile = ?1 AND at > ?3 - 3600) < ?5
               AND (SELECT count(*) FROM otp_sends WHERE ip = ?2 AND at > ?3 - 3600) < ?6
             RETURNING at",
            &params,
        )
        .await?;
    if counted.is_some() {
        return Ok(None);
    }
    let why: Why = db
        .first(
            "SELECT (SELECT max(at) FROM otp_sends WHERE mobile = ?1) AS last,
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
    if let Some(last) = why.last.filter(|l| *l > now - o.resend_secs as i64) {
        let wait = (last + o.resend_secs as i64 - now).max(1) as u64;
        e = e.field(
            "OTP.RESEND_TOO_SOON",
            format!("Wait {wait} seconds before asking for another code"),
            "otp.mobileNumber",
        );
        e.retry_after = Some(wait);
    } else if why.mobile_n >= i64::from(o.sends_per_hour) {
        let wait = hour_left(why.mobile_first);
        e = e.field(
            "OTP.TOO_MANY_REQUESTS",
            format!("Too many codes for this number: wait {} minutes", wait.div_ceil(60)),
            "otp.mobileNumber",
        );
        e.retry_after = Some(wait);
    } else if why.ip_n >= i64::from(o.ip_sends_per_hour) {
        let wait = hour_left(why.ip_first);
        e = e.field(
            "OTP.TOO_MANY_REQUESTS",
            format!("Too many codes asked for from this address: wait {} minutes", wait.div_ceil(60)),
            "otp.mobileNumber",
        );
        e.retry_after = Some(wait);
    } else {
        // A concurrent send took the last place between the two statements.
        e = e.field("OTP.RESEND_TOO_SOON", "Wait before asking for another code", "otp.mobileNumber");
        e.retry_after = Some(o.resend_secs.max(1));
    }
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
    score: i64,
    user_name: String,
    mobile_number: Option<String>,
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// `POST /user/password/nologin/_update`: a new password with a `passwordreset` code. The password's policy
/// is checked before the code is used, so a refused password does not burn the code (DIGIT's does). An
/// unknown user name answers as a wrong code does, from the code stored for that number by `_send`.
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
                "SELECT u.id, u.tenant_id, u.user_name, u.mobile_number,
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
        _ => {
            return Err(ApiError::bad_request(
                "DuplicateUserNameException",
                "More than one user has this user name in this state; give the user's own tenant",
            ));
        }
    };
    let mobile = match account {
        Some(a) => a.mobile_number.clone().unwrap_or_default(),
        None => Phone::parse(user_name).ok().flatten().map(|p| p.as_ref().to_string()).unwrap_or_default(),
    };
    let checked = crate::password::check_new(new, account.map_or(user_name, |a| a.user_name.as_str()), Some(&mobile))?;
    let outcome = use_code(db, &keys, &s.otp, state, &mobile, Purpose::PasswordReset, code).await?;
    let account = match (outcome, account) {
        (Ok(()), Some(a)) => a,
        (Err(f), _) => return CodeFailure::error(f).into_response(),
        (Ok(()), None) => return CodeFailure::None.error().into_response(),
    };
    let hash = enrol_password::hash(checked.expose()).map_err(|e| ApiError::internal(e.to_string()))?;
    db.batch(vec![
        db.stmt(
            "UPDATE users SET password_hash = ?2, otp_hash = NULL, otp_expires_at = NULL, default_pwd_chgd = 1,
               account_locked = 0, locked_until = NULL, updated_at = unixepoch(), last_modified_by = uuid WHERE id = ?1",
            &[int(account.id), text(&hash)],
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
    let mobile = match non_empty(&u.username).map(Phone::parse) {
        None => return Err(missing("username")),
        Some(Ok(Some(p))) => p.as_ref().to_string(),
        Some(_) => {
            return Err(ApiError::bad_request(
                "UserNameNotValidException",
                "User.username must be a mobile number: 10 digits starting with 6 to 9",
            ));
        }
    };
    let code = non_empty(&u.otp_reference).ok_or_else(|| missing("otpReference"))?;
    let tenant = non_empty(&u.tenant_id).filter(|t| valid_tenant_id(t)).ok_or_else(|| missing("tenantId"))?;
    let state = state_of(tenant).to_string();
    let keys = Keys::from_env(env)?;
    #[derive(Deserialize)]
    struct Check {
        tenant: i64,
        taken: i64,
    }
    let check: Check = db
        .first(
            &format!(
                "SELECT (SELECT count(*) FROM tenants WHERE id = ?1) AS tenant,
                   (SELECT count(*) FROM users u WHERE {IN_STATE} AND u.type = 'CITIZEN'
                      AND (u.user_name = ?2 OR u.mobile_number = ?2)) AS taken"
            ),
            &[text(&state), text(&mobile)],
        )
        .await?
        .ok_or_else(|| ApiError::internal("the citizen check answered no row"))?;
    if check.tenant == 0 {
        return Err(ApiError::bad_request("InvalidTenant", "User.tenantId: no such tenant"));
    }
    if check.taken > 0 {
        return Err(duplicate());
    }
    let password = match u.password.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Some(crate::password::check_new(p, &mobile, Some(&mobile))?),
        None => None,
    };
    if let Err(f) = use_code(db, &keys, &s.otp, &state, &mobile, Purpose::Register, code).await? {
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
               default_pwd_chgd, locale, created_by, last_modified_by)
             VALUES (?1, ?2, ?3, 'CITIZEN', ?4, ?3, ?5, 1, ?6, ?7, ?1, ?1)",
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
        return crate::oauth::answer_tokens(db, &user, s, Vec::new()).await;
    }
    http::ok_json(&json!({ "responseInfo": http::response_info(), "user": [user.to_json()] }))
}

fn duplicate() -> ApiError {
    ApiError::bad_request("DuplicateUserNameException", "A citizen with this mobile number is already registered")
}

/// Whether `/user/oauth/token` takes a CITIZEN's password as a `login` code.
pub fn citizen_code(mode: CitizenLogin, password: &str) -> bool {
    let six_digits = password.len() == 6 && password.bytes().all(|b| b.is_ascii_digit());
    match mode {
        CitizenLogin::Password => false,
        CitizenLogin::Code => true,
        CitizenLogin::Either => six_digits,
    }
}
