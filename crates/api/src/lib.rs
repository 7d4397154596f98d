//! enrol-api: the enrol Cloudflare Worker.
//!
//! One router dispatches to a module per resource. Every handler returns `Result<Response, ApiError>`;
//! `ApiError` turns any failure into a status and DIGIT's error envelope, so a client never sees a bare
//! 500 or an internal message. Static pages (`www/`) are served by the assets binding before the Worker
//! runs; the Worker sees only the API paths.

mod error;
mod health;

use error::ApiError;
use worker::{Context, Env, Method, Request, Response, event};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let answer = route(req, &env).await;
    Ok(answer.unwrap_or_else(|e| e.into_response()))
}

async fn route(req: Request, env: &Env) -> Result<Response, ApiError> {
    let path = req.path();
    match (req.method(), path.as_str()) {
        (Method::Get, "/healthz") => health::get(env).await,
        (_, "/healthz") => Err(ApiError::MethodNotAllowed),
        _ => Err(ApiError::NotFound),
    }
}
