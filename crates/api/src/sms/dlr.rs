//! Delivery reports: `POST /v1/sms/dlr/msg91/{secret}` and `POST /v1/sms/dlr/twilio`. They move a sent
//! message to delivered or failed (never back: a final state is sticky). MSG91 signs nothing, so its URL
//! carries a secret (`SMS_DLR_SECRET`); Twilio's reports are checked with `X-Twilio-Signature`. A forged,
//! unsigned or unknown report gets 401 or 404 and changes nothing.

use crate::db::{Db, text};
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

/// Moves the message with this provider id (or outbox id) to `delivered` or `failed`; false when none matched.
async fn settle(
    db: &Db,
    provider_id: &str,
    outbox_id: Option<i64>,
    delivered: bool,
    why: &str,
) -> Result<bool, ApiError> {
    #[derive(serde::Deserialize)]
    struct Id {
        #[allow(dead_code)]
        id: i64,
    }
    let (state, error) = if delivered { ("delivered", None) } else { ("failed", Some(why)) };
    let found: Option<Id> = db
        .first(
            "UPDATE outbox SET state = CASE WHEN state = 'delivered' THEN state ELSE ?3 END,
               last_error = CASE WHEN state = 'delivered' THEN last_error ELSE coalesce(?4, last_error) END,
               credential = NULL, updated_at = unixepoch()
             WHERE (provider_id = ?1 OR id = ?2) AND provider_id IS NOT NULL AND state IN ('sent', 'delivered', 'failed')
             RETURNING id",
            &[
                text(provider_id),
                outbox_id.map_or(wasm_bindgen::JsValue::NULL, crate::db::int),
                text(state),
                crate::db::opt_text(error),
            ],
        )
        .await?;
    Ok(found.is_some())
}

/// MSG91's status codes: 1 delivered; 2 failed, 9 NDNC, 16/25 rejected, 17 blocked are final failures;
/// anything else is a state on the way.
fn msg91_final(status: &str) -> Option<bool> {
    match status {
        "1" => Some(true),
        "2" | "9" | "16" | "17" | "25" => Some(false),
        _ => None,
    }
}

/// `POST /v1/sms/dlr/msg91/{secret}`: the v2 form (`data` = a JSON string of an array of requests, each with
/// its `report` list) or the v3 JSON object.
pub async fn msg91(mut req: Request, env: &Env, db: &Db, secret: &str) -> Result<Response, ApiError> {
    let expected = crate::config::text_var(env, "SMS_DLR_SECRET").unwrap_or_default();
    if expected.len() < 16 || !same(expected.as_bytes(), secret.as_bytes()) {
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
        let Some(delivered) = status.as_deref().and_then(msg91_final) else { continue };
        finals += 1;
        let request_id = r["requestId"].as_str().unwrap_or("");
        let outbox = r["CRQID"].as_str().and_then(|c| c.strip_prefix("enrol-")).and_then(|n| n.parse().ok());
        let why = format!("MSG91: {}", r["desc"].as_str().or(r["failedReason"].as_str()).unwrap_or("not delivered"));
        if settle(db, request_id, outbox, delivered, &why).await? {
            matched += 1;
        }
    }
    if matched == 0 && finals > 0 {
        return Err(unknown());
    }
    http::ok_json(&json!({ "matched": matched }))
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
    let delivered = match status {
        "delivered" => true,
        "failed" | "undelivered" => false,
        // On the way (queued, sent, sending): nothing to record.
        _ => return http::ok_json(&json!({ "matched": 0 })),
    };
    let why = format!("Twilio: {status} {}", http::field(&params, "ErrorCode").unwrap_or(""));
    if sid.is_empty() || !settle(db, sid, None, delivered, why.trim()).await? {
        return Err(unknown());
    }
    http::ok_json(&json!({ "matched": 1 }))
}
