//! The mentoring log ("Supporting Our Own"): what an entry may hold, and who
//! may change or confirm it. The phone checks an entry with these rules
//! before queuing it, and the server checks it again on arrival, so both
//! refuse the same input with the same words.

use std::fmt;

use time::{Date, Duration, Month};

use super::attendee::BadgeCode;
use super::standards::{Standard, UnknownStandard};
use super::text::{self, TextError};

/// The longest private note, in characters.
pub const NOTE_MAX: usize = 4_000;
/// The longest free-text partner name, in characters.
pub const PARTNER_NAME_MAX: usize = 120;

/// The author's part in the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MentoringRole {
    Mentor,
    Mentee,
}

impl MentoringRole {
    pub fn as_str(self) -> &'static str {
        match self {
            MentoringRole::Mentor => "mentor",
            MentoringRole::Mentee => "mentee",
        }
    }

    pub fn parse(value: &str) -> Result<Self, MentoringError> {
        match value.trim() {
            "mentor" => Ok(MentoringRole::Mentor),
            "mentee" => Ok(MentoringRole::Mentee),
            other => Err(MentoringError::BadRole(other.to_owned())),
        }
    }
}

/// What the meeting was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Activity {
    Conversation,
    Observation,
    Shadowing,
    CoPlanning,
    Training,
    Other,
}

impl Activity {
    pub const ALL: [Activity; 6] = [
        Activity::Conversation,
        Activity::Observation,
        Activity::Shadowing,
        Activity::CoPlanning,
        Activity::Training,
        Activity::Other,
    ];

    /// The protocol's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Activity::Conversation => "conversation",
            Activity::Observation => "observation",
            Activity::Shadowing => "shadowing",
            Activity::CoPlanning => "co-planning",
            Activity::Training => "training",
            Activity::Other => "other",
        }
    }

    /// The words shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Activity::Conversation => "Conversation",
            Activity::Observation => "Observation",
            Activity::Shadowing => "Shadowing",
            Activity::CoPlanning => "Co-planning",
            Activity::Training => "Training",
            Activity::Other => "Other",
        }
    }

    pub fn parse(value: &str) -> Result<Self, MentoringError> {
        let wanted = value.trim();
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == wanted)
            .ok_or_else(|| MentoringError::BadActivity(wanted.to_owned()))
    }
}

/// How long the meeting lasted: 1 to 720 minutes (twelve hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Minutes(u16);

impl Minutes {
    pub const MAX: u16 = 720;

    pub fn new(value: i64) -> Result<Self, MentoringError> {
        match u16::try_from(value) {
            Ok(m) if (1..=Self::MAX).contains(&m) => Ok(Minutes(m)),
            _ => Err(MentoringError::BadMinutes(value)),
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl serde::Serialize for Minutes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u16(self.0)
    }
}

/// A JSON number, checked by [`Minutes::new`]; `"45"` is refused, as the
/// protocol says minutes are a number.
impl<'de> serde::Deserialize<'de> for Minutes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Minutes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number of minutes")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Minutes, E> {
                Minutes::new(v).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Minutes, E> {
                Minutes::new(i64::try_from(v).unwrap_or(i64::MAX)).map_err(E::custom)
            }
        }
        deserializer.deserialize_i64(Visitor)
    }
}

/// The day of the meeting, from 2000 on. That it is not after tomorrow
/// depends on the day it is checked: see [`EntryDate::within`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryDate(Date);

impl EntryDate {
    pub fn parse(value: &str) -> Result<Self, MentoringError> {
        let value = value.trim();
        let date =
            parse_iso_date(value).ok_or_else(|| MentoringError::BadDate(value.to_owned()))?;
        let earliest = Date::from_calendar_date(2000, Month::January, 1).unwrap_or(Date::MIN);
        if date < earliest {
            return Err(MentoringError::DateTooEarly(value.to_owned()));
        }
        Ok(EntryDate(date))
    }

    /// Not after tomorrow, by `today` (the server's date when it arrives; a
    /// phone a time zone ahead may already be there).
    pub fn within(self, today: Date) -> Result<Self, MentoringError> {
        if self.0 > today.saturating_add(Duration::days(1)) {
            return Err(MentoringError::DateInFuture(self.to_string()));
        }
        Ok(self)
    }

    pub fn get(self) -> Date {
        self.0
    }
}

impl fmt::Display for EntryDate {
    /// `YYYY-MM-DD`, as the protocol spells dates.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

impl serde::Serialize for EntryDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for EntryDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        EntryDate::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// `YYYY-MM-DD` and nothing else.
fn parse_iso_date(value: &str) -> Option<Date> {
    let bytes = value.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = value.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    let month = Month::try_from(u8::try_from(number(5..7)?).ok()?).ok()?;
    let day = u8::try_from(number(8..10)?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Who the meeting was with: someone at the conference (by the badge code
/// scanned or typed) or, for anyone else, a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Partner {
    Badge(BadgeCode),
    Name(String),
}

impl Partner {
    /// Exactly one of the two must be given.
    pub fn parse(badge: Option<&str>, name: Option<&str>) -> Result<Self, MentoringError> {
        let badge = badge.map(str::trim).filter(|b| !b.is_empty());
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        match (badge, name) {
            (Some(b), None) => BadgeCode::parse(b)
                .map(Partner::Badge)
                .map_err(|_| MentoringError::BadPartnerBadge(b.to_owned())),
            (None, Some(n)) => text::required("partner_name", n, PARTNER_NAME_MAX)
                .map(Partner::Name)
                .map_err(MentoringError::Text),
            (Some(_), Some(_)) => Err(MentoringError::TwoPartners),
            (None, None) => Err(MentoringError::NoPartner),
        }
    }

    /// A partner at the conference must be someone else.
    pub fn check_not_self(&self, author_badge: &BadgeCode) -> Result<(), MentoringError> {
        match self {
            Partner::Badge(b) if b == author_badge => Err(MentoringError::SelfPartner),
            _ => Ok(()),
        }
    }
}

/// The Universal Standards in focus: each at most once, in the spec's
/// order, whatever order they were ticked in.
pub fn parse_standards<'a>(
    values: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Standard>, MentoringError> {
    let mut standards = values
        .into_iter()
        .map(Standard::parse)
        .collect::<Result<Vec<_>, UnknownStandard>>()
        .map_err(MentoringError::Standard)?;
    crate::sorting::sort(&mut standards);
    standards.dedup();
    Ok(standards)
}

/// The private note: for its author's eyes only, never sent to anyone else.
pub fn parse_note(value: &str) -> Result<String, MentoringError> {
    text::paragraphs("note", value, NOTE_MAX).map_err(MentoringError::Text)
}

/// Serde for the fields whose rules are more than their type's: the
/// standards (each once, in the spec's order) and the note (its length and
/// characters). Used by [`Terms`], [`EntryChanges`] and the operations'
/// args (`ops`).
pub(crate) mod wire {
    use serde::{Deserialize, Deserializer};

    use super::{Standard, parse_note};

    fn in_order(mut standards: Vec<Standard>) -> Vec<Standard> {
        crate::sorting::sort(&mut standards);
        standards.dedup();
        standards
    }

    pub fn standards<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Standard>, D::Error> {
        Vec::deserialize(d).map(in_order)
    }

    /// Null is no change, as an absent field is.
    pub fn some_standards<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<Standard>>, D::Error> {
        Ok(Option::<Vec<Standard>>::deserialize(d)?.map(in_order))
    }

    pub fn some_note<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|n| parse_note(&n).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// A mentoring log entry as its author keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub partner: Partner,
    pub role: MentoringRole,
    pub date: EntryDate,
    pub minutes: Minutes,
    pub activity: Activity,
    pub standards: Vec<Standard>,
    pub note: String,
}

impl Entry {
    /// What the partner signs when they confirm it.
    pub fn terms(&self) -> Terms {
        Terms {
            role: self.role,
            date: self.date,
            minutes: self.minutes,
            activity: self.activity,
            standards: self.standards.clone(),
        }
    }
}

/// What an edit changes: any of the fields but the partner (an entry with
/// another partner is another entry). On the wire, a `mentoring.update`'s
/// `fields`: anything else there is refused rather than ignored, since an
/// edit that meant to change the partner must not be taken as one that
/// changed nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<MentoringRole>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<EntryDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<Minutes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Activity>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "wire::some_standards"
    )]
    pub standards: Option<Vec<Standard>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "wire::some_note"
    )]
    pub note: Option<String>,
}

impl EntryChanges {
    pub fn is_empty(&self) -> bool {
        *self == EntryChanges::default()
    }

    /// Whether it changes what the partner signs: anything but the note,
    /// which is private.
    pub fn touches_terms(&self) -> bool {
        let EntryChanges {
            role,
            date,
            minutes,
            activity,
            standards,
            note: _,
        } = self;
        role.is_some()
            || date.is_some()
            || minutes.is_some()
            || activity.is_some()
            || standards.is_some()
    }

    /// Applies the changes; true when the terms the partner signs changed
    /// (a note is private, so editing it leaves a confirmation standing).
    pub fn apply_to(&self, entry: &mut Entry) -> bool {
        let before = entry.terms();
        if let Some(role) = self.role {
            entry.role = role;
        }
        if let Some(date) = self.date {
            entry.date = date;
        }
        if let Some(minutes) = self.minutes {
            entry.minutes = minutes;
        }
        if let Some(activity) = self.activity {
            entry.activity = activity;
        }
        if let Some(standards) = &self.standards {
            entry.standards.clone_from(standards);
        }
        if let Some(note) = &self.note {
            entry.note.clone_from(note);
        }
        entry.terms() != before
    }
}

/// The part of an entry its partner signs: everything but who the partner
/// is (they are the one signing) and the author's private note. A
/// confirmation names the terms its signer saw, and the server takes it only
/// while the entry still has them, so nobody appears to have signed what
/// they did not see. On the wire, a `mentoring.confirm`'s `seen`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Terms {
    pub role: MentoringRole,
    pub date: EntryDate,
    pub minutes: Minutes,
    pub activity: Activity,
    #[serde(deserialize_with = "wire::standards")]
    pub standards: Vec<Standard>,
}

/// What someone may do to an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Update,
    Delete,
    Confirm,
}

/// Only the author edits or deletes an entry; only the partner it names
/// confirms it (a free-text partner cannot confirm: they have no account).
pub fn may(
    act: Act,
    actor: &str,
    author: &str,
    partner: Option<&str>,
) -> Result<(), MentoringError> {
    let allowed = match act {
        Act::Update | Act::Delete => actor == author,
        Act::Confirm => partner == Some(actor),
    };
    if allowed {
        Ok(())
    } else {
        Err(MentoringError::Forbidden(act))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MentoringError {
    #[error("minutes must be a whole number from 1 to 720 (twelve hours), not {0}")]
    BadMinutes(i64),
    #[error("“{0}” is not a date written as YYYY-MM-DD")]
    BadDate(String),
    #[error("{0} is before 2000-01-01")]
    DateTooEarly(String),
    #[error("{0} is later than tomorrow")]
    DateInFuture(String),
    #[error("the role must be mentor or mentee, not “{0}”")]
    BadRole(String),
    #[error(
        "the activity must be one of conversation, observation, shadowing, co-planning, training or other, not “{0}”"
    )]
    BadActivity(String),
    #[error("“{0}” is not a badge code")]
    BadPartnerBadge(String),
    #[error("give the partner's badge code or their name, not both")]
    TwoPartners,
    #[error("give the partner's badge code, or their name if they are not at the conference")]
    NoPartner,
    #[error("you cannot be your own mentoring partner")]
    SelfPartner,
    #[error("{0}")]
    Standard(UnknownStandard),
    #[error("{0}")]
    Text(TextError),
    #[error("{}", match .0 {
        Act::Update => "only the entry's author can change it",
        Act::Delete => "only the entry's author can delete it",
        Act::Confirm => "only the partner the entry names can confirm it",
    })]
    Forbidden(Act),
}

impl MentoringError {
    /// The protocol's rejection code.
    pub fn code(&self) -> &'static str {
        match self {
            MentoringError::Forbidden(_) => "forbidden",
            MentoringError::SelfPartner => "self_partner",
            _ => "invalid_args",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2027 - 03 - 27);

    #[test]
    fn minutes_run_from_one_to_twelve_hours() {
        assert_eq!(Minutes::new(1).map(Minutes::get), Ok(1));
        assert_eq!(Minutes::new(720).map(Minutes::get), Ok(720));
        for bad in [0, -5, 721, 70_000] {
            assert_eq!(Minutes::new(bad), Err(MentoringError::BadMinutes(bad)));
        }
    }

    #[test]
    fn dates_are_iso_from_2000_to_tomorrow() {
        let dated = |text: &str| EntryDate::parse(text).and_then(|d| d.within(TODAY));
        assert_eq!(
            dated("2027-03-28").map(|d| d.to_string()),
            Ok("2027-03-28".into())
        );
        assert_eq!(
            dated(" 2000-01-01 ").map(|d| d.to_string()),
            Ok("2000-01-01".into())
        );
        assert_eq!(
            dated("1999-12-31"),
            Err(MentoringError::DateTooEarly("1999-12-31".into()))
        );
        assert_eq!(
            dated("2027-03-29"),
            Err(MentoringError::DateInFuture("2027-03-29".into()))
        );
        for bad in [
            "2027-3-28",
            "2027-02-30",
            "28/03/2027",
            "2027-03-28T10:00",
            "+027-03-28",
        ] {
            assert_eq!(
                dated(bad),
                Err(MentoringError::BadDate(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn roles_and_activities_are_spelled_as_the_protocol_does() {
        for role in [MentoringRole::Mentor, MentoringRole::Mentee] {
            assert_eq!(MentoringRole::parse(role.as_str()), Ok(role));
        }
        assert!(MentoringRole::parse("coach").is_err());
        for activity in Activity::ALL {
            assert_eq!(Activity::parse(activity.as_str()), Ok(activity));
        }
        assert_eq!(
            Activity::parse("coplanning"),
            Err(MentoringError::BadActivity("coplanning".into()))
        );
    }

    #[test]
    fn a_partner_is_a_badge_or_a_name_never_both_never_oneself() {
        let me = BadgeCode::parse("ESP-0001").unwrap();
        let other = Partner::parse(Some(" esp-0002 "), None).unwrap();
        assert_eq!(other, Partner::Badge(BadgeCode::parse("ESP-0002").unwrap()));
        assert_eq!(other.check_not_self(&me), Ok(()));
        assert_eq!(
            Partner::parse(Some("ESP-0001"), Some(""))
                .unwrap()
                .check_not_self(&me),
            Err(MentoringError::SelfPartner)
        );
        assert_eq!(
            Partner::parse(None, Some("  Pat Lee ")),
            Ok(Partner::Name("Pat Lee".into()))
        );
        assert_eq!(
            Partner::parse(Some("ESP-0002"), Some("Pat")),
            Err(MentoringError::TwoPartners)
        );
        assert_eq!(
            Partner::parse(None, Some("  ")),
            Err(MentoringError::NoPartner)
        );
        assert_eq!(
            Partner::parse(Some("not a code!"), None),
            Err(MentoringError::BadPartnerBadge("not a code!".into()))
        );
    }

    #[test]
    fn standards_come_from_the_eight_once_each_in_order() {
        assert_eq!(
            parse_standards(["Technology", "ethics", "Technology"]),
            Ok(vec![Standard::Ethics, Standard::Technology])
        );
        assert!(matches!(
            parse_standards(["Ethics", "Cooking"]),
            Err(MentoringError::Standard(_))
        ));
        assert_eq!(parse_standards([]), Ok(vec![]));
    }

    #[test]
    fn notes_are_bounded() {
        assert_eq!(parse_note("  went well "), Ok("went well".into()));
        assert!(parse_note(&"x".repeat(NOTE_MAX + 1)).is_err());
    }

    #[test]
    fn editing_the_terms_is_told_apart_from_editing_the_note() {
        let mut entry = Entry {
            partner: Partner::Name("Pat Lee".into()),
            role: MentoringRole::Mentor,
            date: EntryDate::parse("2027-03-26").unwrap(),
            minutes: Minutes::new(45).unwrap(),
            activity: Activity::Conversation,
            standards: vec![Standard::Ethics],
            note: String::new(),
        };
        let note_only = EntryChanges {
            note: Some("follow up".into()),
            ..EntryChanges::default()
        };
        assert!(!note_only.apply_to(&mut entry));
        assert_eq!(entry.note, "follow up");
        let longer = EntryChanges {
            minutes: Some(Minutes::new(60).unwrap()),
            ..EntryChanges::default()
        };
        assert!(longer.apply_to(&mut entry));
        assert_eq!(entry.minutes.get(), 60);
        assert!(EntryChanges::default().is_empty() && !longer.is_empty());
    }

    #[test]
    fn authors_edit_and_delete_named_partners_confirm() {
        assert_eq!(may(Act::Update, "a", "a", Some("p")), Ok(()));
        assert_eq!(may(Act::Delete, "a", "a", Some("p")), Ok(()));
        assert_eq!(may(Act::Confirm, "p", "a", Some("p")), Ok(()));
        assert_eq!(
            may(Act::Update, "p", "a", Some("p")),
            Err(MentoringError::Forbidden(Act::Update))
        );
        assert_eq!(
            may(Act::Confirm, "a", "a", Some("p")),
            Err(MentoringError::Forbidden(Act::Confirm))
        );
        assert_eq!(
            may(Act::Confirm, "x", "a", None),
            Err(MentoringError::Forbidden(Act::Confirm))
        );
        assert_eq!(MentoringError::Forbidden(Act::Confirm).code(), "forbidden");
    }
}
