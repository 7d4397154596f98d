//! enrol-api: the enrol Cloudflare Worker.
//!
//! One router dispatches to a module per resource. Every handler returns `Result<Response, ApiError>`;
//! `ApiError` turns any failure into a status and DIGIT's error envelope, so a client never sees a bare
//! 500 or an internal message. Static pages (`www/`) are served by the assets binding before the Worker
//! runs; the Worker sees only the API paths.

mod auth;
mod config;
mod db;
mod error;
mod health;
mod http;
mod oauth;
mod openapi;
mod password;
mod users;

use config::Settings;
use db::Db;
use error::ApiError;
use worker::{Context, Env, Method, Request, Response, event};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    match route(req, &env).await {
        Ok(r) => Ok(r),
        Err(e) => e.into_response(),
    }
}

async fn route(req: Request, env: &Env) -> Result<Response, ApiError> {
    let path = req.path();
    let method = req.method();
    let s = Settings::from_env(env);
    if path == "/healthz" {
        return if method == Method::Get { health::get(env).await } else { Err(ApiError::method_not_allowed()) };
    }
    if path == "/openapi.json" {
        return if method == Method::Get { openapi::get() } else { Err(ApiError::method_not_allowed()) };
    }
    if s.bench && path == "/__bench/argon2" && method == Method::Post {
        // One Argon2id verification at the login's parameters, nothing else: the cost a login cannot avoid.
        enrol_password::verify_dummy("benchmark password");
        return Ok(Response::empty()?.with_status(204));
    }
    if !POST_ROUTES.contains(&path.as_str()) {
        return Err(ApiError::not_found());
    }
    if method != Method::Post {
        return Err(ApiError::method_not_allowed());
    }
    let db = Db::new(env)?;
    match path.as_str() {
        "/user/oauth/token" => oauth::token(req, &db, &s).await,
        "/user/_logout" => oauth::logout(req, &db, &s).await,
        "/user/_details" => oauth::details(req, &db, &s).await,
        "/user/users/_createnovalidate" => users::create_one(req, &db, &s).await,
        "/user/users/v110/_create" | "/user/users/_create" => users::create_bulk(req, &db, &s).await,
        "/user/_search" => users::search(req, &db, &s).await,
        "/user/users/_updatenovalidate" => users::update(req, &db, &s).await,
        "/user/profile/_update" => users::update_profile(req, &db, &s).await,
        "/user/password/_update" => password::update(req, &db, &s).await,
        _ => Err(ApiError::not_found()),
    }
}

/// The DIGIT routes; all of them are POST.
const POST_ROUTES: &[&str] = &[
    "/user/oauth/token",
    "/user/_logout",
    "/user/_details",
    "/user/users/_createnovalidate",
    "/user/users/v110/_create",
    "/user/users/_create",
    "/user/_search",
    "/user/users/_updatenovalidate",
    "/user/profile/_update",
    "/user/password/_update",
];
