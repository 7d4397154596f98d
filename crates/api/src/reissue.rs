//! `POST /v1/user/{uuid}/reissue`: an administrator gives one person of their tree a new one-time password
//! and a new welcome message (a lost SMS, a changed phone). In one batch the old password and one-time
//! password stop working, the person's sessions end, and the message waits in the outbox; then it is queued.

use crate::auth;
use crate::config::{Settings, now_secs};
use crate::credentials::{self, Keys};
use crate::db::{Db, int, opt_text, text};
use crate::error::ApiError;
use crate::http;
use crate::users::find;
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

pub async fn reissue(
    req: Request,
    env: &Env,
    ctx: &worker::Context,
    db: &Db,
    s: &Settings,
    uuid: &str,
) -> Result<Response, ApiError> {
    let caller = auth::require(db, auth::token_of(&req, None)).await?;
    if !caller.is_admin() {
        return Err(ApiError::new(403, "NotAdmin", "Only administrators may re-issue credentials"));
    }
    let keys = Keys::from_env(env)?;
    // Not found and not yours answer alike.
    let user = if uuid.len() <= 64 { find(db, None, Some(uuid)).await? } else { None };
    let user = user
        .filter(|u| {
            caller.manages(&u.tenant_id)
                && u.user_type().is_some_and(|t| caller.may_create_type(t))
                && caller.outranks(&u.held_roles())
        })
        .ok_or_else(|| ApiError::new(404, "UserNotFound", "No such user in your tenant"))?;
    #[derive(Deserialize)]
    struct Contact {
        mobile_number: Option<String>,
        email_id: Option<String>,
        locale: String,
        upload_id: Option<String>,
    }
    let c: Contact = db
        .first("SELECT mobile_number, email_id, locale, upload_id FROM users WHERE id = ?1", &[int(user.id)])
        .await?
        .ok_or_else(|| ApiError::new(404, "UserNotFound", "No such user in your tenant"))?;
    let (channel, recipient) = match (&c.mobile_number, &c.email_id) {
        (Some(m), _) if !m.is_empty() => ("sms", m.clone()),
        (_, Some(e)) if !e.is_empty() => ("email", e.clone()),
        _ => {
            return Err(ApiError::bad_request(
                "NoContact",
                "This user has neither a mobile number nor an email address",
            ));
        }
    };
    let password = credentials::one_time_password()?;
    let sealed = keys.seal_for_outbox(&password)?;
    let expires = (now_secs() + s.one_time_password_secs) as i64;
    #[derive(Deserialize)]
    struct Id {
        id: i64,
    }
    let results = db
        .batch(vec![
            db.stmt(
                "UPDATE users SET otp_hash = ?2, otp_expires_at = ?3, password_hash = NULL, default_pwd_chgd = 0,
                   last_modified_by = ?4, updated_at = unixepoch() WHERE id = ?1",
                &[int(user.id), text(&keys.otp_hash(&user.uuid, &password)), int(expires), text(&caller.uuid)],
            )?,
            db.stmt("DELETE FROM sessions WHERE user_id = ?1", &[int(user.id)])?,
            // Earlier welcome messages that were never sent are superseded: their password no longer works.
            db.stmt(
                "UPDATE outbox SET state = 'failed', credential = NULL, last_error = 'superseded by a re-issue',
                   updated_at = unixepoch() WHERE user_id = ?1 AND kind = 'welcome' AND state IN ('pending', 'sending')",
                &[int(user.id)],
            )?,
            db.stmt(
                "INSERT INTO outbox (user_id, upload_id, channel, kind, recipient, locale, link_code, credential)
                 VALUES (?1, ?2, ?3, 'welcome', ?4, ?5, ?6, ?7) RETURNING id",
                &[
                    int(user.id),
                    opt_text(c.upload_id.as_deref()),
                    text(channel),
                    text(&recipient),
                    text(&c.locale),
                    text(&sealed.link_code),
                    text(&sealed.sealed),
                ],
            )?,
        ])
        .await?;
    let ids: Vec<i64> = results
        .last()
        .and_then(|r| r.results::<Id>().ok())
        .map(|v| v.into_iter().map(|i| i.id).collect())
        .unwrap_or_default();
    crate::sms::enqueue_after_commit(env, ctx, ids.clone());
    http::ok_json(&json!({ "uuid": user.uuid, "channel": channel, "outboxId": ids.first() }))
}

/// `GET /l/{code}`: the link of a welcome SMS. It opens the login page with the login id, the tenant and the
/// person's language filled in, while its one-time password works; any other code opens it empty (nothing is
/// revealed).
pub async fn link(db: &Db, code: &str) -> Result<Response, ApiError> {
    #[derive(Deserialize)]
    struct Target {
        user_name: String,
        tenant_id: String,
        locale: String,
    }
    let target: Option<Target> =
        if code.len() == credentials::LINK_CODE_CHARS && code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            // Only while its one-time password is the person's current one: not replaced by a newer welcome, not
            // used (the person's own password clears it), not expired. After that the link reveals nothing.
            db.first(
                "SELECT u.user_name, u.tenant_id, o.locale FROM outbox o JOIN users u ON u.id = o.user_id
             WHERE o.link_code = ?1 AND o.kind = 'welcome' AND u.otp_hash IS NOT NULL AND u.otp_expires_at > ?2
               AND o.id = (SELECT max(id) FROM outbox WHERE user_id = u.id AND kind = 'welcome')",
                &[text(code), int(now_secs() as i64)],
            )
            .await?
        } else {
            None
        };
    let location = match target {
        Some(t) => {
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.append_pair("user", &t.user_name).append_pair("tenant", &t.tenant_id).append_pair("lang", &t.locale);
            format!("/login?{}", q.finish())
        }
        None => "/login".to_string(),
    };
    let mut res = Response::empty()?.with_status(302);
    res.headers_mut().set("location", &location)?;
    res.headers_mut().set("referrer-policy", "no-referrer")?;
    res.headers_mut().set("cache-control", "no-store")?;
    Ok(res)
}
