//! Small views used by several pages.

pub mod badge_qr;
pub mod camera;
pub mod focus;
pub mod header;
pub mod register;
pub mod session_card;
pub mod sync_badge;

/// Runs `f` once, `delay` from now (Leptos's `set_timeout`, whose error
/// nobody here can act on: a browser refuses a timer only while it shuts
/// the page down, so that leaves a warning and nothing else).
pub fn run_later(f: impl FnOnce() + 'static, delay: std::time::Duration) {
    if let Err(e) = leptos::prelude::set_timeout(f, delay) {
        leptos::logging::warn!("a timer could not be set: {e:?}");
    }
}

/// The component a handler belongs to, for what must outlive the part of
/// it that started it. Leptos cancels a timer when the part of the page
/// that set it goes away, so a row's Delete, which takes its row away,
/// would cancel its own undo time and its move of the focus onto Undo.
#[derive(Clone, Copy)]
pub struct Anchor(leptos::prelude::StoredValue<Option<leptos::prelude::WeakOwner>>);

impl Anchor {
    /// The component being drawn now.
    pub fn here() -> Self {
        use leptos::prelude::*;
        Anchor(StoredValue::new(Owner::current().map(|o| o.downgrade())))
    }

    /// Runs `f` as the component: the timers it sets last as long as it.
    pub fn run<T>(self, f: impl FnOnce() -> T) -> T {
        use leptos::prelude::*;
        match self
            .0
            .try_with_value(|page| page.as_ref().and_then(WeakOwner::upgrade))
            .flatten()
        {
            Some(page) => page.with(f),
            None => f(),
        }
    }
}

/// A page's content once the device's store is read: "Opening…" until
/// then, and while `signed_in` is false a link to sign in with what it is
/// for (`to`, as in " to see your growth record.").
#[leptos::component]
pub fn WhenSignedIn(
    #[prop(into)] signed_in: leptos::prelude::Signal<bool>,
    to: &'static str,
    children: leptos::prelude::ChildrenFn,
) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let state = crate::state::AppState::get();
    let children = StoredValue::new(children);
    view! {
        <Show
            when=move || state.loaded.get()
            fallback=|| view! { <p class="placeholder" role="status">"Opening…"</p> }
        >
            <Show
                when=move || signed_in.get()
                fallback=move || view! { <p class="placeholder"><a href="/signin">"Sign in"</a>{to}</p> }
            >
                {children.with_value(|c| c())}
            </Show>
        </Show>
    }
}
