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

    pub async fn first<T: DeserializeOwned>(&self, sql: &str, params: &[JsValue]) -> Result<Option<T>, ApiError> {
        Ok(self.stmt(sql, params)?.first::<T>(None).await?)
    }

    pub async fn all<T: DeserializeOwned>(&self, sql: &str, params: &[JsValue]) -> Result<Vec<T>, ApiError> {
        Ok(self.stmt(sql, params)?.all().await?.results::<T>()?)
    }

    pub async fn run(&self, sql: &str, params: &[JsValue]) -> Result<D1Result, ApiError> {
        Ok(self.stmt(sql, params)?.run().await?)
    }

    /// All the statements, or none: a D1 batch is one transaction.
    /// One atomic batch. Every caller bounds its statements (roles are one statement per user, an upload's rows
    /// go in JSON chunks); this refuses a batch past `MAX_BATCH_STATEMENTS` with a clear 413 rather than
    /// leaving it to D1's limits, which would answer a bare failure in production.
    pub async fn batch(&self, statements: Vec<D1PreparedStatement>) -> Result<Vec<D1Result>, ApiError> {
        if statements.len() > MAX_BATCH_STATEMENTS {
            return Err(ApiError::new(413, "RequestTooLarge", "This request would write too much at once: send less"));
        }
        Ok(self.0.batch(statements).await?)
    }
}
