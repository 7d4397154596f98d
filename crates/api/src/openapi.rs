//! `GET /openapi.json`: the OpenAPI 3.1 description of every route (`openapi.json` beside this file).

use crate::error::ApiError;
use worker::Response;

const DOCUMENT: &str = include_str!("openapi.json");

pub fn get() -> Result<Response, ApiError> {
    let mut r = Response::ok(DOCUMENT)?;
    r.headers_mut().set("content-type", "application/json")?;
    Ok(r)
}
