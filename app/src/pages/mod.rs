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

    /// What shows the app in place of the server's copy of the page
    /// (`app::takeover`), when the page the app starts on is one of this
    /// chunk's: it is shown once that page is drawn, so the server's copy
    /// stays on screen while the chunk is fetched, and the start is three
    /// tasks (the app's frame, the page, the swap) instead of one followed
    /// by a page with nothing in it. The router asks for a lazy route's
    /// data as it starts fetching the chunk, in the task that mounts the
    /// app; that route claims the showing, and any later one finds it
    /// claimed. A start on any other page leaves it unclaimed, and the app
    /// is shown in the task after the mount's
    /// ([`ShowOnceDrawn::show_unclaimed`]).
    #[cfg(feature = "browser")]
    #[derive(Clone, Copy)]
    pub struct ShowOnceDrawn(StoredValue<Showing, LocalStorage>);

    #[cfg(feature = "browser")]
    enum Showing {
        Unclaimed(Box<dyn FnOnce()>),
        Claimed(Box<dyn FnOnce()>),
        Shown,
    }

    #[cfg(feature = "browser")]
    impl ShowOnceDrawn {
        pub fn new(show: impl FnOnce() + 'static) -> Self {
            ShowOnceDrawn(StoredValue::new_local(Showing::Unclaimed(Box::new(show))))
        }

        /// Shows the app now unless a lazy page claimed the showing.
        pub fn show_unclaimed(self) {
            if let Some(Showing::Unclaimed(show)) = self.replace_if(false) {
                show();
            }
        }

        /// The showing, for the lazy page being routed to, if no page has
        /// claimed it yet.
        fn claim() -> Option<Self> {
            let this = use_context::<Self>()?;
            let Some(Showing::Unclaimed(show)) = this.replace_if(false) else {
                return None;
            };
            this.0.set_value(Showing::Claimed(show));
            Some(this)
        }

        /// Shows the app in the next task: the page that claimed the
        /// showing is drawn by then (the router draws it once its view is
        /// ready, in this task).
        fn show_claimed_later(self) {
            crate::components::run_later(
                move || {
                    if let Some(Showing::Claimed(show)) = self.replace_if(true) {
                        show();
                    }
                },
                std::time::Duration::ZERO,
            );
        }

        /// Takes the state out (leaving `Shown`) when it is claimed or
        /// unclaimed as asked; puts nothing back.
        fn replace_if(self, claimed: bool) -> Option<Showing> {
            self.0
                .try_update_value(|s| match (&*s, claimed) {
                    (Showing::Unclaimed(_), false) | (Showing::Claimed(_), true) => {
                        Some(std::mem::replace(s, Showing::Shown))
                    }
                    _ => None,
                })
                .flatten()
        }
    }

    /// A route showing `Page::$page`. Each page reads its own data from
    /// the app's state once it is built, so a route has nothing to load
    /// beside the chunk; its data is only whether it shows the app.
    macro_rules! lazy_page {
        ($page:ident) => {
            pub struct $page {
                #[cfg(feature = "browser")]
                show: Option<ShowOnceDrawn>,
            }

            impl LazyRoute for $page {
                fn data() -> Self {
                    Self {
                        #[cfg(feature = "browser")]
                        show: ShowOnceDrawn::claim(),
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
