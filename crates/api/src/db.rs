//! A thin handle on the D1 binding: bound parameters only (never SQL built from values), rows as serde
//! types, and one `batch` per atomic write.

use crate::error::ApiError;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result, Env};

/// Most statements one batch may hold (DIGIT's bulk create of 100 users takes 200; D1 allows 1,000 queries
/// per invocation on paid plans).
pub const MAX_BATCH_STATEMENTS: usize = 500;

pub struct Db(D1Database);

/// The pauses before each new try of a statement the local D1 refused as busy. Production D1 has one writer and
/// never answers so; the local D1 of `wrangler dev` does for a moment while a second process holds its file (a
/// test's handle, `wrangler d1 execute --local` beside `make run`), and a 500 for that would be ours.
const BUSY_PAUSES_MS: [u64; 4] = [20, 60, 150, 400];

/// D1 said the database was busy: nothing was done, and the same statements may run again. A read may also be
/// tried again after the local D1's bare "internal error", which it gives for the same cause.
fn busy(e: &worker::Error, read: bool) -> bool {
    let t = e.to_string();
    t.contains("SQLITE_BUSY") || t.contains("database is locked") || (read && t.contains("internal error"))
}

/// Runs `op`, and again after a pause while D1 answers busy.
async fn patiently<T, F, Fut>(read: bool, mut op: F) -> worker::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = worker::Result<T>>,
{
    for pause in BUSY_PAUSES_MS {
        match op().await {
            Err(e) if busy(&e, read) => worker::Delay::from(std::time::Duration::from_millis(pause)).await,
            done => return done,
        }
    }
    op().await
}

/// SQL text: `$column` holds the tenant ?1 or one below it (`pb.demo` reaches `pb.demo.ward1`, never
/// `pb.demo2`), a range of the column's index: `concat!(in_subtree!("u.tenant_id"), " AND …")`.
macro_rules! in_subtree {
    ($column:literal) => {
        concat!("(", $column, " = ?1 OR (", $column, " > ?1 || '.' AND ", $column, " < ?1 || '/'))")
    };
}
pub(crate) use in_subtree;

pub fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

pub fn opt_text(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}

/// D1 numbers are JavaScript numbers: exact up to 2^53.
pub fn int(n: i64) -> JsValue {
    JsValue::from_f64(n as f64)
}

pub fn boolean(b: bool) -> JsValue {
    int(i64::from(b))
}

impl Db {
    pub fn new(env: &worker::Env) -> Result<Self, ApiError> {
        Ok(Db(Env::d1(env, "DB")?))
    }

    pub fn stmt(&self, sql: &str, params: &[JsValue]) -> Result<D1PreparedStatement, ApiError> {
        Ok(self.0.prepare(sql).bind(params)?)
    }

    /// The first row (a statement that writes, `… RETURNING`, is not tried again on a bare internal error).
    pub async fn first<T: DeserializeOwned>(&self, sql: &str, params: &[JsValue]) -> Result<Option<T>, ApiError> {
        let st = self.stmt(sql, params)?;
        let read = reads_only(sql);
        Ok(patiently(read, || st.first::<T>(None)).await?)
    }

    pub async fn all<T: DeserializeOwned>(&self, sql: &str, params: &[JsValue]) -> Result<Vec<T>, ApiError> {
        let st = self.stmt(sql, params)?;
        let read = reads_only(sql);
        Ok(patiently(read, || st.all()).await?.results::<T>()?)
    }

    pub async fn run(&self, sql: &str, params: &[JsValue]) -> Result<D1Result, ApiError> {
        let st = self.stmt(sql, params)?;
        Ok(patiently(false, || st.run()).await?)
    }

    /// All the statements, or none: a D1 batch is one transaction. Every caller bounds its statements (roles are one statement per user, an upload's rows
    /// go in JSON chunks); this refuses a batch past `MAX_BATCH_STATEMENTS` with a clear 413 rather than
    /// leaving it to D1's limits, which would answer a bare failure in production.
    pub async fn batch(&self, statements: Vec<D1PreparedStatement>) -> Result<Vec<D1Result>, ApiError> {
        if statements.len() > MAX_BATCH_STATEMENTS {
            return Err(ApiError::new(413, "RequestTooLarge", "This request would write too much at once: send less"));
        }
        Ok(patiently(false, || self.0.batch(statements.clone())).await?)
    }
}

/// A statement that only reads (`SELECT` or `WITH … SELECT` without a write).
fn reads_only(sql: &str) -> bool {
    let s = sql.trim_start().to_ascii_uppercase();
    (s.starts_with("SELECT") || s.starts_with("WITH"))
        && !["INSERT ", "UPDATE ", "DELETE ", "REPLACE "].iter().any(|w| s.contains(w))
}
