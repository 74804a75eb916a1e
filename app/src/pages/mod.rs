//! One module per screen, and which of them load on first use.

pub mod agenda;
pub mod badge;
pub mod changes;
pub mod growth;
pub mod kiosk;
pub mod mentoring;
pub mod program;
pub mod session;
pub mod signin;

/// Every page but the program is lazy: `cargo leptos build --split` puts
/// their code in one chunk of its own, fetched the first time one of them
/// opens, so that the program (what a phone opens first) is interactive
/// after the first chunk alone (spec §7, BENCHMARKS.md). The service worker
/// precaches every chunk, so each page still opens offline on a device
/// that never opened it online.
///
/// One chunk for all of them, not one per page: a chunk per page made the
/// splitter put whatever two pages share into pieces of their own (55 of
/// the build's 68 files, each compressed alone, each call between them
/// through the function table), and every chunk together came to 72 KB
/// more than with one (BENCHMARKS.md, 2026-12-07).
///
/// A chunk that cannot be fetched (a tab left open across a new build)
/// surfaces as an error, shown by the boundary around the routes.
pub mod lazy {
    use leptos::LazyViewError;
    use leptos::prelude::*;
    use leptos_router::LazyRoute;

    use super::{
        agenda::AgendaPage, badge::BadgePage, changes::ChangesPage, growth::GrowthPage,
        kiosk::KioskPage, kiosk::KioskSessionPage, mentoring::MentoringPage, session::SessionPage,
        signin::SignInPage,
    };

    /// The pages in the chunk.
    #[derive(Clone, Copy)]
    enum Page {
        Session,
        Agenda,
        Badge,
        Mentoring,
        Growth,
        SignIn,
        Changes,
        Kiosk,
        KioskSession,
    }

    /// The split point: every page of the chunk is reached from here alone.
    #[leptos::lazy(fallible)]
    fn pages(page: Page) -> Result<AnyView, LazyViewError> {
        Ok(match page {
            Page::Session => view! { <SessionPage/> }.into_any(),
            Page::Agenda => view! { <AgendaPage/> }.into_any(),
            Page::Badge => view! { <BadgePage/> }.into_any(),
            Page::Mentoring => view! { <MentoringPage/> }.into_any(),
            Page::Growth => view! { <GrowthPage/> }.into_any(),
            Page::SignIn => view! { <SignInPage/> }.into_any(),
            Page::Changes => view! { <ChangesPage/> }.into_any(),
            Page::Kiosk => view! { <KioskPage/> }.into_any(),
            Page::KioskSession => view! { <KioskSessionPage/> }.into_any(),
        })
    }

    /// A route showing `Page::$page`. Each page reads its own data from
    /// the app's state once it is built, so a route has nothing to load
    /// beside the chunk; its data is only whether it shows the app
    /// (`takeover::ShowOnceDrawn`). The router asks for it as it starts
    /// fetching the chunk, in the page's task (`DrawPage` in `app`), so
    /// the page the app starts on claims the showing, and the server's
    /// copy stays on screen until that page is drawn.
    macro_rules! lazy_page {
        ($page:ident) => {
            pub struct $page {
                #[cfg(feature = "browser")]
                show: Option<crate::takeover::ShowOnceDrawn>,
            }

            impl LazyRoute for $page {
                fn data() -> Self {
                    Self {
                        #[cfg(feature = "browser")]
                        show: crate::takeover::ShowOnceDrawn::claim(),
                    }
                }
                async fn view(this: Self) -> AnyView {
                    // An `Err` (the chunk could not be fetched) renders
                    // into the routes' error boundary.
                    let page = pages(Page::$page).await.into_any();
                    #[cfg(feature = "browser")]
                    if let Some(show) = this.show {
                        show.show_claimed_later();
                    }
                    #[cfg(not(feature = "browser"))]
                    let _ = this;
                    page
                }
                async fn preload() {
                    // Best effort: a chunk that cannot be fetched shows
                    // its error when the page opens, not here.
                    #[cfg(target_arch = "wasm32")]
                    let _ = __preload_pages().await;
                }
            }
        };
    }

    lazy_page!(Session);
    lazy_page!(Agenda);
    lazy_page!(Badge);
    lazy_page!(Mentoring);
    lazy_page!(Growth);
    lazy_page!(SignIn);
    lazy_page!(Changes);
    lazy_page!(Kiosk);
    lazy_page!(KioskSession);
}
