//! `enrol seed-sql`: SQL for the demo tenant and its administrator, to be applied with
//! `wrangler d1 execute --local --file`. Running it twice is harmless: rows are upserted, and the
//! administrator's password becomes the one given.

use crate::CliError;
use std::process::ExitCode;

/// The demo administrator's uuid is fixed, so the seed is idempotent and the user keeps its id.
const ADMIN_UUID: &str = "00000000-0000-4000-8000-00000000ad01";

struct Seed {
    password: String,
    user: String,
    tenant: String,
    tenant_name: String,
    state: String,
    state_name: String,
}

pub fn run(args: &[String]) -> Result<ExitCode, CliError> {
    let seed = parse(args)?;
    let hash = enrol_password::hash(&seed.password).map_err(|e| CliError::Usage(e.to_string()))?;
    print!("{}", sql(&seed, &hash));
    Ok(ExitCode::SUCCESS)
}

fn parse(args: &[String]) -> Result<Seed, CliError> {
    let mut seed = Seed {
        password: String::new(),
        user: "admin".into(),
        tenant: "pb.demo".into(),
        tenant_name: "Demo Gram Panchayat".into(),
        state: "pb".into(),
        state_name: "Punjab".into(),
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| CliError::Usage(format!("{flag} needs a value")))?.clone();
        match flag.as_str() {
            "--password" => seed.password = value,
            "--user" => seed.user = value,
            "--tenant" => seed.tenant = value,
            "--tenant-name" => seed.tenant_name = value,
            "--state" => seed.state = value,
            "--state-name" => seed.state_name = value,
            other => return Err(CliError::Usage(format!("unknown option {other}"))),
        }
    }
    if seed.password.is_empty() {
        return Err(CliError::Usage("--password is required".into()));
    }
    Ok(seed)
}

/// A SQL string literal. The seed cannot bind parameters (it is a file for `wrangler d1 execute`).
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn sql(s: &Seed, hash: &str) -> String {
    let (state, tenant, user) = (lit(&s.state), lit(&s.tenant), lit(&s.user));
    format!(
        "INSERT INTO tenants (id, name, parent_id) VALUES ({state}, {}, NULL) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name;\n\
         INSERT INTO tenants (id, name, parent_id) VALUES ({tenant}, {}, {state}) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id;\n\
         INSERT INTO users (uuid, tenant_id, user_name, type, name, password_hash, default_pwd_chgd) \
         VALUES ({}, {tenant}, {user}, 'SYSTEM', 'Demo Administrator', {}, 1) \
         ON CONFLICT (uuid) DO UPDATE SET user_name = excluded.user_name, tenant_id = excluded.tenant_id, \
         password_hash = excluded.password_hash, active = 1, account_locked = 0, updated_at = unixepoch();\n\
         INSERT OR IGNORE INTO user_roles (user_id, code, tenant_id) \
         SELECT id, 'SUPERUSER', {tenant} FROM users WHERE uuid = {};\n",
        lit(&s.state_name),
        lit(&s.tenant_name),
        lit(ADMIN_UUID),
        lit(hash),
        lit(ADMIN_UUID),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_escaped_and_the_password_is_not_in_the_sql() {
        let args: Vec<String> =
            ["--password", "s3cret-pass", "--tenant-name", "O'Brien GP"].iter().map(|s| s.to_string()).collect();
        let seed = parse(&args).unwrap();
        let out = sql(&seed, "$argon2id$x");
        assert!(out.contains("'O''Brien GP'"));
        assert!(!out.contains("s3cret-pass"));
        assert!(out.contains("'pb.demo'") && out.contains("'SYSTEM'"));
    }

    #[test]
    fn password_is_required() {
        assert!(matches!(parse(&[]), Err(CliError::Usage(_))));
    }
}
