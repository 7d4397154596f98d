//! Bulk upload, Sunbird's routes: `POST /v1/user/upload`, `GET /v1/upload/status/{processId}`,
//! `GET /v1/uploads?tenantId=…`.
//!
//! An upload is checked by enrol-core with the tenant's configuration (the browser ran the very same code),
//! then against the tenant's users in D1, and then written in ONE D1 batch: the upload record, every user,
//! their roles, their identity keys and one outbox row each. Any issue, of the file or against D1, and
//! nothing is created; the upload is recorded as FAILED with every issue. Two overlapping uploads racing
//! each other cannot both commit: the identity keys' primary key fails the second batch whole.

mod body;
mod prepare;
mod status;
mod store;

use crate::auth::{self, Caller, UserType};
use crate::config::{Settings, now_millis};
use crate::credentials::Keys;
use crate::db::Db;
use crate::error::ApiError;
use crate::tenants;
use crate::users::model::valid_tenant_id;
use enrol_core::sheet;
use sha2::{Digest, Sha256};
use worker::{Env, Request, Response};

pub use status::{list, status};

/// Issues kept with a FAILED upload (and answered): past this only the counts grow.
const MAX_STORED_ISSUES: usize = 5_000;

fn not_admin() -> ApiError {
    ApiError::new(403, "NotAdmin", "Only administrators may upload users")
}

/// The upload's checks that need no body: who, into which tenant, which type.
async fn target(db: &Db, caller: &Caller, tenant: &str, user_type: &str) -> Result<UserType, ApiError> {
    let tenant = tenant.trim();
    if tenant.is_empty() {
        return Err(ApiError::invalid_field("tenantId", "required"));
    }
    if !valid_tenant_id(tenant) {
        return Err(ApiError::invalid_field("tenantId", "not a tenant id"));
    }
    let user_type = match user_type.trim() {
        "" => UserType::Employee,
        t => match UserType::parse(t) {
            Some(t @ (UserType::Employee | UserType::Citizen)) => t,
            _ => return Err(ApiError::invalid_field("userType", "EMPLOYEE or CITIZEN")),
        },
    };
    if !caller.manages(tenant) {
        return Err(ApiError::forbidden("tenantId: outside your tenant"));
    }
    if !tenants::exists(db, tenant).await? {
        return Err(ApiError::bad_request("InvalidTenant", "tenantId: no such tenant"));
    }
    Ok(user_type)
}

/// `POST /v1/user/upload`.
pub async fn upload(
    mut req: Request,
    env: &Env,
    ctx: &worker::Context,
    db: &Db,
    s: &Settings,
) -> Result<Response, ApiError> {
    let caller = auth::require(db, auth::token_of(&req, None)).await?;
    if !caller.is_admin() {
        return Err(not_admin());
    }
    let keys = Keys::from_env(env)?;
    let upload = body::read(&mut req, s.max_upload_bytes_cap).await?;
    let user_type = target(db, &caller, &upload.tenant_id, &upload.user_type).await?;
    let tenant = upload.tenant_id.trim().to_string();
    let config = tenants::upload_config(db, &tenant).await?;
    let max = config.max_bytes(s);
    if upload.bytes.len() > max {
        return Err(body::too_large(max));
    }
    let sha = crate::credentials::hex(&Sha256::digest(&upload.bytes));
    let mut core = config.to_core(s.mobile);
    core.max_issues = MAX_STORED_ISSUES;
    let (today, mobile) = (core.today, core.mobile);
    let known = tenants::remembered_mapping(db, &tenant).await?;
    let file = prepare::prepare(upload.bytes, upload.mapping.as_deref(), upload.sheet.as_deref(), &known, today)?;
    // The default key: the same data into the same tenant as the same type is the same upload.
    let key = upload.idempotency_key.clone().unwrap_or_else(|| {
        let mut h = Sha256::new();
        h.update(tenant.as_bytes());
        h.update([0]);
        h.update(user_type.as_str().as_bytes());
        h.update([0]);
        h.update(&file.bytes);
        crate::credentials::hex(&h.finalize())
    });
    if let Some(done) = store::by_key(db, &tenant, &key).await? {
        return if done.sha256 == sha {
            status::answer(db, &caller, &done.process_id, &req).await
        } else {
            Err(ApiError::new(409, "IdempotencyKeyReused", "This Idempotency-Key was used for another file"))
        };
    }

    let mut validator = enrol_core::Validator::new(core);
    validator.push(&file.bytes);
    let report = validator.finish();
    if let Some(rows) = &upload.file_rows
        && rows.numbers.len() as u64 != report.summary.rows
    {
        return Err(ApiError::bad_request(
            "InvalidField",
            format!("fileRows names {} rows; the file has {}", rows.numbers.len(), report.summary.rows),
        ));
    }
    let mut record = store::Record {
        process_id: auth::uuid_v4()?,
        tenant_id: tenant.clone(),
        user_type,
        created_at: now_millis(),
        created_by: caller.uuid.clone(),
        file_name: upload.file_name.clone(),
        sha256: sha,
        idempotency_key: key,
        rows: report.summary.rows,
        issues: report.issues,
        failed_rows: report.summary.rows_with_errors,
        left_out: upload.left_out,
        actor: crate::audit::Actor::of(&caller, &req),
        mapping: prepare::mapping_json(&file),
        original: upload.original,
        file_rows: upload.file_rows.map(|r| r.text),
        remember: file.confirmed,
    };
    if report.summary.errors > 0 {
        store::record_failed(db, &record).await?;
        return status::answer(db, &caller, &record.process_id, &req).await;
    }
    let people = sheet::users(&file.bytes, today, mobile);
    // Every row's roles are the caller's to grant here, whatever the tenant's configuration lists (a list
    // written before this rule, or by a higher administrator, may offer more than this caller may give). A
    // sheet repeats a few codes over many rows: each distinct one is checked once.
    let mut codes = std::collections::BTreeSet::new();
    for p in &people {
        if p.roles.len() > auth::MAX_ROLES {
            return Err(ApiError::bad_request(
                "TooManyRoles",
                format!("row {}: at most {} roles per person", p.row, auth::MAX_ROLES),
            ));
        }
        codes.extend(p.roles.iter().map(String::as_str));
    }
    if let Some(r) = codes.into_iter().find(|r| !caller.may_grant(r, &tenant)) {
        return Err(tenants::role_not_grantable(r));
    }
    let clashes = store::clashes(db, &tenant, user_type, &people).await?;
    if !clashes.is_empty() {
        if let Some(done) = committed_twin(db, &record).await? {
            return status::answer(db, &caller, &done, &req).await;
        }
        record.add_clashes(clashes);
        store::record_failed(db, &record).await?;
        return status::answer(db, &caller, &record.process_id, &req).await;
    }
    match store::create(db, &keys, &record, &people, s).await? {
        store::Created::Done(outbox_ids) => {
            crate::sms::enqueue_after_commit(env, ctx, outbox_ids);
            status::answer(db, &caller, &record.process_id, &req).await
        }
        store::Created::SameKey => match committed_twin(db, &record).await? {
            // The same upload sent twice at once: the other one committed it.
            Some(done) => status::answer(db, &caller, &done, &req).await,
            None => Err(ApiError::new(409, "IdempotencyKeyReused", "This Idempotency-Key was used for another file")),
        },
        store::Created::Clash => {
            if let Some(done) = committed_twin(db, &record).await? {
                return status::answer(db, &caller, &done, &req).await;
            }
            // Another upload took one of these people's keys between the check and the batch: name them.
            let clashes = store::clashes(db, &tenant, user_type, &people).await?;
            record.add_clashes(clashes);
            store::record_failed(db, &record).await?;
            status::answer(db, &caller, &record.process_id, &req).await
        }
    }
}

/// The same upload sent twice at once (the same key, the same bytes): once the other one has committed, its people
/// clash with this one's, and the answer is the other's upload, not a FAILED one. Its process id, if so.
async fn committed_twin(db: &Db, record: &store::Record) -> Result<Option<String>, ApiError> {
    let done = store::by_key(db, &record.tenant_id, &record.idempotency_key).await?;
    Ok(done.filter(|d| d.sha256 == record.sha256).map(|d| d.process_id))
}

/// `POST /__bench/upload-batch?tenantId=…` (`ENROL_BENCH=1` only, never deployed): the bare batch of an
/// upload, the baseline of its benchmark. The CSV's people are read without validation, checks against D1 or
/// an answer built from D1, and the same rows (record, users, roles, identity keys, outbox, with their
/// one-time passwords hashed and sealed) are written in one batch. Answers the batch's own time.
pub async fn bench_batch(mut req: Request, env: &Env, db: &Db, s: &Settings) -> Result<Response, ApiError> {
    let keys = Keys::from_env(env)?;
    let tenant = crate::http::query(&req, "tenantId").unwrap_or_default();
    let bytes = req.bytes().await?;
    let today = crate::users::model::today();
    let people = sheet::users(&bytes, today, s.mobile);
    let record = store::Record {
        process_id: auth::uuid_v4()?,
        tenant_id: tenant,
        user_type: UserType::Employee,
        created_at: now_millis(),
        created_by: "bench".into(),
        file_name: "bench.csv".into(),
        sha256: crate::credentials::hex(&Sha256::digest(&bytes)),
        idempotency_key: auth::uuid_v4()?,
        rows: people.len() as u64,
        issues: Vec::new(),
        failed_rows: 0,
        left_out: 0,
        actor: crate::audit::Actor::system(""),
        mapping: None,
        original: None,
        file_rows: None,
        remember: Vec::new(),
    };
    let statements = store::statements(db, &keys, &record, &people, s)?;
    let started = now_millis();
    db.batch(statements).await?;
    crate::http::ok_json(&serde_json::json!({ "rows": people.len(), "batchMs": now_millis() - started }))
}
