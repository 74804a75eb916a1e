//! Attendees: badge codes, names, state affiliates, roles.

use std::fmt;

use super::career::{CareerFamily, UnknownCareerFamily};
use super::text::{self, TextError};

/// The code printed on a badge and in its QR code. Scanners and people type
/// it, so it is compared without case and without surrounding space.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BadgeCode(String);

impl BadgeCode {
    pub const MIN_LEN: usize = 4;
    pub const MAX_LEN: usize = 32;

    pub fn parse(value: &str) -> Result<Self, AttendeeError> {
        let value = value.trim().to_ascii_uppercase();
        let ok_chars = value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&value.len()) || !ok_chars {
            return Err(AttendeeError::BadBadgeCode(value));
        }
        Ok(BadgeCode(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BadgeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A state affiliate: the 50 states and the District of Columbia.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StateCode(&'static str);

const STATES: [(&str, &str); 51] = [
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
];

impl StateCode {
    /// Every affiliate, in alphabetical order of the two-letter code.
    pub fn all() -> impl Iterator<Item = StateCode> {
        STATES.iter().map(|(code, _)| StateCode(code))
    }

    /// Accepts the two-letter code or the full name, in any case.
    pub fn parse(value: &str) -> Result<Self, AttendeeError> {
        let wanted = value.trim();
        STATES
            .iter()
            .find(|(code, name)| {
                code.eq_ignore_ascii_case(wanted) || name.eq_ignore_ascii_case(wanted)
            })
            .map(|(code, _)| StateCode(code))
            .ok_or_else(|| AttendeeError::BadState(wanted.to_owned()))
    }

    pub fn code(self) -> &'static str {
        self.0
    }

    pub fn name(self) -> &'static str {
        STATES
            .iter()
            .find(|(code, _)| *code == self.0)
            .map_or(self.0, |(_, name)| name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Attendee,
    Mentor,
    Presenter,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Attendee => "attendee",
            Role::Mentor => "mentor",
            Role::Presenter => "presenter",
        }
    }

    pub fn parse(value: &str) -> Result<Self, AttendeeError> {
        match value.trim().to_ascii_lowercase().as_str() {
            "attendee" => Ok(Role::Attendee),
            "mentor" => Ok(Role::Mentor),
            "presenter" => Ok(Role::Presenter),
            other => Err(AttendeeError::BadRole(other.to_owned())),
        }
    }
}

/// A person's first and last name as printed on the badge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    pub first: String,
    pub last: String,
}

impl PersonName {
    pub fn parse(first: &str, last: &str) -> Result<Self, AttendeeError> {
        Ok(PersonName {
            first: text::required("first_name", first, 100)?,
            last: text::required("last_name", last, 100)?,
        })
    }
}

/// An attendee row of the roster, every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub badge_code: BadgeCode,
    pub name: PersonName,
    pub email: Option<String>,
    pub state: StateCode,
    pub local: String,
    pub career_family: CareerFamily,
    pub role: Role,
}

/// The fields of an attendee as text, the way the CSV holds them.
#[derive(Debug, Clone, Default)]
pub struct AttendeeFields<'a> {
    pub badge_code: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub state: &'a str,
    pub local: &'a str,
    pub career_family: &'a str,
    pub role: &'a str,
}

impl Attendee {
    pub fn parse(fields: &AttendeeFields<'_>) -> Result<Self, AttendeeError> {
        Ok(Attendee {
            badge_code: BadgeCode::parse(fields.badge_code)?,
            name: PersonName::parse(fields.first_name, fields.last_name)?,
            email: parse_email(fields.email)?,
            state: StateCode::parse(fields.state)?,
            local: text::optional("local", fields.local, 200)?,
            career_family: CareerFamily::parse(fields.career_family)?,
            role: Role::parse(fields.role)?,
        })
    }
}

/// Empty is fine (not everyone gives one); otherwise one `@` with text on
/// both sides and no spaces. Deliverability is not ours to judge.
pub fn parse_email(value: &str) -> Result<Option<String>, AttendeeError> {
    let value = text::optional("email", value, 254)?;
    if value.is_empty() {
        return Ok(None);
    }
    match value.split_once('@') {
        Some((user, host))
            if !user.is_empty()
                && host.contains('.')
                && !value.contains(char::is_whitespace)
                && !host.contains('@') =>
        {
            Ok(Some(value))
        }
        _ => Err(AttendeeError::BadEmail(value)),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttendeeError {
    #[error(transparent)]
    Text(#[from] TextError),
    #[error("badge code “{0}” must be 4 to 32 letters, digits or '-'")]
    BadBadgeCode(String),
    #[error("state “{0}” is not one of the 50 states or DC (use the two-letter code)")]
    BadState(String),
    #[error("role “{0}” is not one of attendee, mentor, presenter")]
    BadRole(String),
    #[error("email “{0}” is not an email address")]
    BadEmail(String),
    #[error(transparent)]
    CareerFamily(#[from] UnknownCareerFamily),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> AttendeeFields<'static> {
        AttendeeFields {
            badge_code: "esp-10001",
            first_name: "José",
            last_name: "Núñez, Jr.",
            email: "jose@example.org",
            state: "tx",
            local: "Austin ESP Association",
            career_family: "Transportation services",
            role: "mentor",
        }
    }

    #[test]
    fn a_complete_row_parses_and_the_badge_code_is_normalised() {
        let a = Attendee::parse(&fields()).unwrap();
        assert_eq!(a.badge_code.as_str(), "ESP-10001");
        assert_eq!(a.name.last, "Núñez, Jr.");
        assert_eq!(a.state.code(), "TX");
        assert_eq!(a.state.name(), "Texas");
        assert_eq!(a.role, Role::Mentor);
    }

    #[test]
    fn there_are_fifty_states_and_dc() {
        assert_eq!(StateCode::all().count(), 51);
        assert_eq!(
            StateCode::parse("District of Columbia").unwrap().code(),
            "DC"
        );
    }

    #[test]
    fn each_bad_field_is_rejected_with_its_reason() {
        let cases: Vec<(AttendeeFields<'static>, &str)> = vec![
            (
                AttendeeFields {
                    badge_code: "AB",
                    ..fields()
                },
                "badge code",
            ),
            (
                AttendeeFields {
                    badge_code: "ESP 1001",
                    ..fields()
                },
                "badge code",
            ),
            (
                AttendeeFields {
                    first_name: "",
                    ..fields()
                },
                "first_name is required",
            ),
            (
                AttendeeFields {
                    last_name: " ",
                    ..fields()
                },
                "last_name is required",
            ),
            (
                AttendeeFields {
                    email: "not-an-email",
                    ..fields()
                },
                "email",
            ),
            (
                AttendeeFields {
                    email: "a b@c.org",
                    ..fields()
                },
                "email",
            ),
            (
                AttendeeFields {
                    state: "PR",
                    ..fields()
                },
                "state",
            ),
            (
                AttendeeFields {
                    career_family: "Bus drivers",
                    ..fields()
                },
                "Bus drivers",
            ),
            (
                AttendeeFields {
                    role: "organizer",
                    ..fields()
                },
                "role",
            ),
        ];
        for (row, reason) in cases {
            let err = Attendee::parse(&row).expect_err(reason).to_string();
            assert!(err.contains(reason), "{err:?} should mention {reason:?}");
        }
    }

    #[test]
    fn an_empty_email_is_allowed() {
        assert_eq!(
            Attendee::parse(&AttendeeFields {
                email: "",
                ..fields()
            })
            .unwrap()
            .email,
            None
        );
    }
}
