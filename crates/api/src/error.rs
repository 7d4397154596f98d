//! One error type for every handler: a status, a stable code, a message for people, and DIGIT's envelope.

use serde_json::json;
use worker::Response;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A failure of ours or of a binding; the cause is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    fn status_code_message(&self) -> (u16, &'static str, &'static str) {
        match self {
            ApiError::NotFound => (404, "NotFound", "No such resource"),
            ApiError::MethodNotAllowed => (405, "MethodNotAllowed", "This method is not allowed here"),
            ApiError::Internal(_) => (500, "InternalError", "Something went wrong on our side; please try again"),
        }
    }

    /// The DIGIT error envelope; internals are logged, not returned.
    pub fn into_response(self) -> Response {
        let (status, code, message) = self.status_code_message();
        if status >= 500 {
            worker::console_error!("{self}");
        }
        let body = json!({
            "ResponseInfo": { "status": "failed" },
            "Errors": [{ "code": code, "message": message, "description": message, "params": [] }],
        });
        match Response::from_json(&body) {
            Ok(r) => r.with_status(status),
            // Serialising a literal cannot fail; if it ever did, the status still tells the truth.
            Err(_) => Response::empty().map(|r| r.with_status(status)).unwrap_or_else(|_| unreachable_response()),
        }
    }
}

fn unreachable_response() -> Response {
    Response::error("error", 500).expect("a plain response can always be built")
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        ApiError::Internal(e.to_string())
    }
}
