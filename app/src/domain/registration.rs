//! Registering for sessions: who gets a seat, who waits, what is refused.
//! The server decides with these functions inside its write transaction; the
//! phone calls the same ones on what it last synced, so it refuses at once
//! what the server would refuse and shows the verdict it expects.

use time::OffsetDateTime;

use super::ids::SessionId;
use super::session::{Capacity, Timeslot};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Confirmed,
    Waitlisted,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Confirmed => "confirmed",
            Status::Waitlisted => "waitlisted",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<Status> {
        match value {
            "confirmed" => Some(Status::Confirmed),
            "waitlisted" => Some(Status::Waitlisted),
            "cancelled" => Some(Status::Cancelled),
            _ => None,
        }
    }

    /// Confirmed and waitlisted registrations hold a place in the
    /// attendee's day; a cancelled one holds nothing.
    pub fn holds_place(self) -> bool {
        !matches!(self, Status::Cancelled)
    }
}

/// A session as registration sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: SessionId,
    pub title: String,
    pub slot: Timeslot,
    pub capacity: Capacity,
    pub confirmed: u32,
    pub waitlisted: u32,
}

/// A session the attendee already holds a place in (confirmed or waitlisted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub session_id: SessionId,
    pub title: String,
    pub slot: Timeslot,
}

/// Where a new registration lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Confirmed,
    Waitlisted,
}

impl Placement {
    pub fn status(self) -> Status {
        match self {
            Placement::Confirmed => Status::Confirmed,
            Placement::Waitlisted => Status::Waitlisted,
        }
    }
}

/// What a cancellation does to the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelEffect {
    /// A confirmed seat is free: the first waitlisted registration, if any,
    /// takes it.
    FreesSeat,
    /// A waitlisted registration leaves; those behind it move up.
    LeavesWaitlist,
}

/// Why a registration change is refused. `code()` is the stable protocol
/// code; the message is for the attendee.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("This session is not in the program.")]
    UnknownSession,
    #[error("Registration for this session has closed: it has already started.")]
    SessionClosed,
    #[error("You are already registered for this session.")]
    AlreadyRegistered,
    #[error("It overlaps “{with}”, which you are registered for. Cancel that one first.")]
    TimeConflict { with: String },
    #[error("This registration id is already used by another registration.")]
    IdInUse,
    #[error("There is no such registration of yours.")]
    UnknownRegistration,
    #[error("This registration is already cancelled.")]
    AlreadyCancelled,
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::UnknownSession => "unknown_session",
            Refusal::SessionClosed => "session_closed",
            Refusal::AlreadyRegistered => "already_registered",
            Refusal::TimeConflict { .. } => "time_conflict",
            Refusal::IdInUse => "id_in_use",
            Refusal::UnknownRegistration => "unknown_registration",
            Refusal::AlreadyCancelled => "already_cancelled",
        }
    }
}

/// Decides a new registration for `target` (`None`: no such session) by an
/// attendee who already holds `held`, at `now`. The checks run in the order
/// a person would want to hear them: does it exist, is it still open, do I
/// have it, does it clash, and only then: seat or waitlist.
pub fn decide_create(
    target: Option<&Target>,
    held: &[Held],
    now: OffsetDateTime,
) -> Result<Placement, Refusal> {
    let target = target.ok_or(Refusal::UnknownSession)?;
    if now >= target.slot.starts() {
        return Err(Refusal::SessionClosed);
    }
    if held.iter().any(|h| h.session_id == target.id) {
        return Err(Refusal::AlreadyRegistered);
    }
    if let Some(clash) = held.iter().find(|h| h.slot.overlaps(&target.slot)) {
        return Err(Refusal::TimeConflict {
            with: clash.title.clone(),
        });
    }
    Ok(placement(
        target.capacity,
        target.confirmed,
        target.waitlisted,
    ))
}

/// A seat while one is free and nobody is waiting for it (people on the
/// waitlist were there first); otherwise the waitlist.
pub fn placement(capacity: Capacity, confirmed: u32, waitlisted: u32) -> Placement {
    match capacity.seats_left(confirmed) {
        Some(0) => Placement::Waitlisted,
        Some(_) if waitlisted > 0 => Placement::Waitlisted,
        _ => Placement::Confirmed,
    }
}

/// Decides a cancellation of a registration whose current status is
/// `current` (`None`: no such registration of this attendee's).
pub fn decide_cancel(current: Option<Status>) -> Result<CancelEffect, Refusal> {
    match current {
        None => Err(Refusal::UnknownRegistration),
        Some(Status::Cancelled) => Err(Refusal::AlreadyCancelled),
        Some(Status::Confirmed) => Ok(CancelEffect::FreesSeat),
        Some(Status::Waitlisted) => Ok(CancelEffect::LeavesWaitlist),
    }
}

/// How many waitlisted registrations move up into seats: as many as there
/// are free seats, first come first served.
pub fn promotions(capacity: Capacity, confirmed: u32, waitlisted: u32) -> u32 {
    match capacity.seats_left(confirmed) {
        None => waitlisted,
        Some(free) => free.min(waitlisted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn slot(start: &str, end: &str) -> Timeslot {
        Timeslot::parse(start, end).unwrap()
    }

    fn target(capacity: Capacity, confirmed: u32, waitlisted: u32) -> Target {
        Target {
            id: SessionId::parse("1").unwrap(),
            title: "Building Winning Teams".into(),
            slot: slot("2027-03-26T09:00:00-05:00", "2027-03-26T10:30:00-05:00"),
            capacity,
            confirmed,
            waitlisted,
        }
    }

    const BEFORE: OffsetDateTime = datetime!(2027-03-20 12:00 -5);

    #[test]
    fn a_free_seat_confirms_and_a_full_room_waitlists() {
        let t = target(Capacity::Limited(2), 1, 0);
        assert_eq!(
            decide_create(Some(&t), &[], BEFORE),
            Ok(Placement::Confirmed)
        );
        let t = target(Capacity::Limited(2), 2, 0);
        assert_eq!(
            decide_create(Some(&t), &[], BEFORE),
            Ok(Placement::Waitlisted)
        );
        let t = target(Capacity::Unlimited, 5_000, 0);
        assert_eq!(
            decide_create(Some(&t), &[], BEFORE),
            Ok(Placement::Confirmed)
        );
    }

    #[test]
    fn nobody_jumps_the_waitlist_when_a_seat_appears() {
        assert_eq!(placement(Capacity::Limited(3), 2, 1), Placement::Waitlisted);
        assert_eq!(promotions(Capacity::Limited(3), 2, 1), 1);
        assert_eq!(promotions(Capacity::Limited(5), 2, 1), 1);
        assert_eq!(promotions(Capacity::Limited(5), 2, 9), 3);
        assert_eq!(promotions(Capacity::Limited(2), 2, 9), 0);
        assert_eq!(promotions(Capacity::Unlimited, 2, 4), 4);
    }

    #[test]
    fn refusals_come_in_the_order_a_person_wants_to_hear_them() {
        let t = target(Capacity::Limited(2), 0, 0);
        assert_eq!(
            decide_create(None, &[], BEFORE),
            Err(Refusal::UnknownSession)
        );
        let started = datetime!(2027-03-26 09:00 -5);
        assert_eq!(
            decide_create(Some(&t), &[], started),
            Err(Refusal::SessionClosed)
        );
        let same = Held {
            session_id: t.id.clone(),
            title: t.title.clone(),
            slot: t.slot,
        };
        assert_eq!(
            decide_create(Some(&t), &[same], BEFORE),
            Err(Refusal::AlreadyRegistered)
        );
        let clash = Held {
            session_id: SessionId::parse("2").unwrap(),
            title: "Beat Privatization".into(),
            slot: slot("2027-03-26T10:00:00-05:00", "2027-03-26T11:00:00-05:00"),
        };
        let refusal = decide_create(Some(&t), &[clash], BEFORE).unwrap_err();
        assert_eq!(refusal.code(), "time_conflict");
        assert!(refusal.to_string().contains("Beat Privatization"));
    }

    #[test]
    fn back_to_back_sessions_do_not_clash() {
        let t = target(Capacity::Limited(2), 0, 0);
        let after = Held {
            session_id: SessionId::parse("3").unwrap(),
            title: "Next".into(),
            slot: slot("2027-03-26T10:30:00-05:00", "2027-03-26T11:30:00-05:00"),
        };
        assert_eq!(
            decide_create(Some(&t), &[after], BEFORE),
            Ok(Placement::Confirmed)
        );
    }

    #[test]
    fn cancelling_frees_a_seat_or_a_waitlist_place_once() {
        assert_eq!(decide_cancel(None), Err(Refusal::UnknownRegistration));
        assert_eq!(
            decide_cancel(Some(Status::Cancelled)),
            Err(Refusal::AlreadyCancelled)
        );
        assert_eq!(
            decide_cancel(Some(Status::Confirmed)),
            Ok(CancelEffect::FreesSeat)
        );
        assert_eq!(
            decide_cancel(Some(Status::Waitlisted)),
            Ok(CancelEffect::LeavesWaitlist)
        );
    }
}
