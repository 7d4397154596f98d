//! One error type for every handler: a status, a stable code, a message for people, and DIGIT's envelope
//! `{"ResponseInfo":…, "Errors":[{"code","message","description","params"}]}`. The cause of an internal
//! failure is logged, never sent.

use serde_json::json;
use worker::Response;

#[derive(Debug)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub params: Vec<String>,
    /// For `/user/oauth/token`: OAuth's `error` field, which DIGIT's clients read.
    pub oauth: Option<&'static str>,
    /// Logged, not returned.
    cause: Option<String>,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), params: Vec::new(), oauth: None, cause: None }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(400, code, message)
    }

    /// A field failed: the message names it, and `params` carries the field path.
    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let mut e = Self::new(400, "InvalidField", format!("{field}: {}", message.into()));
        e.params.push(field);
        e
    }

    /// A field failed, with DIGIT's code for it (`INVALID_MOBILE_NUMBER`, `InvalidUserCreateException`…).
    pub fn digit_field(code: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Self::invalid_field(field, message);
        e.code = code;
        e
    }

    /// A DIGIT route that the caller's tenant or roles do not reach: DIGIT's gateway answers 401 with this
    /// text (and its exception's name as the code), before the service sees the body.
    pub fn not_authorized() -> Self {
        Self::new(401, "CustomException", "You are not authorized to access this resource")
    }

    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized", "A valid access token is required")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, "Forbidden", message)
    }

    pub fn not_found() -> Self {
        Self::new(404, "NotFound", "No such resource")
    }

    pub fn method_not_allowed() -> Self {
        Self::new(405, "MethodNotAllowed", "This method is not allowed here")
    }

    pub fn internal(cause: impl Into<String>) -> Self {
        let mut e = Self::new(500, "InternalError", "Something went wrong on our side; please try again");
        e.cause = Some(cause.into());
        e
    }

    /// Adds a cause to log (never sent).
    pub fn with_cause(mut self, cause: impl Into<String>) -> Self {
        self.cause = Some(cause.into());
        self
    }

    pub fn with_oauth(mut self, error: &'static str) -> Self {
        self.oauth = Some(error);
        self
    }

    /// The response; internal causes are logged here.
    pub fn into_response(self) -> worker::Result<Response> {
        if let Some(cause) = &self.cause {
            worker::console_error!("{} {}: {cause}", self.status, self.code);
        }
        let mut body = json!({
            "ResponseInfo": { "status": "failed" },
            "Errors": [{ "code": self.code, "message": self.message, "description": self.message, "params": self.params }],
        });
        if let Some(error) = self.oauth {
            body["error"] = json!(error);
            body["error_description"] = json!(self.message);
        }
        Ok(Response::from_json(&body)?.with_status(self.status))
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        ApiError::internal(e.to_string())
    }
}
