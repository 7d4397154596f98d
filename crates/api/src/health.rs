//! `GET /healthz`: the Worker answers and its D1 database answers a real query.

use crate::error::ApiError;
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Response};

#[derive(Deserialize)]
struct One {
    ok: i64,
}

pub async fn get(env: &Env) -> Result<Response, ApiError> {
    let db = env.d1("DB")?;
    let db_ok = match db.prepare("SELECT 1 AS ok").first::<One>(None).await {
        Ok(Some(One { ok: 1 })) => true,
        Ok(_) => false,
        Err(e) => {
            worker::console_error!("healthz: D1 query failed: {e}");
            false
        }
    };
    let (status, body) = if db_ok {
        (200, json!({"status": "ok", "db": "ok"}))
    } else {
        (503, json!({"status": "degraded", "db": "error"}))
    };
    Ok(Response::from_json(&body)?.with_status(status))
}
