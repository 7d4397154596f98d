//! `POST /user/password/_update`: the logged-in user changes their password. Their other sessions end.

use crate::auth;
use crate::config::Settings;
use crate::db::{Db, int, text};
use crate::error::ApiError;
use crate::http::{self, RequestInfo, response_info};
use enrol_core::fields::Password;
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateRequest {
    #[serde(default, rename = "RequestInfo")]
    request_info: RequestInfo,
    existing_password: Option<String>,
    new_password: Option<String>,
}

#[derive(Deserialize)]
struct HashRow {
    password_hash: Option<String>,
}

pub async fn update(mut req: Request, db: &Db, s: &Settings) -> Result<Response, ApiError> {
    let body: UpdateRequest = http::json(&mut req, s.max_body_bytes).await?;
    let caller = auth::require(db, auth::token_of(&req, body.request_info.auth_token.as_deref())).await?;
    let existing = body.existing_password.unwrap_or_default();
    let new = body.new_password.unwrap_or_default();
    let checked = match Password::parse(&new) {
        Ok(Some(p)) => p,
        Ok(None) => return Err(ApiError::invalid_field("newPassword", "required")),
        Err(e) => {
            let why = match e.code {
                enrol_core::Code::TooShort => format!("at least {} characters", Password::MIN_CHARS),
                enrol_core::Code::TooLong => format!("at most {} characters", Password::MAX_CHARS),
                _ => "this password is too common".to_string(),
            };
            return Err(ApiError::invalid_field("newPassword", why));
        }
    };
    let row: Option<HashRow> = db.first("SELECT password_hash FROM users WHERE id = ?1", &[int(caller.id)]).await?;
    let ok = match row.and_then(|r| r.password_hash) {
        Some(h) => enrol_password::verify(&existing, &h),
        None => false,
    };
    if !ok {
        return Err(ApiError::bad_request("InvalidPassword", "The existing password is wrong"));
    }
    let hash = enrol_password::hash(checked.expose()).map_err(|e| ApiError::internal(e.to_string()))?;
    db.batch(vec![
        db.stmt(
            "UPDATE users SET password_hash = ?2, default_pwd_chgd = 1, updated_at = unixepoch(), last_modified_by = uuid WHERE id = ?1",
            &[int(caller.id), text(&hash)],
        )?,
        db.stmt("DELETE FROM sessions WHERE user_id = ?1 AND session_id != ?2", &[int(caller.id), text(&caller.session_id)])?,
    ])
    .await?;
    http::ok_json(&json!({ "responseInfo": response_info() }))
}
