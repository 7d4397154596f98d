//! An upload as its administrator reads it: `GET /v1/upload/status/{processId}` and the tenant's list,
//! `GET /v1/uploads?tenantId=…`. Only administrators of the upload's tenant tree see one; for anyone else
//! it does not exist (404, not 403), so that process ids cannot be probed.

use crate::auth::{self, Caller};
use crate::config::iso8601;
use crate::db::{Db, int, text};
use crate::error::ApiError;
use crate::http::{self, query, query_number};
use crate::users::model::valid_tenant_id;
use enrol_core::{Code, Column, Issue, Locale};
use serde::Deserialize;
use serde_json::{Value, json};
use worker::{Request, Response};

/// The most rows of `successResult` one answer carries (`?offset=` pages through more).
const MAX_RESULT_ROWS: i64 = 10_000;

#[derive(Deserialize)]
struct UploadRow {
    process_id: String,
    tenant_id: String,
    user_type: String,
    status: String,
    created_at: i64,
    created_by: String,
    file_name: String,
    sha256: String,
    rows: i64,
    created: i64,
    failed: i64,
    left_out: i64,
    issues: Option<String>,
    mapping: Option<String>,
    original_file_name: Option<String>,
    original_sha256: Option<String>,
    file_rows: Option<String>,
}

impl UploadRow {
    fn summary(&self) -> Value {
        json!({
            "processId": self.process_id, "tenantId": self.tenant_id, "userType": self.user_type,
            "status": self.status, "createdAt": iso8601(self.created_at.max(0) as u64), "createdBy": self.created_by,
            "fileName": self.file_name, "sha256": self.sha256,
            "counts": { "rows": self.rows, "created": self.created, "failed": self.failed },
            // How the file's headings were placed: [{"heading","field","basis"}], null for the template's.
            "mapping": self.mapping.as_deref().and_then(|m| serde_json::from_str::<Value>(m).ok()),
            "leftOut": self.left_out,
            // The administrator's own file, when what was uploaded was made from it; null: the file itself.
            "original": match (&self.original_file_name, &self.original_sha256) {
                (Some(name), Some(sha)) => json!({ "fileName": name, "sha256": sha }),
                _ => Value::Null,
            },
        })
    }
}

const UPLOAD_COLUMNS: &str = "process_id, tenant_id, user_type, status, created_at, created_by, file_name, sha256, rows, created, failed, mapping, left_out, original_file_name, original_sha256, file_rows";

/// `?locale=` (en_IN by default; a locale without messages falls back to it).
fn locale(req: &Request) -> Locale {
    query(req, "locale").as_deref().and_then(Locale::parse).unwrap_or_default()
}

/// Stored issues (enrol-core's, without messages) back as issues.
fn stored_issues(json: &str) -> Vec<Issue> {
    #[derive(Deserialize)]
    struct Stored {
        row: Option<u64>,
        line: Option<u64>,
        column: Option<String>,
        code: String,
        value: Option<String>,
        param: Option<String>,
    }
    let stored: Vec<Stored> = serde_json::from_str(json).unwrap_or_default();
    stored
        .into_iter()
        .filter_map(|s| {
            Some(Issue {
                row: s.row,
                line: s.line,
                column: s.column.as_deref().and_then(Column::from_header),
                code: Code::parse(&s.code)?,
                value: s.value,
                param: s.param,
            })
        })
        .collect()
}

fn not_found() -> ApiError {
    ApiError::new(404, "UploadNotFound", "No such upload among those of your tenants")
}

/// The whole status of an upload that the caller may see (checked by the caller of this function).
async fn full(db: &Db, u: &UploadRow, req: &Request) -> Result<Response, ApiError> {
    let offset = query_number(req, "offset", 0, 0..=10_000_000)?;
    let limit = query_number(req, "limit", MAX_RESULT_ROWS, 0..=MAX_RESULT_ROWS)?;
    #[derive(Deserialize)]
    struct Made {
        row: i64,
        uuid: String,
        user_name: String,
        channel: Option<String>,
        state: Option<String>,
        error: Option<String>,
    }
    // Each person with their latest welcome message: how it went, and why it failed.
    let made: Vec<Made> = db
        .all(
            "SELECT u.upload_row AS row, u.uuid, u.user_name, o.channel, o.state, o.last_error AS error
             FROM users u LEFT JOIN outbox o ON o.id = (SELECT max(id) FROM outbox WHERE user_id = u.id AND kind = 'welcome')
             WHERE u.upload_id = ?1 ORDER BY u.upload_row LIMIT ?2 OFFSET ?3",
            &[text(&u.process_id), int(limit), int(offset)],
        )
        .await?;
    #[derive(Deserialize)]
    struct Count {
        state: String,
        n: i64,
    }
    let counts: Vec<Count> = db
        .all("SELECT state, count(*) AS n FROM outbox WHERE upload_id = ?1 GROUP BY state", &[text(&u.process_id)])
        .await?;
    let n = |states: &[&str]| counts.iter().filter(|c| states.contains(&c.state.as_str())).map(|c| c.n).sum::<i64>();
    let issues = stored_issues(u.issues.as_deref().unwrap_or("[]"));
    let mut failures: Value = serde_json::from_str(&enrol_core::validate::issues_json(&issues, locale(req)))
        .map_err(|e| ApiError::internal(format!("issues JSON: {e}")))?;
    let mut body = u.summary();
    let mut success: Vec<Value> = made
        .iter()
        .map(|m| {
            json!({ "row": m.row, "uuid": m.uuid, "userName": m.user_name,
                        "message": { "channel": m.channel, "state": m.state, "error": m.error } })
        })
        .collect();
    // Each row's number in the administrator's own file, when the upload said them (`fileRows`); otherwise the
    // rows are as enrol validate names them, and the answer is theirs exactly.
    if let Some(rows) = super::body::file_rows(u.file_rows.as_deref()).ok().flatten() {
        let file_row = |row: Option<i64>| -> Value {
            let i = row.and_then(|r| usize::try_from(r - 1).ok());
            i.and_then(|i| rows.numbers.get(i)).map_or(Value::Null, |&n| json!(n))
        };
        for item in success.iter_mut().chain(failures.as_array_mut().into_iter().flatten()) {
            item["fileRow"] = file_row(item["row"].as_i64());
        }
    }
    body["successResult"] = Value::Array(success);
    body["failureResult"] = failures;
    body["sms"] = json!({
        "queued": n(&["pending", "sending"]), "sent": n(&["sent"]), "delivered": n(&["delivered"]), "failed": n(&["failed"]),
    });
    let code = if u.status == "COMPLETED" { 200 } else { 422 };
    Ok(http::ok_json(&body)?.with_status(code))
}

async fn visible(db: &Db, caller: &Caller, process_id: &str) -> Result<UploadRow, ApiError> {
    if !caller.is_admin() || process_id.len() > 64 {
        return Err(not_found());
    }
    let row: Option<UploadRow> = db
        .first(&format!("SELECT {UPLOAD_COLUMNS}, issues FROM uploads WHERE process_id = ?1"), &[text(process_id)])
        .await?;
    row.filter(|u| caller.manages(&u.tenant_id)).ok_or_else(not_found)
}

/// The status of an upload just made, for the caller who made it: 200 when COMPLETED, 422 when FAILED.
pub async fn answer(db: &Db, caller: &Caller, process_id: &str, req: &Request) -> Result<Response, ApiError> {
    let u = visible(db, caller, process_id).await?;
    full(db, &u, req).await
}

/// `GET /v1/upload/status/{processId}`: 200 whatever the upload's status (the status is in the body).
pub async fn status(req: Request, db: &Db, process_id: &str) -> Result<Response, ApiError> {
    let caller = auth::require(db, auth::token_of(&req, None)).await?;
    let u = visible(db, &caller, process_id).await?;
    Ok(full(db, &u, &req).await?.with_status(200))
}

/// `GET /v1/uploads?tenantId=…&page=0&pageSize=20`: the tenant's uploads, newest first.
pub async fn list(req: Request, db: &Db) -> Result<Response, ApiError> {
    let caller = auth::require(db, auth::token_of(&req, None)).await?;
    if !caller.is_admin() {
        return Err(ApiError::new(403, "NotAdmin", "Only administrators may see uploads"));
    }
    let tenant = query(&req, "tenantId").map(|t| t.trim().to_string()).unwrap_or_default();
    if tenant.is_empty() {
        return Err(ApiError::invalid_field("tenantId", "required"));
    }
    if !valid_tenant_id(&tenant) || !caller.manages(&tenant) {
        return Err(ApiError::new(404, "TenantNotFound", "No such tenant among those you manage"));
    }
    let page = query_number(&req, "page", 0, 0..=1_000_000)?;
    let size = query_number(&req, "pageSize", 20, 1..=100)?;
    let rows: Vec<UploadRow> = db
        .all(
            &format!(
                "SELECT {UPLOAD_COLUMNS}, NULL AS issues FROM uploads WHERE tenant_id = ?1
                 ORDER BY created_at DESC, process_id LIMIT ?2 OFFSET ?3"
            ),
            &[text(&tenant), int(size), int(page * size)],
        )
        .await?;
    #[derive(Deserialize)]
    struct Total {
        n: i64,
    }
    let total: Option<Total> =
        db.first("SELECT count(*) AS n FROM uploads WHERE tenant_id = ?1", &[text(&tenant)]).await?;
    http::ok_json(&json!({
        "uploads": rows.iter().map(UploadRow::summary).collect::<Vec<_>>(),
        "page": page, "pageSize": size, "total": total.map_or(0, |t| t.n),
    }))
}
