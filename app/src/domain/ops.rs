//! The operations a device can queue (protocol v1), checked. A mutation's
//! `op` and `args` become an [`Operation`] here or are refused with a code;
//! either way the mutation consumes its seq.

use serde_json::Value;

use super::attendee::BadgeCode;
use super::checkin::CheckinKind;
use super::ids::{CheckinId, IdError, RegistrationId, SessionId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    RegistrationCreate {
        registration_id: RegistrationId,
        session_id: SessionId,
    },
    RegistrationCancel {
        registration_id: RegistrationId,
    },
    CheckinRecord {
        checkin_id: CheckinId,
        badge_code: BadgeCode,
        /// `None`: the conference itself.
        session_id: Option<SessionId>,
        kind: CheckinKind,
    },
}

/// Who sends a mutation: each kind of device may send only its own
/// operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Attendee,
    Kiosk,
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
pub const CHECKIN_RECORD: &str = "checkin.record";

impl Operation {
    pub fn name(&self) -> &'static str {
        match self {
            Operation::RegistrationCreate { .. } => REGISTRATION_CREATE,
            Operation::RegistrationCancel { .. } => REGISTRATION_CANCEL,
            Operation::CheckinRecord { .. } => CHECKIN_RECORD,
        }
    }

    /// Attendees register for themselves; kiosks record check-ins. Nothing
    /// else crosses over.
    pub fn permitted(&self, actor: Actor) -> bool {
        match self {
            Operation::RegistrationCreate { .. } | Operation::RegistrationCancel { .. } => {
                actor == Actor::Attendee
            }
            Operation::CheckinRecord { .. } => actor == Actor::Kiosk,
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
            CHECKIN_RECORD => Ok(Operation::CheckinRecord {
                checkin_id: arg(args, "checkin_id", CheckinId::parse)?,
                badge_code: arg(args, "badge_code", |v| {
                    BadgeCode::parse(v).map_err(|e| IdError::Other(e.to_string()))
                })?,
                session_id: match args.get("session_id") {
                    None | Some(Value::Null) => None,
                    Some(_) => Some(arg(args, "session_id", SessionId::parse)?),
                },
                kind: arg(args, "kind", |v| {
                    CheckinKind::parse(v)
                        .ok_or_else(|| IdError::Other(format!("“{v}” is not entry or exit")))
                })?,
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
            Operation::CheckinRecord {
                checkin_id,
                badge_code,
                session_id,
                kind,
            } => serde_json::json!({
                "checkin_id": checkin_id.as_str(),
                "badge_code": badge_code.as_str(),
                "session_id": session_id.as_ref().map(SessionId::as_str),
                "kind": kind.as_str(),
            }),
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
        for session in [json!(null), json!("12")] {
            let op = Operation::parse(
                CHECKIN_RECORD,
                &json!({"checkin_id": RID, "badge_code": "esp-1234", "session_id": session, "kind": "entry"}),
            )
            .unwrap();
            assert_eq!(Operation::parse(op.name(), &op.args()), Ok(op));
        }
    }

    #[test]
    fn each_kind_of_device_sends_only_its_own_operations() {
        let register = Operation::parse(
            REGISTRATION_CREATE,
            &json!({"registration_id": RID, "session_id": "12"}),
        )
        .unwrap();
        let checkin = Operation::parse(
            CHECKIN_RECORD,
            &json!({"checkin_id": RID, "badge_code": "ESP-1234", "kind": "entry"}),
        )
        .unwrap();
        assert!(register.permitted(Actor::Attendee) && !register.permitted(Actor::Kiosk));
        assert!(checkin.permitted(Actor::Kiosk) && !checkin.permitted(Actor::Attendee));
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
            (
                CHECKIN_RECORD,
                json!({"checkin_id": RID, "badge_code": "?", "kind": "entry"}),
                "invalid_args",
            ),
            (
                CHECKIN_RECORD,
                json!({"checkin_id": RID, "badge_code": "ESP-1234", "kind": "in"}),
                "invalid_args",
            ),
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
