//! `POST /v1/user/{uuid}/reissue`: an administrator gives one person of their tree a new one-time password
//! and a new welcome message (a lost SMS, a changed phone). In one batch the old password and one-time
//! password stop working, the person's sessions end, the message waits in the outbox and the audit log
//! records it; then it is queued. [`run`] does it for a list of people: the People view's re-send uses it.

use crate::audit;
use crate::auth;
use crate::config::{Settings, now_secs};
use crate::credentials::{self, Keys};
use crate::db::{Db, int, text};
use crate::error::ApiError;
use crate::http;
use crate::users::find;
use serde::Deserialize;
use serde_json::json;
use worker::{D1PreparedStatement, Env, Request, Response};

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
        .filter(|u| caller.reaches(u))
        .ok_or_else(|| ApiError::new(404, "UserNotFound", "No such user in your tenant"))?;
    let targets = targets(db, &[user.id]).await?;
    let target = targets.first().ok_or_else(|| ApiError::new(404, "UserNotFound", "No such user in your tenant"))?;
    let Some((channel, _)) = target.contact() else {
        return Err(ApiError::bad_request("NoContact", "This user has neither a mobile number nor an email address"));
    };
    let actor = audit::Actor::of(&caller, &req);
    if target.sent_today >= i64::from(s.resend_per_day) {
        return Err(limit_reached(s));
    }
    let ids = run(db, &keys, s, &actor, &targets, Vec::new()).await?;
    crate::sms::enqueue_after_commit(env, ctx, ids.clone());
    http::ok_json(&json!({ "uuid": user.uuid, "channel": channel, "outboxId": ids.first() }))
}

/// A person's welcome message sent again too often today (`RESEND_PER_DAY`).
pub fn limit_reached(s: &Settings) -> ApiError {
    ApiError::new(
        429,
        "ResendLimit",
        format!(
            "Credentials were sent to this person {} times in the last 24 hours; try again later",
            s.resend_per_day
        ),
    )
}

/// A person to re-issue credentials to, as read by [`targets`].
#[derive(Debug, Deserialize)]
pub struct Target {
    pub id: i64,
    pub uuid: String,
    pub mobile_number: Option<String>,
    pub email_id: Option<String>,
    pub locale: String,
    pub upload_id: Option<String>,
    /// Re-issues in the last 24 hours (the audit log's entries).
    pub sent_today: i64,
}

impl Target {
    /// Where the message goes: the mobile number, else the email address.
    pub fn contact(&self) -> Option<(&'static str, &str)> {
        match (self.mobile_number.as_deref(), self.email_id.as_deref()) {
            (Some(m), _) if !m.is_empty() => Some(("sms", m)),
            (_, Some(e)) if !e.is_empty() => Some(("email", e)),
            _ => None,
        }
    }
}

/// The people of `ids` (users' ids) as re-issue targets, with their re-issues of the last 24 hours.
pub async fn targets(db: &Db, ids: &[i64]) -> Result<Vec<Target>, ApiError> {
    let ids = serde_json::to_string(ids).map_err(|e| ApiError::internal(e.to_string()))?;
    db.all(
        "SELECT u.id, u.uuid, u.mobile_number, u.email_id, u.locale, u.upload_id,
           (SELECT count(*) FROM audit_log a WHERE a.subject_uuid = u.uuid AND a.action = 'reissue'
              AND a.outcome = 'ok' AND a.at > ?2) AS sent_today
         FROM users u WHERE u.id IN (SELECT value FROM json_each(?1)) ORDER BY u.id",
        &[text(&ids), int(now_secs() as i64 - 86_400)],
    )
    .await
}

/// Re-issues credentials to every target (each has a contact; at most a thousand), in ONE batch with
/// `before` (a change of contact) and one audit entry per person: each gets a new one-time password (the old
/// one, and any password, stop working), their sessions end, unsent welcome messages are superseded, and a
/// new one waits in the outbox. A person past `RESEND_PER_DAY` fails the whole batch (a concurrent request
/// may have sent meanwhile), answered `ResendLimit`. Returns the new outbox ids, to enqueue after the commit.
pub async fn run(
    db: &Db,
    keys: &Keys,
    s: &Settings,
    actor: &audit::Actor,
    targets: &[Target],
    mut statements: Vec<D1PreparedStatement>,
) -> Result<Vec<i64>, ApiError> {
    let expires = (now_secs() + s.one_time_password_secs) as i64;
    let mut rows = Vec::with_capacity(targets.len());
    for t in targets {
        let (channel, recipient) =
            t.contact().ok_or_else(|| ApiError::internal("a re-issue target without contact"))?;
        let password = credentials::one_time_password()?;
        let sealed = keys.seal_for_outbox(&password)?;
        rows.push(json!([
            t.id,
            keys.otp_hash(&t.uuid, &password),
            channel,
            recipient,
            t.locale,
            sealed.link_code,
            sealed.sealed,
            t.upload_id
        ]));
    }
    let rows = serde_json::Value::from(rows).to_string();
    let ids = serde_json::to_string(&targets.iter().map(|t| t.id).collect::<Vec<_>>())
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let by = actor.uuid.as_deref().unwrap_or_default();
    statements.extend([
        audit::for_users(db, actor, &ids, audit::action::REISSUE, audit::Outcome::Ok, json!({}))?,
        // The daily limit, counted with this batch's own entries: past it, an impossible entry (its outcome
        // fails the table's CHECK) aborts the whole batch.
        db.stmt(
            "INSERT INTO audit_log (action, outcome) SELECT 'reissue', 'over-limit' FROM users u
             WHERE u.id IN (SELECT value FROM json_each(?1))
               AND (SELECT count(*) FROM audit_log a WHERE a.subject_uuid = u.uuid AND a.action = 'reissue'
                      AND a.outcome = 'ok' AND a.at > ?2) > ?3 LIMIT 1",
            &[text(&ids), int(now_secs() as i64 - 86_400), int(i64::from(s.resend_per_day))],
        )?,
        db.stmt(
            "UPDATE users SET otp_hash = json_extract(j.value, '$[1]'), otp_expires_at = ?2, password_hash = NULL,
               default_pwd_chgd = 0, last_modified_by = ?3, updated_at = unixepoch()
             FROM json_each(?1) j WHERE users.id = json_extract(j.value, '$[0]')",
            &[text(&rows), int(expires), text(by)],
        )?,
        db.stmt("DELETE FROM sessions WHERE user_id IN (SELECT value FROM json_each(?1))", &[text(&ids)])?,
        // Earlier welcome messages that were never sent are superseded: their password no longer works.
        db.stmt(
            "UPDATE outbox SET state = 'failed', credential = NULL, last_error = 'superseded by a re-issue',
               updated_at = unixepoch()
             WHERE user_id IN (SELECT value FROM json_each(?1)) AND kind = 'welcome' AND state IN ('pending', 'sending')",
            &[text(&ids)],
        )?,
        db.stmt(
            "INSERT INTO outbox (user_id, upload_id, channel, kind, recipient, locale, link_code, credential)
             SELECT json_extract(value, '$[0]'), json_extract(value, '$[7]'), json_extract(value, '$[2]'), 'welcome',
               json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'),
               json_extract(value, '$[6]')
             FROM json_each(?1) RETURNING id",
            &[text(&rows)],
        )?,
    ]);
    #[derive(Deserialize)]
    struct Id {
        id: i64,
    }
    let results = db
        .batch(statements)
        .await
        .map_err(|e| if format!("{e:?}").contains("CHECK constraint failed") { limit_reached(s) } else { e })?;
    Ok(results
        .last()
        .and_then(|r| r.results::<Id>().ok())
        .map(|v| v.into_iter().map(|i| i.id).collect())
        .unwrap_or_default())
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
