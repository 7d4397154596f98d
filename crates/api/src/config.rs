//! Settings from wrangler.toml `[vars]` (and `--var` in tests), with DIGIT's defaults.

use worker::Env;

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Failed logins within `lockout_window` that lock an account (DIGIT: 5 in 30 minutes).
    pub lockout_max_failures: u32,
    pub lockout_window_secs: u64,
    /// How long the lock lasts before it lifts by itself (DIGIT: 60 minutes).
    pub lockout_secs: u64,
    pub access_token_secs: u64,
    pub refresh_token_secs: u64,
    pub max_body_bytes: usize,
    /// `ENROL_BENCH=1` (benchmarks only, never deployed) adds `POST /__bench/argon2`.
    pub bench: bool,
}

fn var<T: std::str::FromStr>(env: &Env, name: &str, default: T) -> T {
    env.var(name).ok().and_then(|v| v.to_string().trim().parse().ok()).unwrap_or(default)
}

impl Settings {
    pub fn from_env(env: &Env) -> Self {
        Self {
            lockout_max_failures: var(env, "LOCKOUT_MAX_FAILURES", 5),
            lockout_window_secs: var(env, "LOCKOUT_WINDOW_SECONDS", 30 * 60),
            lockout_secs: var(env, "LOCKOUT_SECONDS", 60 * 60),
            access_token_secs: var(env, "ACCESS_TOKEN_SECONDS", 7 * 24 * 3600),
            refresh_token_secs: var(env, "REFRESH_TOKEN_SECONDS", 14 * 24 * 3600),
            max_body_bytes: var(env, "MAX_BODY_BYTES", crate::http::DEFAULT_MAX_BODY),
            bench: var(env, "ENROL_BENCH", 0u8) == 1,
        }
    }
}

/// Seconds since the epoch, from the Worker's clock.
pub fn now_secs() -> u64 {
    worker::Date::now().as_millis() / 1000
}
