//! What the server's verdict on one of the device's queued changes leaves
//! on the device until the next pull says it itself, so that an answer
//! shows at once. Decided here, over the typed [`Operation`]; the browser's
//! store (`client::idb`) only writes what this says.

use super::logbook::entry_of;
use super::ops::Operation;
use crate::protocol::{
    CheckinData, CheckinOutcome, Mutation, MutationResult, RegistrationData, RegistrationOutcome,
    ResultStatus,
};

/// Whose device this is, as far as a verdict needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signer<'a> {
    Attendee { attendee_id: &'a str },
    Kiosk { name: &'a str },
}

/// What one verdict leaves on the device, besides the change leaving the
/// outbox for the log.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    /// Refused: kept, with the server's words, until dismissed.
    Refused { code: String, message: String },
    /// A registration as the server placed it.
    Registration(RegistrationData),
    /// A registration cancelled.
    Cancelled { registration_id: String },
    /// A check-in as the server recorded it (a later entry included).
    Checkin(CheckinData),
    /// A mentoring entry of this attendee: the operation is applied to the
    /// entry as stored (`logbook::apply`), so it never seems to vanish.
    Mentoring { entry_id: String, op: Operation },
    /// Nothing to show: an answer without an outcome this device uses.
    Nothing,
}

/// The effect of `result`, the server's answer to `mutation`, sent as
/// `device_id` on behalf of `signer`.
pub fn settle(
    mutation: &Mutation,
    result: &MutationResult,
    device_id: &str,
    signer: Signer<'_>,
) -> Settled {
    if result.status == ResultStatus::Rejected {
        return Settled::Refused {
            code: result.code.clone().unwrap_or_default(),
            message: result.message.clone().unwrap_or_default(),
        };
    }
    // The device built the mutation from an operation: one that does not
    // parse back is not ours to show.
    let Ok(op) = Operation::parse(&mutation.op, &mutation.args) else {
        return Settled::Nothing;
    };
    match (op, signer) {
        (
            Operation::RegistrationCreate {
                registration_id,
                session_id,
            },
            Signer::Attendee { attendee_id },
        ) => match result.outcome_as::<RegistrationOutcome>() {
            Some(placed) => Settled::Registration(RegistrationData {
                id: registration_id.as_str().to_owned(),
                attendee_id: attendee_id.to_owned(),
                session_id: session_id.as_str().to_owned(),
                status: placed.status,
                position: placed.position,
            }),
            None => Settled::Nothing,
        },
        (Operation::RegistrationCancel { registration_id }, _) => Settled::Cancelled {
            registration_id: registration_id.as_str().to_owned(),
        },
        (
            Operation::CheckinRecord {
                session_id, kind, ..
            },
            signer,
        ) => match result.outcome_as::<CheckinOutcome>() {
            Some(recorded) => Settled::Checkin(CheckinData {
                id: recorded.checkin_id,
                attendee_id: recorded.attendee_id,
                session_id: session_id.map(|s| s.as_str().to_owned()),
                kind,
                at: mutation.at.clone(),
                device_id: device_id.to_owned(),
                duplicate_of: recorded.duplicate_of,
                at_door: recorded.at_door,
                kiosk: match signer {
                    Signer::Kiosk { name } => Some(name.to_owned()),
                    Signer::Attendee { .. } => None,
                },
            }),
            None => Settled::Nothing,
        },
        (op, Signer::Attendee { .. }) => match entry_of(&op).map(str::to_owned) {
            Some(entry_id) => Settled::Mentoring { entry_id, op },
            None => Settled::Nothing,
        },
        _ => Settled::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::checkin::{AtDoor, CheckinKind};
    use crate::domain::ops::{
        CHECKIN_RECORD, MENTORING_DELETE, REGISTRATION_CANCEL, REGISTRATION_CREATE,
    };
    use crate::domain::registration::Status;
    use serde_json::json;

    const ID: &str = "3f2b8a4e-9c1d-4e5f-8a7b-1c2d3e4f5a6b";
    const ME: Signer<'static> = Signer::Attendee { attendee_id: "41" };
    const KIOSK: Signer<'static> = Signer::Kiosk { name: "Door B" };

    fn mutation(op: &str, args: serde_json::Value) -> Mutation {
        Mutation {
            seq: 7,
            op: op.into(),
            args: crate::protocol::Json::of(&args).unwrap(),
            at: "2027-03-26T09:02:00-05:00".into(),
        }
    }

    fn applied(outcome: serde_json::Value) -> MutationResult {
        MutationResult {
            seq: 7,
            status: ResultStatus::Applied,
            code: None,
            message: None,
            outcome: Some(crate::protocol::Json::of(&outcome).expect("JSON")),
        }
    }

    #[test]
    fn a_refusal_is_kept_with_the_servers_words_whatever_the_operation() {
        let m = mutation(
            REGISTRATION_CREATE,
            json!({"registration_id": ID, "session_id": "12"}),
        );
        let refused = MutationResult {
            status: ResultStatus::Rejected,
            code: Some("session_full".into()),
            message: Some("No seats left.".into()),
            outcome: None,
            ..applied(json!(null))
        };
        assert_eq!(
            settle(&m, &refused, "d1", ME),
            Settled::Refused {
                code: "session_full".into(),
                message: "No seats left.".into()
            }
        );
    }

    #[test]
    fn a_registration_stands_as_the_server_placed_it() {
        let m = mutation(
            REGISTRATION_CREATE,
            json!({"registration_id": ID, "session_id": "12"}),
        );
        let placed = applied(json!({"status": "waitlisted", "position": 3}));
        assert_eq!(
            settle(&m, &placed, "d1", ME),
            Settled::Registration(RegistrationData {
                id: ID.into(),
                attendee_id: "41".into(),
                session_id: "12".into(),
                status: Status::Waitlisted,
                position: Some(3),
            })
        );
        // A duplicate's answer carries the first one's outcome: the same.
        let again = MutationResult {
            status: ResultStatus::Duplicate,
            ..placed.clone()
        };
        assert!(matches!(
            settle(&m, &again, "d1", ME),
            Settled::Registration(_)
        ));
        // An answer without an outcome (the server no longer has it)
        // changes nothing shown.
        let bare = MutationResult {
            outcome: None,
            ..placed
        };
        assert_eq!(settle(&m, &bare, "d1", ME), Settled::Nothing);
    }

    #[test]
    fn a_cancellation_names_its_registration() {
        let m = mutation(REGISTRATION_CANCEL, json!({"registration_id": ID}));
        assert_eq!(
            settle(
                &m,
                &applied(json!({"status": "cancelled", "position": null})),
                "d1",
                ME
            ),
            Settled::Cancelled {
                registration_id: ID.into()
            }
        );
    }

    #[test]
    fn a_check_in_is_shown_as_recorded_with_this_kiosk_and_the_first_entry() {
        let m = mutation(
            CHECKIN_RECORD,
            json!({"checkin_id": ID, "badge_code": "ESP-1234", "session_id": "12", "kind": "entry"}),
        );
        let recorded = applied(json!({
            "checkin_id": ID, "attendee_id": "41", "duplicate_of": "c0",
            "first_at": "2027-03-26T09:00:00-05:00", "first_kiosk": "Door A", "at_door": "walk_in",
        }));
        assert_eq!(
            settle(&m, &recorded, "kiosk-device", KIOSK),
            Settled::Checkin(CheckinData {
                id: ID.into(),
                attendee_id: "41".into(),
                session_id: Some("12".into()),
                kind: CheckinKind::Entry,
                at: "2027-03-26T09:02:00-05:00".into(),
                device_id: "kiosk-device".into(),
                duplicate_of: Some("c0".into()),
                kiosk: Some("Door B".into()),
                at_door: Some(AtDoor::WalkIn),
            })
        );
        // An outcome that is not a check-in's is not shown as one.
        assert_eq!(
            settle(&m, &applied(json!({"status": "confirmed"})), "k", KIOSK),
            Settled::Nothing
        );
    }

    #[test]
    fn a_mentoring_change_is_applied_to_the_attendees_own_entry_only() {
        let m = mutation(MENTORING_DELETE, json!({"entry_id": ID}));
        let deleted = applied(json!({"entry_id": ID, "deleted": true}));
        match settle(&m, &deleted, "d1", ME) {
            Settled::Mentoring { entry_id, op } => {
                assert_eq!(entry_id, ID);
                assert_eq!(op.name(), MENTORING_DELETE);
            }
            other => panic!("expected a mentoring effect, got {other:?}"),
        }
        // A kiosk keeps no mentoring log.
        assert_eq!(settle(&m, &deleted, "k", KIOSK), Settled::Nothing);
    }

    #[test]
    fn a_mutation_that_does_not_parse_back_shows_nothing() {
        let m = mutation("registration.teleport", json!({}));
        assert_eq!(settle(&m, &applied(json!({})), "d1", ME), Settled::Nothing);
    }
}
