//! Check-ins: who came in where, recorded by kiosks. A kiosk names each
//! check-in with its own id (the idempotency key: the same id is one row
//! forever); a second entry of the same person at the same place is kept
//! and flagged as a duplicate of the first, never refused, because the
//! person standing at the kiosk did nothing wrong.

use super::registration::Status;

/// Coming in or going out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckinKind {
    Entry,
    Exit,
}

impl CheckinKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckinKind::Entry => "entry",
            CheckinKind::Exit => "exit",
        }
    }

    pub fn parse(value: &str) -> Option<CheckinKind> {
        match value.trim() {
            "entry" => Some(CheckinKind::Entry),
            "exit" => Some(CheckinKind::Exit),
            _ => None,
        }
    }
}

/// What a new check-in is, given the first entry already recorded for the
/// same person at the same place (server arrival order): the first entry,
/// or a duplicate of it. Exits are never duplicates: leaving twice is
/// leaving.
pub fn duplicate_of(kind: CheckinKind, first_entry: Option<&str>) -> Option<&str> {
    match kind {
        CheckinKind::Entry => first_entry,
        CheckinKind::Exit => None,
    }
}

/// What a person's registration said when their entry at a session's door
/// reached the server. A walk-in is recorded all the same (the organizers'
/// policy for walk-ins comes later) and flagged, so attendance reports can
/// tell the registered from the walk-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AtDoor {
    Confirmed,
    Waitlisted,
    WalkIn,
}

impl AtDoor {
    pub fn as_str(self) -> &'static str {
        match self {
            AtDoor::Confirmed => "confirmed",
            AtDoor::Waitlisted => "waitlisted",
            AtDoor::WalkIn => "walk_in",
        }
    }

    /// The words shown to people.
    pub fn label(self) -> &'static str {
        match self {
            AtDoor::Confirmed => "confirmed",
            AtDoor::Waitlisted => "waitlisted",
            AtDoor::WalkIn => "walk-in",
        }
    }

    /// The flag of a check-in: only an entry at a session has one (the
    /// conference's door needs no registration, and leaving is not
    /// arriving). `registration` is the person's registration for that
    /// session, if they have one.
    pub fn of(kind: CheckinKind, at_session: bool, registration: Option<Status>) -> Option<AtDoor> {
        if kind != CheckinKind::Entry || !at_session {
            return None;
        }
        Some(match registration {
            Some(Status::Confirmed) => AtDoor::Confirmed,
            Some(Status::Waitlisted) => AtDoor::Waitlisted,
            Some(Status::Cancelled) | None => AtDoor::WalkIn,
        })
    }
}

/// A check-in as a kiosk knows it: pulled from the server, or recorded here
/// and still on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Known<'a> {
    pub attendee_id: &'a str,
    pub session_id: Option<&'a str>,
    pub kind: CheckinKind,
    /// The recording kiosk's clock, RFC 3339.
    pub at: &'a str,
    pub kiosk: Option<&'a str>,
    /// Still in this kiosk's outbox: the server has not placed it yet.
    pub queued: bool,
    /// The server flagged it as a later entry of the same person.
    pub duplicate: bool,
}

/// The first entry of `attendee_id` at `session_id` (the conference when
/// `None`) among what the kiosk knows, for "already checked in at 9:02
/// (Kiosk B)". The server's first entry wins; among queued ones, the
/// earliest queued (they go out in that order).
pub fn first_entry<'a>(
    known: &[Known<'a>],
    attendee_id: &str,
    session_id: Option<&str>,
) -> Option<Known<'a>> {
    let here = |k: &&Known<'a>| {
        k.kind == CheckinKind::Entry && k.attendee_id == attendee_id && k.session_id == session_id
    };
    known
        .iter()
        .filter(here)
        .find(|k| !k.queued && !k.duplicate)
        .or_else(|| known.iter().filter(here).find(|k| k.queued))
        .copied()
}

/// How many different people have come into `session_id`.
pub fn people_in(known: &[Known<'_>], session_id: Option<&str>) -> usize {
    let mut people: Vec<&str> = known
        .iter()
        .filter(|k| k.kind == CheckinKind::Entry && k.session_id == session_id)
        .map(|k| k.attendee_id)
        .collect();
    crate::sorting::sort(&mut people);
    people.dedup();
    people.len()
}

/// Where a person scanned at a session's door stands, as of the kiosk's
/// last sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomStanding {
    Confirmed,
    /// 1-based place in the waitlist.
    Waitlisted(usize),
    /// A walk-in: recorded all the same, and flagged at the door.
    NotRegistered,
}

pub fn room_standing(
    confirmed: &[String],
    waitlisted: &[String],
    attendee_id: &str,
) -> RoomStanding {
    if confirmed.iter().any(|id| id == attendee_id) {
        RoomStanding::Confirmed
    } else if let Some(i) = waitlisted.iter().position(|id| id == attendee_id) {
        RoomStanding::Waitlisted(i + 1)
    } else {
        RoomStanding::NotRegistered
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_others_are_refused() {
        for kind in [CheckinKind::Entry, CheckinKind::Exit] {
            assert_eq!(CheckinKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(CheckinKind::parse("enter"), None);
    }

    #[test]
    fn only_a_session_entry_is_flagged_and_without_a_place_it_is_a_walk_in() {
        let entry = CheckinKind::Entry;
        assert_eq!(
            AtDoor::of(entry, true, Some(Status::Confirmed)),
            Some(AtDoor::Confirmed)
        );
        assert_eq!(
            AtDoor::of(entry, true, Some(Status::Waitlisted)),
            Some(AtDoor::Waitlisted)
        );
        assert_eq!(
            AtDoor::of(entry, true, Some(Status::Cancelled)),
            Some(AtDoor::WalkIn)
        );
        assert_eq!(AtDoor::of(entry, true, None), Some(AtDoor::WalkIn));
        assert_eq!(AtDoor::of(entry, false, None), None, "the conference");
        assert_eq!(AtDoor::of(CheckinKind::Exit, true, None), None);
    }

    #[test]
    fn a_second_entry_points_at_the_first_and_exits_never_do() {
        assert_eq!(duplicate_of(CheckinKind::Entry, None), None);
        assert_eq!(duplicate_of(CheckinKind::Entry, Some("c1")), Some("c1"));
        assert_eq!(duplicate_of(CheckinKind::Exit, Some("c1")), None);
    }

    fn entry<'a>(attendee: &'a str, session: Option<&'a str>, at: &'a str) -> Known<'a> {
        Known {
            attendee_id: attendee,
            session_id: session,
            kind: CheckinKind::Entry,
            at,
            kiosk: Some("Kiosk A"),
            queued: false,
            duplicate: false,
        }
    }

    #[test]
    fn the_first_entry_is_the_servers_then_the_earliest_queued() {
        let queued = Known {
            queued: true,
            kiosk: None,
            ..entry("p1", None, "09:05")
        };
        let dup = Known {
            duplicate: true,
            ..entry("p1", None, "09:01")
        };
        let first = entry("p1", None, "09:02");
        let elsewhere = entry("p1", Some("s1"), "08:00");
        let exit = Known {
            kind: CheckinKind::Exit,
            ..entry("p1", None, "08:30")
        };
        let known = [queued, dup, elsewhere, exit, first];
        assert_eq!(first_entry(&known, "p1", None), Some(first));
        assert_eq!(first_entry(&known[..4], "p1", None), Some(queued));
        assert_eq!(first_entry(&known, "p1", Some("s1")), Some(elsewhere));
        assert_eq!(first_entry(&known, "p2", None), None);
    }

    #[test]
    fn a_room_counts_people_not_scans() {
        let known = [
            entry("p1", Some("s1"), "a"),
            entry("p1", Some("s1"), "b"),
            entry("p2", Some("s1"), "c"),
            entry("p3", None, "d"),
        ];
        assert_eq!(people_in(&known, Some("s1")), 2);
        assert_eq!(people_in(&known, None), 1);
    }

    #[test]
    fn standing_at_the_door_follows_the_session_lists() {
        let confirmed = vec!["p1".to_owned()];
        let waitlisted = vec!["p2".to_owned(), "p3".to_owned()];
        assert_eq!(
            room_standing(&confirmed, &waitlisted, "p1"),
            RoomStanding::Confirmed
        );
        assert_eq!(
            room_standing(&confirmed, &waitlisted, "p3"),
            RoomStanding::Waitlisted(2)
        );
        assert_eq!(
            room_standing(&confirmed, &waitlisted, "p9"),
            RoomStanding::NotRegistered
        );
    }
}
