//! Who is calling: access tokens (256-bit random, only their SHA-256 stored), sessions, and what a caller
//! may do to whom. Tenants form a tree by prefix: `pb` holds `pb.demo`.

use crate::config::now_secs;
use crate::db::{Db, int, text};
use crate::error::ApiError;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use worker::Request;

/// Roles that make an EMPLOYEE an administrator of its tenant's subtree.
pub const ADMIN_ROLES: &[&str] = &["SUPERUSER", "STATE_ADMIN", "DIVISION_ADMIN", "GP_ADMIN", "HRMS_ADMIN"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserType {
    Citizen,
    Employee,
    System,
}

impl UserType {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "CITIZEN" => Some(UserType::Citizen),
            "EMPLOYEE" => Some(UserType::Employee),
            "SYSTEM" => Some(UserType::System),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UserType::Citizen => "CITIZEN",
            UserType::Employee => "EMPLOYEE",
            UserType::System => "SYSTEM",
        }
    }
}

impl UserType {
    /// The user types a login of this `userType` finds, as a JSON array for `json_each` (DIGIT's rule:
    /// EMPLOYEE logins find SYSTEM users too; no type finds every type).
    pub fn login_types(t: Option<UserType>) -> &'static str {
        match t {
            Some(UserType::Citizen) => r#"["CITIZEN"]"#,
            Some(UserType::Employee) => r#"["EMPLOYEE","SYSTEM"]"#,
            Some(UserType::System) => r#"["SYSTEM"]"#,
            None => r#"["CITIZEN","EMPLOYEE","SYSTEM"]"#,
        }
    }
}

/// `child` is `parent` or below it.
pub fn in_subtree(parent: &str, child: &str) -> bool {
    child == parent
        || (child.len() > parent.len() && child.starts_with(parent) && child.as_bytes()[parent.len()] == b'.')
}

/// A role as held: its code at a tenant (`user_roles`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct HeldRole {
    pub code: String,
    #[serde(rename = "tenantId")]
    pub tenant_id: String,
}

/// Whether holding `held` lets a caller grant `code` (at a tenant the caller reaches). SUPERUSER grants
/// everything and is granted only by a SUPERUSER; an administrator role is granted by itself or a higher one
/// (STATE_ADMIN > DIVISION_ADMIN > GP_ADMIN; HRMS_ADMIN only by itself). (Ordinary roles give no rights in
/// enrol: `Caller::may_grant` lets every administrator grant them.)
fn grants(held: &str, code: &str) -> bool {
    const LADDER: &[&str] = &["GP_ADMIN", "DIVISION_ADMIN", "STATE_ADMIN"];
    let rank = |c: &str| LADDER.iter().position(|l| *l == c);
    held == "SUPERUSER"
        || (code != "SUPERUSER" && (held == code || matches!((rank(held), rank(code)), (Some(h), Some(c)) if h >= c)))
}

/// A role that gives rights in enrol (the administrator roles): granted only by those who hold it, or more.
/// Every other code (EMPLOYEE, CITIZEN, Sunbird's ORG_ADMIN or BOOK_CREATOR, a department's roles) is
/// ordinary here: any administrator of the tenant grants it.
pub fn privileged(code: &str) -> bool {
    ADMIN_ROLES.contains(&code)
}

/// Most roles one person may hold (DIGIT's users hold a handful; this keeps every batch bounded).
pub const MAX_ROLES: usize = 30;

#[derive(Debug, Clone)]
pub struct Caller {
    pub id: i64,
    pub uuid: String,
    /// The user name, as the audit log records who acted.
    pub user_name: String,
    pub tenant_id: String,
    pub user_type: UserType,
    pub roles: Vec<HeldRole>,
    pub session_id: String,
}

impl Caller {
    /// The tenants whose subtrees this caller administers: where each of its administrator roles is held
    /// (never its own base tenant because of a role held elsewhere), and a SYSTEM user's own tenant.
    pub fn admin_tenants(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        if self.user_type == UserType::System {
            out.push(&self.tenant_id);
        }
        if self.user_type != UserType::Citizen {
            for r in self.roles.iter().filter(|r| ADMIN_ROLES.contains(&r.code.as_str())) {
                out.push(&r.tenant_id);
            }
        }
        // Keep only the tops: a tenant below another in the list adds nothing.
        let all = out.clone();
        out.retain(|t| !all.iter().any(|o| o != t && in_subtree(o, t)));
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn is_admin(&self) -> bool {
        !self.admin_tenants().is_empty()
    }

    /// May create, see and change users of `tenant`.
    pub fn manages(&self, tenant: &str) -> bool {
        self.admin_tenants().iter().any(|t| in_subtree(t, tenant))
    }

    /// May give role `code` (in any case: a sheet's cell or a configuration's list may be lower case) at
    /// `tenant`: the one rule for every place roles are written (DIGIT's routes, the upload's rows and the
    /// upload configuration). See [`grants`]. The roles held are compared as stored.
    pub fn may_grant(&self, code: &str, tenant: &str) -> bool {
        let code = code.to_ascii_uppercase();
        self.manages(tenant)
            && (!privileged(&code)
                || self.roles.iter().any(|r| in_subtree(&r.tenant_id, tenant) && grants(&r.code, &code)))
    }

    /// May change, re-issue or see as their administrator a user holding `roles`: only one who could have
    /// granted every one of them, so that nobody reaches an account with more rights than their own.
    pub fn outranks(&self, roles: &[HeldRole]) -> bool {
        roles.iter().all(|r| self.may_grant(&r.code, &r.tenant_id))
    }

    /// May act as their administrator on this user (change, re-issue, lock, deactivate, see in People): of a
    /// tenant this caller manages, of a type it may create, and holding no role it could not have granted.
    /// Everyone else is "not found" to it.
    pub fn reaches(&self, user: &crate::users::model::UserRow) -> bool {
        self.manages(&user.tenant_id)
            && user.user_type().is_some_and(|t| self.may_create_type(t))
            && self.outranks(&user.held_roles())
    }

    /// May create a user of this type: SYSTEM users only by SUPERUSERs (whom DIGIT grants every action) and
    /// SYSTEM callers.
    pub fn may_create_type(&self, t: UserType) -> bool {
        self.is_admin()
            && (t != UserType::System
                || self.user_type == UserType::System
                || self.roles.iter().any(|r| r.code == "SUPERUSER"))
    }
}

pub fn sha256_hex(s: &str) -> String {
    crate::credentials::hex(&Sha256::digest(s.as_bytes()))
}

/// 32 random bytes, hex: a token nobody can guess.
pub fn random_hex(bytes: usize) -> Result<String, ApiError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| ApiError::internal(format!("no randomness: {e}")))?;
    Ok(crate::credentials::hex(&buf))
}

/// A random (version 4) UUID.
pub fn uuid_v4() -> Result<String, ApiError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| ApiError::internal(format!("no randomness: {e}")))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = crate::credentials::hex(&b);
    Ok(format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..]))
}

/// The access token of a request: `Authorization: Bearer …`, else `RequestInfo.authToken`. Never the query
/// string (a token in a URL ends up in logs), except on the routes of [`token_or_query`].
pub fn token_of(req: &Request, request_info_token: Option<&str>) -> Option<String> {
    let bearer = req.headers().get("authorization").ok().flatten().and_then(|h| {
        let (scheme, token) = h.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_string())
    });
    bearer.or_else(|| request_info_token.map(str::to_string)).filter(|t| !t.is_empty() && t.len() <= 256)
}

/// [`token_of`], else the `access_token` query parameter: only for `_details` and `_logout`, which DIGIT's
/// clients call that way.
pub fn token_or_query(req: &Request, request_info_token: Option<&str>) -> Option<String> {
    token_of(req, request_info_token)
        .or_else(|| crate::http::query(req, "access_token").filter(|t| !t.is_empty() && t.len() <= 256))
}

#[derive(Deserialize)]
struct CallerRow {
    id: i64,
    uuid: String,
    user_name: String,
    tenant_id: String,
    #[serde(rename = "type")]
    user_type: String,
    roles: Option<String>,
    session_id: String,
}

/// The caller of a request, or None when it carries no valid token.
pub async fn caller(db: &Db, token: Option<String>) -> Result<Option<Caller>, ApiError> {
    let Some(token) = token else { return Ok(None) };
    let row: Option<CallerRow> = db
        .first(
            "SELECT u.id, u.uuid, u.user_name, u.tenant_id, u.type, s.session_id,
                    (SELECT json_group_array(json_object('code', code, 'tenantId', tenant_id)) FROM user_roles
                      WHERE user_id = u.id) AS roles
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ?1 AND s.kind = 'access' AND s.expires_at > ?2 AND u.active = 1
               AND NOT (u.account_locked = 1 AND (u.locked_until IS NULL OR u.locked_until > ?2))",
            &[text(&sha256_hex(&token)), int(now_secs() as i64)],
        )
        .await?;
    Ok(row.and_then(|r| {
        Some(Caller {
            id: r.id,
            uuid: r.uuid,
            user_name: r.user_name,
            tenant_id: r.tenant_id,
            user_type: UserType::parse(&r.user_type)?,
            roles: r.roles.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default(),
            session_id: r.session_id,
        })
    }))
}

pub async fn require(db: &Db, token: Option<String>) -> Result<Caller, ApiError> {
    caller(db, token).await?.ok_or_else(ApiError::unauthorized)
}
