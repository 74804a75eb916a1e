//! The one error type of the HTTP layer. A 4xx carries a stable `code` and a
//! message for people; a 5xx says nothing about its cause to the client and
//! logs it once here, on one line with its whole chain of causes.

use app::protocol::{ErrorBody, ErrorCode, ErrorDetail};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::report::chain;
use crate::store::{StoreError, WriteError};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    Client {
        status: StatusCode,
        code: ErrorCode,
        message: String,
    },
    #[error("too many requests; retry in {wait:?}")]
    RateLimited {
        wait: std::time::Duration,
        message: &'static str,
    },
    #[error("seq gap: expected {expected}")]
    SeqGap { expected: u64 },
    /// A failure of ours; the cause keeps its sources for the log.
    #[error("internal: {}", chain(.0.as_ref()))]
    Internal(Box<dyn std::error::Error + Send + Sync>),
    /// The writer's queue is full (503 with `Retry-After`).
    #[error("overloaded")]
    Overloaded,
}

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

/// A message with every text it quotes (“…”) cut to 200 characters: our
/// messages quote what was sent, and what was sent may be 10 KB. Texts of
/// our own (a session's title, at most 200) are quoted whole.
pub fn clip_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(1024));
    let mut rest = message;
    while let Some(open) = rest.find('“') {
        out.push_str(&rest[..open + '“'.len_utf8()]);
        rest = &rest[open + '“'.len_utf8()..];
        match rest.find('”') {
            Some(close) => {
                out.push_str(&clip_to(&rest[..close], QUOTED_MAX));
                rest = &rest[close..];
                out.push('”');
                rest = &rest['”'.len_utf8()..];
            }
            None => {
                out.push_str(&clip_to(rest, QUOTED_MAX));
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// “ (line 1, column 40)” from the end of a serde_json message.
fn position(serde_message: &str) -> String {
    let Some(at) = serde_message.rfind(" at line ") else {
        return String::new();
    };
    let mut words = serde_message[at + 9..].split(' ');
    match (words.next(), words.next(), words.next()) {
        (Some(line), Some("column"), Some(column)) => format!(" (line {line}, column {column})"),
        _ => String::new(),
    }
}

/// What a type serde expected is, in words: never our type names.
fn kind_of(expected: &str) -> &'static str {
    let e = expected.trim();
    if e.starts_with("struct") || e.starts_with("a map") || e.starts_with("map") {
        "an object"
    } else if e.starts_with("a sequence") || e.starts_with("sequence") || e.starts_with("tuple") {
        "a list"
    } else if e.starts_with("u") || e.starts_with("i") || e.contains("integer") {
        "a whole number"
    } else if e.starts_with("f") {
        "a number"
    } else if e.contains("string") || e.starts_with("a ") && e.contains("str") {
        "text"
    } else if e.contains("bool") {
        "true or false"
    } else {
        "something else"
    }
}

/// A JSON body of the wrong shape, said in our words: which field, what is
/// wrong with it, and where; no Rust type names, no input longer than
/// [`clip`] keeps. `serde_message` is axum's text for the rejection.
pub fn describe_json_error(serde_message: &str) -> String {
    let text = serde_message
        .strip_prefix("Failed to deserialize the JSON body into the target type: ")
        .unwrap_or(serde_message);
    let at = position(text);
    let text = text.rfind(" at line ").map_or(text, |i| &text[..i]);
    // serde_path_to_error puts the field's path first: `mutations[0].seq: …`.
    let (path, inner) = match text.split_once(": ") {
        Some((path, inner)) if !path.contains(' ') && !path.is_empty() && path != "." => {
            (Some(path), inner)
        }
        _ => (None, text),
    };
    let field = |name: &str| format!("“{}”", clip(name));
    let whose = path
        .map(|p| format!(" in {}", field(p)))
        .unwrap_or_default();
    let said = if let Some(rest) = inner.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        format!("The field {} is missing{whose}", field(name))
    } else if let Some(rest) = inner.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        format!("{} is not a field this endpoint takes{whose}", field(name))
    } else if let Some(rest) = inner.strip_prefix("invalid type: ") {
        let expected = rest.rsplit_once(", expected ").map_or("", |(_, e)| e);
        match path {
            Some(p) => format!("{} must be {}", field(p), kind_of(expected)),
            None => format!("The body must be {}", kind_of(expected)),
        }
    } else if inner.starts_with("invalid length") {
        match path {
            Some(p) => format!("{} has the wrong number of items", field(p)),
            None => "The body must be an object with the fields this endpoint takes".to_owned(),
        }
    } else if inner.starts_with("invalid value") || inner.starts_with("unknown variant") {
        match path {
            Some(p) => format!("{} has a value this endpoint does not take", field(p)),
            None => "The body has a value this endpoint does not take".to_owned(),
        }
    } else {
        match path {
            Some(p) => format!("{} is not what this endpoint takes", field(p)),
            None => "The body is not what this endpoint takes".to_owned(),
        }
    };
    format!("{said}{at}.")
}

/// Input shown back in a message: at most 60 characters, controls
/// replaced, so an answer never carries a pasted novel or a terminal
/// escape back to its sender.
pub fn clip(input: &str) -> String {
    clip_to(input, 60)
}

/// The longest text quoted whole in a message: a session's title.
const QUOTED_MAX: usize = 200;

fn clip_to(input: &str, shown: usize) -> String {
    let mut out: String = input
        .chars()
        .take(shown)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    if input.chars().nth(shown).is_some() {
        out.push('…');
    }
    out
}

impl ApiError {
    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::client(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorized(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::client(StatusCode::UNAUTHORIZED, code, message)
    }
    fn client(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError::Client {
            status,
            code,
            message: clip_quoted(&message.into()),
        }
    }

    /// Well-formed but breaking a rule of the contract.
    pub fn invalid(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::client(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn forbidden(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::client(StatusCode::FORBIDDEN, code, message)
    }

    pub fn not_found(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::client(StatusCode::NOT_FOUND, code, message)
    }

    /// Something the server is not set up for (email without SMTP).
    pub fn unavailable(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::client(StatusCode::SERVICE_UNAVAILABLE, code, message)
    }

    pub fn too_large(code: ErrorCode, message: impl Into<String>) -> Self {
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
        use axum::extract::rejection::JsonRejection as J;
        let (code, message) = match &rejection {
            J::JsonDataError(e) => (ErrorCode::InvalidBody, describe_json_error(&e.body_text())),
            J::JsonSyntaxError(e) => (
                ErrorCode::Malformed,
                format!("The body is not valid JSON{}.", position(&e.body_text())),
            ),
            J::MissingJsonContentType(_) => (
                ErrorCode::NotJson,
                "Send the body as JSON, with “Content-Type: application/json”.".to_owned(),
            ),
            _ if status == StatusCode::PAYLOAD_TOO_LARGE => (
                ErrorCode::TooLarge,
                "The body is larger than this endpoint takes.".to_owned(),
            ),
            _ => (
                ErrorCode::Malformed,
                "The body could not be read.".to_owned(),
            ),
        };
        Self::client(status, code, message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Internal(Box::new(e))
    }
}

impl From<WriteError> for ApiError {
    fn from(e: WriteError) -> Self {
        match e {
            // Nothing was written: the device backs off and sends it again.
            WriteError::Overloaded => ApiError::Overloaded,
            other => ApiError::Internal(Box::new(other)),
        }
    }
}

pub fn error_response(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code,
            message: message.into(),
            expected_seq: None,
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
                let mut response = error_response(
                    StatusCode::TOO_MANY_REQUESTS,
                    ErrorCode::RateLimited,
                    message,
                );
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, seconds.max(1).into());
                response
            }
            ApiError::Overloaded => {
                tracing::warn!("write queue full: answered 503 overloaded");
                let mut response = error_response(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::Overloaded,
                    "The server has more changes to save than it can take just now. They are kept on your device; it tries again shortly.",
                );
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, 2.into());
                response
            }
            ApiError::SeqGap { expected } => {
                let body = ErrorBody {
                    error: ErrorDetail {
                        code: ErrorCode::SeqGap,
                        message: format!(
                            "The server expected seq {expected} next. Push again from that seq."
                        ),
                        expected_seq: Some(expected),
                    },
                };
                (StatusCode::CONFLICT, Json(body)).into_response()
            }
            ApiError::Internal(cause) => {
                tracing::error!(cause = %chain(cause.as_ref()), "request failed");
                error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Internal,
                    "The server could not complete the request. It is safe to retry.",
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Where the test's log lines go.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::ErrorKind::Other)?
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn an_internal_error_logs_its_whole_chain_on_one_line_and_tells_the_client_nothing() {
        // A real SQLite failure, as a write job would meet it.
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA query_only = 1").unwrap();
        let failure = conn.execute("CREATE TABLE t (x)", []).unwrap_err();
        let error = ApiError::from(WriteError::from(failure));
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();

        let response = tracing::subscriber::with_default(subscriber, || error.into_response());

        let log = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let logged: Vec<&str> = log.lines().collect();
        assert_eq!(logged.len(), 1, "one line per failure: {log}");
        assert!(logged[0].contains("request failed"), "{log}");
        // The store's words, SQLite's message and its own error code.
        assert!(
            logged[0].contains("sqlite: attempt to write a readonly database"),
            "{log}"
        );
        assert!(logged[0].contains("Error code 8"), "{log}");
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "internal");
        assert!(!body.to_string().contains("readonly"), "{body}");
    }

    #[test]
    fn serde_messages_become_ours_without_type_names() {
        let prefix = "Failed to deserialize the JSON body into the target type: ";
        let cases = [
            (
                "missing field `signin_code` at line 1 column 40",
                "The field “signin_code” is missing (line 1, column 40).",
            ),
            (
                "invalid length 4, expected struct PushRequest with 4 elements at line 1 column 9",
                "The body must be an object with the fields this endpoint takes (line 1, column 9).",
            ),
            (
                "mutations[0].seq: invalid type: string \"x\", expected u64 at line 1 column 55",
                "“mutations[0].seq” must be a whole number (line 1, column 55).",
            ),
            (
                "invalid type: sequence, expected struct PushRequest at line 1 column 1",
                "The body must be an object (line 1, column 1).",
            ),
        ];
        for (serde, ours) in cases {
            let said = describe_json_error(&format!("{prefix}{serde}"));
            assert_eq!(said, ours);
            assert!(!said.contains("struct") && !said.contains("u64"), "{said}");
        }
    }

    #[test]
    fn quoted_input_in_a_message_is_clipped() {
        let long = "y".repeat(10_000);
        let message = format!("“{long}” is not a UUID (like “3f2b”)");
        let shown = clip_quoted(&message);
        assert!(shown.len() < 260, "{shown}");
        let title = "t".repeat(200);
        assert_eq!(
            clip_quoted(&format!("“{title}”")),
            format!("“{title}”"),
            "our own texts whole"
        );
        assert!(shown.ends_with("is not a UUID (like “3f2b”)"), "{shown}");
        assert_eq!(clip_quoted("no quotes here"), "no quotes here");
        assert_eq!(clip_quoted("“open"), "“open");
    }

    #[test]
    fn a_full_write_queue_is_a_503_to_retry_and_a_panicked_job_an_internal_error() {
        let busy = ApiError::from(WriteError::Overloaded).into_response();
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[axum::http::header::RETRY_AFTER], "2");
        let bug = ApiError::from(WriteError::Panicked("x".into())).into_response();
        assert_eq!(bug.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn echoed_input_is_clipped_and_stripped_of_controls() {
        let long = "x".repeat(10_000);
        let shown = clip(&long);
        assert_eq!(shown.chars().count(), 61);
        assert!(shown.ends_with('…'));
        assert_eq!(clip("a\u{0}b\u{1b}[31m"), "a\u{FFFD}b\u{FFFD}[31m");
    }
}
