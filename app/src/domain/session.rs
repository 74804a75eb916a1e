//! A session of the program: what it is, when, where, for whom, how many seats.

use std::fmt;

use time::{Date, OffsetDateTime, format_description::well_known::Rfc3339};

use super::career::{CareerFamily, UnknownCareerFamily};
use super::standards::{Standard, UnknownStandard};
use super::text::{self, TextError};

/// The organizer's short key for a session (`WS-COMM-1`); re-imports update
/// sessions by it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionCode(String);

impl SessionCode {
    pub const MAX_LEN: usize = 32;

    /// Letters, digits, `-`, `_` and `.`, at most 32 of them.
    pub fn parse(value: &str) -> Result<Self, SessionError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(SessionError::Text(TextError::Missing { field: "code" }));
        }
        if value.len() > Self::MAX_LEN
            || !value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(SessionError::BadCode(value.to_owned()));
        }
        Ok(SessionCode(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SessionKind {
    PreConference,
    General,
    Workshop,
    MentoringCircle,
}

impl SessionKind {
    pub const ALL: [SessionKind; 4] = [
        SessionKind::PreConference,
        SessionKind::General,
        SessionKind::Workshop,
        SessionKind::MentoringCircle,
    ];

    /// The spelling of the CSV format and the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::PreConference => "pre-conference",
            SessionKind::General => "general",
            SessionKind::Workshop => "workshop",
            SessionKind::MentoringCircle => "mentoring-circle",
        }
    }

    /// The words shown to people.
    pub fn label(self) -> &'static str {
        match self {
            SessionKind::PreConference => "Pre-conference",
            SessionKind::General => "General session",
            SessionKind::Workshop => "Workshop",
            SessionKind::MentoringCircle => "Mentoring circle",
        }
    }

    pub fn parse(value: &str) -> Result<Self, SessionError> {
        let wanted = value.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| SessionError::BadKind(wanted.to_owned()))
    }
}

/// Seats in the room: a number, or no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capacity {
    Limited(u32),
    Unlimited,
}

impl Capacity {
    /// The largest room we believe in; beyond it a typo is likelier.
    pub const MAX: u32 = 100_000;

    /// Empty means unlimited; otherwise a whole number 1..=100000.
    pub fn parse(value: &str) -> Result<Self, SessionError> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(Capacity::Unlimited);
        }
        value
            .parse::<u32>()
            .ok()
            .and_then(Self::limited)
            .ok_or_else(|| SessionError::BadCapacity(value.to_owned()))
    }

    /// As the wire carries it: `None` is no limit.
    pub fn from_option(seats: Option<u32>) -> Result<Self, SessionError> {
        match seats {
            None => Ok(Capacity::Unlimited),
            Some(n) => Self::limited(n).ok_or_else(|| SessionError::BadCapacity(n.to_string())),
        }
    }

    fn limited(n: u32) -> Option<Self> {
        (1..=Self::MAX).contains(&n).then_some(Capacity::Limited(n))
    }

    pub fn as_option(self) -> Option<u32> {
        match self {
            Capacity::Limited(n) => Some(n),
            Capacity::Unlimited => None,
        }
    }

    /// Seats still free after `taken` confirmed registrations; `None` when
    /// there is no limit.
    pub fn seats_left(self, taken: u32) -> Option<u32> {
        self.as_option().map(|n| n.saturating_sub(taken))
    }
}

/// When a session runs. Times keep the offset the program gave them, because
/// everyone sees the conference's own clock, whatever their phone's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeslot {
    starts: OffsetDateTime,
    ends: OffsetDateTime,
}

impl Timeslot {
    /// Pre-conference trainings run over two days; nothing runs longer.
    pub const MAX_HOURS: i64 = 72;

    pub fn parse(starts_at: &str, ends_at: &str) -> Result<Self, SessionError> {
        let starts = parse_instant("starts_at", starts_at)?;
        let ends = parse_instant("ends_at", ends_at)?;
        if ends <= starts {
            return Err(SessionError::EndsBeforeStart);
        }
        if (ends - starts).whole_hours() > Self::MAX_HOURS {
            return Err(SessionError::TooLong);
        }
        Ok(Timeslot { starts, ends })
    }

    pub fn starts(&self) -> OffsetDateTime {
        self.starts
    }

    pub fn ends(&self) -> OffsetDateTime {
        self.ends
    }

    /// Two slots overlap when each starts before the other ends; back-to-back
    /// sessions (one ends at 10:00, the next starts at 10:00) do not.
    pub fn overlaps(&self, other: &Timeslot) -> bool {
        self.starts < other.ends && other.starts < self.ends
    }

    pub fn minutes(&self) -> i64 {
        (self.ends - self.starts).whole_minutes()
    }

    /// The conference day the session belongs to, on the conference clock.
    pub fn day(&self) -> Date {
        self.starts.date()
    }

    /// `9:00 AM – 10:30 AM` on the conference clock.
    pub fn time_range_label(&self) -> String {
        format!("{} – {}", clock_label(self.starts), clock_label(self.ends))
    }

    pub fn starts_rfc3339(&self) -> String {
        self.starts.format(&Rfc3339).unwrap_or_default()
    }

    pub fn ends_rfc3339(&self) -> String {
        self.ends.format(&Rfc3339).unwrap_or_default()
    }
}

fn parse_instant(field: &'static str, value: &str) -> Result<OffsetDateTime, SessionError> {
    OffsetDateTime::parse(value.trim(), &Rfc3339).map_err(|_| SessionError::BadTime {
        field,
        value: value.trim().to_owned(),
    })
}

/// `9:05 AM`, as US programs print times.
pub fn clock_label(at: OffsetDateTime) -> String {
    let hour12 = match at.hour() % 12 {
        0 => 12,
        h => h,
    };
    let meridiem = if at.hour() < 12 { "AM" } else { "PM" };
    format!("{hour12}:{:02} {meridiem}", at.minute())
}

// The labels are put together by hand rather than with `time`'s format
// descriptions: those bring its whole formatting machinery into the
// browser bundle for three labels.

/// `Thursday, March 11`.
pub fn day_label(day: Date) -> String {
    format!("{}, {} {}", day.weekday(), day.month(), day.day())
}

/// `Thu Mar 11`, for the day filter's buttons.
pub fn short_day_label(day: Date) -> String {
    let (weekday, month) = (day.weekday().to_string(), day.month().to_string());
    format!(
        "{} {} {}",
        weekday.get(..3).unwrap_or(&weekday),
        month.get(..3).unwrap_or(&month),
        day.day()
    )
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Text(#[from] TextError),
    #[error("code “{0}” may hold only letters, digits, '-', '_' and '.', at most 32 of them")]
    BadCode(String),
    #[error("kind “{0}” is not one of pre-conference, general, workshop, mentoring-circle")]
    BadKind(String),
    #[error(transparent)]
    Standard(#[from] UnknownStandard),
    #[error(transparent)]
    CareerFamily(#[from] UnknownCareerFamily),
    #[error(
        "{field} “{value}” is not an RFC 3339 time with an offset, like 2027-03-12T09:00:00-05:00"
    )]
    BadTime { field: &'static str, value: String },
    #[error("the session ends before it starts")]
    EndsBeforeStart,
    #[error("the session runs longer than 72 hours")]
    TooLong,
    #[error("capacity “{0}” must be empty (unlimited) or a whole number from 1 to 100000")]
    BadCapacity(String),
}

/// A session as the program shows it: every field checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub code: SessionCode,
    pub title: String,
    pub description: String,
    pub kind: SessionKind,
    pub topic: String,
    pub standard: Option<Standard>,
    pub career_families: Vec<CareerFamily>,
    pub room: String,
    pub slot: Timeslot,
    pub capacity: Capacity,
    pub presenter: String,
}

/// The fields of a session as text, the way the CSV and the forms hold them.
#[derive(Debug, Clone, Default)]
pub struct SessionFields<'a> {
    pub code: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub kind: &'a str,
    pub topic: &'a str,
    pub standard: &'a str,
    pub career_families: &'a str,
    pub room: &'a str,
    pub starts_at: &'a str,
    pub ends_at: &'a str,
    pub capacity: &'a str,
    pub presenter: &'a str,
}

impl Session {
    pub fn parse(fields: &SessionFields<'_>) -> Result<Self, SessionError> {
        let standard = match fields.standard.trim() {
            "" => None,
            name => Some(Standard::parse(name)?),
        };
        Session {
            code: SessionCode::parse(fields.code)?,
            title: fields.title.to_owned(),
            description: fields.description.to_owned(),
            kind: SessionKind::parse(fields.kind)?,
            topic: fields.topic.to_owned(),
            standard,
            career_families: CareerFamily::parse_list(fields.career_families)?,
            room: fields.room.to_owned(),
            slot: Timeslot::parse(fields.starts_at, fields.ends_at)?,
            capacity: Capacity::parse(fields.capacity)?,
            presenter: fields.presenter.to_owned(),
        }
        .checked()
    }

    /// The free text checked against the program's limits (and trimmed):
    /// the one place for them, whether the session came from a CSV row, a
    /// form or the wire.
    pub fn checked(self) -> Result<Self, SessionError> {
        Ok(Session {
            title: text::required("title", &self.title, 200)?,
            description: text::paragraphs("description", &self.description, 5_000)?,
            topic: text::optional("topic", &self.topic, 100)?,
            room: text::optional("room", &self.room, 100)?,
            presenter: text::optional("presenter", &self.presenter, 200)?,
            ..self
        })
    }

    /// `Communication; Ethics`, the CSV spelling of the career families.
    pub fn career_families_text(&self) -> String {
        self.career_families
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(";")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> SessionFields<'static> {
        SessionFields {
            code: "WS-COMM-1",
            title: "Communication micro-credential",
            description: "",
            kind: "workshop",
            topic: "ESP Professional Growth Continuum",
            standard: "Communication",
            career_families: "Paraeducators;Clerical services",
            room: "Room 201",
            starts_at: "2027-03-12T09:00:00-05:00",
            ends_at: "2027-03-12T10:30:00-05:00",
            capacity: "40",
            presenter: "Lisa Connor",
        }
    }

    #[test]
    fn a_complete_row_parses() {
        let s = Session::parse(&fields()).unwrap();
        assert_eq!(s.code.as_str(), "WS-COMM-1");
        assert_eq!(s.standard, Some(Standard::Communication));
        assert_eq!(s.capacity, Capacity::Limited(40));
        assert_eq!(
            s.career_families,
            vec![CareerFamily::Clerical, CareerFamily::Paraeducators]
        );
        assert_eq!(s.slot.minutes(), 90);
    }

    #[test]
    fn each_bad_field_is_rejected_with_its_reason() {
        let cases: Vec<(SessionFields<'static>, &str)> = vec![
            (
                SessionFields {
                    code: "bad code!",
                    ..fields()
                },
                "code",
            ),
            (
                SessionFields {
                    code: "",
                    ..fields()
                },
                "code is required",
            ),
            (
                SessionFields {
                    title: " ",
                    ..fields()
                },
                "title is required",
            ),
            (
                SessionFields {
                    kind: "keynote",
                    ..fields()
                },
                "keynote",
            ),
            (
                SessionFields {
                    standard: "Punctuality",
                    ..fields()
                },
                "Punctuality",
            ),
            (
                SessionFields {
                    career_families: "Bus drivers",
                    ..fields()
                },
                "Bus drivers",
            ),
            (
                SessionFields {
                    starts_at: "2027-03-12 09:00",
                    ..fields()
                },
                "starts_at",
            ),
            (
                SessionFields {
                    ends_at: "2027-03-12T09:00:00",
                    ..fields()
                },
                "ends_at",
            ),
            (
                SessionFields {
                    ends_at: "2027-03-12T08:00:00-05:00",
                    ..fields()
                },
                "ends before it starts",
            ),
            (
                SessionFields {
                    ends_at: "2027-03-20T08:00:00-05:00",
                    ..fields()
                },
                "72 hours",
            ),
            (
                SessionFields {
                    capacity: "0",
                    ..fields()
                },
                "capacity",
            ),
            (
                SessionFields {
                    capacity: "-3",
                    ..fields()
                },
                "capacity",
            ),
            (
                SessionFields {
                    capacity: "forty",
                    ..fields()
                },
                "capacity",
            ),
        ];
        for (row, reason) in cases {
            let err = Session::parse(&row).expect_err(reason).to_string();
            assert!(err.contains(reason), "{err:?} should mention {reason:?}");
        }
    }

    #[test]
    fn empty_capacity_and_standard_mean_unlimited_and_none() {
        let s = Session::parse(&SessionFields {
            capacity: " ",
            standard: "",
            ..fields()
        })
        .unwrap();
        assert_eq!(s.capacity, Capacity::Unlimited);
        assert_eq!(s.standard, None);
        assert_eq!(s.capacity.seats_left(1_000), None);
    }

    #[test]
    fn seats_left_never_goes_below_zero() {
        assert_eq!(Capacity::Limited(10).seats_left(4), Some(6));
        assert_eq!(Capacity::Limited(10).seats_left(12), Some(0));
    }

    #[test]
    fn back_to_back_slots_do_not_overlap_but_nested_ones_do() {
        let a = Timeslot::parse("2027-03-12T09:00:00-05:00", "2027-03-12T10:00:00-05:00").unwrap();
        let b = Timeslot::parse("2027-03-12T10:00:00-05:00", "2027-03-12T11:00:00-05:00").unwrap();
        let c = Timeslot::parse("2027-03-12T14:30:00Z", "2027-03-12T14:45:00Z").unwrap();
        assert!(!a.overlaps(&b));
        assert!(a.overlaps(&c), "9:30–9:45 local is inside 9:00–10:00 local");
    }

    #[test]
    fn times_are_shown_on_the_conference_clock_not_in_utc() {
        let slot =
            Timeslot::parse("2027-03-12T21:30:00-05:00", "2027-03-12T23:00:00-05:00").unwrap();
        assert_eq!(slot.time_range_label(), "9:30 PM – 11:00 PM");
        assert_eq!(day_label(slot.day()), "Friday, March 12");
        assert_eq!(short_day_label(slot.day()), "Fri Mar 12");
    }
}
