//! `GET /api/v1/sync/pull` (docs/PROTOCOL.md). Without a token it answers
//! the public scope: the program and its seat counts.

use app::protocol::{DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, PullResponse};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use serde::Deserialize;

use super::AppState;
use super::error::{ApiError, Result};
use crate::store::changes::{self, Scope};
use crate::sync::cursor::Cursor;

#[derive(Debug, Deserialize)]
pub struct PullQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

fn parse_limit(limit: Option<&str>) -> Result<u32> {
    match limit.map(str::trim) {
        None | Some("") => Ok(DEFAULT_PULL_LIMIT),
        Some(text) => match text.parse::<u32>() {
            Ok(n) if (1..=MAX_PULL_LIMIT).contains(&n) => Ok(n),
            _ => Err(ApiError::bad_request(
                "bad_limit",
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
    let Query(query) = query.map_err(|e| ApiError::bad_request("bad_query", e.body_text()))?;
    if headers.contains_key(AUTHORIZATION) {
        // Device tokens arrive with sign-in; until then any token is unknown.
        return Err(ApiError::unauthorized(
            "invalid_token",
            "This token is not known to the server. Sign in again.",
        ));
    }
    let limit = parse_limit(query.limit.as_deref())?;
    let asked = match query.cursor.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(Cursor::parse(text).ok_or_else(|| {
            ApiError::bad_request(
                "bad_cursor",
                "The cursor is not one this server gave out. Pull without a cursor.",
            )
        })?),
    };
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
            let page = changes::since(conn, Scope::Public, after, limit)?;
            let last = page.changes.last().map_or(after, |(v, _)| *v);
            Ok(PullResponse {
                cursor: Cursor {
                    epoch,
                    version: last,
                }
                .encode(),
                more: page.more,
                reset,
                last_seq: 0,
                changes: page.changes.into_iter().map(|(_, c)| c).collect(),
                results: Vec::new(),
            })
        })
        .await?;
    Ok(Json(response))
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
