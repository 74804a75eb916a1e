//! `/admin/signin` and `/admin/signout` (a form that works without script,
//! fields named for password managers), and `POST /api/v1/auth/organizer`
//! for scripts.

use app::protocol::ErrorCode;
use std::net::SocketAddr;

use axum::extract::rejection::{FormRejection, JsonRejection, QueryRejection};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form, Json};
use axum_extra::extract::cookie::CookieJar;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::super::AppState;
use super::super::error::{ApiError, Result};
use super::auth::{self, Organizer, SignIn};
use super::view::{Section, page};
use crate::store::devices::DeviceScope;

#[derive(Debug, Default, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn form(status: StatusCode, email: String, next: String, error: Option<String>) -> Response {
    page(
        status,
        "Sign in",
        Section::SignIn,
        None,
        view! {
            <section class="narrow">
                <h1>"Sign in"</h1>
                <p>"For the conference's organizers. Attendees sign in on the "<a href="/signin">"attendee page"</a>"."</p>
                {error.map(|e| view! { <p class="error" role="alert" id="signin-error">{e}</p> })}
                <form method="post" action="/admin/signin" class="stack">
                    <input type="hidden" name="next" value=next/>
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required value=email/>
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required/>
                    <button type="submit" class="primary">"Sign in"</button>
                </form>
            </section>
        },
    )
}

/// `GET /admin/signin`.
pub async fn show(query: std::result::Result<Query<NextQuery>, QueryRejection>) -> Response {
    let next = auth::safe_next(query.as_ref().ok().and_then(|q| q.next.as_deref()));
    form(StatusCode::OK, String::new(), next, None)
}

/// `POST /admin/signin`: a session cookie and back to where they were, or
/// the form again with what went wrong (the email kept).
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    jar: CookieJar,
    body: std::result::Result<Form<SignInForm>, FormRejection>,
) -> Response {
    let Form(f) = body.unwrap_or_default();
    let next = auth::safe_next(f.next.as_deref());
    if auth::cross_site(&headers) {
        return form(
            StatusCode::FORBIDDEN,
            f.email,
            next,
            Some("This sign-in came from another site. Sign in on this page.".into()),
        );
    }
    match auth::check_credentials(&state, connect, &f.email, &f.password).await {
        Ok(SignIn::Ok(account)) => {
            match auth::start_session(&state, &account, auth::over_tls(&headers)).await {
                Ok(cookie) => {
                    tracing::info!(organizer = account.id, "organizer signed in");
                    (jar.add(cookie), Redirect::to(&next)).into_response()
                }
                Err(e) => e.into_response(),
            }
        }
        Ok(SignIn::Wrong) => form(
            StatusCode::UNAUTHORIZED,
            f.email,
            next,
            Some("That email and password do not match an organizer account. Check both and try again.".into()),
        ),
        Err(ApiError::RateLimited { wait, message }) => {
            let mut response = form(
                StatusCode::TOO_MANY_REQUESTS,
                f.email,
                next,
                Some(format!("{message} (wait about {} seconds)", wait.as_secs().max(1))),
            );
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, wait.as_secs().max(1).into());
            response
        }
        Err(e) => e.into_response(),
    }
}

/// `POST /admin/signout`: the session ends on the server too.
pub async fn sign_out(
    State(state): State<AppState>,
    jar: CookieJar,
    organizer: Organizer,
) -> Result<Response> {
    let gone = auth::end_session(&state, &organizer).await?;
    Ok((jar.add(gone), Redirect::to("/admin/signin")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct TokenRequest {
    email: String,
    password: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TokenResponse {
    pub token: String,
    pub organizer: OrganizerData,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OrganizerData {
    pub email: String,
}

/// `POST /api/v1/auth/organizer {email, password}` → 201 `{token,
/// organizer}`: a bearer token of organizer scope, for scripts.
pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    body: std::result::Result<Json<TokenRequest>, JsonRejection>,
) -> Result<Response> {
    let Json(request) = body.map_err(ApiError::from_json)?;
    let SignIn::Ok(account) =
        auth::check_credentials(&state, connect, &request.email, &request.password).await?
    else {
        return Err(ApiError::unauthorized(
            ErrorCode::BadCredentials,
            "That email and password do not match an organizer account.",
        ));
    };
    let (token, device_id) = super::super::auth::issue_device(
        &state,
        &headers,
        DeviceScope::Organizer {
            organizer_id: account.id,
        },
    )
    .await?;
    tracing::info!(%device_id, "organizer token issued");
    Ok((
        StatusCode::CREATED,
        Json(TokenResponse {
            token,
            organizer: OrganizerData {
                email: account.email,
            },
        }),
    )
        .into_response())
}
