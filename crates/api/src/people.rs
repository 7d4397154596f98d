//! People (issue 17): the day after an upload. An administrator finds the people of the tenants they manage
//! (by name, mobile number, user name, email or upload), sees each one's onboarding (created → credentials
//! sent → delivered or not, and why → first login → own password) and helps those who did not get in:
//! re-send credentials (`reissue::run`), change the mobile number or email and re-send, deactivate,
//! reactivate, unlock. Each action works for one person, a list, or every person a filter finds (its count
//! confirmed first, at most `MAX_ACTION` at once), and writes its audit entries in its own batch. The funnel
//! gives the same picture as counts.
//!
//! Who may see and act: administrators of the person's tenant subtree (`Caller::manages`) who could have
//! granted every role the person holds (`Caller::reaches`); everyone else is "not found". Pages go by id,
//! newest first, with a cursor (never OFFSET).

use crate::audit::{self, Actor, Outcome};
use crate::auth::{self, Caller};
use crate::config::{Settings, iso8601, now_secs};
use crate::credentials::Keys;
use crate::db::{Db, in_subtree, int, opt_text, text};
use crate::error::ApiError;
use crate::http::{self, query, query_number};
use crate::reissue;
use crate::users::model::{UserRow, valid_tenant_id};
use crate::users::user_columns;
use enrol_core::fields::{Email, Phone};
use serde::Deserialize;
use serde_json::{Value, json};
use wasm_bindgen::JsValue;
use worker::{Env, Request, Response};

/// Most people one action changes (a filter that finds more is refused: narrow it).
pub const MAX_ACTION: usize = 1_000;
/// Most people one page answers (and the default).
const MAX_PAGE: i64 = 100;

fn not_admin() -> ApiError {
    ApiError::new(403, "NotAdmin", "Only administrators may see and help people")
}

fn tenant_not_found() -> ApiError {
    ApiError::new(404, "TenantNotFound", "No such tenant among those you manage")
}

fn user_not_found() -> ApiError {
    ApiError::new(404, "UserNotFound", "No such user in your tenant")
}

/// What to find: the tenant (and its subtree) and the optional search and filter.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Selection {
    #[serde(default)]
    tenant_id: String,
    /// Name (its beginning, any case), mobile number (as people write it), user name or email (whole).
    q: Option<String>,
    /// `not-logged-in` (after `days`), `not-sent`, `not-delivered`, `no-own-password`, `locked`, `inactive`.
    filter: Option<String>,
    days: Option<i64>,
    /// An upload's process id or file name.
    upload: Option<String>,
}

const FILTERS: &[&str] = &["not-logged-in", "not-sent", "not-delivered", "no-own-password", "locked", "inactive"];

impl Selection {
    /// The filter, as given (`params` refuses one that is not in `FILTERS`).
    fn filter(&self) -> Option<&str> {
        self.filter.as_deref().map(str::trim).filter(|f| !f.is_empty())
    }

    /// Whether it searches by a text (`q`).
    fn searched(&self) -> bool {
        self.q.as_deref().is_some_and(|q| !q.trim().is_empty())
    }

    /// Whether it names an upload.
    fn uploaded(&self) -> bool {
        self.upload.as_deref().is_some_and(|u| !u.trim().is_empty())
    }

    fn from_query(req: &Request) -> Result<Self, ApiError> {
        Ok(Selection {
            tenant_id: query(req, "tenantId").unwrap_or_default(),
            q: query(req, "q"),
            filter: query(req, "filter"),
            days: match query(req, "days") {
                None => None,
                Some(_) => Some(query_number(req, "days", 0, 0..=3650)?),
            },
            upload: query(req, "upload"),
        })
    }

    /// The checked selection's bound values (?1 to ?8 of [`WHERE`]), after the tenant check.
    fn params(&self, caller: &Caller, s: &Settings) -> Result<Vec<JsValue>, ApiError> {
        let tenant = self.tenant_id.trim();
        if tenant.is_empty() {
            return Err(ApiError::invalid_field("tenantId", "required"));
        }
        if !valid_tenant_id(tenant) || !caller.manages(tenant) {
            return Err(tenant_not_found());
        }
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let q = given(&self.q);
        if q.as_deref().is_some_and(|q| q.chars().count() > 128) {
            return Err(ApiError::invalid_field("q", "at most 128 characters"));
        }
        let filter = given(&self.filter);
        if let Some(f) = &filter
            && !FILTERS.contains(&f.as_str())
        {
            return Err(ApiError::invalid_field("filter", format!("one of {}", FILTERS.join(", "))));
        }
        let days = self.days.unwrap_or(0);
        if !(0..=3650).contains(&days) {
            return Err(ApiError::invalid_field("days", "a number from 0 to 3650"));
        }
        let upload = given(&self.upload);
        if upload.as_deref().is_some_and(|u| u.chars().count() > 256) {
            return Err(ApiError::invalid_field("upload", "at most 256 characters"));
        }
        // A mobile number as people write it (+91 98765-43210) is found as stored.
        let phone =
            q.as_deref().and_then(|q| Phone::parse_with(q, s.mobile).ok().flatten()).map(|p| p.as_ref().to_string());
        let prefix =
            q.as_deref().map(|q| format!("{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
        let now = now_secs() as i64;
        Ok(vec![
            text(tenant),
            opt_text(q.as_deref()),
            opt_text(prefix.as_deref()),
            opt_text(phone.as_deref()),
            opt_text(upload.as_deref()),
            opt_text(filter.as_deref()),
            int(now - days * 86_400),
            int(now),
        ])
    }
}

/// SQL: the process ids of the uploads a selection names (?5, by process id or file name), in the subtree.
macro_rules! uploads_named {
    () => {
        concat!(
            "SELECT p.process_id FROM uploads p WHERE ",
            in_subtree!("p.tenant_id"),
            " AND (p.process_id = ?5 OR p.file_name = ?5)"
        )
    };
}

/// The people a selection finds (`u`), with its bound values ?1 to ?8 ([`Selection::params`]); ?9 is the
/// cursor (ids below it) and ?10 the most rows. The filter's own condition is `filter_clause`'s, so that each
/// filter's query can walk an index of its own.
const WHERE: &str = concat!(
    in_subtree!("u.tenant_id"),
    "
  AND (?2 IS NULL OR u.user_name = ?2 COLLATE NOCASE OR u.email_id = ?2 COLLATE NOCASE OR u.mobile_number = ?4
       OR u.name LIKE ?3 ESCAPE '\\')
  AND (?5 IS NULL OR u.upload_id IN (",
    uploads_named!(),
    "))
  AND u.id < ?9"
);

/// A filter's condition (one of `FILTERS`, checked by `Selection::params`): static SQL, its values bound as
/// ?7 (created before) and ?8 (now). A rare state (locked, inactive, no own password) has a partial index of
/// the ids in it (migrations/0010), and a failed message is found from the outbox's index of states, so that a
/// page of them never walks the whole tenant.
fn filter_clause(filter: Option<&str>) -> &'static str {
    match filter {
        Some("not-logged-in") => "u.first_login_at IS NULL AND u.created_at <= ?7",
        Some("not-sent") => {
            "coalesce((SELECT o.state FROM outbox o WHERE o.user_id = u.id AND o.kind = 'welcome'
                       ORDER BY o.id DESC LIMIT 1), 'none') NOT IN ('sent', 'delivered')"
        }
        Some("not-delivered") => {
            "u.id IN (SELECT o.user_id FROM outbox o WHERE o.state = 'failed' AND o.kind = 'welcome')
             AND (SELECT o.state FROM outbox o WHERE o.user_id = u.id AND o.kind = 'welcome'
                  ORDER BY o.id DESC LIMIT 1) = 'failed'"
        }
        Some("no-own-password") => "u.first_login_at IS NOT NULL AND u.own_password_at IS NULL",
        Some("locked") => "u.account_locked = 1 AND (u.locked_until IS NULL OR u.locked_until > ?8)",
        Some("inactive") => "u.active = 0",
        _ => "1",
    }
}

/// A person as the People view reads them: the user, their latest welcome message, who created them.
#[derive(Deserialize)]
struct PersonRow {
    #[serde(flatten)]
    user: UserRow,
    first_login_at: Option<i64>,
    own_password_at: Option<i64>,
    upload_id: Option<String>,
    upload_file: Option<String>,
    creator_name: Option<String>,
    /// JSON: channel, state, created, updated, error.
    message: Option<String>,
}

macro_rules! person_columns {
    () => {
        concat!(
            user_columns!(),
            ", u.first_login_at, u.own_password_at, u.upload_id,
             (SELECT p.file_name FROM uploads p WHERE p.process_id = u.upload_id) AS upload_file,
             (SELECT c.user_name FROM users c WHERE c.uuid = u.created_by) AS creator_name,
             (SELECT json_object('channel', o.channel, 'state', o.state, 'created', o.created_at,
                     'updated', o.updated_at, 'error', o.last_error)
                FROM outbox o WHERE o.user_id = u.id AND o.kind = 'welcome' ORDER BY o.id DESC LIMIT 1) AS message"
        )
    };
}

/// SQL: the people (`u`) of each tenant (`t`) of the subtree, each tenant's through its own indexes.
macro_rules! subtree_users {
    () => {
        concat!("SELECT u.id FROM tenants t CROSS JOIN users u WHERE ", in_subtree!("t.id"), " AND u.tenant_id = t.id")
    };
}

/// The people a search (?2, ?4) can find, from the indexes of each of the subtree's tenants (user name, mobile
/// number, email, a name's first letters as a range of the name index): a few ids, never the whole tenant.
/// [`WHERE`] still decides; these only need to hold every person it finds.
const MATCHES: &str = concat!(
    subtree_users!(),
    " AND u.type IN ('CITIZEN', 'EMPLOYEE', 'SYSTEM') AND u.user_name = ?2 COLLATE NOCASE
  UNION ",
    subtree_users!(),
    " AND u.mobile_number = ?4
  UNION ",
    subtree_users!(),
    " AND u.email_id = ?2 COLLATE NOCASE
  UNION ",
    subtree_users!(),
    " AND u.name COLLATE NOCASE >= ?2 AND u.name COLLATE NOCASE < ?2 || char(1114111)"
);

/// The list's query for a selection: a page of people, newest first. A search walks the people it matches, an
/// upload's name the people of those uploads: their page's ids are chosen first (sorting only those), and the
/// columns (with their subqueries) are read for the page alone. Otherwise the subtree's people (or a rare
/// state's partial index) are walked newest first, and the first 50 that qualify end the walk.
fn page_sql(selection: &Selection) -> String {
    let filter = filter_clause(selection.filter());
    let from = if selection.searched() {
        format!("({MATCHES}) AS m CROSS JOIN users u ON u.id = m.id")
    } else if selection.uploaded() {
        format!("({}) AS m CROSS JOIN users u ON u.upload_id = m.process_id", uploads_named!())
    } else {
        return format!(
            "SELECT {} FROM users u WHERE {WHERE} AND {filter} ORDER BY u.id DESC LIMIT ?10",
            person_columns!()
        );
    };
    format!(
        "SELECT {} FROM (SELECT u.id FROM {from} WHERE {WHERE} AND {filter} ORDER BY u.id DESC LIMIT ?10) AS page
         CROSS JOIN users u ON u.id = page.id ORDER BY u.id DESC",
        person_columns!()
    )
}

fn at(secs: Option<i64>) -> Value {
    secs.map_or(Value::Null, |s| json!(iso8601(s.max(0) as u64 * 1000)))
}

impl PersonRow {
    fn to_json(&self, now: u64) -> Value {
        let u = &self.user;
        let m: Value = self.message.as_deref().and_then(|m| serde_json::from_str(m).ok()).unwrap_or(Value::Null);
        let state = m["state"].as_str();
        let (delivered, not_delivered) = match state {
            Some("delivered") => (at(m["updated"].as_i64()), Value::Null),
            Some("failed") => (
                Value::Null,
                json!({ "at": at(m["updated"].as_i64()), "reason": m["error"].as_str().unwrap_or("failed") }),
            ),
            _ => (Value::Null, Value::Null),
        };
        let roles: Vec<String> = u.held_roles().into_iter().map(|r| r.code).collect();
        json!({
            "uuid": u.uuid, "userName": u.user_name, "name": u.name, "type": u.user_type, "tenantId": u.tenant_id,
            "mobileNumber": u.mobile_number, "emailId": u.email_id, "roles": roles,
            "active": u.active == 1, "locked": u.locked(now),
            "steps": {
                "created": {
                    "at": at(Some(u.created_at)),
                    "upload": self.upload_id.as_ref().map(|p| json!({ "processId": p, "fileName": self.upload_file })),
                    "by": u.created_by.as_ref().map(|c| json!({ "uuid": c, "userName": self.creator_name })),
                },
                "sent": if m.is_null() { Value::Null } else {
                    json!({ "at": at(m["created"].as_i64()), "channel": m["channel"], "state": state })
                },
                "delivered": delivered,
                "notDelivered": not_delivered,
                "firstLogin": at(self.first_login_at),
                "ownPassword": at(self.own_password_at),
            },
        })
    }
}

/// `GET /v1/people?tenantId=…[&q=…][&filter=…][&days=n][&upload=…][&cursor=id][&limit=n]`.
pub async fn list(req: Request, db: &Db, s: &Settings) -> Result<Response, ApiError> {
    let caller = auth::require(db, auth::token_of(&req, None)).await?;
    if !caller.is_admin() {
        return Err(not_admin());
    }
    let selection = Selection::from_query(&req)?;
    let mut params = selection.params(&caller, s)?;
    let cursor = query_number(&req, "cursor", i64::MAX / 2, 1..=i64::MAX / 2)?;
    let limit = query_number(&req, "limit", 50, 1..=MAX_PAGE)?;
    params.extend([int(cursor), int(limit)]);
    let rows: Vec<PersonRow> = db.all(&page_sql(&selection), &params).await?;
    // The cursor goes on from the last row read, shown or not (people above the caller's rank are not shown).
    let next = if rows.len() as i64 == limit { rows.last().map(|r| r.user.id) } else { None };
    let now = now_secs();
    let people: Vec<Value> = rows.iter().filter(|r| caller.reaches(&r.user)).map(|r| r.to_json(now)).collect();
    http::ok_json(&json!({ "people": people, "next": next }))
}

/// `GET /__bench/people-plan?…` (`ENROL_BENCH=1` only, never deployed): SQLite's plan for the query of
/// `GET /v1/people` with the same parameters, so that the benchmark can show which searches use an index and
/// which scan. An administrator's token, as for the list.
pub async fn plan(req: Request, db: &Db, s: &Settings) -> Result<Response, ApiError> {
    #[derive(Deserialize)]
    struct Step {
        detail: String,
    }
    let caller = auth::require(db, auth::token_of(&req, None)).await?;
    let selection = Selection::from_query(&req)?;
    let mut params = selection.params(&caller, s)?;
    params.extend([int(i64::MAX / 2), int(50)]);
    let steps: Vec<Step> = db.all(&format!("EXPLAIN QUERY PLAN {}", page_sql(&selection)), &params).await?;
    http::ok_json(&json!({ "plan": steps.iter().map(|s| s.detail.as_str()).collect::<Vec<_>>() }))
}

/// `GET /v1/people/{uuid}`: one person, with the history of their messages and the audit log's entries.
pub async fn one(req: Request, db: &Db, uuid: &str) -> Result<Response, ApiError> {
    let caller = auth::require(db, auth::token_of(&req, None)).await?;
    if !caller.is_admin() {
        return Err(not_admin());
    }
    let row = person(db, &caller, uuid).await?;
    #[derive(Deserialize)]
    struct Message {
        channel: String,
        state: String,
        created_at: i64,
        updated_at: i64,
        last_error: Option<String>,
    }
    let messages: Vec<Message> = db
        .all(
            "SELECT channel, state, created_at, updated_at, last_error FROM outbox
             WHERE user_id = ?1 AND kind = 'welcome' ORDER BY id DESC LIMIT 50",
            &[int(row.user.id)],
        )
        .await?;
    #[derive(Deserialize)]
    struct Entry {
        at: i64,
        actor_name: Option<String>,
        action: String,
        outcome: String,
    }
    let entries: Vec<Entry> = db
        .all(
            "SELECT at, actor_name, action, outcome FROM audit_log WHERE subject_uuid = ?1 ORDER BY id DESC LIMIT 50",
            &[text(&row.user.uuid)],
        )
        .await?;
    let mut body = row.to_json(now_secs());
    body["messages"] = messages
        .iter()
        .map(|m| {
            json!({ "channel": m.channel, "state": m.state, "at": at(Some(m.created_at)),
                    "updated": at(Some(m.updated_at)), "reason": m.last_error })
        })
        .collect();
    body["history"] = entries
        .iter()
        .map(|e| json!({ "at": at(Some(e.at)), "by": e.actor_name, "action": e.action, "outcome": e.outcome }))
        .collect();
    http::ok_json(&body)
}

/// The person `uuid` if the caller reaches them, else "not found" (not yours and not there answer alike).
async fn person(db: &Db, caller: &Caller, uuid: &str) -> Result<PersonRow, ApiError> {
    if uuid.is_empty() || uuid.len() > 64 {
        return Err(user_not_found());
    }
    let row: Option<PersonRow> =
        db.first(&format!("SELECT {} FROM users u WHERE u.uuid = ?1", person_columns!()), &[text(uuid)]).await?;
    row.filter(|r| caller.reaches(&r.user)).ok_or_else(user_not_found)
}

/// An action's body: a list of people, or a selection and the count the administrator confirmed (without
/// `confirm`, the answer is the count only: nothing is done).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ActionInput {
    tenant_id: Option<String>,
    uuids: Option<Vec<String>>,
    filter: Option<Selection>,
    confirm: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Reissue,
    Deactivate,
    Activate,
    Unlock,
}

impl Action {
    fn audit(self) -> &'static str {
        match self {
            Action::Reissue => audit::action::REISSUE,
            Action::Deactivate => audit::action::DEACTIVATE,
            Action::Activate => audit::action::ACTIVATE,
            Action::Unlock => audit::action::UNLOCK,
        }
    }
}

/// `POST /v1/people/_reissue|_deactivate|_activate|_unlock`. Every refusal changes nothing and is recorded.
pub async fn act(
    mut req: Request,
    env: &Env,
    ctx: &worker::Context,
    db: &Db,
    s: &Settings,
    action: Action,
) -> Result<Response, ApiError> {
    let caller = auth::require(db, auth::token_of(&req, None)).await?;
    let actor = Actor::of(&caller, &req);
    let input: Result<ActionInput, ApiError> = http::json(&mut req, s.max_body_bytes).await;
    let tenant = input.as_ref().ok().and_then(|i| {
        i.tenant_id.clone().or_else(|| i.filter.as_ref().map(|f| f.tenant_id.clone())).filter(|t| valid_tenant_id(t))
    });
    let done = match input {
        Ok(input) => act_on(env, ctx, db, s, &caller, &actor, action, input).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(body) => http::ok_json(&body),
        Err(e) => {
            // A refusal is recorded (a fault of ours is not a refusal: it is logged).
            if e.status < 500 {
                audit::refused(db, &actor, tenant.as_deref(), None, action.audit(), &e).await;
            }
            Err(e)
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn act_on(
    env: &Env,
    ctx: &worker::Context,
    db: &Db,
    s: &Settings,
    caller: &Caller,
    actor: &Actor,
    action: Action,
    input: ActionInput,
) -> Result<Value, ApiError> {
    if !caller.is_admin() {
        return Err(not_admin());
    }
    let people = match (&input.uuids, &input.filter) {
        (Some(uuids), None) => listed(db, caller, input.tenant_id.as_deref(), uuids).await?,
        (None, Some(selection)) => {
            let found = selected(db, caller, s, selection).await?;
            if found.len() > MAX_ACTION {
                return Err(too_many());
            }
            match input.confirm {
                None => return Ok(json!({ "dryRun": true, "count": found.len() })),
                Some(n) if n != found.len() => {
                    let mut e = ApiError::new(
                        409,
                        "CountChanged",
                        format!("The filter now finds {} people, not {n}: confirm the new count", found.len()),
                    );
                    e.params.push(found.len().to_string());
                    return Err(e);
                }
                Some(_) => found,
            }
        }
        _ => return Err(ApiError::bad_request("InvalidSelection", "Send either uuids or filter (with confirm)")),
    };
    if action == Action::Deactivate && people.iter().any(|p| p.user.id == caller.id) {
        return Err(ApiError::bad_request("OwnAccount", "You cannot deactivate your own account"));
    }
    if action == Action::Reissue {
        return resend(env, ctx, db, s, actor, &people, Vec::new()).await;
    }
    // Only those whose state changes are touched and recorded.
    let changing: Vec<i64> = people
        .iter()
        .filter(|p| match action {
            Action::Deactivate => p.user.active == 1,
            Action::Activate => p.user.active == 0,
            _ => p.user.account_locked == 1,
        })
        .map(|p| p.user.id)
        .collect();
    if changing.is_empty() {
        return Ok(json!({ "action": action.audit(), "count": 0, "skipped": [] }));
    }
    let ids = serde_json::to_string(&changing).map_err(|e| ApiError::internal(e.to_string()))?;
    let by = text(&caller.uuid);
    let mut statements = vec![audit::for_users(db, actor, &ids, action.audit(), Outcome::Ok, json!({}))?];
    let each = "WHERE id IN (SELECT value FROM json_each(?1))";
    match action {
        Action::Deactivate => {
            statements.push(db.stmt(
                &format!("UPDATE users SET active = 0, last_modified_by = ?2, updated_at = unixepoch() {each}"),
                &[text(&ids), by],
            )?);
            // Deactivation ends every session at once (reactivating revives none).
            statements.push(
                db.stmt("DELETE FROM sessions WHERE user_id IN (SELECT value FROM json_each(?1))", &[text(&ids)])?,
            );
        }
        Action::Activate => statements.push(db.stmt(
            &format!("UPDATE users SET active = 1, last_modified_by = ?2, updated_at = unixepoch() {each}"),
            &[text(&ids), by],
        )?),
        Action::Unlock | Action::Reissue => {
            statements.push(db.stmt(
                &format!(
                    "UPDATE users SET account_locked = 0, locked_until = NULL, last_modified_by = ?2,
                       updated_at = unixepoch() {each}"
                ),
                &[text(&ids), by],
            )?);
            statements.push(db.stmt(
                "DELETE FROM login_failures WHERE user_id IN (SELECT value FROM json_each(?1))",
                &[text(&ids)],
            )?);
        }
    }
    db.batch(statements).await?;
    Ok(json!({ "action": action.audit(), "count": changing.len(), "skipped": [] }))
}

fn too_many() -> ApiError {
    ApiError::new(413, "TooManyPeople", format!("At most {MAX_ACTION} people at once: narrow the filter or the list"))
}

/// The listed people, each one the caller reaches in `tenant`'s subtree; any other (unknown, of another
/// tenant, of a higher rank) refuses the whole request as "not found".
async fn listed(db: &Db, caller: &Caller, tenant: Option<&str>, uuids: &[String]) -> Result<Vec<PersonRow>, ApiError> {
    let tenant = tenant
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::invalid_field("tenantId", "required"))?;
    if !valid_tenant_id(tenant) || !caller.manages(tenant) {
        return Err(tenant_not_found());
    }
    if uuids.is_empty() {
        return Err(ApiError::invalid_field("uuids", "at least one"));
    }
    if uuids.len() > MAX_ACTION {
        return Err(too_many());
    }
    if uuids.iter().any(|u| u.is_empty() || u.len() > 64) {
        return Err(ApiError::invalid_field("uuids", "each a user's uuid"));
    }
    let mut unique: Vec<&String> = uuids.iter().collect();
    unique.sort_unstable();
    unique.dedup();
    let list = serde_json::to_string(&unique).map_err(|e| ApiError::internal(e.to_string()))?;
    let rows: Vec<PersonRow> = db
        .all(
            &format!(
                "SELECT {} FROM users u WHERE u.uuid IN (SELECT value FROM json_each(?1)) ORDER BY u.id",
                person_columns!()
            ),
            &[text(&list)],
        )
        .await?;
    let reached = rows.len() == unique.len()
        && rows.iter().all(|r| caller.reaches(&r.user) && auth::in_subtree(tenant, &r.user.tenant_id));
    if !reached {
        return Err(user_not_found());
    }
    Ok(rows)
}

/// Every person the selection finds that the caller reaches, up to one more than `MAX_ACTION` (to tell "too
/// many"), read in pages by id.
async fn selected(db: &Db, caller: &Caller, s: &Settings, selection: &Selection) -> Result<Vec<PersonRow>, ApiError> {
    let params = selection.params(caller, s)?;
    let mut out: Vec<PersonRow> = Vec::new();
    let mut cursor = i64::MAX / 2;
    const PAGE: i64 = 500;
    loop {
        let mut p = params.clone();
        p.extend([int(cursor), int(PAGE)]);
        let rows: Vec<PersonRow> = db.all(&page_sql(selection), &p).await?;
        let full = rows.len() as i64 == PAGE;
        if let Some(last) = rows.last() {
            cursor = last.user.id;
        }
        out.extend(rows.into_iter().filter(|r| caller.reaches(&r.user)));
        if !full || out.len() > MAX_ACTION {
            return Ok(out);
        }
    }
}

/// Re-sends credentials to `people` (after `before`, a change of contact, in the same batch): those without
/// a mobile number or email, or past the daily limit, are skipped and named; when nobody is left, the refusal
/// of the first says why.
async fn resend(
    env: &Env,
    ctx: &worker::Context,
    db: &Db,
    s: &Settings,
    actor: &Actor,
    people: &[PersonRow],
    before: Vec<worker::D1PreparedStatement>,
) -> Result<Value, ApiError> {
    let keys = Keys::from_env(env)?;
    let targets = reissue::targets(db, &people.iter().map(|p| p.user.id).collect::<Vec<_>>()).await?;
    let mut skipped = Vec::new();
    let mut first_refusal = None;
    let mut ready = Vec::new();
    for t in targets {
        let refusal = if t.contact().is_none() {
            Some(ApiError::bad_request("NoContact", "This user has neither a mobile number nor an email address"))
        } else if t.sent_today >= i64::from(s.resend_per_day) {
            Some(reissue::limit_reached(s))
        } else {
            None
        };
        match refusal {
            Some(e) => {
                skipped.push(json!({ "uuid": t.uuid, "reason": e.code }));
                first_refusal.get_or_insert(e);
            }
            None => ready.push(t),
        }
    }
    if ready.is_empty() {
        return Err(first_refusal.unwrap_or_else(user_not_found));
    }
    let ids = reissue::run(db, &keys, s, actor, &ready, before).await?;
    crate::sms::enqueue_after_commit(env, ctx, ids.clone());
    Ok(json!({ "action": audit::action::REISSUE, "count": ready.len(), "skipped": skipped, "outboxIds": ids }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ContactInput {
    mobile_number: Option<String>,
    email_id: Option<String>,
    /// Re-send the credentials to the new contact in the same batch (the default).
    resend: Option<bool>,
}

/// `PATCH /v1/people/{uuid}`: a new mobile number and/or email (checked as an upload checks them: the
/// deployment's mobile rule, an email's form, and no other person of the tenant and type holding it), then,
/// unless `resend` is false, the credentials re-sent there, all in one batch with their audit entries.
pub async fn patch(
    mut req: Request,
    env: &Env,
    ctx: &worker::Context,
    db: &Db,
    s: &Settings,
    uuid: &str,
) -> Result<Response, ApiError> {
    let caller = auth::require(db, auth::token_of(&req, None)).await?;
    let actor = Actor::of(&caller, &req);
    let input: Result<ContactInput, ApiError> = http::json(&mut req, s.max_body_bytes).await;
    let mut tenant = None;
    let done = match input {
        Ok(input) => patch_person(env, ctx, db, s, &caller, &actor, uuid, input, &mut tenant).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(body) => http::ok_json(&body),
        Err(e) => {
            if e.status < 500 {
                let subject = tenant.as_ref().map(|_| uuid);
                audit::refused(db, &actor, tenant.as_deref(), subject, audit::action::CONTACT, &e).await;
            }
            Err(e)
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn patch_person(
    env: &Env,
    ctx: &worker::Context,
    db: &Db,
    s: &Settings,
    caller: &Caller,
    actor: &Actor,
    uuid: &str,
    input: ContactInput,
    tenant: &mut Option<String>,
) -> Result<Value, ApiError> {
    if !caller.is_admin() {
        return Err(not_admin());
    }
    let row = person(db, caller, uuid).await?;
    *tenant = Some(row.user.tenant_id.clone());
    let mobile = match input.mobile_number.as_deref() {
        None => None,
        Some(m) => Some(
            Phone::parse_with(m, s.mobile)
                .ok()
                .flatten()
                .map(|p| p.as_ref().to_string())
                .ok_or_else(|| ApiError::invalid_field("mobileNumber", s.mobile.describe()))?,
        ),
    };
    let email = match input.email_id.as_deref() {
        None => None,
        Some(e) => Some(
            Email::parse(e)
                .ok()
                .flatten()
                .map(|e| e.as_ref().to_string())
                .ok_or_else(|| ApiError::invalid_field("emailId", "not an email address"))?,
        ),
    };
    if mobile.is_none() && email.is_none() {
        return Err(ApiError::invalid_field("mobileNumber", "give a mobileNumber or an emailId"));
    }
    let u = &row.user;
    // No other person of the tenant and type may hold it (the upload's rule: its identity keys, and the
    // users made by DIGIT's routes, which have none).
    #[derive(Deserialize)]
    struct Clash {
        kind: String,
    }
    let clash: Option<Clash> = db
        .first(
            "SELECT 'mobileNumber' AS kind WHERE ?4 IS NOT NULL AND (
                 EXISTS (SELECT 1 FROM identity_keys k WHERE k.tenant_id = ?1 AND k.user_type = ?2 AND k.kind = 'phone'
                           AND k.value = ?4 AND k.user_id != ?3)
              OR EXISTS (SELECT 1 FROM users o WHERE o.tenant_id = ?1 AND o.type = ?2 AND o.mobile_number = ?4 AND o.id != ?3))
             UNION ALL
             SELECT 'emailId' WHERE ?5 IS NOT NULL AND (
                 EXISTS (SELECT 1 FROM identity_keys k WHERE k.tenant_id = ?1 AND k.user_type = ?2 AND k.kind = 'email'
                           AND k.value = lower(?5) AND k.user_id != ?3)
              OR EXISTS (SELECT 1 FROM users o WHERE o.tenant_id = ?1 AND o.type = ?2 AND o.email_id = ?5 COLLATE NOCASE
                           AND o.id != ?3))
             LIMIT 1",
            &[text(&u.tenant_id), text(&u.user_type), int(u.id), opt_text(mobile.as_deref()), opt_text(email.as_deref())],
        )
        .await?;
    if let Some(c) = clash {
        return Err(in_use(&c.kind));
    }
    let mut fields = Vec::new();
    let mut statements = Vec::new();
    let (tenant_v, type_v) = (text(&u.tenant_id), text(&u.user_type));
    for (field, kind, value) in
        [("mobileNumber", "phone", mobile.clone()), ("emailId", "email", email.as_ref().map(|e| e.to_lowercase()))]
    {
        let Some(value) = value else { continue };
        fields.push(field);
        statements
            .push(db.stmt("DELETE FROM identity_keys WHERE user_id = ?1 AND kind = ?2", &[int(u.id), text(kind)])?);
        statements.push(db.stmt(
            "INSERT INTO identity_keys (tenant_id, user_type, kind, value, user_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            &[tenant_v.clone(), type_v.clone(), text(kind), text(&value), int(u.id)],
        )?);
    }
    statements.insert(
        0,
        db.stmt(
            "UPDATE users SET mobile_number = coalesce(?2, mobile_number), email_id = coalesce(?3, email_id),
               last_modified_by = ?4, updated_at = unixepoch() WHERE id = ?1",
            &[int(u.id), opt_text(mobile.as_deref()), opt_text(email.as_deref()), text(&caller.uuid)],
        )?,
    );
    statements.push(audit::entry(
        db,
        actor,
        Some(&u.tenant_id),
        Some(&u.uuid),
        audit::action::CONTACT,
        Outcome::Ok,
        json!({ "fields": fields }),
    )?);
    let clash_to_conflict = |e: ApiError| {
        let why = format!("{e:?}");
        if why.contains("UNIQUE constraint failed") || why.contains("PRIMARY KEY") {
            in_use(if why.contains("phone") { "mobileNumber" } else { "emailId" })
        } else {
            e
        }
    };
    if input.resend == Some(false) {
        db.batch(statements).await.map_err(clash_to_conflict)?;
        return Ok(json!({ "uuid": u.uuid, "changed": fields, "resent": false }));
    }
    // The re-send reads the person's contact from the rows the batch has changed by then.
    let mut sent = resend_changed(env, ctx, db, s, actor, &row, mobile.as_deref(), email.as_deref(), statements)
        .await
        .map_err(clash_to_conflict)?;
    sent["uuid"] = json!(u.uuid);
    sent["changed"] = json!(fields);
    sent["resent"] = json!(true);
    Ok(sent)
}

fn in_use(field: &str) -> ApiError {
    let mut e = ApiError::new(409, "ContactInUse", format!("{field}: another person of this tenant has it"));
    e.params.push(field.to_string());
    e
}

/// [`resend`] to the new contact: the target is the person as the batch leaves them.
#[allow(clippy::too_many_arguments)]
async fn resend_changed(
    env: &Env,
    ctx: &worker::Context,
    db: &Db,
    s: &Settings,
    actor: &Actor,
    row: &PersonRow,
    mobile: Option<&str>,
    email: Option<&str>,
    before: Vec<worker::D1PreparedStatement>,
) -> Result<Value, ApiError> {
    let keys = Keys::from_env(env)?;
    let mut targets = reissue::targets(db, &[row.user.id]).await?;
    let Some(t) = targets.first_mut() else { return Err(user_not_found()) };
    if let Some(m) = mobile {
        t.mobile_number = Some(m.to_string());
    }
    if let Some(e) = email {
        t.email_id = Some(e.to_string());
    }
    if t.sent_today >= i64::from(s.resend_per_day) {
        return Err(reissue::limit_reached(s));
    }
    let channel = t.contact().map(|(c, _)| c);
    let ids = reissue::run(db, &keys, s, actor, &targets, before).await?;
    crate::sms::enqueue_after_commit(env, ctx, ids.clone());
    Ok(json!({ "channel": channel, "outboxIds": ids }))
}

/// `GET /v1/onboarding/funnel?tenantId=…[&processId=…]`: how many of the tenant's (subtree's) people, or of
/// one upload's, were created, had their credentials accepted by the provider (`sent`, which includes those
/// whose delivery was reported), were reported delivered, failed, logged in and set their own password; and
/// the median seconds from creation to the first login.
pub async fn funnel(req: Request, db: &Db) -> Result<Response, ApiError> {
    let caller = auth::require(db, auth::token_of(&req, None)).await?;
    if !caller.is_admin() {
        return Err(not_admin());
    }
    let tenant = query(&req, "tenantId").map(|t| t.trim().to_string()).unwrap_or_default();
    if tenant.is_empty() {
        return Err(ApiError::invalid_field("tenantId", "required"));
    }
    if !valid_tenant_id(&tenant) || !caller.manages(&tenant) {
        return Err(tenant_not_found());
    }
    let process = query(&req, "processId").map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
    if process.as_deref().is_some_and(|p| p.len() > 64) {
        return Err(ApiError::invalid_field("processId", "an upload's process id"));
    }
    #[derive(Deserialize)]
    struct Counts {
        created: i64,
        sent: Option<i64>,
        delivered: Option<i64>,
        failed: Option<i64>,
        queued: Option<i64>,
        logged_in: Option<i64>,
        own_password: Option<i64>,
    }
    const TENANT_AND_UPLOAD: &str = concat!(in_subtree!("u.tenant_id"), " AND (?2 IS NULL OR u.upload_id = ?2)");
    let params = [text(&tenant), opt_text(process.as_deref())];
    let counts: Option<Counts> = db
        .first(
            &format!(
                // Each person's latest welcome by its id (an index seek), then its row: one lookup each (a
                // scalar subquery for the state was run once per use of it, three times a person).
                "SELECT count(*) AS created, sum(o.state IN ('sent', 'delivered')) AS sent,
                   sum(o.state = 'delivered') AS delivered, sum(o.state = 'failed') AS failed,
                   sum(o.state IN ('pending', 'sending')) AS queued,
                   sum(u.first_login_at IS NOT NULL) AS logged_in, sum(u.own_password_at IS NOT NULL) AS own_password
                 FROM users u LEFT JOIN outbox o ON o.id = (SELECT max(x.id) FROM outbox x
                                                            WHERE x.user_id = u.id AND x.kind = 'welcome')
                 WHERE {TENANT_AND_UPLOAD}"
            ),
            &params,
        )
        .await?;
    let c = counts.ok_or_else(|| ApiError::internal("the funnel's count answered no row"))?;
    let logged_in = c.logged_in.unwrap_or(0);
    // The median of the logged-in people's times (the mean of the middle two when they are even).
    #[derive(Deserialize)]
    struct D {
        d: i64,
    }
    let median = if logged_in == 0 {
        None
    } else {
        let middle: Vec<D> = db
            .all(
                &format!(
                    "SELECT u.first_login_at - u.created_at AS d FROM users u WHERE {TENANT_AND_UPLOAD}
                       AND u.first_login_at IS NOT NULL
                     ORDER BY d LIMIT ?4 OFFSET ?3"
                ),
                &[params[0].clone(), params[1].clone(), int((logged_in - 1) / 2), int(2 - logged_in % 2)],
            )
            .await?;
        (!middle.is_empty()).then(|| middle.iter().map(|m| m.d).sum::<i64>() / middle.len() as i64)
    };
    http::ok_json(&json!({
        "tenantId": tenant, "processId": process,
        "created": c.created, "sent": c.sent.unwrap_or(0), "delivered": c.delivered.unwrap_or(0),
        "failed": c.failed.unwrap_or(0), "queued": c.queued.unwrap_or(0), "loggedIn": logged_in, "ownPassword": c.own_password.unwrap_or(0),
        "medianSecondsToFirstLogin": median,
    }))
}
