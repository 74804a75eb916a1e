//! The app's header: the brand, the main navigation with the page the
//! person is on marked, and the sync badge.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::components::sync_badge::SyncBadge;
use crate::state::AppState;

/// Plain links, not the router's `<A>`: the router follows a click on any
/// link to one of the app's own pages, and all `<A>` would add here is the
/// current page's mark. Each `<A>` resolves its address against the route
/// and keeps memos of its own for it; here every link compares one shared
/// location, and the bundle is 3 KB smaller (BENCHMARKS.md, 2026-12-07).
#[component]
pub fn Header() -> impl IntoView {
    let state = AppState::get();
    let here = use_location().pathname;
    let current =
        move |page: &'static str| move || here.with(|path| on_page(path, page)).then_some("page");
    view! {
        <header class="app-header">
            <a href="/" class="brand">
                <span class="brand-mark" aria-hidden="true">"H"</span>
                <span>"Hallpass"</span>
            </a>
            // A kiosk's nav shows check-in instead of the attendee pages
            // (a class, not two views: cheaper in the bundle).
            <nav aria-label="Main" class:kiosk-nav=move || state.account.with(|a| a.as_ref().is_some_and(|a| a.kiosk().is_some()))>
                <a href="/" class="attendee-only" aria-current=current("/")>"Program"</a>
                <a href="/agenda" class="attendee-only" aria-current=current("/agenda")>"My agenda"</a>
                <a href="/badge" class="attendee-only" aria-current=current("/badge")>"My badge"</a>
                <a href="/mentoring" class="attendee-only" aria-current=current("/mentoring")>"Mentoring"</a>
                <a href="/kiosk" class="kiosk-only" aria-current=current("/kiosk")>"Check-in"</a>
                <a href="/sync" aria-current=current("/sync")>
                    "Changes"
                    {move || {
                        let n = state.outbox.with(Vec::len) + state.rejected.with(Vec::len);
                        (n > 0).then(|| view! { <span class="count">{n}</span> })
                    }}
                </a>
                {move || (state.loaded.get() && state.account.with(Option::is_none)).then(|| view! {
                    <a href="/signin" aria-current=current("/signin")>"Sign in"</a>
                })}
            </nav>
            <SyncBadge/>
        </header>
    }
}

/// Whether `path` is one of `page`'s: the program at `/` alone, any other
/// page with what is below it (`/kiosk` on a kiosk's session).
fn on_page(path: &str, page: &str) -> bool {
    path == page
        || page != "/"
            && path
                .strip_prefix(page)
                .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::on_page;

    #[test]
    fn the_program_is_current_on_itself_alone() {
        assert!(on_page("/", "/"));
        assert!(!on_page("/agenda", "/"));
        assert!(!on_page("/sessions/abc", "/"));
    }

    #[test]
    fn a_page_is_current_on_what_is_below_it_too() {
        assert!(on_page("/kiosk", "/kiosk"));
        assert!(on_page("/kiosk/sessions/abc", "/kiosk"));
        assert!(on_page("/agenda/", "/agenda"));
        assert!(!on_page("/kiosks", "/kiosk"));
        assert!(!on_page("/badge", "/kiosk"));
    }
}
