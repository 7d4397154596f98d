//! The lockout (DIGIT's defaults): `lockout_max_failures` failed tries at a secret within
//! `lockout_window_secs` lock the account for `lockout_secs`. Every try is counted before the secret is looked
//! at, in the batch that reads the lock, so that concurrent tries cannot together pass the limit. Logins
//! (`oauth`) and password changes (`password`) count into it; unknown user names are counted alike.

use crate::audit;
use crate::auth::sha256_hex;
use crate::config::Settings;
use crate::db::{Db, int, text};
use crate::error::ApiError;
use serde::Deserialize;
use serde_json::json;
use worker::D1PreparedStatement;

// DIGIT's password login fails with Spring's base OAuth2Exception: `error` is `invalid_request`, and DIGIT's
// UIs match on `error_description` ("Invalid login credentials", "Account locked"), so both are DIGIT's words.
pub(crate) fn invalid_credentials() -> ApiError {
    ApiError::bad_request("InvalidCredentials", "Invalid login credentials").with_oauth("invalid_request")
}

pub(crate) fn locked() -> ApiError {
    ApiError::bad_request("AccountLocked", "Account locked").with_oauth("invalid_request")
}

/// A login try as counted: how many in the window, this one included, and whether the account is locked.
pub(crate) struct Attempt {
    user_id: i64,
    n: i64,
    locked: bool,
    /// The try's row, to take back a try that turns out not to be a failure.
    row: i64,
}

impl Attempt {
    /// Refused without looking at the secret: the account is locked, or more tries than the limit arrived
    /// together (the caller then [`lock`]s it).
    pub(crate) fn refused(&self, s: &Settings) -> bool {
        self.locked || self.n > i64::from(s.lockout_max_failures)
    }
}

/// Counts a try at `user_id`'s secret and reads the lock, in one batch (one transaction), before the secret
/// is checked. A success takes every try back (`DELETE FROM login_failures`).
pub(crate) async fn count_attempt(db: &Db, user_id: i64, now: u64, s: &Settings) -> Result<Attempt, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id: i64,
    }
    #[derive(Deserialize)]
    struct Count {
        n: i64,
        account_locked: i64,
        locked_until: Option<i64>,
    }
    let since = now.saturating_sub(s.lockout_window_secs) as i64;
    let results = db
        .batch(vec![
            db.stmt("DELETE FROM login_failures WHERE user_id = ?1 AND at <= ?2", &[int(user_id), int(since)])?,
            db.stmt(
                "INSERT INTO login_failures (user_id, at) VALUES (?1, ?2) RETURNING rowid AS id",
                &[int(user_id), int(now as i64)],
            )?,
            db.stmt(
                "SELECT (SELECT count(*) FROM login_failures WHERE user_id = ?1 AND at > ?2) AS n, account_locked,
                   locked_until FROM users WHERE id = ?1",
                &[int(user_id), int(since)],
            )?,
        ])
        .await?;
    let row = results.get(1).and_then(|r| r.results::<Row>().ok()).and_then(|v| v.first().map(|r| r.id));
    let count = results.get(2).and_then(|r| r.results::<Count>().ok()).and_then(|v| v.into_iter().next());
    let (Some(row), Some(c)) = (row, count) else { return Err(ApiError::internal("the login count answered no row")) };
    let locked = c.account_locked == 1 && c.locked_until.is_none_or(|t| t > now as i64);
    Ok(Attempt { user_id, n: c.n, locked, row })
}

/// Takes back a counted try that was not a failure (a right but expired one-time password, an inactive
/// account's right password).
pub(crate) async fn forget_attempt(db: &Db, attempt: &Attempt) -> Result<(), ApiError> {
    db.run("DELETE FROM login_failures WHERE rowid = ?1", &[int(attempt.row)]).await?;
    Ok(())
}

/// The try was wrong: it locks the account when it is the last the limit allows. True when it did. `before`
/// (an audit entry of the failure) goes in the same batch as the lock, or alone.
pub(crate) async fn failed(
    db: &Db,
    attempt: &Attempt,
    now: u64,
    s: &Settings,
    client: &str,
    before: Vec<D1PreparedStatement>,
) -> Result<bool, ApiError> {
    let last = attempt.n >= i64::from(s.lockout_max_failures);
    if last {
        lock(db, attempt.user_id, now, s, client, before).await?;
    } else if !before.is_empty() {
        db.batch(before).await?;
    }
    Ok(last)
}

/// Locks the account for `lockout_secs` (unless an administrator's lock, without an end, is on already) and
/// ends its sessions; the audit log records the lockout in the same batch (`client`: the address whose try
/// locked it), after `statements` (an entry of the try, or none).
pub(crate) async fn lock(
    db: &Db,
    user_id: i64,
    now: u64,
    s: &Settings,
    client: &str,
    mut statements: Vec<D1PreparedStatement>,
) -> Result<(), ApiError> {
    // The entry is written only when the UPDATE below locks (the same condition, read first).
    statements.push(audit::for_user_if(
        db,
        &audit::Actor::system(client),
        user_id,
        audit::action::LOCKOUT,
        json!({ "minutes": s.lockout_secs / 60 }),
        "NOT (u.account_locked = 1 AND (u.locked_until IS NULL OR u.locked_until > ?8))",
        now as i64,
    )?);
    statements.extend([
        db.stmt(
            "UPDATE users SET account_locked = 1, locked_until = ?2
             WHERE id = ?1 AND NOT (account_locked = 1 AND (locked_until IS NULL OR locked_until > ?3))",
            &[int(user_id), int((now + s.lockout_secs) as i64), int(now as i64)],
        )?,
        db.stmt("DELETE FROM login_failures WHERE user_id = ?1", &[int(user_id)])?,
        db.stmt("DELETE FROM sessions WHERE user_id = ?1", &[int(user_id)])?,
    ]);
    db.batch(statements).await?;
    Ok(())
}

/// A failed login of a user name that does not exist, counted like a real account's (keyed by tenant and the
/// lower-cased name, hashed): the same answers in the same order, "Account locked" included.
pub(crate) async fn unknown_name_failure(
    db: &Db,
    tenant: &str,
    name: &str,
    now: u64,
    s: &Settings,
) -> Result<ApiError, ApiError> {
    #[derive(Deserialize)]
    struct Count {
        n: i64,
    }
    let key = sha256_hex(&format!("{tenant}\n{}", name.to_lowercase()));
    // A real account stays locked `lockout_secs` after the failure that locked it: failures are kept that long.
    let keep = now.saturating_sub(s.lockout_secs.max(s.lockout_window_secs)) as i64;
    let results = db
        .batch(vec![
            db.stmt("DELETE FROM login_failures_unknown WHERE at <= ?1", &[int(keep)])?,
            db.stmt(
                "INSERT INTO login_failures_unknown (name_key, at) VALUES (?1, ?2)",
                &[text(&key), int(now as i64)],
            )?,
            db.stmt("SELECT count(*) AS n FROM login_failures_unknown WHERE name_key = ?1", &[text(&key)])?,
        ])
        .await?;
    let n = results.get(2).and_then(|r| r.results::<Count>().ok()).and_then(|v| v.first().map(|c| c.n)).unwrap_or(0);
    Ok(if n >= i64::from(s.lockout_max_failures) { locked() } else { invalid_credentials() })
}
