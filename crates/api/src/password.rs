//! `POST /user/password/_update`: the logged-in user changes their password. Their other sessions end.

use crate::auth;

use crate::config::{Settings, now_secs};
use crate::credentials::Keys;
use crate::db::{Db, int, text};
use crate::error::ApiError;
use crate::http::{self, RequestInfo, response_info};
use crate::tokens::{OneTime, one_time_password};
use enrol_core::fields::Password;
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

/// DIGIT's `LoggedInUserUpdatePasswordRequest`; `userName`, `tenantId` and `type` are the token's here, so
/// the body's are ignored.
/// The password policy (NIST 800-63B, DESIGN): 8 to 64 characters, not a common password (enrol-core's
/// `common_passwords`: patterns, the service's names, a short list the login page repeats for live feedback, and
/// here also the 100,000-entry breach list the page does not carry), and not containing the person's phone
/// number or user name.
/// `/login` checks the same in the browser, less the breach list; this is the check that counts.
pub fn check_new<'a>(new: &'a str, user_name: &str, mobile: Option<&str>) -> Result<Password<'a>, ApiError> {
    let checked = match Password::parse(new) {
        Ok(Some(p)) => p,
        Ok(None) => {
            return Err(ApiError::digit_field(
                "InvalidLoggedInUserUpdatePasswordRequestException",
                "newPassword",
                "required",
            ));
        }
        // DIGIT's INVALID_PWD_LENGTH / INVALID_PWD_PATTERN.
        Err(e) => return Err(crate::users::model::password_error("newPassword".into(), &e)),
    };
    let lower = new.to_lowercase();
    let contains = |s: &str| s.chars().count() >= 4 && lower.contains(&s.to_lowercase());
    if contains(user_name) || mobile.is_some_and(|m| !m.is_empty() && contains(m)) {
        return Err(ApiError::digit_field(
            "INVALID_PWD_PATTERN",
            "newPassword",
            "must not contain your phone number or user name",
        ));
    }
    Ok(checked)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateRequest {
    #[serde(default, rename = "RequestInfo", alias = "requestInfo")]
    request_info: RequestInfo,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    existing_password: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    new_password: Option<String>,
}

#[derive(Deserialize)]
struct HashRow {
    uuid: String,
    user_name: String,
    mobile_number: Option<String>,
    password_hash: Option<String>,
    otp_hash: Option<String>,
    otp_expires_at: Option<i64>,
}

/// DIGIT's exception and words for a wrong existing password.
fn mismatch() -> ApiError {
    ApiError::bad_request("PasswordMismatchException", "Invalid username or password")
}

pub async fn update(mut req: Request, env: &worker::Env, db: &Db, s: &Settings) -> Result<Response, ApiError> {
    let body: UpdateRequest = http::digit_json(&mut req, s.max_body_bytes).await?;
    let caller = auth::require(db, auth::token_of(&req, body.request_info.auth_token.as_deref())).await?;
    let existing = body.existing_password.unwrap_or_default();
    let new = body.new_password.unwrap_or_default();
    let row: Option<HashRow> = db
        .first(
            "SELECT uuid, user_name, mobile_number, password_hash, otp_hash, otp_expires_at FROM users WHERE id = ?1",
            &[int(caller.id)],
        )
        .await?;
    let row = row.ok_or_else(ApiError::unauthorized)?;
    let checked = check_new(&new, &row.user_name, row.mobile_number.as_deref())?;
    // A guess at the current password is a failed login: counted before it is checked, into the same lockout
    // (a stolen token cannot be used to guess the password without limit).
    let now = now_secs();
    let attempt = crate::lockout::count_attempt(db, caller.id, now, s).await?;
    if attempt.refused(s) {
        crate::lockout::lock(db, caller.id, now, s, &http::client_address(&req), Vec::new()).await?;
        return Err(mismatch());
    }
    // The existing password is the one the person chose, or the one-time password they logged in with.
    let keys = Keys::from_env(env).ok();
    let one_time =
        one_time_password(keys.as_ref(), &row.uuid, &existing, row.otp_hash.as_deref(), row.otp_expires_at, now);
    let ok = one_time == OneTime::Valid
        || match &row.password_hash {
            Some(h) => enrol_password::verify(&existing, h),
            None => false,
        };
    if one_time == OneTime::Expired {
        crate::lockout::forget_attempt(db, &attempt).await?;
        return Err(ApiError::bad_request(
            "OneTimePasswordExpired",
            "The one-time password has expired; ask for a new one",
        ));
    }
    if !ok {
        crate::lockout::failed(db, &attempt, now, s, &http::client_address(&req), Vec::new()).await?;
        return Err(mismatch());
    }
    let hash = enrol_password::hash(checked.expose()).map_err(|e| ApiError::internal(e.to_string()))?;
    db.batch(vec![
        db.stmt(
            "UPDATE users SET password_hash = ?2, otp_hash = NULL, otp_expires_at = NULL, default_pwd_chgd = 1,
               own_password_at = coalesce(own_password_at, unixepoch()), updated_at = unixepoch(),
               last_modified_by = uuid WHERE id = ?1",
            &[int(caller.id), text(&hash)],
        )?,
        db.stmt(
            "DELETE FROM sessions WHERE user_id = ?1 AND session_id != ?2",
            &[int(caller.id), text(&caller.session_id)],
        )?,
        db.stmt("DELETE FROM login_failures WHERE user_id = ?1", &[int(caller.id)])?,
    ])
    .await?;
    http::ok_json(&json!({ "responseInfo": response_info() }))
}
