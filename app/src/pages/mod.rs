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

/// Every page but the program is a lazy route: `cargo leptos build --split`
/// puts its code in a chunk of its own, fetched the first time the page
/// opens, so that the program (what a phone opens first) is interactive
/// after the first chunk alone (spec §7, BENCHMARKS.md). The service worker
/// precaches every chunk, so each page still opens offline on a device
/// that never opened it online.
///
/// A chunk that cannot be fetched (a tab left open across a new build)
/// surfaces as an error, shown by the boundary around the routes.
pub mod lazy {
    use leptos::prelude::*;
    use leptos_router::{LazyRoute, lazy_route};

    use super::{
        agenda::AgendaPage, badge::BadgePage, changes::ChangesPage, growth::GrowthPage,
        kiosk::KioskPage, kiosk::KioskSessionPage, mentoring::MentoringPage, session::SessionPage,
        signin::SignInPage,
    };

    /// A lazy route showing `$page`: its `view` is the split point.
    /// Each page reads its own data from the app's state once it is
    /// built, so a route has no data of its own to load beside its chunk.
    /// (The chunk is named for the route's type, so each gets its own.)
    macro_rules! lazy_page {
        ($route:ident => $page:ident) => {
            pub struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    Self
                }
                fn view(_: Self) -> AnyView {
                    view! { <$page/> }.into_any()
                }
            }
        };
    }

    lazy_page!(Session => SessionPage);
    lazy_page!(Agenda => AgendaPage);
    lazy_page!(Badge => BadgePage);
    lazy_page!(Mentoring => MentoringPage);
    lazy_page!(Growth => GrowthPage);
    lazy_page!(SignIn => SignInPage);
    lazy_page!(Changes => ChangesPage);
    lazy_page!(Kiosk => KioskPage);
    lazy_page!(KioskSession => KioskSessionPage);
}
