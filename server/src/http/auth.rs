//! Signing devices in and out, and recognising them by their token.
//!
//! Sign-in is rate limited twice: first by what is being guessed (attempts
//! per badge code), then by a generous ceiling per address, because a venue
//! puts hundreds of phones behind one public address and a morning of real
//! sign-ins from it must pass.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use app::domain::BadgeCode;
use app::domain::text::search_key;
use app::protocol::{
    KioskData, KioskPairRequest, KioskPairResponse, PROTOCOL_VERSION, SignInRequest, SignInResponse,
};
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::header::{AUTHORIZATION, USER_AGENT};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::AppState;
use super::error::{ApiError, Result};
use crate::kiosks;
use crate::store::devices::{self, Device, DeviceScope, NewDevice, Pairing, TokenCheck};
use crate::store::{WriteError, attendees};
use crate::sync::push::rfc3339;

/// Sign-in attempts allowed per badge code: a burst of 10, then one every
/// 30 seconds. A person signs in on a phone or two; a guesser needs thousands.
const PER_BADGE_BURST: u32 = 10;
const PER_BADGE_PERIOD: Duration = Duration::from_secs(30);
/// Per address: a burst of 300, then 5 a second. A morning queue of a
/// thousand phones behind one venue address passes; a scan of the roster
/// from one machine does not.
const PER_ADDRESS_BURST: u32 = 300;
const PER_ADDRESS_PER_SECOND: u32 = 5;
/// Limiter memory is trimmed when it holds more keys than this.
const TRIM_AT: usize = 50_000;

pub struct SignInLimits {
    per_badge: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

impl Default for SignInLimits {
    fn default() -> Self {
        let badge_quota = Quota::with_period(PER_BADGE_PERIOD)
            .unwrap_or_else(|| Quota::per_minute(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(PER_BADGE_BURST).unwrap_or(NonZeroU32::MIN));
        let address_quota =
            Quota::per_second(NonZeroU32::new(PER_ADDRESS_PER_SECOND).unwrap_or(NonZeroU32::MIN))
                .allow_burst(NonZeroU32::new(PER_ADDRESS_BURST).unwrap_or(NonZeroU32::MIN));
        SignInLimits {
            per_badge: RateLimiter::keyed(badge_quota),
            per_address: RateLimiter::keyed(address_quota),
        }
    }
}

impl SignInLimits {
    /// Checks an attempt at `key` (what is being guessed: a badge code, a
    /// pairing code) from `address`.
    pub fn check(&self, key: &str, address: Option<IpAddr>) -> Result<()> {
        if self.per_badge.len() > TRIM_AT {
            self.per_badge.retain_recent();
        }
        if self.per_address.len() > TRIM_AT {
            self.per_address.retain_recent();
        }
        let now = DefaultClock::default().now();
        if let Err(wait) = self.per_badge.check_key(&key.to_owned()) {
            return Err(ApiError::rate_limited(
                wait.wait_time_from(now),
                "Too many attempts with this code. Check it, then try again shortly.",
            ));
        }
        if let Some(address) = address
            && let Err(wait) = self.per_address.check_key(&address)
        {
            return Err(ApiError::rate_limited(
                wait.wait_time_from(now),
                "Too many sign-ins from this network just now. Try again shortly.",
            ));
        }
        Ok(())
    }
}

/// Devices already recognised, by the SHA-256 of their token: a push then
/// costs no database read before it reaches the writer. Revoking through
/// this server forgets the device here at once.
#[derive(Default)]
pub struct KnownDevices {
    by_hash: std::sync::Mutex<std::collections::HashMap<Vec<u8>, Device>>,
}

/// Entries kept at most; beyond it the cache starts again (a conference has
/// a few thousand devices).
const KNOWN_DEVICES_MAX: usize = 200_000;

impl KnownDevices {
    fn get(&self, hash: &[u8]) -> Option<Device> {
        self.by_hash.lock().ok()?.get(hash).cloned()
    }

    fn insert(&self, hash: Vec<u8>, device: Device) {
        if let Ok(mut map) = self.by_hash.lock() {
            if map.len() >= KNOWN_DEVICES_MAX {
                map.clear();
            }
            map.insert(hash, device);
        }
    }

    pub fn forget(&self, device_id: &str) {
        if let Ok(mut map) = self.by_hash.lock() {
            map.retain(|_, d| d.id != device_id);
        }
    }
}

/// `POST /api/v1/auth/attendee {badge_code, last_name}`.
pub async fn sign_in_attendee(
    State(state): State<AppState>,
    headers: HeaderMap,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    body: std::result::Result<Json<SignInRequest>, JsonRejection>,
) -> Result<Response> {
    let Json(request) = body.map_err(ApiError::from_json)?;
    let badge = BadgeCode::parse(&request.badge_code)
        .map_err(|e| ApiError::invalid("bad_badge_code", e.to_string()))?;
    if request.last_name.trim().is_empty() {
        return Err(ApiError::invalid(
            "bad_last_name",
            "Enter your last name as it is printed on your badge.",
        ));
    }
    state.sign_in_limits.check(
        badge.as_str(),
        connect.map(|Extension(ConnectInfo(a))| a.ip()),
    )?;

    let found = {
        let badge = badge.clone();
        state
            .store
            .read(move |conn| Ok(attendees::by_badge(conn, &badge)?))
            .await?
    };
    // One answer for an unknown badge and a wrong name: no oracle for codes.
    let mut attendee = found
        .filter(|a| search_key(a.last_name.trim()) == search_key(request.last_name.trim()))
        .ok_or_else(|| {
            ApiError::unauthorized(
                "bad_credentials",
                "No attendee has that badge code and last name. Check both against your badge.",
            )
        })?;
    let attendee_id: i64 = attendee
        .id
        .parse()
        .map_err(|_| ApiError::Internal("attendee id is not a number".into()))?;
    attendee.badge_qr = crate::badge::qr_modules(&attendee.badge_code);
    let (token, device_id) =
        issue_device(&state, &headers, DeviceScope::Attendee { attendee_id }).await?;
    tracing::info!(%device_id, "attendee device signed in");
    Ok((
        StatusCode::CREATED,
        Json(SignInResponse {
            token,
            device_id,
            attendee,
        }),
    )
        .into_response())
}

/// A new device of `scope` for the browser or script behind `headers`:
/// its token (given once, kept as a hash) and its id.
pub async fn issue_device(
    state: &AppState,
    headers: &HeaderMap,
    scope: DeviceScope,
) -> Result<(String, String)> {
    let token = devices::new_token();
    let device_id = uuid::Uuid::new_v4().hyphenated().to_string();
    let user_agent = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (t, d) = (token.clone(), device_id.clone());
    state
        .store
        .write(move |conn| {
            devices::create(
                conn,
                &NewDevice {
                    id: &d,
                    token: &t,
                    scope,
                    name: None,
                    protocol: PROTOCOL_VERSION,
                    user_agent: user_agent.as_deref(),
                    now: &rfc3339(time::OffsetDateTime::now_utc()),
                },
            )
            .map_err(WriteError::from)
        })
        .await?;
    Ok((token, device_id))
}

/// `POST /api/v1/auth/kiosk {pairing_code}`: a kiosk pairs once with the
/// code an organizer made.
pub async fn pair_kiosk(
    State(state): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    body: std::result::Result<Json<KioskPairRequest>, JsonRejection>,
) -> Result<Response> {
    let Json(request) = body.map_err(ApiError::from_json)?;
    let code = devices::normalize_pairing_code(&request.pairing_code).ok_or_else(|| {
        ApiError::invalid(
            "bad_pairing_code",
            "A pairing code is eight letters and digits, like ABCD-EFGH.",
        )
    })?;
    state.sign_in_limits.check(
        &format!("pair:{code}"),
        connect.map(|Extension(ConnectInfo(a))| a.ip()),
    )?;
    match kiosks::pair(&state.store, code).await? {
        Ok(paired) => {
            tracing::info!(device_id = %paired.device_id, "kiosk paired");
            Ok((
                StatusCode::CREATED,
                Json(KioskPairResponse {
                    token: paired.token,
                    device_id: paired.device_id,
                    kiosk: KioskData { name: paired.name },
                }),
            )
                .into_response())
        }
        Err(Pairing::Expired) => Err(ApiError::unauthorized(
            "pairing_code_expired",
            "This pairing code has expired. Ask an organizer for a new one.",
        )),
        Err(Pairing::AlreadyUsed) => Err(ApiError::unauthorized(
            "pairing_code_used",
            "This pairing code was already used. Each code pairs one kiosk; ask an organizer for a new one.",
        )),
        Err(Pairing::Unknown | Pairing::Redeemed(_)) => Err(ApiError::unauthorized(
            "bad_pairing_code",
            "This pairing code is not known. Check it against the organizer's screen.",
        )),
    }
}

/// `POST /api/v1/auth/signout`: the token stops working at once.
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<StatusCode> {
    let device = require_device(&state, &headers).await?;
    state.known_devices.forget(&device.id);
    state
        .store
        .write(move |conn| {
            devices::revoke(conn, &device.id, &rfc3339(time::OffsetDateTime::now_utc()))
                .map_err(WriteError::from)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The device behind the request's token; `None` without an
/// `Authorization` header.
pub async fn device(state: &AppState, headers: &HeaderMap) -> Result<Option<Device>> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 128)
        .ok_or_else(|| {
            ApiError::unauthorized(
                "invalid_token",
                "The Authorization header must be “Bearer <token>”.",
            )
        })?
        .to_owned();
    let hash = devices::hash_token(&token);
    if let Some(device) = state.known_devices.get(&hash) {
        return Ok(Some(device));
    }
    let check = {
        let hash = hash.clone();
        state
            .store
            .read(move |conn| Ok(devices::check_token(conn, &hash)?))
            .await?
    };
    match check {
        TokenCheck::Valid(device) => {
            // Organizer tokens are checked in the database every time: the
            // CLI that removes an organizer runs in another process, and
            // its tokens must stop working at once.
            if !matches!(device.scope, DeviceScope::Organizer { .. }) {
                state.known_devices.insert(hash, device.clone());
            }
            Ok(Some(device))
        }
        TokenCheck::Revoked => Err(ApiError::unauthorized(
            "revoked",
            "This device's access was revoked or it was signed out. Sign in again, or ask an organizer.",
        )),
        TokenCheck::Unknown => Err(ApiError::unauthorized(
            "invalid_token",
            "This token is not known to the server. Sign in again.",
        )),
    }
}

/// Like [`device`], but a token is required.
pub async fn require_device(state: &AppState, headers: &HeaderMap) -> Result<Device> {
    device(state, headers).await?.ok_or_else(|| {
        ApiError::unauthorized(
            "missing_token",
            "Sign in first: this request needs “Authorization: Bearer <token>”.",
        )
    })
}
