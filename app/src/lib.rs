//! Hallpass, the Leptos app: the shell and routes, the pages, the browser's
//! local store and sync client, and the domain and wire types that the
//! browser and the server share. Built with `ssr` for the server and with
//! `browser` for the browser.

// Leptos views are deeply nested types; release builds need the headroom.
#![recursion_limit = "256"]

pub mod components;
pub mod device;
pub mod domain;
pub mod loader;
pub mod pages;
pub mod protocol;
pub mod sorting;
pub mod state;

pub mod client;
#[cfg(feature = "browser")]
mod takeover;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, path};

use components::header::Header;
use pages::{lazy, program::ProgramPage};

/// A route that must open offline, and the cached page that serves it.
/// The app is mounted in place of whatever the server rendered and reads
/// the device's own store, so one cached copy serves every URL matching
/// `pattern` (see docs/OFFLINE.md).
pub struct OfflineRoute {
    /// The URL precached and served for every match.
    pub path: &'static str,
    /// A JavaScript regular expression over the URL path.
    pub pattern: &'static str,
}

/// Every attendee and kiosk route. The service worker precaches each `path`.
pub const OFFLINE_ROUTES: &[OfflineRoute] = &[
    OfflineRoute {
        path: "/",
        pattern: "^/$",
    },
    OfflineRoute {
        path: "/sessions/_",
        pattern: "^/sessions/[^/]+/?$",
    },
    OfflineRoute {
        path: "/agenda",
        pattern: "^/agenda/?$",
    },
    OfflineRoute {
        path: "/badge",
        pattern: "^/badge/?$",
    },
    OfflineRoute {
        path: "/mentoring",
        pattern: "^/mentoring/?$",
    },
    OfflineRoute {
        path: "/growth",
        pattern: "^/growth/?$",
    },
    OfflineRoute {
        path: "/signin",
        pattern: "^/signin/?$",
    },
    OfflineRoute {
        path: "/sync",
        pattern: "^/sync/?$",
    },
    OfflineRoute {
        path: "/kiosk",
        pattern: "^/kiosk/?$",
    },
    OfflineRoute {
        path: "/kiosk/sessions/_",
        pattern: "^/kiosk/sessions/[^/]+/?$",
    },
];

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_page_security_policy();
    // The program this page was rendered with, for the app to start from
    // (`state::ServerProgram`). An attribute, escaped like any other: no
    // script element whose text a session's title could end.
    let program = use_context::<state::ServerProgram>()
        .filter(|program| !program.0.is_empty())
        .and_then(|program| serde_json::to_string(&*program.0).ok());
    // Given to the pages whose first screen depends on it (the kiosk's);
    // an empty device's is drawn by the server.
    let account = use_context::<device::AccountHint>();
    let rendered = program.is_some() || account == Some(device::AccountHint::Absent);
    let account = account.map(device::AccountHint::as_str);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                // Static head tags live here, rendered on the server only,
                // so that the browser bundle carries no code for them.
                <meta name="description" content="The NEA ESP National Conference program, on your phone, online or not."/>
                <meta name="theme-color" content="#0b4f6c"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <loader::AppScript options rendered/>
                <MetaTags/>
            </head>
            <body data-program=program data-account=account>
                <App/>
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy, with this response's nonce for the
/// inline hydration script. `'wasm-unsafe-eval'` lets the page compile wasm
/// and nothing else.
#[cfg(feature = "ssr")]
fn set_page_security_policy() {
    use leptos_axum::ResponseOptions;
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        http::HeaderValue::from_str(&policy),
    ) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Whether the app draws its page yet. In the browser the app's frame
/// (header, navigation, sync state) is drawn in one task and its page in
/// the next (`hydrate`): on a phone, the two in one task are long enough to
/// hold up a tap. Not provided on the server, which draws both at once.
#[derive(Clone, Copy)]
struct DrawPage(RwSignal<bool>);

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let state = state::AppState::provide();

    #[cfg(feature = "browser")]
    Effect::new(move |_| client::start(state));
    let draw_page = use_context::<DrawPage>();
    let page_drawn = move || draw_page.is_none_or(|DrawPage(draw)| draw.get());

    view! {
        <Title formatter=|page: String| if page.is_empty() { "Hallpass".to_owned() } else { format!("{page} · Hallpass") }/>
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Header/>
            <p class="notice" role="alert">
                {move || state.notice.get().map(|message| view! {
                    <span>{message}</span>
                    " "
                    <button type="button" class="link-button" on:click=move |_| state.notice.set(None)>"Dismiss"</button>
                })}
            </p>
            <main id="main" tabindex="-1">
                {move || page_drawn().then(|| view! {
                    <ErrorBoundary fallback=|_| view! { <PageUnavailable/> }>
                        <Routes fallback=|| view! { <NotFound/> }>
                            <Route path=path!("/") view=ProgramPage/>
                            <Route path=path!("/sessions/:id") view={Lazy::<lazy::Session>::new()}/>
                            <Route path=path!("/agenda") view={Lazy::<lazy::Agenda>::new()}/>
                            <Route path=path!("/badge") view={Lazy::<lazy::Badge>::new()}/>
                            <Route path=path!("/mentoring") view={Lazy::<lazy::Mentoring>::new()}/>
                            <Route path=path!("/growth") view={Lazy::<lazy::Growth>::new()}/>
                            <Route path=path!("/signin") view={Lazy::<lazy::SignIn>::new()}/>
                            <Route path=path!("/sync") view={Lazy::<lazy::Changes>::new()}/>
                            <Route path=path!("/kiosk") view={Lazy::<lazy::Kiosk>::new()}/>
                            <Route path=path!("/kiosk/sessions/:id") view={Lazy::<lazy::KioskSession>::new()}/>
                        </Routes>
                    </ErrorBoundary>
                })}
            </main>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found"/>
        <section class="page">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. "<a href="/">"Go to the program"</a>"."</p>
        </section>
    }
}

/// A page whose code could not be fetched: this tab still runs a build the
/// server and the service worker have since replaced, or it is offline
/// before the worker had saved the page. Loading the page again loads the
/// build that is there now.
#[component]
fn PageUnavailable() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"This page could not be opened"</h1>
            <p role="alert">"Hallpass was updated since this tab opened, or this device is offline and has not saved this page yet."</p>
            <button type="button" on:click=|_| client::actions::reload()>"Reload Hallpass"</button>
        </section>
    }
}

/// The browser's entry point (the name the server's loader script calls):
/// mount the app in place of the server's markup. Mounting instead of
/// hydrating leaves every view's hydration code out of the bundle (19 KB,
/// BENCHMARKS.md).
#[cfg(feature = "browser")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = leptos::prelude::document().body() else {
        return;
    };
    // Nothing of the server's markup is adopted. The app starts from the
    // program the server rendered it with, and from what it knew of the
    // device's account, so its first frame is the page already on screen.
    let take = |name: &str| {
        let value = body.get_attribute(name);
        let _ = body.remove_attribute(name);
        value
    };
    let account = take("data-account").and_then(|hint| device::AccountHint::parse(&hint));
    let program = take("data-program")
        .and_then(|json| serde_json::from_str::<Vec<protocol::SessionData>>(&json).ok());
    // The server's program, not scrolled: drawn off screen from the first
    // screen down, a slice per task, and shown once that screen is drawn.
    // Any other page is shown once drawn too (`takeover::ShowOnceDrawn`).
    let first_screen = takeover::program_first_screen().filter(|_| program.is_some());
    let Some(takeover) = takeover::Takeover::new(body) else {
        return;
    };
    let show = takeover::ShowOnceDrawn::new(takeover.clone());
    let draw_page = RwSignal::new(false);
    let app = move || {
        if let Some(account) = account {
            provide_context(account);
        }
        if let Some(program) = program {
            provide_context(state::ServerProgram(program.into()));
        }
        if let Some(cards) = first_screen {
            provide_context(pages::program::SliceFirstDraw(cards));
        }
        provide_context(show);
        provide_context(DrawPage(draw_page));
        view! { <App/> }
    };
    // The app is built in a task of its own: this one compiled the bundle
    // and read the program. The worker's registration runs after the
    // mount, which sets up the executor it runs on.
    components::run_later(
        move || {
            takeover.mount(app);
            client::register_service_worker();
            // The page in a task of its own (`DrawPage`).
            components::run_later(
                move || {
                    draw_page.set(true);
                    // A task later: the router's first step, where a lazy
                    // page claims the showing, runs on the executor after
                    // this task's code.
                    components::run_later(move || show.show_unclaimed(), std::time::Duration::ZERO);
                },
                std::time::Duration::ZERO,
            );
        },
        std::time::Duration::ZERO,
    );
}
