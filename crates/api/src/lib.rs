//! enrol-api: the enrol Cloudflare Worker.
//!
//! One router dispatches to a module per resource. Every handler returns `Result<Response, ApiError>`;
//! `ApiError` turns any failure into a status and DIGIT's error envelope, so a client never sees a bare
//! 500 or an internal message. Static pages (`www/`) are served by the assets binding before the Worker
//! runs; the Worker sees only the API paths.

mod audit;
mod auth;
mod codes;
mod config;
mod credentials;
mod db;
mod error;
mod health;
mod http;
mod lenient;
mod lockout;
mod oauth;
mod openapi;
mod otp;
mod password;
mod people;
mod reissue;
mod sms;
mod tenants;
mod tokens;
mod upload;
mod users;

use config::Settings;
use db::Db;
use error::ApiError;
use worker::{Context, Env, MessageBatch, Method, Request, Response, ScheduleContext, ScheduledEvent, event};

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> worker::Result<Response> {
    let mut res = match route(req, &env, &ctx).await {
        Ok(r) => r,
        Err(e) => e.into_response()?,
    };
    secure_headers(&mut res)?;
    Ok(res)
}

/// What every answer of the Worker carries (the pages get the same from `www/_headers`): nothing of an API
/// answer is cached (tokens, people's data: RFC 6749 §5.1), no content sniffing, and HTTPS only.
fn secure_headers(res: &mut Response) -> worker::Result<()> {
    let h = res.headers_mut();
    if !h.has("cache-control")? {
        h.set("cache-control", "no-store")?;
    }
    h.set("x-content-type-options", "nosniff")?;
    h.set("strict-transport-security", "max-age=31536000; includeSubDomains")?;
    Ok(())
}

/// The SMS queue and its dead-letter queue: each message is one outbox id (see `sms`).
#[event(queue)]
async fn queue(batch: MessageBatch<i64>, env: Env, _ctx: Context) -> worker::Result<()> {
    sms::consume(batch, env).await;
    Ok(())
}

/// Every minute: the outbox rows that never reached the queue, or whose consumer died, go on it again.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    if let Err(e) = sms::sweep(&env).await {
        worker::console_error!("outbox sweep failed: {}", e.code);
    }
    if let Err(e) = audit::sweep(&env).await {
        worker::console_error!("audit log sweep failed: {}", e.code);
    }
}

async fn route(req: Request, env: &Env, ctx: &Context) -> Result<Response, ApiError> {
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
    if let Some(code) = path.strip_prefix("/l/") {
        return if method == Method::Get {
            reissue::link(&Db::new(env)?, code).await
        } else {
            Err(ApiError::method_not_allowed())
        };
    }
    if path.starts_with("/v1/") {
        return v1(req, env, ctx, &s, &path, method).await;
    }
    if s.bench && path == "/__bench/upload-batch" && method == Method::Post {
        return upload::bench_batch(req, env, &Db::new(env)?, &s).await;
    }
    if s.bench && path == "/__bench/people-plan" && method == Method::Get {
        return people::plan(req, &Db::new(env)?, &s).await;
    }
    if !POST_ROUTES.contains(&path.as_str()) {
        return Err(ApiError::not_found());
    }
    if method != Method::Post {
        return Err(ApiError::method_not_allowed());
    }
    let db = Db::new(env)?;
    match path.as_str() {
        "/user/oauth/token" => oauth::token(req, env, &db, &s).await,
        "/user/_logout" => oauth::logout(req, &db, &s).await,
        "/user/_details" => oauth::details(req, &db, &s).await,
        "/user/users/_createnovalidate" => users::create_one(req, &db, &s).await,
        "/user/users/v110/_create" | "/user/users/_create" => users::create_bulk(req, &db, &s).await,
        "/user/_search" => users::search(req, &db, &s).await,
        "/user/users/_updatenovalidate" => users::update(req, &db, &s).await,
        "/user/profile/_update" => users::update_profile(req, &db, &s).await,
        "/user/password/_update" => password::update(req, env, &db, &s).await,
        "/user-otp/v1/_send" => otp::send(req, env, ctx, &db, &s).await,
        "/user/password/nologin/_update" => otp::nologin_update(req, env, &db, &s).await,
        "/user/citizen/_create" => otp::create_citizen(req, env, &db, &s).await,
        _ => Err(ApiError::not_found()),
    }
}

/// enrol's own routes (Sunbird's upload paths and what the admin page needs).
async fn v1(
    req: Request,
    env: &Env,
    ctx: &Context,
    s: &Settings,
    path: &str,
    method: Method,
) -> Result<Response, ApiError> {
    let parts: Vec<&str> = path.trim_start_matches("/v1/").split('/').collect();
    let allow = |m: Method| if method == m { Ok(()) } else { Err(ApiError::method_not_allowed()) };
    let db = Db::new(env)?;
    match parts.as_slice() {
        ["tenants"] => {
            allow(Method::Get)?;
            tenants::list(req, &db).await
        }
        ["offices"] => {
            allow(Method::Get)?;
            tenants::offices(&db, env, s).await
        }
        ["tenant", id, "upload-config"] => match method {
            Method::Get => tenants::get_config(req, &db, s, id).await,
            Method::Put => tenants::put_config(req, &db, s, id).await,
            _ => Err(ApiError::method_not_allowed()),
        },
        ["user", "upload"] => {
            allow(Method::Post)?;
            upload::upload(req, env, ctx, &db, s).await
        }
        ["upload", "status", id] => {
            allow(Method::Get)?;
            upload::status(req, &db, id).await
        }
        ["uploads"] => {
            allow(Method::Get)?;
            upload::list(req, &db).await
        }
        ["audit"] => {
            allow(Method::Get)?;
            audit::list(req, &db).await
        }
        ["people"] => {
            allow(Method::Get)?;
            people::list(req, &db, s).await
        }
        ["people", "_reissue"] => {
            allow(Method::Post)?;
            people::act(req, env, ctx, &db, s, people::Action::Reissue).await
        }
        ["people", "_deactivate"] => {
            allow(Method::Post)?;
            people::act(req, env, ctx, &db, s, people::Action::Deactivate).await
        }
        ["people", "_activate"] => {
            allow(Method::Post)?;
            people::act(req, env, ctx, &db, s, people::Action::Activate).await
        }
        ["people", "_unlock"] => {
            allow(Method::Post)?;
            people::act(req, env, ctx, &db, s, people::Action::Unlock).await
        }
        // Any other `_` name is an action that does not exist, never a uuid.
        ["people", action] if action.starts_with('_') => Err(ApiError::not_found()),
        ["people", uuid] => match method {
            Method::Get => people::one(req, &db, uuid).await,
            Method::Patch => people::patch(req, env, ctx, &db, s, uuid).await,
            _ => Err(ApiError::method_not_allowed()),
        },
        ["onboarding", "funnel"] => {
            allow(Method::Get)?;
            people::funnel(req, &db).await
        }
        ["user", uuid, "reissue"] => {
            allow(Method::Post)?;
            reissue::reissue(req, env, ctx, &db, s, uuid).await
        }
        ["sms", "dlr", "msg91", secret] => {
            allow(Method::Post)?;
            sms::dlr::msg91(req, env, &db, secret).await
        }
        ["sms", "dlr", "twilio"] => {
            allow(Method::Post)?;
            sms::dlr::twilio(req, env, &db).await
        }
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
    "/user-otp/v1/_send",
    "/user/password/nologin/_update",
    "/user/citizen/_create",
];
