//! Moving the keyboard focus where an action leads: into a form that
//! opened, onto the Undo that appeared, back to the button that opened
//! what closed. Views keep their nodes across syncs, so nothing here
//! repairs a redraw; the element to focus is often drawn only after the
//! change that calls for it, hence the short wait.

use leptos::prelude::*;
use std::cell::Cell;
use std::time::Duration;

thread_local! {
    /// The number of the latest focus move an action asked for. A move
    /// still waiting for its turn gives way to a later one: a quick second
    /// action (Undo right after Delete) must not have its focus taken by
    /// the first one's late retry.
    static LATEST: Cell<u32> = const { Cell::new(0) };
}

/// Whether [`focus_soon`] may take the focus from where it is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The person's action leads there: move it, unless they have already
    /// moved on (typing fast into another field, say).
    Always,
    /// Only if it was dropped (the button it was on went with the change);
    /// never taken from where they moved it.
    IfLost,
}

/// True when nothing has the focus (it is on the document's body).
pub fn lost() -> bool {
    document()
        .active_element()
        .is_none_or(|e| e.tag_name().eq_ignore_ascii_case("body"))
}

/// Focuses the first element matching `selector` once the redraw in
/// progress is on the page, and again a little later if the focus is still
/// lost: a change that goes through IndexedDB first reaches the page only
/// then.
pub fn focus_soon(selector: String, when: When) {
    let move_number = LATEST.with(|latest| {
        latest.set(latest.get().wrapping_add(1));
        latest.get()
    });
    schedule(selector, when, move_number);
}

/// Runs the move numbered `move_number` (see [`LATEST`]), unless a later
/// one was asked for meanwhile.
fn schedule(selector: String, when: When, move_number: u32) {
    let origin = document().active_element();
    for (delay, when) in [(16, when), (300, When::IfLost)] {
        let selector = selector.clone();
        let origin = origin.clone();
        crate::components::run_later(
            move || {
                if LATEST.with(Cell::get) != move_number {
                    return;
                }
                let unmoved = when == When::Always && document().active_element() == origin;
                if (unmoved || lost())
                    && let Ok(Some(element)) = document().query_selector(&selector)
                    && let Ok(element) =
                        wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(element)
                {
                    let _ = element.focus();
                }
            },
            Duration::from_millis(delay),
        );
    }
}
