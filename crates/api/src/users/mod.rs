//! The user resource, DIGIT egov-user's routes: create (one, or up to 100 all or nothing), search, update
//! by an administrator, and a user's own profile.

pub mod model;

use crate::auth::{self, Caller, UserType};
use crate::config::Settings;
use crate::db::{Db, boolean, int, opt_text, text};
use crate::error::ApiError;
use crate::http::{self, RequestInfo, response_info};
use model::{
    NewUser, Path, Profile, Role, RoleInput, UserInput, UserRow, parse_mobile, parse_name, parse_roles, valid_tenant_id,
};
use serde::Deserialize;
use serde_json::json;
use wasm_bindgen::JsValue;
use worker::{Request, Response};

/// Every column a `UserRow` reads, of `users u` (constant text; values are always bound).
macro_rules! user_columns {
    () => {
        "u.id, u.uuid, u.tenant_id, u.user_name, u.type, u.name, u.mobile_number, u.email_id,
            u.salutation, u.gender, u.alt_contact_number, u.pan, u.aadhaar_number, u.dob, u.father_or_husband_name,
            u.blood_group, u.permanent_address, u.permanent_city, u.permanent_pincode, u.correspondence_address,
            u.correspondence_city, u.correspondence_pincode, u.locale, u.active, u.account_locked, u.locked_until,
            u.default_pwd_chgd, u.pwd_expiry_date, u.created_at, u.updated_at, u.created_by, u.last_modified_by,
            (SELECT json_group_array(json_object('code', r.code, 'name', coalesce(r.name, r.code), 'tenantId', r.tenant_id))
               FROM user_roles r WHERE r.user_id = u.id) AS roles"
    };
}
pub(crate) use user_columns;

/// `SELECT <user columns> FROM users u`; callers add the WHERE.
macro_rules! select_users {
    () => {
        concat!("SELECT ", $crate::users::user_columns!(), " FROM users u")
    };
}

/// Most users one bulk request may create (DIGIT's limit).
pub const MAX_BULK: usize = 100;

// egov-user's Jackson matches property names in any case: `RequestInfo` or `requestInfo`, `user` or `User`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OneUserRequest {
    #[serde(default, alias = "requestInfo")]
    request_info: RequestInfo,
    #[serde(rename = "user", alias = "User")]
    user: Option<UserInput>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BulkRequest {
    #[serde(default, alias = "requestInfo")]
    request_info: RequestInfo,
    #[serde(alias = "users")]
    users: Option<Vec<UserInput>>,
}

/// Whether the caller may create this user, from the request as sent, before any field is checked: a caller
/// without the right learns nothing from validation errors. DIGIT's gateway answers these refusals (an action
/// or a tenant out of the caller's reach) with 401.
fn may_create(caller: &Caller, u: &UserInput) -> Result<(), ApiError> {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
    let tenant = given(&u.tenant_id);
    let type_ok = given(&u.user_type).and_then(|t| UserType::parse(&t)).is_none_or(|t| caller.may_create_type(t));
    let tenant_ok = tenant.as_deref().is_none_or(|t| caller.manages(t));
    if !caller.is_admin() || !type_ok || !tenant_ok || !roles_grantable(caller, u.roles.as_deref(), tenant.as_deref()) {
        return Err(ApiError::not_authorized());
    }
    Ok(())
}

/// Every role of the request is one the caller may grant (`Caller::may_grant`) at its tenant (a role without
/// one takes the user's, `default_tenant`, when known; it is checked again once parsed).
fn roles_grantable(caller: &Caller, roles: Option<&[RoleInput]>, default_tenant: Option<&str>) -> bool {
    roles.unwrap_or_default().iter().all(|r| {
        let tenant = model::non_blank(&r.tenant_id).or(default_tenant);
        match (model::non_blank(&r.code), tenant) {
            (Some(code), Some(t)) => caller.may_grant(code, t),
            (None, Some(t)) => caller.manages(t),
            _ => true,
        }
    })
}

/// The parsed roles (at most `auth::MAX_ROLES`, `parse_roles`) are all the caller's to grant.
fn check_roles(caller: &Caller, roles: &[Role]) -> Result<(), ApiError> {
    if roles.iter().any(|r| !caller.may_grant(&r.code, &r.tenant_id)) {
        return Err(ApiError::not_authorized());
    }
    Ok(())
}

/// The same codes at the same tenants, in any order.
fn same_roles(new: &[Role], held: &[auth::HeldRole]) -> bool {
    new.len() == held.len() && new.iter().all(|r| held.iter().any(|h| h.code == r.code && h.tenant_id == r.tenant_id))
}

fn user_list_response(rows: &[UserRow]) -> Result<Response, ApiError> {
    let users: Vec<_> = rows.iter().map(UserRow::to_json).collect();
    http::ok_json(&json!({ "responseInfo": response_info(), "user": users }))
}

/// `POST /user/users/_createnovalidate`: `{RequestInfo, user}`.
pub async fn create_one(mut req: Request, db: &Db, s: &Settings) -> Result<Response, ApiError> {
    let body: OneUserRequest = http::digit_json(&mut req, s.max_body_bytes).await?;
    let caller = auth::require(db, auth::token_of(&req, body.request_info.auth_token.as_deref())).await?;
    if !caller.is_admin() {
        return Err(ApiError::not_authorized());
    }
    let input = body.user.ok_or_else(|| ApiError::digit_field(model::CREATE_REQUIRED, "user", "required"))?;
    may_create(&caller, &input)?;
    let path = Path("user".into());
    let user = NewUser::parse(&input, &path, s.mobile)?;
    let rows = create(db, &caller, vec![(user, path)]).await?;
    user_list_response(&rows)
}

/// `POST /user/users/v110/_create` (and `/user/users/_create`): `{RequestInfo, Users: [1..100]}`, all or none.
pub async fn create_bulk(mut req: Request, db: &Db, s: &Settings) -> Result<Response, ApiError> {
    let body: BulkRequest = http::digit_json(&mut req, s.max_body_bytes).await?;
    let caller = auth::require(db, auth::token_of(&req, body.request_info.auth_token.as_deref())).await?;
    if !caller.is_admin() {
        return Err(ApiError::not_authorized());
    }
    let inputs = body.users.ok_or_else(|| ApiError::digit_field(model::CREATE_REQUIRED, "Users", "required"))?;
    if inputs.is_empty() || inputs.len() > MAX_BULK {
        return Err(ApiError::digit_field(model::CREATE_REQUIRED, "Users", format!("1 to {MAX_BULK} users")));
    }
    for input in &inputs {
        may_create(&caller, input)?;
    }
    let mut users = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let path = Path(format!("Users[{i}]"));
        users.push((NewUser::parse(input, &path, s.mobile)?, path));
    }
    let rows = create(db, &caller, users).await?;
    user_list_response(&rows)
}

#[derive(Deserialize)]
struct Index {
    i: i64,
}

/// Creates every user, or none: rights, tenants and user names are checked first so that the error names
/// the user, then one D1 batch inserts users and roles.
async fn create(db: &Db, caller: &Caller, users: Vec<(NewUser, Path)>) -> Result<Vec<UserRow>, ApiError> {
    // Checked on the request already (`may_create`); again on the parsed users, which are what is stored.
    for (u, _) in &users {
        if !caller.may_create_type(u.user_type) || !caller.manages(&u.tenant_id) {
            return Err(ApiError::not_authorized());
        }
        check_roles(caller, &u.roles)?;
    }
    for (i, (u, path)) in users.iter().enumerate() {
        if let Some((_, first)) = users[..i].iter().find(|(o, _)| {
            o.tenant_id == u.tenant_id && o.user_type == u.user_type && o.user_name.eq_ignore_ascii_case(&u.user_name)
        }) {
            return Err(path.code(
                "DuplicateUserNameException",
                "userName",
                format!("the same as {}.userName", first.0),
            ));
        }
    }
    let keys: Vec<serde_json::Value> =
        users.iter().map(|(u, _)| json!([u.tenant_id, u.user_type.as_str(), u.user_name])).collect();
    let keys = JsValue::from_str(&serde_json::Value::from(keys).to_string());
    let unknown: Option<Index> = db
        .first(
            "SELECT CAST(j.key AS INTEGER) AS i FROM json_each(?1) j
             WHERE NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = json_extract(j.value, '$[0]')) ORDER BY j.key LIMIT 1",
            std::slice::from_ref(&keys),
        )
        .await?;
    if let Some(Index { i }) = unknown {
        let path = &users[i as usize].1;
        return Err(ApiError::bad_request("InvalidTenant", format!("{}.tenantId: no such tenant", path.0)));
    }
    let roles: Vec<&[Role]> = users.iter().map(|(u, _)| u.roles.as_slice()).collect();
    if let Some(m) = missing_role_tenant(db, &roles).await? {
        return Err(m.error(&users[m.i as usize].1));
    }
    let taken: Option<Index> = db
        .first(
            "SELECT CAST(j.key AS INTEGER) AS i FROM json_each(?1) j JOIN users u
               ON u.tenant_id = json_extract(j.value, '$[0]') AND u.type = json_extract(j.value, '$[1]')
              AND u.user_name = json_extract(j.value, '$[2]') COLLATE NOCASE
             ORDER BY j.key LIMIT 1",
            &[keys],
        )
        .await?;
    if let Some(Index { i }) = taken {
        let path = &users[i as usize].1;
        return Err(duplicate(&format!("{}.userName", path.0)));
    }
    let mut statements = Vec::new();
    let mut uuids = Vec::with_capacity(users.len());
    for (u, _) in &users {
        let uuid = auth::uuid_v4()?;
        let hash = match &u.password {
            Some(p) => Some(enrol_password::hash(p).map_err(|e| ApiError::internal(e.to_string()))?),
            None => None,
        };
        statements.push(insert_user(db, u, &uuid, hash.as_deref(), &caller.uuid)?);
        if !u.roles.is_empty() {
            statements.push(insert_roles(db, &uuid, &u.roles)?);
        }
        uuids.push(uuid);
    }
    db.batch(statements).await.map_err(unique_to_conflict)?;
    let list = JsValue::from_str(&serde_json::Value::from(uuids).to_string());
    db.all(concat!(select_users!(), " JOIN json_each(?1) j ON j.value = u.uuid ORDER BY j.key"), &[list]).await
}

#[derive(Deserialize)]
struct MissingTenant {
    i: i64,
    tenant: String,
}

impl MissingTenant {
    fn error(&self, path: &Path) -> ApiError {
        ApiError::bad_request("InvalidTenant", format!("{}.roles: no such tenant {}", path.0, self.tenant))
    }
}

/// The first role (of `roles[i]`, one list per user) whose tenant does not exist. Checked before the batch,
/// because the batch would fail on the foreign key with nothing to tell the client.
async fn missing_role_tenant(db: &Db, roles: &[&[Role]]) -> Result<Option<MissingTenant>, ApiError> {
    let lists: Vec<Vec<&str>> = roles.iter().map(|rs| rs.iter().map(|r| r.tenant_id.as_str()).collect()).collect();
    db.first(
        "SELECT CAST(j.key AS INTEGER) AS i, r.value AS tenant FROM json_each(?1) j, json_each(j.value) r
         WHERE NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = r.value) ORDER BY j.key, r.key LIMIT 1",
        &[text(&json!(lists).to_string())],
    )
    .await
}

/// DIGIT's answer to a user name that is taken (400, as all of egov-user's refusals).
fn duplicate(field: &str) -> ApiError {
    ApiError::digit_field("DuplicateUserNameException", field, "a user with this userName already exists")
}

/// A UNIQUE failure inside a batch (a race with another request) is a conflict, not a fault.
fn unique_to_conflict(e: ApiError) -> ApiError {
    if e.status == 500 && format!("{e:?}").contains("UNIQUE constraint failed") {
        duplicate("user.userName")
    } else {
        e
    }
}

fn insert_user(
    db: &Db,
    u: &NewUser,
    uuid: &str,
    hash: Option<&str>,
    by: &str,
) -> Result<worker::D1PreparedStatement, ApiError> {
    let p = &u.profile;
    db.stmt(
        "INSERT INTO users (uuid, tenant_id, user_name, type, name, mobile_number, password_hash, active,
            salutation, gender, email_id, alt_contact_number, pan, aadhaar_number, dob, father_or_husband_name,
            blood_group, permanent_address, permanent_city, permanent_pincode, correspondence_address,
            correspondence_city, correspondence_pincode, locale, created_by, last_modified_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
            ?23, coalesce(?24, 'en_IN'), ?25, ?25)",
        &[
            [
                text(uuid),
                text(&u.tenant_id),
                text(&u.user_name),
                text(u.user_type.as_str()),
                text(&u.name),
                opt_text(u.mobile_number.as_deref()),
                opt_text(hash),
                boolean(u.active),
            ]
            .as_slice(),
            &p.values(),
            &[text(by)],
        ]
        .concat(),
    )
}

/// One statement for all of a user's roles (at most `auth::MAX_ROLES`), so that a batch of 100 users stays at
/// 200 statements, well inside D1's limits.
fn insert_roles(db: &Db, uuid: &str, roles: &[Role]) -> Result<worker::D1PreparedStatement, ApiError> {
    let list: Vec<[&str; 3]> = roles.iter().map(|r| [r.code.as_str(), r.tenant_id.as_str(), r.name.as_str()]).collect();
    db.stmt(
        "INSERT INTO user_roles (user_id, code, tenant_id, name)
         SELECT u.id, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]')
         FROM users u, json_each(?2) j WHERE u.uuid = ?1",
        &[text(uuid), text(&json!(list).to_string())],
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchRequest {
    #[serde(default, rename = "RequestInfo", alias = "requestInfo")]
    request_info: RequestInfo,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    tenant_id: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    user_name: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    mobile_number: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    email_id: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text_list")]
    uuid: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::lenient::int_list")]
    id: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "crate::lenient::text_list")]
    role_codes: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    user_type: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::bool")]
    active: Option<bool>,
    #[serde(default, deserialize_with = "crate::lenient::int")]
    page_size: Option<i64>,
    #[serde(default, deserialize_with = "crate::lenient::int")]
    page_number: Option<i64>,
    /// Rows to skip; when given, it is used instead of `pageNumber × pageSize`.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    offset: Option<i64>,
}

/// DIGIT's code for search criteria it cannot use.
const BAD_CRITERIA: &str = "InvalidUserSearchCriteriaException";

pub const MAX_PAGE_SIZE: i64 = 100;
const DEFAULT_PAGE_SIZE: i64 = 20;

fn json_list<T: serde::Serialize>(v: &Option<Vec<T>>) -> JsValue {
    v.as_ref().map_or(JsValue::NULL, |l| JsValue::from_str(&json!(l).to_string()))
}

/// `POST /user/_search`: users of a tenant's subtree (administrators), or oneself (everyone else);
/// active users unless `active` says otherwise; `pageNumber` counts from 0.
pub async fn search(mut req: Request, db: &Db, s: &Settings) -> Result<Response, ApiError> {
    let q: SearchRequest = http::digit_json(&mut req, s.max_body_bytes).await?;
    let caller = auth::require(db, auth::token_of(&req, q.request_info.auth_token.as_deref())).await?;
    let bad = |field: &str, why: &str| ApiError::digit_field(BAD_CRITERIA, field, why);
    let tenant =
        q.tenant_id.as_deref().map(str::trim).filter(|t| !t.is_empty()).ok_or_else(|| bad("tenantId", "required"))?;
    // Rights before anything else is checked: an administrator's search outside their tenants is refused as
    // DIGIT's gateway refuses it.
    let only_self = if caller.is_admin() {
        if !caller.manages(tenant) {
            return Err(ApiError::not_authorized());
        }
        JsValue::NULL
    } else {
        int(caller.id)
    };
    if !valid_tenant_id(tenant) {
        return Err(bad("tenantId", "not a tenant id"));
    }
    if !crate::tenants::exists(db, tenant).await? {
        return Err(ApiError::bad_request("InvalidTenant", "tenantId: no such tenant"));
    }
    let size = q.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&size) {
        return Err(bad("pageSize", &format!("1 to {MAX_PAGE_SIZE}")));
    }
    let page = q.page_number.unwrap_or(0);
    if !(0..=1_000_000).contains(&page) {
        return Err(bad("pageNumber", "0 to 1000000"));
    }
    let offset = q.offset.unwrap_or(page * size);
    if !(0..=100_000_000).contains(&offset) {
        return Err(bad("offset", "0 to 100000000"));
    }
    let user_type = match q.user_type.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Some(UserType::parse(t).ok_or_else(|| bad("userType", "one of CITIZEN, EMPLOYEE, SYSTEM"))?),
        None => None,
    };
    // A number is looked up as stored (normalised by the deployment's rule); anything else as given.
    let mobile = q.mobile_number.as_deref().map(|m| match enrol_core::fields::Phone::parse_with(m, s.mobile) {
        Ok(Some(p)) => p.as_ref().to_string(),
        _ => m.trim().to_string(),
    });
    let rows: Vec<UserRow> = db
        .all(
            concat!(
                select_users!(),
                " WHERE (u.tenant_id = ?1 OR substr(u.tenant_id, 1, length(?1) + 1) = ?1 || '.')
                   AND (?2 IS NULL OR u.user_name = ?2 COLLATE NOCASE)
                   AND (?3 IS NULL OR u.mobile_number = ?3)
                   AND (?4 IS NULL OR u.email_id = ?4 COLLATE NOCASE)
                   AND (?5 IS NULL OR u.uuid IN (SELECT value FROM json_each(?5)))
                   AND (?6 IS NULL OR u.id IN (SELECT value FROM json_each(?6)))
                   AND (?7 IS NULL OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id
                                              AND r.code IN (SELECT value FROM json_each(?7))))
                   AND (?8 IS NULL OR u.type = ?8)
                   AND u.active = ?9
                   AND (?10 IS NULL OR u.id = ?10)
                 ORDER BY u.id LIMIT ?11 OFFSET ?12"
            ),
            &[
                text(tenant),
                opt_text(q.user_name.as_deref().map(str::trim)),
                opt_text(mobile.as_deref()),
                opt_text(q.email_id.as_deref().map(str::trim)),
                json_list(&q.uuid),
                json_list(&q.id),
                json_list(&q.role_codes),
                opt_text(user_type.map(UserType::as_str)),
                boolean(q.active.unwrap_or(true)),
                only_self,
                int(size),
                int(offset),
            ],
        )
        .await?;
    user_list_response(&rows)
}

/// The user named by `id` or `uuid`.
pub async fn find(db: &Db, id: Option<i64>, uuid: Option<&str>) -> Result<Option<UserRow>, ApiError> {
    db.first(
        concat!(select_users!(), " WHERE u.id = ?1 OR u.uuid = ?2"),
        &[id.map_or(JsValue::NULL, int), opt_text(uuid)],
    )
    .await
}

/// The profile columns, set from `p` where given (shared by both updates).
const SET_PROFILE: &str = "salutation = coalesce(?2, salutation), gender = coalesce(?3, gender),
    email_id = coalesce(?4, email_id), alt_contact_number = coalesce(?5, alt_contact_number), pan = coalesce(?6, pan),
    aadhaar_number = coalesce(?7, aadhaar_number), dob = coalesce(?8, dob),
    father_or_husband_name = coalesce(?9, father_or_husband_name), blood_group = coalesce(?10, blood_group),
    permanent_address = coalesce(?11, permanent_address), permanent_city = coalesce(?12, permanent_city),
    permanent_pincode = coalesce(?13, permanent_pincode), correspondence_address = coalesce(?14, correspondence_address),
    correspondence_city = coalesce(?15, correspondence_city), correspondence_pincode = coalesce(?16, correspondence_pincode),
    locale = coalesce(?17, locale), name = coalesce(?18, name), last_modified_by = ?19, updated_at = unixepoch()";

fn profile_params(id: i64, p: &Profile, name: Option<&str>, by: &str) -> Vec<JsValue> {
    [[int(id)].as_slice(), &p.values(), &[opt_text(name), text(by)]].concat()
}

/// `POST /user/users/_updatenovalidate`: an administrator changes a user of their subtree: profile, name,
/// mobile number, roles (replaced when given), active, and accountLocked (false unlocks).
pub async fn update(mut req: Request, db: &Db, s: &Settings) -> Result<Response, ApiError> {
    let body: OneUserRequest = http::digit_json(&mut req, s.max_body_bytes).await?;
    let caller = auth::require(db, auth::token_of(&req, body.request_info.auth_token.as_deref())).await?;
    if !caller.is_admin() {
        return Err(ApiError::not_authorized());
    }
    let input = body.user.ok_or_else(|| ApiError::digit_field("InvalidUserUpdateException", "user", "required"))?;
    if input.id.is_none() && input.uuid.is_none() {
        return Err(ApiError::digit_field("InvalidUserUpdateException", "user.id", "id or uuid is required"));
    }
    let target = find(db, input.id, input.uuid.as_deref()).await?;
    // Not found and not yours answer alike, so an administrator cannot probe other tenants.
    let target = target
        .filter(|t| {
            caller.manages(&t.tenant_id)
                && t.user_type().is_some_and(|ty| caller.may_create_type(ty))
                && (t.id == caller.id || caller.outranks(&t.held_roles()))
        })
        .ok_or_else(|| ApiError::bad_request("UserNotFoundException", "No such user in your tenant"))?;
    // Roles out of reach are refused before any field is checked.
    if !roles_grantable(&caller, input.roles.as_deref(), Some(&target.tenant_id)) {
        return Err(ApiError::not_authorized());
    }
    let path = Path("user".into());
    let profile = Profile::parse(&input, &path)?;
    let name = parse_name(&input, &path)?;
    let mobile = parse_mobile(&input.mobile_number, s.mobile, &path)?;
    let roles = match &input.roles {
        Some(r) => {
            let roles = parse_roles(r, &target.tenant_id, &path, "InvalidUserUpdateException")?;
            if roles.is_empty() {
                return Err(path.code("InvalidUserUpdateException", "roles", "at least one role"));
            }
            check_roles(&caller, &roles)?;
            // Nobody changes their own roles (the same set again is no change).
            if target.id == caller.id && !same_roles(&roles, &target.held_roles()) {
                return Err(ApiError::not_authorized());
            }
            if let Some(m) = missing_role_tenant(db, &[roles.as_slice()]).await? {
                return Err(m.error(&path));
            }
            Some(roles)
        }
        None => None,
    };
    let mut statements = vec![db.stmt(
        &format!("UPDATE users SET {SET_PROFILE} WHERE id = ?1"),
        &profile_params(target.id, &profile, name.as_deref(), &caller.uuid),
    )?];
    if let Some(m) = &mobile {
        statements.push(db.stmt("UPDATE users SET mobile_number = ?2 WHERE id = ?1", &[int(target.id), text(m)])?);
    }
    if let Some(active) = input.active {
        statements.push(db.stmt("UPDATE users SET active = ?2 WHERE id = ?1", &[int(target.id), boolean(active)])?);
    }
    // Locking or deactivating ends every session at once (so that reactivating revives none).
    if input.active == Some(false) || input.account_locked == Some(true) {
        statements.push(db.stmt("DELETE FROM sessions WHERE user_id = ?1", &[int(target.id)])?);
    }
    match input.account_locked {
        Some(false) => {
            statements.push(
                db.stmt("UPDATE users SET account_locked = 0, locked_until = NULL WHERE id = ?1", &[int(target.id)])?,
            );
            statements.push(db.stmt("DELETE FROM login_failures WHERE user_id = ?1", &[int(target.id)])?);
        }
        Some(true) => statements.push(
            db.stmt("UPDATE users SET account_locked = 1, locked_until = NULL WHERE id = ?1", &[int(target.id)])?,
        ),
        None => {}
    }
    if let Some(roles) = &roles {
        statements.push(db.stmt("DELETE FROM user_roles WHERE user_id = ?1", &[int(target.id)])?);
        statements.push(insert_roles(db, &target.uuid, roles)?);
    }
    // The audit log names what changed (not the values, but for the switches).
    let mut changed: Vec<&str> = Vec::new();
    changed.extend(mobile.as_ref().map(|_| "mobileNumber"));
    changed.extend(input.email_id.as_ref().map(|_| "emailId"));
    changed.extend(name.as_ref().map(|_| "name"));
    changed.extend(roles.as_ref().map(|_| "roles"));
    let detail = json!({ "fields": changed, "active": input.active, "accountLocked": input.account_locked });
    statements.push(crate::audit::entry(
        db,
        &crate::audit::Actor::of(&caller, &req),
        Some(&target.tenant_id),
        Some(&target.uuid),
        crate::audit::action::USER_UPDATE,
        crate::audit::Outcome::Ok,
        detail,
    )?);
    db.batch(statements).await?;
    let row = find(db, Some(target.id), None).await?.ok_or_else(|| ApiError::internal("updated user vanished"))?;
    user_list_response(&[row])
}

/// `POST /user/profile/_update`: a user changes their own profile. userName, type, mobileNumber, password,
/// roles, active and accountLocked in the request are ignored.
pub async fn update_profile(mut req: Request, db: &Db, s: &Settings) -> Result<Response, ApiError> {
    let body: OneUserRequest = http::digit_json(&mut req, s.max_body_bytes).await?;
    let caller = auth::require(db, auth::token_of(&req, body.request_info.auth_token.as_deref())).await?;
    let input = body.user.ok_or_else(|| ApiError::digit_field("InvalidUserUpdateException", "user", "required"))?;
    let other = input.id.is_some_and(|id| id != caller.id) || input.uuid.as_deref().is_some_and(|u| u != caller.uuid);
    if other {
        // DIGIT's own refusal of another user's profile (400, before the fields).
        return Err(ApiError::bad_request("UserProfileUpdateDeniedException", "You may change only your own profile"));
    }
    let path = Path("user".into());
    let profile = Profile::parse(&input, &path)?;
    let name = parse_name(&input, &path)?;
    db.run(
        &format!("UPDATE users SET {SET_PROFILE} WHERE id = ?1"),
        &profile_params(caller.id, &profile, name.as_deref(), &caller.uuid),
    )
    .await?;
    let row = find(db, Some(caller.id), None).await?.ok_or_else(|| ApiError::internal("profile vanished"))?;
    user_list_response(&[row])
}
