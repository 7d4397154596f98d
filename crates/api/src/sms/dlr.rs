//! Delivery reports: `POST /v1/sms/dlr/msg91/{secret}` and `POST /v1/sms/dlr/twilio`.
//!
//! - Who may report: MSG91 signs nothing and its webhook settings (the old v2/v3/v4 and "Webhook (New)") take a
//!   URL and a payload, no header of ours, so its URL carries a secret (`SMS_DLR_SECRET`, or during a rotation
//!   `SMS_DLR_SECRET_PREVIOUS`; README). No log of enrol's prints a request's path, and the run command's
//!   terminal hides the secret in wrangler's (scripts/redact.sed). Twilio's reports are checked with
//!   `X-Twilio-Signature`.
//! - Which message: only the provider's own id for it (MSG91's `requestId`, Twilio's `MessageSid`), which only
//!   the provider and enrol know. Our outbox id, echoed by MSG91 as `CRQID`, is a small counter anyone can
//!   guess: it may narrow a match, never make one.
//! - Which way: only forward, `sent` → `delivered` or `failed`. Both are final: a late or replayed report of
//!   the other outcome is acknowledged and changes nothing.
//! - What is kept: a fixed reason from a table of the provider's status codes, never the provider's free text
//!   (MSG91's `desc` and `failedReason`), which the upload's status would hand to every page and client as
//!   is. That text goes to the Worker's log only, cut to 200 characters of printable ASCII.
//!
//! A forged, unsigned or unknown report gets 401 or 404 and changes nothing.

use crate::db::{Db, int, opt_text, text};
use crate::error::ApiError;
use crate::http;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha1::Sha1;
use worker::{Env, Request, Response};

const MAX_REPORT_BYTES: usize = 256 << 10;

fn forged() -> ApiError {
    ApiError::new(401, "InvalidSignature", "This delivery report is not signed by the provider")
}

fn unknown() -> ApiError {
    ApiError::new(404, "MessageNotFound", "No message of ours matches this delivery report")
}

/// Constant-time equality of two byte strings.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The URL's secret is the current one or, during a rotation, the previous one (each at least 16 characters).
fn msg91_secret_ok(env: &Env, given: &str) -> bool {
    ["SMS_DLR_SECRET", "SMS_DLR_SECRET_PREVIOUS"]
        .iter()
        .filter_map(|name| crate::config::text_var(env, name))
        .filter(|s| s.len() >= 16)
        .fold(false, |ok, s| ok | same(s.as_bytes(), given.as_bytes()))
}

/// What a final report says.
#[derive(Debug, PartialEq)]
enum Outcome {
    Delivered,
    /// With a fixed reason from our table, never the provider's text.
    Failed(String),
}

/// What a final report did.
enum Settled {
    /// `sent` became delivered or failed: this outbox row.
    Moved(i64),
    /// The message is ours and already final: nothing changes.
    AlreadyFinal,
    Unknown,
}

/// Settles the message that the provider knows as `provider_id` (and, when the report names one, whose outbox id
/// is `outbox_id` too). Only a `sent` message moves.
async fn settle(db: &Db, provider_id: &str, outbox_id: Option<i64>, outcome: &Outcome) -> Result<Settled, ApiError> {
    #[derive(serde::Deserialize)]
    struct Id {
        id: i64,
    }
    if provider_id.is_empty() {
        return Ok(Settled::Unknown);
    }
    let outbox = outbox_id.map_or(wasm_bindgen::JsValue::NULL, int);
    let (state, reason) = match outcome {
        Outcome::Delivered => ("delivered", None),
        Outcome::Failed(why) => ("failed", Some(why.as_str())),
    };
    let moved: Option<Id> = db
        .first(
            "UPDATE outbox SET state = ?3, last_error = ?4, credential = NULL, updated_at = unixepoch()
             WHERE provider_id = ?1 AND (?2 IS NULL OR id = ?2) AND state = 'sent'
             RETURNING id",
            &[text(provider_id), outbox.clone(), text(state), opt_text(reason)],
        )
        .await?;
    if let Some(m) = moved {
        return Ok(Settled::Moved(m.id));
    }
    let known: Option<Id> = db
        .first(
            "SELECT id FROM outbox WHERE provider_id = ?1 AND (?2 IS NULL OR id = ?2) AND state IN ('delivered', 'failed')
             LIMIT 1",
            &[text(provider_id), outbox],
        )
        .await?;
    Ok(if known.is_some() { Settled::AlreadyFinal } else { Settled::Unknown })
}

/// MSG91's final status codes (notes/sms-providers.md §1.2): 1 delivered; the others failed, each with its
/// fixed reason. Anything else is a state on the way.
fn msg91_outcome(status: &str) -> Option<Outcome> {
    let failed = |why: &str| Some(Outcome::Failed(format!("MSG91 status {status}: {why}")));
    match status {
        "1" => Some(Outcome::Delivered),
        "2" => failed("failed"),
        "9" => failed("DND (NDNC)"),
        "16" | "25" => failed("rejected"),
        "17" => failed("blocked number"),
        _ => None,
    }
}

/// The outbox row a report's `CRQID` names: None when the report names none (MSG91 sends "0" then); Err when it
/// names something that is not one of ours, which no message of ours can match.
fn msg91_outbox_id(crqid: &Value) -> Result<Option<i64>, ()> {
    match crqid.as_str().map(str::trim) {
        None | Some("" | "0") => Ok(None),
        Some(c) => c.strip_prefix("enrol-").and_then(|n| n.parse().ok()).map(Some).ok_or(()),
    }
}

/// The provider's own words, for the Worker's log only (no page shows it): printable ASCII, at most 200
/// characters.
fn printable(s: &str) -> String {
    s.chars().filter(|c| matches!(c, ' '..='~')).take(200).collect()
}

/// `POST /v1/sms/dlr/msg91/{secret}`: the v2 form (`data` = a JSON string of an array of requests, each with
/// its `report` list) or the v3 JSON object ("Webhook (New)" posts JSON of the same names).
pub async fn msg91(mut req: Request, env: &Env, db: &Db, secret: &str) -> Result<Response, ApiError> {
    if !msg91_secret_ok(env, secret) {
        return Err(forged());
    }
    let ct = req.headers().get("content-type").ok().flatten().unwrap_or_default().to_ascii_lowercase();
    let reports: Vec<Value> = if ct.starts_with("application/json") {
        let v: Value = http::json(&mut req, MAX_REPORT_BYTES).await?;
        if v.is_array() { v.as_array().cloned().unwrap_or_default() } else { vec![v] }
    } else {
        let form = http::form(&mut req, MAX_REPORT_BYTES).await?;
        let data = http::field(&form, "data").ok_or_else(|| ApiError::invalid_field("data", "required"))?;
        let v: Value = serde_json::from_str(data).map_err(|_| ApiError::invalid_field("data", "not JSON"))?;
        // v2: each request holds its reports; flatten them, keeping the request id.
        let mut out = Vec::new();
        for r in v.as_array().cloned().unwrap_or_default() {
            for mut one in r["report"].as_array().cloned().unwrap_or_default() {
                one["requestId"] = r["requestId"].clone();
                out.push(one);
            }
        }
        out
    };
    // A report of a state on the way is acknowledged and ignored; a final one must be about a message of ours.
    let (mut matched, mut finals) = (0, 0);
    for r in &reports {
        let status = r["status"].as_str().map(str::to_string).or_else(|| r["status"].as_i64().map(|n| n.to_string()));
        let Some(outcome) = status.as_deref().and_then(msg91_outcome) else { continue };
        finals += 1;
        let Ok(outbox) = msg91_outbox_id(&r["CRQID"]) else { continue };
        let request_id = r["requestId"].as_str().unwrap_or("").trim();
        match settle(db, request_id, outbox, &outcome).await? {
            Settled::Moved(id) => {
                matched += 1;
                if let Outcome::Failed(why) = &outcome {
                    let said = [&r["desc"], &r["failedReason"], &r["failureReason"]]
                        .iter()
                        .filter_map(|v| v.as_str().map(printable))
                        .filter(|s| !s.trim().is_empty())
                        .collect::<Vec<_>>()
                        .join(" / ");
                    worker::console_log!("outbox {id}: {why}; MSG91 said: {}", printable(&said));
                }
            }
            Settled::AlreadyFinal => matched += 1,
            Settled::Unknown => {}
        }
    }
    if matched == 0 && finals > 0 {
        return Err(unknown());
    }
    http::ok_json(&json!({ "matched": matched }))
}

/// Twilio's error codes of a failed or undelivered message that we name (notes/sms-providers.md §2.4).
fn twilio_error(code: &str) -> Option<&'static str> {
    Some(match code {
        "21211" => "invalid number",
        "21408" => "region not enabled",
        "21610" => "the recipient opted out (STOP)",
        "21614" => "not a mobile number",
        "21635" => "a landline",
        "30003" => "unreachable handset",
        "30006" => "landline or unreachable carrier",
        "30007" => "filtered by the carrier",
        _ => return None,
    })
}

/// Twilio's final statuses; a failure's reason is the status and the error code (digits only), never free text.
fn twilio_outcome(status: &str, error_code: &str) -> Option<Outcome> {
    let status = match status {
        "delivered" => return Some(Outcome::Delivered),
        "failed" => "failed",
        "undelivered" => "undelivered",
        _ => return None,
    };
    let code = error_code.trim();
    let why = if code.is_empty() || code.len() > 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        format!("Twilio {status}")
    } else if let Some(meaning) = twilio_error(code) {
        format!("Twilio {status}: error {code} ({meaning})")
    } else {
        format!("Twilio {status}: error {code}")
    };
    Some(Outcome::Failed(why))
}

/// Twilio's signature: base64(HMAC-SHA1(auth token, URL + every parameter's name and value, sorted by name)).
pub fn twilio_signature(token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(token.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(url.as_bytes());
    for (k, v) in sorted {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    B64.encode(mac.finalize().into_bytes())
}

/// `POST /v1/sms/dlr/twilio`: Twilio's StatusCallback, signed over the URL we gave it.
pub async fn twilio(mut req: Request, env: &Env, db: &Db) -> Result<Response, ApiError> {
    let token = crate::config::text_var(env, "TWILIO_AUTH_TOKEN").unwrap_or_default();
    let signature = req.headers().get("x-twilio-signature").ok().flatten().unwrap_or_default();
    if token.is_empty() || signature.is_empty() {
        return Err(forged());
    }
    let ct = req.headers().get("content-type").ok().flatten().unwrap_or_default().to_ascii_lowercase();
    if !ct.starts_with("application/x-www-form-urlencoded") {
        return Err(forged());
    }
    let bytes = req.bytes().await.map_err(|_| forged())?;
    if bytes.len() > MAX_REPORT_BYTES {
        return Err(forged());
    }
    let params: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
    let url = format!("{}/v1/sms/dlr/twilio", super::provider::public_url(env));
    if !same(twilio_signature(&token, &url, &params).as_bytes(), signature.as_bytes()) {
        return Err(forged());
    }
    let sid = http::field(&params, "MessageSid").unwrap_or("");
    let status = http::field(&params, "MessageStatus").unwrap_or("");
    // On the way (queued, sent, sending): nothing to record.
    let Some(outcome) = twilio_outcome(status, http::field(&params, "ErrorCode").unwrap_or("")) else {
        return http::ok_json(&json!({ "matched": 0 }));
    };
    match settle(db, sid, None, &outcome).await? {
        Settled::Moved(_) | Settled::AlreadyFinal => http::ok_json(&json!({ "matched": 1 })),
        Settled::Unknown => Err(unknown()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msg91_statuses_map_to_fixed_reasons() {
        let failed = |s: &str| Some(Outcome::Failed(s.to_string()));
        let cases = [
            ("1", Some(Outcome::Delivered), "1 is delivered"),
            ("2", failed("MSG91 status 2: failed"), "2 is a failure"),
            ("9", failed("MSG91 status 9: DND (NDNC)"), "9 is the do-not-disturb registry"),
            ("16", failed("MSG91 status 16: rejected"), "16 is a rejection"),
            ("25", failed("MSG91 status 25: rejected"), "25 is a rejection too"),
            ("17", failed("MSG91 status 17: blocked number"), "17 is a blocked number"),
            ("5", None, "a state on the way is not final"),
            ("<script>", None, "an unknown status is not final, and its text goes nowhere"),
        ];
        for (status, want, what) in cases {
            assert_eq!(msg91_outcome(status), want, "{what}");
        }
    }

    #[test]
    fn the_crqid_narrows_a_match_and_never_names_a_stranger() {
        let cases = [
            (json!("enrol-42"), Ok(Some(42)), "ours: row 42"),
            (json!(null), Ok(None), "absent"),
            (json!(""), Ok(None), "empty"),
            (json!("0"), Ok(None), "MSG91's 0 for none"),
            (json!("enrol-x"), Err(()), "not a number"),
            (json!("someone-else-7"), Err(()), "another sender's"),
        ];
        for (crqid, want, what) in cases {
            assert_eq!(msg91_outbox_id(&crqid), want, "{what}");
        }
    }

    #[test]
    fn twilio_reasons_hold_the_status_and_digits_only() {
        let failed = |s: &str| Some(Outcome::Failed(s.to_string()));
        let cases = [
            ("delivered", "", Some(Outcome::Delivered), "delivered"),
            ("undelivered", "30003", failed("Twilio undelivered: error 30003 (unreachable handset)"), "a known code"),
            ("failed", "30099", failed("Twilio failed: error 30099"), "an unknown code is kept as digits"),
            ("failed", "<b>x</b>", failed("Twilio failed"), "text where a code belongs is dropped"),
            ("failed", "1234567", failed("Twilio failed"), "too long for a code"),
            ("sent", "", None, "a state on the way"),
        ];
        for (status, code, want, what) in cases {
            assert_eq!(twilio_outcome(status, code), want, "{what}");
        }
    }

    #[test]
    fn the_providers_words_are_cut_to_200_printable_ascii_characters() {
        let cases = [
            ("DELIVERED", "DELIVERED".to_string(), "plain words stay"),
            ("a\u{202E}b\u{7}c\nd", "abcd".to_string(), "controls and bidi marks go"),
            ("नमस्ते ok", " ok".to_string(), "non-ASCII goes"),
            (&*"x".repeat(500), "x".repeat(200), "at most 200 characters"),
        ];
        for (said, want, what) in cases {
            assert_eq!(printable(said), want, "{what}");
        }
    }
}
