//! What a device keeps about itself between visits: who it works for and
//! the changes the server refused. Plain data below both the signals
//! (`state`) and the browser-side client (`client`), which store and show
//! the same records.

use serde::{Deserialize, Serialize};

use crate::domain::logbook::Me;
use crate::protocol::{AttendeeData, KioskData, Mutation};

/// Who this device works for: an attendee's own phone, or a check-in kiosk
/// paired by the organizers. Each can send only its own operations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Holder {
    Attendee(AttendeeData),
    Kiosk(KioskData),
}

/// The signed-in attendee as the mentoring log names them.
pub fn me_of(a: &AttendeeData) -> Me {
    Me {
        id: a.id.clone(),
        name: format!("{} {}", a.first_name, a.last_name),
        badge: a.badge_code.clone(),
    }
}

/// A change the server refused, with its reason, kept on the device until
/// the person dismisses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejected {
    pub mutation: Mutation,
    pub code: String,
    pub message: String,
}
