//! The upload's D1 side: the record, the check of a sheet's people against the tenant's users, and the one
//! batch that creates them all.
//!
//! The batch inserts with `INSERT … SELECT … FROM json_each(?)`: each statement reads one bound JSON array
//! of rows (cut into parts of at most `JSON_PART_BYTES`, under D1's limit on a bound string), which measured
//! about three times faster than a statement per row (DESIGN.md). Ids are found by joining on the uuid.

use super::body::Original;
use crate::audit;
use crate::auth::{UserType, uuid_v4};
use crate::config::{Settings, now_secs};
use crate::credentials::{self, Keys};
use crate::db::{Db, int, text};
use crate::error::ApiError;
use enrol_core::sheet::SheetUser;
use enrol_core::{Code, Column, Issue};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Largest JSON array bound to one statement (production D1 takes 1 MB a string).
const JSON_PART_BYTES: usize = 900_000;

pub struct Record {
    pub process_id: String,
    pub tenant_id: String,
    pub user_type: UserType,
    pub created_at: u64,
    pub created_by: String,
    pub file_name: String,
    pub sha256: String,
    pub idempotency_key: String,
    pub rows: u64,
    pub issues: Vec<Issue>,
    pub failed_rows: u64,
    /// Rows of the administrator's file left out by the page (rows with problems), as the request says.
    pub left_out: u64,
    /// Who uploads, for the audit log's entry (written in the upload's batch).
    pub actor: audit::Actor,
    /// How the file's headings were placed (JSON, see `prepare`).
    pub mapping: Option<String>,
    /// The administrator's own file, when what was sent was made from it (its name and SHA-256).
    pub original: Option<Original>,
    /// The row number each row sent had in that file, as ranges (`fileRows`).
    pub file_rows: Option<String>,
    /// The headings the sent mapping placed, remembered for the tenant in the upload's batch.
    pub remember: Vec<(String, Option<enrol_core::Column>)>,
}

impl Record {
    /// Adds the clashes with D1 (their rows count as failed ones); with none to name, one issue for the file.
    pub fn add_clashes(&mut self, clashes: Vec<Issue>) {
        if clashes.is_empty() {
            self.issues.push(Issue {
                row: None,
                line: None,
                column: None,
                code: Code::AlreadyExists,
                value: None,
                param: None,
            });
            return;
        }
        let rows: BTreeSet<u64> = clashes.iter().filter_map(|i| i.row).collect();
        let had: BTreeSet<u64> =
            self.issues.iter().filter(|i| i.severity() == enrol_core::Severity::Error).filter_map(|i| i.row).collect();
        self.failed_rows += rows.difference(&had).count() as u64;
        self.issues.extend(clashes);
        self.issues.sort_by_key(|i| (i.row.is_some(), i.row, i.line, i.code));
    }

    fn issues_json(&self) -> String {
        let list: Vec<Value> = self
            .issues
            .iter()
            .map(|i| {
                json!({ "row": i.row, "line": i.line, "column": i.column.map(Column::name), "code": i.code.as_str(),
                        "value": i.value, "param": i.param })
            })
            .collect();
        Value::from(list).to_string()
    }
}

#[derive(Deserialize)]
pub struct Done {
    pub process_id: String,
    pub sha256: String,
}

/// The COMPLETED upload of this tenant that holds `key`.
pub async fn by_key(db: &Db, tenant: &str, key: &str) -> Result<Option<Done>, ApiError> {
    db.first(
        "SELECT process_id, sha256 FROM uploads WHERE tenant_id = ?1 AND idempotency_key = ?2",
        &[text(tenant), text(key)],
    )
    .await
}

fn insert_record(db: &Db, r: &Record, status: &str, created: u64) -> Result<worker::D1PreparedStatement, ApiError> {
    let failed = if status == "FAILED" { r.failed_rows.max(1) } else { 0 };
    db.stmt(
        "INSERT INTO uploads (process_id, tenant_id, user_type, status, created_at, created_by, file_name, sha256,
            idempotency_key, rows, created, failed, issues, mapping, left_out, original_file_name, original_sha256,
            file_rows)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        &[
            text(&r.process_id),
            text(&r.tenant_id),
            text(r.user_type.as_str()),
            text(status),
            int(r.created_at as i64),
            text(&r.created_by),
            text(&r.file_name),
            text(&r.sha256),
            // Only a COMPLETED upload holds its key (a FAILED one may be sent again once fixed).
            if status == "COMPLETED" { text(&r.idempotency_key) } else { wasm_bindgen::JsValue::NULL },
            int(r.rows as i64),
            int(created as i64),
            int(failed as i64),
            text(&r.issues_json()),
            r.mapping.as_deref().map_or(wasm_bindgen::JsValue::NULL, text),
            int(r.left_out as i64),
            r.original.as_ref().map_or(wasm_bindgen::JsValue::NULL, |o| text(&o.file_name)),
            r.original.as_ref().map_or(wasm_bindgen::JsValue::NULL, |o| text(&o.sha256)),
            r.file_rows.as_deref().map_or(wasm_bindgen::JsValue::NULL, text),
        ],
    )
}

/// The audit entry of an upload, ok (its people created) or failed (nothing created).
fn audit_entry(
    db: &Db,
    r: &Record,
    outcome: audit::Outcome,
    created: u64,
) -> Result<worker::D1PreparedStatement, ApiError> {
    let mut detail = json!({ "processId": r.process_id, "fileName": r.file_name, "rows": r.rows, "created": created,
                         "userType": r.user_type.as_str(), "leftOut": r.left_out });
    // A sent mapping changes what the tenant remembers: the change is recorded with the upload.
    if !r.remember.is_empty() {
        detail["mapping"] =
            Value::Object(r.remember.iter().map(|(h, f)| (h.clone(), Value::from(f.map(Column::name)))).collect());
    }
    if let Some(o) = &r.original {
        detail["originalFileName"] = Value::from(o.file_name.as_str());
    }
    audit::entry(db, &r.actor, Some(&r.tenant_id), None, audit::action::UPLOAD, outcome, detail)
}

pub async fn record_failed(db: &Db, r: &Record) -> Result<(), ApiError> {
    let mut statements = vec![insert_record(db, r, "FAILED", 0)?, audit_entry(db, r, audit::Outcome::Failed, 0)?];
    // The mapping was confirmed, whatever the data's verdict.
    statements.extend(crate::tenants::remember_mapping(db, &r.tenant_id, &r.remember, &r.created_by)?);
    db.batch(statements).await?;
    Ok(())
}

/// JSON arrays of `rows`, each at most JSON_PART_BYTES long (a row longer than that is a part of its own).
fn parts(rows: impl Iterator<Item = Value>) -> Vec<String> {
    let mut parts = Vec::new();
    let mut part = String::from("[");
    for row in rows {
        let row = row.to_string();
        if part.len() > 1 && part.len() + row.len() + 2 > JSON_PART_BYTES {
            part.push(']');
            parts.push(std::mem::replace(&mut part, String::from("[")));
        }
        if part.len() > 1 {
            part.push(',');
        }
        part.push_str(&row);
    }
    if part.len() > 1 {
        part.push(']');
        parts.push(part);
    }
    parts
}

fn key_kind(c: Column) -> &'static str {
    match c {
        Column::Phone => "phone",
        Column::Email => "email",
        Column::UserName => "userName",
        _ => "externalId",
    }
}

#[derive(Deserialize)]
struct ClashRow {
    i: i64,
    kind: String,
}

/// Every person whose phone, email, userName, externalId or login id a user of this tenant and type already
/// has, as issues naming the row, the line and the column.
pub async fn clashes(db: &Db, tenant: &str, t: UserType, people: &[SheetUser]) -> Result<Vec<Issue>, ApiError> {
    // [person index, kind, value as compared]. `login` is the login id (userName, else the phone) against
    // users' user names, which API-made users have too.
    let rows = people.iter().enumerate().flat_map(|(i, p)| {
        let mut keys: Vec<Value> = p.keys().into_iter().map(|(c, v)| json!([i, key_kind(c), v])).collect();
        if let Some(login) = p.login_id() {
            keys.push(json!([i, "login", login]));
        }
        keys
    });
    let mut found: Vec<ClashRow> = Vec::new();
    for part in parts(rows) {
        found.extend(
            db.all::<ClashRow>(
                "SELECT json_extract(j.value, '$[0]') AS i, json_extract(j.value, '$[1]') AS kind FROM json_each(?1) j
                 WHERE EXISTS (SELECT 1 FROM identity_keys k WHERE k.tenant_id = ?2 AND k.user_type = ?3
                                 AND k.kind = json_extract(j.value, '$[1]') AND k.value = json_extract(j.value, '$[2]'))
                    OR (json_extract(j.value, '$[1]') = 'phone' AND EXISTS (SELECT 1 FROM users u
                          WHERE u.tenant_id = ?2 AND u.type = ?3 AND u.mobile_number = json_extract(j.value, '$[2]')))
                    OR (json_extract(j.value, '$[1]') = 'email' AND EXISTS (SELECT 1 FROM users u
                          WHERE u.tenant_id = ?2 AND u.type = ?3 AND u.email_id = json_extract(j.value, '$[2]') COLLATE NOCASE))
                    OR (json_extract(j.value, '$[1]') = 'login' AND EXISTS (SELECT 1 FROM users u
                          WHERE u.tenant_id = ?2 AND u.type = ?3 AND u.user_name = json_extract(j.value, '$[2]') COLLATE NOCASE))",
                &[text(&part), text(tenant), text(t.as_str())],
            )
            .await?,
        );
    }
    let mut issues = Vec::new();
    let mut seen = BTreeSet::new();
    for c in found {
        let Some(p) = usize::try_from(c.i).ok().and_then(|i| people.get(i)) else { continue };
        let (column, value) = match c.kind.as_str() {
            "phone" => (Column::Phone, p.phone.clone()),
            "email" => (Column::Email, p.email.clone()),
            "userName" => (Column::UserName, p.user_name.clone()),
            "externalId" => (Column::ExternalId, p.external_id.clone()),
            _ if p.user_name.is_some() => (Column::UserName, p.user_name.clone()),
            _ => (Column::Phone, p.phone.clone()),
        };
        // A login id found twice (as userName and as login) is one issue.
        if seen.insert((p.row, column)) {
            issues.push(Issue {
                row: Some(p.row),
                line: Some(p.line),
                column: Some(column),
                code: Code::AlreadyExists,
                value: value.map(|v| enrol_core::issue::shorten(&v)),
                param: None,
            });
        }
    }
    issues.sort_by_key(|i| (i.row, i.column));
    Ok(issues)
}

pub enum Created {
    /// Committed; the new outbox ids, to enqueue.
    Done(Vec<i64>),
    /// A COMPLETED upload with the same idempotency key committed first.
    SameKey,
    /// Another upload (or user) took one of the keys first; nothing was written.
    Clash,
}

/// The roles of a person: the sheet's, else the user type's own.
fn roles_of(p: &SheetUser, t: UserType) -> Vec<String> {
    if p.roles.is_empty() { vec![t.as_str().to_string()] } else { p.roles.clone() }
}

/// Creates every person of a clean sheet, or none, in one batch.
pub async fn create(db: &Db, keys: &Keys, r: &Record, people: &[SheetUser], s: &Settings) -> Result<Created, ApiError> {
    let statements = statements(db, keys, r, people, s)?;
    if let Err(e) = db.batch(statements).await {
        let why = format!("{e:?}");
        if why.contains("UNIQUE constraint failed: uploads.") {
            return Ok(Created::SameKey);
        }
        if why.contains("UNIQUE constraint failed") || why.contains("PRIMARY KEY") {
            return Ok(Created::Clash);
        }
        return Err(e);
    }
    #[derive(Deserialize)]
    struct Id {
        id: i64,
    }
    let ids: Vec<Id> = db.all("SELECT id FROM outbox WHERE upload_id = ?1 ORDER BY id", &[text(&r.process_id)]).await?;
    Ok(Created::Done(ids.into_iter().map(|i| i.id).collect()))
}

/// The batch that creates every person of a clean sheet: the upload record, users, roles, identity keys and
/// welcome messages (one-time passwords made, hashed and sealed here).
pub fn statements(
    db: &Db,
    keys: &Keys,
    r: &Record,
    people: &[SheetUser],
    s: &Settings,
) -> Result<Vec<worker::D1PreparedStatement>, ApiError> {
    let expires = (now_secs() + s.one_time_password_secs) as i64;
    let mut users = Vec::with_capacity(people.len());
    let mut roles = Vec::with_capacity(people.len());
    let mut identity = Vec::with_capacity(people.len() * 2);
    let mut outbox = Vec::with_capacity(people.len());
    for p in people {
        let uuid = uuid_v4()?;
        let login = p.login_id().ok_or_else(|| ApiError::internal("a clean row has no login id"))?;
        // A password from the file is a one-time password too: the person must choose their own.
        let password = match &p.password {
            Some(given) => given.clone(),
            None => credentials::one_time_password()?,
        };
        let attributes: serde_json::Map<String, Value> =
            p.attributes.iter().map(|(c, v)| (c.name().to_string(), Value::from(v.as_str()))).collect();
        users.push(json!([
            uuid,
            login,
            p.name,
            p.phone,
            p.email,
            p.dob,
            p.gender,
            p.locale(),
            keys.otp_hash(&uuid, &password),
            p.row,
            Value::Object(attributes).to_string()
        ]));
        for code in roles_of(p, r.user_type) {
            roles.push(json!([uuid, code]));
        }
        for (c, v) in p.keys() {
            identity.push(json!([uuid, key_kind(c), v]));
        }
        let (channel, recipient) = match (&p.phone, &p.email) {
            (Some(phone), _) => ("sms", phone.clone()),
            (None, Some(email)) => ("email", email.clone()),
            (None, None) => return Err(ApiError::internal("a clean row has neither phone nor email")),
        };
        let sealed = keys.seal_for_outbox(&password)?;
        outbox.push(json!([uuid, channel, recipient, p.locale(), sealed.link_code, sealed.sealed]));
    }
    let (tenant, t, pid) = (text(&r.tenant_id), text(r.user_type.as_str()), text(&r.process_id));
    let mut statements = vec![
        insert_record(db, r, "COMPLETED", people.len() as u64)?,
        audit_entry(db, r, audit::Outcome::Ok, people.len() as u64)?,
    ];
    for part in parts(users.into_iter()) {
        statements.push(db.stmt(
            "INSERT INTO users (uuid, tenant_id, user_name, type, name, mobile_number, email_id, dob, gender, locale,
                otp_hash, otp_expires_at, upload_id, upload_row, attributes, created_by, last_modified_by, active,
                default_pwd_chgd)
             SELECT json_extract(value, '$[0]'), ?2, json_extract(value, '$[1]'), ?3, json_extract(value, '$[2]'),
                json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'),
                json_extract(value, '$[6]'), json_extract(value, '$[7]'), json_extract(value, '$[8]'), ?4, ?5,
                json_extract(value, '$[9]'), json_extract(value, '$[10]'), ?6, ?6, 1, 0
             FROM json_each(?1)",
            &[text(&part), tenant.clone(), t.clone(), int(expires), pid.clone(), text(&r.created_by)],
        )?);
    }
    for part in parts(roles.into_iter()) {
        statements.push(db.stmt(
            "INSERT INTO user_roles (user_id, code, tenant_id, name)
             SELECT u.id, json_extract(j.value, '$[1]'), ?2, json_extract(j.value, '$[1]')
             FROM json_each(?1) j JOIN users u ON u.uuid = json_extract(j.value, '$[0]')",
            &[text(&part), tenant.clone()],
        )?);
    }
    for part in parts(identity.into_iter()) {
        statements.push(db.stmt(
            "INSERT INTO identity_keys (tenant_id, user_type, kind, value, user_id)
             SELECT ?2, ?3, json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), u.id
             FROM json_each(?1) j JOIN users u ON u.uuid = json_extract(j.value, '$[0]')",
            &[text(&part), tenant.clone(), t.clone()],
        )?);
    }
    for part in parts(outbox.into_iter()) {
        statements.push(db.stmt(
            "INSERT INTO outbox (user_id, upload_id, channel, kind, recipient, locale, link_code, credential)
             SELECT u.id, ?2, json_extract(j.value, '$[1]'), 'welcome', json_extract(j.value, '$[2]'),
                json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'), json_extract(j.value, '$[5]')
             FROM json_each(?1) j JOIN users u ON u.uuid = json_extract(j.value, '$[0]')",
            &[text(&part), pid.clone()],
        )?);
    }
    statements.extend(crate::tenants::remember_mapping(db, &r.tenant_id, &r.remember, &r.created_by)?);
    Ok(statements)
}
