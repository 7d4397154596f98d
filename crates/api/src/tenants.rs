//! Tenants as an administrator sees them (`GET /v1/tenants`: their subtree) and each tenant's upload
//! configuration (`GET`/`PUT /v1/tenant/{id}/upload-config`): the row limit and the allowed values of the
//! list columns. The page builds its validator from it and the Worker validates uploads with the very same
//! configuration, so both give one verdict. A tenant without its own inherits its nearest ancestor's, and
//! the root's default is enrol-core's.

use crate::auth::{self, Caller};
use crate::config::Settings;
use crate::db::{Db, text};
use crate::error::ApiError;
use crate::http;
use crate::users::model::{today, valid_tenant_id};
use enrol_core::config::{Allowed, DEFAULT_GRADES, DEFAULT_LANGUAGES, DEFAULT_ROLES, DEFAULT_SUBJECTS};
use enrol_core::fields::MobileRule;
use enrol_core::mapping::MAX_REMEMBERED;
use enrol_core::{Column, Config, Date};
use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::{Request, Response};

/// Most data rows a tenant may allow in one upload.
pub const MAX_ROWS_LIMIT: u64 = 100_000;
/// Most values an allowed list may hold, and the longest value.
const MAX_LIST_VALUES: usize = 500;
const MAX_VALUE_CHARS: usize = 100;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadConfig {
    pub max_rows: u64,
    pub roles: Vec<String>,
    pub grades: Vec<String>,
    pub languages: Vec<String>,
    pub subjects: Vec<String>,
}

fn owned(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

impl Default for UploadConfig {
    /// enrol-core's defaults (the upload guide's row limit of 1,000).
    fn default() -> Self {
        let core = Config::new(Date::from_unix_days(0));
        Self {
            max_rows: core.max_rows,
            roles: owned(DEFAULT_ROLES),
            grades: owned(DEFAULT_GRADES),
            languages: owned(DEFAULT_LANGUAGES),
            subjects: owned(DEFAULT_SUBJECTS),
        }
    }
}

impl UploadConfig {
    /// The validator's configuration, dated today, with the deployment's mobile number rule.
    pub fn to_core(&self, mobile: MobileRule) -> Config {
        let mut c = Config::new(today());
        c.mobile = mobile;
        c.max_rows = self.max_rows;
        c.roles = Allowed::new(self.roles.clone());
        c.grades = Allowed::new(self.grades.clone());
        c.languages = Allowed::new(self.languages.clone());
        c.subjects = Allowed::new(self.subjects.clone());
        c
    }

    /// The largest upload body this configuration allows.
    pub fn max_bytes(&self, s: &Settings) -> usize {
        let rows = usize::try_from(self.max_rows).unwrap_or(usize::MAX);
        rows.saturating_mul(crate::config::UPLOAD_BYTES_PER_ROW).clamp(s.max_upload_bytes, s.max_upload_bytes_cap)
    }
}

/// The configuration that applies to `tenant`: its own, else its nearest ancestor's, else the default.
pub async fn upload_config(db: &Db, tenant: &str) -> Result<UploadConfig, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        config: String,
    }
    let row: Option<Row> = db
        .first(
            "SELECT config FROM tenant_upload_config
             WHERE tenant_id = ?1 OR substr(?1, 1, length(tenant_id) + 1) = tenant_id || '.'
             ORDER BY length(tenant_id) DESC LIMIT 1",
            &[text(tenant)],
        )
        .await?;
    match row {
        // Written only by `put_config`, after checking; a row that does not read is a fault of ours.
        Some(r) => {
            serde_json::from_str(&r.config).map_err(|e| ApiError::internal(format!("stored upload config: {e}")))
        }
        None => Ok(UploadConfig::default()),
    }
}

/// The headings administrators of `tenant` confirmed (normalised), each with its column or none: proposed
/// first for the next file, by the page and by the upload.
pub async fn remembered_mapping(db: &Db, tenant: &str) -> Result<Vec<(String, Option<Column>)>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        heading: String,
        field: Option<String>,
    }
    let rows: Vec<Row> = db
        .all(
            "SELECT heading, field FROM tenant_mappings WHERE tenant_id = ?1 ORDER BY updated_at DESC, heading LIMIT ?2",
            &[text(tenant), crate::db::int(MAX_REMEMBERED as i64)],
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| match r.field {
            None => Some((r.heading, None)),
            // A column since renamed places nothing.
            Some(f) => Column::ALL.into_iter().find(|c| c.name() == f).map(|c| (r.heading, Some(c))),
        })
        .collect())
}

/// Remembers what an upload's mapping placed, for every administrator of the tenant; the tenant keeps its
/// `MAX_REMEMBERED` latest headings.
pub fn remember_mapping(
    db: &Db,
    tenant: &str,
    confirmed: &[(String, Option<Column>)],
    by: &str,
) -> Result<Vec<worker::D1PreparedStatement>, ApiError> {
    if confirmed.is_empty() {
        return Ok(Vec::new());
    }
    let entries: Vec<serde_json::Value> = confirmed.iter().map(|(h, f)| json!([h, f.map(Column::name)])).collect();
    Ok(vec![
        db.stmt(
            "INSERT INTO tenant_mappings (tenant_id, heading, field, updated_by)
             SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]'), ?3 FROM json_each(?2) WHERE true
             ON CONFLICT (tenant_id, heading) DO UPDATE SET field = excluded.field, updated_by = excluded.updated_by,
               updated_at = unixepoch()",
            &[text(tenant), text(&serde_json::Value::from(entries).to_string()), text(by)],
        )?,
        db.stmt(
            "DELETE FROM tenant_mappings WHERE tenant_id = ?1 AND heading NOT IN (
               SELECT heading FROM tenant_mappings WHERE tenant_id = ?1 ORDER BY updated_at DESC, heading LIMIT ?2)",
            &[text(tenant), crate::db::int(MAX_REMEMBERED as i64)],
        )?,
    ])
}

#[derive(Deserialize)]
struct TenantRow {
    id: String,
    name: String,
    parent_id: Option<String>,
}

/// Whether the tenant exists.
pub async fn exists(db: &Db, id: &str) -> Result<bool, ApiError> {
    let row: Option<TenantRow> = db.first("SELECT id, name, parent_id FROM tenants WHERE id = ?1", &[text(id)]).await?;
    Ok(row.is_some())
}

/// A role the caller may not give (`Caller::may_grant`), in the upload configuration or an upload's rows.
pub fn role_not_grantable(code: &str) -> ApiError {
    ApiError::new(403, "RoleNotGrantable", format!("You may not grant the role {code} in this tenant"))
}

fn admin(caller: &Caller) -> Result<(), ApiError> {
    if caller.is_admin() { Ok(()) } else { Err(ApiError::new(403, "NotAdmin", "Only administrators may do this")) }
}

/// `GET /v1/tenants`: the caller's tenant and every tenant below it, by id.
pub async fn list(req: Request, db: &Db) -> Result<Response, ApiError> {
    let caller = auth::require(db, auth::token_of(&req, None)).await?;
    admin(&caller)?;
    // The subtrees of the tenants where the caller's administrator roles are held.
    let tops = serde_json::to_string(&caller.admin_tenants()).map_err(|e| ApiError::internal(e.to_string()))?;
    let rows: Vec<TenantRow> = db
        .all(
            "SELECT id, name, parent_id FROM tenants t
             WHERE EXISTS (SELECT 1 FROM json_each(?1) a
                           WHERE t.id = a.value OR substr(t.id, 1, length(a.value) + 1) = a.value || '.')
             ORDER BY id",
            &[text(&tops)],
        )
        .await?;
    let tenants: Vec<_> = rows.iter().map(|t| json!({ "id": t.id, "name": t.name, "parentId": t.parent_id })).collect();
    http::ok_json(&json!({ "tenants": tenants }))
}

/// `GET /v1/offices` (public): the offices a citizen chooses from on `/register` and the forgot-password
/// step of `/login`, by name, so that nobody has to know a tenant id. `OFFICES` (`cities`, the default):
/// every state tenant and the tenants right below it; `state`: the state tenants only (a deployment with one
/// state then needs no choice at all), and the deployment's mobile number rule. Cached for five minutes: it
/// changes when tenants are added, rarely.
pub async fn offices(db: &Db, env: &worker::Env, s: &Settings) -> Result<Response, ApiError> {
    #[derive(Deserialize)]
    struct Office {
        id: String,
        name: String,
        state: String,
        state_name: String,
    }
    let cities = crate::config::text_var(env, "OFFICES").is_none_or(|v| v != "state");
    let rows: Vec<Office> = db
        .all(
            "SELECT t.id, t.name, s.id AS state, s.name AS state_name FROM tenants t
               JOIN tenants s ON s.id = coalesce(t.parent_id, t.id) AND s.parent_id IS NULL
             WHERE t.parent_id IS NULL OR (?1 AND t.parent_id = s.id)
             ORDER BY s.name, s.id, t.parent_id IS NOT NULL, t.name, t.id LIMIT 2000",
            &[wasm_bindgen::JsValue::from_bool(cities)],
        )
        .await?;
    let offices: Vec<_> = rows
        .iter()
        .map(|o| json!({ "id": o.id, "name": o.name, "stateId": o.state, "stateName": o.state_name }))
        .collect();
    // The deployment's mobile number rule comes along: the pages check and describe numbers by it.
    let mobile = json!({ "digits": s.mobile.digits, "firstDigits": s.mobile.first_digits() });
    let mut res = http::ok_json(&json!({ "offices": offices, "mobile": mobile }))?;
    res.headers_mut().set("cache-control", "public, max-age=300")?;
    Ok(res)
}

/// The tenant of a `/v1/tenant/{id}/…` path that the caller manages; unknown and foreign ones are both 404,
/// so that an administrator cannot probe other tenants.
async fn managed(db: &Db, caller: &Caller, id: &str) -> Result<(), ApiError> {
    admin(caller)?;
    if !valid_tenant_id(id) || !caller.manages(id) || !exists(db, id).await? {
        return Err(ApiError::new(404, "TenantNotFound", "No such tenant among those you manage"));
    }
    Ok(())
}

/// The configuration as the page reads it; `mobileDigits` and `mobileFirstDigits` are the deployment's (not
/// the tenant's), so that the page checks phones as the upload and the API do. `mapping` is the tenant's
/// remembered one: each heading (normalised) to its column, or null for a column left out.
async fn config_json(db: &Db, tenant: &str, c: &UploadConfig, s: &Settings) -> Result<serde_json::Value, ApiError> {
    let known: serde_json::Map<String, serde_json::Value> =
        remembered_mapping(db, tenant).await?.into_iter().map(|(h, f)| (h, f.map(Column::name).into())).collect();
    Ok(json!({
        "tenantId": tenant, "maxRows": c.max_rows, "roles": c.roles, "grades": c.grades,
        "languages": c.languages, "subjects": c.subjects,
        "mobileDigits": s.mobile.digits, "mobileFirstDigits": s.mobile.first_digits(), "mapping": known,
    }))
}

/// `GET /v1/tenant/{id}/upload-config`.
pub async fn get_config(req: Request, db: &Db, s: &Settings, tenant: &str) -> Result<Response, ApiError> {
    let caller = auth::require(db, auth::token_of(&req, None)).await?;
    managed(db, &caller, tenant).await?;
    http::ok_json(&config_json(db, tenant, &upload_config(db, tenant).await?, s).await?)
}

/// A change of the configuration: every field optional; what is given replaces the current value.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigInput {
    max_rows: Option<u64>,
    roles: Option<Vec<String>>,
    grades: Option<Vec<String>>,
    languages: Option<Vec<String>>,
    subjects: Option<Vec<String>>,
}

fn checked_list(field: &str, list: Option<Vec<String>>, current: Vec<String>) -> Result<Vec<String>, ApiError> {
    let Some(list) = list else { return Ok(current) };
    if list.is_empty() || list.len() > MAX_LIST_VALUES {
        return Err(ApiError::invalid_field(field, format!("1 to {MAX_LIST_VALUES} values")));
    }
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for v in list {
        let v = v.trim().to_string();
        // A cell's list is split at commas, so a value with one could never be chosen.
        if v.is_empty() || v.chars().count() > MAX_VALUE_CHARS || v.contains(',') || v.chars().any(char::is_control) {
            return Err(ApiError::invalid_field(
                field,
                format!("each value 1 to {MAX_VALUE_CHARS} characters, without commas or control characters"),
            ));
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&v)) {
            out.push(v);
        }
    }
    Ok(out)
}

/// `PUT /v1/tenant/{id}/upload-config`: an administrator of the tenant (or above it) changes its configuration.
pub async fn put_config(mut req: Request, db: &Db, s: &Settings, tenant: &str) -> Result<Response, ApiError> {
    let caller = auth::require(db, auth::token_of(&req, None)).await?;
    managed(db, &caller, tenant).await?;
    let input: ConfigInput = http::json(&mut req, s.max_body_bytes).await?;
    let current = upload_config(db, tenant).await?;
    let max_rows = input.max_rows.unwrap_or(current.max_rows);
    if !(1..=MAX_ROWS_LIMIT).contains(&max_rows) {
        return Err(ApiError::invalid_field("maxRows", format!("1 to {MAX_ROWS_LIMIT}")));
    }
    // A new list offers roles to every row of an upload: only roles this caller may grant here (the upload
    // checks each row again, whatever the list says, so a list set by a higher administrator stays usable).
    let given = input.roles.is_some();
    let changed: Vec<&str> = [
        ("maxRows", input.max_rows.is_some()),
        ("roles", given),
        ("grades", input.grades.is_some()),
        ("languages", input.languages.is_some()),
        ("subjects", input.subjects.is_some()),
    ]
    .into_iter()
    .filter_map(|(f, g)| g.then_some(f))
    .collect();
    let roles = checked_list("roles", input.roles, current.roles)?;
    if let Some(r) = roles.iter().find(|r| given && !caller.may_grant(r, tenant)) {
        return Err(role_not_grantable(r));
    }
    let config = UploadConfig {
        max_rows,
        roles,
        grades: checked_list("grades", input.grades, current.grades)?,
        languages: checked_list("languages", input.languages, current.languages)?,
        subjects: checked_list("subjects", input.subjects, current.subjects)?,
    };
    let stored = serde_json::to_string(&config).map_err(|e| ApiError::internal(e.to_string()))?;
    db.batch(vec![
        db.stmt(
            "INSERT INTO tenant_upload_config (tenant_id, config, updated_by) VALUES (?1, ?2, ?3)
             ON CONFLICT (tenant_id) DO UPDATE SET config = excluded.config, updated_by = excluded.updated_by,
             updated_at = unixepoch()",
            &[text(tenant), text(&stored), text(&caller.uuid)],
        )?,
        crate::audit::entry(
            db,
            &crate::audit::Actor::of(&caller, &req),
            Some(tenant),
            None,
            crate::audit::action::UPLOAD_CONFIG,
            crate::audit::Outcome::Ok,
            json!({ "fields": changed, "maxRows": config.max_rows, "roles": config.roles }),
        )?,
    ])
    .await?;
    http::ok_json(&config_json(db, tenant, &config, s).await?)
}
