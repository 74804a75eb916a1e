//! The operations a device can queue (protocol v1), checked. A mutation's
//! `op` and `args` become an [`Operation`] here or are refused with a code;
//! either way the mutation consumes its seq.

use serde_json::Value;

use super::ids::{IdError, RegistrationId, SessionId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    RegistrationCreate {
        registration_id: RegistrationId,
        session_id: SessionId,
    },
    RegistrationCancel {
        registration_id: RegistrationId,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpError {
    #[error("“{0}” is not an operation this server knows")]
    UnknownOp(String),
    #[error("args.{field}: {problem}")]
    BadArgs {
        field: &'static str,
        problem: String,
    },
}

impl OpError {
    pub fn code(&self) -> &'static str {
        match self {
            OpError::UnknownOp(_) => "unknown_op",
            OpError::BadArgs { .. } => "invalid_args",
        }
    }
}

pub const REGISTRATION_CREATE: &str = "registration.create";
pub const REGISTRATION_CANCEL: &str = "registration.cancel";

impl Operation {
    pub fn name(&self) -> &'static str {
        match self {
            Operation::RegistrationCreate { .. } => REGISTRATION_CREATE,
            Operation::RegistrationCancel { .. } => REGISTRATION_CANCEL,
        }
    }

    pub fn parse(op: &str, args: &Value) -> Result<Operation, OpError> {
        match op {
            REGISTRATION_CREATE => Ok(Operation::RegistrationCreate {
                registration_id: arg(args, "registration_id", RegistrationId::parse)?,
                session_id: arg(args, "session_id", SessionId::parse)?,
            }),
            REGISTRATION_CANCEL => Ok(Operation::RegistrationCancel {
                registration_id: arg(args, "registration_id", RegistrationId::parse)?,
            }),
            other => Err(OpError::UnknownOp(other.chars().take(64).collect())),
        }
    }

    /// The `args` object as the protocol spells it.
    pub fn args(&self) -> Value {
        match self {
            Operation::RegistrationCreate {
                registration_id,
                session_id,
            } => serde_json::json!({
                "registration_id": registration_id.as_str(),
                "session_id": session_id.as_str(),
            }),
            Operation::RegistrationCancel { registration_id } => {
                serde_json::json!({ "registration_id": registration_id.as_str() })
            }
        }
    }
}

/// A required text argument, parsed. Numbers are accepted for ids, because
/// a session id looks like one.
fn arg<T>(
    args: &Value,
    field: &'static str,
    parse: impl Fn(&str) -> Result<T, IdError>,
) -> Result<T, OpError> {
    let text = match args.get(field) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => {
            return Err(OpError::BadArgs {
                field,
                problem: "must be text".into(),
            });
        }
        None => {
            return Err(OpError::BadArgs {
                field,
                problem: "is missing".into(),
            });
        }
    };
    parse(&text).map_err(|e| OpError::BadArgs {
        field,
        problem: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const RID: &str = "3f2b8a4e-9c1d-4e5f-8a7b-1c2d3e4f5a6b";

    #[test]
    fn operations_round_trip_through_their_wire_args() {
        let op = Operation::parse(
            REGISTRATION_CREATE,
            &json!({"registration_id": RID, "session_id": "12"}),
        )
        .unwrap();
        assert_eq!(Operation::parse(op.name(), &op.args()), Ok(op));
        let op = Operation::parse(REGISTRATION_CANCEL, &json!({"registration_id": RID})).unwrap();
        assert_eq!(Operation::parse(op.name(), &op.args()), Ok(op));
    }

    #[test]
    fn bad_operations_are_refused_with_a_code() {
        let cases = [
            ("registration.delete", json!({}), "unknown_op"),
            (
                REGISTRATION_CREATE,
                json!({"session_id": "1"}),
                "invalid_args",
            ),
            (
                REGISTRATION_CREATE,
                json!({"registration_id": "nope", "session_id": "1"}),
                "invalid_args",
            ),
            (
                REGISTRATION_CREATE,
                json!({"registration_id": RID, "session_id": [1]}),
                "invalid_args",
            ),
            (REGISTRATION_CANCEL, json!("x"), "invalid_args"),
        ];
        for (op, args, code) in cases {
            assert_eq!(
                Operation::parse(op, &args).unwrap_err().code(),
                code,
                "{op} {args}"
            );
        }
    }
}
