//! Issuing and answering tokens, and the one-time password check: what a login, a refresh and a citizen's
//! registration have in common. The route modules (`oauth`, `otp`, `password`) use it; none reaches into
//! another.

use crate::auth::{random_hex, sha256_hex};
use crate::config::{Settings, now_secs};
use crate::credentials::Keys;
use crate::db::{Db, int, text};
use crate::error::ApiError;
use crate::http::{self, response_info};
use crate::users::model::UserRow;
use serde_json::json;
use worker::{D1PreparedStatement, Response};

pub struct Tokens {
    pub access: String,
    pub refresh: String,
    pub expires_in: u64,
}

/// A new session for `user_id`: an access token and a refresh token, and the statements that store them
/// (for the caller to run in its own batch, so that a login is one write). A login begins a family of
/// sessions; each refresh continues its family (`family`), so that a reused refresh token can end them all.
pub fn issue(
    db: &Db,
    user_id: i64,
    s: &Settings,
    family: Option<&str>,
) -> Result<(Tokens, Vec<D1PreparedStatement>), ApiError> {
    let (access, refresh, session) = (random_hex(32)?, random_hex(32)?, random_hex(16)?);
    let family = family.unwrap_or(&session).to_string();
    let now = now_secs();
    let insert = |token: &str, kind: &str, secs: u64| {
        db.stmt(
            "INSERT INTO sessions (token_hash, kind, session_id, user_id, expires_at, family)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            &[
                text(&sha256_hex(token)),
                text(kind),
                text(&session),
                int(user_id),
                int((now + secs) as i64),
                text(&family),
            ],
        )
    };
    let statements = vec![
        insert(&access, "access", s.access_token_secs)?,
        insert(&refresh, "refresh", s.refresh_token_secs)?,
        // Expired sessions of this user go as new ones come.
        db.stmt("DELETE FROM sessions WHERE user_id = ?1 AND expires_at <= ?2", &[int(user_id), int(now as i64)])?,
    ];
    Ok((Tokens { access, refresh, expires_in: s.access_token_secs }, statements))
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

/// Runs `before` and the new session's statements in one batch, and answers the tokens and the user.
pub(crate) async fn answer_tokens(
    db: &Db,
    user: &UserRow,
    s: &Settings,
    before: Vec<D1PreparedStatement>,
) -> Result<Response, ApiError> {
    answer_session(db, user, s, before, None).await
}

/// [`answer_tokens`] for a session of the family `family` (a refresh), or of a new one.
pub(crate) async fn answer_session(
    db: &Db,
    user: &UserRow,
    s: &Settings,
    mut before: Vec<D1PreparedStatement>,
    family: Option<&str>,
) -> Result<Response, ApiError> {
    let (t, issue) = issue(db, user.id, s, family)?;
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
