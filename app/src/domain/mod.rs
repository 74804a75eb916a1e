//! The conference model and its rules, compiled for the browser and the
//! server alike. Nothing here knows about HTTP, SQLite or the DOM: the client
//! and the server call the same functions, so they reject the same input.

/// Serde for a closed set of names (a session's kind, a standard, a career
/// family, a mentoring activity): written in the spelling the CSV formats
/// and the wire share (`as_str`), read back through the same `parse` an
/// import uses. Both ends of the wire, and the device's store, hold the type
/// itself; a name neither side knows fails where it is read.
macro_rules! serde_by_name {
    ($($name:ty),+ $(,)?) => {$(
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                <$name>::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    )+};
}

pub mod agenda;
pub mod attendee;
pub mod career;
pub mod checkin;
pub mod entry_form;
pub mod ical;
pub mod ids;
pub mod logbook;
pub mod mentoring;
pub mod ops;
pub mod program;
pub mod registration;
pub mod roster;
pub mod session;
pub mod settle;
pub mod signin;
pub mod standards;
pub mod text;

pub use attendee::{BadgeCode, PersonName, Role, StateCode};
pub use career::CareerFamily;
pub use ids::{CheckinId, DeviceId, EntryId, RegistrationId, Seq, SessionId};
pub use session::{Capacity, Session, SessionCode, SessionError, SessionKind, Timeslot};
pub use standards::Standard;

serde_by_name!(
    CareerFamily,
    SessionKind,
    Standard,
    mentoring::Activity,
    BadgeCode
);
