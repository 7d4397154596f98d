//! One-time codes by SMS: what a code is for, how a typed code is checked and used, and the error shape that
//! DIGIT's user-otp gives refused codes. `otp` (the routes that send and take codes) and `oauth` (a citizen's
//! login by code) both use it; neither reaches into the other.
//!
//! A code proves that its holder controls one phone number: the one it was sent to. It is kept under that
//! number and state (as egov-otp keys codes), stored as a keyed hash, and opens only an account whose stored
//! mobile number it is. Every live code of a number works until it expires, is used, or runs out of tries;
//! using one ends them all. Tries are counted before they are compared, in two budgets (see [`check_code`]).

use crate::config::{CitizenLogin, OtpSettings, now_secs};
use crate::credentials::Keys;
use crate::db::{Db, int, text};
use crate::error::ApiError;
use serde::Deserialize;
use serde_json::json;
use worker::Response;

/// What a code is for (DIGIT's `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Register,
    Login,
    PasswordReset,
}

impl Purpose {
    /// Case-insensitive; missing or empty is `register` (DIGIT's `Otp#getTypeOrDefault`).
    pub fn parse(s: Option<&str>) -> Option<Self> {
        match s.map(str::trim).unwrap_or("").to_ascii_lowercase().as_str() {
            "" | "register" => Some(Self::Register),
            "login" => Some(Self::Login),
            "passwordreset" => Some(Self::PasswordReset),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
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

/// What a code is keyed by: the number it was sent to, its state tenant and its purpose (egov-otp keys codes
/// by number and state).
#[derive(Debug, Clone, Copy)]
pub struct Number<'a> {
    pub state: &'a str,
    pub mobile: &'a str,
    pub purpose: Purpose,
}

impl Number<'_> {
    /// The HMAC context of its codes: not a user's uuid, because a registering person has none yet.
    pub fn hash_context(&self) -> String {
        format!("otp:{}:{}:{}", self.state, self.mobile, self.purpose.as_str())
    }
}

/// An error in user-otp's shape: `{"responseInfo":null,"error":{"code":status,"message",…,"fields":[…]}}`.
/// Code failures keep DIGIT's `OTP.VALIDATION_UNSUCCESSFUL` as the first field, so clients that test it keep
/// working, and say why in a second one (`OTP.WRONG`, `OTP.EXPIRED`, `OTP.USED`, `OTP.TOO_MANY_ATTEMPTS`, …).
#[derive(Debug)]
pub struct OtpError {
    status: u16,
    message: &'static str,
    pub fields: Vec<serde_json::Value>,
    pub retry_after: Option<u64>,
}

impl OtpError {
    pub fn new(status: u16, message: &'static str) -> Self {
        Self { status, message, fields: Vec::new(), retry_after: None }
    }

    pub fn field(mut self, code: &str, message: impl Into<String>, field: &str) -> Self {
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

/// Why a code was not accepted. A stranger without the code learns nothing: no code, a wrong code, an unknown
/// user and a code out of tries all answer [`CodeFailure::Wrong`]; only the code itself can tell that it has
/// expired or been used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeFailure {
    Wrong,
    Expired,
    Used,
}

impl CodeFailure {
    pub fn error(self) -> OtpError {
        let e = OtpError::new(400, "OTP validation unsuccessful").field(
            "OTP.VALIDATION_UNSUCCESSFUL",
            "OTP validation unsuccessful",
            "otp.otp",
        );
        let (code, message) = match self {
            Self::Wrong => ("OTP.WRONG", "The code is not right, or no longer works: check it, or ask for a new code"),
            Self::Expired => ("OTP.EXPIRED", "The code has expired: ask for a new code"),
            Self::Used => ("OTP.USED", "The code has been used already: ask for a new code"),
        };
        e.field(code, message, "otp.otp")
    }
}

/// A live code that the person typed right (its try counted, the code not yet used).
#[derive(Debug, Clone, Copy)]
pub struct RightCode(i64);

/// Checks the code `typed` for `number` (the number the code was sent to), from the client address bucket
/// `from`. Every live code of that number counts the try before it is compared, in one
/// statement (concurrent guesses cannot together pass a limit): `OTP_MAX_ATTEMPTS` tries from the address that
/// asked for the code, and `OTP_FOREIGN_ATTEMPTS` from all other addresses together, so that a stranger's
/// guesses cannot use up the owner's. The code stays usable until [`spend_code`].
pub async fn check_code(
    db: &Db,
    keys: &Keys,
    o: &OtpSettings,
    number: Number<'_>,
    typed: &str,
    from: &str,
) -> Result<Result<RightCode, CodeFailure>, ApiError> {
    let Number { state, mobile, purpose } = number;
    #[derive(Deserialize)]
    struct Tried {
        id: i64,
        code_hash: String,
    }
    #[derive(Deserialize)]
    struct Dead {
        code_hash: String,
        used_at: Option<i64>,
    }
    if mobile.is_empty() {
        return Ok(Err(CodeFailure::Wrong));
    }
    let now = now_secs() as i64;
    let ctx = number.hash_context();
    let tried: Vec<Tried> = db
        .all(
            "UPDATE otp_codes SET attempts = attempts + (asker = ?5), foreign_attempts = foreign_attempts + (asker != ?5)
             WHERE state = ?1 AND mobile = ?2 AND purpose = ?3 AND used_at IS NULL AND expires_at > ?4
               AND ((asker = ?5 AND attempts < ?6) OR (asker != ?5 AND foreign_attempts < ?7))
             RETURNING id, code_hash",
            &[
                text(state),
                text(mobile),
                text(purpose.as_str()),
                int(now),
                text(from),
                int(i64::from(o.max_attempts)),
                int(i64::from(o.foreign_attempts)),
            ],
        )
        .await?;
    // Every live code is compared (no early exit: the time does not tell which one matched).
    let mut right = None;
    for t in &tried {
        if keys.otp_matches(&ctx, typed, &t.code_hash) {
            right = Some(t.id);
        }
    }
    if let Some(id) = right {
        return Ok(Ok(RightCode(id)));
    }
    // Only the right code may learn that it expired or was used: compared without counting, since a dead
    // code opens nothing.
    let dead: Vec<Dead> = db
        .all(
            "SELECT code_hash, used_at FROM otp_codes WHERE state = ?1 AND mobile = ?2 AND purpose = ?3
               AND (used_at IS NOT NULL OR expires_at <= ?4) ORDER BY id DESC LIMIT 20",
            &[text(state), text(mobile), text(purpose.as_str()), int(now)],
        )
        .await?;
    Ok(Err(match dead.iter().find(|d| keys.otp_matches(&ctx, typed, &d.code_hash)) {
        Some(d) if d.used_at.is_some() => CodeFailure::Used,
        Some(_) => CodeFailure::Expired,
        None => CodeFailure::Wrong,
    }))
}

/// Uses a right code: it and every other live code of its number and purpose stop working. Of two concurrent
/// uses only one wins (`Err(Used)` for the other).
pub async fn spend_code(db: &Db, code: RightCode) -> Result<Result<(), CodeFailure>, ApiError> {
    #[derive(Deserialize)]
    struct Won {
        #[allow(dead_code)]
        id: i64,
    }
    let now = int(now_secs() as i64);
    let won: Option<Won> = db
        .first(
            "UPDATE otp_codes SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL RETURNING id",
            &[int(code.0), now.clone()],
        )
        .await?;
    if won.is_none() {
        return Ok(Err(CodeFailure::Used));
    }
    db.run(
        "UPDATE otp_codes SET used_at = ?2 WHERE used_at IS NULL AND (state, mobile, purpose) =
           (SELECT state, mobile, purpose FROM otp_codes WHERE id = ?1)",
        &[int(code.0), now],
    )
    .await?;
    Ok(Ok(()))
}

/// [`check_code`] then [`spend_code`]: for the routes where nothing else is checked between them.
pub async fn use_code(
    db: &Db,
    keys: &Keys,
    o: &OtpSettings,
    number: Number<'_>,
    typed: &str,
    from: &str,
) -> Result<Result<(), CodeFailure>, ApiError> {
    match check_code(db, keys, o, number, typed, from).await? {
        Ok(right) => spend_code(db, right).await,
        Err(f) => Ok(Err(f)),
    }
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
