//! The organizers' console: pages under `/admin`, served and rendered by
//! the server (no wasm, no offline copy), and the organizer API under
//! `/api/v1/admin` (docs/ADMIN.md). Both read the same `store::reports`.

pub mod api;
pub mod attendees;
pub mod auth;
pub mod chart;
pub mod export;
pub mod pages;
pub mod signin;
pub mod view;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};

use super::AppState;

/// An import may be far larger than a push: a roster of a hundred thousand
/// people is about 10 MB.
pub const IMPORT_MAX_BYTES: usize = 64 * 1024 * 1024;

/// The organizer API, nested under `/api`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/v1/auth/organizer", post(signin::token))
        .route("/v1/admin/attendance", get(api::attendance))
        .route("/v1/admin/mentoring", get(api::mentoring))
        .route("/v1/admin/devices", get(api::devices))
        .route("/v1/admin/devices/{device_id}/revoke", post(api::revoke))
        .route("/v1/admin/kiosks", post(api::kiosk))
        .route(
            "/v1/admin/import/{kind}",
            post(api::import_file).layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES)),
        )
        .route("/v1/admin/export/{file}", get(export::download))
        .route(
            "/v1/admin/attendees/{badge_code}/signin",
            get(attendees::api_link),
        )
        .route(
            "/v1/admin/attendees/{badge_code}/reissue",
            post(attendees::api_reissue),
        )
        .route(
            "/v1/admin/attendees/{badge_code}/email",
            post(attendees::api_email),
        )
        .route(
            "/v1/admin/signin-emails",
            get(attendees::api_email_progress).post(attendees::api_email_all),
        )
}

/// The pages, at the site's root.
pub fn page_routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(pages::overview))
        .route("/admin/signin", get(signin::show).post(signin::submit))
        .route("/admin/signout", post(signin::sign_out))
        .route("/admin/sessions", get(pages::sessions))
        .route("/admin/sessions/{id}", get(pages::session))
        .route("/admin/checkins", get(pages::checkins))
        .route("/admin/mentoring", get(pages::mentoring))
        .route("/admin/devices", get(pages::devices))
        .route("/admin/devices/{device_id}/revoke", post(pages::revoke))
        .route("/admin/kiosks", post(pages::pair_kiosk))
        .route("/admin/attendees", get(attendees::roster))
        .route("/admin/attendees/email", post(attendees::email_all))
        .route("/admin/attendees/{badge_code}", get(attendees::person))
        .route(
            "/admin/attendees/{badge_code}/reissue",
            post(attendees::reissue),
        )
        .route(
            "/admin/attendees/{badge_code}/email",
            post(attendees::email_one),
        )
        .route("/admin/cards", get(attendees::cards))
        .route(
            "/admin/import",
            get(pages::import_form)
                .post(pages::import_upload)
                .layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES)),
        )
        .route("/admin/charts/checkins.svg", get(chart::checkins))
        .route(
            "/admin/charts/sessions/{id}/arrivals.svg",
            get(chart::arrivals),
        )
        .route("/admin/assets/admin.css", get(stylesheet))
        .route("/admin/assets/live.js", get(live_script))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        include_str!("admin.css"),
    )
}

async fn live_script() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        include_str!("live.js"),
    )
}
