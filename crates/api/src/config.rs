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
    /// `RESEND_PER_DAY` (5): re-issues of one person's credentials in any 24 hours (a mistaken click cannot
    /// flood a phone).
    pub resend_per_day: u32,
    /// `ENROL_BENCH=1` (benchmarks only, never deployed) adds `POST /__bench/argon2`.
    pub bench: bool,
    pub otp: OtpSettings,
}

/// Codes by SMS (`/user-otp/v1/_send` and the routes that take a code). egov-otp keeps a code 15 minutes,
/// allows any number of tries and never throttles; enrol's defaults are the DESIGN's.
#[derive(Debug, Clone, Copy)]
pub struct OtpSettings {
    /// `OTP_SECONDS` (600): how long a code works.
    pub ttl_secs: u64,
    /// `OTP_MAX_ATTEMPTS` (5): tries per code from the client address that asked for it.
    pub max_attempts: u32,
    /// `OTP_FOREIGN_ATTEMPTS` (10): tries per code from all other addresses together (a stranger's guesses
    /// cannot use up the owner's tries; with 6 digits they stay a 1-in-100,000 chance).
    pub foreign_attempts: u32,
    /// `OTP_RESEND_SECONDS` (30): the least time between two sends to one number from one address.
    pub resend_secs: u64,
    /// `OTP_SENDS_PER_HOUR` (5): sends to one number from one client address in any hour.
    pub sends_per_hour: u32,
    /// `OTP_NUMBER_SENDS_PER_HOUR` (20): sends to one number from all addresses in any hour.
    pub number_sends_per_hour: u32,
    /// `OTP_IP_SENDS_PER_HOUR` (20): sends asked for by one client address (`CF-Connecting-IP`, IPv6 by /64)
    /// in any hour.
    pub ip_sends_per_hour: u32,
    /// `OTP_REVEAL_UNKNOWN_NUMBER` (false): answer DIGIT's `OTP.UNKNOWN_MOBILE_NUMBER` for an unknown number.
    pub reveal_unknown: bool,
    /// `CITIZEN_LOGIN` (`either`): what a CITIZEN's password at `/user/oauth/token` may be.
    pub citizen_login: CitizenLogin,
    /// `CITIZEN_REGISTRATION_WITH_LOGIN` (true): `/user/citizen/_create` answers with tokens, as DIGIT does.
    pub registration_with_login: bool,
}

/// DIGIT's `citizen.login.password.otp.enabled` as a choice of three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CitizenLogin {
    /// Only the password (or the one-time password of an upload).
    Password,
    /// Only a `login` code (DIGIT's default).
    Code,
    /// A 6-digit password is taken as a code, anything else as a password (enrol's default: uploaded citizens
    /// have one-time passwords, and a chosen password is at least 8 characters, so the two never meet).
    Either,
}

impl std::str::FromStr for CitizenLogin {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s.to_ascii_lowercase().as_str() {
            "password" => Ok(Self::Password),
            "code" => Ok(Self::Code),
            "either" => Ok(Self::Either),
            _ => Err(()),
        }
    }
}

/// A setting parsed from `[vars]` (or a secret), `default` when it is absent or does not parse.
pub fn var<T: std::str::FromStr>(env: &Env, name: &str, default: T) -> T {
    env.var(name).ok().and_then(|v| v.to_string().trim().parse().ok()).unwrap_or(default)
}

/// A text setting or secret; None when it is absent or blank.
pub fn text_var(env: &Env, name: &str) -> Option<String> {
    env.var(name).ok().map(|v| v.to_string()).filter(|v| !v.trim().is_empty())
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
            resend_per_day: var(env, "RESEND_PER_DAY", 5),
            bench: var(env, "ENROL_BENCH", 0u8) == 1,
            otp: OtpSettings {
                ttl_secs: var(env, "OTP_SECONDS", 600),
                max_attempts: var(env, "OTP_MAX_ATTEMPTS", 5),
                resend_secs: var(env, "OTP_RESEND_SECONDS", 30),
                sends_per_hour: var(env, "OTP_SENDS_PER_HOUR", 5),
                ip_sends_per_hour: var(env, "OTP_IP_SENDS_PER_HOUR", 20),
                number_sends_per_hour: var(env, "OTP_NUMBER_SENDS_PER_HOUR", 20),
                foreign_attempts: var(env, "OTP_FOREIGN_ATTEMPTS", 10),
                reveal_unknown: var(env, "OTP_REVEAL_UNKNOWN_NUMBER", false),
                citizen_login: var(env, "CITIZEN_LOGIN", CitizenLogin::Either),
                registration_with_login: var(env, "CITIZEN_REGISTRATION_WITH_LOGIN", true),
            },
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
