//! Signing devices in and out, and recognising them by their token.
//! How often a sign-in may fail is `limits`.

use app::protocol::ErrorCode;
use std::net::SocketAddr;

use app::domain::signin::SigninCode;
use app::protocol::{
    KioskData, KioskPairRequest, KioskPairResponse, PROTOCOL_VERSION, SignInRequest, SignInResponse,
};
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::header::{AUTHORIZATION, USER_AGENT};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

use super::AppState;
use super::error::{ApiError, Result};
use crate::kiosks;
use crate::store::devices::{self, Device, DeviceScope, NewDevice, Pairing, TokenCheck};
use crate::store::{WriteError, signin};
use crate::sync::push::rfc3339;

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

/// `POST /api/v1/auth/attendee {signin_code}`: the code from the
/// attendee's sign-in card, email or link. The badge code signs nobody in.
pub async fn sign_in_attendee(
    State(state): State<AppState>,
    headers: HeaderMap,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    body: std::result::Result<Json<SignInRequest>, JsonRejection>,
) -> Result<Response> {
    let Json(request) = body.map_err(ApiError::from_json)?;
    let code = SigninCode::parse(&request.signin_code)
        .map_err(|e| ApiError::invalid(ErrorCode::BadSigninCode, e.to_string()))?;
    let address = connect.map(|Extension(ConnectInfo(a))| a.ip());
    let limit_key = format!("signin:{}", code.as_str());
    state.sign_in_limits.check(&limit_key, address)?;

    let (found, epoch) = {
        let code = code.clone();
        state
            .store
            .read(move |conn| {
                Ok((
                    signin::owner(conn, &code)?,
                    crate::store::epoch_and_version(conn)?.0,
                ))
            })
            .await?
    };
    let Some(mut attendee) = found else {
        state.sign_in_limits.failed(&limit_key, address);
        return Err(ApiError::unauthorized(
            ErrorCode::BadCredentials,
            "This sign-in code does not work. Check it against your sign-in card or email; \
             if it was reissued, use the newest one.",
        ));
    };
    state.sign_in_limits.succeeded(&limit_key, address);
    let attendee_id: i64 = attendee
        .id
        .parse()
        .map_err(|e| ApiError::Internal(format!("attendee id {:?}: {e}", attendee.id).into()))?;
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
            epoch,
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
            ErrorCode::BadPairingCode,
            "A pairing code is eight letters and digits, like ABCD-EFGH.",
        )
    })?;
    let address = connect.map(|Extension(ConnectInfo(a))| a.ip());
    let limit_key = format!("pair:{code}");
    state.sign_in_limits.check(&limit_key, address)?;
    let outcome = kiosks::pair(&state.store, code).await?;
    match &outcome {
        Ok(_) => state.sign_in_limits.succeeded(&limit_key, address),
        Err(_) => state.sign_in_limits.failed(&limit_key, address),
    }
    match outcome {
        Ok(paired) => {
            tracing::info!(device_id = %paired.device_id, "kiosk paired");
            let epoch = state
                .store
                .read(|conn| Ok(crate::store::epoch_and_version(conn)?.0))
                .await?;
            Ok((
                StatusCode::CREATED,
                Json(KioskPairResponse {
                    token: paired.token,
                    device_id: paired.device_id,
                    kiosk: KioskData { name: paired.name },
                    epoch,
                }),
            )
                .into_response())
        }
        Err(Pairing::Expired) => Err(ApiError::unauthorized(
            ErrorCode::PairingCodeExpired,
            "This pairing code has expired. Ask an organizer for a new one.",
        )),
        Err(Pairing::AlreadyUsed) => Err(ApiError::unauthorized(
            ErrorCode::PairingCodeUsed,
            "This pairing code was already used. Each code pairs one kiosk; ask an organizer for a new one.",
        )),
        Err(Pairing::Unknown | Pairing::Redeemed(_)) => Err(ApiError::unauthorized(
            ErrorCode::BadPairingCode,
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
        // The scheme is case-insensitive (RFC 9110 §11.1): "bearer" too.
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token)
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 128)
        .ok_or_else(|| {
            ApiError::unauthorized(
                ErrorCode::InvalidToken,
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
            ErrorCode::Revoked,
            "This device's access was revoked or it was signed out. Sign in again, or ask an organizer.",
        )),
        TokenCheck::Unknown => Err(ApiError::unauthorized(
            ErrorCode::InvalidToken,
            "This token is not known to the server. Sign in again.",
        )),
    }
}

/// Like [`device`], but a token is required.
pub async fn require_device(state: &AppState, headers: &HeaderMap) -> Result<Device> {
    device(state, headers).await?.ok_or_else(|| {
        ApiError::unauthorized(
            ErrorCode::MissingToken,
            "Sign in first: this request needs “Authorization: Bearer <token>”.",
        )
    })
}
