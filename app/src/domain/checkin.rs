//! Check-ins: who came in where, recorded by kiosks. A kiosk names each
//! check-in with its own id (the idempotency key: the same id is one row
//! forever); a second entry of the same person at the same place is kept
//! and flagged as a duplicate of the first, never refused, because the
//! person standing at the kiosk did nothing wrong.

/// Coming in or going out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    fn a_second_entry_points_at_the_first_and_exits_never_do() {
        assert_eq!(duplicate_of(CheckinKind::Entry, None), None);
        assert_eq!(duplicate_of(CheckinKind::Entry, Some("c1")), Some("c1"));
        assert_eq!(duplicate_of(CheckinKind::Exit, Some("c1")), None);
    }
}
