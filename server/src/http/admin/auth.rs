//! Who is asking, on the organizer side: an organizer's bearer token (for
//! scripts) or their cookie session (for the pages). [`Organizer`] is the
//! extractor every organizer route takes, so a handler cannot forget the
//! check; [`OrganizerPage`] is the same for pages, sending people without
//! a session to the sign-in form.
//!
//! The cookie is HttpOnly and SameSite=Strict, Secure when the request came
//! over TLS; the server keeps only its SHA-256, and a session ends after
//! [`IDLE_LIMIT`] without a request or at sign-out. A state-changing
//! request authenticated by the cookie must come from our own origin.

use app::protocol::ErrorCode;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Extension;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use time::OffsetDateTime;

use super::super::AppState;
use super::super::auth as device_auth;
use super::super::error::{ApiError, Result};
use crate::organizers::{self, OrganizerError};
use crate::store::WriteError;
use crate::store::devices::{self, DeviceScope};
use crate::store::organizers::{self as accounts, Account};
use crate::sync::push::rfc3339;

/// The session cookie's name.
pub const COOKIE: &str = "hallpass_admin";
/// A session with no request for this long is over.
pub const IDLE_LIMIT: Duration = Duration::from_secs(12 * 60 * 60);
/// `last_active` is written at most this often per session.
const TOUCH_EVERY: i64 = 60;

/// An organizer, and how they proved it.
#[derive(Debug, Clone)]
pub struct Organizer {
    pub account: Account,
    pub via: Via,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    Token,
    /// The cookie session, by its hash.
    Cookie(Vec<u8>),
}

fn idle_since(now: OffsetDateTime) -> i64 {
    now.unix_timestamp() - IDLE_LIMIT.as_secs() as i64
}

/// Whether a request came over TLS, directly or through a reverse proxy
/// that says so. Only ever used to make the cookie stricter.
pub fn over_tls(headers: &HeaderMap) -> bool {
    let forwarded_https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let forwarded = headers
        .get(header::FORWARDED)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("proto=https"));
    forwarded_https || forwarded
}

/// A cross-site request: its `Origin` (or, where the browser sends none
/// or `null`, its `Sec-Fetch-Site`) says it came from a page of another
/// site. Our pages' `Referrer-Policy: no-referrer` makes browsers send
/// `Origin: null` with a form's POST, so `null` defers to
/// `Sec-Fetch-Site`, and counts as foreign without it.
pub fn cross_site(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin = headers
        .get(header::ORIGIN)
        .map(|o| o.to_str().unwrap_or("null"));
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    match (origin, fetch_site) {
        (Some(origin), _) if origin != "null" => {
            let origin_host = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            origin_host != Some(host) || host.is_empty()
        }
        (_, Some(site)) => site != "same-origin" && site != "none",
        (Some(_null), None) => true,
        // No Origin at all: a script or an old browser, not a page elsewhere.
        (None, None) => false,
    }
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Why a request is not an organizer's.
enum Refusal {
    /// No token and no live session.
    NoCredentials,
    Api(ApiError),
}

async fn authenticate(parts: &Parts, state: &AppState) -> std::result::Result<Organizer, Refusal> {
    if parts.headers.contains_key(header::AUTHORIZATION) {
        let device = device_auth::device(state, &parts.headers)
            .await
            .map_err(Refusal::Api)?
            .ok_or(Refusal::NoCredentials)?;
        let DeviceScope::Organizer { organizer_id } = device.scope else {
            return Err(Refusal::Api(ApiError::forbidden(
                ErrorCode::Forbidden,
                format!("A {} cannot use the organizer API.", device.scope.label()),
            )));
        };
        let account = state
            .store
            .read(move |conn| Ok(accounts::by_id(conn, organizer_id)?))
            .await
            .map_err(|e| Refusal::Api(e.into()))?
            .ok_or(Refusal::Api(ApiError::unauthorized(
                ErrorCode::Revoked,
                "This organizer no longer has an account.",
            )))?;
        return Ok(Organizer {
            account,
            via: Via::Token,
        });
    }
    let jar = CookieJar::from_headers(&parts.headers);
    let Some(cookie) = jar.get(COOKIE) else {
        return Err(Refusal::NoCredentials);
    };
    let hash = devices::hash_token(cookie.value());
    let now = OffsetDateTime::now_utc();
    let found = {
        let hash = hash.clone();
        state
            .store
            .read(move |conn| Ok(accounts::session(conn, &hash, idle_since(now))?))
            .await
            .map_err(|e| Refusal::Api(e.into()))?
    };
    let Some((account, last_active)) = found else {
        return Err(Refusal::NoCredentials);
    };
    if changes_state(&parts.method) && cross_site(&parts.headers) {
        return Err(Refusal::Api(ApiError::forbidden(
            ErrorCode::CrossSite,
            "This request came from another site. Use the organizer pages of this server.",
        )));
    }
    if now.unix_timestamp() - last_active >= TOUCH_EVERY {
        let (store, hash) = (state.store.clone(), hash.clone());
        let at = now.unix_timestamp();
        // Keeping the session alive is not part of the answer.
        tokio::spawn(async move {
            let touched = store
                .write(move |conn| Ok(accounts::touch_session(conn, &hash, at)?))
                .await;
            if let Err(e) = touched {
                tracing::warn!(error = %e, "could not note an organizer session's activity");
            }
        });
    }
    Ok(Organizer {
        account,
        via: Via::Cookie(hash),
    })
}

impl FromRequestParts<AppState> for Organizer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        authenticate(parts, state).await.map_err(|r| match r {
            Refusal::NoCredentials => ApiError::unauthorized(
                ErrorCode::MissingCredentials,
                "Sign in as an organizer: send “Authorization: Bearer <token>” from POST /api/v1/auth/organizer, or use the pages at /admin.",
            ),
            Refusal::Api(e) => e,
        })
    }
}

/// An organizer on a page: without a session, the sign-in form (which
/// then brings them back here).
pub struct OrganizerPage(pub Organizer);

impl FromRequestParts<AppState> for OrganizerPage {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> std::result::Result<Self, Response> {
        match authenticate(parts, state).await {
            Ok(o) => Ok(OrganizerPage(o)),
            Err(Refusal::NoCredentials) => {
                let here = parts.uri.path_and_query().map_or("/admin", |p| p.as_str());
                let next: String = super::view::url_encode(here);
                Err(Redirect::to(&format!("/admin/signin?next={next}")).into_response())
            }
            Err(Refusal::Api(e)) => Err(e.into_response()),
        }
    }
}

/// Where to go after signing in: only back into the console, never to
/// another site (`//evil.example`) through an open redirect.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if (n == "/admin" || n.starts_with("/admin/") || n.starts_with("/admin?"))
                && !n.contains("//")
                && !n.contains('\\') =>
        {
            n.to_owned()
        }
        _ => "/admin".to_owned(),
    }
}

/// What a sign-in attempt came to.
pub enum SignIn {
    Ok(Account),
    Wrong,
}

/// Checks an email and password; failures back off per (email, address),
/// then per email, then per address (`http::limits`).
pub async fn check_credentials(
    state: &AppState,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    email: &str,
    password: &str,
) -> Result<SignIn> {
    let key = format!("organizer:{}", email.trim().to_lowercase());
    let address = connect.map(|Extension(ConnectInfo(a))| a.ip());
    state.sign_in_limits.check(&key, address)?;
    match organizers::check_password(&state.store, email, password).await {
        Ok(Some(account)) => {
            state.sign_in_limits.succeeded(&key, address);
            Ok(SignIn::Ok(account))
        }
        Ok(None) => {
            state.sign_in_limits.failed(&key, address);
            tracing::info!("organizer sign-in refused");
            Ok(SignIn::Wrong)
        }
        Err(OrganizerError::Store(e)) => Err(e.into()),
        Err(e) => Err(ApiError::Internal(Box::new(e))),
    }
}

/// Starts a cookie session for `account`; the cookie to set.
pub async fn start_session(
    state: &AppState,
    account: &Account,
    tls: bool,
) -> Result<Cookie<'static>> {
    let secret = devices::new_token();
    let hash = devices::hash_token(&secret);
    let now = OffsetDateTime::now_utc();
    let id = account.id;
    state
        .store
        .write(move |conn| {
            accounts::create_session(conn, &hash, id, &rfc3339(now), now.unix_timestamp())
                .map_err(WriteError::from)
        })
        .await?;
    Ok(session_cookie(secret, tls))
}

fn session_cookie(value: String, tls: bool) -> Cookie<'static> {
    Cookie::build((COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(tls)
        .build()
}

/// Ends the session on the server; the cookie that clears it in the browser.
pub async fn end_session(state: &AppState, organizer: &Organizer) -> Result<Cookie<'static>> {
    if let Via::Cookie(hash) = &organizer.via {
        let hash = hash.clone();
        let now = OffsetDateTime::now_utc();
        state
            .store
            .write(move |conn| {
                accounts::end_session(conn, &hash, idle_since(now)).map_err(WriteError::from)
            })
            .await?;
    }
    let mut gone = session_cookie(String::new(), false);
    gone.make_removal();
    Ok(gone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_only_returns_into_the_console() {
        assert_eq!(
            safe_next(Some("/admin/sessions?day=2027-03-26")),
            "/admin/sessions?day=2027-03-26"
        );
        for bad in [
            None,
            Some("https://evil.example"),
            Some("//evil.example"),
            Some("/admin//evil"),
            Some("/"),
            Some("/adminx"),
        ] {
            assert_eq!(safe_next(bad), "/admin", "{bad:?}");
        }
    }

    #[test]
    fn a_foreign_origin_is_cross_site_and_our_own_is_not() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:3000".parse().unwrap());
        h.insert(header::ORIGIN, "http://127.0.0.1:3000".parse().unwrap());
        assert!(!cross_site(&h));
        h.insert(header::ORIGIN, "http://evil.example".parse().unwrap());
        assert!(cross_site(&h));
        h.insert(header::ORIGIN, "null".parse().unwrap());
        assert!(cross_site(&h));
        h.insert("sec-fetch-site", "same-origin".parse().unwrap());
        assert!(!cross_site(&h), "a form of ours under no-referrer");
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(cross_site(&h));
        h.remove("sec-fetch-site");
        h.remove(header::ORIGIN);
        assert!(
            !cross_site(&h),
            "no Origin and no Sec-Fetch-Site: a script or an old browser"
        );
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(cross_site(&h));
    }
}
