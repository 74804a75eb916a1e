//! What the server renders a page with, beyond the URL. The program page
//! and a session's page are the first thing a phone paints: they are
//! rendered with the public program, so that their largest text is on
//! screen before the app has loaded (docs/OFFLINE.md §4).

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::{provide_context, use_context};

use super::AppState;
use app::state::ServerProgram;

/// Whether the page at `path` shows the program: `/` and `/sessions/{id}`.
fn shows_program(path: &str) -> bool {
    let path = path.strip_suffix('/').unwrap_or(path);
    path.is_empty()
        || path
            .strip_prefix("/sessions/")
            .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// Reads the program for the pages that show it and hands it to the
/// renderer in the request's extensions ([`provide_program`]). A failed
/// read renders the page without it: the app fills it in from its store.
pub async fn with_program(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if shows_program(request.uri().path()) {
        match state
            .store
            .read(|conn| Ok(crate::store::sessions::program(conn)?))
            .await
        {
            Ok(program) => {
                request.extensions_mut().insert(ServerProgram(program));
            }
            Err(e) => tracing::warn!(error = %e, "page rendered without the program"),
        }
    }
    next.run(request).await
}

/// Puts the program [`with_program`] read into the rendering's context.
pub fn provide_program() {
    let program = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ServerProgram>().cloned());
    if let Some(program) = program {
        provide_context(program);
    }
}

#[cfg(test)]
mod tests {
    use super::shows_program;

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
}
