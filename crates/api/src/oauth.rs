//! Logging in and out, DIGIT style: `POST /user/oauth/token` (password and refresh_token grants),
//! `POST /user/_logout`, `POST /user/_details`.
//!
//! Unknown users cost the same Argon2id verification as wrong passwords, and get the same answer, so that
//! neither the answer nor its timing tells whether a user name exists. Every try counts into the lockout
//! (`lockout`); tokens are issued and answered by `tokens`, citizens' login codes checked by `codes`.

use crate::audit;
use crate::auth::{self, UserType, sha256_hex};
use crate::codes;
use crate::config::{Settings, now_secs};
use crate::credentials::Keys;
use crate::db::{Db, int, text};
use crate::error::ApiError;
use crate::http::{self, RequestInfo, field, response_info};
use crate::lockout::{count_attempt, failed, forget_attempt, invalid_credentials, lock, locked, unknown_name_failure};
use crate::tokens::{OneTime, answer_session, answer_tokens, one_time_password};
use crate::users::model::UserRow;
use crate::users::{find, user_columns};
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

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
    /// None until the first login succeeds (the People view's "first login").
    first_login_at: Option<i64>,
}

pub async fn token(mut req: Request, env: &worker::Env, db: &Db, s: &Settings) -> Result<Response, ApiError> {
    // Credentials in a URL end up in logs, histories and Referer headers: refused, and nothing is counted.
    let in_query = req.url().ok().is_some_and(|u| {
        u.query_pairs().any(|(k, _)| matches!(k.as_ref(), "username" | "password" | "refresh_token" | "client_secret"))
    });
    if in_query {
        return Err(ApiError::bad_request("CredentialsInQuery", "Send the credentials in the body, not in the URL")
            .with_oauth("invalid_request"));
    }
    let form = http::form(&mut req, s.max_body_bytes).await?;
    let from = http::client_bucket(&req);
    let client = http::client_address(&req);
    match field(&form, "grant_type") {
        Some("password") => password_grant(&form, Keys::from_env(env).ok().as_ref(), db, s, &from, &client).await,
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
    from: &str,
    client: &str,
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
                ", u.password_hash, u.otp_hash, u.otp_expires_at, u.first_login_at
               FROM users u WHERE u.tenant_id = ?1 AND u.user_name = ?2 COLLATE NOCASE
               AND u.type IN (SELECT value FROM json_each(?3)) ORDER BY u.id LIMIT 1"
            ),
            &[text(tenant), text(username), text(types)],
        )
        .await?;
    let now = now_secs();
    let Some(LoginRow { user, password_hash, otp_hash, otp_expires_at, first_login_at }) = row else {
        // An unknown name costs the same hash and gets the same answers, the lockout's included.
        enrol_password::verify_dummy(password);
        return Err(unknown_name_failure(db, tenant, username, now, s).await?);
    };
    // The try is counted before the secret is looked at, in the batch that reads the lock: concurrent tries
    // cannot together pass the limit, and one that comes after a lock sees it.
    let attempt = count_attempt(db, user.id, now, s).await?;
    // An administrator's sign-in, failed or not, is in the audit log (in the batch of what it did).
    let admin =
        user.user_type() == Some(UserType::System) || user.held_roles().iter().any(|r| auth::privileged(&r.code));
    let sign_in = |action: &str, outcome: audit::Outcome, reason: Option<&str>| -> Result<Vec<_>, ApiError> {
        if !admin {
            return Ok(Vec::new());
        }
        let actor = audit::Actor::person(&user.uuid, &user.user_name, client);
        let detail = reason.map_or(json!({}), |r| json!({ "reason": r }));
        Ok(vec![audit::entry(db, &actor, Some(&user.tenant_id), Some(&user.uuid), action, outcome, detail)?])
    };
    if attempt.refused(s) {
        let entry = sign_in(audit::action::SIGN_IN_FAILED, audit::Outcome::Refused, Some("AccountLocked"))?;
        lock(db, user.id, now, s, client, entry).await?;
        return Err(locked());
    }
    // A CITIZEN's password may be a `login` code instead (CITIZEN_LOGIN; DIGIT's
    // citizen.login.password.otp.enabled), sent to the account's own number.
    let by_code = user.user_type() == Some(UserType::Citizen) && codes::citizen_code(s.otp.citizen_login, password);
    let (ok, one_time) = if by_code {
        let keys = keys.ok_or_else(|| ApiError::internal("OTP_PEPPER is not configured"))?;
        let mobile = user.mobile_number.as_deref().unwrap_or_default();
        let state = codes::state_of(&user.tenant_id);
        match codes::use_code(
            db,
            keys,
            &s.otp,
            codes::Number { state, mobile, purpose: codes::Purpose::Login },
            password,
            from,
        )
        .await?
        {
            Ok(()) => (true, OneTime::No),
            Err(codes::CodeFailure::Expired) => {
                forget_attempt(db, &attempt).await?;
                return Err(one_time_password_expired());
            }
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
    if one_time == OneTime::Expired && !ok {
        // The credential was right, only late: not a failed login.
        forget_attempt(db, &attempt).await?;
        return Err(one_time_password_expired());
    }
    if !ok {
        let entry = sign_in(audit::action::SIGN_IN_FAILED, audit::Outcome::Failed, Some("InvalidCredentials"))?;
        return Err(if failed(db, &attempt, now, s, client, entry).await? { locked() } else { invalid_credentials() });
    }
    if user.active != 1 {
        forget_attempt(db, &attempt).await?;
        return Err(inactive());
    }
    // Success: the count starts again, an expired automatic lock is cleared, and the session begins, in one
    // write (of only the statements that change something: a login's time beyond the hash is mostly D1's).
    let mut reset = vec![db.stmt("DELETE FROM login_failures WHERE user_id = ?1", &[int(user.id)])?];
    if user.account_locked != 0 {
        reset.push(db.stmt(
            "UPDATE users SET account_locked = 0, locked_until = NULL
             WHERE id = ?1 AND account_locked = 1 AND locked_until IS NOT NULL AND locked_until <= ?2",
            &[int(user.id), int(now as i64)],
        )?);
    }
    if first_login_at.is_none() {
        reset.push(db.stmt(
            "UPDATE users SET first_login_at = ?2 WHERE id = ?1 AND first_login_at IS NULL",
            &[int(user.id), int(now as i64)],
        )?);
    }
    reset.extend(sign_in(audit::action::SIGN_IN, audit::Outcome::Ok, None)?);
    answer_tokens(db, &user, s, reset).await
}

#[derive(Deserialize)]
struct RefreshRow {
    user_id: i64,
    session_id: String,
    expires_at: i64,
    family: Option<String>,
}

async fn refresh_grant(form: &[(String, String)], db: &Db, s: &Settings) -> Result<Response, ApiError> {
    let token = field(form, "refresh_token").filter(|t| !t.is_empty() && t.len() <= 256);
    let invalid = || ApiError::bad_request("InvalidRefreshToken", "Invalid refresh token").with_oauth("invalid_grant");
    let token = token.ok_or_else(invalid)?;
    let hash = sha256_hex(token);
    let now = now_secs() as i64;
    // A refresh token is used once: deleting it is the claim, so that of two concurrent uses only the one
    // whose DELETE returns the row goes on; the same transaction remembers it as used, with its family, so
    // that every later use (concurrent ones included) is seen as a reuse.
    let claimed = db
        .batch(vec![
            db.stmt(
                "INSERT OR IGNORE INTO refresh_used (token_hash, family, expires_at)
                 SELECT token_hash, coalesce(family, session_id), expires_at FROM sessions
                 WHERE token_hash = ?1 AND kind = 'refresh'",
                &[text(&hash)],
            )?,
            db.stmt(
                "DELETE FROM sessions WHERE token_hash = ?1 AND kind = 'refresh'
                 RETURNING user_id, session_id, expires_at, family",
                &[text(&hash)],
            )?,
        ])
        .await?;
    let row = claimed.get(1).and_then(|r| r.results::<RefreshRow>().ok()).and_then(|v| v.into_iter().next());
    let Some(row) = row else {
        // A used refresh token presented again: it was stolen, or its holder's was. Every session of its
        // family ends, and the family stays revoked, so that a session its first use is still making dies too
        // (OAuth 2.0 Security BCP, refresh token reuse detection).
        #[derive(Deserialize)]
        struct Used {
            family: String,
            expires_at: i64,
        }
        let used: Option<Used> =
            db.first("SELECT family, expires_at FROM refresh_used WHERE token_hash = ?1", &[text(&hash)]).await?;
        if let Some(u) = used {
            db.batch(vec![
                db.stmt(
                    "INSERT OR IGNORE INTO refresh_used (token_hash, family, expires_at) VALUES (?1, ?2, ?3)",
                    &[text(&revoked(&u.family)), text(&u.family), int(u.expires_at.max(now + 86_400))],
                )?,
                db.stmt("DELETE FROM sessions WHERE family = ?1", &[text(&u.family)])?,
            ])
            .await?;
        }
        return Err(invalid());
    };
    let family = row.family.clone().unwrap_or_else(|| row.session_id.clone());
    if row.expires_at <= now {
        return Err(invalid());
    }
    let user = find(db, Some(row.user_id), None)
        .await?
        .filter(|u| u.active == 1 && !u.locked(now as u64))
        .ok_or_else(invalid)?;
    let end = vec![
        db.stmt("DELETE FROM sessions WHERE session_id = ?1", &[text(&row.session_id)])?,
        db.stmt("DELETE FROM refresh_used WHERE expires_at <= ?1", &[int(now)])?,
    ];
    let res = answer_session(db, &user, s, end, Some(&family)).await?;
    // A reuse between the claim and the new session revoked the family: the new session dies with it.
    let gone: Vec<serde_json::Value> = db
        .all(
            "DELETE FROM sessions WHERE family = ?1 AND EXISTS (SELECT 1 FROM refresh_used WHERE token_hash = ?2)
             RETURNING session_id",
            &[text(&family), text(&revoked(&family))],
        )
        .await?;
    if !gone.is_empty() {
        return Err(invalid());
    }
    Ok(res)
}

/// The `refresh_used` key that marks a family as revoked (never a token's hash: those are hex).
fn revoked(family: &str) -> String {
    format!("revoked:{family}")
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
    Ok(auth::token_or_query(req, body.request_info.auth_token.as_deref()))
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
