//! Settings from wrangler.toml `[vars]` (and `--var` in tests), with DIGIT's defaults.

use enrol_core::fields::MobileRule;
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
    /// How long a one-time password (from an upload or a re-issue) may be used to log in (7 days).
    pub one_time_password_secs: u64,
    /// Upload bodies up to this size are always accepted (2 MiB: ample for 1,000 rows); a tenant whose row
    /// limit is raised gets `UPLOAD_BYTES_PER_ROW` a row, up to `max_upload_bytes_cap`.
    pub max_upload_bytes: usize,
    pub max_upload_bytes_cap: usize,
    /// Which numbers are mobile numbers, for the API and the upload alike (`MOBILE_DIGITS`, 10, and
    /// `MOBILE_FIRST_DIGITS`, "6789": DIGIT 2.12's default; DIGIT 2.9 took any 10 digits, "0123456789").
    /// An unusable setting falls back to the default.
    pub mobile: MobileRule,
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
            one_time_password_secs: var(env, "ONE_TIME_PASSWORD_SECONDS", 7 * 24 * 3600),
            max_upload_bytes: var(env, "MAX_UPLOAD_BYTES", 2 << 20),
            max_upload_bytes_cap: var(env, "MAX_UPLOAD_BYTES_CAP", 32 << 20),
            mobile: MobileRule::new(
                var(env, "MOBILE_DIGITS", MobileRule::DEFAULT.digits),
                &var(env, "MOBILE_FIRST_DIGITS", MobileRule::DEFAULT.first_digits()),
            )
            .unwrap_or_default(),
            bench: var(env, "ENROL_BENCH", 0u8) == 1,
        }
    }
}

/// Bytes an upload may have per allowed row, beyond `max_upload_bytes` (a row of the full 22-column sheet
/// with long values is about 300 bytes).
pub const UPLOAD_BYTES_PER_ROW: usize = 320;

/// Seconds since the epoch, from the Worker's clock.
pub fn now_secs() -> u64 {
    worker::Date::now().as_millis() / 1000
}

/// Milliseconds since the epoch.
pub fn now_millis() -> u64 {
    worker::Date::now().as_millis()
}

/// `2026-12-01T04:30:00Z` for epoch milliseconds (UTC, whole seconds).
pub fn iso8601(millis: u64) -> String {
    let secs = millis / 1000;
    let date = enrol_core::Date::from_unix_days((secs / 86_400) as i64);
    let (h, m, s) = (secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    format!("{:04}-{:02}-{:02}T{h:02}:{m:02}:{s:02}Z", date.year, date.month, date.day)
}
