//! The operations a device can queue (protocol v1), checked. A mutation's
//! `op` and `args` become an [`Operation`] here or are refused with a code;
//! either way the mutation consumes its seq.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::attendee::BadgeCode;
use super::checkin::CheckinKind;
use super::ids::{CheckinId, EntryId, RegistrationId, SessionId};
use super::mentoring::{
    Activity, Entry, EntryChanges, EntryDate, MentoringRole, Minutes, Partner, Terms, wire,
};
use super::standards::Standard;
use crate::protocol::Json;

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
    /// `field`: where in `args` (`fields.minutes`), empty for the whole.
    #[error("args{}{field}: {problem}", if field.is_empty() { "" } else { "." })]
    BadArgs { field: String, problem: String },
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

/// Each operation's `args` as the protocol spells them (docs/PROTOCOL.md):
/// the one definition the device writes and the server reads. Every field
/// is read as its domain type, so a bad value is refused where it is read,
/// with the rule's own words.
mod args {
    use super::*;

    #[derive(Serialize, Deserialize)]
    pub struct Registration {
        pub registration_id: RegistrationId,
        pub session_id: SessionId,
    }

    #[derive(Serialize, Deserialize)]
    pub struct Cancel {
        pub registration_id: RegistrationId,
    }

    #[derive(Serialize, Deserialize)]
    pub struct Checkin {
        pub checkin_id: CheckinId,
        pub badge_code: BadgeCode,
        /// Null or absent: the conference.
        #[serde(default)]
        pub session_id: Option<SessionId>,
        pub kind: CheckinKind,
    }

    /// A whole entry: exactly one of `partner_badge` / `partner_name`
    /// (checked by [`Partner::parse`]), standards and note optional.
    #[derive(Serialize, Deserialize)]
    pub struct Log {
        pub entry_id: EntryId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub partner_badge: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub partner_name: Option<String>,
        pub role: MentoringRole,
        pub date: EntryDate,
        pub minutes: Minutes,
        pub activity: Activity,
        #[serde(default, deserialize_with = "wire::some_standards")]
        pub standards: Option<Vec<Standard>>,
        #[serde(default, deserialize_with = "wire::some_note")]
        pub note: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct Update {
        pub entry_id: EntryId,
        pub fields: EntryChanges,
    }

    #[derive(Serialize, Deserialize)]
    pub struct Entry {
        pub entry_id: EntryId,
    }

    #[derive(Serialize, Deserialize)]
    pub struct Confirm {
        pub entry_id: EntryId,
        pub seen: Terms,
    }
}

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

    pub fn parse(op: &str, args: &RawValue) -> Result<Operation, OpError> {
        match op {
            REGISTRATION_CREATE => {
                let a: args::Registration = read(args)?;
                Ok(Operation::RegistrationCreate {
                    registration_id: a.registration_id,
                    session_id: a.session_id,
                })
            }
            REGISTRATION_CANCEL => {
                let a: args::Cancel = read(args)?;
                Ok(Operation::RegistrationCancel {
                    registration_id: a.registration_id,
                })
            }
            CHECKIN_RECORD => {
                let a: args::Checkin = read(args)?;
                Ok(Operation::CheckinRecord {
                    checkin_id: a.checkin_id,
                    badge_code: a.badge_code,
                    session_id: a.session_id,
                    kind: a.kind,
                })
            }
            MENTORING_LOG => {
                let a: args::Log = read(args)?;
                let partner = Partner::parse(a.partner_badge.as_deref(), a.partner_name.as_deref())
                    .map_err(|e| OpError::BadArgs {
                        field: "partner_badge".into(),
                        problem: e.to_string(),
                    })?;
                Ok(Operation::MentoringLog {
                    entry_id: a.entry_id,
                    entry: Entry {
                        partner,
                        role: a.role,
                        date: a.date,
                        minutes: a.minutes,
                        activity: a.activity,
                        standards: a.standards.unwrap_or_default(),
                        note: a.note.unwrap_or_default(),
                    },
                })
            }
            MENTORING_UPDATE => {
                // A change to the partner is refused as an unknown field
                // (`EntryChanges` has none); the refusal says what to do.
                let a: args::Update = read(args).map_err(|e| match e {
                    OpError::BadArgs { field, problem }
                        if matches!(
                            field.as_str(),
                            "fields.partner_badge" | "fields.partner_name"
                        ) && problem.starts_with("unknown field") =>
                    {
                        OpError::BadArgs {
                            field,
                            problem: format!(
                                "{problem} (an entry's partner is fixed: log a new entry instead)"
                            ),
                        }
                    }
                    other => other,
                })?;
                if a.fields.is_empty() {
                    return Err(OpError::BadArgs {
                        field: "fields".into(),
                        problem: "names nothing to change".into(),
                    });
                }
                Ok(Operation::MentoringUpdate {
                    entry_id: a.entry_id,
                    changes: a.fields,
                })
            }
            MENTORING_DELETE => {
                let a: args::Entry = read(args)?;
                Ok(Operation::MentoringDelete {
                    entry_id: a.entry_id,
                })
            }
            MENTORING_CONFIRM => {
                let a: args::Confirm = read(args)?;
                Ok(Operation::MentoringConfirm {
                    entry_id: a.entry_id,
                    seen: a.seen,
                })
            }
            other => Err(OpError::UnknownOp(other.chars().take(64).collect())),
        }
    }

    /// The `args` object as the protocol spells it. (Every field is text, a
    /// number or a list of names, so this fails only if serde_json does.)
    pub fn args(&self) -> Result<Json, serde_json::Error> {
        match self.clone() {
            Operation::RegistrationCreate {
                registration_id,
                session_id,
            } => Json::of(&args::Registration {
                registration_id,
                session_id,
            }),
            Operation::RegistrationCancel { registration_id } => {
                Json::of(&args::Cancel { registration_id })
            }
            Operation::CheckinRecord {
                checkin_id,
                badge_code,
                session_id,
                kind,
            } => Json::of(&args::Checkin {
                checkin_id,
                badge_code,
                session_id,
                kind,
            }),
            Operation::MentoringLog { entry_id, entry } => {
                let (partner_badge, partner_name) = match entry.partner {
                    Partner::Badge(b) => (Some(b.as_str().to_owned()), None),
                    Partner::Name(n) => (None, Some(n)),
                };
                Json::of(&args::Log {
                    entry_id,
                    partner_badge,
                    partner_name,
                    role: entry.role,
                    date: entry.date,
                    minutes: entry.minutes,
                    activity: entry.activity,
                    standards: Some(entry.standards),
                    note: Some(entry.note),
                })
            }
            Operation::MentoringUpdate { entry_id, changes } => Json::of(&args::Update {
                entry_id,
                fields: changes,
            }),
            Operation::MentoringDelete { entry_id } => Json::of(&args::Entry { entry_id }),
            Operation::MentoringConfirm { entry_id, seen } => {
                Json::of(&args::Confirm { entry_id, seen })
            }
        }
    }
}

/// `args` read as `T`, or refused naming the field at fault. Only the
/// server, which answers every device, tracks the field: a device reads
/// back only the args it wrote itself, and tracking costs about 40 KB of
/// wasm (BENCHMARKS.md, "A mutation's args typed").
#[cfg(feature = "ssr")]
fn read<T: DeserializeOwned>(args: &RawValue) -> Result<T, OpError> {
    let mut json = serde_json::Deserializer::from_str(args.get());
    serde_path_to_error::deserialize(&mut json).map_err(|e| {
        let field = e.path().to_string();
        refusal(
            if field == "." { String::new() } else { field },
            e.into_inner(),
        )
    })
}

#[cfg(not(feature = "ssr"))]
fn read<T: DeserializeOwned>(args: &RawValue) -> Result<T, OpError> {
    serde_json::from_str(args.get()).map_err(|e| refusal(String::new(), e))
}

fn refusal(field: String, e: serde_json::Error) -> OpError {
    // serde_json says where in the text; the field says where in the args.
    let at = format!(" at line {} column {}", e.line(), e.column());
    let problem = e.to_string();
    OpError::BadArgs {
        field,
        problem: problem.strip_suffix(&at).unwrap_or(&problem).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// `args` as a device would send them.
    fn parse(op: &str, args: &Value) -> Result<Operation, OpError> {
        let text = serde_json::value::to_raw_value(args).unwrap();
        Operation::parse(op, &text)
    }

    /// The operation read back from the args it writes.
    fn again(op: &Operation) -> Result<Operation, OpError> {
        Operation::parse(op.name(), &op.args().unwrap())
    }

    fn args_of(op: &Operation) -> Value {
        serde_json::from_str(op.args().unwrap().get()).unwrap()
    }

    const RID: &str = "3f2b8a4e-9c1d-4e5f-8a7b-1c2d3e4f5a6b";

    #[test]
    fn operations_round_trip_through_their_wire_args() {
        let op = parse(
            REGISTRATION_CREATE,
            &json!({"registration_id": RID, "session_id": "12"}),
        )
        .unwrap();
        assert_eq!(again(&op), Ok(op));
        let op = parse(REGISTRATION_CANCEL, &json!({"registration_id": RID})).unwrap();
        assert_eq!(again(&op), Ok(op));
        for session in [json!(null), json!("12")] {
            let op = parse(
                CHECKIN_RECORD,
                &json!({"checkin_id": RID, "badge_code": "esp-1234", "session_id": session, "kind": "entry"}),
            )
            .unwrap();
            assert_eq!(again(&op), Ok(op));
        }
    }

    #[test]
    fn args_are_written_as_the_protocol_spells_them() {
        let register = parse(
            REGISTRATION_CREATE,
            &json!({"registration_id": RID.to_uppercase(), "session_id": 12}),
        )
        .unwrap();
        assert_eq!(
            args_of(&register),
            json!({"registration_id": RID, "session_id": "12"}),
            "the id in one spelling; a session's number as its id"
        );
        let at_the_door = parse(
            CHECKIN_RECORD,
            &json!({"checkin_id": RID, "badge_code": "esp-1234", "kind": "exit"}),
        )
        .unwrap();
        assert_eq!(
            args_of(&at_the_door),
            json!({"checkin_id": RID, "badge_code": "ESP-1234", "session_id": null, "kind": "exit"})
        );
    }

    fn log_args() -> Value {
        json!({"entry_id": RID, "partner_badge": "esp-0002", "role": "mentor",
               "date": "2027-03-26", "minutes": 45, "activity": "co-planning",
               "standards": ["Technology", "Ethics"], "note": "bring the binder"})
    }

    #[test]
    fn mentoring_operations_round_trip_through_their_wire_args() {
        let log = parse(MENTORING_LOG, &log_args()).unwrap();
        assert_eq!(again(&log), Ok(log.clone()));
        let Operation::MentoringLog { entry, .. } = &log else {
            panic!("not a log: {log:?}")
        };
        assert_eq!(
            entry.partner,
            Partner::Badge(BadgeCode::parse("ESP-0002").unwrap())
        );
        assert_eq!(
            args_of(&log)["standards"],
            json!(["Ethics", "Technology"]),
            "standards in the spec's order"
        );
        let by_name = json!({"entry_id": RID, "partner_name": "Pat Lee", "role": "mentee",
                             "date": "2027-03-26", "minutes": 30, "activity": "other"});
        let op = parse(MENTORING_LOG, &by_name).unwrap();
        assert_eq!(again(&op), Ok(op));
        let update = parse(
            MENTORING_UPDATE,
            &json!({"entry_id": RID, "fields": {"minutes": 60, "note": ""}}),
        )
        .unwrap();
        assert_eq!(again(&update), Ok(update));
        let delete = parse(MENTORING_DELETE, &json!({"entry_id": RID})).unwrap();
        assert_eq!(again(&delete), Ok(delete));
        let seen = json!({"role": "mentor", "date": "2027-03-26", "minutes": 45,
                          "activity": "co-planning", "standards": ["Ethics"]});
        let confirm = parse(MENTORING_CONFIRM, &json!({"entry_id": RID, "seen": seen})).unwrap();
        assert_eq!(again(&confirm), Ok(confirm));
    }

    /// The field is tracked on the server only (`read`).
    #[cfg(feature = "ssr")]
    #[test]
    fn bad_mentoring_operations_name_the_field_at_fault() {
        let with = |key: &str, value: Value| {
            let mut args = log_args();
            args[key] = value;
            parse(MENTORING_LOG, &args).unwrap_err().to_string()
        };
        assert!(with("minutes", json!(0)).starts_with("args.minutes:"));
        assert!(with("minutes", json!("45")).contains("whole number"));
        assert!(with("date", json!("1999-12-31")).starts_with("args.date:"));
        assert!(with("role", json!("coach")).starts_with("args.role:"));
        assert!(with("activity", json!("lunch")).starts_with("args.activity:"));
        assert!(with("standards", json!(["Cooking"])).starts_with("args.standards[0]:"));
        assert_eq!(
            with("standards", json!("Ethics")),
            "args.standards: invalid type: string \"Ethics\", expected a sequence"
        );
        assert!(with("partner_name", json!("Pat")).contains("not both"));
        assert!(with("note", json!("x".repeat(4_001))).starts_with("args.note:"));
        let update = |fields: Value| {
            parse(
                MENTORING_UPDATE,
                &json!({"entry_id": RID, "fields": fields}),
            )
            .unwrap_err()
            .to_string()
        };
        assert!(update(json!({})).contains("nothing to change"));
        let partner = update(json!({"partner_badge": "ESP-0003"}));
        assert!(
            partner.starts_with("args.fields.partner_badge: unknown field")
                && partner.contains("log a new entry"),
            "{partner}"
        );
        let named = update(json!({"partner_name": "Pat Doe"}));
        assert!(named.contains("log a new entry"), "{named}");
        // Any other unknown field is refused without the partner's hint.
        let colour = update(json!({"colour": "teal"}));
        assert!(
            colour.starts_with("args.fields.colour: unknown field") && !colour.contains("partner"),
            "{colour}"
        );
        assert!(update(json!({"minutes": 721})).starts_with("args.fields.minutes:"));
        let confirm = parse(
            MENTORING_CONFIRM,
            &json!({"entry_id": RID, "seen": {"role": "mentor"}}),
        );
        assert_eq!(confirm.unwrap_err().code(), "invalid_args");
        let no_seen = parse(MENTORING_CONFIRM, &json!({"entry_id": RID}));
        assert_eq!(
            no_seen.unwrap_err().to_string(),
            "args: missing field `seen`"
        );
    }

    #[test]
    fn each_kind_of_device_sends_only_its_own_operations() {
        let register = parse(
            REGISTRATION_CREATE,
            &json!({"registration_id": RID, "session_id": "12"}),
        )
        .unwrap();
        let checkin = parse(
            CHECKIN_RECORD,
            &json!({"checkin_id": RID, "badge_code": "ESP-1234", "kind": "entry"}),
        )
        .unwrap();
        assert!(register.permitted(Actor::Attendee) && !register.permitted(Actor::Kiosk));
        assert!(checkin.permitted(Actor::Kiosk) && !checkin.permitted(Actor::Attendee));
        let log = parse(MENTORING_LOG, &log_args()).unwrap();
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
            assert_eq!(parse(op, &args).unwrap_err().code(), code, "{op} {args}");
        }
    }
}
