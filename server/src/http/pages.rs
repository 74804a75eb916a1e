//! What the server renders a page with, beyond the URL. The program page
//! and a session's page are the first thing a phone paints: they are
//! rendered with the public program, so that their largest text is on
//! screen before the app has loaded (docs/OFFLINE.md §4). The kiosk pages
//! are rendered knowing whether the device holds an account: an empty
//! device's first screen is the pairing form.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::{provide_context, use_context};

use super::AppState;
use app::device::AccountHint;
use app::state::ServerProgram;
use axum_extra::extract::cookie::CookieJar;

/// Whether the page at `path` shows the program: `/` and `/sessions/{id}`.
fn shows_program(path: &str) -> bool {
    let path = path.strip_suffix('/').unwrap_or(path);
    path.is_empty()
        || path
            .strip_prefix("/sessions/")
            .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// Whether the page at `path` is a kiosk page: `/kiosk` and
/// `/kiosk/sessions/{id}`.
fn is_kiosk(path: &str) -> bool {
    let path = path.strip_suffix('/').unwrap_or(path);
    path == "/kiosk"
        || path
            .strip_prefix("/kiosk/sessions/")
            .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// Reads the program for the pages that show it, and the account hint for
/// the kiosk pages, and hands them to the renderer in the request's
/// extensions ([`provide_page_data`]). A failed read renders the page
/// without the program: the app fills it in from its store.
pub async fn with_page_data(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if is_kiosk(request.uri().path()) {
        let held = CookieJar::from_headers(request.headers())
            .get(AccountHint::COOKIE)
            .is_some();
        let hint = if held {
            AccountHint::Held
        } else {
            AccountHint::Absent
        };
        request.extensions_mut().insert(hint);
    }
    if shows_program(request.uri().path()) {
        match state
            .store
            .read(|conn| Ok(crate::store::sessions::program(conn)?))
            .await
        {
            Ok(program) => {
                request
                    .extensions_mut()
                    .insert(ServerProgram(program.into()));
            }
            Err(e) => tracing::warn!(error = %e, "page rendered without the program"),
        }
    }
    next.run(request).await
}

/// Puts what [`with_page_data`] read into the rendering's context.
pub fn provide_page_data() {
    let Some(parts) = use_context::<axum::http::request::Parts>() else {
        return;
    };
    if let Some(program) = parts.extensions.get::<ServerProgram>() {
        provide_context(program.clone());
    }
    if let Some(hint) = parts.extensions.get::<AccountHint>() {
        provide_context(*hint);
    }
}

#[cfg(test)]
mod tests {
    use super::{is_kiosk, shows_program};

    #[test]
    fn the_program_and_session_pages_show_the_program() {
        for path in ["/", "/sessions/12", "/sessions/12/", "/sessions/_"] {
            assert!(shows_program(path), "{path}");
        }
        for path in [
            "/agenda",
            "/sessions/",
            "/sessions/1/x",
            "/kiosk/sessions/1",
            "/badge/",
        ] {
            assert!(!shows_program(path), "{path}");
        }
    }

    #[test]
    fn the_kiosk_pages_are_the_kiosk_and_its_session_rooms() {
        for path in [
            "/kiosk",
            "/kiosk/",
            "/kiosk/sessions/4",
            "/kiosk/sessions/_",
        ] {
            assert!(is_kiosk(path), "{path}");
        }
        for path in [
            "/",
            "/kiosks",
            "/kiosk/sessions/",
            "/kiosk/sessions/4/x",
            "/sessions/4",
        ] {
            assert!(!is_kiosk(path), "{path}");
        }
    }
}
