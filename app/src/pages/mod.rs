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

    // Each page reads its own data from the app's state once it is built,
    // so a route has no data of its own to load beside its chunk.

    pub struct Session;
    #[lazy_route]
    impl LazyRoute for Session {
        fn data() -> Self {
            Self
        }
        fn view(_: Self) -> AnyView {
            view! { <SessionPage/> }.into_any()
        }
    }

    pub struct Agenda;
    #[lazy_route]
    impl LazyRoute for Agenda {
        fn data() -> Self {
            Self
        }
        fn view(_: Self) -> AnyView {
            view! { <AgendaPage/> }.into_any()
        }
    }

    pub struct Badge;
    #[lazy_route]
    impl LazyRoute for Badge {
        fn data() -> Self {
            Self
        }
        fn view(_: Self) -> AnyView {
            view! { <BadgePage/> }.into_any()
        }
    }

    pub struct Mentoring;
    #[lazy_route]
    impl LazyRoute for Mentoring {
        fn data() -> Self {
            Self
        }
        fn view(_: Self) -> AnyView {
            view! { <MentoringPage/> }.into_any()
        }
    }

    pub struct Growth;
    #[lazy_route]
    impl LazyRoute for Growth {
        fn data() -> Self {
            Self
        }
        fn view(_: Self) -> AnyView {
            view! { <GrowthPage/> }.into_any()
        }
    }

    pub struct SignIn;
    #[lazy_route]
    impl LazyRoute for SignIn {
        fn data() -> Self {
            Self
        }
        fn view(_: Self) -> AnyView {
            view! { <SignInPage/> }.into_any()
        }
    }

    pub struct Changes;
    #[lazy_route]
    impl LazyRoute for Changes {
        fn data() -> Self {
            Self
        }
        fn view(_: Self) -> AnyView {
            view! { <ChangesPage/> }.into_any()
        }
    }

    pub struct Kiosk;
    #[lazy_route]
    impl LazyRoute for Kiosk {
        fn data() -> Self {
            Self
        }
        fn view(_: Self) -> AnyView {
            view! { <KioskPage/> }.into_any()
        }
    }

    pub struct KioskSession;
    #[lazy_route]
    impl LazyRoute for KioskSession {
        fn data() -> Self {
            Self
        }
        fn view(_: Self) -> AnyView {
            view! { <KioskSessionPage/> }.into_any()
        }
    }
}
