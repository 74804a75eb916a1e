//! Small views used by several pages.

pub mod badge_qr;
pub mod camera;
pub mod focus;
pub mod register;
pub mod session_card;
pub mod sync_badge;

/// The element matching `selector` that a click landed in, if any: pages
/// drawn as markup handle all their buttons with one click handler.
pub fn clicked(ev: &leptos::ev::MouseEvent, selector: &str) -> Option<leptos::web_sys::Element> {
    leptos::prelude::event_target::<leptos::web_sys::Element>(ev)
        .closest(selector)
        .ok()
        .flatten()
}
