//! The organizer API (spec §4b, docs/ADMIN.md). Every handler takes an
//! [`Organizer`]; every number comes from `store::reports`, the functions
//! the pages read too.

use app::protocol::ErrorCode;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::super::AppState;
use super::super::error::{ApiError, Result};
use super::auth::Organizer;
use crate::import::{self, ImportError, ImportKind, ImportSummary};
use crate::kiosks::{self, KioskError};
use crate::store::reports::{self, Attendance, DeviceRow, MentoringBy, MentoringRow};
use crate::store::{WriteError, devices};
use crate::sync::push::rfc3339;

#[derive(Debug, Deserialize)]
pub struct DayQuery {
    pub day: Option<String>,
}

/// `?day=YYYY-MM-DD`, checked.
pub fn parse_day_query(day: Option<&str>) -> Result<Option<time::Date>> {
    match day.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(text) => reports::parse_day(text).map(Some).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::BadDay,
                format!("day must be a date like 2027-03-26, not “{text}”"),
            )
        }),
    }
}

/// The attendance report for `day` (or the default day), as of now.
pub async fn attendance_report(state: &AppState, day: Option<time::Date>) -> Result<Attendance> {
    Ok(state
        .store
        .read(move |conn| Ok(reports::attendance(conn, day, OffsetDateTime::now_utc())?))
        .await?)
}

/// `GET /api/v1/admin/attendance[?day=YYYY-MM-DD]`.
pub async fn attendance(
    State(state): State<AppState>,
    _organizer: Organizer,
    query: std::result::Result<Query<DayQuery>, QueryRejection>,
) -> Result<Json<Attendance>> {
    let Query(query) =
        query.map_err(|e| ApiError::bad_request(ErrorCode::BadQuery, e.body_text()))?;
    let day = parse_day_query(query.day.as_deref())?;
    Ok(Json(attendance_report(&state, day).await?))
}

#[derive(Debug, Deserialize)]
pub struct ByQuery {
    pub by: Option<String>,
}

pub fn parse_by(by: Option<&str>) -> Result<MentoringBy> {
    match by.map(str::trim).filter(|b| !b.is_empty()) {
        None => Ok(MentoringBy::Pair),
        Some(text) => MentoringBy::parse(text).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::BadBy,
                format!("by must be pair, state, career_family or standard, not “{text}”"),
            )
        }),
    }
}

pub async fn mentoring_report(state: &AppState, by: MentoringBy) -> Result<Vec<MentoringRow>> {
    Ok(state
        .store
        .read(move |conn| Ok(reports::mentoring(conn, by)?))
        .await?)
}

#[derive(Debug, Serialize)]
pub struct Rows<T> {
    pub rows: Vec<T>,
}

/// `GET /api/v1/admin/mentoring?by=pair|state|career_family|standard`.
pub async fn mentoring(
    State(state): State<AppState>,
    _organizer: Organizer,
    query: std::result::Result<Query<ByQuery>, QueryRejection>,
) -> Result<Json<Rows<MentoringRow>>> {
    let Query(query) =
        query.map_err(|e| ApiError::bad_request(ErrorCode::BadQuery, e.body_text()))?;
    let by = parse_by(query.by.as_deref())?;
    Ok(Json(Rows {
        rows: mentoring_report(&state, by).await?,
    }))
}

#[derive(Debug, Serialize)]
pub struct Devices {
    pub devices: Vec<DeviceRow>,
}

pub async fn device_list(state: &AppState) -> Result<Vec<DeviceRow>> {
    Ok(state.store.read(|conn| Ok(reports::devices(conn)?)).await?)
}

/// `GET /api/v1/admin/devices`.
pub async fn devices(
    State(state): State<AppState>,
    _organizer: Organizer,
) -> Result<Json<Devices>> {
    Ok(Json(Devices {
        devices: device_list(&state).await?,
    }))
}

/// Revokes a device: its token answers 401 `revoked` from the next request.
pub async fn revoke_device(state: &AppState, device_id: String) -> Result<()> {
    state.known_devices.forget(&device_id);
    let now = rfc3339(OffsetDateTime::now_utc());
    let id = device_id.clone();
    let found = state
        .store
        .write(move |conn| devices::revoke(conn, &id, &now).map_err(WriteError::from))
        .await?;
    // Forget again: a request that read the token before the write may have
    // put it back in the cache meanwhile.
    state.known_devices.forget(&device_id);
    if !found {
        return Err(ApiError::Client {
            status: StatusCode::NOT_FOUND,
            code: ErrorCode::UnknownDevice,
            message: format!("There is no device {device_id}."),
        });
    }
    tracing::info!(%device_id, "device revoked by an organizer");
    Ok(())
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Revoked {
    pub device_id: String,
    pub revoked: bool,
}

/// `POST /api/v1/admin/devices/{device_id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    _organizer: Organizer,
    Path(device_id): Path<String>,
) -> Result<Json<Revoked>> {
    revoke_device(&state, device_id.clone()).await?;
    Ok(Json(Revoked {
        device_id,
        revoked: true,
    }))
}

#[derive(Debug, Deserialize)]
pub struct KioskRequest {
    pub name: String,
    /// How long the code works; 60 minutes unless said.
    pub minutes: Option<u64>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct KioskCode {
    pub name: String,
    pub pairing_code: String,
    pub expires_at: String,
}

pub async fn make_kiosk_code(
    state: &AppState,
    name: &str,
    minutes: Option<u64>,
) -> Result<KioskCode> {
    let minutes = minutes.unwrap_or(kiosks::DEFAULT_VALID.as_secs() / 60);
    if !(1..=10_080).contains(&minutes) {
        return Err(ApiError::invalid(
            ErrorCode::BadMinutes,
            "A pairing code works from 1 minute to 7 days (10080 minutes).",
        ));
    }
    let code = kiosks::make_pairing_code(
        &state.store,
        name,
        std::time::Duration::from_secs(minutes * 60),
    )
    .await
    .map_err(|e| match e {
        KioskError::BadName(m) => ApiError::invalid(ErrorCode::BadName, format!("Kiosk {m}.")),
        KioskError::Store(e) => e.into(),
    })?;
    Ok(KioskCode {
        name: code.name,
        pairing_code: code.code,
        expires_at: rfc3339(code.expires),
    })
}

/// `POST /api/v1/admin/kiosks {name}` → 201 `{pairing_code, expires_at}`.
pub async fn kiosk(
    State(state): State<AppState>,
    _organizer: Organizer,
    body: std::result::Result<Json<KioskRequest>, JsonRejection>,
) -> Result<Response> {
    let Json(request) = body.map_err(ApiError::from_json)?;
    let code = make_kiosk_code(&state, &request.name, request.minutes).await?;
    Ok((StatusCode::CREATED, Json(code)).into_response())
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Imported {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl From<ImportSummary> for Imported {
    fn from(s: ImportSummary) -> Self {
        Imported {
            created: s.inserted,
            updated: s.updated,
            unchanged: s.unchanged,
        }
    }
}

/// An import that did not happen, in the API's shape: 422 `invalid_file`
/// with every bad row.
pub fn import_refused(e: ImportError) -> Response {
    if let ImportError::Store(e) = e {
        return ApiError::from(e).into_response();
    }
    let rows: Vec<_> = e
        .rows()
        .into_iter()
        .map(|r| serde_json::json!({"line": r.line, "reason": r.reason}))
        .collect();
    let message = match &e {
        ImportError::Rows(rows) => format!("{} bad row(s); nothing was imported.", rows.len()),
        other => format!("Nothing was imported: {other}."),
    };
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(serde_json::json!({"error": {"code": ErrorCode::InvalidFile, "message": message, "rows": rows}})),
    )
        .into_response()
}

/// `POST /api/v1/admin/import/{sessions|attendees}`, the CSV as the body.
pub async fn import_file(
    State(state): State<AppState>,
    _organizer: Organizer,
    Path(kind): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let kind = ImportKind::parse(&kind).ok_or_else(|| ApiError::Client {
        status: StatusCode::NOT_FOUND,
        code: ErrorCode::NotFound,
        message: format!("Import sessions or attendees, not “{kind}”."),
    })?;
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("text/csv"));
    if !csv {
        return Err(ApiError::Client {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: ErrorCode::NotCsv,
            message: "Send the file as the body with “Content-Type: text/csv”.".into(),
        });
    }
    Ok(
        match import::import(&state.store, kind, body.as_ref()).await {
            Ok(summary) => Json(Imported::from(summary)).into_response(),
            Err(e) => import_refused(e),
        },
    )
}
