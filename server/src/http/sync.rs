//! `POST /api/v1/sync/push` and `GET /api/v1/sync/pull`
//! (docs/PROTOCOL.md). A pull without a token answers the public scope: the
//! program and its seat counts.

use app::domain::{DeviceId, Seq};
use app::protocol::ErrorCode;
use app::protocol::{
    DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, MAX_PUSH_MUTATIONS, PROTOCOL_VERSION, PullResponse,
    PushRequest, PushResponse, RECENT_RESULTS,
};
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use serde::Deserialize;

use super::AppState;
use super::auth;
use super::error::{ApiError, Result};
use crate::store::changes::{self, Scope};
use crate::store::devices::{self, DeviceScope};
use crate::store::{StoreError, WriteError};
use crate::sync::cursor::Cursor;
use crate::sync::push::{self, Applied};

#[derive(Debug, Deserialize)]
pub struct PullQuery {
    cursor: Option<String>,
    limit: Option<String>,
    /// The device's outbox size, for the organizers' device-health view.
    pending: Option<String>,
}

pub async fn push(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: std::result::Result<Json<PushRequest>, JsonRejection>,
) -> Result<Json<PushResponse>> {
    let device = auth::require_device(&state, &headers).await?;
    if matches!(device.scope, DeviceScope::Organizer { .. }) {
        return Err(ApiError::forbidden(
            ErrorCode::Forbidden,
            "Organizers change things through the organizer API, not by pushing mutations.",
        ));
    }
    let Json(request) = body.map_err(ApiError::from_json)?;
    if request.protocol != PROTOCOL_VERSION {
        return Err(ApiError::bad_request(
            ErrorCode::UnsupportedProtocol,
            format!(
                "This server speaks protocol {PROTOCOL_VERSION}, not {}. Update the app.",
                request.protocol
            ),
        ));
    }
    let device_id = DeviceId::parse(&request.device_id)
        .map_err(|e| ApiError::invalid(ErrorCode::BadDeviceId, e.to_string()))?;
    if device_id.as_str() != device.id {
        return Err(ApiError::forbidden(
            ErrorCode::WrongDevice,
            "This token belongs to another device id.",
        ));
    }
    if request.mutations.len() > MAX_PUSH_MUTATIONS {
        return Err(ApiError::too_large(
            ErrorCode::TooManyMutations,
            format!(
                "A push carries at most {MAX_PUSH_MUTATIONS} mutations, not {}. Send them in batches.",
                request.mutations.len()
            ),
        ));
    }
    check_seqs(&request)?;
    let pending = request.pending;
    let now = time::OffsetDateTime::now_utc();
    let mutations = push::check(&device, &request.mutations, now);
    let applied = state
        .store
        .write(move |conn| push::apply(conn, &device, &mutations, pending, now))
        .await;
    match applied {
        Ok(Applied::Done(response)) => Ok(Json(response)),
        Ok(Applied::Gap { expected }) => Err(ApiError::SeqGap { expected }),
        Err(e) => Err(e.into()),
    }
}

/// Seqs must be whole numbers from 1, each one more than the one before.
fn check_seqs(request: &PushRequest) -> Result<()> {
    let mut previous: Option<Seq> = None;
    for m in &request.mutations {
        let seq = Seq::parse(i128::from(m.seq))
            .map_err(|e| ApiError::invalid(ErrorCode::BadSeq, e.to_string()))?;
        if let Some(p) = previous
            && seq != p.next()
        {
            return Err(ApiError::invalid(
                ErrorCode::BadSeq,
                format!(
                    "Seqs in a push must be consecutive: {} came after {}.",
                    seq.get(),
                    p.get()
                ),
            ));
        }
        previous = Some(seq);
    }
    Ok(())
}

fn parse_limit(limit: Option<&str>) -> Result<u32> {
    match limit.map(str::trim) {
        None | Some("") => Ok(DEFAULT_PULL_LIMIT),
        Some(text) => match text.parse::<u32>() {
            Ok(n) if (1..=MAX_PULL_LIMIT).contains(&n) => Ok(n),
            _ => Err(ApiError::bad_request(
                ErrorCode::BadLimit,
                format!("limit must be a whole number from 1 to {MAX_PULL_LIMIT}, not “{text}”"),
            )),
        },
    }
}

pub async fn pull(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: std::result::Result<Query<PullQuery>, QueryRejection>,
) -> Result<Json<PullResponse>> {
    let Query(query) =
        query.map_err(|e| ApiError::bad_request(ErrorCode::BadQuery, e.body_text()))?;
    let device = auth::device(&state, &headers).await?;
    let pending = query
        .pending
        .as_deref()
        .and_then(|p| p.trim().parse::<u32>().ok());
    let limit = parse_limit(query.limit.as_deref())?;
    let asked = match query.cursor.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(Cursor::parse(text).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::BadCursor,
                "The cursor is not one this server gave out. Pull without a cursor.",
            )
        })?),
    };
    let scope = match &device {
        None => Scope::Public,
        Some(d) => match d.scope {
            DeviceScope::Attendee { attendee_id } => Scope::Attendee { attendee_id },
            // The program, the roster without emails, registrations and
            // check-ins; mentoring reaches organizers as the reports of
            // the organizer API, never with a note.
            DeviceScope::Kiosk | DeviceScope::Organizer { .. } => Scope::Kiosk,
        },
    };
    let device_id = device.as_ref().map(|d| d.id.clone());
    let response = state
        .store
        .read(move |conn| {
            let (epoch, version) = crate::store::epoch_and_version(conn)?;
            // A cursor from another epoch (database replaced) or from the
            // future of this one cannot be continued: start over.
            let (after, reset) = match asked {
                None => (0, false),
                Some(c) if c.epoch == epoch && c.version <= version => (c.version, false),
                Some(_) => (0, true),
            };
            let page = changes::since(conn, scope, after, limit)?;
            let (last_seq, results) = match &device_id {
                None => (0, Vec::new()),
                Some(id) => {
                    let last = devices::last_seq(conn, id)?;
                    let from = last.saturating_sub(RECENT_RESULTS - 1).max(1);
                    (last, devices::results(conn, id, from, last)?)
                }
            };
            let last = page.changes.last().map_or(after, |(v, _)| *v);
            Ok(PullResponse {
                cursor: Cursor {
                    epoch: epoch.clone(),
                    version: last,
                }
                .encode(),
                epoch,
                more: page.more,
                reset,
                last_seq,
                changes: page
                    .changes
                    .into_iter()
                    .map(|(_, c)| c)
                    .chain(page.refreshed)
                    .collect(),
                results,
            })
        })
        .await?;
    if let Some(device) = device {
        note_seen(&state, device.id, pending);
    }
    Ok(Json(response))
}

/// Records that the device was heard from, without holding up its pull:
/// device health is a report, not part of the answer.
fn note_seen(state: &AppState, device_id: String, pending: Option<u32>) {
    let store = state.store.clone();
    tokio::spawn(async move {
        let now = crate::sync::push::rfc3339(time::OffsetDateTime::now_utc());
        let done = store
            .write(move |conn| {
                devices::record_seen(conn, &device_id, pending, &now)
                    .map_err(|e| WriteError::Store(StoreError::from(e)))
            })
            .await;
        if let Err(e) = done {
            tracing::warn!(error = %e, "could not record a device's pull");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_outside_the_range_are_refused() {
        assert_eq!(parse_limit(None).unwrap(), DEFAULT_PULL_LIMIT);
        assert_eq!(parse_limit(Some("250")).unwrap(), 250);
        for bad in ["0", "-1", "ten", "5001", "1e3"] {
            assert!(parse_limit(Some(bad)).is_err(), "{bad}");
        }
    }
}
