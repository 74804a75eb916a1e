//! What a device keeps about itself between visits: who it works for (its
//! account) and the changes the server refused. Plain data below both the signals
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

/// Who this device works for, with its token: kept in the local store and
/// shown by the pages as it is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub token: String,
    pub device_id: String,
    pub holder: Holder,
    /// The seq the next mutation takes.
    pub next_seq: u64,
    /// The server no longer accepts the token (signed out elsewhere, or the
    /// database was replaced). The outbox is kept for the next sign-in.
    #[serde(default)]
    pub token_refused: bool,
    /// The epoch of the server database that acknowledged this device's
    /// log (`None` before it was known).
    #[serde(default)]
    pub epoch: Option<String>,
}

impl Account {
    /// Who the device works for and whether the server refused its token:
    /// what a page draws from, without the token and seq that a sync or a
    /// change moves (a memo of it redraws only when this changes).
    pub fn standing(&self) -> (Holder, bool) {
        (self.holder.clone(), self.token_refused)
    }

    pub fn attendee(&self) -> Option<&AttendeeData> {
        match &self.holder {
            Holder::Attendee(a) => Some(a),
            Holder::Kiosk(_) => None,
        }
    }

    pub fn kiosk(&self) -> Option<&KioskData> {
        match &self.holder {
            Holder::Kiosk(k) => Some(k),
            Holder::Attendee(_) => None,
        }
    }
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
    /// The device whose log held the change. A device signed in again
    /// numbers its changes from 1 again, so a refusal is known by its
    /// device and its seq, never its seq alone. Empty on a refusal kept
    /// before devices were recorded with them.
    #[serde(default)]
    pub device_id: String,
    pub mutation: Mutation,
    pub code: String,
    pub message: String,
}

/// Whether the device holds an account, as the server learns it when it
/// renders a page: the app keeps a cookie while it does (`cookie`), the
/// server reads it and renders a first screen that depends on it (an
/// empty device's kiosk page is the pairing form), and the app starts from
/// the screen the server rendered (the body's `data-account`). A hint
/// only: the device's store has the last word once it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountHint {
    /// No cookie: a new device, or one whose account is gone.
    Absent,
    Held,
}

impl AccountHint {
    pub const COOKIE: &'static str = "hallpass_account";

    pub fn of(account: Option<&Account>) -> Self {
        match account {
            Some(_) => AccountHint::Held,
            None => AccountHint::Absent,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AccountHint::Absent => "absent",
            AccountHint::Held => "held",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [AccountHint::Absent, AccountHint::Held]
            .into_iter()
            .find(|h| h.as_str() == text)
    }

    /// The hint kept in `document.cookie` (`name=value; name=value`): held
    /// while the cookie is there, as the server reads it.
    pub fn in_cookies(cookies: &str) -> Self {
        let held = cookies
            .split(';')
            .any(|pair| pair.trim_start().split('=').next() == Some(Self::COOKIE));
        if held {
            AccountHint::Held
        } else {
            AccountHint::Absent
        }
    }

    /// The `document.cookie` assignment that keeps the hint (a year) or
    /// drops it. Not `HttpOnly`, since the app writes it; it says nothing
    /// about who the account is.
    pub fn cookie(self) -> String {
        match self {
            AccountHint::Held => format!(
                "{}=held; Path=/; Max-Age=31536000; SameSite=Strict",
                Self::COOKIE
            ),
            AccountHint::Absent => format!("{}=; Path=/; Max-Age=0; SameSite=Strict", Self::COOKIE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_hint_reads_back_what_it_writes() {
        for hint in [AccountHint::Absent, AccountHint::Held] {
            assert_eq!(AccountHint::parse(hint.as_str()), Some(hint));
        }
        assert_eq!(AccountHint::parse("kiosk"), None);
        assert!(
            AccountHint::Held
                .cookie()
                .starts_with("hallpass_account=held;")
        );
        assert!(AccountHint::Absent.cookie().contains("Max-Age=0"));
    }

    #[test]
    fn the_hint_is_read_back_from_the_page_cookies() {
        assert_eq!(AccountHint::in_cookies(""), AccountHint::Absent);
        assert_eq!(
            AccountHint::in_cookies("theme=dark; hallpass_account=held"),
            AccountHint::Held
        );
        assert_eq!(
            AccountHint::in_cookies("hallpass_account=held"),
            AccountHint::Held
        );
        // Another cookie whose name only begins the same.
        assert_eq!(
            AccountHint::in_cookies("hallpass_account_old=held"),
            AccountHint::Absent
        );
    }
}
