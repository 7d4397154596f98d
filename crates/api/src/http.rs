//! Reading requests: size limit, content type, JSON or form bodies, the DIGIT `RequestInfo`. Every
//! failure here is the client's, and gets a 4xx that says what was wrong.

use crate::error::ApiError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use worker::{Request, Response};

/// Bodies larger than this are refused before parsing (1 MiB; see `MAX_BODY_BYTES`).
pub const DEFAULT_MAX_BODY: usize = 1 << 20;

fn content_type(req: &Request) -> String {
    req.headers().get("content-type").ok().flatten().unwrap_or_default().to_ascii_lowercase()
}

async fn body(req: &mut Request, max: usize) -> Result<Vec<u8>, ApiError> {
    let declared = req.headers().get("content-length").ok().flatten().and_then(|v| v.trim().parse::<usize>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(too_large(max));
    }
    let bytes =
        req.bytes().await.map_err(|_| ApiError::bad_request("InvalidBody", "The request body could not be read"))?;
    if bytes.len() > max {
        return Err(too_large(max));
    }
    Ok(bytes)
}

fn too_large(max: usize) -> ApiError {
    ApiError::new(413, "PayloadTooLarge", format!("The request body is larger than {max} bytes"))
}

/// A JSON body of type `T` (unknown fields are ignored: DIGIT clients send many).
pub async fn json<T: DeserializeOwned>(req: &mut Request, max: usize) -> Result<T, ApiError> {
    if !content_type(req).starts_with("application/json") {
        return Err(ApiError::new(415, "UnsupportedMediaType", "Send the body as application/json"));
    }
    let bytes = body(req, max).await?;
    parse_json(&bytes)
}

/// A JSON body of a DIGIT route, read as DIGIT's Jackson reads it (see `lenient`): a body that is not JSON is
/// `JsonParseException`, a value that cannot be converted `JsonMappingException` with the field's path in
/// `params` (tracer's codes).
pub async fn digit_json<T: DeserializeOwned>(req: &mut Request, max: usize) -> Result<T, ApiError> {
    if !content_type(req).starts_with("application/json") {
        return Err(ApiError::new(415, "UnsupportedMediaType", "Send the body as application/json"));
    }
    let bytes = body(req, max).await?;
    // serde would read a JSON array as a struct's fields in order; Jackson reads only an object as one.
    if bytes.trim_ascii_start().first().is_some_and(|&b| b != b'{')
        && serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_ok()
    {
        return Err(ApiError::bad_request("JsonMappingException", "The body must be a JSON object"));
    }
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    let value: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let value = value.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::bad_request("JsonParseException", format!("The body is not JSON: {inner}"))
        } else {
            // serde's message says what was found and what was expected; it holds nothing internal.
            let mut err =
                ApiError::bad_request("JsonMappingException", format!("Failed to parse field - {path}: {inner}"));
            if path != "." {
                err.params.push(path);
            }
            err
        }
    })?;
    de.end().map_err(|e| ApiError::bad_request("JsonParseException", format!("The body is not JSON: {e}")))?;
    Ok(value)
}

/// An optional JSON body (`_logout`, `_details`, whose token may come in the header or the query instead):
/// `T::default()` when the body is not JSON or is empty.
pub async fn optional_json<T: DeserializeOwned + Default>(req: &mut Request, max: usize) -> Result<T, ApiError> {
    if !content_type(req).starts_with("application/json") {
        return Ok(T::default());
    }
    let bytes = body(req, max).await?;
    if bytes.trim_ascii().is_empty() {
        return Ok(T::default());
    }
    parse_json(&bytes)
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        // serde's message names the field and the position; it holds nothing internal.
        ApiError::bad_request("InvalidJson", format!("The body is not the expected JSON: {e}"))
    })
}

/// A form-encoded body (`/user/oauth/token`), or the query string when the body is empty.
pub async fn form(req: &mut Request, max: usize) -> Result<Vec<(String, String)>, ApiError> {
    let ct = content_type(req);
    let bytes = body(req, max).await?;
    if !bytes.is_empty() && !ct.starts_with("application/x-www-form-urlencoded") {
        return Err(ApiError::new(415, "UnsupportedMediaType", "Send the body as application/x-www-form-urlencoded"));
    }
    // The body only: credentials in a query string end up in logs and histories (a route that must refuse
    // them looks at the query itself).
    Ok(form_urlencoded::parse(&bytes).into_owned().collect())
}

/// The client's address as the throttles count it: `CF-Connecting-IP`, which Cloudflare sets on every
/// request it forwards (a client cannot choose it when deployed; README). An IPv6 address counts by its /64,
/// since one subscriber holds a whole /64; a value that is not an address (or longer than any address) counts
/// as one shared bucket, so that made-up values gain nothing.
pub fn client_bucket(req: &Request) -> String {
    let raw = req.headers().get("cf-connecting-ip").ok().flatten().unwrap_or_default();
    address_bucket(&raw)
}

/// See [`client_bucket`].
pub fn address_bucket(raw: &str) -> String {
    if raw.is_empty() {
        return String::new();
    }
    if raw.len() > 64 {
        return "invalid".into();
    }
    match raw.trim().parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(a)) => a.to_string(),
        Ok(std::net::IpAddr::V6(a)) => match a.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = a.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Err(_) => "invalid".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::address_bucket;

    #[test]
    fn addresses_count_by_subscriber() {
        for (raw, bucket, why) in [
            ("203.0.113.7", "203.0.113.7", "an IPv4 address is its own bucket"),
            ("2001:db8:1:2::1", "2001:db8:1:2::/64", "an IPv6 address counts by its /64"),
            ("2001:db8:1:2:ffff:0:0:9", "2001:db8:1:2::/64", "another address of the same /64 shares it"),
            ("2001:db8:1:3::1", "2001:db8:1:3::/64", "the next /64 is another bucket"),
            ("::ffff:203.0.113.7", "203.0.113.7", "an IPv4-mapped address is the IPv4 address"),
            ("not an address", "invalid", "made-up values share one bucket"),
            (&"1".repeat(65), "invalid", "an overlong value is cut off, not stored"),
            ("", "", "no header (local runs) is one bucket"),
        ] {
            assert_eq!(address_bucket(raw), bucket, "{why}");
        }
    }
}

/// A query-string parameter of the request.
pub fn query(req: &Request, name: &str) -> Option<String> {
    req.url().ok()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// A number from the query: absent is `default`; present must be within `range`.
pub fn query_number(
    req: &Request,
    name: &str,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, ApiError> {
    match query(req, name) {
        None => Ok(default),
        Some(v) => v.trim().parse::<i64>().ok().filter(|n| range.contains(n)).ok_or_else(|| {
            ApiError::invalid_field(name, format!("a number from {} to {}", range.start(), range.end()))
        }),
    }
}

/// The client's address for the audit log: `CF-Connecting-IP` as sent, when it is an address (else
/// "invalid"; empty in local runs without the header).
pub fn client_address(req: &Request) -> String {
    let raw = req.headers().get("cf-connecting-ip").ok().flatten().unwrap_or_default();
    let raw = raw.trim();
    if raw.is_empty() {
        String::new()
    } else if raw.len() <= 64 && raw.parse::<std::net::IpAddr>().is_ok() {
        raw.to_string()
    } else {
        "invalid".into()
    }
}

pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// DIGIT's `RequestInfo`: only the token matters here (apiId, ver, ts, action, did, key, msgId, userInfo and
/// the rest are read by nobody, so they may hold anything).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestInfo {
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub auth_token: Option<String>,
}

/// `ResponseInfo` as DIGIT answers it.
pub fn response_info() -> serde_json::Value {
    serde_json::json!({ "apiId": "enrol", "ver": "1.0", "ts": worker::Date::now().as_millis(), "status": "successful" })
}

pub fn ok_json<T: Serialize>(value: &T) -> Result<Response, ApiError> {
    Ok(Response::from_json(value)?)
}
