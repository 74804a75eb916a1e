//! The operations a device can queue (protocol v1), checked. A mutation's
//! `op` and `args` become an [`Operation`] here or are refused with a code;
//! either way the mutation consumes its seq.

use serde_json::Value;

use super::attendee::BadgeCode;
use super::checkin::CheckinKind;
use super::ids::{CheckinId, EntryId, IdError, RegistrationId, SessionId};
use super::mentoring::{
    self, Activity, Entry, EntryChanges, EntryDate, MentoringError, MentoringRole, Minutes,
    Partner, Terms,
};

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
    MentoringLog {
        entry_id: EntryId,
        entry: Entry,
    },
    MentoringUpdate {
        entry_id: EntryId,
        changes: EntryChanges,
    },
    MentoringDelete {
        entry_id: EntryId,
    },
    /// The partner signs the entry: `seen` is what they were shown.
    MentoringConfirm {
        entry_id: EntryId,
        seen: Terms,
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
pub const MENTORING_LOG: &str = "mentoring.log";
pub const MENTORING_UPDATE: &str = "mentoring.update";
pub const MENTORING_DELETE: &str = "mentoring.delete";
pub const MENTORING_CONFIRM: &str = "mentoring.confirm";

impl Operation {
    pub fn name(&self) -> &'static str {
        match self {
            Operation::RegistrationCreate { .. } => REGISTRATION_CREATE,
            Operation::RegistrationCancel { .. } => REGISTRATION_CANCEL,
            Operation::CheckinRecord { .. } => CHECKIN_RECORD,
            Operation::MentoringLog { .. } => MENTORING_LOG,
            Operation::MentoringUpdate { .. } => MENTORING_UPDATE,
            Operation::MentoringDelete { .. } => MENTORING_DELETE,
            Operation::MentoringConfirm { .. } => MENTORING_CONFIRM,
        }
    }

    /// Attendees register and keep their mentoring log; kiosks record
    /// check-ins. Nothing else crosses over.
    pub fn permitted(&self, actor: Actor) -> bool {
        match self {
            Operation::CheckinRecord { .. } => actor == Actor::Kiosk,
            _ => actor == Actor::Attendee,
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
            MENTORING_LOG => Ok(Operation::MentoringLog {
                entry_id: arg(args, "entry_id", EntryId::parse)?,
                entry: entry(args)?,
            }),
            MENTORING_UPDATE => {
                let fields = args.get("fields").ok_or(OpError::BadArgs {
                    field: "fields",
                    problem: "is missing".into(),
                })?;
                let changes = entry_changes(fields, true)?;
                if changes.is_empty() {
                    return Err(OpError::BadArgs {
                        field: "fields",
                        problem: "names nothing to change".into(),
                    });
                }
                Ok(Operation::MentoringUpdate {
                    entry_id: arg(args, "entry_id", EntryId::parse)?,
                    changes,
                })
            }
            MENTORING_DELETE => Ok(Operation::MentoringDelete {
                entry_id: arg(args, "entry_id", EntryId::parse)?,
            }),
            MENTORING_CONFIRM => Ok(Operation::MentoringConfirm {
                entry_id: arg(args, "entry_id", EntryId::parse)?,
                seen: terms(args.get("seen").unwrap_or(&Value::Null))?,
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
            Operation::MentoringLog { entry_id, entry } => {
                let mut args = terms_json(&entry.terms());
                args["entry_id"] = entry_id.as_str().into();
                match &entry.partner {
                    Partner::Badge(b) => args["partner_badge"] = b.as_str().into(),
                    Partner::Name(n) => args["partner_name"] = n.as_str().into(),
                }
                args["note"] = entry.note.as_str().into();
                args
            }
            Operation::MentoringUpdate { entry_id, changes } => {
                let mut fields = serde_json::Map::new();
                if let Some(role) = changes.role {
                    fields.insert("role".into(), role.as_str().into());
                }
                if let Some(date) = changes.date {
                    fields.insert("date".into(), date.to_string().into());
                }
                if let Some(minutes) = changes.minutes {
                    fields.insert("minutes".into(), minutes.get().into());
                }
                if let Some(activity) = changes.activity {
                    fields.insert("activity".into(), activity.as_str().into());
                }
                if let Some(standards) = &changes.standards {
                    fields.insert("standards".into(), standard_names(standards));
                }
                if let Some(note) = &changes.note {
                    fields.insert("note".into(), note.as_str().into());
                }
                serde_json::json!({"entry_id": entry_id.as_str(), "fields": fields})
            }
            Operation::MentoringDelete { entry_id } => {
                serde_json::json!({ "entry_id": entry_id.as_str() })
            }
            Operation::MentoringConfirm { entry_id, seen } => {
                serde_json::json!({"entry_id": entry_id.as_str(), "seen": terms_json(seen)})
            }
        }
    }
}

/// `{role, date, minutes, activity, standards}` as the protocol spells
/// them: the args of a confirmation's `seen`, and the start of a log's.
pub fn terms_json(terms: &Terms) -> Value {
    serde_json::json!({
        "role": terms.role.as_str(),
        "date": terms.date.to_string(),
        "minutes": terms.minutes.get(),
        "activity": terms.activity.as_str(),
        "standards": standard_names(&terms.standards),
    })
}

fn standard_names(standards: &[crate::domain::Standard]) -> Value {
    Value::Array(standards.iter().map(|s| s.as_str().into()).collect())
}

/// The fields of an entry a log or an update may carry.
const ENTRY_FIELDS: [&str; 6] = ["role", "date", "minutes", "activity", "standards", "note"];

/// Reads the entry fields present in `obj`. With `only_fields`, anything
/// else there is refused rather than ignored: an edit that meant to change
/// the partner must not be taken as an edit that changed nothing.
fn entry_changes(obj: &Value, only_fields: bool) -> Result<EntryChanges, OpError> {
    let Value::Object(map) = obj else {
        return Err(OpError::BadArgs {
            field: "fields",
            problem: "must be an object".into(),
        });
    };
    if only_fields && let Some(other) = map.keys().find(|k| !ENTRY_FIELDS.contains(&k.as_str())) {
        return Err(OpError::BadArgs {
            field: "fields",
            problem: format!(
                "“{}” cannot be changed (an entry's partner is fixed: log a new entry instead)",
                other.chars().take(40).collect::<String>()
            ),
        });
    }
    let present = |field| map.get(field).filter(|v| !v.is_null());
    Ok(EntryChanges {
        role: present("role")
            .map(|v| field(v, "role", MentoringRole::parse))
            .transpose()?,
        date: present("date")
            .map(|v| field(v, "date", EntryDate::parse))
            .transpose()?,
        minutes: present("minutes")
            .map(|v| match v.as_i64() {
                Some(n) => Minutes::new(n).map_err(|e| mentoring_error("minutes", e)),
                None => Err(OpError::BadArgs {
                    field: "minutes",
                    problem: "must be a whole number".into(),
                }),
            })
            .transpose()?,
        activity: present("activity")
            .map(|v| field(v, "activity", Activity::parse))
            .transpose()?,
        standards: present("standards")
            .map(|v| match v {
                Value::Array(items) => mentoring::parse_standards(
                    items.iter().map(|i| i.as_str().unwrap_or("(not text)")),
                )
                .map_err(|e| mentoring_error("standards", e)),
                _ => Err(OpError::BadArgs {
                    field: "standards",
                    problem: "must be a list".into(),
                }),
            })
            .transpose()?,
        note: present("note")
            .map(|v| field(v, "note", mentoring::parse_note))
            .transpose()?,
    })
}

/// A whole entry: the fields, all but the note and standards required, and
/// exactly one of `partner_badge` / `partner_name`.
fn entry(args: &Value) -> Result<Entry, OpError> {
    let changes = entry_changes(args, false)?;
    let text = |name| args.get(name).and_then(Value::as_str);
    let partner = Partner::parse(text("partner_badge"), text("partner_name"))
        .map_err(|e| mentoring_error("partner_badge", e))?;
    Ok(Entry {
        partner,
        role: required("role", changes.role)?,
        date: required("date", changes.date)?,
        minutes: required("minutes", changes.minutes)?,
        activity: required("activity", changes.activity)?,
        standards: changes.standards.unwrap_or_default(),
        note: changes.note.unwrap_or_default(),
    })
}

fn terms(seen: &Value) -> Result<Terms, OpError> {
    if !seen.is_object() {
        return Err(OpError::BadArgs {
            field: "seen",
            problem: "must be the entry as the partner was shown it".into(),
        });
    }
    let changes = entry_changes(seen, false)?;
    Ok(Terms {
        role: required("role", changes.role)?,
        date: required("date", changes.date)?,
        minutes: required("minutes", changes.minutes)?,
        activity: required("activity", changes.activity)?,
        standards: required("standards", changes.standards)?,
    })
}

fn required<T>(field: &'static str, value: Option<T>) -> Result<T, OpError> {
    value.ok_or(OpError::BadArgs {
        field,
        problem: "is missing".into(),
    })
}

fn field<T>(
    value: &Value,
    name: &'static str,
    parse: impl Fn(&str) -> Result<T, MentoringError>,
) -> Result<T, OpError> {
    match value.as_str() {
        Some(text) => parse(text).map_err(|e| mentoring_error(name, e)),
        None => Err(OpError::BadArgs {
            field: name,
            problem: "must be text".into(),
        }),
    }
}

fn mentoring_error(field: &'static str, e: MentoringError) -> OpError {
    OpError::BadArgs {
        field,
        problem: e.to_string(),
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

    fn log_args() -> Value {
        json!({"entry_id": RID, "partner_badge": "esp-0002", "role": "mentor",
               "date": "2027-03-26", "minutes": 45, "activity": "co-planning",
               "standards": ["Technology", "Ethics"], "note": "bring the binder"})
    }

    #[test]
    fn mentoring_operations_round_trip_through_their_wire_args() {
        let log = Operation::parse(MENTORING_LOG, &log_args()).unwrap();
        assert_eq!(Operation::parse(log.name(), &log.args()), Ok(log.clone()));
        let Operation::MentoringLog { entry, .. } = &log else {
            panic!("not a log: {log:?}")
        };
        assert_eq!(
            entry.partner,
            Partner::Badge(BadgeCode::parse("ESP-0002").unwrap())
        );
        assert_eq!(
            log.args()["standards"],
            json!(["Ethics", "Technology"]),
            "standards in the spec's order"
        );
        let by_name = json!({"entry_id": RID, "partner_name": "Pat Lee", "role": "mentee",
                             "date": "2027-03-26", "minutes": 30, "activity": "other"});
        let op = Operation::parse(MENTORING_LOG, &by_name).unwrap();
        assert_eq!(Operation::parse(op.name(), &op.args()), Ok(op));
        let update = Operation::parse(
            MENTORING_UPDATE,
            &json!({"entry_id": RID, "fields": {"minutes": 60, "note": ""}}),
        )
        .unwrap();
        assert_eq!(Operation::parse(update.name(), &update.args()), Ok(update));
        let delete = Operation::parse(MENTORING_DELETE, &json!({"entry_id": RID})).unwrap();
        assert_eq!(Operation::parse(delete.name(), &delete.args()), Ok(delete));
        let seen = json!({"role": "mentor", "date": "2027-03-26", "minutes": 45,
                          "activity": "co-planning", "standards": ["Ethics"]});
        let confirm =
            Operation::parse(MENTORING_CONFIRM, &json!({"entry_id": RID, "seen": seen})).unwrap();
        assert_eq!(
            Operation::parse(confirm.name(), &confirm.args()),
            Ok(confirm)
        );
    }

    #[test]
    fn bad_mentoring_operations_name_the_field_at_fault() {
        let with = |key: &str, value: Value| {
            let mut args = log_args();
            args[key] = value;
            Operation::parse(MENTORING_LOG, &args)
                .unwrap_err()
                .to_string()
        };
        assert!(with("minutes", json!(0)).starts_with("args.minutes:"));
        assert!(with("minutes", json!("45")).contains("whole number"));
        assert!(with("date", json!("1999-12-31")).starts_with("args.date:"));
        assert!(with("role", json!("coach")).starts_with("args.role:"));
        assert!(with("activity", json!("lunch")).starts_with("args.activity:"));
        assert!(with("standards", json!(["Cooking"])).starts_with("args.standards:"));
        assert!(with("standards", json!("Ethics")).contains("must be a list"));
        assert!(with("partner_name", json!("Pat")).contains("not both"));
        assert!(with("note", json!("x".repeat(4_001))).starts_with("args.note:"));
        let update = |fields: Value| {
            Operation::parse(
                MENTORING_UPDATE,
                &json!({"entry_id": RID, "fields": fields}),
            )
            .unwrap_err()
            .to_string()
        };
        assert!(update(json!({})).contains("nothing to change"));
        assert!(update(json!({"partner_badge": "ESP-0003"})).contains("cannot be changed"));
        assert!(update(json!({"minutes": 721})).starts_with("args.minutes:"));
        let confirm = Operation::parse(
            MENTORING_CONFIRM,
            &json!({"entry_id": RID, "seen": {"role": "mentor"}}),
        );
        assert_eq!(confirm.unwrap_err().code(), "invalid_args");
        let no_seen = Operation::parse(MENTORING_CONFIRM, &json!({"entry_id": RID}));
        assert!(no_seen.unwrap_err().to_string().starts_with("args.seen:"));
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
        let log = Operation::parse(MENTORING_LOG, &log_args()).unwrap();
        assert!(log.permitted(Actor::Attendee) && !log.permitted(Actor::Kiosk));
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
