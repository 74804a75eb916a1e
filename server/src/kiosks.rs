//! Kiosks: an organizer makes a pairing code (`hallpass kiosk pair NAME`);
//! the kiosk enters it once, online, and gets its token
//! (`POST /api/v1/auth/kiosk`).

use std::time::Duration;

use app::domain::text;
use time::OffsetDateTime;

use crate::store::devices::{self, DeviceScope, NewDevice, Pairing};
use crate::store::{Store, WriteError};
use crate::sync::push::rfc3339;

/// How long a pairing code works unless the organizer says otherwise.
pub const DEFAULT_VALID: Duration = Duration::from_secs(60 * 60);

pub struct PairingCode {
    pub code: String,
    pub name: String,
    pub expires: OffsetDateTime,
}

#[derive(Debug, thiserror::Error)]
pub enum KioskError {
    #[error("kiosk name: {0}")]
    BadName(String),
    #[error("{0}")]
    Store(#[from] WriteError),
}

/// Makes a single-use pairing code for a kiosk called `name`.
pub async fn make_pairing_code(
    store: &Store,
    name: &str,
    valid: Duration,
) -> Result<PairingCode, KioskError> {
    let name = text::required("name", name, 60).map_err(|e| KioskError::BadName(e.to_string()))?;
    let now = OffsetDateTime::now_utc();
    let expires = now + valid;
    let code = devices::new_pairing_code();
    {
        let (code, name) = (code.clone(), name.clone());
        store
            .write(move |conn| {
                devices::create_pairing_code(
                    conn,
                    &code,
                    &name,
                    &rfc3339(now),
                    expires.unix_timestamp(),
                )?;
                Ok(())
            })
            .await?;
    }
    Ok(PairingCode {
        code,
        name,
        expires,
    })
}

/// A kiosk paired: its token (given once) and device id.
pub struct Paired {
    pub token: String,
    pub device_id: String,
    pub name: String,
}

/// Redeems a pairing code (already normalized) and creates the kiosk's
/// device, in one transaction: a code pairs exactly one kiosk.
pub async fn pair(store: &Store, code: String) -> Result<Result<Paired, Pairing>, WriteError> {
    let token = devices::new_token();
    let device_id = uuid::Uuid::new_v4().hyphenated().to_string();
    let now = OffsetDateTime::now_utc();
    let (t, d) = (token.clone(), device_id.clone());
    let outcome = store
        .write(move |conn| {
            let now_text = rfc3339(now);
            match devices::check_pairing_code(conn, &code, now.unix_timestamp())? {
                Pairing::Redeemed(name) => {
                    devices::create(
                        conn,
                        &NewDevice {
                            id: &d,
                            token: &t,
                            scope: DeviceScope::Kiosk,
                            name: Some(&name),
                            protocol: app::protocol::PROTOCOL_VERSION,
                            user_agent: None,
                            now: &now_text,
                        },
                    )?;
                    devices::mark_pairing_code_used(conn, &code, &d, &now_text)?;
                    Ok(Ok(name))
                }
                other => Ok(Err(other)),
            }
        })
        .await?;
    Ok(outcome.map(|name| Paired {
        token,
        device_id,
        name,
    }))
}
