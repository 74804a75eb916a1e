//! The one error type of the HTTP layer. A 4xx carries a stable `code` and a
//! message for people; a 5xx says nothing about its cause to the client and
//! logs it once here.

use app::protocol::{ErrorBody, ErrorDetail};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::store::{StoreError, WriteError};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    Client {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    #[error("too many requests; retry in {wait:?}")]
    RateLimited {
        wait: std::time::Duration,
        message: &'static str,
    },
    #[error("seq gap: expected {expected}")]
    SeqGap { expected: u64 },
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::client(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::client(StatusCode::UNAUTHORIZED, code, message)
    }
    fn client(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Client {
            status,
            code,
            message: message.into(),
        }
    }

    /// Well-formed but breaking a rule of the contract.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::client(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::client(StatusCode::FORBIDDEN, code, message)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::client(StatusCode::NOT_FOUND, code, message)
    }

    /// Something the server is not set up for (email without SMTP).
    pub fn unavailable(code: &'static str, message: impl Into<String>) -> Self {
        Self::client(StatusCode::SERVICE_UNAVAILABLE, code, message)
    }

    pub fn too_large(code: &'static str, message: impl Into<String>) -> Self {
        Self::client(StatusCode::PAYLOAD_TOO_LARGE, code, message)
    }

    pub fn rate_limited(wait: std::time::Duration, message: &'static str) -> Self {
        ApiError::RateLimited { wait, message }
    }

    /// A JSON body axum could not take, in our error shape: too large (413),
    /// not JSON at all (400), not declared as JSON (415), or JSON of the
    /// wrong shape (422).
    pub fn from_json(rejection: axum::extract::rejection::JsonRejection) -> Self {
        let status = rejection.status();
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "not_json",
            StatusCode::UNPROCESSABLE_ENTITY => "invalid_body",
            _ => "malformed",
        };
        Self::client(status, code, rejection.body_text())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<WriteError> for ApiError {
    fn from(e: WriteError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

pub fn error_response(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message: message.into(),
        },
    };
    (status, Json(body)).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Client {
                status,
                code,
                message,
            } => error_response(status, code, message),
            ApiError::RateLimited { wait, message } => {
                let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                let mut response =
                    error_response(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message);
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, seconds.max(1).into());
                response
            }
            ApiError::SeqGap { expected } => {
                let body = serde_json::json!({"error": {
                    "code": "seq_gap",
                    "message": format!("The server expected seq {expected} next. Push again from that seq."),
                    "expected_seq": expected,
                }});
                (StatusCode::CONFLICT, Json(body)).into_response()
            }
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "The server could not complete the request. It is safe to retry.",
                )
            }
        }
    }
}
