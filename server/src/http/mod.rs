//! The HTTP face of Hallpass: the sync API, the service worker, static
//! files and the server-rendered pages, with the headers every response gets.

pub mod admin;
pub mod auth;
pub mod error;
pub mod limits;
pub mod pages;
pub mod pwa;
pub mod sync;

use app::protocol::ErrorCode;
use std::sync::Arc;
use std::time::Duration;

use app::{App, shell};
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef, Request, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leptos::config::LeptosOptions;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::store::Store;
use pwa::BuildAssets;

/// The largest request body anywhere (a push is at most 1 MiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub leptos: LeptosOptions,
    pub assets: Arc<BuildAssets>,
    pub service_worker: Arc<String>,
    pub sign_in_limits: Arc<limits::SignInLimits>,
    pub known_devices: Arc<auth::KnownDevices>,
    /// Where phones reach the server, for sign-in links; `None`: taken
    /// from each request's `Host`.
    pub public_url: Option<crate::signin::PublicUrl>,
    /// Sends sign-in links by email; `None` without SMTP settings.
    pub mailer: Option<Arc<crate::mail::Mailer>>,
    /// The longest a request may take ([`TIME_LIMIT`]).
    pub time_limit: Duration,
}

impl AppState {
    pub fn new(store: Store, leptos: LeptosOptions) -> Self {
        let assets = BuildAssets::discover(&leptos);
        let service_worker = Arc::new(assets.service_worker());
        AppState {
            store,
            leptos,
            assets: Arc::new(assets),
            service_worker,
            sign_in_limits: Arc::new(limits::SignInLimits::default()),
            known_devices: Arc::new(auth::KnownDevices::default()),
            public_url: None,
            mailer: None,
            time_limit: TIME_LIMIT,
        }
    }

    pub fn with_time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = limit;
        self
    }

    pub fn with_mailer(mut self, mailer: crate::mail::Mailer) -> Self {
        self.mailer = Some(Arc::new(mailer));
        self
    }

    pub fn with_public_url(mut self, url: crate::signin::PublicUrl) -> Self {
        self.public_url = Some(url);
        self
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// The whole application; `main` serves it and the tests drive it.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let pkg_dir = std::path::Path::new(state.leptos.site_root.as_ref())
        .join(state.leptos.site_pkg_dir.as_ref());
    let api = Router::new()
        .route("/v1/sync/pull", get(sync::pull))
        .route("/v1/sync/push", post(sync::push))
        .route("/v1/auth/attendee", post(auth::sign_in_attendee))
        .route("/v1/auth/signout", post(auth::sign_out))
        .route("/v1/auth/kiosk", post(auth::pair_kiosk))
        .merge(admin::api_routes())
        .fallback(api_not_found)
        .method_not_allowed_fallback(api_wrong_method)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));

    Router::new()
        .nest("/api", api)
        .route("/healthz", get(healthz))
        .route("/sw.js", get(service_worker))
        .merge(admin::page_routes())
        .nest_service(
            "/pkg",
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .merge(
            Router::new()
                .leptos_routes_with_context(&state, routes, pages::provide_page_data, {
                    let options = state.leptos.clone();
                    move || shell(options.clone())
                })
                .route_layer(middleware::from_fn_with_state(
                    state.clone(),
                    pages::with_page_data,
                )),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // Inside the layers below, so that its 503 gets their headers too.
        .layer(middleware::from_fn_with_state(state.clone(), time_limit))
        .layer(middleware::from_fn_with_state(state.clone(), cache_policy))
        // Pages set their own Content-Security-Policy (it holds the nonce of
        // the hydration script); everything else gets the strictest one.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(self), microphone=(), geolocation=()"),
        ))
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(5)))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// No request takes longer than this; the client is told to retry.
pub const TIME_LIMIT: Duration = Duration::from_secs(30);

/// Answers 503 in our error shape when a request runs out of time.
async fn time_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(state.time_limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!("request timed out");
            error::error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Timeout,
                "The server is too busy to answer in time. Try again shortly.",
            )
        }
    }
}

async fn api_wrong_method(
    method: axum::http::Method,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
) -> Response {
    error::error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        format!("{} does not accept {method}.", uri.path()),
    )
}

async fn api_not_found(axum::extract::OriginalUri(uri): axum::extract::OriginalUri) -> Response {
    error::error_response(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        format!("There is no API at {}.", uri.path()),
    )
}

/// Health as a load balancer or a monitor asks for it: reads work, and the
/// writer commits (an empty transaction through the same queue as every
/// push). A writer that cannot commit makes this 503, not "ok".
async fn healthz(State(state): State<AppState>) -> error::Result<Response> {
    let (epoch, version) = state
        .store
        .read(|conn| Ok(crate::store::epoch_and_version(conn)?))
        .await?;
    let probe = tokio::time::timeout(Duration::from_secs(5), state.store.write(|_| Ok(()))).await;
    // The cause goes to the log, not to whoever asks.
    let (status, writer) = match probe {
        Ok(Ok(())) => (StatusCode::OK, "ok"),
        Ok(Err(crate::store::WriteError::Overloaded)) => (StatusCode::OK, "busy"),
        Ok(Err(e)) => {
            tracing::error!(cause = %crate::report::chain(&e), "health: the writer cannot commit");
            (StatusCode::SERVICE_UNAVAILABLE, "failing")
        }
        Err(_) => {
            tracing::error!("health: the writer committed nothing within 5 s");
            (StatusCode::SERVICE_UNAVAILABLE, "failing")
        }
    };
    let overall = if status == StatusCode::OK {
        "ok"
    } else {
        "failing"
    };
    Ok((
        status,
        axum::Json(serde_json::json!({
            "status": overall, "writer": writer, "epoch": epoch, "version": version,
            "build": state.assets.id,
        })),
    )
        .into_response())
}

async fn service_worker(State(state): State<AppState>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // Browsers must always ask for the newest worker.
            (header::CACHE_CONTROL, "no-cache"),
            // A worker runs under its own script's policy: it must be allowed
            // to fetch and cache this site's files.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; frame-ancestors 'none'",
            ),
        ],
        state.service_worker.as_str().to_owned(),
    )
        .into_response()
}

/// Cache headers by what the response is: hashed bundle files never change
/// under their name; everything else is revalidated so a new build shows at once.
async fn cache_policy(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if response.headers().contains_key(header::CACHE_CONTROL) {
        return response;
    }
    let immutable = state.leptos.hash_files && state.assets.bundle.contains(&path);
    let value = if path.starts_with("/api/") {
        // Answers made outside the API's own router (a 503 of the time
        // limit, say) are never cached either.
        "no-store"
    } else if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    // The bundle is sent brotli- or gzip-compressed or not, by what the
    // browser accepts: a shared cache must keep them apart.
    if path.starts_with("/pkg/") && !headers.contains_key(header::VARY) {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}
