//! The conference model and its rules, compiled for the browser and the
//! server alike. Nothing here knows about HTTP, SQLite or the DOM: the client
//! and the server call the same functions, so they reject the same input.

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
