//! The audit log (issue 17 §4): an append-only record of every administrator action and security event. Each
//! entry is a statement that the route puts in the very D1 batch that does what it records, so that there is
//! no action without its entry and no entry for an action that did not happen (D1's batch is one
//! transaction). A refusal is recorded on its own, since nothing else is written then. The table refuses
//! UPDATE and early DELETE itself (triggers in `migrations/0007_people.sql`); the cron sweep removes entries
//! older than `AUDIT_RETENTION_DAYS`.
//!
//! An entry says who (uuid and user name), from which client address, acting on which tenant and person,
//! what, when and with what outcome, and a small JSON `detail` of names and counts: never a password, code,
//! token or key (`clean` drops any field whose name says it could hold one).

use crate::auth::{self, Caller};
use crate::config::{iso8601, now_secs, var};
use crate::db::{Db, in_subtree, int, opt_text, text};
use crate::error::ApiError;
use crate::http::{self, query, query_number};
use crate::users::model::valid_tenant_id;
use serde::Deserialize;
use serde_json::{Value, json};
use wasm_bindgen::JsValue;
use worker::{D1PreparedStatement, Request, Response};

/// What was done. Stable text: the page, the CSV and the tests read it.
pub mod action {
    pub const UPLOAD: &str = "upload";
    pub const REISSUE: &str = "reissue";
    pub const CONTACT: &str = "contact.change";
    pub const DEACTIVATE: &str = "deactivate";
    pub const ACTIVATE: &str = "activate";
    pub const UNLOCK: &str = "unlock";
    /// DIGIT's `_updatenovalidate` (its detail names the fields changed).
    pub const USER_UPDATE: &str = "user.update";
    pub const UPLOAD_CONFIG: &str = "upload-config.change";
    pub const SIGN_IN: &str = "signin";
    pub const SIGN_IN_FAILED: &str = "signin.failed";
    pub const PASSWORD_RESET: &str = "password.reset";
    pub const LOCKOUT: &str = "lockout";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Refused before anything was done (not allowed, bad input, too many).
    Refused,
    /// Tried and failed (a wrong password, an upload whose file had issues).
    Failed,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }
}

/// Who acted, from where. `uuid` None is the system (an automatic lockout).
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub uuid: Option<String>,
    pub name: Option<String>,
    pub client: String,
}

impl Actor {
    pub fn of(caller: &Caller, req: &Request) -> Self {
        Actor {
            uuid: Some(caller.uuid.clone()),
            name: Some(caller.user_name.clone()),
            client: http::client_address(req),
        }
    }

    pub fn person(uuid: &str, name: &str, client: &str) -> Self {
        Actor { uuid: Some(uuid.into()), name: Some(name.into()), client: client.into() }
    }

    pub fn system(client: &str) -> Self {
        Actor { uuid: None, name: None, client: client.into() }
    }
}

/// Field names that could hold a secret: such a field never reaches the log, whatever a caller passes.
const SECRET_WORDS: &[&str] = &["password", "otp", "token", "secret", "key", "credential", "hash", "code", "pin"];
/// The detail column's limit (a CHECK in the migration): a longer detail is replaced, never allowed to fail
/// the batch of the action it records.
const MAX_DETAIL: usize = 2000;

/// The detail as stored: an object without secret-named fields (at any depth), at most `MAX_DETAIL` bytes.
fn clean(detail: Value) -> String {
    fn strip(v: Value) -> Value {
        match v {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(k, _)| {
                        let k = k.to_ascii_lowercase();
                        !SECRET_WORDS.iter().any(|w| k.contains(w))
                    })
                    .map(|(k, v)| (k, strip(v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.into_iter().map(strip).collect()),
            other => other,
        }
    }
    let v = match strip(detail) {
        v @ Value::Object(_) => v,
        Value::Null => json!({}),
        other => json!({ "value": other }),
    };
    let s = v.to_string();
    if s.len() <= MAX_DETAIL { s } else { json!({ "truncated": true }).to_string() }
}

/// ?1 to ?6 of every entry statement: actor, name, action, outcome, client, detail.
fn base(actor: &Actor, action: &str, outcome: Outcome, detail: Value) -> [JsValue; 6] {
    [
        opt_text(actor.uuid.as_deref()),
        opt_text(actor.name.as_deref()),
        text(action),
        text(outcome.as_str()),
        text(&actor.client),
        text(&clean(detail)),
    ]
}

/// One entry, for the caller's batch.
pub fn entry(
    db: &Db,
    actor: &Actor,
    tenant: Option<&str>,
    subject: Option<&str>,
    action: &str,
    outcome: Outcome,
    detail: Value,
) -> Result<D1PreparedStatement, ApiError> {
    let [a, b, c, d, e, f] = base(actor, action, outcome, detail);
    db.stmt(
        "INSERT INTO audit_log (actor_uuid, actor_name, action, outcome, client, detail, tenant_id, subject_uuid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        &[a, b, c, d, e, f, opt_text(tenant), opt_text(subject)],
    )
}

/// One entry per user of `ids` (a JSON array of users' ids), each with that user's tenant and uuid, for the
/// caller's batch: a bulk action records each person it touched.
pub fn for_users(
    db: &Db,
    actor: &Actor,
    ids: &str,
    action: &str,
    outcome: Outcome,
    detail: Value,
) -> Result<D1PreparedStatement, ApiError> {
    let [a, b, c, d, e, f] = base(actor, action, outcome, detail);
    db.stmt(
        "INSERT INTO audit_log (actor_uuid, actor_name, action, outcome, client, detail, tenant_id, subject_uuid)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, u.tenant_id, u.uuid FROM users u
         WHERE u.id IN (SELECT value FROM json_each(?7))",
        &[a, b, c, d, e, f, text(ids)],
    )
}

/// One entry for the user `user_id` (its tenant and uuid read in the statement), written only when `only_if`
/// (SQL over `u`, the user's row, with `?8` bound to `now`) holds: an entry for an event that the batch's next
/// statement makes happen under the same condition (a lockout).
pub fn for_user_if(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    action: &str,
    detail: Value,
    only_if: &str,
    now: i64,
) -> Result<D1PreparedStatement, ApiError> {
    let [a, b, c, d, e, f] = base(actor, action, Outcome::Ok, detail);
    db.stmt(
        &format!(
            "INSERT INTO audit_log (actor_uuid, actor_name, action, outcome, client, detail, tenant_id, subject_uuid)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, u.tenant_id, u.uuid FROM users u WHERE u.id = ?7 AND ({only_if})"
        ),
        &[a, b, c, d, e, f, int(user_id), int(now)],
    )
}

/// Records a refusal (nothing else is written then). The refusal stands whether or not it could be recorded:
/// a failure here is logged, not answered.
pub async fn refused(
    db: &Db,
    actor: &Actor,
    tenant: Option<&str>,
    subject: Option<&str>,
    action: &str,
    error: &ApiError,
) {
    let detail = json!({ "reason": error.code, "status": error.status });
    let written = match entry(db, actor, tenant, subject, action, Outcome::Refused, detail) {
        Ok(s) => db.batch(vec![s]).await.map(|_| ()),
        Err(e) => Err(e),
    };
    if let Err(e) = written {
        worker::console_error!("audit entry of a refusal not written: {}", e.code);
    }
}

#[derive(Deserialize)]
struct EntryRow {
    id: i64,
    at: i64,
    actor_uuid: Option<String>,
    actor_name: Option<String>,
    tenant_id: Option<String>,
    subject_uuid: Option<String>,
    action: String,
    outcome: String,
    client: Option<String>,
    detail: String,
}

impl EntryRow {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id, "at": iso8601(self.at as u64 * 1000), "actorUuid": self.actor_uuid,
            "actorName": self.actor_name, "tenantId": self.tenant_id, "subjectUuid": self.subject_uuid,
            "action": self.action, "outcome": self.outcome, "client": self.client,
            "detail": serde_json::from_str::<Value>(&self.detail).unwrap_or_else(|_| json!({})),
        })
    }
}

/// Most entries one page answers (and the default).
const MAX_PAGE: i64 = 200;
/// Most entries one CSV answers.
const MAX_CSV: i64 = 10_000;

/// `GET /v1/audit?tenantId=…[&actor=uuid][&action=…][&subject=uuid][&since=…][&until=…][&cursor=id][&limit=n]
/// [&format=csv]`: the entries of the tenant's subtree, newest first, for its administrators. `since`/`until`
/// are epoch seconds; the next page is `cursor=` the answer's `next`.
pub async fn list(req: Request, db: &Db) -> Result<Response, ApiError> {
    let caller = auth::require(db, auth::token_of(&req, None)).await?;
    if !caller.is_admin() {
        return Err(ApiError::new(403, "NotAdmin", "Only administrators may read the audit log"));
    }
    let tenant = query(&req, "tenantId").map(|t| t.trim().to_string()).unwrap_or_default();
    if tenant.is_empty() {
        return Err(ApiError::invalid_field("tenantId", "required"));
    }
    if !valid_tenant_id(&tenant) || !caller.manages(&tenant) {
        return Err(ApiError::new(404, "TenantNotFound", "No such tenant among those you manage"));
    }
    let short = |name: &str| -> Result<Option<String>, ApiError> {
        match query(&req, name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) {
            Some(v) if v.len() > 64 => Err(ApiError::invalid_field(name, "at most 64 characters")),
            v => Ok(v),
        }
    };
    let (actor, action, subject) = (short("actor")?, short("action")?, short("subject")?);
    let since = query_number(&req, "since", 0, 0..=i64::MAX / 2)?;
    let until = query_number(&req, "until", i64::MAX / 2, 0..=i64::MAX / 2)?;
    let cursor = query_number(&req, "cursor", i64::MAX / 2, 1..=i64::MAX / 2)?;
    let csv = query(&req, "format").is_some_and(|f| f == "csv");
    let limit = query_number(&req, "limit", MAX_PAGE, 1..=if csv { MAX_CSV } else { MAX_PAGE })?;
    let rows: Vec<EntryRow> = db
        .all(
            concat!(
                "SELECT id, at, actor_uuid, actor_name, tenant_id, subject_uuid, action, outcome, client, detail
                 FROM audit_log
                 WHERE ",
                in_subtree!("tenant_id"),
                " AND id < ?2 AND at >= ?3 AND at <= ?4
                   AND (?5 IS NULL OR actor_uuid = ?5 OR actor_name = ?5) AND (?6 IS NULL OR action = ?6)
                   AND (?7 IS NULL OR subject_uuid = ?7 OR subject_uuid IN (
                          SELECT uuid FROM users WHERE user_name = ?7 AND ",
                in_subtree!("tenant_id"),
                "))
                 ORDER BY id DESC LIMIT ?8"
            ),
            &[
                text(&tenant),
                int(cursor),
                int(since),
                int(until),
                opt_text(actor.as_deref()),
                opt_text(action.as_deref()),
                opt_text(subject.as_deref()),
                int(limit),
            ],
        )
        .await?;
    if csv {
        return csv_answer(&rows);
    }
    let next = if rows.len() as i64 == limit { rows.last().map(|r| r.id) } else { None };
    http::ok_json(&json!({ "entries": rows.iter().map(EntryRow::to_json).collect::<Vec<_>>(), "next": next }))
}

/// The entries as CSV, every cell that a spreadsheet would run neutralised (enrol-core's rule).
fn csv_answer(rows: &[EntryRow]) -> Result<Response, ApiError> {
    let cell = |v: &str| {
        let v = if enrol_core::fields::starts_formula(v) { format!("'{v}") } else { v.to_string() };
        if v.contains([',', '"', '\n', '\r']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v }
    };
    let mut out = String::from("id,at,actorUuid,actorName,tenantId,subjectUuid,action,outcome,client,detail\r\n");
    for r in rows {
        let cells = [
            r.id.to_string(),
            iso8601(r.at as u64 * 1000),
            r.actor_uuid.clone().unwrap_or_default(),
            r.actor_name.clone().unwrap_or_default(),
            r.tenant_id.clone().unwrap_or_default(),
            r.subject_uuid.clone().unwrap_or_default(),
            r.action.clone(),
            r.outcome.clone(),
            r.client.clone().unwrap_or_default(),
            r.detail.clone(),
        ];
        out.push_str(&cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    let mut res = Response::ok(out)?;
    res.headers_mut().set("content-type", "text/csv; charset=utf-8")?;
    res.headers_mut().set("content-disposition", "attachment; filename=\"audit.csv\"")?;
    Ok(res)
}

/// The cron sweep's part: entries older than `AUDIT_RETENTION_DAYS` (730 by default; never under 365, which
/// the table's trigger enforces anyway) go, a bounded number per run.
pub async fn sweep(env: &worker::Env) -> Result<(), ApiError> {
    let days: i64 = var(env, "AUDIT_RETENTION_DAYS", 730i64).max(365);
    let before = now_secs() as i64 - days * 86_400;
    Db::new(env)?
        .run(
            "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ?1 ORDER BY at LIMIT 5000)",
            &[int(before)],
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::clean;
    use serde_json::json;

    #[test]
    fn details_never_hold_a_secret() {
        for (detail, stored, why) in [
            (json!({ "fields": ["mobileNumber"] }), r#"{"fields":["mobileNumber"]}"#, "names of fields stay"),
            (json!({ "password": "x", "n": 1 }), r#"{"n":1}"#, "a password field goes"),
            (json!({ "newPassword": "x", "otpReference": "1", "authToken": "t" }), "{}", "in any case or place"),
            (
                json!({ "outer": { "linkCode": "abc", "channel": "sms" } }),
                r#"{"outer":{"channel":"sms"}}"#,
                "at any depth",
            ),
            (json!({ "reason": "NotFound" }), r#"{"reason":"NotFound"}"#, "a refusal's reason stays"),
            (json!(null), "{}", "no detail is an empty object"),
            (json!({ "long": "x".repeat(3000) }), r#"{"truncated":true}"#, "too long never fails the batch"),
        ] {
            assert_eq!(clean(detail), stored, "{why}");
        }
    }
}
