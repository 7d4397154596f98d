//! The providers that carry a message: `log` (local runs), MSG91 and Twilio for SMS, `log` and SendGrid for
//! email. Each answer is sorted into what the sender does next: accepted (erase the credential), retry
//! (connection errors, 429, 5xx, and a timeout, which is ambiguous: neither provider takes an idempotency
//! key, so a retried timeout may deliver twice), or refused for good (the number, the template or the
//! credentials are wrong: mark failed with the provider's reason, never retry).

use super::templates::{self, Kind, Vars};
use crate::config::text_var as var;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use futures_util::future::{Either, select};
use serde_json::{Value, json};
use worker::{Env, Fetch, Headers, Method, Request, RequestInit};

#[derive(Debug)]
pub enum Outcome {
    /// The provider took the message; its id for the message (for delivery reports).
    Accepted(String),
    /// Try again later; the reason is kept on the row.
    Retry(String),
    /// Never try again.
    Refused(String),
}

/// One message, ready to go.
pub struct Outgoing<'a> {
    pub outbox_id: i64,
    pub kind: Kind,
    pub locale: &'a str,
    /// 10 digits (SMS) or an email address.
    pub recipient: &'a str,
    pub vars: Vars<'a>,
}

fn var_or(env: &Env, name: &str, default: &str) -> String {
    var(env, name).unwrap_or_else(|| default.to_string())
}

/// The base of links in messages (`PUBLIC_URL`, e.g. https://enrol.example.in).
pub fn public_url(env: &Env) -> String {
    var_or(env, "PUBLIC_URL", "http://127.0.0.1:8787").trim_end_matches('/').to_string()
}

/// `log` may be used only where the run command says this is a local run (`ENROL_LOCAL=1`): deployed, a
/// forgotten SMS_PROVIDER must fail loudly, not keep people's passwords in a table.
fn local(env: &Env) -> bool {
    var(env, "ENROL_LOCAL").as_deref() == Some("1")
}

/// Sends one message through the provider configured for its channel.
pub async fn send(env: &Env, channel: &str, m: &Outgoing<'_>, db: &crate::db::Db) -> Outcome {
    let provider =
        if channel == "email" { var_or(env, "EMAIL_PROVIDER", "log") } else { var_or(env, "SMS_PROVIDER", "log") };
    match provider.as_str() {
        "log" if local(env) => log(db, channel, m).await,
        "log" => Outcome::Refused(format!(
            "{} provider `log` works only in local runs (make run); set {} to a real provider",
            channel,
            if channel == "email" { "EMAIL_PROVIDER" } else { "SMS_PROVIDER" }
        )),
        "msg91" if channel == "sms" => msg91(env, m).await,
        "twilio" if channel == "sms" => twilio(env, m).await,
        "sendgrid" if channel == "email" => sendgrid(env, m).await,
        other => Outcome::Refused(format!("unknown {channel} provider `{other}`")),
    }
}

/// Keeps the message in D1 and prints it on the run command's terminal (local runs only).
async fn log(db: &crate::db::Db, channel: &str, m: &Outgoing<'_>) -> Outcome {
    let body = templates::render(m.kind, m.locale, &m.vars);
    let kept = db
        .run(
            "INSERT INTO sms_log (outbox_id, channel, recipient, body) VALUES (?1, ?2, ?3, ?4)",
            &[
                crate::db::int(m.outbox_id),
                crate::db::text(channel),
                crate::db::text(m.recipient),
                crate::db::text(&body),
            ],
        )
        .await;
    if kept.is_err() {
        return Outcome::Retry("could not keep the logged message".into());
    }
    worker::console_log!("[{channel} to {}] {body}", m.recipient);
    Outcome::Accepted(format!("log-{}", m.outbox_id))
}

/// The request's time limit (`SMS_TIMEOUT_MS`, 10 s).
fn timeout_ms(env: &Env) -> u64 {
    crate::config::var(env, "SMS_TIMEOUT_MS", 10_000)
}

/// What came back: status and body text, or an outcome that ends the attempt (connection error, timeout).
async fn call(env: &Env, url: &str, method: Method, headers: Headers, body: String) -> Result<(u16, String), Outcome> {
    let mut init = RequestInit::new();
    init.with_method(method).with_headers(headers).with_body(Some(body.into()));
    let req = Request::new_with_init(url, &init).map_err(|e| Outcome::Refused(format!("bad provider URL: {e}")))?;
    let fetch = Fetch::Request(req);
    let sent = std::pin::pin!(fetch.send());
    let limit = std::pin::pin!(worker::Delay::from(std::time::Duration::from_millis(timeout_ms(env))));
    match select(sent, limit).await {
        Either::Left((Ok(mut res), _)) => Ok((res.status_code(), res.text().await.unwrap_or_default())),
        Either::Left((Err(e), _)) => Err(Outcome::Retry(format!("connection error: {e}"))),
        // The request may have reached the provider: a retry may deliver twice (README).
        Either::Right(_) => {
            Err(Outcome::Retry("timeout: the provider did not answer in time (may have been sent)".into()))
        }
    }
}

fn retryable(status: u16) -> bool {
    status == 429 || status >= 500
}

/// Keeps a provider's reason short and free of anything but what it said.
fn reason(status: u16, text: &str) -> String {
    let t: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
    format!("HTTP {status}: {t}")
}

/// MSG91's Flow API: one recipient a request, the template's variables (each at most 40 characters).
async fn msg91(env: &Env, m: &Outgoing<'_>) -> Outcome {
    let Some(key) = var(env, "MSG91_AUTH_KEY") else { return Outcome::Refused("MSG91_AUTH_KEY is not set".into()) };
    let url = var_or(env, "MSG91_API_URL", "https://control.msg91.com/api/v5/flow");
    let ids = templates::ids(env, m.kind, m.locale);
    let fits = |s: &str| s.chars().count() <= 40;
    let mut recipient = json!({ "mobiles": format!("91{}", m.recipient) });
    match m.kind {
        Kind::Welcome => {
            if !fits(m.vars.link) || !fits(m.vars.user) || !fits(m.vars.secret) {
                return Outcome::Refused("a variable is longer than MSG91's 40 characters (shorten PUBLIC_URL)".into());
            }
            let name: String = m.vars.name.chars().take(40).collect();
            recipient["name"] = json!(name);
            recipient["link"] = json!(m.vars.link);
            recipient["user"] = json!(m.vars.user);
            recipient["password"] = json!(m.vars.secret);
        }
        Kind::Code => recipient["otp"] = json!(m.vars.secret),
        Kind::Notice => recipient["link"] = json!(m.vars.link),
    }
    let mut body = json!({
        "template_id": ids.msg91_template, "short_url": "0", "recipients": [recipient],
        // Echoed in delivery reports: the outbox row they are about.
        "CRQID": format!("enrol-{}", m.outbox_id),
    });
    if !templates::locale(m.locale).starts_with("en") {
        body["unicode"] = json!(1);
    }
    if !ids.dlt_template.is_empty() {
        body["DLT_TE_ID"] = json!(ids.dlt_template);
    }
    if !ids.dlt_entity.is_empty() {
        body["PE_ID"] = json!(ids.dlt_entity);
    }
    let headers = Headers::new();
    let _ = headers.set("authkey", &key);
    let _ = headers.set("content-type", "application/json");
    let _ = headers.set("accept", "application/json");
    let (status, text) = match call(env, &url, Method::Post, headers, body.to_string()).await {
        Ok(r) => r,
        Err(o) => return o,
    };
    if retryable(status) {
        return Outcome::Retry(reason(status, &text));
    }
    // Trust `type`, not the HTTP status: MSG91 answers errors with 200 too.
    let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    match answer["type"].as_str() {
        Some("success") => Outcome::Accepted(answer["message"].as_str().unwrap_or("").to_string()),
        _ => Outcome::Refused(format!(
            "MSG91 refused: {}",
            answer["message"].as_str().map_or_else(|| reason(status, &text), str::to_string)
        )),
    }
}

/// Twilio's Messages API: the text rendered here.
async fn twilio(env: &Env, m: &Outgoing<'_>) -> Outcome {
    let (Some(sid), Some(token)) = (var(env, "TWILIO_ACCOUNT_SID"), var(env, "TWILIO_AUTH_TOKEN")) else {
        return Outcome::Refused("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set".into());
    };
    let base = var_or(env, "TWILIO_API_URL", "https://api.twilio.com");
    let url = format!("{}/2010-04-01/Accounts/{sid}/Messages.json", base.trim_end_matches('/'));
    let text = templates::render(m.kind, m.locale, &m.vars);
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("To", &format!("+91{}", m.recipient)).append_pair("Body", &text);
    match (var(env, "TWILIO_MESSAGING_SERVICE_SID"), var(env, "TWILIO_FROM")) {
        (Some(ms), _) => form.append_pair("MessagingServiceSid", &ms),
        (None, Some(from)) => form.append_pair("From", &from),
        (None, None) => return Outcome::Refused("TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID must be set".into()),
    };
    form.append_pair("StatusCallback", &format!("{}/v1/sms/dlr/twilio", public_url(env)));
    let headers = Headers::new();
    let _ = headers.set("authorization", &format!("Basic {}", B64.encode(format!("{sid}:{token}"))));
    let _ = headers.set("content-type", "application/x-www-form-urlencoded");
    let (status, body) = match call(env, &url, Method::Post, headers, form.finish()).await {
        Ok(r) => r,
        Err(o) => return o,
    };
    let answer: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    if (200..300).contains(&status) {
        return match answer["sid"].as_str() {
            Some(sid) => Outcome::Accepted(sid.to_string()),
            None => Outcome::Retry(reason(status, "an answer without a sid")),
        };
    }
    if retryable(status) {
        return Outcome::Retry(reason(status, &body));
    }
    Outcome::Refused(format!(
        "Twilio refused: {} {}",
        answer["code"].as_i64().map_or_else(String::new, |c| c.to_string()),
        answer["message"].as_str().unwrap_or(&body).chars().take(200).collect::<String>()
    ))
}

/// SendGrid's v3 mail/send: the welcome by email, for people without a phone.
async fn sendgrid(env: &Env, m: &Outgoing<'_>) -> Outcome {
    let Some(key) = var(env, "SENDGRID_API_KEY") else { return Outcome::Refused("SENDGRID_API_KEY is not set".into()) };
    let base = var_or(env, "SENDGRID_API_URL", "https://api.sendgrid.com");
    let from = var_or(env, "EMAIL_FROM", "no-reply@enrol.example.in");
    let text = templates::render(m.kind, m.locale, &m.vars);
    let subject = match m.kind {
        Kind::Welcome | Kind::Notice => "Your enrol account",
        Kind::Code => "Your enrol code",
    };
    let body = json!({
        "personalizations": [{ "to": [{ "email": m.recipient }] }],
        "from": { "email": from }, "subject": subject,
        "content": [{ "type": "text/plain", "value": text }],
        "custom_args": { "outbox_id": m.outbox_id.to_string() },
    });
    let headers = Headers::new();
    let _ = headers.set("authorization", &format!("Bearer {key}"));
    let _ = headers.set("content-type", "application/json");
    let (status, text) = match call(
        env,
        &format!("{}/v3/mail/send", base.trim_end_matches('/')),
        Method::Post,
        headers,
        body.to_string(),
    )
    .await
    {
        Ok(r) => r,
        Err(o) => return o,
    };
    if (200..300).contains(&status) {
        Outcome::Accepted(format!("sendgrid-{}", m.outbox_id))
    } else if retryable(status) {
        Outcome::Retry(reason(status, &text))
    } else {
        Outcome::Refused(format!("SendGrid refused: {}", reason(status, &text)))
    }
}
