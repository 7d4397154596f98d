//! Logging in and out, DIGIT style: `POST /user/oauth/token` (password and refresh_token grants),
//! `POST /user/_logout`, `POST /user/_details`.
//!
//! Unknown users cost the same Argon2id verification as wrong passwords, and get the same answer, so that
//! neither the answer nor its timing tells whether a user name exists. Failed logins are counted in D1:
//! `lockout_max_failures` within `lockout_window_secs` lock the account for `lockout_secs`.

use crate::auth::{self, UserType, sha256_hex};
use crate::config::{Settings, now_secs};
use crate::credentials::Keys;
use crate::db::{Db, int, text};
use crate::error::ApiError;
use crate::http::{self, RequestInfo, field, response_info};
use crate::otp;
use crate::users::model::UserRow;
use crate::users::{find, user_columns};
use serde::Deserialize;
use serde_json::json;
use worker::{D1PreparedStatement, Request, Response};

// DIGIT's password login fails with Spring's base OAuth2Exception: `error` is `invalid_request`, and DIGIT's
// UIs match on `error_description` ("Invalid login credentials", "Account locked"), so both are DIGIT's words.
fn invalid_credentials() -> ApiError {
    ApiError::bad_request("InvalidCredentials", "Invalid login credentials").with_oauth("invalid_request")
}

fn locked() -> ApiError {
    ApiError::bad_request("AccountLocked", "Account locked").with_oauth("invalid_request")
}

/// A right one-time password past its time: the person asks for a new one (forgot password, or their
/// administrator re-issues it). Not counted as a failed login: the credential was right.
fn one_time_password_expired() -> ApiError {
    ApiError::bad_request("OneTimePasswordExpired", "The one-time password has expired; ask for a new one")
        .with_oauth("invalid_request")
}

fn inactive() -> ApiError {
    ApiError::bad_request("AccountInactive", "Please activate your account").with_oauth("invalid_request")
}

/// A user with their password hash: a login reads both in one query.
#[derive(Deserialize)]
struct LoginRow {
    #[serde(flatten)]
    user: UserRow,
    password_hash: Option<String>,
    /// A one-time password (HMAC, see `credentials`) and when it stops working (epoch seconds).
    otp_hash: Option<String>,
    otp_expires_at: Option<i64>,
    /// Failed logins on record: a success clears them only when there are some.
    failures: i64,
}

pub async fn token(mut req: Request, env: &worker::Env, db: &Db, s: &Settings) -> Result<Response, ApiError> {
    let form = http::form(&mut req, s.max_body_bytes).await?;
    match field(&form, "grant_type") {
        Some("password") => password_grant(&form, Keys::from_env(env).ok().as_ref(), db, s).await,
        Some("refresh_token") => refresh_grant(&form, db, s).await,
        Some(_) => Err(ApiError::bad_request("UnsupportedGrantType", "grant_type is password or refresh_token")
            .with_oauth("unsupported_grant_type")),
        None => Err(ApiError::bad_request("InvalidRequest", "grant_type is required").with_oauth("invalid_request")),
    }
}

async fn password_grant(
    form: &[(String, String)],
    keys: Option<&Keys>,
    db: &Db,
    s: &Settings,
) -> Result<Response, ApiError> {
    let missing =
        |f: &str| ApiError::bad_request("InvalidRequest", format!("{f} is required")).with_oauth("invalid_request");
    let username =
        field(form, "username").map(str::trim).filter(|u| !u.is_empty()).ok_or_else(|| missing("username"))?;
    let password = field(form, "password").filter(|p| !p.is_empty()).ok_or_else(|| missing("password"))?;
    let tenant = field(form, "tenantId").map(str::trim).filter(|t| !t.is_empty()).ok_or_else(|| missing("tenantId"))?;
    if username.len() > 256 || password.len() > 1024 {
        return Err(invalid_credentials());
    }
    let user_type = match field(form, "userType").map(UserType::parse) {
        None => None,
        Some(Some(t)) => Some(t),
        Some(None) => {
            return Err(ApiError::bad_request("InvalidRequest", "userType is CITIZEN or EMPLOYEE")
                .with_oauth("invalid_request"));
        }
    };
    let types = UserType::login_types(user_type);
    let row: Option<LoginRow> = db
        .first(
            concat!(
                "SELECT ",
                user_columns!(),
                ", u.password_hash, u.otp_hash, u.otp_expires_at, (SELECT count(*) FROM login_failures f WHERE f.user_id = u.id) AS failures
               FROM users u WHERE u.tenant_id = ?1 AND u.user_name = ?2 COLLATE NOCASE
               AND u.type IN (SELECT value FROM json_each(?3)) ORDER BY u.id LIMIT 1"
            ),
            &[text(tenant), text(username), text(types)],
        )
        .await?;
    let Some(LoginRow { user, password_hash, otp_hash, otp_expires_at, failures }) = row else {
        enrol_password::verify_dummy(password);
        return Err(invalid_credentials());
    };
    let now = now_secs();
    // A CITIZEN's password may be a `login` code instead (CITIZEN_LOGIN; DIGIT's
    // citizen.login.password.otp.enabled). A locked account does not spend a code.
    let by_code = user.user_type() == Some(UserType::Citizen) && otp::citizen_code(s.otp.citizen_login, password);
    let (ok, one_time) = if by_code {
        if user.locked(now) {
            return Err(locked());
        }
        let keys = keys.ok_or_else(|| ApiError::internal("OTP_PEPPER is not configured"))?;
        let mobile = user.mobile_number.as_deref().unwrap_or_default();
        let state = otp::state_of(&user.tenant_id);
        match otp::use_code(db, keys, &s.otp, state, mobile, otp::Purpose::Login, password).await? {
            Ok(()) => (true, OneTime::No),
            Err(otp::CodeFailure::Expired) => return Err(one_time_password_expired()),
            Err(_) => (false, OneTime::No),
        }
    } else {
        let one_time = one_time_password(keys, &user.uuid, password, otp_hash.as_deref(), otp_expires_at, now);
        // Every password login costs one Argon2id verification, whichever credential the user has.
        let ok = match &password_hash {
            Some(h) => enrol_password::verify(password, h),
            None => {
                enrol_password::verify_dummy(password);
                false
            }
        } || one_time == OneTime::Valid;
        (ok, one_time)
    };
    if user.locked(now) {
        return Err(locked());
    }
    if one_time == OneTime::Expired && !ok {
        return Err(one_time_password_expired());
    }
    if !ok {
        return Err(record_failure(db, &user, now, s).await?);
    }
    if user.active != 1 {
        return Err(inactive());
    }
    // Success: the count starts again, an expired lock is cleared, and the session begins, in one write
    // (of only the statements that change something: a login's time beyond the hash is mostly D1's).
    let mut reset = Vec::new();
    if failures > 0 {
        reset.push(db.stmt("DELETE FROM login_failures WHERE user_id = ?1", &[int(user.id)])?);
    }
    if user.account_locked != 0 {
        reset.push(db.stmt(
            "UPDATE users SET account_locked = 0, locked_until = NULL WHERE id = ?1 AND account_locked = 1",
            &[int(user.id)],
        )?);
    }
    answer_tokens(db, &user, s, reset).await
}

#[derive(Debug, PartialEq, Eq)]
pub enum OneTime {
    /// Not the user's one-time password (or they have none).
    No,
    Valid,
    Expired,
}

/// Whether `password` is the user's one-time password, and whether it is still valid.
pub fn one_time_password(
    keys: Option<&Keys>,
    uuid: &str,
    password: &str,
    hash: Option<&str>,
    expires_at: Option<i64>,
    now: u64,
) -> OneTime {
    match (keys, hash) {
        (Some(k), Some(h)) if k.otp_matches(uuid, password, h) => {
            if expires_at.is_some_and(|e| e > now as i64) {
                OneTime::Valid
            } else {
                OneTime::Expired
            }
        }
        _ => OneTime::No,
    }
}

/// Counts a failed login; the answer is "Account locked" when this one locks the account.
async fn record_failure(db: &Db, user: &UserRow, now: u64, s: &Settings) -> Result<ApiError, ApiError> {
    #[derive(Deserialize)]
    struct Count {
        n: i64,
    }
    let since = now.saturating_sub(s.lockout_window_secs) as i64;
    db.batch(vec![
        db.stmt("DELETE FROM login_failures WHERE user_id = ?1 AND at <= ?2", &[int(user.id), int(since)])?,
        db.stmt("INSERT INTO login_failures (user_id, at) VALUES (?1, ?2)", &[int(user.id), int(now as i64)])?,
    ])
    .await?;
    let count: Option<Count> = db
        .first("SELECT count(*) AS n FROM login_failures WHERE user_id = ?1 AND at > ?2", &[int(user.id), int(since)])
        .await?;
    if count.is_some_and(|c| c.n >= i64::from(s.lockout_max_failures)) {
        db.batch(vec![
            db.stmt(
                "UPDATE users SET account_locked = 1, locked_until = ?2 WHERE id = ?1",
                &[int(user.id), int((now + s.lockout_secs) as i64)],
            )?,
            db.stmt("DELETE FROM login_failures WHERE user_id = ?1", &[int(user.id)])?,
        ])
        .await?;
        return Ok(locked());
    }
    Ok(invalid_credentials())
}

/// Runs `before` and the new session's statements in one batch, and answers the tokens and the user.
pub(crate) async fn answer_tokens(
    db: &Db,
    user: &UserRow,
    s: &Settings,
    mut before: Vec<D1PreparedStatement>,
) -> Result<Response, ApiError> {
    let (t, issue) = auth::issue(db, user.id, s)?;
    before.extend(issue);
    db.batch(before).await?;
    http::ok_json(&json!({
        "access_token": t.access,
        "token_type": "bearer",
        "refresh_token": t.refresh,
        "expires_in": t.expires_in,
        "scope": "read",
        "ResponseInfo": response_info(),
        "UserRequest": user.to_json(),
    }))
}

#[derive(Deserialize)]
struct RefreshRow {
    user_id: i64,
    session_id: String,
    expires_at: i64,
}

async fn refresh_grant(form: &[(String, String)], db: &Db, s: &Settings) -> Result<Response, ApiError> {
    let token = field(form, "refresh_token").filter(|t| !t.is_empty() && t.len() <= 256);
    let invalid = || ApiError::bad_request("InvalidRefreshToken", "Invalid refresh token").with_oauth("invalid_grant");
    let token = token.ok_or_else(invalid)?;
    // A refresh token is used once: deleting it is the claim, so that of two concurrent uses only the one
    // whose DELETE returns the row goes on. Its session ends and a new one begins.
    let row: Option<RefreshRow> = db
        .first(
            "DELETE FROM sessions WHERE token_hash = ?1 AND kind = 'refresh' RETURNING user_id, session_id, expires_at",
            &[text(&sha256_hex(token))],
        )
        .await?;
    let row = row.filter(|r| r.expires_at > now_secs() as i64).ok_or_else(invalid)?;
    let user = find(db, Some(row.user_id), None)
        .await?
        .filter(|u| u.active == 1 && !u.locked(now_secs()))
        .ok_or_else(invalid)?;
    let end = vec![db.stmt("DELETE FROM sessions WHERE session_id = ?1", &[text(&row.session_id)])?];
    answer_tokens(db, &user, s, end).await
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct MaybeRequestInfo {
    #[serde(default)]
    request_info: RequestInfo,
}

/// The token of `_logout`/`_details`: header, query, or a JSON body's RequestInfo (the body is optional).
async fn token_from(req: &mut Request, s: &Settings) -> Result<Option<String>, ApiError> {
    let body: MaybeRequestInfo = http::optional_json(req, s.max_body_bytes).await?;
    Ok(auth::token_of(req, body.request_info.auth_token.as_deref()))
}

/// `POST /user/_logout`: ends the session of the token (access and refresh).
pub async fn logout(mut req: Request, db: &Db, s: &Settings) -> Result<Response, ApiError> {
    let token = token_from(&mut req, s).await?;
    let caller = auth::require(db, token).await?;
    db.run("DELETE FROM sessions WHERE session_id = ?1", &[text(&caller.session_id)]).await?;
    http::ok_json(&json!({ "ResponseInfo": { "status": "Logout successfully" } }))
}

/// `POST /user/_details?access_token=…`: who the token belongs to.
pub async fn details(mut req: Request, db: &Db, s: &Settings) -> Result<Response, ApiError> {
    let token = token_from(&mut req, s).await?;
    let caller = auth::require(db, token).await?;
    let user = find(db, Some(caller.id), None).await?.ok_or_else(ApiError::unauthorized)?;
    let mut body = user.to_json();
    body["ResponseInfo"] = response_info();
    http::ok_json(&body)
}
